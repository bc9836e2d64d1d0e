// @ts-check
// `npm run bench:server` can never rot unnoticed (issue 26): it runs here briefly (a few sessions and results
// per arm, two interleaved repetitions) against the built server and the baseline app in scripts/, and must
// finish, print its tables and write a figure for each route, arm and engine. The figures are the bench's to
// print, not this test's to judge (speed is measured, never asserted with timers): only their presence is
// checked, and that the server's arm did real work (its sessions answered 200 with a signed form, its results
// the attempt's status: the bench throws otherwise).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('npm run bench:server runs briefly: the server and the baseline on each engine, medians and ratios printed', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpg-bench-server-test-'));
  try {
    const out = join(dir, 'server.json');
    const run = spawnSync('node', ['scripts/bench-server.mjs', '--no-build', '--sessions', '12', '--results', '24', '--repetitions', '2', '--out', out], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(run.status, 0, `the bench failed:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
    assert.match(run.stdout, /sessions and results against the baseline/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.repetitions, 2);
    const engines = results.runs.map((/** @type {any} */ r) => r.engine);
    assert.ok(engines.includes('PGlite (file)'), engines.join(', '));
    // PostgreSQL runs where scripts/postgres.mjs can start one (else the bench says it skipped it).
    if (!run.stdout.includes('bench:server: PostgreSQL is not installed')) assert.ok(engines.includes('PostgreSQL'), engines.join(', '));
    const finite = (/** @type {unknown} */ x, /** @type {string} */ what) => assert.ok(typeof x === 'number' && Number.isFinite(x) && x > 0, `${what}: ${x}`);
    for (const r of results.runs) {
      for (const route of ['sessions', 'results']) {
        const c = r.comparison[route];
        finite(c.ratio, `${r.engine} ${route} ratio`);
        for (const arm of ['ours', 'baseline']) {
          finite(c[arm].perSecond, `${r.engine} ${route} ${arm} req/s`);
          assert.equal(c[arm].perSecondEachRep.length, 2, `${r.engine} ${route} ${arm}: one figure per repetition`);
        }
        const line = run.stdout.split('\n').find((l) => l.startsWith(r.engine) && l.includes(` ${route} `) && l.includes(`${c.ratio.toFixed(2)}x`));
        assert.ok(line, `no ${r.engine} ${route} row with its ratio in:\n${run.stdout}`);
      }
      finite(r.returns.perSecond, `${r.engine} returns`);
      finite(r.events.perSecond, `${r.engine} events`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
