// @ts-check
// Writes web-test-runner's counts to $KPG_SUMMARY_FILE as JSON {passed, failed, skipped}, so that
// scripts/test.mjs can print the run's closing line `N passed, N failed` alone on the last line.
// A test that could not run counts as failed: a file that did not import (or crashed before its tests ran)
// counts each `it(` written in it, at least one.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Every browser test file web-test-runner.config.mjs runs (test/**\/*.test.ts). */
export function browserTestFiles(dir = 'test') {
  /** @type {string[]} */
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') files.push(...browserTestFiles(path));
    else if (entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

/**
 * @param {any} suite @param {{passed: number, failed: number, skipped: number}} counts
 * @param {{title: string, passed: boolean, skipped: boolean, error: boolean}[]} tests every test, by full title
 * @param {string} [prefix] the enclosing describe() names
 */
function count(suite, counts, tests, prefix = '') {
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
    tests.push({ title: `${prefix}${test.name}`, passed: !!test.passed, skipped: !!test.skipped, error: !!test.error });
  }
  for (const child of suite.suites ?? []) count(child, counts, tests, `${prefix}${child.name} `);
}

/** How many tests a file declares (`it(` calls, as written; a loop's tests count once). */
export function declaredTests(/** @type {string} */ file) {
  try {
    return (readFileSync(file, 'utf8').match(/(^|[^\w.])it\(/g) ?? []).length;
  } catch {
    return 0;
  }
}

export function summaryReporter() {
  return {
    /** @param {{sessions: any[]}} args */
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      /** @type {{title: string, passed: boolean, skipped: boolean, error: boolean}[]} */
      const tests = [];
      /** Files that failed outside their tests (did not import, timed out, an error between tests), and why. */
      /** @type {{file: string, errors: string[]}[]} */
      const broken = [];
      for (const session of sessions) {
        const before = counts.passed + counts.failed + counts.skipped;
        if (session.testResults) count(session.testResults, counts, tests);
        const ran = counts.passed + counts.failed + counts.skipped - before;
        if (session.errors?.length || !session.passed) {
          broken.push({
            file: relative(process.cwd(), session.testFile ?? '?'),
            errors: (session.errors ?? []).map((/** @type {any} */ e) => String(e?.message ?? e).split('\n')[0].slice(0, 300)),
          });
          // Tests that never ran in this file (it did not import, or the browser page died) are failures.
          const declared = declaredTests(resolve(session.testFile ?? ''));
          const missing = Math.max(declared - ran, session.errors?.length && ran === 0 ? 1 : 0);
          if (missing > 0) {
            counts.failed += missing;
            console.log(`summary: ${relative(process.cwd(), session.testFile ?? '?')}: ${missing} test(s) could not run, counted as failed`);
          } else if (session.errors?.length) {
            counts.failed++; // an error outside any test
          }
        }
      }
      const file = process.env.KPG_SUMMARY_FILE;
      // tests and broken: for npm run mutate's name filter and its recheck (scripts/mutate/stryker-runner.mjs)
      if (file) writeFileSync(file, JSON.stringify({ ...counts, tests, broken }));
    },
  };
}
