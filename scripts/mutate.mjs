// npm run mutate: plants each mutant of test/mutants.mjs, one at a time, in a scratch copy of this checkout,
// runs only the tests that mutant concerns, and expects at least one of them to FAIL (the mutant is
// "caught"). A mutant the tests let through ("SURVIVED") fails the run. Nothing here touches your own
// working tree.
//
//   npm run mutate                      every mutant (two scratch copies side by side)
//   npm run mutate -- --only shinhan    mutants whose id contains "shinhan"
//   npm run mutate -- --jobs 1          one scratch copy (default: 2)
//   npm run mutate -- --list            print the list, run nothing
//
// Honest verdicts:
// - A mutant is caught only when a test that RAN failed: node:test's TAP `# fail N` with N > 0 (or the
//   per-test timeout), web-test-runner's counts (test/server/summary-reporter.mjs) with failed > 0. A test
//   command that could not start (no Chromium, a syntax error in a test file) is an ERROR, not a catch.
// - Each mutant is one exact text replacement in one file; a `find` that no longer occurs exactly once is
//   STALE (the code moved on: update the list). STALE and ERROR fail the run.
// - A mutant marked `equivalent` must SURVIVE (its tests pass): the list's controls are such mutants, so
//   every run proves that the test commands can pass at all, and a "caught" there fails the run.
// - The server's tests run on PGlite and on a throwaway PostgreSQL (scripts/postgres.mjs), so a constraint
//   removed from a migration must be caught on both engines (`env` can pin one engine's tests).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MUTANTS } from '../test/mutants.mjs';
import { findChrome } from './chrome.mjs';
import { startPostgres } from './postgres.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const only = opt('--only', null);
const jobs = Math.max(1, Number(opt('--jobs', 2)));
const list = MUTANTS.filter((m) => !only || m.id.includes(only));

const ids = new Set();
for (const m of MUTANTS) {
  if (ids.has(m.id)) throw new Error(`mutate: two mutants are called ${m.id}`);
  ids.add(m.id);
  if (!m.file || typeof m.find !== 'string' || typeof m.replace !== 'string' || !m.tests?.length || !m.breaks)
    throw new Error(`mutate: ${m.id} needs file, find, replace, tests and breaks`);
  if (m.find === m.replace) throw new Error(`mutate: ${m.id} replaces its text with itself`);
}

if (args.includes('--list')) {
  for (const m of list) console.log(`${m.id.padEnd(34)} ${m.equivalent ? '(equivalent) ' : ''}${m.breaks}`);
  console.log(`${list.length} mutants`);
  process.exit(0);
}

const root = resolve(new URL('..', import.meta.url).pathname);
const chrome = list.some((m) => m.tests.some((t) => t.endsWith('.ts'))) ? findChrome('mutate') : null;
const postgres = list.some((m) => m.tests.some((t) => !t.endsWith('.ts'))) ? startPostgres() : { env: {}, stop() {} };

// Scratch copies of the tracked files (with the working tree's edits), sharing node_modules.
const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && f !== 'node_modules' && !f.startsWith('node_modules/')); // a symlinked node_modules is not ignored by "node_modules/"
const scratches = [];
function makeScratch() {
  const dir = mkdtempSync(join(tmpdir(), 'kpg-mutate-'));
  for (const f of tracked) if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  scratches.push(dir);
  return dir;
}
const cleanup = () => {
  for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
  postgres.stop();
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

/** Run a command in a scratch copy; resolves with its exit code and output. */
function run(cwd, cmd, cmdArgs, env = {}, timeoutMs = 8 * 60_000) {
  return new Promise((done) => {
    const child = spawn(cmd, cmdArgs, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, out, timedOut });
    });
  });
}

const tail = (out) => out.trim().split('\n').slice(-25).join('\n');

/**
 * Run a mutant's tests in `dir`. Returns {failed, how} where failed means a test that ran failed, or
 * {error} when a test command could not run its tests at all.
 */
async function runTests(dir, mutant) {
  const node = mutant.tests.filter((t) => !t.endsWith('.ts'));
  const browser = mutant.tests.filter((t) => t.endsWith('.ts'));
  if (mutant.build) {
    const b = await run(dir, 'node', ['scripts/build.mjs']);
    if (b.code !== 0) return { failed: true, how: 'the build failed' };
  }
  let failed = false;
  const hows = [];
  if (node.length) {
    const tap = join(dir, `.mutate-${process.pid}.tap`);
    const r = await run(
      dir,
      'node',
      ['--test', '--test-timeout=60000', '--test-reporter=tap', `--test-reporter-destination=${tap}`,
        ...(mutant.grep ? ['--test-name-pattern', mutant.grep] : []), ...node],
      { ...postgres.env, ...(mutant.env ?? {}) },
    );
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    rmSync(tap, { force: true });
    const pass = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
    const fail = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
    const cancelled = Number(/^# cancelled (\d+)/m.exec(text)?.[1] ?? 0);
    if (fail + cancelled > 0) {
      failed = true;
      const names = [...text.matchAll(/^\s*not ok \d+ - (.+)$/gm)].map((x) => x[1]).filter((n) => !/\.m?js$/.test(n));
      hows.push(`node: ${fail + cancelled} failed${names[0] ? ` ("${names[0].slice(0, 70)}")` : ''}`);
    } else if (pass === 0 || r.code !== 0) {
      return { error: `node tests ran nothing or could not start (exit ${r.code}):\n${tail(r.out + text)}` };
    }
  }
  if (browser.length && !failed) {
    const summary = join(dir, `.mutate-${process.pid}.json`);
    rmSync(summary, { force: true });
    const r = await run(dir, 'npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs', ...browser.flatMap((f) => ['--files', f])], {
      CHROME_PATH: chrome,
      KPG_SUMMARY_FILE: summary,
      KPG_TEST_DIST: '',
      ...(mutant.grep ? { KPG_TEST_GREP: mutant.grep } : {}),
      ...(mutant.env ?? {}),
    });
    if (!existsSync(summary)) return { error: `web-test-runner wrote no counts (exit ${r.code}):\n${tail(r.out)}` };
    const counts = JSON.parse(readFileSync(summary, 'utf8'));
    rmSync(summary, { force: true });
    // With a name filter, mocha leaves the other tests unrun (web-test-runner reports them as not passed):
    // only the tests whose full title matches count.
    const pattern = mutant.grep ? new RegExp(mutant.grep) : null;
    const tests = pattern ? counts.tests.filter((t) => pattern.test(t.title)) : counts.tests;
    const failures = tests.filter((t) => !t.passed && !t.skipped);
    const passes = tests.filter((t) => t.passed);
    if (failures.length) {
      failed = true;
      hows.push(`browser: ${failures.length} of ${tests.length} failed ("${failures[0].title.slice(0, 80)}")`);
    } else if (passes.length === 0) {
      return { error: `web-test-runner ran no test${pattern ? ` matching /${mutant.grep}/` : ''}:\n${tail(r.out)}` };
    } else if (!pattern && r.code !== 0) {
      return { error: `web-test-runner failed without a failed test (exit ${r.code}):\n${tail(r.out)}` };
    }
  }
  return { failed, how: hows.join('; ') };
}

const started = Date.now();
const results = [];
const queue = [...list];
const mustBuild = list.some((m) => m.tests.some((t) => t.endsWith('.ts')) || m.build);

async function worker() {
  const dir = makeScratch();
  // The browser tests load the return script from dist/ (demo/servers.mjs): build it once, unmutated.
  if (mustBuild) {
    const b = await run(dir, 'node', ['scripts/build.mjs']);
    if (b.code !== 0) throw new Error(`mutate: the unmutated build fails; fix that first\n${tail(b.out)}`);
  }
  for (let mutant = queue.shift(); mutant; mutant = queue.shift()) {
    const path = join(dir, mutant.file);
    const original = readFileSync(path, 'utf8');
    const count = original.split(mutant.find).length - 1;
    if (count !== 1) {
      results.push({ mutant, verdict: 'STALE', how: `find text occurs ${count} times in ${mutant.file}` });
      console.log(`STALE     ${mutant.id}: find text occurs ${count} times in ${mutant.file}`);
      continue;
    }
    const t0 = Date.now();
    writeFileSync(path, original.replace(mutant.find, mutant.replace));
    let outcome;
    try {
      outcome = await runTests(dir, mutant);
    } finally {
      writeFileSync(path, original);
      if (mutant.build) await run(dir, 'node', ['scripts/build.mjs']); // dist/ back to the unmutated code
    }
    let verdict;
    if (outcome.error) verdict = 'ERROR';
    else if (mutant.equivalent) verdict = outcome.failed ? 'NOT-EQUIV' : 'equivalent';
    else verdict = outcome.failed ? 'caught' : 'SURVIVED';
    results.push({ mutant, verdict, how: outcome.error ?? outcome.how });
    const secs = ((Date.now() - t0) / 1000).toFixed(0).padStart(3);
    console.log(`${verdict.padEnd(10)}${secs} s  ${mutant.id}: ${outcome.error ? outcome.error.split('\n')[0] : outcome.how || mutant.breaks}`);
    if (outcome.error) console.log(outcome.error.split('\n').slice(1).map((l) => `            ${l}`).join('\n'));
  }
}

try {
  await Promise.all(Array.from({ length: Math.min(jobs, list.length) }, () => worker()));
} finally {
  cleanup();
}

const count = (v) => results.filter((r) => r.verdict === v).length;
const bad = results.filter((r) => !['caught', 'equivalent'].includes(r.verdict));
console.log(
  `\nmutate: ${results.length} mutants in ${((Date.now() - started) / 60000).toFixed(1)} min (${jobs} jobs): ` +
    `${count('caught')} caught, ${count('equivalent')} equivalent (explained in test/mutants.mjs), ` +
    `${count('SURVIVED')} survived, ${count('STALE')} stale, ${count('ERROR')} errors, ${count('NOT-EQUIV')} equivalent but caught`,
);
for (const r of bad) console.log(`  ${r.verdict} ${r.mutant.id}: ${r.mutant.breaks} (${r.mutant.file})`);
process.exit(bad.length ? 1 : 0);
