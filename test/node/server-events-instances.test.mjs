// @ts-check
/**
 * Issue 21 across server PROCESSES (test/node/fixtures/kpg-instance.mjs), where only the database is shared:
 *
 * - SIGKILL after a payment is recorded and while its event is in the (hanging) handler, and while another
 *   payment's confirm is in flight: after a restart the first event is delivered once (the dead instance's
 *   lease passes), the uncommitted payment has no event, and once reconcile() records it, its event is
 *   delivered once. On PGlite (a data directory) and PostgreSQL.
 * - Two instances on one PostgreSQL, 300 events across 100 orders written by a third process: every event
 *   delivered, none in two handlers at the same moment, each order's events in order. (PostgreSQL only: one
 *   PGlite serves one process.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openStore } from '../../dist/server/index.js';
import { ENGINES, PG_SKIP, postForm, sandboxes, shinhanDecide, spawnInstance, uid, until, TEST_CI } from './server-helpers.mjs';

const postgres = /** @type {import('./server-helpers.mjs').Engine} */ (ENGINES.find((e) => e.name === 'postgres'));

/** The handler's journal: `start|end <event id> <pid> <order id> <type>`, in the order the writes happened. @param {string} file */
const journal = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [what, id, pid, orderId, type] = line.split(' ');
      return { what, id, pid: Number(pid), orderId, type };
    });

/** @param {string} origin @param {unknown} body */
const postJson = async (origin, body) => {
  const res = await fetch(`${origin}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
};

for (const engine of ENGINES) {
  describe(`events survive a SIGKILL [${engine.name}]`, { skip: engine.skip }, () => {
    test('killed with one event in its handler and one payment\'s confirm in flight: after a restart the event is delivered once, the uncommitted payment has no event, and its event once reconcile() records it', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'kpg-events-kill-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'journal.txt');
      writeFileSync(file, '');
      /** @type {import('../../dist/server/index.js').DatabaseOptions} */
      let database;
      if (engine.name === 'pglite') database = { dataDir: join(dir, 'db') };
      else {
        const db = await engine.create();
        t.after(() => db.drop());
        database = db.database;
      }
      const pgs = await sandboxes(t);
      const shipped = { order_id: uid('S-'), amount: 11000, product_name: '테스트 상품', buyer: { id: 'buyer01', name: '홍길동', ci: TEST_CI } };
      const inFlight = { order_id: uid('F-'), amount: 22000, product_name: '무선 이어폰', buyer: { id: 'buyer02', name: '김민지', ci: TEST_CI } };
      const config = { database, ...pgs.options, orders: [shipped, inFlight], pgTimeoutMs: 60_000, delivery: { timeoutMs: 2000, leaseMs: 3000, pollEveryMs: 100 } };
      const first = await spawnInstance(t, { ...config, events: { file, hang: true } });

      // A payment recorded; its event reaches the handler, which never returns.
      const a = await postJson(first.origin, { provider: 'shinhan', order_id: shipped.order_id, device_type: 2 });
      const pageA = await shinhanDecide(a.json.redirect_url, 'approve');
      assert.equal((await postForm(/** @type {string} */ (pageA.action), pageA.fields)).status, 200);
      await until(() => journal(file).some((l) => l.what === 'start' && l.orderId === shipped.order_id), 10_000, 'the handler to start');
      // Another payment taken at the PG, its confirm never answering: not recorded (processing).
      const b = await postJson(first.origin, { provider: 'shinhan', order_id: inFlight.order_id, device_type: 2 });
      await pgs.fault('shinhan', { api: 'confirm', delay_ms: null });
      const pageB = await shinhanDecide(b.json.redirect_url, 'approve');
      const lost = postForm(`${first.origin}/api/kpg/shinhan/return`, pageB.fields).catch(() => 'connection lost');
      await until(async () => {
        const pg = await (await fetch(`${pgs.shinhan.origin}/__sandbox/payments`)).json();
        return pg.payments.find((/** @type {any} */ p) => p.orderNo === b.json.order_no)?.status === 'confirmed';
      }, 10_000, 'the PG to confirm');
      first.child.kill('SIGKILL');
      assert.equal(await lost, 'connection lost');
      await first.exited;
      assert.deepEqual(journal(file).map((l) => [l.what, l.pid]), [['start', first.child.pid]], 'the handler started, and never finished');

      const second = await spawnInstance(t, { ...config, events: { file } });
      /** @param {string} orderId @returns {Promise<any[]>} */
      const eventsOf = async (orderId) => (await fetch(`${second.origin}/__admin/events?order_id=${orderId}`)).json();
      assert.deepEqual(await eventsOf(inFlight.order_id), [], 'no event for a payment that was never committed');
      // The dead instance's lease passes; the new one delivers it.
      await until(() => journal(file).some((l) => l.what === 'end'), 15_000, 'the event delivered after the restart');
      const [event] = await eventsOf(shipped.order_id);
      assert.equal(event.type, 'payment.paid');
      assert.deepEqual([event.deliveries[0].status, event.deliveries[0].attempts], ['delivered', 2], 'the killed attempt counted, then delivered');

      // reconcile() records the in-flight payment from confirm-info: now it has its event, delivered once.
      const report = await (await fetch(`${second.origin}/__admin/reconcile`, { method: 'POST' })).json();
      assert.deepEqual(report.settled.map((/** @type {any} */ s) => [s.order_id, s.to]), [[inFlight.order_id, 'paid']]);
      await until(() => journal(file).filter((l) => l.what === 'end').length === 2, 10_000, 'the reconciled payment\'s event delivered');
      const [reconciled] = await eventsOf(inFlight.order_id);
      assert.deepEqual([reconciled.type, reconciled.data.status, reconciled.data.amount], ['payment.paid', 'paid', 22000]);
      assert.deepEqual(await (await fetch(`${second.origin}/__admin/deliver`, { method: 'POST' })).json(), { delivered: 0, failed: 0, dead: 0 }, 'nothing left');
      const ends = journal(file).filter((l) => l.what === 'end');
      assert.deepEqual(ends.map((l) => [l.id, l.pid]), [[event.id, second.child.pid], [reconciled.id, second.child.pid]], 'each event finished once');
    });
  });
}

describe('two server instances (processes) deliver one outbox on one PostgreSQL', { skip: PG_SKIP }, () => {
  test('300 events across 100 orders, written by a third process while both deliver: every event delivered, none in two handlers at once, each order\'s events in order', async (t) => {
    const db = await postgres.create();
    t.after(() => db.drop());
    const dir = mkdtempSync(join(tmpdir(), 'kpg-events-two-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'journal.txt');
    writeFileSync(file, '');
    const pgs = await sandboxes(t);
    const config = { database: db.database, ...pgs.options, orders: [], delivery: { pollEveryMs: 30 }, events: { file, delayMs: 4 } };
    const a = await spawnInstance(t, config);
    const b = await spawnInstance(t, { ...config, publicBaseUrl: a.origin });
    // The writer: a process with no handler of its own (like `kpg-checkout-server reconcile` from cron).
    const store = await openStore(db.database);
    t.after(() => store.close());
    const now = () => new Date().toISOString();
    const told = (/** @type {string} */ type) => (/** @type {any} */ row) => [{ type, order_id: row.order_id, order_no: row.order_no, provider: row.provider, data: { status: row.status, order_id: row.order_id } }];
    const orders = Array.from({ length: 100 }, () => uid('E-'));
    const attempt = (/** @type {string} */ orderId) => ({
      order_no: uid('N'), order_id: orderId, provider: /** @type {const} */ ('shinhan'), merchant_id: 'kpgdemo01', amount: 11000, product_name: '상품',
      user_id: 'buyer01', device_type: /** @type {1 | 2} */ (2), pgcode: 'card', pay_method: null, return_to: null, app_scheme: null, nonce: randomBytes(8).toString('hex'),
    });
    const account = () => ({ claimed_tid: `V${uid()}`, pay_method: 'VBANK', bank_name: '신한은행', vbank_holder: '(주)케이피지데모', vbank_due_date: '2026-12-31' });
    // Each order: a failed attempt, then a virtual account issued and deposited: payment.failed, vbank.issued,
    // payment.paid, written step by step across all orders at once, so the instances deliver while it runs.
    await Promise.all(orders.map(async (orderId) => {
      const failed = /** @type {any} */ (await store.insertAttempt(attempt(orderId), now()));
      await store.transition(failed.order_no, 'fail', { code: 'pg-failed' }, now(), told('payment.failed'));
      const paid = /** @type {any} */ (await store.insertAttempt(attempt(orderId), now()));
      await store.transition(paid.order_no, 'claim', {}, now());
      await store.transition(paid.order_no, 'issue', account(), now(), told('vbank.issued'));
      const r = await store.pay(paid.order_no, { tid: `T${uid()}` }, now(), 'deposit', told('payment.paid'));
      assert.ok(r.ok);
    }));
    await until(() => journal(file).filter((l) => l.what === 'end').length >= 300, 60_000, 'all 300 events delivered');
    const lines = journal(file);
    const starts = lines.filter((l) => l.what === 'start');
    assert.equal(starts.length, 300, 'each event handed to a handler once');
    assert.equal(new Set(starts.map((l) => l.id)).size, 300);
    const byPid = new Map();
    for (const l of starts) byPid.set(l.pid, (byPid.get(l.pid) ?? 0) + 1);
    assert.deepEqual([...byPid.keys()].sort(), [a.child.pid, b.child.pid].sort(), `both instances delivered (${JSON.stringify([...byPid])})`);
    for (const orderId of orders) {
      // In the journal, an order's events run start, end, start, end, ...: never two at once, and in the
      // order they were written.
      const mine = lines.filter((l) => l.orderId === orderId);
      assert.deepEqual(mine.map((l) => l.what), ['start', 'end', 'start', 'end', 'start', 'end'], orderId);
      assert.deepEqual(mine.filter((l) => l.what === 'start').map((l) => l.type), ['payment.failed', 'vbank.issued', 'payment.paid'], orderId);
      for (let i = 0; i < 6; i += 2) assert.equal(mine[i].id, mine[i + 1].id);
    }
    // A handler's journal line is written before its instance records the delivery: the last few may still be
    // committing when the 300th line is read (seen on a loaded machine). Nothing may stay pending.
    await until(async () => (await store.events({ status: 'pending' })).length === 0, 30_000, 'every delivery recorded').catch(() => undefined);
    const pending = await store.events({ status: 'pending' });
    assert.deepEqual(pending, [], 'nothing left pending');
    const delivered = await store.events({ status: 'delivered', limit: 1000 });
    assert.equal(delivered.length, 300);
    assert.ok(delivered.every((e) => e.deliveries.length === 1 && e.deliveries[0].attempts === 1), 'each delivered on its first attempt');
  });
});
