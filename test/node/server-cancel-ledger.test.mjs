// @ts-check
/**
 * Issue 22, the cancellations ledger (migration 005_cancels.sql, store/cancels.ts) on PGlite and on PostgreSQL:
 * what the store answers, and what the DATABASE refuses when a writer goes past the store (raw SQL): more back
 * than the buyer paid (also two transactions racing, and two instances), a second cancel in flight, a key used
 * twice, a settled cancel changed, the counter written by hand, a ledger row deleted.
 * Run (after `npm run build:server`): node --test test/node/server-cancel-ledger.test.mjs
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openPglite } from '../../dist/server/store/pglite.js';
import { openPostgres } from '../../dist/server/store/postgres.js';
import { createSqlStore } from '../../dist/server/store/sql-store.js';
import { refundedEvents } from '../../dist/server/payments/events.js';
import { ENGINES, uid, until } from './server-helpers.mjs';
import { testClock } from './clock.mjs';

// One pinned clock (issue 20): the ledger's times decide nothing here but their order, kept by id.
const clock = testClock();
const now = () => clock.date().toISOString();
const FP = 'a'.repeat(64);

for (const engine of ENGINES) {
  describe(`the cancellations ledger [${engine.name}]`, { skip: engine.skip }, () => {
    /** @type {import('../../dist/server/store/sql.js').SqlClient} */
    let sql;
    /** @type {import('../../dist/server/index.js').PaymentStore} */
    let store;
    /** @type {() => Promise<void>} */
    let drop;
    /** @type {import('../../dist/server/index.js').DatabaseOptions} */
    let database;
    before(async () => {
      const db = await engine.create();
      drop = db.drop;
      database = db.database;
      sql = 'url' in database ? await openPostgres({ connectionString: database.url }) : await openPglite(undefined);
      store = createSqlStore(sql);
      await store.migrate();
    });
    after(async () => {
      await store?.close();
      await drop?.();
    });

    /**
     * A paid attempt (its PG transaction recorded), or with `due` a refund_due entry of one.
     * @param {{ amount?: number, discount?: number, due?: boolean, provider?: 'shinhan' | 'smartro' }} [o]
     */
    async function payment(o = {}) {
      const a = await store.insertAttempt(
        { order_no: uid('N'), order_id: uid('O'), provider: 'shinhan', merchant_id: 'kpgdemo01', amount: o.amount ?? 11000, product_name: '취소', user_id: 'buyer01', device_type: 2, pgcode: 'card', pay_method: null, return_to: null, app_scheme: null, nonce: randomBytes(8).toString('hex') },
        now(),
      );
      assert.ok(a);
      const tid = `T${uid()}`;
      if (o.due) {
        assert.ok(await store.recordRefundDue({ provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: a.order_no, order_id: a.order_id, amount: o.amount ?? 11000, reason: 'superseded' }, now()));
        return { attempt: a, tid };
      }
      await store.transition(a.order_no, 'claim', {}, now());
      const paid = await store.pay(a.order_no, { tid, ...(o.discount ? { discount_amount: o.discount } : {}) }, now());
      assert.ok(paid.ok);
      return { attempt: paid.attempt, tid };
    }

    /** @param {string} tid @param {Partial<import('../../dist/server/store/cancels.js').NewCancel>} [o] */
    const ask = (tid, o = {}) => /** @type {import('../../dist/server/store/cancels.js').NewCancel} */ ({
      provider: 'shinhan', tid, idempotency_key: uid('K'), fingerprint: FP, source: 'api', kind: 'partial', requested_amount: 1000, amount: 1000, taxfree_amount: 0, vat_amount: 91, reason: '반품', ...o,
    });

    test('requested, then done: the amount the PG answered counts; a partial cancel keeps paid, the last one makes refunded', async () => {
      const p = await payment();
      const first = await store.beginCancel(ask(p.tid, { requested_amount: 3000, amount: 3000 }), now());
      assert.ok(first.ok);
      assert.equal(first.cancel.status, 'requested');
      assert.deepEqual([first.money.held, first.money.refunded, first.money.balance], [3000, 0, 8000], 'held while in flight');
      const done = await store.settleCancel(first.cancel.id, { status: 'done', amount: 3000, pg_cancel_id: 'C1', pg_cancelled_at: '2026-12-01 10:00:00' }, now());
      assert.ok(done);
      assert.equal(done.refunded, undefined);
      assert.equal((await store.getAttempt(p.attempt.order_no))?.status, 'paid');
      assert.deepEqual([done.money.held, done.money.refunded, done.money.balance], [3000, 3000, 8000]);
      assert.equal(await store.settleCancel(first.cancel.id, { status: 'failed', code: 'x' }, now()), undefined, 'settled once');

      const rest = await store.beginCancel(ask(p.tid, { kind: 'full', requested_amount: 8000, amount: 8000 }), now());
      assert.ok(rest.ok);
      const end = await store.settleCancel(rest.cancel.id, { status: 'done', amount: 8000, pg_ref: 'full' }, now());
      assert.equal(end?.refunded?.status, 'refunded');
      assert.equal((await store.getAttempt(p.attempt.order_no))?.status, 'refunded');
      assert.equal((await store.beginCancel(ask(p.tid), now())).ok, false);
      assert.deepEqual(await store.beginCancel(ask(`T-NONE-${p.tid}`), now()), { ok: false, reason: 'no-payment' }, 'a TID the ledger has no payment of');
      // What the settlement said of the PG's record is kept: reconcile matches the PG's cancels to the ledger by pg_ref.
      assert.deepEqual((await store.cancelsOf('shinhan', p.tid)).map((c) => [c.status, c.amount, c.pg_ref, c.pg_cancel_id]), [['done', 3000, null, 'C1'], ['done', 8000, 'full', null]]);
      assert.equal((await store.cancelsOfOrder(p.attempt.order_id)).length, 2);
    });

    test('an idempotency key names one cancel: the same key answers the cancel it named', async () => {
      const p = await payment();
      const key = uid('K');
      const first = await store.beginCancel(ask(p.tid, { idempotency_key: key }), now());
      assert.ok(first.ok);
      const again = await store.beginCancel(ask(p.tid, { idempotency_key: key, fingerprint: 'b'.repeat(64) }), now());
      assert.equal(again.ok, false);
      assert.equal(again.ok === false && again.reason, 'key-used');
      assert.equal(again.ok === false && 'cancel' in again && again.cancel.id, first.cancel.id);
      assert.equal((await store.cancelByKey(key))?.fingerprint, FP);
      const other = await payment();
      const elsewhere = await store.beginCancel(ask(other.tid, { idempotency_key: key }), now());
      assert.equal(elsewhere.ok === false && elsewhere.reason, 'key-used', 'a key is global, not per payment');
    });

    test('one cancel in flight per payment: requested and unknown block the next until settled', async () => {
      const p = await payment();
      const first = await store.beginCancel(ask(p.tid), now());
      assert.ok(first.ok);
      const second = await store.beginCancel(ask(p.tid), now());
      assert.equal(second.ok === false && second.reason, 'in-flight');
      await store.settleCancel(first.cancel.id, { status: 'unknown', code: 'pg-unreachable' }, now());
      assert.equal((await store.beginCancel(ask(p.tid), now())).ok, false, 'unknown still blocks');
      await store.settleCancel(first.cancel.id, { status: 'failed', code: 'not-cancelled', settled_by: 'staff:kim', settle_note: 'not in the admin site' }, now());
      const third = await store.beginCancel(ask(p.tid), now());
      assert.ok(third.ok, 'a failed cancel gives nothing back and holds nothing');
      assert.equal(third.money.held, 1000);
      const failed = await store.getCancel(first.cancel.id);
      assert.deepEqual([failed?.status, failed?.settled_by, failed?.settle_note], ['failed', 'staff:kim', 'not in the admin site']);
    });

    test('never more than the buyer paid (amount - discount); racing keys on one payment: one in, the others refused', async () => {
      const p = await payment({ amount: 10000, discount: 1000 });
      const big = await store.beginCancel(ask(p.tid, { requested_amount: 9001, amount: 9001 }), now());
      assert.equal(big.ok === false && big.reason, 'exceeds');
      assert.equal(big.ok === false && 'money' in big && big.money?.balance, 9000);
      const races = await Promise.all(Array.from({ length: 8 }, () => store.beginCancel(ask(p.tid, { requested_amount: 6000, amount: 6000 }), now())));
      assert.equal(races.filter((r) => r.ok).length, 1);
      assert.ok(races.every((r) => r.ok || r.reason === 'in-flight'));
      const winner = /** @type {any} */ (races.find((r) => r.ok)).cancel;
      await store.settleCancel(winner.id, { status: 'done', amount: 6000 }, now());
      const over = await store.beginCancel(ask(p.tid, { requested_amount: 3001, amount: 3001 }), now());
      assert.equal(over.ok === false && over.reason, 'exceeds');
      const rest = await store.beginCancel(ask(p.tid, { requested_amount: 3000, amount: 3000 }), now());
      assert.ok(rest.ok);
      const end = await store.settleCancel(rest.cancel.id, { status: 'done', amount: 3000 }, now());
      assert.equal(end?.refunded?.status, 'refunded', 'amount - discount given back: refunded');
    });

    test('the PG answering more than the ledger can hold is not recorded as done: staff look', async () => {
      const p = await payment();
      const c = await store.beginCancel(ask(p.tid, { requested_amount: 5000, amount: 5000 }), now());
      assert.ok(c.ok);
      const r = await store.settleCancel(c.cancel.id, { status: 'done', amount: 12000 }, now());
      assert.deepEqual([r?.cancel.status, r?.cancel.code, r?.cancel.staff_check, r?.cancel.amount], ['unknown', 'ledger-mismatch', true, 5000]);
    });

    test('a refund_due entry given back whole is resolved in the same transaction', async () => {
      const p = await payment({ due: true, amount: 7000 });
      const c = await store.beginCancel(ask(p.tid, { source: 'due', kind: 'full', requested_amount: 7000, amount: 7000 }), now());
      assert.ok(c.ok);
      assert.equal((await store.refundsDue()).some((r) => r.tid === p.tid), true);
      const end = await store.settleCancel(c.cancel.id, { status: 'done', amount: 7000, pg_cancel_id: 'C9' }, now());
      assert.equal(end?.resolvedDue, true);
      assert.equal((await store.refundsDue()).some((r) => r.tid === p.tid), false);
      const all = await store.refundsDue({ includeResolved: true });
      assert.equal(all.find((r) => r.tid === p.tid)?.resolution, `cancelled at the PG (cancel #${c.cancel.id}, C9)`);
      assert.equal((await store.getAttempt(p.attempt.order_no))?.status, 'pending', 'a refund_due entry moves no attempt');
      // A PG that names no cancel id of its own: the ledger's cancel number alone.
      const q = await payment({ due: true, amount: 7000 });
      const d = await store.beginCancel(ask(q.tid, { source: 'due', kind: 'full', requested_amount: 7000, amount: 7000 }), now());
      assert.ok(d.ok);
      assert.equal((await store.settleCancel(d.cancel.id, { status: 'done', amount: 7000 }, now()))?.resolvedDue, true);
      assert.equal((await store.refundsDue({ includeResolved: true })).find((r) => r.tid === q.tid)?.resolution, `cancelled at the PG (cancel #${d.cancel.id})`);
    });

    test('cancels found at the PG: recorded once (key and pg_ref), not while one is in flight, refunded when nothing is left', async () => {
      const p = await payment();
      /** @param {string} ref @param {number} amount @param {'full' | 'partial'} kind */
      const found = (ref, amount, kind = 'partial') => ({ provider: /** @type {const} */ ('shinhan'), tid: p.tid, idempotency_key: `pg:shinhan:${p.tid}:${ref}`, fingerprint: FP, kind, amount, reason: '관리자 취소', pg_cancel_id: null, pg_cancelled_at: null, pg_ref: ref });
      // A cancel of a TID the ledger holds no payment of is no-payment, nothing recorded.
      assert.deepEqual(await store.recordPgCancel({ ...found('part:1', 2000), tid: `T-NONE-${p.tid}` }, now()), { ok: false, reason: 'no-payment' });
      const first = await store.recordPgCancel(found('part:1', 2000), now());
      assert.ok(first.ok);
      assert.equal(first.cancel.source, 'pg');
      assert.deepEqual(await store.recordPgCancel(found('part:1', 2000), now()), { ok: false, reason: 'recorded', money: first.money });
      // The same PG cancel (pg_ref) under another key (a cancel that reached done with that reference) is recorded too.
      assert.deepEqual(await store.recordPgCancel({ ...found('part:1', 2000), idempotency_key: `other:${p.tid}` }, now()), { ok: false, reason: 'recorded', money: first.money });
      const flying = await store.beginCancel(ask(p.tid), now());
      assert.ok(flying.ok);
      assert.equal((await store.recordPgCancel(found('part:2', 1000), now())).ok, false);
      await store.settleCancel(flying.cancel.id, { status: 'failed', code: 'x' }, now());
      const tooMuch = await store.recordPgCancel(found('full', 9001, 'full'), now());
      assert.equal(tooMuch.ok === false && tooMuch.reason, 'exceeds');
      // A failure that is not the ledger's answer (here its event cannot be written) is thrown, nothing
      // recorded: never read as "exceeds" or "recorded".
      await assert.rejects(store.recordPgCancel(found('full', 9000, 'full'), now(), () => { throw new Error('the process dies before COMMIT'); }), /the process dies/);
      assert.equal((await store.cancelsOf('shinhan', p.tid)).filter((c) => c.pg_ref === 'full').length, 0, 'nothing recorded without its event');
      const rest = await store.recordPgCancel(found('full', 9000, 'full'), now());
      assert.ok(rest.ok);
      assert.equal(rest.refunded?.status, 'refunded');
    });

    test('nothing_left: the PG says the whole payment is cancelled (a full cancel) even where the ledger knew no discount', async () => {
      const p = await payment({ amount: 10000 });
      const c = await store.beginCancel(ask(p.tid, { kind: 'full', requested_amount: 10000, amount: 10000 }), now());
      assert.ok(c.ok);
      const end = await store.settleCancel(c.cancel.id, { status: 'done', amount: 9000, pg_ref: 'full', nothing_left: true }, now());
      assert.equal(end?.refunded?.status, 'refunded');
    });

    test('paidToRecheck: the paid payments since a time, the longest finished first, whatever order they were paid in', async () => {
      // From a generated mutant (mutate:full --sample, seed 1217) that dropped the sort: the UPDATE's RETURNING
      // gives rows in the order the database wrote them. Three payments a day after the suite's clock, paid
      // in another order than their finished_at (each pay at its own instant), so the two orders differ.
      const day = Date.parse(now()) + 86_400_000;
      const at = (/** @type {number} */ s) => new Date(day + s * 1000).toISOString();
      const made = [];
      for (const _ of [1, 2, 3]) {
        const a = await store.insertAttempt(
          { order_no: uid('N'), order_id: uid('O'), provider: 'shinhan', merchant_id: 'kpgdemo01', amount: 11000, product_name: '재확인', user_id: 'buyer01', device_type: 2, pgcode: 'card', pay_method: null, return_to: null, app_scheme: null, nonce: randomBytes(8).toString('hex') },
          at(0),
        );
        assert.ok(a);
        made.push(a.order_no);
      }
      for (const [i, finished] of [[0, 30], [1, 10], [2, 20]]) {
        await store.transition(made[i], 'claim', {}, at(finished - 1));
        assert.ok((await store.pay(made[i], { tid: `T${uid()}` }, at(finished))).ok);
      }
      const taken = await store.paidToRecheck(at(0), 10, at(60));
      assert.deepEqual(taken.map((a) => a.order_no), [made[1], made[2], made[0]], 'oldest finished first');
      // A batch of two takes the two checked longest ago (then the longest finished), in finished order.
      assert.deepEqual((await store.paidToRecheck(at(0), 2, at(61))).map((a) => a.order_no), [made[1], made[2]]);
      assert.deepEqual((await store.paidToRecheck(at(0), 2, at(62))).map((a) => a.order_no), [made[1], made[0]], 'made[0], checked at 60, and made[1], the longest finished of the two checked at 61');
    });

    test('store.transition never moves a payment to refunded: only the ledger does', async () => {
      const p = await payment();
      await assert.rejects(store.transition(p.attempt.order_no, /** @type {any} */ ('refund'), {}, now()), /cancels ledger/);
    });

    // ------------------------------------------------------------------------------------- past the store
    describe('the database refuses writes that go past the store (raw SQL)', () => {
      /** A raw INSERT of a cancel row. @param {string} tid @param {Record<string, unknown>} o */
      const rawInsert = (tid, o = {}) => {
        const row = { provider: 'shinhan', tid, order_no: 'N', order_id: 'O', idempotency_key: uid('K'), fingerprint: FP, source: 'api', kind: 'partial', status: 'done', amount: 1000, reason: 'raw', requested_at: now(), settled_at: now(), ...o };
        const names = Object.keys(row);
        return sql.query(`INSERT INTO kpg_cancels (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, Object.values(row));
      };
      /** @param {Promise<unknown>} p @param {string} code @param {RegExp | string} [constraint] */
      async function refused(p, code, constraint) {
        await assert.rejects(p, (/** @type {any} */ e) => {
          assert.equal(e.code, code, e.message);
          if (constraint) assert.match(String(e.constraint ?? e.message), typeof constraint === 'string' ? new RegExp(constraint) : constraint);
          return true;
        });
      }

      test('more than paid: a raw INSERT that would exceed amount - discount fails, and the counter stays right', async () => {
        const p = await payment({ amount: 10000, discount: 1000 });
        await rawInsert(p.tid, { amount: 6000 });
        await refused(rawInsert(p.tid, { amount: 3001 }), '23514', 'kpg_transactions_refunded_in_range');
        await rawInsert(p.tid, { amount: 3000 });
        const { rows } = await sql.query('SELECT refunded FROM kpg_transactions WHERE tid = $1', [p.tid]);
        assert.equal(Number(/** @type {any} */ (rows[0]).refunded), 9000);
        await refused(rawInsert(p.tid, { amount: 1 }), '23514');
      });

      test('a second cancel in flight, a key used twice, a pg row that is not done', async () => {
        const p = await payment();
        const key = uid('K');
        await rawInsert(p.tid, { status: 'requested', settled_at: null, idempotency_key: key });
        await refused(rawInsert(p.tid, { status: 'unknown', settled_at: null }), '23505', 'kpg_cancels_one_in_flight');
        const q = await payment();
        await refused(rawInsert(q.tid, { idempotency_key: key }), '23505', 'kpg_cancels_key');
        await refused(rawInsert(q.tid, { source: 'pg', status: 'requested', settled_at: null, idempotency_key: 'pg:x' }), '23514', 'kpg_cancels_pg_source');
        await refused(rawInsert(q.tid, { amount: 0 }), '23514');
        await refused(rawInsert(q.tid, { tid: 'no-such-tid' }), '23503', 'kpg_cancels_payment');
      });

      test('settled is final, the moves are the table\'s, nothing is deleted, the counter is nobody\'s to write', async () => {
        const p = await payment();
        const done = /** @type {any} */ ((await rawInsert(p.tid, { amount: 2000 })).rows[0]).id;
        await refused(sql.query(`UPDATE kpg_cancels SET status = 'failed' WHERE id = $1`, [done]), '23514', 'kpg_cancels_settled_final');
        await refused(sql.query('UPDATE kpg_cancels SET amount = 1 WHERE id = $1', [done]), '23514', 'kpg_cancels_settled_final');
        await refused(sql.query('UPDATE kpg_cancels SET tid = tid || $2 WHERE id = $1', [done, 'x']), '23514', 'kpg_cancels_append_only');
        await refused(sql.query('DELETE FROM kpg_cancels WHERE id = $1', [done]), '23514', 'kpg_cancels_append_only');
        const flying = /** @type {any} */ ((await rawInsert(p.tid, { status: 'unknown', settled_at: null })).rows[0]).id;
        await refused(sql.query(`UPDATE kpg_cancels SET status = 'requested' WHERE id = $1`, [flying]), '23514', 'kpg_cancels_settled_final');
        await refused(sql.query(`UPDATE kpg_cancels SET status = 'done' WHERE id = $1`, [flying]), '23514', 'kpg_cancels_settled_at');
        await refused(sql.query('UPDATE kpg_transactions SET refunded = 0 WHERE tid = $1', [p.tid]), '23514', 'kpg_transactions_refunded_kept');
        await refused(sql.query('UPDATE kpg_transactions SET amount = 20000 WHERE tid = $1', [p.tid]), '23514', 'kpg_transactions_refunded_kept');
        await refused(
          sql.query(`INSERT INTO kpg_transactions (provider, tid, merchant_id, order_no, order_id, amount, disposition, recorded_at, refunded) VALUES ('shinhan', $1, 'kpgdemo01', $2, 'O', 1000, 'refund_due', now(), 500)`, [`T${uid()}`, p.attempt.order_no]),
          '23514',
          'kpg_transactions_refunded_kept',
        );
        const { rows } = await sql.query('SELECT refunded FROM kpg_transactions WHERE tid = $1', [p.tid]);
        assert.equal(Number(/** @type {any} */ (rows[0]).refunded), 3000, 'done 2000 + unknown 1000, by the trigger alone');
      });

      test('a refund status only with a tid; one paid-or-refunded attempt per order', async () => {
        const p = await payment();
        await refused(sql.query(`UPDATE kpg_attempts SET tid = NULL, status = 'refunded' WHERE order_no = $1`, [p.attempt.order_no]), '23514', /refunded_has_tid|paid_has_tid/);
        await sql.query(`UPDATE kpg_attempts SET status = 'refunded' WHERE order_no = $1`, [p.attempt.order_no]);
        // A refunded order took its money: it takes no new attempt, so no second payment (kpg_attempts_one_per_order).
        assert.equal(await store.insertAttempt({ ...p.attempt, order_no: uid('N'), nonce: 'n' }, now()), undefined, 'a refunded order takes no second attempt');
      });
    });

    test('a cancel settled done twice at once (two instances on PostgreSQL) writes one payment.refunded; a PG cancel recorded twice, one', async () => {
      const url = 'url' in database ? database.url : undefined;
      const other = url ? createSqlStore(await openPostgres({ connectionString: url })) : store;
      try {
        const p = await payment();
        const begun = await store.beginCancel(ask(p.tid, { requested_amount: 4000, amount: 4000 }), now());
        assert.ok(begun.ok);
        await store.settleCancel(begun.cancel.id, { status: 'unknown', code: 'pg-unreachable' }, now(), refundedEvents);
        const told = async () => (await store.events({ orderId: p.attempt.order_id })).filter((e) => e.type === 'payment.refunded');
        assert.equal((await told()).length, 0, 'unknown tells nothing');
        const settle = (/** @type {typeof store} */ s) => s.settleCancel(begun.cancel.id, { status: 'done', amount: 4000, pg_cancel_id: 'C9' }, now(), refundedEvents);
        const races = await Promise.all([settle(store), settle(other), settle(store), settle(other)]);
        assert.equal(races.filter((r) => r?.told).length, 1, 'one settles it');
        const events = await told();
        assert.equal(events.length, 1);
        assert.deepEqual(
          [events[0].order_no, events[0].data.status, events[0].data.refunded_total, events[0].data.balance, events[0].data.cancel?.id, events[0].data.cancel?.amount, events[0].data.cancel?.vat_amount],
          [p.attempt.order_no, 'paid', 4000, 7000, begun.cancel.id, 4000, 91],
        );

        const pg = { provider: /** @type {const} */ ('shinhan'), tid: p.tid, idempotency_key: `pg:shinhan:${p.tid}:full`, fingerprint: FP, kind: /** @type {const} */ ('full'), amount: 7000, reason: '관리자 취소', pg_cancel_id: null, pg_cancelled_at: null, pg_ref: 'full', nothing_left: true };
        const found = await Promise.all([store.recordPgCancel(pg, now(), refundedEvents), other.recordPgCancel(pg, now(), refundedEvents)]);
        assert.equal(found.filter((r) => r.ok).length, 1);
        const after = await told();
        assert.equal(after.length, 2);
        assert.deepEqual([after[0].data.status, after[0].data.refunded_total, after[0].data.balance, after[0].data.cancel?.source], ['refunded', 11000, 0, 'pg'], 'newest first');
      } finally {
        if (other !== store) await other.close();
      }
    });

    test('a refund_due entry given back (source due) tells payment.refunded with the view of the attempt that money came with', async () => {
      const p = await payment({ due: true, amount: 5000 });
      const begun = await store.beginCancel(ask(p.tid, { source: 'due', kind: 'full', requested_amount: 5000, amount: 5000, vat_amount: null }), now());
      assert.ok(begun.ok);
      const done = await store.settleCancel(begun.cancel.id, { status: 'done', amount: 5000, nothing_left: true }, now(), refundedEvents);
      assert.deepEqual([done?.resolvedDue, done?.told], [true, true]);
      const [event] = (await store.events({ orderId: p.attempt.order_id })).filter((e) => e.type === 'payment.refunded');
      assert.deepEqual([event.data.status, event.data.cancel?.source, event.data.cancel?.tid, event.data.cancel?.amount, 'refunded_total' in event.data], ['pending', 'due', p.tid, 5000, false]);
    });

    if (engine.name === 'postgres') {
      test('two transactions racing past the store, and two instances racing through it: the counter serialises them', async () => {
        const url = /** @type {{ url: string }} */ (database).url;
        const { default: pg } = await import('pg');
        const a = new pg.Client({ connectionString: url });
        const b = new pg.Client({ connectionString: url });
        // Watched from outside a's transaction: inside one, pg_stat_activity is the snapshot its first read took.
        const watch = new pg.Client({ connectionString: url });
        await Promise.all([a.connect(), b.connect(), watch.connect()]);
        try {
          const p = await payment();
          const insert = (/** @type {any} */ client, /** @type {number} */ amount) =>
            client.query(`INSERT INTO kpg_cancels (provider, tid, order_no, order_id, idempotency_key, fingerprint, source, kind, status, amount, reason, requested_at, settled_at) VALUES ('shinhan', $1, 'N', 'O', $2, $3, 'api', 'partial', 'done', $4, 'raw', now(), now())`, [p.tid, uid('K'), FP, amount]);
          const bPid = (await b.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          await a.query('BEGIN');
          await b.query('BEGIN');
          await insert(a, 6000);
          // Its refusal is taken at once (a handler from the start): on a loaded machine it can arrive before the
          // COMMIT's own answer, and a rejection nothing handles yet fails the test as unhandled.
          const second = insert(b, 6000).then(() => undefined, (/** @type {any} */ e) => e);
          // b must be WAITING for a's row lock on the payment when a commits (else it simply runs after a).
          await until(async () => (await watch.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [bPid])).rows[0]?.wait_event_type === 'Lock', 10_000, 'the second transaction to wait for the first');
          await a.query('COMMIT');
          assert.equal((await second)?.code, '23514', 'the check constraint refused the second');
          await b.query('ROLLBACK');
        } finally {
          await Promise.all([a.end(), b.end(), watch.end()]);
        }

        const other = createSqlStore(await openPostgres({ connectionString: url }));
        try {
          const q = await payment();
          const stores = [store, other, store, other, store, other];
          const races = await Promise.all(stores.map((s) => s.beginCancel(ask(q.tid, { requested_amount: 6000, amount: 6000 }), now())));
          assert.equal(races.filter((r) => r.ok).length, 1, 'one cancel in flight across instances');
        } finally {
          await other.close();
        }
      });

      test('a key another writer is using at that moment, for another payment (it raced past the reads): the unique key answers key-used, naming the cancel that has it (recorded, for a cancel found at the PG)', async () => {
        const url = /** @type {{ url: string }} */ (database).url;
        const { default: pg } = await import('pg');
        const a = new pg.Client({ connectionString: url });
        // Watched from outside a's transaction: inside one, pg_stat_activity is the snapshot its first read took.
        const watch = new pg.Client({ connectionString: url });
        await Promise.all([a.connect(), watch.connect()]);
        try {
          const [p1, p2] = [await payment(), await payment()];
          const key = uid('K');
          await a.query('BEGIN');
          await a.query(`INSERT INTO kpg_cancels (provider, tid, order_no, order_id, idempotency_key, fingerprint, source, kind, status, requested_amount, amount, reason, requested_at) VALUES ('shinhan', $1, $2, $3, $4, $5, 'api', 'partial', 'requested', 1000, 1000, 'raw', now())`, [p1.tid, p1.attempt.order_no, p1.attempt.order_id, key, FP]);
          // The store reads no such key (not committed), inserts, and waits on the key's unique index...
          const begun = store.beginCancel(ask(p2.tid, { idempotency_key: key }), now());
          await until(async () => (await watch.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'transactionid' AND query LIKE 'INSERT INTO kpg_cancels%'`)).rows[0].n === 1, 10_000, 'the store to wait on the key');
          await a.query('COMMIT');
          // ...and the constraint says who has it.
          const r = await begun;
          assert.equal(r.ok, false);
          assert.deepEqual(!r.ok && r.reason === 'key-used' ? [r.cancel?.tid, r.cancel?.idempotency_key] : r, [p1.tid, key]);
          assert.equal((await store.cancelsOf('shinhan', p2.tid)).length, 0, 'nothing began on the other payment');

          // The same for a cancel found at the PG (recordPgCancel): the raced key is 'recorded', nothing twice.
          const [p3, p4] = [await payment(), await payment()];
          const found = `pg:shinhan:${uid('K')}`; // the key a cancel found at the PG has
          await a.query('BEGIN');
          await a.query(`INSERT INTO kpg_cancels (provider, tid, order_no, order_id, idempotency_key, fingerprint, source, kind, status, amount, reason, pg_ref, requested_at, settled_at) VALUES ('shinhan', $1, $2, $3, $4, $5, 'pg', 'partial', 'done', 1000, 'raw', 'part:1', now(), now())`, [p3.tid, p3.attempt.order_no, p3.attempt.order_id, found, FP]);
          const recorded = store.recordPgCancel({ provider: 'shinhan', tid: p4.tid, idempotency_key: found, fingerprint: FP, kind: 'partial', amount: 1000, reason: '관리자 취소', pg_cancel_id: null, pg_cancelled_at: null, pg_ref: 'part:1' }, now());
          await until(async () => (await watch.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'transactionid' AND query LIKE 'INSERT INTO kpg_cancels%'`)).rows[0].n === 1, 10_000, 'the store to wait on the key');
          await a.query('COMMIT');
          assert.deepEqual(await recorded, { ok: false, reason: 'recorded' });
          assert.equal((await store.cancelsOf('shinhan', p4.tid)).length, 0);
        } finally {
          await Promise.all([a.end(), watch.end()]);
        }
      });
    }
  });
}
