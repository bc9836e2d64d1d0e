// Finds the Korean font the screenshot tests draw every glyph with (NanumGothic, Debian's fonts-nanum), so
// Hangul renders the same on every machine; installs it when it is missing and this runs as root with
// apt-get (CI, fresh containers), as scripts/chrome.mjs does for Chromium; otherwise says what to do.
import { execFileSync, spawnSync } from 'node:child_process';

const hasNanum = () =>
  /NanumGothic/.test(spawnSync('fc-list', [':family=NanumGothic', 'family'], { encoding: 'utf8' }).stdout ?? '');

/** @param {string} who e.g. "test"; exits the process when there is no font and it cannot be installed */
export function ensureKoreanFont(who) {
  if (hasNanum()) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (root && apt) {
    console.log(`${who}: the Korean font NanumGothic is missing; installing Debian's fonts-nanum with apt-get...`);
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null'], {
      stdio: 'inherit',
    });
    if (hasNanum()) return;
  }
  console.error(
    `${who}: the screenshot tests need the Korean font NanumGothic, so that Hangul renders the same on every ` +
      'machine. Install it (Debian/Ubuntu: `sudo apt-get install fonts-nanum`), then run the command again.',
  );
  console.log('0 passed, 1 failed');
  process.exit(1);
}
