// @ts-check
// StrykerJS test runner "kpg" for npm run mutate:full (scripts/mutate-full.mjs). Stryker generates the
// mutants and instruments the source once (mutation switching: every mutant is in the code, behind
// `__stryker__.activeMutant`), in its sandbox copy of the checkout; this runner runs the project's own
// tests there, as the project runs them, with no build per mutant:
//
// - node tests (SERVER.tests in scope.mjs: server-*, openapi and the others that run the server): `node --test`, the server loaded from its (instrumented)
//   source through test/node/fixtures/server-from-src.mjs, on PGlite and on a throwaway PostgreSQL
//   (scripts/postgres.mjs, one per runner process), scripts/mutate/node-hooks.mjs counting coverage per test
//   and selecting the tests a mutant needs;
// - browser tests (test/*.test.ts): web-test-runner in Chromium against src/ through esbuild
//   (scripts/mutate/wtr.config.mjs), coverage per test through scripts/mutate/wtr-hooks.js, a mutant's
//   tests selected by mocha's grep on their full titles, and when they all pass, their files whole (code a
//   page runs once is credited to the first test that ran it).
//
// The dry run records, for every test, which mutants it reaches (perTest coverage: Stryker then runs each
// mutant against only those tests). A mutant run starts fresh processes with the mutant active from the
// start (so "static" mutants, in code that runs when a module loads, are active too) and stops at the first
// failed test (bail). A mutant is killed only when a test that ran failed; a command that could not run its
// tests is an error, never a kill; in the browser only the selected tests count (web-test-runner reports the
// tests mocha's grep leaves out as failed). A test file that fails outside its tests (a module that throws
// as it loads, a browser session or a node process stopped by the machine's load) is run again, and is a
// kill only if it fails again.
//
// Configured by the environment (set by scripts/mutate-full.mjs; Stryker's worker processes inherit it):
//   KPG_MUT_NODE_TESTS, KPG_MUT_BROWSER_TESTS   JSON arrays of test files for the dry run
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { DryRunStatus, MutantRunStatus, TestStatus } from '@stryker-mutator/api/test-runner';
import { sampleKey } from './sample.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const NODE_OPTIONS = '--import ./test/node/fixtures/server-from-src.mjs --import ./scripts/mutate/node-hooks.mjs';
const STARTUP_MS = { node: 15_000, browser: 60_000 }; // per test file: a process, PGlite, Chromium, esbuild (on a busy 2-core machine)

/** @param {string} name */
const listFromEnv = (name) => /** @type {string[]} */ (JSON.parse(process.env[name] || '[]'));

/**
 * Every process below `pid` (from /proc): Chromium, which puppeteer starts in a process group of its own,
 * must not outlive a run stopped early. @param {number} pid @returns {number[]}
 */
function descendants(pid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const out = [];
  const todo = [pid];
  while (todo.length) for (const c of children.get(/** @type {number} */ (todo.pop())) ?? []) out.push(c), todo.push(c);
  return out;
}

/**
 * Runs a command in its own process group. Resolves with its output, exit code and whether it was stopped
 * (timeout, or `stopWhen` matched a line of its output).
 * @param {string} cwd @param {string} cmd @param {string[]} args @param {Record<string, string | undefined>} env
 * @param {number} timeoutMs @param {(line: string) => boolean} [stopWhen]
 */
function run(cwd, cmd, args, env, timeoutMs, stopWhen) {
  return new Promise((done) => {
    // A runner inside a node test (test/node/mutate-tools.test.mjs) must not pass on node:test's child
    // protocol: the `node --test` it starts would answer in it instead of TAP.
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
    const child = spawn(cmd, args, { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let partial = '';
    let timedOut = false;
    let stopped = false;
    const kill = () => {
      const pid = /** @type {number} */ (child.pid);
      const all = existsSync('/proc') ? descendants(pid) : [];
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
      for (const p of all) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {}
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      if (!stopWhen || stopped) return;
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      if (lines.some(stopWhen)) {
        stopped = true;
        kill();
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, out, timedOut, stopped });
    });
  });
}

const tail = (/** @type {string} */ s, n = 30) => s.trim().split('\n').slice(-n).join('\n');
/** The first failed test's report in node's TAP output (its `not ok` line and the YAML block under it). @param {string} out */
const failureOf = (out) => {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => /^\s*not ok \d+ - /.test(l) && !/# (SKIP|TODO)/.test(l));
  return at < 0 ? tail(out) : lines.slice(at, at + 40).join('\n');
};
const escapeRe = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class KpgTestRunner {
  static inject = /** @type {const} */ ([commonTokens.logger]);

  /**
   * @param {Pick<import('@stryker-mutator/api/logging').Logger, 'info' | 'warn' | 'debug'>} log
   * @param {{ cwd?: string, nodeTests?: string[], browserTests?: string[] }} [own] for scripts/mutate/sql.mjs
   */
  constructor(log, own = {}) {
    this.log = log;
    this.cwd = own.cwd ?? process.cwd(); // Stryker's sandbox
    this.nodeTests = own.nodeTests ?? listFromEnv('KPG_MUT_NODE_TESTS');
    this.browserTests = own.browserTests ?? listFromEnv('KPG_MUT_BROWSER_TESTS');
    /** @type {{ env: Record<string, string>, stop(): void }} */
    this.postgres = { env: {}, stop() {} };
    /** @type {Map<string, number>} test id -> ms in the dry run */
    this.ms = new Map();
    /** @type {Map<string, number>} test file -> ms of its tests in the dry run */
    this.fileMs = new Map();
    /** @type {string | undefined} a run whose test file failed as a whole and was run again: what each run said */
    this.rechecked = undefined;
    /** --sample: the keys of the drawn mutants (scripts/mutate/sample.mjs), or null for every mutant. */
    this.sample = process.env.KPG_MUT_SAMPLE ? new Set(/** @type {string[]} */ (JSON.parse(readFileSync(process.env.KPG_MUT_SAMPLE, 'utf8')).keys)) : null;
  }

  capabilities() {
    return { reloadEnvironment: true }; // every run is a fresh process
  }

  async init() {
    if (this.nodeTests.length) {
      const { startPostgres } = await import(resolve(HERE, '../postgres.mjs'));
      this.postgres = startPostgres();
    }
    if (this.browserTests.length) {
      const { findChrome } = await import(resolve(HERE, '../chrome.mjs'));
      this.chrome = findChrome('mutate:full');
    }
  }

  async dispose() {
    this.postgres.stop();
  }

  /** @param {import('@stryker-mutator/api/test-runner').DryRunOptions} options */
  async dryRun(options) {
    const dir = mkdtempSync(join(tmpdir(), 'kpg-mut-cov-'));
    try {
      /** @type {import('@stryker-mutator/api/test-runner').TestResult[]} */
      const tests = [];
      /** @type {Record<string, Record<string, number>>} */
      const perTest = {};
      if (this.nodeTests.length) {
        const r = await this.nodeOnce(this.nodeTests, { KPG_MUT_COVERAGE_DIR: dir }, options.timeout);
        if (r.error) return { status: DryRunStatus.Error, errorMessage: r.error };
        // What failed, and how: a test that fails only under instrumentation is to be read, not guessed at.
        if (r.failed || r.broken) return { status: DryRunStatus.Error, errorMessage: `node tests fail without any mutant:\n${r.how}\n${failureOf(r.out ?? '')}` };
      }
      if (this.browserTests.length) {
        const r = await this.browserOnce(this.browserTests, { KPG_MUT_COVERAGE_DIR: dir }, options.timeout);
        if (r.error) return { status: DryRunStatus.Error, errorMessage: r.error };
        if (r.failed || r.broken) return { status: DryRunStatus.Error, errorMessage: `browser tests fail without any mutant:\n${r.how}` };
      }
      this.collect(dir, tests, perTest);
      for (const t of tests) this.ms.set(t.id, t.timeSpentMs);
      for (const t of tests) this.fileMs.set(t.id.slice(0, t.id.indexOf(' :: ')), (this.fileMs.get(t.id.slice(0, t.id.indexOf(' :: '))) ?? 0) + t.timeSpentMs);
      // Stryker runs the dry run in one of its runner processes; the others learn its tests from this file.
      if (process.env.KPG_MUT_DRY_RUN) writeFileSync(process.env.KPG_MUT_DRY_RUN, JSON.stringify({ ms: [...this.ms], fileMs: [...this.fileMs] }));
      this.log.info(`kpg: dry run: ${tests.length} tests, ${Object.keys(perTest).length} with coverage`);
      return { status: DryRunStatus.Complete, tests, mutantCoverage: { static: {}, perTest } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Reads what the hooks wrote: tests, and coverage per test id. Coverage counted for a suite or a file
   * (an id ending in " > " or " :: ": hooks, module loading, leftovers between tests) stands for each test
   * in it. @param {string} dir @param {any[]} tests @param {Record<string, Record<string, number>>} perTest
   */
  collect(dir, tests, perTest) {
    /** @type {Record<string, Record<string, number>>} */
    const raw = {};
    const add = (/** @type {string} */ id, /** @type {Record<string, number>} */ data) => {
      const into = (raw[id] ??= {});
      for (const [m, n] of Object.entries(data ?? {})) into[m] = (into[m] ?? 0) + n;
    };
    for (const f of existsSync(dir) ? readdirSync(dir) : []) {
      const data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      if (f.startsWith('browser-')) {
        // Mocha full titles; what ran outside a test counts for the whole file.
        const scope = `${data.file} :: `;
        for (const t of data.tests) {
          if (t.state !== 'passed') continue;
          tests.push({ id: `${scope}${t.title}`, name: `${data.file}: ${t.title}`, timeSpentMs: Math.round(t.ms), status: TestStatus.Success, fileName: resolve(this.cwd, data.file) });
        }
        add(scope, data.coverage.static);
        for (const [title, cov] of Object.entries(data.coverage.perTest ?? {})) add(`${scope}${title}`, /** @type {any} */ (cov));
      } else {
        for (const t of data.tests ?? [])
          tests.push({ id: t.id, name: `${t.file}: ${t.name}`, timeSpentMs: Math.round(t.ms), status: TestStatus.Success, fileName: resolve(this.cwd, t.file), ...(t.line ? { startPosition: { line: t.line - 1, column: 0 } } : {}) });
        add(data.testFile ? `${data.file} :: ` : '', data.coverage.static);
        for (const [id, cov] of Object.entries(data.coverage.perTest ?? {})) add(id, /** @type {any} */ (cov));
      }
    }
    const scopes = Object.keys(raw).filter((id) => id.endsWith(' > ') || id.endsWith(' :: ') || id === '');
    for (const t of tests) {
      const into = (perTest[t.id] = { ...(raw[t.id] ?? {}) });
      for (const s of scopes)
        if (t.id.startsWith(s)) for (const [m, n] of Object.entries(raw[s])) into[m] = (into[m] ?? 0) + n;
    }
    // Coverage in a process outside any test file ('') belongs to no test: Stryker would call its mutants
    // "no coverage". Say so if it happens (a helper process that no test id reached).
    if (raw[''] && Object.keys(raw['']).length) this.log.warn(`kpg: ${Object.keys(raw['']).length} mutants reached outside any test`);
  }

  /**
   * A run in which a test file failed as a whole and no selected test failed (`broken`): a mutant that breaks
   * the file as it loads, or a machine too loaded for it (a browser session past web-test-runner's time
   * limits, a node process that died). Run once more: a kill only if it fails the same way again. What each
   * run said goes to timing.jsonl (`rechecked`).
   * @template {{ failed?: boolean, broken?: boolean, timedOut?: boolean, error?: string, how?: string, killedBy?: string[], ran: number }} R
   * @param {() => Promise<R>} once @param {string | undefined} mutant
   * @returns {Promise<R>}
   */
  async twice(once, mutant) {
    const first = await once();
    if (!first.broken) return first;
    const again = await once();
    const said = again.broken ? 'the same' : again.failed ? again.how : again.timedOut ? 'a time-out' : again.error ? 'an error' : 'passed';
    this.rechecked = `${this.rechecked ? `${this.rechecked} | ` : ''}${first.how}; again: ${said}`;
    if (again.failed === false) this.log.warn(`kpg: mutant ${mutant ?? '(SQL)'}: the first run's ${first.how} did not recur: not a kill`);
    return again.broken ? { ...again, broken: false, failed: true, how: `${again.how} (twice)`, killedBy: again.killedBy ?? [] } : again;
  }

  /** @param {import('@stryker-mutator/api/test-runner').MutantRunOptions} options */
  async mutantRun(options) {
    const t0 = Date.now();
    this.rechecked = undefined;
    const result = await this.mutantRunTimed(options);
    // How long each mutant took, for the estimate of a full run (scripts/mutate/report.mjs).
    // (A mutant outside a --sample was not tested: its 0 ms would pull the estimate down.) Paths relative to the
    // checkout, so the figures can be read in another one.
    if (process.env.KPG_MUT_TIMING && !(result.status === MutantRunStatus.Error && /outside the sample/.test(result.errorMessage)))
      appendFileSync(process.env.KPG_MUT_TIMING, `${JSON.stringify({ file: relative(process.env.KPG_MUT_ROOT ?? '/', options.activeMutant.fileName), id: options.activeMutant.id, status: result.status, ms: Date.now() - t0, tests: options.testFilter?.length ?? 0, ...(this.rechecked ? { rechecked: this.rechecked } : {}) })}\n`);
    return result;
  }

  /** @param {import('@stryker-mutator/api/test-runner').MutantRunOptions} options */
  async mutantRunTimed(options) {
    // --sample: a mutant nested in a drawn mutant's span is instrumented too, but not drawn: not tested,
    // an error (never a score), and left out of the report (scripts/mutate/sample.mjs).
    if (this.sample) {
      const m = options.activeMutant;
      // Relative to the project (Stryker may give the sandbox's absolute path).
      const file = m.fileName.startsWith('/') ? m.fileName.slice(m.fileName.lastIndexOf('/src/') + 1) : m.fileName;
      const key = sampleKey({ file, line: m.location.start.line, column: m.location.start.column, endLine: m.location.end.line, endColumn: m.location.end.column, mutator: m.mutatorName, replacement: m.replacement });
      if (!this.sample.has(key)) return { status: MutantRunStatus.Error, errorMessage: 'outside the sample (--sample, --shard): not tested' };
    }
    this.learnDryRun();
    const ids = options.testFilter ?? [];
    const node = ids.filter((id) => /^test\/node\//.test(id));
    const browser = ids.filter((id) => !/^test\/node\//.test(id));
    const env = { __STRYKER_ACTIVE_MUTANT__: options.activeMutant.id };
    const fileOf = (/** @type {string} */ id) => id.slice(0, id.indexOf(' :: '));
    // The cheapest files first: with bail, the first failure ends the run.
    const nodeFiles = [...new Set(node.map(fileOf))].sort((a, b) => (this.fileMs.get(a) ?? 0) - (this.fileMs.get(b) ?? 0));
    const browserFiles = [...new Set(browser.map(fileOf))].sort((a, b) => (this.fileMs.get(a) ?? 0) - (this.fileMs.get(b) ?? 0));
    if (!ids.length) return { status: MutantRunStatus.Survived, nrOfTests: 0 };
    // Stryker's own timeout (options.timeout) counts the dry run's start-up once; every mutant run here
    // starts its processes afresh (node, PGlite, Chromium, esbuild), so the budget counts them per file.
    const net = ids.reduce((n, id) => n + (this.ms.get(id) ?? 1000), 0);
    const timeout = 3 * net + STARTUP_MS.node * nodeFiles.length + STARTUP_MS.browser * browserFiles.length + 30_000;
    let ran = 0;
    if (node.length) {
      const sel = join(tmpdir(), `kpg-mut-sel-${process.pid}.json`);
      writeFileSync(sel, JSON.stringify(node));
      const r = await this.runNode(nodeFiles, { ...env, KPG_MUT_SELECT: sel }, timeout, !options.disableBail);
      rmSync(sel, { force: true });
      if (r.timedOut) return { status: MutantRunStatus.Timeout, reason: `node tests took over ${Math.round(timeout / 1000)} s` };
      if (r.failed) return { status: MutantRunStatus.Killed, killedBy: r.killedBy, failureMessage: r.how, nrOfTests: r.ran };
      if (r.error) return { status: MutantRunStatus.Error, errorMessage: r.error };
      ran += r.ran;
    }
    if (browser.length) {
      const grep = `^(${browser.map((id) => escapeRe(id.slice(id.indexOf(' :: ') + 4))).join('|')})$`;
      const wholeTimeout = 3 * browserFiles.reduce((n, f) => n + (this.fileMs.get(f) ?? 0), 0) + STARTUP_MS.browser * browserFiles.length + 30_000;
      const r = await this.browserMutant(browserFiles, browser, { KPG_MUT_ACTIVE: options.activeMutant.id, KPG_MUT_GREP: grep, KPG_MUT_BAIL: options.disableBail ? '' : '1' }, timeout, wholeTimeout);
      if (r.timedOut) return { status: MutantRunStatus.Timeout, reason: `browser tests took over ${Math.round(timeout / 1000)} s` };
      if (r.failed) return { status: MutantRunStatus.Killed, killedBy: r.killedBy, failureMessage: r.how, nrOfTests: ran + r.ran };
      if (r.error) return { status: MutantRunStatus.Error, errorMessage: r.error };
      ran += r.ran;
    }
    return { status: MutantRunStatus.Survived, nrOfTests: ran };
  }

  /** In a runner process that did not run the dry run: its tests and their times, from the one that did. */
  learnDryRun() {
    const path = process.env.KPG_MUT_DRY_RUN;
    if (this.ms.size || !path || !existsSync(path)) return;
    const known = JSON.parse(readFileSync(path, 'utf8'));
    this.ms = new Map(known.ms);
    this.fileMs = new Map(known.fileMs);
  }

  /**
   * A mutant's browser tests: the selected ones, then, when they all passed, their files whole, as npm test
   * runs them. Coverage per test credits code a page runs once (the EUC-KR table built on first use, a script
   * loaded once, a warning said once a page) to the first test of the file that ran it; the file's later
   * tests that use what it built were not selected, and they may be the ones that fail. Files whose every
   * test was selected are not run again.
   * @param {string[]} files @param {string[]} selected test ids (`file :: title`) @param {Record<string, string>} env
   * @param {number} timeout @param {number} wholeTimeout
   */
  async browserMutant(files, selected, env, timeout, wholeTimeout) {
    const r = await this.runBrowser(files, env, timeout);
    if (r.failed !== false) return r;
    const count = (/** @type {string} */ f, /** @type {Iterable<string>} */ ids) => [...ids].filter((id) => id.startsWith(`${f} :: `)).length;
    // Which files hold tests that were not selected (every file, if the dry run's tests are unknown here).
    const partly = this.ms.size ? files.filter((f) => count(f, selected) < count(f, this.ms.keys())) : files;
    if (!partly.length) return r;
    const whole = await this.runBrowser(partly, { ...env, KPG_MUT_GREP: '' }, wholeTimeout);
    if (whole.failed) return { ...whole, how: `${whole.how} (its file run whole)`, ran: r.ran + whole.ran };
    return whole.failed === false ? { failed: false, ran: r.ran + whole.ran } : whole;
  }

  /**
   * node --test over `files`. Failed when a test that ran failed (TAP `not ok` on a test, `# fail`,
   * `# cancelled`); with bail, the run stops at the first `not ok`.
   * @param {string[]} files @param {Record<string, string>} env @param {number} timeout @param {boolean} [bail]
   * @returns {Promise<{ failed?: boolean, error?: string, timedOut?: boolean, how?: string, killedBy?: string[], ran: number, out?: string }>}
   */
  async runNode(files, env, timeout, bail = false) {
    return this.twice(() => this.nodeOnce(files, env, timeout, bail), env.__STRYKER_ACTIVE_MUTANT__);
  }

  /**
   * One node --test run. `broken`: only a test file failed, no test in it (it did not load, its process
   * died, or its own hooks failed); such a run is not `failed`.
   * @param {string[]} files @param {Record<string, string>} env @param {number} timeout @param {boolean} [bail]
   * @returns {Promise<{ failed?: boolean, broken?: boolean, error?: string, timedOut?: boolean, how?: string, killedBy?: string[], ran: number, out?: string }>}
   */
  async nodeOnce(files, env, timeout, bail = false) {
    const notOk = (/** @type {string} */ l) => /^\s*not ok \d+ - /.test(l) && !/# (SKIP|TODO)/.test(l);
    const r = /** @type {any} */ (
      await run(
        this.cwd,
        process.execPath,
        // node:test's time limit covers a whole file too (its process): as long as this run's, so that a
        // file slowed by a busy machine is never taken for a failure; a run that takes too long is a Timeout.
        ['--test', `--test-timeout=${Math.max(60_000, timeout)}`, '--test-reporter=tap', ...files],
        { ...this.postgres.env, NODE_OPTIONS, ...env },
        timeout,
        bail ? notOk : undefined,
      )
    );
    const failures = r.out.split('\n').filter(notOk).map((/** @type {string} */ l) => l.replace(/^\s*not ok \d+ - /, '').trim());
    const ran = Number(/^# pass (\d+)/m.exec(r.out)?.[1] ?? 0);
    const fail = Number(/^# fail (\d+)/m.exec(r.out)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(r.out)?.[1] ?? 0);
    if (r.timedOut || /test timed out after \d+ms/.test(r.out) && !failures.some((f) => !/\.m?js$/.test(f))) return { timedOut: true, ran };
    if (failures.length || fail > 0) {
      const names = failures.filter((n) => !/\.m?js$/.test(n));
      if (names.length === 0 && failures.length > 0) return { broken: true, how: `node: ${failures[0]} failed as a file`, ran: ran + fail, out: r.out };
      return { failed: true, how: `node: ${names[0] ?? failures[0] ?? `${fail} failed`}`, killedBy: names.slice(0, 1), ran: ran + fail, out: r.out };
    }
    if (r.code !== 0 || ran === 0) return { error: `node tests ran nothing or could not start (exit ${r.code}):\n${tail(r.out)}`, ran };
    return { failed: false, ran };
  }

  /**
   * web-test-runner over `files` (scripts/mutate/wtr.config.mjs). Failed when a test that ran failed; with
   * KPG_MUT_BAIL, the run stops at the first one.
   * @param {string[]} files @param {Record<string, string>} env @param {number} timeout
   * @returns {Promise<{ failed?: boolean, error?: string, timedOut?: boolean, how?: string, killedBy?: string[], ran: number }>}
   */
  async runBrowser(files, env, timeout) {
    return this.twice(() => this.browserOnce(files, env, timeout), env.KPG_MUT_ACTIVE);
  }

  /**
   * One web-test-runner run. `broken`: no selected test failed, but a file failed outside its tests.
   * @param {string[]} files @param {Record<string, string>} env @param {number} timeout
   * @returns {Promise<{ failed?: boolean, broken?: boolean, error?: string, timedOut?: boolean, how?: string, killedBy?: string[], ran: number }>}
   */
  async browserOnce(files, env, timeout) {
    const summary = join(tmpdir(), `kpg-mut-wtr-${process.pid}-${Date.now()}.json`);
    const r = /** @type {any} */ (
      await run(
        this.cwd,
        process.execPath,
        [resolve(this.cwd, 'node_modules/@web/test-runner/dist/bin.js'), '--config', 'scripts/mutate/wtr.config.mjs', ...files.flatMap((f) => ['--files', f])],
        { CHROME_PATH: this.chrome, KPG_SUMMARY_FILE: summary, KPG_TEST_DIST: '', ...env },
        timeout,
        (l) => l.startsWith('KPG_MUT_FAILED '),
      )
    );
    const bailed = /^KPG_MUT_FAILED (.+)$/m.exec(r.out);
    if (bailed) return { failed: true, how: `browser: ${bailed[1]}`, killedBy: [bailed[1]], ran: 1 };
    if (r.timedOut) return { timedOut: true, ran: 0 };
    if (!existsSync(summary)) return { error: `web-test-runner wrote no counts (exit ${r.code}):\n${tail(r.out)}`, ran: 0 };
    const counts = JSON.parse(readFileSync(summary, 'utf8'));
    rmSync(summary, { force: true });
    const verdict = browserVerdict(counts, env.KPG_MUT_GREP ? new RegExp(env.KPG_MUT_GREP) : null);
    return verdict.error ? { ...verdict, error: `${verdict.error}:\n${tail(r.out)}` } : verdict;
  }
}

/**
 * What one web-test-runner run's counts (test/server/summary-reporter.mjs) say about a mutant: a selected
 * test failed (killed); a file failed outside its tests, with an error web-test-runner reported (it did not
 * import, its page died, it ran out of time), and none of the selected tests failed (`broken`: the runner
 * runs it again); no selected test ran (an error); or every selected test passed.
 * Only the selected tests count: web-test-runner reports the tests mocha's grep left out as neither passed
 * nor skipped, so the run's own `failed` count and a session "not passed" with no error say nothing.
 * @param {{ failed: number, tests: { title: string, passed: boolean, skipped: boolean }[], broken?: { file: string, errors: string[] }[] }} counts
 * @param {RegExp | null} grep the selection (mocha's grep on full titles)
 * @returns {{ failed?: boolean, broken?: boolean, error?: string, how?: string, killedBy?: string[], ran: number }}
 */
export function browserVerdict(counts, grep) {
  const tests = grep ? counts.tests.filter((t) => grep.test(t.title)) : counts.tests;
  const failures = tests.filter((t) => !t.passed && !t.skipped);
  if (failures.length) return { failed: true, how: `browser: ${failures[0].title}`, killedBy: [failures[0].title], ran: tests.length };
  const broken = (counts.broken ?? []).find((b) => b.errors.length);
  if (broken) return { broken: true, how: `browser: ${broken.file} failed outside its tests: ${broken.errors[0]}`, ran: tests.length };
  if (!tests.some((t) => t.passed)) return { error: `web-test-runner ran no test${grep ? ' matching the selection' : ''}`, ran: 0 };
  return { failed: false, ran: tests.length };
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'kpg', KpgTestRunner)];
