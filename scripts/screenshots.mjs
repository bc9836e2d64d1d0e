// The gallery's screenshot, axe and contrast tests (test/visual/) in headless Chromium, against dist/.
//   npm run test:screenshots          build, then compare with the baselines in test/visual/baselines/
//   npm run test:screenshots:update   build, then rewrite every baseline that changed (review the PNGs
//                                     with `git diff --stat test/visual/baselines` before committing them)
// A failure leaves the screenshot and a diff image in test/visual/output/ and names them.
// npm test runs the same tests through runScreenshotTests().
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChrome } from './chrome.mjs';
import { ensureKoreanFont } from './fonts.mjs';

/**
 * Runs test/visual/ with node's test runner; counts from its TAP output (a hook that failed cancels its
 * tests: they count as failed).
 * @param {{ chrome: string, update?: boolean }} options
 * @returns {{ passed: number, failed: number, ok: boolean }}
 */
export function runScreenshotTests({ chrome, update = false }) {
  const tap = join(tmpdir(), `kpg-visual-tests-${process.pid}.tap`);
  const run = spawnSync(
    'node',
    ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, 'test/visual/'],
    { stdio: 'inherit', env: { ...process.env, CHROME_PATH: chrome, KPG_UPDATE_SCREENSHOTS: update ? '1' : '' } },
  );
  let passed = 0;
  let failed = 0;
  if (existsSync(tap)) {
    const text = readFileSync(tap, 'utf8');
    const count = (/** @type {string} */ what) => Number(new RegExp(`^# ${what} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    passed = count('pass');
    failed = count('fail') + count('cancelled');
    rmSync(tap, { force: true });
  }
  if (run.status !== 0 && failed === 0) failed = 1;
  return { passed, failed, ok: run.status === 0 && failed === 0 };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const update = process.argv.includes('--update');
  const chrome = findChrome('test:screenshots');
  ensureKoreanFont('test:screenshots');
  const build = spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const { passed, failed, ok } = runScreenshotTests({ chrome, update });
  if (update) console.log('\nBaselines that changed were rewritten: review them (git status test/visual/baselines), then commit them.');
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(ok ? 0 : 1);
}
