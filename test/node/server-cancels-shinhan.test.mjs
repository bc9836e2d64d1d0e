// @ts-check
/**
 * Issue 22 end to end through the sandboxes, on PGlite and PostgreSQL: Shinhan's full and partial cancels, one PG call per
 * idempotency key, racing keys (also two server instances on one PostgreSQL).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKpgServer } from '../../dist/server/index.js';
import { openStore } from '../../dist/server/store/open.js';
import { cancelsSuite } from './server-cancels-setup.mjs';
import { storeWith } from './server-helpers.mjs';

cancelsSuite('cancels: Shinhan, keys, races', ({ engine, store, database, setup, payShinhan, paySmartro, atPg, staff, key }) => {
  test('Shinhan: a partial cancel keeps paid with the balance; the rest makes it refunded; the PG answered what the ledger holds', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s, { taxfree_amount: 2000 });
    const part = await s.kpg.cancel({ order_id: p.order.order_id, amount: 3000, taxfree_amount: 1000, reason: '한 개 반품', idempotency_key: key() });
    assert.deepEqual([part.status, part.cancelled_amount, part.refunded_total, part.balance], ['done', 3000, 3000, 8000], JSON.stringify(part));
    assert.ok(part.cancel_id && part.pg_cancel_id);
    const sent = (await atPg(s, 'shinhan', p.tid)).cancels[0];
    assert.deepEqual([sent.kind, sent.amount, sent.taxfreeAmount, sent.taxAmount], ['partial', 3000, 1000, 182], 'tax_amount = round((3000 - 1000) / 11)');
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'paid');
    const rest = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 반품', idempotency_key: key() });
    assert.deepEqual([rest.status, rest.cancelled_amount, rest.refunded_total, rest.balance], ['done', 8000, 11000, 0]);
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels[1].kind, 'full', 'everything left goes by v1.0/payments/cancel');
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
    const none = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1, reason: 'x', idempotency_key: key() });
    assert.deepEqual([none.status, none.code], ['refused', 'nothing-left']);
    assert.ok(s.logs.some((l) => l.event === 'transition' && l.transition === 'refund' && l.order_no === p.orderNo));
    const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: p.order.order_id, device_type: 2 });
    assert.deepEqual([session.status, session.json.code], [409, 'already-paid'], 'a refunded order takes no new payment');
  });

  test('an amount equal to everything left, without a tax-free part, is a whole cancel: v1.0/payments/cancel at Shinhan, kind full in the ledger, refunded', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s);
    const part = await s.kpg.cancel({ order_id: p.order.order_id, amount: 4000, reason: '한 개 반품', idempotency_key: key() });
    assert.deepEqual([part.status, part.balance], ['done', 7000]);
    const rest = await s.kpg.cancel({ order_id: p.order.order_id, amount: 7000, reason: '나머지 반품', idempotency_key: key() });
    assert.deepEqual([rest.status, rest.cancelled_amount, rest.refunded_total, rest.balance], ['done', 7000, 11000, 0]);
    assert.deepEqual((await atPg(s, 'shinhan', p.tid)).cancels.map((/** @type {any} */ c) => [c.kind, c.amount]), [['partial', 4000], ['full', 7000]], 'what is left goes by the whole cancel');
    assert.deepEqual((await store().cancelsOf('shinhan', p.tid)).map((/** @type {any} */ c) => c.kind), ['partial', 'full']);
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
  });

  test('a cancel whose amount another cancel took in full between the balance check and the ledger row: refused exceeds-balance (nothing in flight), nothing sent', async (t) => {
    /** @type {(() => Promise<unknown>) | undefined} */
    let first;
    const s = await setup(t, {
      wrap: (/** @type {any} */ inner) =>
        storeWith(inner, {
          beginCancel: async (own, ...args) => {
            // Another caller's cancel runs to its end at this moment (once): the balance this one read is gone.
            const other = first;
            first = undefined;
            if (other) await other();
            return own(...args);
          },
        }),
    });
    const p = await payShinhan(s);
    first = () => s.kpg.cancel({ order_id: p.order.order_id, amount: 6000, reason: '먼저 온 반품', idempotency_key: key() });
    const late = await s.kpg.cancel({ order_id: p.order.order_id, amount: 6000, reason: '늦은 반품', idempotency_key: key() });
    assert.deepEqual([late.status, late.code, late.cancelled_amount, late.refunded_total, late.balance], ['refused', 'exceeds-balance', 0, 6000, 5000], JSON.stringify(late));
    assert.equal(late.message, 'amount 6000 is more than what can be given back (5000).');
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1, 'one PG call: the first');
  });

  test('the same key twice: one PG call and the same answer; the same key with other arguments is refused (409, the field named)', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s);
    const k = key();
    const first = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '반품', idempotency_key: k });
    const again = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '반품', idempotency_key: k });
    assert.deepEqual(again, first);
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1, 'one PG call');
    await assert.rejects(s.kpg.cancel({ order_id: p.order.order_id, amount: 3000, reason: '반품', idempotency_key: k }), (/** @type {any} */ e) => e.status === 409 && e.code === 'idempotency-key-reused' && e.field === 'idempotency_key');
    await assert.rejects(s.kpg.cancel({ order_id: p.order.order_id, amount: 0, reason: '반품', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 400 && e.field === 'amount');
    await assert.rejects(s.kpg.cancel({ order_id: p.order.order_id, reason: '', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 400 && e.field === 'reason');
    await assert.rejects(/** @type {any} */ (s.kpg).cancel({ order_id: p.order.order_id, reason: 'x' }), (/** @type {any} */ e) => e.code === 'missing-field' && e.field === 'idempotency_key');
    // A tax-free part larger than the partial cancel itself (1,000 of 999), and one given with a whole cancel: refused, nothing sent.
    await assert.rejects(s.kpg.cancel({ order_id: p.order.order_id, amount: 999, taxfree_amount: 1000, reason: '반품', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 400 && e.code === 'invalid-field' && e.field === 'taxfree_amount' && /not be more than amount/.test(e.message));
    for (const taxfree_amount of [0, 99_999_999]) {
      // A whole cancel with a tax-free part says so, whatever the part (not "more than amount": there is no amount).
      await assert.rejects(s.kpg.cancel({ order_id: p.order.order_id, taxfree_amount, reason: '반품', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 400 && e.code === 'invalid-field' && e.field === 'taxfree_amount' && /partial cancel/.test(e.message));
    }
    const within = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1000, taxfree_amount: 1000, reason: '면세 반품', idempotency_key: key() });
    assert.deepEqual([within.status, within.cancelled_amount], ['done', 1000], 'a tax-free part equal to the amount is allowed');
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 2, 'the first cancel and the last: nothing for the refused asks');
  });

  test('two keys racing for more than the balance: one done, the other refused; the PG gave back once', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s);
    const answers = await Promise.all([6000, 6000].map((amount) => s.kpg.cancel({ order_id: p.order.order_id, amount, reason: '경합', idempotency_key: key() })));
    assert.deepEqual(answers.map((a) => a.status).sort(), ['done', 'refused']);
    assert.ok(['cancel-in-flight', 'exceeds-balance'].includes(/** @type {string} */ (answers.find((a) => a.status === 'refused')?.code)));
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1);
  });

  if (engine === 'postgres') {
    test('two server instances on one PostgreSQL, racing for more than the balance: one cancel reaches the PG', async (t) => {
      const s = await setup(t);
      const p = await payShinhan(s);
      const other = await openStore(/** @type {any} */ (database()));
      const second = createKpgServer({ publicBaseUrl: s.base, database: other, ...s.pgs.options, loadOrder: s.shop.loadOrder, authorize: s.shop.authorize, reconcileOnStart: false, log: false });
      t.after(async () => {
        await second.close();
        await other.close();
      });
      const answers = await Promise.all([s.kpg, second, s.kpg, second].map((k) => k.cancel({ order_id: p.order.order_id, amount: 6000, reason: '경합', idempotency_key: key() })));
      assert.equal(answers.filter((a) => a.status === 'done').length, 1, JSON.stringify(answers));
      assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1);
    });
  }

});
