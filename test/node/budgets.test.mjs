// @ts-check
// Byte budgets of what ships (run after the build): exact numbers from size-budgets.json, gzip -9 (zlib
// level 9). `gzip` is enforced; `target` is the goal the issue set, reported when a file is above it.
// `npm run size` shows where each file's bytes go.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const budgets = JSON.parse(readFileSync('size-budgets.json', 'utf8'));

test('every script-tag file has a budget', () => {
  assert.deepEqual(Object.keys(budgets).sort(), ['dist/kpg-checkout.js', 'dist/kpg-return.js', 'dist/kpg-shinhan.js', 'dist/kpg-smartro.js']);
});

for (const [file, budget] of Object.entries(budgets)) {
  test(`${file} is at most ${budget.gzip} bytes gzip -9`, (t) => {
    const size = gzipSync(readFileSync(file), { level: 9 }).length;
    assert.ok(size <= budget.gzip, `${file} is ${size} bytes gzip, over its budget of ${budget.gzip} (npm run size shows where the bytes go)`);
    if (size > budget.target) t.diagnostic(`${file}: ${size} B gzip, ${size - budget.target} B above the issue's target of ${budget.target} B`);
  });
}
