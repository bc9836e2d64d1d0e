#!/usr/bin/env node
// The staff console's search (GET {base}/staff/orders, issue 23) on 100,000 attempts, on PGlite and on
// PostgreSQL: how long one search takes through the real route (kpg.fetch: the guard, the query's schema,
// the count and the page), for each kind of search the console makes. Run after the server build
// (`npm run build:server`): `npm run bench:search` (options: --rows N, --runs N, --engine pglite|postgres).
//
// The attempts are written with one INSERT ... SELECT generate_series: 2/3 Shinhan, 1/3 Smartro; 60% paid
// (with their kpg_transactions row), then failed, cancelled, pending; over 90 days; 2,000 buyers' names and
// phone numbers (so a name's beginning matches 1 row in 100 and a phone's last 4 digits about ten).
// Each search runs --runs times (default 7) after one warm-up; the median and the slowest are printed.
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROWS = Number(opt('rows', 100_000));
const RUNS = Number(opt('runs', 7));
const ONLY = opt('engine', undefined);

const { createKpgServer } = await import('../dist/server/index.js');
const { openPglite } = await import('../dist/server/store/pglite.js');
const { openPostgres } = await import('../dist/server/store/postgres.js');
const { createSqlStore } = await import('../dist/server/store/sql-store.js');

// A fixed "now" for the data (the search's date filters are Korea days of that span), never the wall clock.
const END = Date.parse('2026-11-30T15:00:00.000Z');
const DAY = 86_400_000;

const FILL = `
INSERT INTO kpg_attempts (order_no, order_id, provider, merchant_id, status, amount, product_name, user_id, device_type,
  pay_method, nonce, created_at, updated_at, finished_at, tid, buyer_name, buyer_phone, code, reason)
SELECT
  'B' || lpad(i::text, 8, '0') || '-01',
  'B' || lpad(i::text, 8, '0'),
  CASE WHEN i % 3 = 0 THEN 'smartro' ELSE 'shinhan' END,
  CASE WHEN i % 3 = 0 THEN 'kpgtest01m' ELSE 'kpgdemo01' END,
  st,
  1000 + (i * 7919) % 300000,
  '상품', 'buyer' || (i % 2000), 2,
  CASE WHEN i % 3 = 0 THEN 'CARD' END,
  md5(i::text),
  at, at, CASE WHEN st <> 'pending' THEN at + interval '1 minute' END,
  CASE WHEN st = 'paid' THEN (CASE WHEN i % 3 = 0 THEN 'kpgtest01m' || lpad(i::text, 20, '0') ELSE 'T' || lpad(i::text, 19, '0') END) END,
  (ARRAY['김','이','박','최','정','강','조','윤','장','임'])[1 + i % 10] || (ARRAY['민준','서연','도윤','하은','지호','수아','예준','지우','시우','서윤'])[1 + (i / 10) % 10] || CASE WHEN (i / 100) % 20 = 0 THEN '' ELSE chr(44032 + (i / 100) % 20) END,
  '010' || lpad(((i % 2000) * 49999 % 100000000)::text, 8, '0'),
  CASE WHEN st = 'failed' THEN 'pg-refused' END,
  CASE WHEN st = 'cancelled' THEN 'popup-closed' END
FROM (
  SELECT i,
    CASE WHEN i % 10 < 6 THEN 'paid' WHEN i % 10 < 8 THEN 'failed' WHEN i % 10 < 10 - (CASE WHEN i % 50 = 9 THEN 1 ELSE 0 END) THEN 'cancelled' ELSE 'pending' END AS st,
    to_timestamp(($2::bigint - ((i::bigint * 7777777) % ($3::bigint))) / 1000.0) AS at
  FROM generate_series($1::int + 1, $1::int + $4::int) AS i
) s`;

const PAYMENTS = `
INSERT INTO kpg_transactions (provider, tid, merchant_id, order_no, order_id, amount, disposition, recorded_at)
SELECT provider, tid, merchant_id, order_no, order_id, amount, 'paid', finished_at FROM kpg_attempts
WHERE status = 'paid' AND order_no LIKE 'B%' ON CONFLICT DO NOTHING`;

async function fill(sql) {
  const { rows } = await sql.query(`SELECT count(*)::int AS n FROM kpg_attempts WHERE order_no LIKE 'B%'`);
  if (rows[0].n >= ROWS) return;
  // In batches, so that PGlite's one process never holds one huge statement.
  const batch = 20_000;
  for (let done = rows[0].n; done < ROWS; done += batch) {
    await sql.query(FILL, [done, END, 90 * DAY, Math.min(batch, ROWS - done)]);
  }
  await sql.query(PAYMENTS);
  await sql.query('ANALYZE kpg_attempts');
  await sql.query('ANALYZE kpg_transactions');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bench(engine, sql) {
  const store = createSqlStore(sql);
  await store.migrate();
  const t0 = performance.now();
  await fill(sql);
  const filled = performance.now() - t0;
  const kpg = createKpgServer({
    publicBaseUrl: 'http://shop.localhost',
    database: store,
    shinhan: { clientId: 'kpgdemo01', paymentApiKey: 'bench-payment-key', searchApiKey: 'bench-search-key', apiBase: 'http://127.0.0.1:9/' },
    loadOrder: () => undefined,
    authorize: () => false,
    authorizeStaff: () => ({ id: 'bench' }),
    reconcileOnStart: false,
    delivery: { background: false },
    log: false,
  });
  await kpg.ready;
  const phone = '010' + String((123 * 49999) % 100000000).padStart(8, '0');
  const searches = [
    ['newest 50 of all (and the count of all)', ''],
    ['an order id', 'q=B00054321'],
    ['an order_no', 'q=B00054321-01'],
    ['a TID', `q=T${String(54322).padStart(19, '0')}`],
    ['a whole phone number', `q=${phone}`],
    ['the last 4 digits of a phone', `q=${phone.slice(-4)}`],
    ['a name\'s beginning (1 in 100 match)', `q=${encodeURIComponent('김민')}`],
    ['one Korea week, paid', 'from=2026-11-01&to=2026-11-07&status=paid'],
    ['by amount, largest first', 'sort=amount&dir=desc'],
    ['page 200 of 50', 'page=200'],
  ];
  const results = [];
  for (const [what, query] of searches) {
    const ask = async () => {
      const started = performance.now();
      const res = await kpg.fetch(new Request(`http://shop.localhost/api/kpg/staff/orders?${query}`, { headers: { 'X-KPG-Staff': '1' } }));
      const body = await res.json();
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(body)}`);
      return { ms, total: body.total };
    };
    await ask();
    const times = [];
    let total = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await ask();
      times.push(r.ms);
      total = r.total;
    }
    results.push({ what, total, median: median(times), max: Math.max(...times) });
  }
  await kpg.close();
  const { rows } = await sql.query('SELECT count(*)::int AS n FROM kpg_attempts');
  console.log(`\n${engine}: ${rows[0].n.toLocaleString('en')} attempts (written in ${(filled / 1000).toFixed(1)} s), ${RUNS} runs each`);
  console.log('  search'.padEnd(46) + 'matches'.padStart(9) + 'median ms'.padStart(11) + 'max ms'.padStart(9));
  for (const r of results) console.log(`  ${r.what.padEnd(44)}${String(r.total).padStart(9)}${r.median.toFixed(1).padStart(11)}${r.max.toFixed(1).padStart(9)}`);
  const worst = results.reduce((a, b) => (b.max > a.max ? b : a));
  console.log(`  slowest: ${worst.max.toFixed(0)} ms (${worst.what}); every search ${worst.max < 1000 ? 'within' : 'NOT within'} a second`);
  return worst.max;
}

let worst = 0;
if (!ONLY || ONLY === 'pglite') {
  const sql = await openPglite(undefined);
  worst = Math.max(worst, await bench('PGlite (in memory)', sql));
  await sql.close();
}
if (!ONLY || ONLY === 'postgres') {
  const { startPostgres } = await import('./postgres.mjs');
  const pg = process.env.KPG_TEST_DATABASE_URL ? { url: process.env.KPG_TEST_DATABASE_URL, stop() {} } : startPostgres();
  if ('skip' in pg) console.log(`\nPostgreSQL: skipped (${pg.skip})`);
  else {
    try {
      const sql = await openPostgres({ connectionString: pg.url });
      worst = Math.max(worst, await bench('PostgreSQL', sql));
      await sql.close();
    } finally {
      pg.stop();
    }
  }
}
process.exitCode = worst < 1000 ? 0 : 1;
