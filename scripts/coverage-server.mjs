// @ts-check
// node scripts/coverage-server.mjs: the lines of kpg-checkout/server (dist/server/) that no node test runs, per
// file. The cheap half of a mutation run: a mutant on a line no test reaches is "no coverage" whatever the
// tests assert (in the second sample of npm run mutate:full, 12 of the 26 undetected server mutants were). It
// runs the server's node tests once (test/node/server-*.test.mjs and openapi.test.mjs, one file at a time, on
// PGlite and a throwaway PostgreSQL) under node's own coverage, and prints each file's line and branch
// percentages and its uncovered line ranges (of the built JavaScript: tsc keeps the statements' order, so a
// range reads next to its .ts source). About 15 minutes here. docs/testing.md: what it found, and what was done.
//
//   npm run build:server && node scripts/coverage-server.mjs          the table, least covered first
//   node scripts/coverage-server.mjs --all                            every file, covered ones too
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
process.chdir(root);
const { startPostgres } = await import(pathToFileURL(resolve('scripts/postgres.mjs')).href);
const pg = startPostgres();
const files = readdirSync('test/node')
  .filter((f) => /^server-.*\.test\.mjs$/.test(f) || f === 'openapi.test.mjs')
  .map((f) => `test/node/${f}`);
let out = '';
const code = await new Promise((done) => {
  const child = spawn(process.execPath, ['--test', '--experimental-test-coverage', '--test-concurrency=1', '--test-timeout=300000', '--test-reporter=tap', ...files], {
    env: { ...process.env, ...pg.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (d) => (out += d));
  child.on('close', (c) => done(c ?? 1));
});
pg.stop();
const lines = out.split('\n');
const failed = lines.filter((l) => /^not ok/.test(l));
const rows = [];
let inReport = false;
for (const l of lines) {
  if (/start of coverage report/.test(l)) inReport = true;
  else if (/end of coverage report/.test(l)) inReport = false;
  const m = inReport && /^# (.*?)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*(.*)$/.exec(l);
  if (m && m[1].includes('dist/server/')) rows.push({ file: m[1].trim(), line: Number(m[2]), branch: Number(m[3]), uncovered: m[5].trim() });
}
const all = process.argv.includes('--all');
rows.sort((a, b) => a.line - b.line || a.branch - b.branch);
console.log('line %  branch %  file  uncovered lines');
for (const r of rows.filter((r) => all || r.uncovered)) console.log(`${r.line.toFixed(1).padStart(6)}  ${r.branch.toFixed(1).padStart(8)}  ${r.file}  ${r.uncovered}`);
const ranges = rows.reduce((n, r) => n + (r.uncovered ? r.uncovered.split(/\s+/).length : 0), 0);
console.log(`\n${rows.length} files of dist/server, ${rows.filter((r) => r.uncovered).length} with lines no test runs (${ranges} ranges)${failed.length ? `; ${failed.length} test files FAILED (their coverage is missing): ${failed.join('; ')}` : ''}`);
process.exit(rows.length ? 0 : code || 1);
