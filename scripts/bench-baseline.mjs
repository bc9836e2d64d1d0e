// The baseline `npm run bench:server` compares kpg-checkout/server against (issue 26): a bare Hono app on
// @hono/node-server with the project's own migrations and database drivers (dist/server/store), doing the
// least a session and a result could do, in its own process like the server.
//
//   POST /api/kpg/session  the order from memory (as the bench's loadOrder does), ONE statement: the attempt
//                          row inserted (ON CONFLICT DO NOTHING on the one-attempt-per-order index), its order_no
//                          and a few of its fields answered as JSON. No validation, no buyer check, no
//                          limits, no signed PG form, no log line, no redaction.
//   GET  /api/kpg/result   ONE statement: the attempt by its order_no, a few of its fields as JSON.
//
// Configured by the JSON in KPG_BASELINE (or in the file KPG_BASELINE=@<file> names): { database: { dataDir } | { url }, orders: [...] }. Prints
// `READY <origin>` once it listens; stops on SIGTERM.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openPglite } from '../dist/server/store/pglite.js';
import { openPostgres } from '../dist/server/store/postgres.js';
import { createSqlStore } from '../dist/server/store/sql-store.js';

if (!process.env.KPG_BASELINE) {
  console.error('scripts/bench-baseline.mjs is started by scripts/bench-server.mjs (KPG_BASELINE is not set)');
  process.exit(1);
}
const config = JSON.parse(process.env.KPG_BASELINE.startsWith('@') ? readFileSync(process.env.KPG_BASELINE.slice(1), 'utf8') : process.env.KPG_BASELINE);
const orders = new Map(config.orders.map((o) => [o.order_id, o]));
const sql = 'url' in config.database ? await openPostgres({ connectionString: config.database.url }) : await openPglite(config.database.dataDir);
await createSqlStore(sql).migrate();

const INSERT = `INSERT INTO kpg_attempts (order_no, order_id, provider, merchant_id, status, amount, product_name, user_id,
    device_type, pgcode, pay_method, return_to, app_scheme, nonce, created_at, updated_at)
  VALUES ($1, $2, 'smartro', $3, 'pending', $4, $5, $6, $7, NULL, 'CARD', NULL, NULL, $8, $9, $9)
  ON CONFLICT DO NOTHING RETURNING *`;

const app = new Hono().basePath('/api/kpg');
app.post('/session', async (c) => {
  const body = await c.req.json();
  const order = orders.get(body.order_id);
  if (!order) return c.json({ code: 'unknown-order' }, 404);
  const orderNo = `${order.order_id.replace(/[^A-Za-z0-9]/g, '')}${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
  const { rows } = await sql.query(INSERT, [orderNo, order.order_id, 'kpgtest01m', order.amount, order.product_name, order.buyer.id, body.device_type, randomBytes(24).toString('base64url'), new Date().toISOString()]);
  if (!rows.length) return c.json({ code: 'attempt-in-progress' }, 409);
  return c.json({ provider: 'smartro', order_no: rows[0].order_no, amount: Number(rows[0].amount), nonce: rows[0].nonce });
});
app.get('/result', async (c) => {
  const { rows } = await sql.query('SELECT * FROM kpg_attempts WHERE order_no = $1', [c.req.query('order_no')]);
  if (!rows.length) return c.json({ code: 'unknown-order' }, 404);
  const a = rows[0];
  return c.json({ order_no: a.order_no, order_id: a.order_id, provider: a.provider, status: a.status, amount: Number(a.amount) });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`READY http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections?.();
  server.close();
  sql.close().finally(() => process.exit(0));
});
