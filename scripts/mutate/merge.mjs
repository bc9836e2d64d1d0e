// @ts-check
// npm run mutate:full -- --merge 'reports/mutation/shard-*': the results of `--shard i/n` runs, each made on
// its own machine (its folder copied back), put together as one run: every mutant from the one shard that
// tested it (a shard's report also lists the mutants nested in its spans, untested there: "outside the
// sample"), the tests renumbered by name. When the shards of one split (the same n, seed, scope and code)
// are all there, the result is the whole scope's, exact; with some missing it is the union of uniform
// slices of one shuffle, so still a uniform sample, and reported as one (an estimate with its interval).
// The SQL mutants are not split: a folder that ran them (their glob) adds its sql.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportKey } from './sample.mjs';

/** @param {string} path */
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * Writes `out`/stryker.json, sql.json (when a folder has one) and last-run.json of the merged run, for
 * report.mjs finish(). Returns an exit code (2: nothing to merge, or shards of different splits or code).
 * @param {{ dirs: string[], out: string, root: string }} options
 */
export function merge({ dirs, out }) {
  /** @type {{ dir: string, last: any, report: any }[]} */
  const shards = [];
  /** @type {any} */
  let sql;
  for (const dir of dirs) {
    if (existsSync(join(dir, 'sql.json')) && !sql) sql = readJson(join(dir, 'sql.json'));
    if (!existsSync(join(dir, 'last-run.json')) || !existsSync(join(dir, 'stryker.json'))) {
      if (!existsSync(join(dir, 'sql.json'))) console.warn(`mutate:full --merge: ${dir} holds no finished run (last-run.json, stryker.json): left out`);
      continue;
    }
    const last = readJson(join(dir, 'last-run.json'));
    if (!last.sample?.shard) {
      console.error(`mutate:full --merge: ${dir} is not a --shard run`);
      return 2;
    }
    shards.push({ dir, last, report: readJson(join(dir, 'stryker.json')) });
  }
  if (!shards.length) {
    console.error(`mutate:full --merge: no shard results in ${dirs.join(' ') || '(no folder given)'}`);
    return 2;
  }
  const split = (/** @type {any} */ s) => `${s.last.sample.shard.of} shards, seed ${s.last.sample.seed}, ${s.last.sample.population} mutants, scope ${[...s.last.files].sort().join(',')}`;
  const first = split(shards[0]);
  for (const s of shards) {
    if (split(s) !== first) {
      console.error(`mutate:full --merge: ${s.dir} belongs to another split (${split(s)}) than ${shards[0].dir} (${first})`);
      return 2;
    }
  }
  const of = shards[0].last.sample.shard.of;
  const seen = new Map();
  for (const s of shards) {
    const i = s.last.sample.shard.i;
    if (seen.has(i)) {
      console.error(`mutate:full --merge: shard ${i} of ${of} twice (${seen.get(i)}, ${s.dir})`);
      return 2;
    }
    seen.set(i, s.dir);
  }

  /** @type {any} */
  const merged = { schemaVersion: '2', thresholds: shards[0].report.thresholds, files: {}, testFiles: {} };
  /** @type {Map<string, string>} a test's name to its id in the merged report */
  const testIds = new Map();
  const idOfTest = (/** @type {string} */ name) => {
    if (!testIds.has(name)) testIds.set(name, String(testIds.size));
    return /** @type {string} */ (testIds.get(name));
  };
  const keys = [];
  let minutes = 0;
  for (const s of shards) {
    minutes += s.last.minutes ?? 0;
    /** @type {Map<string, string>} */
    const names = new Map();
    for (const [file, data] of Object.entries(s.report.testFiles ?? {})) {
      const tests = (merged.testFiles[file] ??= { tests: [] }).tests;
      for (const t of /** @type {any} */ (data).tests) {
        names.set(t.id, t.name);
        if (!testIds.has(t.name)) tests.push({ ...t, id: idOfTest(t.name) });
      }
    }
    const own = new Set(s.last.sample.keys);
    for (const [file, data] of Object.entries(s.report.files)) {
      const f = (merged.files[file] ??= { language: /** @type {any} */ (data).language, source: /** @type {any} */ (data).source, mutants: [] });
      if (f.source !== /** @type {any} */ (data).source) {
        console.error(`mutate:full --merge: ${file} differs between the shards (${s.dir}): shards of one split must run on one commit`);
        return 2;
      }
      for (const m of /** @type {any} */ (data).mutants) {
        const key = reportKey(file, m);
        if (!own.has(key)) continue; // nested in this shard's spans, tested by the shard that drew it
        keys.push(key);
        const rename = (/** @type {string[] | undefined} */ ids) => ids?.map((id) => idOfTest(names.get(id) ?? id));
        f.mutants.push({ ...m, id: `${s.last.sample.shard.i}-${m.id}`, coveredBy: rename(m.coveredBy), killedBy: rename(m.killedBy) });
      }
    }
  }
  for (const [file, f] of Object.entries(merged.files)) if (!f.mutants.length) delete merged.files[file];
  const missing = Array.from({ length: of }, (_, k) => k + 1).filter((i) => !seen.has(i));
  const population = shards[0].last.sample.population;
  writeFileSync(join(out, 'stryker.json'), JSON.stringify(merged));
  if (sql) writeFileSync(join(out, 'sql.json'), JSON.stringify(sql));
  const files = [...new Set([...shards[0].last.files, ...Object.keys(sql?.files ?? {})])];
  const complete = missing.length === 0 && keys.length === population;
  writeFileSync(
    join(out, 'last-run.json'),
    JSON.stringify({
      globs: [],
      files,
      minutes,
      concurrency: shards[0].last.concurrency,
      merged: { of, seed: shards[0].last.sample.seed, shards: [...seen.keys()].sort((a, b) => a - b), missing },
      // Every shard there: the whole scope, no sample. Some missing: the union of uniform slices is a sample.
      ...(complete ? {} : { sample: { n: keys.length, seed: shards[0].last.sample.seed, population, keys } }),
    }),
  );
  console.log(
    complete
      ? `mutate:full --merge: all ${of} shards (${population} TypeScript mutants${sql ? ' and the SQL mutants' : ''}): the whole scope's scores`
      : `mutate:full --merge: ${seen.size} of ${of} shards (${keys.length} of ${population} mutants; missing ${missing.join(', ')}): the scores are estimated from them`,
  );
  return 0;
}
