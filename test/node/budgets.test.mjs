// @ts-check
// Byte budgets of what ships (run after the build): exact numbers from size-budgets.json, gzip -9 (zlib
// level 9). `gzip` is enforced; `target` is the goal the issue set, reported when a file is above it.
// `pages` are what a shop page of each PG fetches in all (both stages), with their own budget and target.
// `npm run size` shows where each file's bytes go; `node scripts/trims.mjs` what the split costs.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const { pages, ...files } = JSON.parse(readFileSync('size-budgets.json', 'utf8'));
const gzip = (/** @type {string} */ file) => gzipSync(readFileSync(file), { level: 9 }).length;

test('every script-tag file has a budget', () => {
  const shipped = readdirSync('dist').filter((f) => /^kpg-.*\.js$/.test(f)).map((f) => `dist/${f}`);
  assert.deepEqual(Object.keys(files).sort(), shipped.sort());
});

for (const [file, budget] of Object.entries(files)) {
  test(`${file} is at most ${budget.gzip} bytes gzip -9`, (t) => {
    const size = gzip(file);
    assert.ok(size <= budget.gzip, `${file} is ${size} bytes gzip, over its budget of ${budget.gzip} (npm run size shows where the bytes go)`);
    if (budget.target && size > budget.target) t.diagnostic(`${file}: ${size} B gzip, ${size - budget.target} B above the issue's target of ${budget.target} B`);
  });
}

for (const [page, budget] of Object.entries(pages)) {
  test(`a ${page} fetches at most ${budget.gzip} bytes gzip -9 of the widget (${budget.files.join(' + ')})`, (t) => {
    const size = budget.files.reduce((/** @type {number} */ n, /** @type {string} */ f) => n + gzip(f), 0);
    assert.ok(size <= budget.gzip, `${page}: ${size} bytes gzip, over its budget of ${budget.gzip}`);
    if (size > budget.target) t.diagnostic(`${page}: ${size} B gzip, ${size - budget.target} B above the issue's target of ${budget.target} B`);
  });
}
