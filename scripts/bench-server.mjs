// npm run bench:server: a bounded loopback load on kpg-checkout/server, once on PGlite and once on
// PostgreSQL (a throwaway one from scripts/postgres.mjs; skipped with a note when there is none).
//
// The server runs in its own process (test/node/fixtures/kpg-instance.mjs, the built dist/server), the
// sandbox PGs and the load in this one, all on 127.0.0.1. Three phases, each a fixed number of requests
// at a fixed concurrency:
//   sessions  POST /api/kpg/session (Smartro: an attempt row, the open-attempt check, the signed form)
//   returns   POST /api/kpg/smartro/return with a genuine approval from the sandbox (claim, the receipt
//             API call to the sandbox, the payment recorded in one transaction)
//   results   GET /api/kpg/result
// It prints requests per second and the p50 / p99 latency of each, and writes bench-results/server.json.
// Options: --sessions N (default 300), --results N (default 1500), --concurrency N (default 16).
//
// `--limiter` (issue 19) measures instead what one rate-limit check costs when the limit is kept in the
// database (one conditional UPSERT per request, shared by every instance) against the in-memory limiter the
// server uses (dist/server/limits.js, per instance), and likewise a cached card list read from a table
// against the in-memory cache: --checks N (default 5000) over 200 keys, sequentially and 16 at a time, on
// PGlite (file) and PostgreSQL. Writes bench-results/limiter.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startShinhanSandbox } from '../demo/sandbox/shinhan/server.mjs';
import { encodeEucKr, startSmartroSandbox } from '../demo/sandbox/smartro/server.mjs';
import { startPostgres } from './postgres.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const SESSIONS = arg('sessions', 300);
const RESULTS = arg('results', 1500);
const CONCURRENCY = arg('concurrency', 16);
const PHASE_LIMIT_MS = 120_000;

/** Runs `count` jobs, `concurrency` at a time, within PHASE_LIMIT_MS; returns each job's latency in ms. */
async function load(count, concurrency, job) {
  const latencies = [];
  let next = 0;
  const deadline = Date.now() + PHASE_LIMIT_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && Date.now() < deadline) {
        const i = next++;
        const t = performance.now();
        await job(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50: pct(50), p99: pct(99) };
}

function spawnServer(config) {
  const child = spawn(process.execPath, ['test/node/fixtures/kpg-instance.mjs'], {
    env: { ...process.env, KPG_INSTANCE: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ origin: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
    setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000).unref();
  });
}

const hidden = (html) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(c)).replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')]));

async function run(name, database) {
  const shinhan = await startShinhanSandbox({ port: 0 });
  const smartro = await startSmartroSandbox({ port: 0, retryAttempts: 0 });
  const orders = Array.from({ length: SESSIONS }, (_, i) => ({ order_id: `B${i}x${Date.now().toString(36)}`, amount: 11000, product_name: 'bench', buyer: { id: 'buyer01', name: 'bench' } }));
  const { origin, child } = await spawnServer({
    database,
    orders,
    shinhan: { apiBase: `${shinhan.origin}/`, clientId: 'kpgdemo01', paymentApiKey: 'sandbox-payment-key-0001', searchApiKey: 'sandbox-search-key-0001' },
    smartro: { mid: 'kpgtest01m', merchantKey: 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx', pcAction: `${smartro.origin}/interfaceURL.jsp`, mobileAction: `${smartro.origin}/pay/interfaceURL`, apiBase: `${smartro.origin}/` },
  });
  try {
    const sessions = [];
    const s = await load(SESSIONS, CONCURRENCY, async (i) => {
      const res = await fetch(`${origin}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'smartro', order_id: orders[i].order_id, device_type: 2 }) });
      if (res.status !== 200) throw new Error(`session ${res.status}`);
      sessions[i] = await res.json();
    });
    // A genuine approval for each attempt from the sandbox (not measured).
    const forms = [];
    await load(SESSIONS, CONCURRENCY, async (i) => {
      const { action, fields } = sessions[i];
      const body = Object.entries(fields).map(([k, v]) => `${k}=${[...encodeEucKr(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`).join('&');
      const page = await (await fetch(action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })).text();
      const result = await (await fetch(`${smartro.origin}/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce: hidden(page).nonce, choice: 'approve' }) })).text();
      forms[i] = hidden(result);
    });
    const r = await load(SESSIONS, CONCURRENCY, async (i) => {
      const res = await fetch(`${origin}/api/kpg/smartro/return`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(forms[i]) });
      if (res.status !== 200) throw new Error(`return ${res.status}`);
      await res.arrayBuffer();
    });
    const q = await load(RESULTS, CONCURRENCY, async (i) => {
      const res = await fetch(`${origin}/api/kpg/result?order_no=${sessions[i % SESSIONS].order_no}`);
      const json = await res.json();
      if (json.status !== 'paid') throw new Error(`result ${json.status}`);
    });
    return { engine: name, sessions: s, returns: r, results: q };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await Promise.all([shinhan.close(), smartro.close()]);
  }
}

if (process.argv.includes('--limiter')) {
  await limiterBench();
  process.exit(0);
}

const runs = [];
const dir = mkdtempSync(join(tmpdir(), 'kpg-bench-'));
try {
  runs.push(await run('PGlite (file)', { dataDir: join(dir, 'pglite') }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pg = startPostgres();
if ('skip' in pg) console.log(`bench:server: ${pg.skip}`);
else {
  try {
    runs.push(await run('PostgreSQL', { url: pg.url }));
  } finally {
    pg.stop();
  }
}

const rows = [['engine', 'phase', 'requests', 'req/s', 'p50 ms', 'p99 ms']];
for (const r of runs) {
  for (const phase of ['sessions', 'returns', 'results']) {
    const m = r[phase];
    rows.push([r.engine, phase, String(m.requests), m.perSecond.toFixed(0), m.p50.toFixed(1), m.p99.toFixed(1)]);
  }
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
console.log(`(loopback, concurrency ${CONCURRENCY}; the server in its own process, the sandboxes and the load in this one)`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/server.json', JSON.stringify({ concurrency: CONCURRENCY, runs }, null, 2));

/** Per-call latencies of `count` calls of `job`, `concurrency` at a time: mean, p50, p99 in microseconds. */
async function timeCalls(count, concurrency, job) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await job(i);
        latencies.push((performance.now() - t) * 1000);
      }
    }),
  );
  const wall = (performance.now() - started) * 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { calls: count, concurrency, wallUsPerCall: wall / count, p50: pct(50), p99: pct(99) };
}

async function limiterBench() {
  const CHECKS = arg('checks', 5000);
  const KEYS = 200;
  const { createLimiter, createTtlCache } = await import('../dist/server/limits.js');
  const { openPglite } = await import('../dist/server/store/pglite.js');
  const { openPostgres } = await import('../dist/server/store/postgres.js');
  const results = [];

  // In memory: the server's own limiter and cache.
  const limiter = createLimiter({ limit: 20, windowMs: 60_000 }, () => Date.now());
  const memoryHits = 1_000_000;
  let t = performance.now();
  for (let i = 0; i < memoryHits; i++) limiter.hit(`addr:10.0.${i % KEYS}.1`);
  const memoryLimiterUs = ((performance.now() - t) * 1000) / memoryHits;
  const cache = createTtlCache(300_000, () => Date.now());
  const list = Promise.resolve({ ok: true, text: '{"ret_code":0,"list":[]}' });
  t = performance.now();
  for (let i = 0; i < memoryHits; i++) await cache.get(`pg${i % 3}`, () => list, () => true);
  const memoryCacheUs = ((performance.now() - t) * 1000) / memoryHits;
  results.push({ store: 'memory (per instance)', limiter: { wallUsPerCall: memoryLimiterUs }, cache: { wallUsPerCall: memoryCacheUs } });

  // In the database: one statement per check, as a shared limiter must do it.
  const HIT = `INSERT INTO bench_limits (key, window_start, count) VALUES ($1, $2, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN bench_limits.window_start <= $2::timestamptz - interval '60 seconds' THEN 1 ELSE bench_limits.count + 1 END,
      window_start = CASE WHEN bench_limits.window_start <= $2::timestamptz - interval '60 seconds' THEN $2::timestamptz ELSE bench_limits.window_start END
    RETURNING count`;
  const READ = 'SELECT body FROM bench_cache WHERE key = $1 AND expires > $2';
  async function inDatabase(name, sql) {
    await sql.exec(`CREATE TABLE bench_limits (key text PRIMARY KEY, window_start timestamptz NOT NULL, count integer NOT NULL);
      CREATE TABLE bench_cache (key text PRIMARY KEY, expires timestamptz NOT NULL, body text NOT NULL);
      INSERT INTO bench_cache VALUES ('pg0', now() + interval '1 hour', '{"ret_code":0,"list":[]}'), ('pg1', now() + interval '1 hour', '{}'), ('pg2', now() + interval '1 hour', '{}');`);
    const hit = (i) => sql.query(HIT, [`addr:10.0.${i % KEYS}.1`, new Date().toISOString()]);
    const read = (i) => sql.query(READ, [`pg${i % 3}`, new Date().toISOString()]);
    await timeCalls(200, 1, hit); // warm-up
    const row = { store: name, limiter: await timeCalls(CHECKS, 1, hit), limiter16: await timeCalls(CHECKS, 16, hit), cache: await timeCalls(CHECKS, 1, read), cache16: await timeCalls(CHECKS, 16, read) };
    results.push(row);
    await sql.close();
  }
  const dir = mkdtempSync(join(tmpdir(), 'kpg-bench-limiter-'));
  try {
    await inDatabase('PGlite (file)', await openPglite(join(dir, 'pglite')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pg = startPostgres();
  if ('skip' in pg) console.log(`bench:server --limiter: ${pg.skip}`);
  else {
    try {
      await inDatabase('PostgreSQL', await openPostgres({ connectionString: pg.url, max: 16 }));
    } finally {
      pg.stop();
    }
  }

  const us = (v) => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));
  const rows = [['store', 'check', 'wall us/check (1 at a time)', 'p50 / p99 us', 'wall us/check (16 at a time)', 'p50 / p99 us']];
  for (const r of results) {
    for (const [what, one, many] of [['limit hit', r.limiter, r.limiter16], ['cache read', r.cache, r.cache16]]) {
      rows.push([r.store, what, us(one.wallUsPerCall), one.p50 === undefined ? '-' : `${us(one.p50)} / ${us(one.p99)}`, many ? us(many.wallUsPerCall) : '-', many ? `${us(many.p50)} / ${us(many.p99)}` : '-']);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  console.log(`(${CHECKS} checks over ${KEYS} keys per database row; memory: 1,000,000 checks; PostgreSQL on loopback with fsync off)`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/limiter.json', JSON.stringify({ checks: CHECKS, keys: KEYS, results }, null, 2));
}
