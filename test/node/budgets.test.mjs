// @ts-check
// Byte budgets of what ships (run after the build): exact numbers from size-budgets.json, gzip -9.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const budgets = JSON.parse(readFileSync('size-budgets.json', 'utf8'));

for (const [file, budget] of Object.entries(budgets)) {
  test(`${file} is at most ${budget.gzip} bytes gzip -9`, () => {
    const size = gzipSync(readFileSync(file), { level: 9 }).length;
    assert.ok(size <= budget.gzip, `${file} is ${size} bytes gzip, over its budget of ${budget.gzip}`);
  });
}
