// @ts-check
/**
 * Issue 22 with issue 21's outbox: every cancel recorded done tells `payment.refunded` once, in the transaction
 * that records it done, carrying the payment's result view after it (refunded, or paid with refunded_total and
 * balance) and the cancel. End to end through the sandboxes, on both engines: full and partial cancels on both
 * PGs, a cancel made in the sandbox's admin page found by reconcile(), an unknown cancel settled later, and a
 * cancel settled by reconcile() and staff at once. result-url and kpg.payment() answer the same figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelsSuite } from './server-cancels-setup.mjs';
import { until } from './server-helpers.mjs';

cancelsSuite('cancels tell payment.refunded', ({ store, setup, payShinhan, paySmartro, key }) => {
  /** A server whose onEvent keeps what it gets. @param {import('node:test').TestContext} t @param {Parameters<typeof setup>[1]} [o] */
  async function withEvents(t, o = {}) {
    /** @type {any[]} */
    const got = [];
    const s = await setup(t, { ...o, onEvent: (/** @type {any} */ event) => void got.push(event) });
    /** The payment.refunded events onEvent got for an order, once `count` of them came. @param {string} orderId @param {number} count */
    const refunds = async (orderId, count) => {
      const of = () => got.filter((e) => e.type === 'payment.refunded' && e.order_id === orderId);
      await until(() => of().length >= count, 10_000, `${count} payment.refunded for ${orderId}`);
      return of();
    };
    /** The payment.refunded events recorded for an order (the outbox, delivered or not). @param {string} orderId */
    const recorded = async (orderId) => (await store().events({ orderId })).filter((/** @type {any} */ e) => e.type === 'payment.refunded');
    return { s, got, refunds, recorded };
  }

  test('full and partial cancels on Shinhan and Smartro: one payment.refunded each, with the figures after it; result-url and kpg.payment() agree', async (t) => {
    const { s, refunds, recorded } = await withEvents(t);

    // Shinhan: 3,000 of 11,000 back (1,000 of it tax-free), then the rest.
    const a = await payShinhan(s, { taxfree_amount: 2000 });
    const part = await s.kpg.cancel({ order_id: a.order.order_id, amount: 3000, taxfree_amount: 1000, reason: '부분 반품', idempotency_key: key() });
    assert.equal(part.status, 'done', JSON.stringify(part));
    const [first] = await refunds(a.order.order_id, 1);
    assert.deepEqual(
      [first.order_no, first.provider, first.data.status, first.data.tid, first.data.refunded_total, first.data.balance],
      [a.orderNo, 'shinhan', 'paid', a.tid, 3000, 8000],
    );
    assert.deepEqual(first.data.cancel, {
      id: part.cancel_id, tid: a.tid, amount: 3000, taxfree_amount: 1000, vat_amount: 182, kind: 'partial', source: 'api', reason: '부분 반품',
      pg_cancel_id: first.data.cancel.pg_cancel_id, pg_cancelled_at: first.data.cancel.pg_cancelled_at,
    });
    assert.ok(first.data.cancel.pg_cancel_id, "Shinhan's cid");
    const partResult = (await s.call(`/api/kpg/result?order_no=${a.orderNo}`)).json;
    assert.deepEqual([partResult.status, partResult.refunded_total, partResult.balance], ['paid', 3000, 8000]);

    const rest = await s.kpg.cancel({ order_id: a.order.order_id, reason: '전체 취소', idempotency_key: key() });
    assert.deepEqual([rest.status, rest.balance], ['done', 0]);
    const [, second] = await refunds(a.order.order_id, 2);
    assert.deepEqual(
      [second.data.status, second.data.refunded_total, second.data.balance, second.data.cancel.amount, second.data.cancel.kind, second.data.cancel.vat_amount],
      ['refunded', 11000, 0, 8000, 'full', null],
    );
    const end = (await s.call(`/api/kpg/result?order_no=${a.orderNo}`)).json;
    assert.deepEqual([end.status, end.tid, end.refunded_total, end.balance], ['refunded', a.tid, 11000, 0]);
    const payment = await s.kpg.payment(a.order.order_id);
    assert.deepEqual([payment?.status, payment?.refunded_total, payment?.balance], ['refunded', 11000, 0]);
    assert.equal((await recorded(a.order.order_id)).length, 2, 'one event per cancel');

    // Smartro: 2,500 back, then the rest.
    const b = await paySmartro(s);
    const before = (await s.call(`/api/kpg/receipt?tid=${b.tid}`)).json;
    assert.deepEqual(['refunded_total' in before, 'balance' in before], [false, false], 'nothing given back yet: no rows');
    await s.kpg.cancel({ order_id: b.order.order_id, amount: 2500, reason: '부분', idempotency_key: key() });
    // The slip's figures come from the ledger, beside the PG's receipt.
    const slip = (await s.call(`/api/kpg/receipt?tid=${b.tid}`)).json;
    assert.deepEqual([slip.provider, slip.refunded_total, slip.balance, typeof slip.receipt], ['smartro', 2500, 8500, 'object']);
    await s.kpg.cancel({ order_id: b.order.order_id, reason: '전체', idempotency_key: key() });
    const gone = await s.call(`/api/kpg/receipt?tid=${b.tid}`);
    assert.deepEqual([gone.status, gone.json.refunded_total, gone.json.balance], [200, 11000, 0], 'a refunded payment keeps its slip');
    const told = await refunds(b.order.order_id, 2);
    assert.deepEqual(
      told.map((e) => [e.data.status, e.data.refunded_total, e.data.balance, e.data.cancel.amount, e.data.cancel.kind, e.data.cancel.source]),
      [['paid', 2500, 8500, 2500, 'partial', 'api'], ['refunded', 11000, 0, 8500, 'full', 'api']],
    );
    assert.equal((await recorded(b.order.order_id)).length, 2);
    // A paid payment nothing was given back of has no refunded_total (the view of issue 21, unchanged).
    const c = await paySmartro(s);
    const untouched = (await s.call(`/api/kpg/result?order_no=${c.orderNo}`)).json;
    assert.deepEqual([untouched.status, 'refunded_total' in untouched, 'balance' in untouched], ['paid', false, false]);
  });

  test("a cancel made in the sandbox's admin page, found by reconcile(), tells payment.refunded (source pg) once", async (t) => {
    const { s, refunds, recorded } = await withEvents(t, { recheckPaidDays: 1 });
    const p = await paySmartro(s);
    await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid, amount: 4000 }) });
    const q = await payShinhan(s);
    await fetch(`${s.pgs.shinhan.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: q.tid, reason: '관리자 취소' }) });
    await s.kpg.reconcile();
    const [smartro] = await refunds(p.order.order_id, 1);
    assert.deepEqual(
      [smartro.data.status, smartro.data.refunded_total, smartro.data.balance, smartro.data.cancel.source, smartro.data.cancel.amount, smartro.data.cancel.kind],
      ['paid', 4000, 7000, 'pg', 4000, 'partial'],
    );
    const [shinhan] = await refunds(q.order.order_id, 1);
    assert.deepEqual([shinhan.data.status, shinhan.data.refunded_total, shinhan.data.cancel.source, shinhan.data.cancel.reason], ['refunded', 11000, 'pg', '관리자 취소']);
    await s.kpg.reconcile();
    assert.equal((await recorded(p.order.order_id)).length, 1, 'found once, told once');
    assert.equal((await recorded(q.order.order_id)).length, 1);
  });

  test('an unknown cancel tells nothing until it is settled, then once: by reconcile(), and by reconcile() and staff racing', { timeout: 60_000 }, async (t) => {
    const { s, refunds, recorded } = await withEvents(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    assert.equal((await recorded(p.order.order_id)).length, 0, 'unknown: not told');
    await s.kpg.reconcile();
    const [told] = await refunds(p.order.order_id, 1);
    assert.deepEqual([told.data.status, told.data.cancel.id, told.data.cancel.amount], ['refunded', lost.cancel_id, 11000]);
    await s.kpg.reconcile();
    assert.equal((await recorded(p.order.order_id)).length, 1, 'settled once, told once');

    // A partial cancel confirm-info can prove (tx_stat 1 before, 3 after), settled by reconcile() and confirmed
    // by staff at the same moment: one of them settles it, and one event is written.
    const q = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: q.tid, status: 502 });
    const partial = await s.kpg.cancel({ order_id: q.order.order_id, amount: 1000, reason: '부분', idempotency_key: key() });
    assert.equal(partial.status, 'unknown');
    const both = await Promise.allSettled([s.kpg.reconcile(), s.kpg.confirmCancel(/** @type {number} */ (partial.cancel_id), { done: true, by: 'kim' })]);
    assert.equal(both[0].status, 'fulfilled');
    const rows = (await s.kpg.cancels(q.order.order_id))?.cancels ?? [];
    assert.deepEqual(rows.map((c) => [c.status, c.amount]), [['done', 1000]]);
    const [once] = await refunds(q.order.order_id, 1);
    assert.deepEqual([once.data.status, once.data.refunded_total, once.data.balance], ['paid', 1000, 10000]);
    assert.equal((await recorded(q.order.order_id)).length, 1, 'one event, whoever settled it');
  });
});
