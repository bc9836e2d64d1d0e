// @ts-check
/**
 * cancels.ts against the provider interface, on PGlite and on PostgreSQL: what the cancels ledger does with
 * what a provider says, whatever provider it is. Here a PG whose records say it gave back LESS than the
 * ledger has left (its whole cancel took 10,000 of an 11,000 payment: a discount or a cancel the ledger never
 * heard of): the PG has nothing left to give back, so the payment is refunded and the buyer is told a balance
 * of 0, whether the shop's cancel got that answer or reconcile found the cancel at the PG. The sandboxes never
 * disagree with the ledger this way, so only a provider written here can. Also: a PG that refuses a cancel,
 * a receipt listing a cancel of 0 won, and a provider whose cancel throws. The store is the real one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createCancels } from '../../dist/server/cancels.js';
import { forEachEngine, uid } from './server-helpers.mjs';
import { testClock } from './clock.mjs';

forEachEngine('cancels against the provider interface', ({ store }) => {
  const clock = testClock();
  const at = () => clock.date().toISOString();

  /** A PG that always says: cancelled whole, 10,000 given back. @type {any} */
  const pg = {
    name: 'shinhan',
    calls: 0,
    async cancel() {
      pg.calls++;
      return { kind: 'done', amount: 10000, cancelId: null, cancelledAt: null, ref: 'full' };
    },
    async cancelState() {
      return { ok: true, state: { state: 'cancelled', cancelledTotal: null, entries: [{ ref: 'full', amount: 10000, at: null, cancelId: null, reason: null }] } };
    },
  };

  function cancels() {
    /** @type {Record<string, unknown>[]} */
    const logs = [];
    const c = createCancels({ store: store(), providers: { shinhan: pg }, log: { write: (line) => void logs.push(line) }, now: () => clock.date(), settleAfterMs: 60_000, eventsWritten: () => {} });
    return { c, logs };
  }

  /** A paid Shinhan card payment of 11,000. */
  async function paid() {
    const s = store();
    const a = await s.insertAttempt(
      { order_no: uid('N'), order_id: uid('O'), provider: 'shinhan', merchant_id: 'kpgdemo01', amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: 'card', pay_method: null, return_to: null, app_scheme: null, nonce: randomBytes(12).toString('hex') },
      at(),
    );
    assert.ok(a);
    await s.transition(a.order_no, 'claim', {}, at());
    const p = await s.pay(a.order_no, { tid: `T${uid()}` }, at());
    assert.ok(p.ok);
    return p.attempt;
  }

  test("the shop's whole cancel answered with 10,000 of 11,000: done, the payment refunded, balance 0 (not the ledger's 1,000)", async () => {
    const { c } = cancels();
    const a = await paid();
    const answer = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.refunded_total, answer.balance], ['done', 10000, 10000, 0]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'refunded');
  });

  test('a whole cancel of 10,000 of 11,000 found at the PG (its admin site): recorded, and the payment refunded: nothing is left at the PG', async () => {
    const { c } = cancels();
    const a = await paid();
    const found = await c.recheck(a);
    assert.deepEqual(found.recorded.map((r) => [r.kind, r.amount, r.source]), [['full', 10000, 'pg']]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'refunded');
  });

  test('a receipt listing a partial cancel of 0 won (Smartro\'s transAmt "0" reads as an amount): nothing recorded for it, no ledger-mismatch error, the payment stays paid', async () => {
    const MID = 'kpgtest01m';
    const smartro = {
      name: 'smartro',
      async cancelState() {
        return { ok: true, state: { state: 'partial', cancelledTotal: 0, entries: [{ ref: 'part:1', amount: 0, at: null, cancelId: null, reason: null }] } };
      },
    };
    /** @type {Record<string, unknown>[]} */
    const logs = [];
    const c = createCancels({ store: store(), providers: { smartro: /** @type {any} */ (smartro) }, log: { write: (line) => void logs.push(line) }, now: () => clock.date(), settleAfterMs: 60_000, eventsWritten: () => {} });
    const s = store();
    const a = await s.insertAttempt(
      { order_no: uid('N'), order_id: uid('O'), provider: 'smartro', merchant_id: MID, amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: null, pay_method: 'CARD', return_to: null, app_scheme: null, nonce: randomBytes(12).toString('hex') },
      at(),
    );
    assert.ok(a);
    await s.transition(a.order_no, 'claim', {}, at());
    const tid = `${MID}0101261130${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
    const p = await s.pay(a.order_no, { tid }, at());
    assert.ok(p.ok, JSON.stringify(p));
    const found = await c.recheck(p.attempt);
    assert.deepEqual(found.recorded, []);
    assert.deepEqual(await s.cancelsOf('smartro', tid), []);
    assert.deepEqual(logs.filter((l) => l.level === 'error'), []);
    assert.equal((await s.getAttempt(a.order_no))?.status, 'paid');
  });

  test("a PG that refuses the cancel: the shop is told refused, with the PG's code and words; nothing is given back, the cancel is recorded failed, no event is written, and the next cancel is sent", async () => {
    let refuse = true;
    const refusing = {
      ...pg,
      calls: 0,
      async cancel() {
        refusing.calls++;
        return refuse ? { kind: 'refused', code: 'pg-E123', pgMessage: '취소 불가 거래' } : { kind: 'done', amount: 11000, cancelId: 'C1', cancelledAt: null, ref: 'full' };
      },
    };
    // The relay is woken for an event written, never for a refusal (which tells the shop's code nothing).
    let wakes = 0;
    const c = createCancels({ store: store(), providers: { shinhan: /** @type {any} */ (refusing) }, log: { write: () => {} }, now: () => clock.date(), settleAfterMs: 60_000, eventsWritten: () => void wakes++ });
    const a = await paid();
    const answer = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual(answer, { status: 'refused', cancel_id: answer.cancel_id, cancelled_amount: 0, refunded_total: 0, balance: 11000, code: 'pg-E123', message: '취소 불가 거래' });
    assert.deepEqual((await store().cancelsOf('shinhan', /** @type {string} */ (a.tid))).map((x) => [x.status, x.code]), [['failed', 'pg-E123']]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'paid');
    assert.equal(wakes, 0, 'no event for a refusal');
    refuse = false;
    const again = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([again.status, again.cancelled_amount, again.balance, refusing.calls, wakes], ['done', 11000, 0, 2, 1]);
  });

  test('a provider whose cancel throws (a bug, a dropped socket inside it): in doubt, never refused: unknown with why, held against the balance (the next cancel is refused in flight, nothing sent)', async () => {
    const throwing = { ...pg, calls: 0, async cancel() { throwing.calls++; throw new TypeError('socket hang up'); } };
    const c = createCancels({ store: store(), providers: { shinhan: /** @type {any} */ (throwing) }, log: { write: () => {} }, now: () => clock.date(), settleAfterMs: 60_000, eventsWritten: () => {} });
    const a = await paid();
    const answer = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([answer.status, answer.code, answer.message, answer.cancelled_amount], ['unknown', 'pg-unreachable', 'The cancel call failed inside this server: socket hang up', 0]);
    const next = await c.cancel({ order_id: a.order_id, amount: 1000, reason: '부분 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([next.status, next.code, throwing.calls], ['refused', 'cancel-in-flight', 1]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'paid');
  });
});
