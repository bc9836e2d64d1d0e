// @ts-check
// Compares a screenshot with its committed baseline (test/visual/baselines/<name>.png). A failure leaves
// the screenshot and a diff image (changed pixels in red) in test/visual/output/ and says so. With
// KPG_UPDATE_SCREENSHOTS=1 (npm run test:screenshots:update) a missing or changed baseline is rewritten
// instead; one within the tolerance is left alone, so an update touches only what really changed.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

export const BASELINES = fileURLToPath(new URL('./baselines/', import.meta.url));
export const OUTPUT = fileURLToPath(new URL('./output/', import.meta.url));

/**
 * Pixels may differ by a little colour (pixelmatch threshold 0.1; anti-aliasing ignored) and at most this
 * many may differ at all: enough for a stray sub-pixel, far below one changed glyph or state.
 */
export const MAX_DIFF_PIXELS = 20;

export const updating = () => process.env.KPG_UPDATE_SCREENSHOTS === '1';

/**
 * @param {string} name file name without .png
 * @param {Uint8Array} screenshot PNG bytes as Chromium wrote them
 * @returns {{ ok: true, written?: boolean } | { ok: false, message: string }}
 */
export function compareWithBaseline(name, screenshot) {
  const baselinePath = `${BASELINES}${name}.png`;
  const actualPath = `${OUTPUT}${name}.png`;
  const diffPath = `${OUTPUT}${name}.diff.png`;
  rmSync(actualPath, { force: true });
  rmSync(diffPath, { force: true });
  const write = () => {
    mkdirSync(BASELINES, { recursive: true });
    writeFileSync(baselinePath, screenshot);
    return /** @type {const} */ ({ ok: true, written: true });
  };
  const keep = () => {
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(actualPath, screenshot);
  };
  if (!existsSync(baselinePath)) {
    if (updating()) return write();
    keep();
    return { ok: false, message: `no baseline ${rel(baselinePath)}; the screenshot is in ${rel(actualPath)}. Run npm run test:screenshots:update to accept it.` };
  }
  const expected = PNG.sync.read(readFileSync(baselinePath));
  const actual = PNG.sync.read(Buffer.from(screenshot));
  if (expected.width !== actual.width || expected.height !== actual.height) {
    if (updating()) return write();
    keep();
    return {
      ok: false,
      message: `${name} is ${actual.width}x${actual.height} px, its baseline ${expected.width}x${expected.height} px: the layout changed. See ${rel(actualPath)}.`,
    };
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  const changed = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold: 0.1, includeAA: false });
  if (changed <= MAX_DIFF_PIXELS) return { ok: true };
  if (updating()) return write();
  keep();
  writeFileSync(diffPath, PNG.sync.write(diff));
  return {
    ok: false,
    message: `${name}: ${changed} pixels differ from the baseline (at most ${MAX_DIFF_PIXELS} may). See ${rel(actualPath)} and ${rel(diffPath)}; if the change is intended, run npm run test:screenshots:update.`,
  };
}

/** @param {string} path */
const rel = (path) => path.slice(fileURLToPath(new URL('../../', import.meta.url)).length);
