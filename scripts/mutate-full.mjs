// npm run mutate:full: every mutant a mutation tool generates over the money code, not a curated list.
// StrykerJS generates and instruments the mutants of the TypeScript (mutation switching: one instrumented
// copy, no build per mutant) and drives the project's own tests through scripts/mutate/stryker-runner.mjs,
// each mutant against only the tests that reach it (coverage per test); scripts/mutate/sql.mjs does the
// same for the SQL migrations, which Stryker cannot read. Then scripts/mutate/report.mjs sets the survivors
// that test/mutants/equivalent.json argues to be equivalent apart, prints the score per file and writes
// the HTML report.
//
//   npm run mutate:full                                 the whole scope (scripts/mutate/scope.mjs); hours
//   npm run mutate:full -- src/server/redact.ts         only the files these globs match (quote a glob)
//   npm run mutate:full -- 'src/server/providers/*.ts' --concurrency 2
//   npm run mutate:full -- --force                      re-test every mutant (default: incremental)
//   npm run mutate:full -- src/charset.ts --tests test/pg-files.test.ts   only these tests (a quick look)
//   npm run mutate:full -- --report                     only re-read the last results (after editing
//                                                       test/mutants/equivalent.json)
//   npm run mutate:full -- --plan                       mutants per file and the time a full run would take
//   npm run mutate:full -- --sample 200 --seed 7        a uniform random sample of the scope's TypeScript
//                                                       mutants, and the scores estimated from it with their
//                                                       95% intervals (scripts/mutate/sample.mjs); hours, not days
//   npm run mutate:full -- --shard 3/64                 the 3rd of 64 parts of the whole scope's TypeScript
//                                                       mutants (one per machine: a full run in the time of one
//                                                       part), its results in reports/mutation/shard-3-of-64/
//   npm run mutate:full -- --merge 'reports/mutation/shard-*'   the shards' results as one run: the exact
//                                                       scores when every shard is there, else an estimate
//
// Incremental: results are kept per scope in reports/mutation/ (gitignored); a later run of the same scope
// re-tests only the mutants whose code, or whose tests, changed. The HTML report of the last run is
// reports/mutation/index.html.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { SERVER, SQL, WIDGET, expand, globRe } from './mutate/scope.mjs';
import { runSqlMutants } from './mutate/sql.mjs';
import { finish } from './mutate/report.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
process.chdir(root);
const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const concurrency = Math.max(1, Number(value('--concurrency', 1)));
const VALUED = ['--concurrency', '--tests', '--out', '--sample', '--seed', '--shard', '--merge'];
const globs = args.filter((a, i) => !a.startsWith('--') && !VALUED.includes(args[i - 1]));
// --sample N: N mutants drawn at random from the scope (with --seed, default 1), not every one.
const sampleSize = Number(value('--sample', 0));
const sampleSeed = Number(value('--seed', 1));
// --tests a,b: only these test files (globs) for a quick look while developing; a mutant no test among
// them reaches is "no coverage" then, so the scores of such a run are not the scores.
const onlyTests = value('--tests', '').split(',').filter(Boolean);
const force = args.includes('--force');
// --shard i/n: the i-th of n parts of every TypeScript mutant of the scope (a slice of one seeded shuffle:
// scripts/mutate/sample.mjs drawShard), each part on its own machine; --merge puts their results together.
const shardArg = value('--shard', '');
const shard = shardArg ? shardArg.split('/').map(Number) : undefined;
if (shard && (shard.length !== 2 || sampleSize > 0)) {
  console.error('mutate:full: --shard i/n splits the scope (or the files of the globs given) in n: write it as --shard 3/64, without --sample');
  process.exit(2);
}
const OUT = value('--out', shard ? `reports/mutation/shard-${shard[0]}-of-${shard[1]}` : 'reports/mutation'); // --out: another folder, for two runs side by side
mkdirSync(OUT, { recursive: true });

if (args.includes('--merge')) {
  const { merge } = await import('./mutate/merge.mjs');
  const dirs = args.slice(args.indexOf('--merge') + 1).filter((a) => !a.startsWith('--') && a !== OUT).flatMap((g) => expandDirs(g));
  const code = merge({ dirs, out: OUT, root });
  process.exit(code !== 0 ? code : finish({ out: OUT, root }));
}
if (args.includes('--report')) {
  process.exit(finish({ out: OUT, root }));
}
if (args.includes('--plan')) {
  const { plan } = await import('./mutate/plan.mjs');
  await plan({ root, out: OUT, concurrency });
  process.exit(0);
}
// Stryker links the checkout's node_modules into its sandbox copy, but not a node_modules that is itself a
// symbolic link: the sandbox then has none, and a test that reaches a file of node_modules by a relative path
// (server-hardening.test.mjs: hono's Bun and Deno adapters) fails the dry run after minutes. Said at once.
if (lstatSync(resolve(root, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink()) {
  console.error('mutate:full: node_modules here is a symbolic link, which Stryker does not link into its sandbox: install it in this checkout (npm ci) and run again');
  process.exit(2);
}
// Each mutant run appends its time here (the figures of --plan).
process.env.KPG_MUT_TIMING = resolve(root, OUT, 'timing.jsonl');
// The dry run's tests and times, for every runner process (only one of them runs the dry run).
process.env.KPG_MUT_DRY_RUN = resolve(root, OUT, 'dry-run.json');
rmSync(process.env.KPG_MUT_DRY_RUN, { force: true }); // never a run before this one's
process.env.KPG_MUT_ROOT = root;

const server = expand(SERVER.include, SERVER.exclude);
const widget = expand(WIDGET.include, WIDGET.exclude);
const sql = expand(SQL.include);
for (const g of [...server.empty, ...widget.empty, ...sql.empty]) console.warn(`mutate:full: the scope's glob ${g} matches no file (did the code move? see scripts/mutate/scope.mjs)`);
const pick = (files) => (globs.length ? files.filter((f) => globs.some((g) => globRe(g).test(f))) : files);
const files = { server: pick(server.files), widget: pick(widget.files), sql: pick(sql.files) };
const ts = [...files.server, ...files.widget];
if (!ts.length && !files.sql.length) {
  console.error(`mutate:full: no file of the scope matches ${globs.join(' ')}`);
  process.exit(2);
}
const testPick = (list) => (onlyTests.length ? list.filter((f) => onlyTests.some((g) => globRe(g).test(f))) : list);
const nodeTests = files.server.length ? testPick(expand(SERVER.tests).files) : [];
const browserTests = files.widget.length ? testPick(expand(WIDGET.tests, WIDGET.testsExclude).files) : [];
console.log(`mutate:full: ${ts.length} TypeScript files, ${files.sql.length} migrations; ${nodeTests.length} node and ${browserTests.length} browser test files; concurrency ${concurrency}`);

const started = Date.now();
// Built once, unmutated: the browser tests load the return page script from dist/ (demo/servers.mjs), and
// node tests read what the package ships (openapi.test.mjs: dist/server/openapi.json). A fresh clone has no
// dist/: without this its dry run failed there (seen: a server-only sample on a new machine).
if (browserTests.length || nodeTests.length) {
  const b = spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

/** @type {undefined | { n: number, seed: number, population: number, keys: string[] }} */
let sample;
/** What Stryker mutates: the files, or with --sample the drawn mutants' spans. */
let mutate = ts;
if (sampleSize > 0 || shard) {
  if (files.sql.length && !globs.length) console.log(`mutate:full: ${shard ? '--shard splits' : '--sample draws from'} the TypeScript mutants; the SQL mutants are not ${shard ? 'split' : 'sampled'} (run them with their glob)`);
  files.sql = [];
  const { drawSample, drawShard, sampleKey } = await import('./mutate/sample.mjs');
  const drawn = shard ? await drawShard({ root, files: ts, shard: shard[0], of: shard[1], seed: sampleSeed }) : await drawSample({ root, files: ts, n: sampleSize, seed: sampleSeed });
  sample = { n: drawn.drawn.length, seed: sampleSeed, population: drawn.population, keys: drawn.drawn.map(sampleKey), ...(shard ? { shard: { i: shard[0], of: shard[1] } } : {}) };
  mutate = drawn.patterns;
  const path = resolve(root, OUT, 'sample.json');
  writeFileSync(path, JSON.stringify(sample));
  process.env.KPG_MUT_SAMPLE = path;
  console.log(`mutate:full: ${shard ? `shard ${shard[0]} of ${shard[1]}: ${sample.n}` : `a sample of ${sample.n}`} of the scope's ${sample.population} TypeScript mutants (seed ${sampleSeed})`);
}
// The incremental results of a sample are kept per seed, not per size: `--sample 200` after `--sample 70` with
// the same seed draws the same 70 first (one shuffle, cut longer) and re-tests only the 130 it adds.
const scopeKey = createHash('sha1').update([...(sample ? ts : mutate), '--tests', ...onlyTests, ...(sample ? ['--seed', String(sampleSeed)] : []), ...(shard ? ['--shard', shard.join('/')] : [])].join('\n')).digest('hex').slice(0, 10);
if (ts.length) {
  process.env.KPG_MUT_NODE_TESTS = JSON.stringify(nodeTests);
  process.env.KPG_MUT_BROWSER_TESTS = JSON.stringify(browserTests);
  const { Stryker } = await import('@stryker-mutator/core');
  const stryker = new Stryker({
    mutate,
    testRunner: 'kpg',
    plugins: [resolve(root, 'scripts/mutate/stryker-runner.mjs')],
    coverageAnalysis: 'perTest',
    concurrency,
    incremental: !force,
    force,
    incrementalFile: `${OUT}/incremental-${scopeKey}.json`,
    reporters: ['json', 'progress-append-only'],
    jsonReporter: { fileName: `${OUT}/stryker.json` },
    tempDirName: `.stryker-tmp/run-${process.pid}`,
    cleanTempDir: true,
    // What the sandbox copy leaves out: builds the tests do not read, outputs, other reports.
    ignorePatterns: ['/reports', '/bench-results', '/.data', '/test/visual/output', '/dist.stage-*', '/.stryker-tmp'],
    // A mutant that hangs is stopped by the runner (3 x its tests' own time + the start-up of each test
    // file's processes: scripts/mutate/stryker-runner.mjs). Stryker's own limit (1.5 x the tests' time +
    // timeoutMS + the dry run's start-up, counted once) is set far above it: every mutant run here starts
    // its processes afresh, which Stryker's formula does not know.
    timeoutMS: 30 * 60_000,
    timeoutFactor: 1.5,
    dryRunTimeoutMinutes: 30,
    thresholds: { high: 90, low: 85, break: null },
    // The mutators that make only noise here: messages of thrown errors and log lines are asserted where
    // they matter (and then a StringLiteral mutant of them is killed); `// Stryker disable` is not used:
    // triaged equivalents live in test/mutants/equivalent.json, beside the code.
    mutator: { excludedMutations: [] },
    logLevel: 'info',
    fileLogLevel: 'off',
    allowConsoleColors: false,
    disableTypeChecks: '{src,test}/**/*.{js,ts,mjs}',
    // Stryker rewrites the tsconfig's paths with TypeScript's JavaScript API, which TypeScript 7 does not
    // have; the tsconfigs here point nowhere outside the checkout, so there is nothing to rewrite.
    tsconfigFile: 'no-such-tsconfig.json',
  });
  await stryker.runMutationTest();
}

if (files.sql.length) {
  await runSqlMutants({ migrations: files.sql, tests: expand(SQL.tests).files, out: `${OUT}/sql.json`, root, force });
}

const minutes = (Date.now() - started) / 60000;
writeFileSync(`${OUT}/last-run.json`, JSON.stringify({ globs, files: [...ts, ...files.sql], minutes, concurrency, sample }));
process.exit(finish({ out: OUT, root }));

/** A --merge argument: a folder, or a glob of folders ('reports/mutation/shard-*'). @param {string} g @returns {string[]} */
function expandDirs(g) {
  if (!g.includes('*')) return [g];
  const parent = g.slice(0, g.lastIndexOf('/') + 1) || './';
  const re = globRe(g.slice(parent.length));
  return readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory() && re.test(d.name)).map((d) => `${parent}${d.name}`).sort();
}
