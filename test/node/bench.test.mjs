// @ts-check
// `npm run bench` can never rot unnoticed: it runs here briefly (--quick: a few loads and click pairs, one
// traced pair per backend) against the built files, and must finish, print every table and write figures
// for each of them. The figures themselves are the bench's to print, not this test's to judge (speed is
// measured, never asserted with timers); only their presence is checked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('npm run bench -- --quick runs from the built files and reports every table', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpg-bench-test-'));
  try {
    const out = join(dir, 'bench.json');
    const run = spawnSync('node', ['scripts/bench.mjs', '--no-build', '--quick', '--out', out], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(run.status, 0, `the bench failed:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
    for (const title of [
      'bytes: files',
      'bytes: per page, the widget before its button is interactive / in all',
      'load (median)',
      'card picker, 50 cards',
      'click to PG window, real backend',
      'click to PG window, instant stub backend',
      'a click before the second stage arrives',
      'long tasks > 50 ms',
      'JS heap over',
      'targets',
    ]) {
      assert.ok(run.stdout.includes(title), `no "${title}" table in:\n${run.stdout}`);
    }
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const finite = (/** @type {unknown} */ x, /** @type {string} */ what) => assert.ok(typeof x === 'number' && Number.isFinite(x), `${what}: ${x}`);
    finite(results.pageTypes['Shinhan checkout'].beforeInteractive.gzip, 'Shinhan bytes before interactive');
    finite(results.pageTypes['Shinhan checkout'].all.gzip, 'Shinhan bytes in all');
    // A two-stage file: the first stage alone before the button is interactive, both in all.
    assert.deepEqual(results.pageTypes['Shinhan checkout'].beforeInteractive.files, ['kpg-shinhan.js']);
    assert.deepEqual(results.pageTypes['Shinhan checkout'].files, ['kpg-shinhan.js', 'kpg-shinhan.stage2.js']);
    finite(results.clickBeforeStage2.clickToOpenMs, 'a click before the second stage');
    for (const [name, load] of Object.entries(results.loads)) {
      finite(load.interactiveMs, `${name} interactive`);
      finite(load.evalMs, `${name} evaluation`);
    }
    for (const backend of ['real', 'stub']) {
      for (const arm of ['widget', 'bare']) {
        const a = results.clicks[backend][arm];
        finite(a.clickToOpenMs, `${backend} ${arm} click to window`);
        finite(a.trace.clickToRequestMs, `${backend} ${arm} click to request (trace)`);
        finite(a.trace.responseToOpenMs, `${backend} ${arm} response to window (trace)`);
      }
      finite(results.clicks[backend].ratio, `${backend} ratio`);
      finite(results.clicks[backend].ownMs, `${backend} the widget's own work (traced)`);
      finite(results.clicks[backend].ownProbedMs, `${backend} the widget's own work (probed)`);
    }
    assert.ok(results.targets.length >= 5, 'the targets table');
    for (const t of results.targets) finite(t.value, t.name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
