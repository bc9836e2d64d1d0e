// @ts-check
/**
 * Issue 20: no test reads the wall clock for a date. Every read of the wall clock in the tests' own code
 * (`Date.now()`, `new Date()` with no argument, `Date()`) must be one of the reads listed below, each with
 * the reason it decides no date (a deadline, an elapsed time, a unique id). A new read fails this test:
 * take a pinned clock instead (test/node/clock.mjs: testClock / tickingClock, given to the server as `now`
 * and to the sandboxes as `now`), or add it here with its reason. A listed read that no longer occurs fails
 * too, so the list stays the truth.
 *
 * Why a reading of the source and not a poisoned Date for the whole suite: a poisoned Date (one that throws,
 * or jumps) breaks the legitimate reads (deadlines in waits, time-outs inside libraries, unique ids) and
 * cannot tell them from date decisions; a Date shifted by a constant changes nothing for a test whose
 * expectation and whose server both read the same shifted clock. The source says which read is which, and
 * a reason written next to each allowed read is reviewed like any code. What the source cannot show, a
 * server or sandbox left on its default clock while the test pins another, the date-sensitive tests catch
 * at run time: test/node/server-clock.test.mjs displaces its process's wall clock to the year 2199
 * (test/node/fixtures/far-wall-clock.mjs), so anything not on the pinned clock writes dates no assertion
 * accepts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The allowed reads: [file, the code on that line (a substring), why it decides no date]. */
const ALLOWED = /** @type {const} */ ([
  ['test/node/server-helpers.mjs', 'const deadline = Date.now() + timeoutMs;', 'until(): a wait bounded in elapsed time'],
  ['test/node/server-helpers.mjs', 'if (Date.now() > deadline)', 'until(): a wait bounded in elapsed time'],
  ['test/server/pg-window.mjs', 'const deadline = Date.now() + timeout;', 'a wait for a PG window, bounded in elapsed time'],
  ['test/server/pg-window.mjs', 'deadline - Date.now()', 'a wait for a PG window, bounded in elapsed time'],
  ['test/server/pg-window.mjs', 'if (Date.now() > deadline)', 'a wait for a PG window, bounded in elapsed time'],
  ['test/helpers.ts', 'Date.now().toString(36)', 'uniqueKey(): a storage key unique per run, no date'],
  ['test/node/shinhan-sandbox.test.mjs', 'const nextOrderNo = () =>', 'order numbers unique per run, no date'],
  ['test/node/smartro-sandbox.test.mjs', 'const nextMoid = () =>', 'Moids unique per run, no date'],
  ['test/node/server-invariants.test.mjs', 'const smartroTid = () =>', 'the last 6 digits of the time make TIDs unique; the date part is written out'],
  ['test/node/server-sandbox.test.mjs', 'const approvedAt = Date.now();', 'measures that the receipt API really took 4 s (elapsed time)'],
  ['test/node/server-sandbox.test.mjs', 'approvedAt + 1500 - Date.now()', 'waits out an elapsed time'],
  ['test/node/server-sandbox.test.mjs', 'Date.now() - approvedAt >= 3900', 'measures an elapsed time'],
  ['test/node/server-shinhan.test.mjs', 'const started = Date.now();', 'measures that a refusal came fast (elapsed time)'],
  ['test/node/server-shinhan.test.mjs', 'Date.now() - started < 3000', 'measures an elapsed time'],
  ['test/node/server-smartro.test.mjs', 'const asked = Date.now();', 'measures an elapsed time'],
  ['test/node/server-smartro.test.mjs', 'Date.now() - asked < 2500', 'measures an elapsed time'],
  ['test/node/server-clock.test.mjs', 'new Date().getUTCFullYear(), FAR_YEAR', 'checks that the wall clock is displaced, so a forgotten clock fails'],
  ['test/node/server-clock.test.mjs', 'Math.abs(Date.now() - new Date().getTime())', 'checks that the wall clock is displaced, so a forgotten clock fails'],
]);

/** Test code: every file under test/ but the recorded screenshots and build outputs. */
function files(dir = join(ROOT, 'test')) {
  /** @type {string[]} */
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'output', 'baselines', 'dist'].includes(e.name) || e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(path));
    else if (/\.(m?js|ts|tsx|vue)$/.test(e.name)) out.push(path);
  }
  return out;
}

/** A read of the wall clock: Date.now(), new Date() with no argument, Date() called as a function. */
const READ = /\bDate\.now\s*\(|\bnew\s+Date\s*\(\s*\)|(?<![\w.]|new\s)Date\s*\(\s*\)/;

test('no test reads the wall clock for a date: every read is listed with the reason it decides no date', () => {
  /** @type {string[]} */
  const unlisted = [];
  const used = new Set();
  for (const path of files()) {
    const file = relative(ROOT, path);
    if (file === 'test/node/wall-clock.test.mjs') continue; // names the reads it looks for
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, ''); // comments say what they like
        if (!READ.test(code)) return;
        const allowed = ALLOWED.findIndex(([f, text]) => f === file && line.includes(text));
        if (allowed >= 0) used.add(allowed);
        else unlisted.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(
    unlisted,
    [],
    'these lines read the wall clock: take a pinned clock (test/node/clock.mjs), or list the read in test/node/wall-clock.test.mjs with the reason it decides no date',
  );
  const stale = ALLOWED.filter((_, i) => !used.has(i)).map(([f, text]) => `${f}: ${text}`);
  assert.deepEqual(stale, [], 'listed reads that no longer occur: remove them from the list');
});

test('the check sees each form of a read (and not a date built from a value)', () => {
  for (const read of ['Date.now()', 'new Date()', 'new Date( )', 'const d = Date();', 'Date.now ()']) assert.ok(READ.test(read), read);
  for (const fine of ["new Date('2026-12-01T00:00:00+09:00')", 'new Date(ms)', 'Date.parse(x)', 'Date.UTC(2026, 0, 1)', 'const update = () => x']) assert.ok(!READ.test(fine), fine);
});
