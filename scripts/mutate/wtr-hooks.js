// npm run mutate:full: loaded first in every browser test file (scripts/mutate/wtr.config.mjs puts the
// import in front of the test file). Counts Stryker's coverage per test (mocha's full title), reports
// each test's result and time, and sends both to the runner when the file's tests are done. The active
// mutant, if any, was set by the test page itself before any module loaded (globalThis.__stryker__).
import { executeServerCommand } from '@web/test-runner-commands';

const ns = globalThis.__stryker__ || (globalThis.__stryker__ = {});
const results = [];

beforeEach(function () {
  ns.currentTestId = this.currentTest.fullTitle();
});

afterEach(async function () {
  const test = this.currentTest;
  results.push({ title: test.fullTitle(), state: test.state, ms: test.duration ?? 0 });
  ns.currentTestId = undefined; // what runs between tests counts for the whole file
  if (test.state === 'failed' && ns.bailOnFailure) await executeServerCommand('kpg-mut-failed', { title: test.fullTitle() });
});

after(async function () {
  await executeServerCommand('kpg-mut-coverage', { tests: results, coverage: ns.mutantCoverage ?? { static: {}, perTest: {} } });
});
