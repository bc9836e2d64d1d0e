// @ts-check
// npm run mutate:full (scripts/mutate/stryker-runner.mjs) preloads this into every node test process, and
// every process those spawn (NODE_OPTIONS=--import), next to test/node/fixtures/server-from-src.mjs. It
// does two things and nothing else:
//
// 1. Coverage per test. Stryker's instrumented code counts each mutant it reaches under
//    globalThis.__stryker__.currentTestId. Here that id is a getter over an AsyncLocalStorage: the test
//    whose callback (or whose asynchronous continuation: a timer, a request it served, a query it awaits)
//    is running. So a request handled by a server that one test started counts for that test, even when the
//    previous test's leftovers still run. Code run outside any test (module loading, a suite's before/after
//    hooks) counts for the suite or the file, and stands for every test in it (expanded by the runner). A
//    process a test spawns (a second server instance) counts for that test (KPG_MUT_TEST_ID). At exit each
//    process writes what it counted to KPG_MUT_COVERAGE_DIR.
// 2. Test selection. With KPG_MUT_SELECT (a JSON file of test ids), every test and suite that is not one of
//    them, or an ancestor of one, is registered with `skip`: the suite's hooks do not run either. This does
//    not depend on how a Node version matches --test-name-pattern against nested names.
//
// It wraps node:test's describe/suite/test/it and hooks (module.syncBuiltinESMExports: the named imports of
// node:test see the wrappers). Test ids are `<file> :: <suite> > <test>` (a repeated name gets ` #2`).
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const covDir = process.env.KPG_MUT_COVERAGE_DIR;
const selectFile = process.env.KPG_MUT_SELECT;
const inherited = process.env.KPG_MUT_TEST_ID; // set for processes a test spawned

// The test file of this process, relative to the checkout (cwd): node --test runs one file per process.
const mainFile = process.argv[1] ? relative(process.cwd(), process.argv[1]) : '<none>';
const isTestFile = /^test\/.*\.test\.m?js$/.test(mainFile);
const FILE_SCOPE = `${mainFile} :: `; // a suite id: the whole file

/** @type {AsyncLocalStorage<string>} */
const als = new AsyncLocalStorage();
/** @type {Record<string, any>} */
const ns = /** @type {any} */ (globalThis).__stryker__ || (/** @type {any} */ (globalThis).__stryker__ = {});
const fallback = inherited ? inherited : isTestFile ? FILE_SCOPE : undefined;
Object.defineProperty(ns, 'currentTestId', {
  configurable: true,
  get: () => als.getStore() ?? fallback,
  set: () => {},
});

/** @type {Set<string> | undefined} */
const selected = selectFile ? new Set(JSON.parse(readFileSync(selectFile, 'utf8'))) : undefined;
const isSelected = (/** @type {string} */ id, /** @type {boolean} */ suite) => {
  if (!selected) return true;
  if (selected.has(id)) return true;
  if (!suite) return false;
  for (const s of selected) if (s.startsWith(`${id} > `)) return true;
  return false;
};

/** @type {{ id: string, name: string, ms: number, file: string, line?: number }[]} */
const tests = [];
/** @type {string[]} */
const stack = []; // suite names while a describe() body registers its children
/** @type {string[]} */
const suiteIds = [FILE_SCOPE];
const seen = new Map();

/** Where the caller of describe()/test() is, in the test file (1-based line), for the report. */
function callerLine() {
  const lines = (new Error().stack ?? '').split('\n');
  for (const l of lines) {
    const m = /\((file:\/\/[^)]+|\/[^)]+):(\d+):\d+\)$|at (file:\/\/\S+|\/\S+):(\d+):\d+$/.exec(l.trim());
    const file = m?.[1] ?? m?.[3];
    if (file && file.includes(mainFile) && !file.includes('node-hooks')) return Number(m?.[2] ?? m?.[4]);
  }
  return undefined;
}

/** @param {unknown[]} args */
function parse(args) {
  let name;
  let options = {};
  let fn;
  for (const a of args) {
    if (typeof a === 'string') name = a;
    else if (typeof a === 'function') fn = a;
    else if (a && typeof a === 'object') options = a;
  }
  return { name: name ?? (fn && /** @type {Function} */ (fn).name) ?? '<anonymous>', options, fn: /** @type {Function | undefined} */ (fn) };
}

function uniqueId(/** @type {string} */ name) {
  const path = [...stack, name].join(' > ');
  const base = `${mainFile} :: ${path}`;
  const n = (seen.get(base) ?? 0) + 1;
  seen.set(base, n);
  return n === 1 ? base : `${base} #${n}`;
}

/** A test body that runs under its id (and tells processes it spawns). @param {Function} fn @param {string} id @param {{ms: number}} rec */
function underId(fn, id, rec) {
  const run = (/** @type {any} */ self, /** @type {any[]} */ args) =>
    als.run(id, () => {
      process.env.KPG_MUT_TEST_ID = id;
      const t0 = performance.now();
      const done = () => (rec.ms = performance.now() - t0);
      try {
        const r = fn.apply(self, args);
        if (r && typeof r.then === 'function') return r.finally(done);
        done();
        return r;
      } catch (e) {
        done();
        throw e;
      }
    });
  // node:test reads fn.length: two parameters mean a callback-style test (t, done).
  return fn.length >= 2
    ? function (/** @type {any} */ t, /** @type {any} */ cb) { return run(this, [t, cb]); }
    : function (/** @type {any} */ t) { return run(this, [t]); };
}

/** @param {Function} fn @param {string} id */
function underSuite(fn, id) {
  return fn.length >= 2
    ? function (/** @type {any} */ t, /** @type {any} */ cb) { return als.run(id, () => fn.call(this, t, cb)); }
    : function (/** @type {any} */ t) { return als.run(id, () => fn.call(this, t)); };
}

const nt = require('node:test');

/** @param {Function} orig */
function wrapTest(orig) {
  return function (/** @type {unknown[]} */ ...args) {
    const { name, options, fn } = parse(args);
    if (!isTestFile) return orig(...args);
    const id = uniqueId(name);
    const rec = { id, name: [...stack, name].join(' > '), ms: 0, file: mainFile, line: callerLine() };
    const skip = !isSelected(id, false);
    if (!skip && !(/** @type {any} */ (options).skip) && !(/** @type {any} */ (options).todo)) tests.push(rec);
    const opts = skip ? { ...options, skip: 'not selected for this mutant' } : options;
    return orig(name, opts, fn ? underId(fn, id, rec) : undefined);
  };
}

/** @param {Function} orig */
function wrapSuite(orig) {
  return function (/** @type {unknown[]} */ ...args) {
    const { name, options, fn } = parse(args);
    if (!isTestFile) return orig(...args);
    const id = uniqueId(name);
    const skip = !isSelected(id, true);
    const opts = skip ? { ...options, skip: 'not selected for this mutant' } : options;
    const body = fn
      ? function (/** @type {any[]} */ ...a) {
          stack.push(name);
          suiteIds.push(`${id} > `);
          try {
            return als.run(`${id} > `, () => fn.apply(this, a));
          } finally {
            stack.pop();
            suiteIds.pop();
          }
        }
      : undefined;
    return orig(name, opts, body);
  };
}

/** @param {Function} orig */
function wrapHook(orig) {
  return function (/** @type {unknown[]} */ ...args) {
    const fn = args.find((a) => typeof a === 'function');
    if (!isTestFile || typeof fn !== 'function') return orig(...args);
    const scope = suiteIds[suiteIds.length - 1];
    return orig(...args.map((a) => (a === fn ? underSuite(/** @type {Function} */ (fn), scope) : a)));
  };
}

/** Wrap fn and its .skip/.todo/.only variants. @param {Function} orig @param {(f: Function) => Function} wrap */
function withVariants(orig, wrap) {
  const w = /** @type {any} */ (wrap(orig));
  for (const k of ['skip', 'todo', 'only']) if (typeof (/** @type {any} */ (orig)[k]) === 'function') w[k] = wrap((/** @type {any} */ (orig))[k]);
  return w;
}

if (isTestFile) {
  nt.test = withVariants(nt.test, wrapTest);
  nt.it = withVariants(nt.it, wrapTest);
  nt.describe = withVariants(nt.describe, wrapSuite);
  nt.suite = withVariants(nt.suite, wrapSuite);
  for (const h of ['before', 'after', 'beforeEach', 'afterEach']) nt[h] = wrapHook(nt[h]);
  syncBuiltinESMExports();
}

if (covDir) {
  process.once('exit', () => {
    try {
      mkdirSync(covDir, { recursive: true });
      writeFileSync(
        join(covDir, `${process.pid}.json`),
        JSON.stringify({ file: mainFile, testFile: isTestFile, tests, coverage: ns.mutantCoverage ?? { static: {}, perTest: {} } }),
      );
    } catch (e) {
      process.stderr.write(`node-hooks: could not write coverage: ${e}\n`);
    }
  });
}
