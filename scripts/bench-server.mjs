// npm run bench:server: a bounded loopback load on kpg-checkout/server, once on PGlite and once on
// PostgreSQL (a throwaway one from scripts/postgres.mjs; skipped with a note when there is none).
//
// The server runs in its own process (test/node/fixtures/kpg-instance.mjs, the built dist/server, mounted with
// toNodeHandler on node:http), the sandbox PGs and the load in this one, all on 127.0.0.1.
//
// Issue 26, the server against a baseline in the same run: scripts/bench-baseline.mjs, a bare Hono app on
// @hono/node-server with the project's own migrations and drivers doing one statement per route, in its own
// process too (on PostgreSQL in a database of its own on the same server). --repetitions (default 5)
// repetitions, each a sessions phase on both (which goes first alternates) and then a results phase on both:
//   sessions  POST /api/kpg/session (Smartro: the attempt row, the signed form), new orders each time
//   results   GET /api/kpg/result of the attempts that repetition made
// It prints, per engine and route, the medians of req/s, p50 / p99, CPU ms per request (the server process's
// from /proc, and PostgreSQL's processes'), and the ratio ours / baseline (the target: 0.80x or more).
//
// Then, on the server alone (issue 21): returns, POST /api/kpg/smartro/return with a genuine approval from the
// sandbox (claim, the receipt API call, the payment recorded in one transaction); results of those paid
// attempts; and events: the payment.paid event of every return delivered in one kpg.deliverEvents() pass to
// both targets, onEvent (a line appended to a file) and a signed webhook to a receiver in this process (204);
// the server's background relay is off meanwhile, so the phases above are measured without it.
// Writes bench-results/server.json (--out FILE). Options: --sessions N (default 300) and --results N (default
// 1500) per arm and repetition, --concurrency N (default 16), --repetitions N (default 5), --engines
// pglite,postgres (default both), --no-build (the server is built first otherwise).
//
// `--limiter` (issue 19) measures instead what one rate-limit check costs when the limit is kept in the
// database (one conditional UPSERT per request, shared by every instance) against the in-memory limiter the
// server uses (dist/server/limits.js, per instance), and likewise a cached card list read from a table
// against the in-memory cache: --checks N (default 5000) over 200 keys, sequentially and 16 at a time, on
// PGlite (file) and PostgreSQL. Writes bench-results/limiter.json.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
const REPS = arg('repetitions', 5);
const ENGINES = (() => {
  const at = process.argv.indexOf('--engines');
  return at === -1 ? ['pglite', 'postgres'] : process.argv[at + 1].split(',');
})();
const OUT = (() => {
  const at = process.argv.indexOf('--out');
  return at === -1 ? 'bench-results/server.json' : process.argv[at + 1];
})();
const TICKS = 100; // USER_HZ: /proc's clock ticks per second on Linux

// From a fresh clone: the server is built first (dist/server), unless --no-build (npm test's run has built it).
if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
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

function spawnReady(script, env) {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ origin: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
    setTimeout(() => reject(new Error(`${script} did not start within 60 s`)), 60_000).unref();
  });
}

/** The config in a file (thousands of orders are over the size limit of one environment variable). */
function configFile(name, config) {
  const file = join(SCRATCH, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return `@${file}`;
}
const SCRATCH = mkdtempSync(join(tmpdir(), 'kpg-bench-config-'));
process.once('exit', () => rmSync(SCRATCH, { recursive: true, force: true }));

function spawnServer(config) {
  return spawnReady('test/node/fixtures/kpg-instance.mjs', { KPG_INSTANCE: configFile('server', config) });
}

const hidden = (html) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(c)).replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')]));

/** A webhook receiver on 127.0.0.1 that reads each POST and answers 204; counts them. */
async function startReceiver() {
  const state = { posts: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.posts++;
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hooks`, state, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** utime + stime of a process in ms (Linux /proc; undefined elsewhere). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return undefined;
  }
}

/** The PostgreSQL server listening on `port` and its backends: their pids (Linux /proc; [] elsewhere). */
function postgresPids(port) {
  try {
    const stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => {
      try {
        return { pid, stat: readFileSync(`/proc/${pid}/stat`, 'utf8'), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8') };
      } catch {
        return undefined;
      }
    }).filter((p) => p && p.stat.includes('(postgres)'));
    const master = stats.find((p) => p.cmd.split('\0').join(' ').includes(`-p ${port} `));
    if (!master) return [];
    return stats.filter((p) => p.pid === master.pid || p.stat.split(') ')[1].split(' ')[1] === master.pid).map((p) => p.pid);
  } catch {
    return [];
  }
}

/** The CPU ms of PostgreSQL's processes now (those of the bench's server), or undefined on PGlite. */
function databaseCpuMs() {
  if (!DATABASE_PORT) return undefined;
  let sum = 0;
  for (const pid of postgresPids(DATABASE_PORT)) sum += cpuMs(pid) ?? 0;
  return sum;
}
let DATABASE_PORT;

/** Loads one phase on a server process and adds its CPU per request: the server process's, and PostgreSQL's. */
async function measured(pid, count, job) {
  const before = cpuMs(pid);
  const dbBefore = databaseCpuMs();
  const m = await load(count, CONCURRENCY, job);
  const after = cpuMs(pid);
  const dbAfter = databaseCpuMs();
  return {
    ...m,
    cpuMsPerRequest: before === undefined || after === undefined ? undefined : (after - before) / m.requests,
    databaseCpuMsPerRequest: dbBefore === undefined || dbAfter === undefined ? undefined : (dbAfter - dbBefore) / m.requests,
  };
}

const median = (values) => {
  const v = values.filter((x) => x !== undefined).sort((a, b) => a - b);
  if (!v.length) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

const newOrders = (prefix, count) => Array.from({ length: count }, (_, i) => ({ order_id: `${prefix}${i}x${Date.now().toString(36)}`, amount: 11000, product_name: 'bench', buyer: { id: 'buyer01', name: 'bench' } }));

async function session(origin, order) {
  const res = await fetch(`${origin}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'smartro', order_id: order.order_id, device_type: 2 }) });
  if (res.status !== 200) throw new Error(`session ${res.status} ${await res.text()}`);
  return res.json();
}

async function result(origin, orderNo, status) {
  const res = await fetch(`${origin}/api/kpg/result?order_no=${orderNo}`);
  if (res.status !== 200) throw new Error(`result ${res.status} ${await res.text()}`);
  const json = await res.json();
  if (json.status !== status) throw new Error(`result ${json.status}`);
}

/**
 * Sessions and results, the server against the baseline (scripts/bench-baseline.mjs): REPS repetitions,
 * each a sessions phase on both (alternating which goes first) and then a results phase on both.
 */
async function compare(ours, baseline) {
  const arms = { ours: { ...ours, reps: [] }, baseline: { ...baseline, reps: [] } };
  // Warm-up (not measured): each arm's code paths compiled, its pool filled.
  for (const arm of Object.values(arms)) {
    const made = [];
    await load(arm.orders.warm.length, CONCURRENCY, async (i) => (made[i] = await session(arm.origin, arm.orders.warm[i])));
    await load(4 * made.length, CONCURRENCY, (i) => result(arm.origin, made[i % made.length].order_no, 'pending'));
  }
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? [arms.ours, arms.baseline] : [arms.baseline, arms.ours];
    const made = new Map();
    const row = new Map();
    for (const arm of order) {
      const list = [];
      const s = await measured(arm.pid, SESSIONS, async (i) => (list[i] = await session(arm.origin, arm.orders.reps[rep][i])));
      made.set(arm, list);
      row.set(arm, { sessions: s });
    }
    for (const arm of order) {
      const list = made.get(arm);
      row.get(arm).results = await measured(arm.pid, RESULTS, (i) => result(arm.origin, list[i % list.length].order_no, 'pending'));
      arm.reps.push({ first: order[0] === arm, ...row.get(arm) });
    }
  }
  const out = {};
  for (const route of ['sessions', 'results']) {
    const summary = (arm) => ({
      perSecond: median(arm.reps.map((r) => r[route].perSecond)),
      p50: median(arm.reps.map((r) => r[route].p50)),
      p99: median(arm.reps.map((r) => r[route].p99)),
      cpuMsPerRequest: median(arm.reps.map((r) => r[route].cpuMsPerRequest)),
      databaseCpuMsPerRequest: median(arm.reps.map((r) => r[route].databaseCpuMsPerRequest)),
      perSecondEachRep: arm.reps.map((r) => Math.round(r[route].perSecond)),
    });
    const o = summary(arms.ours);
    const b = summary(arms.baseline);
    // Each repetition's own ratio too: on a loaded machine the spread says how far one figure can be trusted.
    const each = arms.ours.reps.map((r, i) => r[route].perSecond / arms.baseline.reps[i][route].perSecond);
    out[route] = { ours: o, baseline: b, ratio: o.perSecond / b.perSecond, ratioEachRep: each };
  }
  return out;
}

function spawnBaseline(config) {
  return spawnReady('scripts/bench-baseline.mjs', { KPG_BASELINE: configFile('baseline', config) });
}

async function run(name, database, baselineDatabase) {
  const shinhan = await startShinhanSandbox({ port: 0 });
  const smartro = await startSmartroSandbox({ port: 0, retryAttempts: 0 });
  const receiver = await startReceiver();
  const scratch = mkdtempSync(join(tmpdir(), 'kpg-bench-events-'));
  const setOf = (prefix) => ({ warm: newOrders(`${prefix}W`, Math.min(SESSIONS, 50)), reps: Array.from({ length: REPS }, (_, r) => newOrders(`${prefix}R${r}`, SESSIONS)) });
  const oursOrders = setOf('K');
  const baseOrders = setOf('H');
  const orders = newOrders('B', SESSIONS);
  const all = (set) => [...set.warm, ...set.reps.flat()];
  const children = [];
  try {
    const { origin, child } = await spawnServer({
      database,
      orders: [...orders, ...all(oursOrders)],
      events: { file: join(scratch, 'events.txt') },
      webhooks: [{ url: receiver.url, secret: 'whsec_YmVuY2gtd2ViaG9vay1zZWNyZXQtMzItYnl0ZXMhIQ==' }],
      delivery: { background: false },
      shinhan: { apiBase: `${shinhan.origin}/`, clientId: 'kpgdemo01', paymentApiKey: 'sandbox-payment-key-0001', searchApiKey: 'sandbox-search-key-0001' },
      smartro: { mid: 'kpgtest01m', merchantKey: 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx', pcAction: `${smartro.origin}/interfaceURL.jsp`, mobileAction: `${smartro.origin}/pay/interfaceURL`, apiBase: `${smartro.origin}/` },
    });
    children.push(child);
    const base = await spawnBaseline({ database: baselineDatabase, orders: all(baseOrders) });
    children.push(base.child);
    const comparison = await compare({ origin, pid: child.pid, orders: oursOrders }, { origin: base.origin, pid: base.child.pid, orders: baseOrders });

    // Issue 21's phases on the server alone: a genuine approval for each attempt from the sandbox (not
    // measured), the returns recording them, the results reading them paid, the events telling the shop.
    const sessions = [];
    await load(SESSIONS, CONCURRENCY, async (i) => (sessions[i] = await session(origin, orders[i])));
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
    const q = await load(RESULTS, CONCURRENCY, (i) => result(origin, sessions[i % SESSIONS].order_no, 'paid'));
    // Every payment.paid so far, to both targets, in one relay pass.
    const t = performance.now();
    const delivered = await (await fetch(`${origin}/__admin/deliver`, { method: 'POST' })).json();
    const seconds = (performance.now() - t) / 1000;
    if (delivered.delivered !== 2 * SESSIONS || receiver.state.posts !== SESSIONS) throw new Error(`events: ${JSON.stringify(delivered)}, ${receiver.state.posts} webhooks`);
    const e = { requests: SESSIONS, deliveries: delivered.delivered, seconds, perSecond: SESSIONS / seconds };
    return { engine: name, comparison, returns: r, paidResults: q, events: e };
  } finally {
    for (const child of children) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
    await Promise.all([shinhan.close(), smartro.close(), receiver.close()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv.includes('--limiter')) {
  await limiterBench();
  process.exit(0);
}

const runs = [];
if (ENGINES.includes('pglite')) {
  const dir = mkdtempSync(join(tmpdir(), 'kpg-bench-'));
  try {
    runs.push(await run('PGlite (file)', { dataDir: join(dir, 'pglite') }, { dataDir: join(dir, 'pglite-baseline') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (ENGINES.includes('postgres')) {
  const pg = startPostgres();
  if ('skip' in pg) console.log(`bench:server: ${pg.skip}`);
  else {
    try {
      // The baseline in a database of its own on the same server (the same tables, the same migrations).
      const { default: pgClient } = await import('pg');
      const admin = new pgClient.Client({ connectionString: pg.url });
      await admin.connect();
      await admin.query('CREATE DATABASE kpg_baseline');
      await admin.end();
      DATABASE_PORT = new URL(pg.url).port;
      runs.push(await run('PostgreSQL', { url: pg.url }, { url: pg.url.replace(/\/postgres$/, '/kpg_baseline') }));
    } finally {
      pg.stop();
    }
  }
}

const print = (rows) => {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
};
const f = (v, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));
const cpuOf = (m) => (m.databaseCpuMsPerRequest === undefined ? f(m.cpuMsPerRequest, 2) : `${f(m.cpuMsPerRequest, 2)}+${f(m.databaseCpuMsPerRequest, 2)}`);
const cpu = (ours, base) => `${cpuOf(ours)} / ${cpuOf(base)}`;
console.log(`\nsessions and results against the baseline (scripts/bench-baseline.mjs): medians of ${REPS} interleaved repetitions`);
const compared = [['engine', 'route', 'req/s ours', 'req/s baseline', 'ratio', 'each rep', 'p50 ms ours / base', 'p99 ms ours / base', 'CPU ms/req ours / base']];
for (const r of runs) {
  for (const route of ['sessions', 'results']) {
    const c = r.comparison[route];
    compared.push([r.engine, route, c.ours.perSecond.toFixed(0), c.baseline.perSecond.toFixed(0), `${c.ratio.toFixed(2)}x`, `${Math.min(...c.ratioEachRep).toFixed(2)}-${Math.max(...c.ratioEachRep).toFixed(2)}`, `${f(c.ours.p50)} / ${f(c.baseline.p50)}`, `${f(c.ours.p99)} / ${f(c.baseline.p99)}`, cpu(c.ours, c.baseline)]);
  }
}
print(compared);
console.log(`(${SESSIONS} sessions and ${RESULTS} results per arm per repetition, concurrency ${CONCURRENCY}, loopback; each server in its own\n process; CPU ms per request: the server process's own, +PostgreSQL's processes' on PostgreSQL; ratio: ours / baseline
 req/s (medians), issue 26's target 0.80x or more; each rep: the lowest and highest ratio of one repetition's pair)`);

console.log('\nthe server alone (issue 21): Smartro returns, results of paid attempts, events');
const rows = [['engine', 'phase', 'requests', 'req/s', 'p50 ms', 'p99 ms']];
for (const r of runs) {
  for (const [phase, m] of [['returns', r.returns], ['results (paid)', r.paidResults]]) {
    rows.push([r.engine, phase, String(m.requests), m.perSecond.toFixed(0), m.p50.toFixed(1), m.p99.toFixed(1)]);
  }
  rows.push([r.engine, 'events (onEvent + webhook)', String(r.events.requests), r.events.perSecond.toFixed(0), '-', '-']);
}
print(rows);
console.log(`(loopback, concurrency ${CONCURRENCY}; the server in its own process, the sandboxes and the load in this one;\n events: payment.paid events delivered per second, each to onEvent and a webhook, in one relay pass)`);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ concurrency: CONCURRENCY, sessions: SESSIONS, results: RESULTS, repetitions: REPS, runs }, null, 2));

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
