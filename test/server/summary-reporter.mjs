// @ts-check
// Writes web-test-runner's counts to $KPG_SUMMARY_FILE as JSON {passed, failed, skipped}, so that
// scripts/test.mjs can print the run's closing line `N passed, N failed` alone on the last line.
import { writeFileSync } from 'node:fs';

/** @param {any} suite @param {{passed: number, failed: number, skipped: number}} counts */
function count(suite, counts) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
  }
  for (const child of suite.suites ?? []) count(child, counts);
}

export function summaryReporter() {
  return {
    /** @param {{sessions: any[]}} args */
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, counts);
        // A test file that did not load, or errored outside a test, counts as one failure.
        if (session.errors?.length || (!session.passed && !session.testResults?.tests?.length && !session.testResults?.suites?.length)) {
          counts.failed++;
        }
      }
      const file = process.env.KPG_SUMMARY_FILE;
      if (file) writeFileSync(file, JSON.stringify(counts));
    },
  };
}
