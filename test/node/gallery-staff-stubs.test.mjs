// @ts-check
// The gallery's stand-in staff API (demo/gallery-staff-stubs.mjs) says what docs/staff-api.md says: every
// answer parses with the server's schema of it (dist/server/staff-schemas.js) and the console's
// (dist/esm/kpg-admin/api.js), and it refuses what the server refuses (no staff header, a POST that is not
// JSON). The screenshots of the console are only worth what these answers are. Run after the build.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { galleryStubs } from '../../demo/gallery-stubs.mjs';

const server = await import('../../dist/server/staff-schemas.js');
const consoleSide = await import('../../dist/esm/kpg-admin/api.js');

/** @type {import('node:http').Server} */
let http;
let origin = '';

before(async () => {
  const stubs = galleryStubs();
  http = createServer((req, res) => stubs(req, res, () => res.writeHead(404).end()));
  await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = http.address();
  assert.ok(address && typeof address === 'object');
  origin = `http://127.0.0.1:${address.port}`;
});

after(() => new Promise((resolve) => http.close(() => resolve(undefined))));

/** @param {string} path @param {unknown} [body] @param {Record<string, string>} [headers] */
async function ask(path, body, headers = { 'x-kpg-staff': '1' }) {
  const response = await fetch(`${origin}/gallery/staff${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

/** Both sides' schemas accept `json`. @param {any} serverSchema @param {any} consoleSchema @param {unknown} json @param {string} what */
function parsesOnBothSides(serverSchema, consoleSchema, json, what) {
  const s = serverSchema.safeParse(json);
  assert.ok(s.success, `${what}: the server's schema says ${JSON.stringify(s.error?.issues?.slice(0, 2))}`);
  const c = consoleSchema.safeParse(json);
  assert.ok(c.success, `${what}: the console's schema says ${JSON.stringify(c.error?.issues?.slice(0, 2))}`);
}

test('every GET answer of the ok and empty scenarios parses with both schemas', async () => {
  for (const scenario of ['ok', 'empty']) {
    const me = await ask(`/${scenario}/me`);
    parsesOnBothSides(server.MeSchema, consoleSide.MeSchema, me.json, 'me');
    for (const query of ['', '?sort=amount&dir=asc', '?page=2&limit=20', '?q=G-1001', '?q=5678', '?q=%ED%99%8D', '?status=paid&provider=smartro', '?from=2026-11-22']) {
      const r = await ask(`/${scenario}/orders${query}`);
      assert.equal(r.status, 200);
      parsesOnBothSides(server.OrdersAnswerSchema, consoleSide.OrdersSchema, r.json, `orders${query}`);
      for (const row of r.json.items) {
        assert.match(row.buyer_phone, /^\d{3}-\*{4}-\d{4}$/, 'a phone not masked in a list');
        assert.match(row.buyer_name, /\*/, 'a name not masked in a list');
      }
    }
    for (const [query, resolved] of [['?resolved=0', false], ['?resolved=1', true]]) {
      const r = await ask(`/${scenario}/refunds-due${query}`);
      parsesOnBothSides(server.RefundsDueAnswerSchema, consoleSide.RefundsDueSchema, r.json, `refunds-due${query}`);
      if (scenario === 'ok') assert.equal(r.json.items.some((/** @type {any} */ d) => d.resolved_at), resolved);
    }
    for (const status of ['dead', 'failing']) {
      const r = await ask(`/${scenario}/deliveries?status=${status}`);
      parsesOnBothSides(server.DeliveriesAnswerSchema, consoleSide.DeliveriesSchema, r.json, `deliveries ${status}`);
    }
  }
  const all = await ask('/ok/orders?limit=100');
  assert.equal(all.json.total, 23);
  for (const row of all.json.items) {
    const story = await ask(`/ok/orders/${row.order_id}`);
    parsesOnBothSides(server.StorySchema, consoleSide.StorySchema, story.json, `story of ${row.order_id}`);
    if (story.json.payment) {
      const receipt = await ask(`/ok/receipt?order_id=${row.order_id}`);
      parsesOnBothSides(server.ReceiptAnswerSchema, consoleSide.ReceiptSchema, receipt.json, `receipt of ${row.order_id}`);
    }
  }
  assert.equal((await ask('/ok/orders/G-9999')).status, 404);
});

test('every POST answer parses with both schemas; a cancel over the balance is refused (409) with its answer', async () => {
  const cancel = await ask('/ok/cancel', { order_id: 'G-1001', amount: 3000, reason: 'test', idempotency_key: 'k1' });
  assert.equal(cancel.status, 200);
  parsesOnBothSides(server.CancelAnswerSchema, consoleSide.CancelAnswerSchema, cancel.json, 'cancel');
  assert.deepEqual([cancel.json.cancelled_amount, cancel.json.balance], [3000, 49000]);
  const over = await ask('/ok/cancel', { order_id: 'G-1001', amount: 60000, reason: 'test', idempotency_key: 'k2' });
  assert.equal(over.status, 409);
  parsesOnBothSides(server.CancelAnswerSchema, consoleSide.CancelAnswerSchema, over.json, 'refused cancel');
  assert.equal((await ask('/ok/cancel', { order_id: 'G-1001', reason: 'test' })).status, 400, 'a cancel without a key');
  const due = await ask('/ok/cancel-due', { tid: 'tpay_test202611211052000009', reason: 'dup', idempotency_key: 'k3' });
  parsesOnBothSides(server.CancelAnswerSchema, consoleSide.CancelAnswerSchema, due.json, 'cancel-due');
  const confirm = await ask('/ok/cancels/confirm', { cancel_id: 7, done: true, amount: 9000 });
  parsesOnBothSides(server.CancelAnswerSchema, consoleSide.CancelAnswerSchema, confirm.json, 'confirm');
  const resolved = await ask('/ok/refunds-due/resolve', { provider: 'shinhan', tid: 'tpay_test202611211052000009', note: 'done' });
  parsesOnBothSides(server.ResolveAnswerSchema, consoleSide.ResolvedSchema, resolved.json, 'resolve');
  const retry = await ask('/ok/deliveries/retry', { dead: true });
  parsesOnBothSides(server.RetryAnswerSchema, consoleSide.RequeuedSchema, retry.json, 'retry');
  for (const scenario of ['ok', 'empty']) {
    const report = await ask(`/${scenario}/reconcile`, {});
    parsesOnBothSides(server.ReconcileAnswerSchema, consoleSide.ReportSchema, report.json, `reconcile ${scenario}`);
  }
});

test('refused as the server refuses: no staff header 403, a POST that is not JSON 415, forbidden 403, down 503', async () => {
  assert.equal((await ask('/ok/me', undefined, {})).status, 403);
  const form = await fetch(`${origin}/gallery/staff/ok/cancel`, { method: 'POST', headers: { 'x-kpg-staff': '1', 'content-type': 'application/x-www-form-urlencoded' }, body: 'order_id=G-1001' });
  assert.equal(form.status, 415);
  assert.equal((await ask('/forbidden/me')).status, 403);
  assert.equal((await ask('/down/orders')).status, 503);
});
