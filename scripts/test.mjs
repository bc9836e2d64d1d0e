// npm test: type-check, build, then every test: node tests for the demo servers (node:test), the
// browser tests in headless Chromium (web-test-runner) and the gallery's screenshot tests (test/visual).
// The last line printed is `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { findChrome } from './chrome.mjs';
import { ensureKoreanFont } from './fonts.mjs';
import { runScreenshotTests } from './screenshots.mjs';
import { startPostgres } from './postgres.mjs';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function fail(message) {
  console.error(`test: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function step(name, cmd, args, env = {}) {
  console.log(`\n== ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

const chrome = findChrome('test');
ensureKoreanFont('test'); // the screenshot tests draw Hangul with NanumGothic
let passed = 0;
let failed = 0;

if (!step('type-check (tsc)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])) fail('type-check failed');
if (!step('build', 'node', ['scripts/build.mjs'])) fail('build failed');

// Node tests: kpg-checkout/server on PGlite and on a throwaway PostgreSQL (scripts/postgres.mjs: without
// one its tests are skipped, never passed), the sandbox PGs, the package and its byte budgets.
// Run on their own below, each in a process bounded by minutes, not the 2 minutes a file has here: the
// first-hour test, and the two benches' short runs (spawned whole: 40-100 s on an idle machine, past 120 s on
// one loaded by another test run).
const ON_THEIR_OWN = ['first-hour.test.mjs', 'bench.test.mjs', 'bench-server.test.mjs'];
const tap = join(tmpdir(), `kpg-node-tests-${process.pid}.tap`);
const postgres = startPostgres();
const nodeOk = step('node tests (server, demo servers)', 'node', [
  '--test',
  // A test that hangs (a fake PG that never answers and a missing timeout) fails after 2 minutes instead of
  // stalling npm test; the slowest test here (two processes racing 50 copies) takes about 20 s.
  '--test-timeout=120000',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...readdirSync('test/node').filter((f) => f.endsWith('.test.mjs') && !ON_THEIR_OWN.includes(f)).map((f) => `test/node/${f}`),
  'test/frameworks/', // builds the React and Vue fixture apps the browser tests drive
], postgres.env);
postgres.stop();
let skipped = 0;
if (existsSync(tap)) {
  const text = readFileSync(tap, 'utf8');
  passed += Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  failed += Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  skipped = Number(/^# skipped (\d+)/m.exec(text)?.[1] ?? 0);
  rmSync(tap, { force: true });
}
if (!nodeOk && failed === 0) failed++;
if (skipped) console.log(`\ntest: ${skipped} node tests SKIPPED (not passed)${'skip' in postgres ? `: ${postgres.skip}` : ''}`);

// The benches' short runs and the first-hour test. The first-hour test (test/node/first-hour.test.mjs): a
// scratch copy of this checkout, npm installs from
// the registry or its cache, a full build, two shops and Chromium: minutes, not seconds. It runs after the
// other node tests (beside them, its installs and build slowed theirs past their 2-minute bound on a loaded
// machine), in its own process bounded by 30 minutes: it took 199-312 s here, 504-705 s beside them, on this
// project's 2-core machine shared with other test runs (load average 11-20).
const firstHourTap = join(tmpdir(), `kpg-first-hour-${process.pid}.tap`);
const firstHourOk = step('the benches, briefly, and the first-hour test (a scratch shop from the README)', 'node', [
  '--test', '--test-timeout=1800000',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${firstHourTap}`,
  ...ON_THEIR_OWN.map((f) => `test/node/${f}`),
]);
let firstHourFailed = firstHourOk ? 0 : 1;
if (existsSync(firstHourTap)) {
  const text = readFileSync(firstHourTap, 'utf8');
  passed += Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  firstHourFailed = Math.max(firstHourFailed, Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(text)?.[1] ?? 0));
  rmSync(firstHourTap, { force: true });
}
failed += firstHourFailed;

// Browser tests.
const summary = join(tmpdir(), `kpg-wtr-${process.pid}.json`);
// Against the built files, each loaded by a plain <script> tag (KPG_TEST_DIST: see web-test-runner.config.mjs).
const wtrOk = step('browser tests (web-test-runner, headless Chromium, against dist/kpg-*.js)', 'npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs'], {
  CHROME_PATH: chrome,
  KPG_SUMMARY_FILE: summary,
  KPG_TEST_DIST: '1',
});
if (existsSync(summary)) {
  const counts = JSON.parse(readFileSync(summary, 'utf8'));
  passed += counts.passed;
  failed += counts.failed;
  rmSync(summary, { force: true });
} else {
  // The runner died before reporting (no browser, a crash): every browser test it should have run failed.
  const { browserTestFiles, declaredTests } = await import('../test/server/summary-reporter.mjs');
  failed += browserTestFiles().reduce((n, file) => n + Math.max(1, declaredTests(file)), 0);
}
if (!wtrOk && failed === 0) failed++;

// Screenshot, axe and contrast tests of demo/gallery.html (test/visual/, scripts/screenshots.mjs).
console.log('\n== screenshot tests (gallery, headless Chromium)');
const shots = runScreenshotTests({ chrome });
passed += shots.passed;
failed += shots.failed;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && nodeOk && firstHourOk && wtrOk && shots.ok ? 0 : 1);
