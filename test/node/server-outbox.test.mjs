// @ts-check
/**
 * Issue 21's outbox, held by the DATABASE, on the store directly, on PGlite and PostgreSQL: an event is
 * written in its transition's transaction (never one without the other), the event types equal the
 * migration's CHECK, and the relay's claim (FOR UPDATE SKIP LOCKED + a lease) hands one delivery to one
 * claimer at a time, each order's events in order.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { EVENT_TYPES } from '../../dist/server/index.js';
import { openPglite } from '../../dist/server/store/pglite.js';
import { openPostgres } from '../../dist/server/store/postgres.js';
import { createSqlStore } from '../../dist/server/store/sql-store.js';
import { tickingClock } from './clock.mjs';
import { ENGINES, uid, until } from './server-helpers.mjs';
import { insertEvents } from '../../dist/server/store/events-sql.js';

// One clock for the whole file: a known day that moves at the real pace (claims compare times written by the
// same clock).
const clock = tickingClock();
const iso = (/** @type {number} */ ms = clock.now()) => new Date(ms).toISOString();

for (const engine of ENGINES) {
  describe(`the outbox in the database [${engine.name}]`, { skip: engine.skip }, () => {
    /** @type {import('../../dist/server/store/sql.js').SqlClient} */
    let sql;
    /** @type {import('../../dist/server/index.js').PaymentStore} */
    let store;
    /** @type {import('../../dist/server/index.js').DatabaseOptions} */
    let database;
    /** @type {() => Promise<void>} */
    let drop;
    before(async () => {
      const db = await engine.create();
      drop = db.drop;
      database = db.database;
      sql = 'url' in database ? await openPostgres({ connectionString: database.url }) : await openPglite(undefined);
      store = createSqlStore(sql);
      await store.migrate();
      await store.registerTargets([{ target: 'handler', url: null }], iso());
    });
    after(async () => {
      await store?.close();
      await drop?.();
    });

    const attempt = (o = {}) => ({
      order_no: uid('N'),
      order_id: uid('O'),
      provider: /** @type {const} */ ('shinhan'),
      merchant_id: 'kpgdemo01',
      amount: 11000,
      product_name: '테스트 상품',
      user_id: 'buyer01',
      device_type: /** @type {1 | 2} */ (2),
      pgcode: 'card',
      pay_method: null,
      return_to: null,
      app_scheme: null,
      nonce: randomBytes(12).toString('hex'),
      ...o,
    });
    /** The events callback of a transition, as payments/events.ts builds it. @param {string} type */
    const told = (type) => (/** @type {any} */ row) => [{ type, order_id: row.order_id, order_no: row.order_no, provider: row.provider, data: { status: row.status, order_id: row.order_id } }];
    /** @param {string} orderId */
    const eventsOf = async (orderId) => (await store.events({ orderId })).reverse();

    if (engine.name === 'postgres') {
      test('two transactions writing events of one order: the second waits for the first (its order\'s lock) and draws the later number; another order\'s does not wait', async () => {
        const url = /** @type {{ url: string }} */ (database).url;
        const { default: pg } = await import('pg');
        const [a, b, c, watch] = [0, 1, 2, 3].map(() => new pg.Client({ connectionString: url }));
        await Promise.all([a, b, c, watch].map((x) => x.connect()));
        try {
          const order = uid('O');
          const event = (/** @type {string} */ orderId) => ({ type: /** @type {const} */ ('payment.paid'), order_id: orderId, order_no: uid('N'), provider: /** @type {const} */ ('shinhan'), data: /** @type {any} */ ({ status: 'paid', order_id: orderId }) });
          const pid = async (/** @type {any} */ x) => (await x.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          const bPid = await pid(b);
          await Promise.all([a, b, c].map((x) => x.query('BEGIN')));
          await insertEvents('postgres', a, [event(order)], iso());
          // Another order's events are not held up by it.
          await insertEvents('postgres', c, [event(uid('O'))], iso());
          await c.query('COMMIT');
          const second = insertEvents('postgres', b, [event(order)], iso());
          await until(async () => (await watch.query('SELECT wait_event FROM pg_stat_activity WHERE pid = $1', [bPid])).rows[0]?.wait_event === 'advisory', 10_000, 'the second writer of the order to wait on its lock');
          await a.query('COMMIT');
          await second;
          await b.query('COMMIT');
          const seqs = (await watch.query('SELECT seq FROM kpg_events WHERE order_id = $1 ORDER BY created_at, seq', [order])).rows.map((r) => Number(r.seq));
          assert.equal(seqs.length, 2);
          assert.ok(seqs[0] < seqs[1], `the first writer's event first: ${seqs}`);
        } finally {
          await Promise.all([a, b, c, watch].map((x) => x.end()));
        }
      });
    }

    test('an event and its transition are one transaction: a failure after the UPDATE (before COMMIT) records neither; a transition that does not move writes no event', async () => {
      // pay: the money, the attempt and the event, or none of them.
      const a = /** @type {any} */ (await store.insertAttempt(attempt(), iso()));
      await store.transition(a.order_no, 'claim', {}, iso());
      const tid = `T${uid()}`;
      await assert.rejects(
        store.pay(a.order_no, { tid }, iso(), 'pay', () => {
          throw new Error('the process dies between the UPDATE and the event');
        }),
        /the process dies/,
      );
      assert.equal((await store.getAttempt(a.order_no))?.status, 'processing', 'not paid without its event');
      assert.equal(await store.findByTid('shinhan', tid), undefined);
      const money = await sql.query('SELECT 1 FROM kpg_transactions WHERE tid = $1', [tid]);
      assert.equal(money.rows.length, 0, 'no money recorded');
      assert.deepEqual(await eventsOf(a.order_id), []);
      // The event insert itself failing (a type the database refuses): the payment is rolled back too.
      await assert.rejects(store.pay(a.order_no, { tid }, iso(), 'pay', told('payment.bogus')));
      assert.equal((await store.getAttempt(a.order_no))?.status, 'processing');
      const paid = await store.pay(a.order_no, { tid }, iso(), 'pay', told('payment.paid'));
      assert.ok(paid.ok && !paid.already);
      assert.deepEqual((await eventsOf(a.order_id)).map((e) => e.type), ['payment.paid']);
      // The same approval again: no second event.
      const again = await store.pay(a.order_no, { tid }, iso(), 'pay', told('payment.paid'));
      assert.ok(again.ok && again.already);
      assert.equal((await eventsOf(a.order_id)).length, 1);

      // transition: the same.
      const b = /** @type {any} */ (await store.insertAttempt(attempt(), iso()));
      await assert.rejects(store.transition(b.order_no, 'cancel', { reason: 'expired' }, iso(), () => { throw new Error('dies'); }), /dies/);
      assert.equal((await store.getAttempt(b.order_no))?.status, 'pending');
      assert.deepEqual(await eventsOf(b.order_id), []);
      let called = 0;
      assert.equal(await store.transition(b.order_no, 'decline', {}, iso(), () => (called++, [])), undefined, 'pending does not decline');
      assert.equal(called, 0, 'no row moved: no event asked for');
      await store.transition(b.order_no, 'cancel', { reason: 'expired' }, iso(), told('payment.cancelled'));
      assert.deepEqual((await eventsOf(b.order_id)).map((e) => [e.type, e.data.status]), [['payment.cancelled', 'cancelled']]);

      // recordRefundDue: the debt and its event, or neither.
      const debt = { provider: /** @type {const} */ ('shinhan'), tid: `T${uid()}`, merchant_id: 'kpgdemo01', order_no: b.order_no, order_id: b.order_id, amount: 11000, reason: 'superseded' };
      await assert.rejects(store.recordRefundDue(debt, iso(), () => { throw new Error('dies'); }));
      assert.deepEqual((await store.refundsDue()).filter((r) => r.tid === debt.tid), [], 'no debt without its event');
      assert.equal(await store.recordRefundDue(debt, iso(), told('refund.due')), true);
      assert.equal(await store.recordRefundDue(debt, iso(), told('refund.due')), false, 'recorded once');
      assert.deepEqual((await eventsOf(b.order_id)).map((e) => e.type), ['payment.cancelled', 'refund.due']);
      // Each event queued for the active target, due at once.
      const [e] = await store.events({ orderId: b.order_id, status: 'pending' });
      assert.deepEqual(e.deliveries.map((d) => [d.target, d.status, d.attempts, d.next_at]), [['handler', 'pending', 0, e.created_at]]);
    });

    test('the event types: EVENT_TYPES equals the migration\'s CHECK; ids are evt_ + 24 base-32 characters, unique', async () => {
      const { rows } = await sql.query(
        "SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = 'kpg_events' AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%type%'",
      );
      const def = /** @type {any} */ (rows[0]).def;
      const listed = [...def.matchAll(/'([a-z.]+)'::text/g)].map((m) => m[1]).sort();
      assert.deepEqual(listed, [...EVENT_TYPES].sort(), def);
      const a = /** @type {any} */ (await store.insertAttempt(attempt(), iso()));
      for (const type of EVENT_TYPES) await store.transition(a.order_no, 'report', { reported_status: 'failed', reported_code: 'x' }, iso(), told(type));
      const events = await eventsOf(a.order_id);
      assert.deepEqual(events.map((e) => e.type), [...EVENT_TYPES]);
      assert.ok(events.every((e) => /^evt_[a-z2-7]{24}$/.test(e.id)));
      assert.equal(new Set(events.map((e) => e.id)).size, EVENT_TYPES.length);
      assert.ok(events.every((e, i) => i === 0 || e.seq > events[i - 1].seq), 'in sequence');
    });

    test('the claim: due deliveries in sequence order, never a later event of an order while an earlier one is pending; a lease keeps others out until it passes; a stale owner cannot record', async () => {
      await drain();
      const orderA = uid('A');
      const orderB = uid('B');
      const a = /** @type {any} */ (await store.insertAttempt(attempt({ order_id: orderA }), iso()));
      const b = /** @type {any} */ (await store.insertAttempt(attempt({ order_id: orderB }), iso()));
      for (let i = 0; i < 3; i++) {
        await store.transition(a.order_no, 'report', { reported_status: 'failed', reported_code: `a${i}` }, iso(), told('payment.failed'));
        await store.transition(b.order_no, 'report', { reported_status: 'failed', reported_code: `b${i}` }, iso(), told('payment.failed'));
      }
      const [a1, a2, a3] = await eventsOf(orderA);
      const [b1] = await eventsOf(orderB);
      const t0 = clock.now();
      const claim = (/** @type {string} */ owner, at = t0, leaseMs = 60_000) => store.claimDeliveries({ owner, targets: ['handler'], now: iso(at), leaseUntil: iso(at + leaseMs), limit: 10 });
      const first = await claim('one');
      assert.deepEqual(first.map((c) => c.event.id), [a1.id, b1.id], 'the first of each order only');
      assert.deepEqual(first.map((c) => c.attempts), [1, 1]);
      assert.deepEqual(await claim('two'), [], 'leased, and the rest wait behind them');
      assert.equal(await store.finishDelivery({ eventId: a1.id, target: 'handler', owner: 'two', now: iso(), outcome: { status: 'delivered' } }), false, 'not two\'s to record');
      assert.equal(await store.finishDelivery({ eventId: a1.id, target: 'handler', owner: 'one', now: iso(), outcome: { status: 'delivered' } }), true);
      assert.deepEqual((await claim('two')).map((c) => c.event.id), [a2.id], 'a2 once a1 is delivered; b2 waits behind leased b1');
      // b1's claimer died: its lease passes, and another takes it (its attempt counted).
      const later = await claim('three', t0 + 61_000);
      assert.deepEqual(later.map((c) => [c.event.id, c.attempts]), [[b1.id, 2], [a2.id, 2]]);
      assert.equal(await store.finishDelivery({ eventId: b1.id, target: 'handler', owner: 'one', now: iso(), outcome: { status: 'delivered' } }), false, 'the dead claimer\'s late word is not recorded');
      // A failure: not due until next_at; a dead delivery no longer holds its order's later events back.
      assert.equal(await store.finishDelivery({ eventId: b1.id, target: 'handler', owner: 'three', now: iso(), outcome: { status: 'pending', next_at: iso(t0 + 120_000), error: 'down' } }), true);
      assert.equal(await store.finishDelivery({ eventId: a2.id, target: 'handler', owner: 'three', now: iso(), outcome: { status: 'dead', error: 'down for 3 days' } }), true);
      assert.deepEqual((await claim('four', t0 + 62_000)).map((c) => c.event.id), [a3.id], 'b1 not due yet (b2 behind it); a3 after dead a2');
      assert.deepEqual((await claim('four', t0 + 121_000)).map((c) => c.event.id), [b1.id]);
      const [dead] = await store.events({ status: 'dead' });
      assert.deepEqual([dead.id, dead.deliveries[0].last_error, dead.deliveries[0].attempts], [a2.id, 'down for 3 days', 2]);
      assert.equal(await store.retryDeliveries({ eventId: a2.id }, iso()), 1);
      assert.deepEqual(await store.events({ status: 'dead' }), []);
      await drain();
    });

    test('a timed-out handler keeps its lease: the delivery is not claimed again until releaseLease, even when due', async () => {
      await drain();
      const a = /** @type {any} */ (await store.insertAttempt(attempt(), iso()));
      await store.transition(a.order_no, 'fail', { code: 'x' }, iso(), told('payment.failed'));
      const t0 = clock.now();
      const [c] = await store.claimDeliveries({ owner: 'me.1', targets: ['handler'], now: iso(t0), leaseUntil: iso(t0 + 600_000), limit: 5 });
      await store.finishDelivery({ eventId: c.event.id, target: 'handler', owner: 'me.1', now: iso(), outcome: { status: 'pending', next_at: iso(t0 + 5000), error: 'timed out', keepLease: true } });
      assert.deepEqual(await store.claimDeliveries({ owner: 'me.2', targets: ['handler'], now: iso(t0 + 6000), leaseUntil: iso(t0 + 66_000), limit: 5 }), []);
      await store.releaseLease(c.event.id, 'handler', 'me.9');
      assert.deepEqual(await store.claimDeliveries({ owner: 'me.2', targets: ['handler'], now: iso(t0 + 6000), leaseUntil: iso(t0 + 66_000), limit: 5 }), [], 'only its own claim releases it');
      await store.releaseLease(c.event.id, 'handler', 'me.1');
      const again = await store.claimDeliveries({ owner: 'me.2', targets: ['handler'], now: iso(t0 + 6000), leaseUntil: iso(t0 + 66_000), limit: 5 });
      assert.deepEqual(again.map((x) => [x.event.id, x.attempts]), [[c.event.id, 2]]);
      await drain();
    });

    test('targets: an event is queued for every active target, also when the writer delivers nothing itself; a target no instance has any more gets nothing new', async () => {
      await store.registerTargets([{ target: 'handler', url: null }, { target: 'wh_0123456789abcdef', url: 'https://shop.example/hooks' }], iso());
      const a = /** @type {any} */ (await store.insertAttempt(attempt(), iso()));
      await store.transition(a.order_no, 'fail', { code: 'x' }, iso(), told('payment.failed'));
      let [e] = await eventsOf(a.order_id);
      assert.deepEqual(e.deliveries.map((d) => [d.target, d.url]), [['handler', null], ['wh_0123456789abcdef', 'https://shop.example/hooks']]);
      await store.registerTargets([{ target: 'handler', url: null }], iso());
      const b = /** @type {any} */ (await store.insertAttempt(attempt(), iso()));
      await store.transition(b.order_no, 'fail', { code: 'x' }, iso(), told('payment.failed'));
      [e] = await eventsOf(b.order_id);
      assert.deepEqual(e.deliveries.map((d) => d.target), ['handler']);
      await assert.rejects(store.registerTargets([{ target: 'wh_not-hex', url: 'https://x.example' }], iso()), 'the CHECK names targets');
      await drain();
    });

    if (engine.name === 'postgres') {
      test('two claimers racing on two connections pools: every delivery claimed once, none twice, per-order order kept', async () => {
        await drain();
        const orders = Array.from({ length: 20 }, () => uid('R'));
        for (const orderId of orders) {
          const a = /** @type {any} */ (await store.insertAttempt(attempt({ order_id: orderId }), iso()));
          for (let i = 0; i < 3; i++) await store.transition(a.order_no, 'report', { reported_status: 'failed', reported_code: `c${i}` }, iso(), told('payment.failed'));
        }
        const other = createSqlStore(await openPostgres({ connectionString: /** @type {any} */ (database).url }));
        try {
          /** @type {string[]} */
          const log = [];
          const worker = async (/** @type {any} */ s, /** @type {string} */ name) => {
            for (let idle = 0; idle < 5; ) {
              const owner = `${name}.${randomBytes(3).toString('hex')}`;
              const batch = await s.claimDeliveries({ owner, targets: ['handler'], now: iso(), leaseUntil: iso(clock.now() + 60_000), limit: 4 });
              if (!batch.length) {
                idle++;
                await new Promise((r) => setTimeout(r, 5));
                continue;
              }
              idle = 0;
              for (const c of batch) log.push(c.event.id);
              await Promise.all(batch.map((/** @type {any} */ c) => s.finishDelivery({ eventId: c.event.id, target: 'handler', owner, now: iso(), outcome: { status: 'delivered' } })));
            }
          };
          await Promise.all([worker(store, 'x'), worker(other, 'y'), worker(store, 'z'), worker(other, 'w')]);
          assert.equal(log.length, 60, 'every delivery claimed');
          assert.equal(new Set(log).size, 60, 'none claimed twice');
          for (const orderId of orders) {
            const ids = (await eventsOf(orderId)).map((e) => e.id);
            assert.deepEqual(log.filter((id) => ids.includes(id)), ids, `order ${orderId} in order`);
          }
        } finally {
          await other.close();
        }
      });
    }

    /** Everything pending is marked delivered (the tests above share one database). */
    async function drain() {
      await sql.query("UPDATE kpg_deliveries SET status = 'delivered', delivered_at = now(), lease_owner = NULL, lease_until = NULL WHERE status <> 'delivered'");
    }
  });
}
