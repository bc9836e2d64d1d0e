// @ts-check
// npm run mutate:full -- --plan: how many mutants the scope has, per file (Stryker's instrumenter and the SQL
// generator, no test run), and how long a full run would take at the seconds per mutant measured by the
// runs recorded in reports/mutation*/ (each mutant run appends its time to timing.jsonl there; a run
// without it counts its whole time, dry run included, per mutant).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SERVER, SQL, WIDGET, expand } from './scope.mjs';
import { generatedMutants } from './sample.mjs';
import { sqlMutants } from './sql.mjs';

/** @param {{ root: string, out: string, concurrency: number }} options */
export async function plan({ root, out, concurrency }) {
  /** @type {Record<string, Record<string, number>>} group -> file -> mutants */
  const counts = { server: {}, sql: {}, widget: {} };
  for (const [group, scope] of /** @type {const} */ ([['server', SERVER], ['widget', WIDGET]])) {
    const files = expand(scope.include, scope.exclude, root).files;
    for (const m of await generatedMutants(root, files)) counts[group][m.fileName] = (counts[group][m.fileName] ?? 0) + 1;
  }
  for (const f of expand(SQL.include, [], root).files) counts.sql[f] = sqlMutants(f, readFileSync(join(root, f), 'utf8')).length;

  /** @type {Record<string, number[]>} seconds per mutant, by group */
  const seconds = { server: [], sql: [], widget: [] };
  const groupOf = (/** @type {string} */ file) => (file.endsWith('.sql') ? 'sql' : file.startsWith('src/server/') ? 'server' : 'widget');
  // Every reports/mutation*/ folder (--out): each mutant's time, or else a whole run's time per mutant.
  // (A --shard run keeps its results in a folder of its own inside one: reports/mutation/shard-i-of-n/.)
  const folders = readdirSync(join(out, '..')).filter((d) => d.startsWith('mutation')).map((d) => join(out, '..', d));
  const shardFolders = folders.flatMap((d) => readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith('shard-')).map((e) => join(d, e.name)));
  for (const dir of [...folders, ...shardFolders]) {
    const timing = join(dir, 'timing.jsonl');
    if (existsSync(timing)) {
      for (const line of readFileSync(timing, 'utf8').split('\n').filter(Boolean)) {
        const t = JSON.parse(line);
        // Older runs wrote absolute paths (of this checkout, or of Stryker's sandbox in it).
        const file = t.file.startsWith('/') ? relative(root, t.file).replace(/^\.stryker-tmp\/[^/]+\/sandbox-[^/]+\//, '') : t.file;
        seconds[groupOf(file)].push(t.ms / 1000);
      }
    } else if (existsSync(join(dir, 'last-run.json')) && existsSync(join(dir, 'mutation.json'))) {
      const last = JSON.parse(readFileSync(join(dir, 'last-run.json'), 'utf8'));
      const report = JSON.parse(readFileSync(join(dir, 'mutation.json'), 'utf8'));
      const n = Object.values(report.files).reduce((a, f) => a + /** @type {any} */ (f).mutants.length, 0);
      const groups = new Set(Object.keys(report.files).map(groupOf));
      if (n && groups.size === 1) for (let i = 0; i < n; i++) seconds[[...groups][0]].push((last.minutes * 60) / n);
    }
  }
  let total = 0;
  let known = true;
  for (const [group, files] of Object.entries(counts)) {
    const n = Object.values(files).reduce((a, b) => a + b, 0);
    const s = seconds[group];
    const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
    console.log(`\n${group}: ${n} mutants in ${Object.keys(files).length} files${s.length ? `; ${mean.toFixed(0)} s per mutant (mean of ${s.length} measured)` : '; no mutant of this kind measured yet'}`);
    for (const [f, c] of Object.entries(files).sort()) console.log(`  ${String(c).padStart(5)}  ${f}`);
    if (s.length) total += (n * mean) / concurrency;
    else known = false;
  }
  console.log(`\nmutate:full --plan: a full run at concurrency ${concurrency}: ${known ? `about ${(total / 3600).toFixed(1)} hours` : `at least ${(total / 3600).toFixed(1)} hours (a kind is not measured yet)`}, plus a dry run of the whole suite (minutes), at the measured pace; an incremental run re-tests only the mutants of changed code or tests.`);
  // Split over machines (--shard i/n): each pays the dry run (about 10 minutes), then its part.
  const tsSeconds = total - (seconds.sql.length ? (Object.values(counts.sql).reduce((a, b) => a + b, 0) * seconds.sql.reduce((a, b) => a + b, 0)) / seconds.sql.length / concurrency : 0);
  if (tsSeconds > 0) console.log(`mutate:full --plan: or --shard i/n over n machines like this one: n = ${Math.ceil(tsSeconds / (70 * 60))} shards of about 80 minutes each (the TypeScript mutants; the SQL ones by their glob), then --merge.`);
}
