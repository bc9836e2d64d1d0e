// Finds Chromium/Chrome for the tests and the benchmark; installs Debian's chromium when none is found and
// this runs as root with apt-get (CI, fresh containers); otherwise says what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** @param {string} who e.g. "test" @returns {string} the executable's path; exits the process if there is none */
export function findChrome(who) {
  const fail = (message) => {
    console.error(`${who}: ${message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  };
  if (process.env.CHROME_PATH) {
    if (existsSync(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    fail(`CHROME_PATH=${process.env.CHROME_PATH} does not exist.`);
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (root && apt) {
    console.log(`${who}: Chromium not found; installing Debian's chromium with apt-get (about 30 s)...`);
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'], { stdio: 'inherit' });
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  return fail(
    'No Chromium or Chrome found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`) ' +
      'or set CHROME_PATH to a Chrome/Chromium executable, then run the command again.',
  );
}
