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
import { refundedEvents } from '../../dist/server/payments/events.js';
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

  const MID = 'kpgtest01m';

  /** A PG that gives back exactly what is asked, each cancel a new partial entry; `calls` counts them. */
  function partialPg() {
    const partial = {
      name: 'shinhan',
      calls: 0,
      async cancel(/** @type {any} */ input) {
        partial.calls++;
        return { kind: 'done', amount: input.amount, cancelId: null, cancelledAt: null, ref: `part:${partial.calls}` };
      },
      async cancelState() {
        return { ok: true, state: { state: 'approved', cancelledTotal: 0, entries: [] } };
      },
    };
    return partial;
  }

  /**
   * cancels.ts over the real store with these providers (default: `pg`); the lines it logs, and how often it
   * woke the relay (an event written). @param {Record<string, any>} [providers]
   */
  function cancelsWith(providers = { shinhan: pg }) {
    /** @type {Record<string, unknown>[]} */
    const logs = [];
    const woken = { count: 0 };
    const c = createCancels({ store: store(), providers, log: { write: (line) => void logs.push(line) }, now: () => clock.date(), settleAfterMs: 60_000, eventsWritten: () => void woken.count++ });
    return { c, logs, woken };
  }
  const cancels = () => cancelsWith();

  /**
   * A Smartro whose cancel module never answers (unknown) and whose receipt shows `receipt()`; `asked` counts
   * the receipt calls. @param {() => any} receipt
   */
  function smartroInDoubt(receipt) {
    const smartro = {
      name: 'smartro',
      cancels: true,
      asked: 0,
      async cancel() {
        return { kind: 'unknown', message: "Smartro's cancel module did not answer." };
      },
      async cancelState() {
        smartro.asked++;
        return { ok: true, state: receipt() };
      },
    };
    return smartro;
  }

  /** A paid card payment at `provider` (Shinhan) of `amount` (11,000), as the store records one. */
  async function paid({ provider = 'shinhan', amount = 11000, discount = 0 } = {}) {
    const s = store();
    const smartro = provider === 'smartro';
    const a = await s.insertAttempt(
      { order_no: uid('N'), order_id: uid('O'), provider: /** @type {any} */ (provider), merchant_id: smartro ? MID : 'kpgdemo01', amount, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: smartro ? null : 'card', pay_method: smartro ? 'CARD' : null, return_to: null, app_scheme: null, nonce: randomBytes(12).toString('hex') },
      at(),
    );
    assert.ok(a);
    await s.transition(a.order_no, 'claim', {}, at());
    const tid = smartro ? `${MID}0101261130${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}` : `T${uid()}`;
    const p = await s.pay(a.order_no, { tid, ...(discount ? { discount_amount: discount } : {}) }, at());
    assert.ok(p.ok, JSON.stringify(p));
    return p.attempt;
  }

  test("the shop's whole cancel answered with 10,000 of 11,000: done, the payment refunded, balance 0 (not the ledger's 1,000)", async () => {
    const { c } = cancels();
    const a = await paid();
    const ask = { order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` };
    const answer = await c.cancel(ask);
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.refunded_total, answer.balance], ['done', 10000, 10000, 0]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'refunded');
    // kpg.cancels(order_id), the order's view, says the same.
    const view = await c.orderView(a.order_id);
    assert.deepEqual([view?.status, view?.refunded_total, view?.balance], ['refunded', 10000, 0]);
    // Asked again with its key (a retry after a lost answer): the same answer, balance 0, not the ledger's 1,000.
    assert.deepEqual(await c.cancel(ask), answer);
    // Another cancel of what the ledger would call left: refused, nothing left, and it says balance 0 too.
    const more = await c.cancel({ order_id: a.order_id, amount: 1000, reason: '부분 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([more.status, more.code, more.message, more.refunded_total, more.balance], ['refused', 'nothing-left', 'The whole payment has been given back.', 10000, 0]);
    // Asked of a server that no longer has the PG's configuration (a shop that moved to another PG): still
    // "nothing left", which is the truth, and not "no Shinhan configuration to cancel with".
    const { c: moved } = cancelsWith({});
    const after = await moved.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([after.status, after.code, after.balance], ['refused', 'nothing-left', 0]);
  });

  test('a whole cancel of 10,000 of 11,000 found at the PG (its admin site): recorded, and the payment refunded: nothing is left at the PG', async () => {
    const { c } = cancels();
    const a = await paid();
    const found = await c.recheck(a);
    assert.deepEqual(found.recorded.map((r) => [r.kind, r.amount, r.source]), [['full', 10000, 'pg']]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'refunded');
  });

  test('a Shinhan payment cancelled whole at the PG after a partial cancel of 3,000, confirm-info giving no amount (tx_stat 2): the 8,000 left is what is recorded as found', async () => {
    let state = { state: 'approved', cancelledTotal: /** @type {number | null} */ (0), entries: /** @type {any[]} */ ([]) };
    const shinhan = /** @type {any} */ (partialPg());
    shinhan.cancelState = async () => ({ ok: true, state });
    const { c } = cancelsWith({ shinhan });
    const a = await paid();
    const part = await c.cancel({ order_id: a.order_id, amount: 3000, reason: '부분 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([part.status, part.balance], ['done', 8000]);
    state = { state: 'cancelled', cancelledTotal: null, entries: [] };
    const found = await c.recheck(/** @type {any} */ (await store().getAttempt(a.order_no)));
    assert.deepEqual(found.recorded.map((r) => [r.kind, r.amount, r.source]), [['full', 8000, 'pg']]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'refunded');
  });

  test('a receipt listing a partial cancel of 0 won (Smartro\'s transAmt "0" reads as an amount): nothing recorded for it, no ledger-mismatch error, the payment stays paid', async () => {
    const smartro = {
      name: 'smartro',
      async cancelState() {
        return { ok: true, state: { state: 'partial', cancelledTotal: 0, entries: [{ ref: 'part:1', amount: 0, at: null, cancelId: null, reason: null }] } };
      },
    };
    const { c, logs } = cancelsWith({ smartro });
    const s = store();
    const a = await paid({ provider: 'smartro' });
    const tid = /** @type {string} */ (a.tid);
    const found = await c.recheck(a);
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
    const { c, woken } = cancelsWith({ shinhan: refusing });
    const a = await paid();
    const answer = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual(answer, { status: 'refused', cancel_id: answer.cancel_id, cancelled_amount: 0, refunded_total: 0, balance: 11000, code: 'pg-E123', message: '취소 불가 거래' });
    assert.deepEqual((await store().cancelsOf('shinhan', /** @type {string} */ (a.tid))).map((x) => [x.status, x.code]), [['failed', 'pg-E123']]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'paid');
    assert.equal(woken.count, 0, 'no event for a refusal');
    refuse = false;
    const again = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([again.status, again.cancelled_amount, again.balance, refusing.calls, woken.count], ['done', 11000, 0, 2, 1]);
  });

  test('a provider whose cancel throws (a bug, a dropped socket inside it): in doubt, never refused: unknown with why, held against the balance (the next cancel is refused in flight, nothing sent)', async () => {
    const throwing = { ...pg, calls: 0, async cancel() { throwing.calls++; throw new TypeError('socket hang up'); } };
    const { c } = cancelsWith({ shinhan: throwing });
    const a = await paid();
    const answer = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([answer.status, answer.code, answer.message, answer.cancelled_amount], ['unknown', 'pg-unreachable', 'The cancel call failed inside this server: socket hang up', 0]);
    const next = await c.cancel({ order_id: a.order_id, amount: 1000, reason: '부분 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([next.status, next.code, throwing.calls], ['refused', 'cancel-in-flight', 1]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'paid');
  });

  test('the same idempotency_key with another refund_account is another cancel: refused (409 idempotency-key-reused), nothing sent; with the same account it answers what the first came to', async () => {
    const partial = partialPg();
    const { c } = cancelsWith({ shinhan: partial });
    const a = await paid();
    const key = `k-${uid()}`;
    const ask = { order_id: a.order_id, amount: 1000, reason: '부분 취소', idempotency_key: key, refund_account: { bank_code: '088', account_no: '110123456789', holder: '김구매' } };
    const first = await c.cancel(ask);
    assert.deepEqual([first.status, first.cancelled_amount, partial.calls], ['done', 1000, 1], JSON.stringify(first));
    assert.deepEqual(await c.cancel(ask), first);
    await assert.rejects(c.cancel({ ...ask, refund_account: { ...ask.refund_account, account_no: '110999999999' } }), (/** @type {any} */ e) => e.status === 409 && e.code === 'idempotency-key-reused' && e.field === 'idempotency_key');
    const { refund_account: _, ...without } = ask;
    await assert.rejects(c.cancel(without), (/** @type {any} */ e) => e.code === 'idempotency-key-reused');
    assert.equal(partial.calls, 1, 'nothing more sent');
  });

  test('two callers with one idempotency_key, both reading before either wrote (the key seen free by each): the database lets one in; the other, with other arguments, is refused 409; with the same, gets the first\'s answer; one PG call', async () => {
    const partial = partialPg();
    const { c: first } = cancelsWith({ shinhan: partial });
    // The second caller's read of the key came before the first's row: it saw the key free.
    const blind = { ...store(), cancelByKey: async () => undefined };
    const late = createCancels({ store: blind, providers: { shinhan: partial }, log: { write: () => {} }, now: () => clock.date(), settleAfterMs: 60_000 });
    const a = await paid();
    const ask = { order_id: a.order_id, amount: 1000, reason: '부분 취소', idempotency_key: `k-${uid()}` };
    const answer = await first.cancel(ask);
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.balance], ['done', 1000, 10000]);
    await assert.rejects(late.cancel({ ...ask, amount: 2000 }), (/** @type {any} */ e) => e.status === 409 && e.code === 'idempotency-key-reused' && e.field === 'idempotency_key' && e.message === `idempotency_key ${ask.idempotency_key} names another cancel.`);
    assert.deepEqual(await late.cancel(ask), answer);
    assert.equal(partial.calls, 1, 'the PG was called once');
  });

  test('a cancel staff record that the store answers "no payment" for (its row gone between the read and the write) is refused no-payment, never exceeds-balance', async () => {
    const a = await paid();
    const gone = { ...store(), recordPgCancel: async () => ({ ok: false, reason: 'no-payment' }) };
    const c = createCancels({ store: /** @type {any} */ (gone), providers: {}, log: { write: () => {} }, now: () => clock.date(), settleAfterMs: 60_000 });
    const r = await c.recordCancel({ order_id: a.order_id, amount: 1000, reason: '관리자 사이트 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([r.status, r.code, r.message, r.cancelled_amount], ['refused', 'no-payment', 'Not recorded: no-payment.', 0]);
  });

  test('money owed back that staff resolve by hand while its cancel is at the PG: the cancel is done, and its log line does not claim the entry as its own resolution', async () => {
    const s = store();
    const a = await paid();
    const tid = `T${uid()}`;
    assert.ok(await s.recordRefundDue({ provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: a.order_no, order_id: a.order_id, amount: 11000, reason: 'duplicate' }, at()));
    const shinhan = {
      name: 'shinhan',
      async cancel() {
        // Staff mark it resolved (given back by bank transfer) while the PG is making the cancel.
        assert.ok(await s.resolveRefund('shinhan', tid, 'given back by bank transfer', at()));
        return { kind: 'done', amount: 11000, cancelId: null, cancelledAt: null, ref: 'full' };
      },
    };
    const { c, logs } = cancelsWith({ shinhan });
    const answer = await c.cancelDue(tid, { reason: '중복 결제 환불', idempotency_key: `k-${uid()}` });
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.balance], ['done', 11000, 0]);
    const done = logs.filter((l) => l.event === 'cancel' && l.cancel_id === answer.cancel_id && l.status === 'done');
    assert.equal(done.length, 1, JSON.stringify(logs));
    assert.equal(done[0].refund_due_resolved, undefined, 'staff resolved it, not this cancel');
    assert.equal((await s.refundsDue({ includeResolved: true })).find((d) => d.tid === tid)?.resolution, 'given back by bank transfer');
  });

  test('money owed back (refund_due) of 11,000 whose whole cancel the PG answers with 10,000: done, the entry resolved, balance 0 (the PG has nothing left: not the ledger\'s 1,000)', async () => {
    const s = store();
    const a = await paid();
    const tid = `T${uid()}`;
    assert.ok(await s.recordRefundDue({ provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: a.order_no, order_id: a.order_id, amount: 11000, reason: 'duplicate' }, at()));
    const { c } = cancels();
    const ask = { reason: '중복 결제 환불', idempotency_key: `k-${uid()}` };
    const answer = await c.cancelDue(tid, ask);
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.refunded_total, answer.balance], ['done', 10000, 10000, 0]);
    // The same key with a refund account named is another request (as for kpg.cancel): refused, not answered as the first.
    await assert.rejects(c.cancelDue(tid, { ...ask, refund_account: { bank_code: '088', account_no: '110123456789', holder: '김구매' } }), (/** @type {any} */ e) => e.status === 409 && e.code === 'idempotency-key-reused' && e.field === 'idempotency_key');
    assert.deepEqual(await c.cancelDue(tid, ask), answer, 'the same request again: what the first came to');
    assert.ok((await s.refundsDue({ includeResolved: true })).find((d) => d.tid === tid)?.resolved_at);
    assert.equal((await s.getAttempt(a.order_no))?.status, 'paid', 'the order\'s own payment is another TID');
  });

  test('a virtual account closed before its deposit: the attempt ends (cancelled-by-shop) and the relay is woken for the event written with it', async () => {
    const s = store();
    const a = await s.insertAttempt(
      { order_no: uid('N'), order_id: uid('O'), provider: 'shinhan', merchant_id: 'kpgdemo01', amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: 'virtual_account', pay_method: null, return_to: null, app_scheme: null, nonce: randomBytes(12).toString('hex') },
      at(),
    );
    assert.ok(a);
    await s.transition(a.order_no, 'claim', {}, at());
    await s.transition(a.order_no, 'issue', { claimed_tid: `V${uid()}`, pay_method: 'VBANK', bank_code: '088', bank_name: '신한은행', vbank_account_no: '56212345678901', vbank_holder: '(주)케이피지데모', vbank_due_date: '2026-12-03' }, at());
    const { c, woken, logs } = cancels();
    const answer = await c.cancel({ order_id: a.order_id, reason: '주문 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([answer.status, answer.code, answer.cancelled_amount, answer.refunded_total, answer.balance], ['done', 'account-closed', 0, 0, 0]);
    assert.equal(answer.message, 'The virtual account was closed before any deposit: no money to give back.');
    // What the shop's log says: the close (info: done), and the attempt's transition with its from and to.
    const mine = logs.filter((l) => l.order_no === a.order_no);
    assert.deepEqual(mine.map((l) => [l.event, l.level, l.what ?? l.transition, l.outcome ?? `${l.from} -> ${l.to}`]), [
      ['cancel', 'info', 'close-account', 'done'],
      ['transition', 'info', 'expire', 'awaiting_deposit -> cancelled'],
    ]);
    const after = await s.getAttempt(a.order_no);
    assert.deepEqual([after?.status, after?.reason], ['cancelled', 'cancelled-by-shop']);
    assert.equal(woken.count, 1);
    assert.deepEqual((await s.events({ orderId: a.order_id })).map((e) => e.type), ['vbank.expired']);
  });

  test("the rest of a Smartro payment cancelled at its admin site and recorded by staff before the cancel made ahead of it (a partial of 6,000 in the ledger, the receipt's whole cancel of the 6,000 left): reconcile records only the other 4,000; the payment refunded, no ledger-mismatch", async () => {
    const smartro = {
      name: 'smartro',
      async cancelState() {
        return { ok: true, state: { state: 'cancelled', cancelledTotal: 10000, entries: [{ ref: 'part:1', amount: 4000, at: null, cancelId: null, reason: null }, { ref: 'full', amount: 6000, at: null, cancelId: null, reason: null }] } };
      },
    };
    const { c, logs } = cancelsWith({ smartro });
    const s = store();
    const a = await paid({ provider: 'smartro', amount: 10000 });
    const tid = /** @type {string} */ (a.tid);
    const staff = await c.recordCancel({ order_id: a.order_id, amount: 6000, reason: '관리자 사이트 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([staff.status, staff.balance], ['done', 4000]);
    const found = await c.recheck(/** @type {any} */ (await s.getAttempt(a.order_no)));
    assert.deepEqual(found.recorded.map((r) => [r.kind, r.amount, r.pg_ref]), [['partial', 4000, 'part:1']]);
    assert.deepEqual(logs.filter((l) => l.level === 'error'), []);
    assert.deepEqual((await s.cancelsOf('smartro', tid)).map((x) => [x.amount, x.kind, x.pg_ref?.startsWith('staff:') ? 'recorded by staff' : x.pg_ref]), [[6000, 'partial', 'recorded by staff'], [4000, 'partial', 'part:1']]);
    assert.equal((await s.getAttempt(a.order_no))?.status, 'refunded');
  });

  test('staff record a cancel of what is left after a promotion discount (10,000 of 11,000, 1,000 discounted): a full cancel, the payment refunded; less is partial', async () => {
    const { c } = cancels();
    const s = store();
    const a = await paid({ discount: 1000 });
    const part = await c.recordCancel({ order_id: a.order_id, amount: 4000, reason: '관리자 사이트 부분취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([part.status, part.balance], ['done', 6000]);
    const rest = await c.recordCancel({ order_id: a.order_id, amount: 6000, reason: '관리자 사이트 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([rest.status, rest.balance], ['done', 0]);
    assert.deepEqual((await s.cancelsOf('shinhan', /** @type {string} */ (a.tid))).map((x) => [x.amount, x.kind]), [[4000, 'partial'], [6000, 'full']]);
    assert.equal((await s.getAttempt(a.order_no))?.status, 'refunded');
  });

  test("a whole cancel found at Shinhan after a promotion discount (confirm-info names no amount): recorded as what the buyer paid, 10,000 of 11,000", async () => {
    // Shinhan's confirm-info says tx_stat 2 with no amount: what was given back is what was paid, the discount never was.
    const shinhan = {
      name: 'shinhan',
      async cancelState() {
        return { ok: true, state: { state: 'cancelled', entries: [{ ref: 'full', at: null, cancelId: null, reason: null }] } };
      },
    };
    const { c } = cancelsWith({ shinhan });
    const a = await paid({ discount: 1000 });
    const found = await c.recheck(a);
    assert.deepEqual(found.recorded.map((r) => [r.kind, r.amount, r.source]), [['full', 10000, 'pg']]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'refunded');
    const view = await c.orderView(a.order_id);
    assert.deepEqual([view?.refunded_total, view?.balance], [10000, 0]);
  });

  test("a Smartro partial cancel in doubt that the receipt shows made and the payment cancelled (10,000 of 11,000, the rest already gone at the PG): done, the payment refunded, balance 0", async () => {
    const smartro = smartroInDoubt(() => ({ state: 'cancelled', cancelledTotal: 10000, entries: [{ ref: 'part:1', amount: 10000, at: null, cancelId: 'SC-1', reason: null }] }));
    const { c } = cancelsWith({ smartro });
    const a = await paid({ provider: 'smartro' });
    const asked = await c.cancel({ order_id: a.order_id, amount: 10000, reason: '부분 취소', idempotency_key: `k-${uid()}` });
    assert.equal(asked.status, 'unknown', JSON.stringify(asked));
    const row = await store().getCancel(/** @type {number} */ (asked.cancel_id));
    assert.ok(row);
    // Asked after settleAfterMs, as reconcile asks: the receipt proves this cancel, and that nothing is left.
    clock.advance(60_000);
    const settled = await c.settleFromPg(row, 'reconcile/cancels');
    assert.deepEqual([settled.status, settled.amount], ['done', 10000]);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'refunded');
    const view = await c.orderView(a.order_id);
    assert.deepEqual([view?.status, view?.refunded_total, view?.balance], ['refunded', 10000, 0]);
  });

  test("reconcile's recheck leaves a payment with a cancel in doubt alone, unasked, though its receipt shows that cancel made: the shop's cancel is settled as itself (done, its amount), never recorded twice nor told it failed", async () => {
    const smartro = smartroInDoubt(() => ({ state: 'partial', cancelledTotal: 3000, entries: [{ ref: 'part:1', amount: 3000, at: null, cancelId: 'SC-1', reason: null }] }));
    const { c } = cancelsWith({ smartro });
    const a = await paid({ provider: 'smartro' });
    const asked = await c.cancel({ order_id: a.order_id, amount: 3000, reason: '부분 취소', idempotency_key: `k-${uid()}` });
    assert.equal(asked.status, 'unknown', JSON.stringify(asked));
    const before = smartro.asked;
    assert.deepEqual(await c.recheck(a), { recorded: [] }, 'not taken for a cancel made at the admin site');
    assert.equal(smartro.asked, before, 'the receipt API is not even asked: the cancel in doubt is settled first (and the store would refuse a found cancel beside it)');
    clock.advance(60_000);
    const row = await store().getCancel(/** @type {number} */ (asked.cancel_id));
    assert.deepEqual((({ status, amount }) => ({ status, amount }))(await c.settleFromPg(/** @type {any} */ (row), 'reconcile/cancels')), { status: 'done', amount: 3000 });
    assert.deepEqual((await store().cancelsOf('smartro', /** @type {string} */ (a.tid))).map((x) => [x.source, x.status, x.amount]), [['api', 'done', 3000]]);
    const view = await c.orderView(a.order_id);
    assert.deepEqual([view?.refunded_total, view?.balance], [3000, 8000]);
  });

  test('a cancel settled by another caller while its PG call was on its way (reconcile on another instance): the answer is what that settlement recorded, told once', async () => {
    const s = store();
    const racing = {
      ...pg,
      async cancel(/** @type {any} */ input) {
        const [mine] = (await s.cancelsOf('shinhan', input.tid)).filter((c) => c.status === 'requested');
        assert.ok(await s.settleCancel(mine.id, { status: 'done', amount: 11000, pg_cancel_id: 'C-OTHER', pg_ref: 'full', nothing_left: true }, at(), refundedEvents));
        return { kind: 'done', amount: 11000, cancelId: 'C-MINE', cancelledAt: null, ref: 'full' };
      },
    };
    const { c, woken } = cancelsWith({ shinhan: racing });
    const a = await paid();
    const answer = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.pg_cancel_id, answer.refunded_total], ['done', 11000, 'C-OTHER', 11000]);
    assert.equal(woken.count, 0, 'the other settlement wrote (and wakes for) its event');
    assert.deepEqual((await s.events({ orderId: a.order_id })).map((e) => e.type), ['payment.refunded']);
    assert.equal((await s.getAttempt(a.order_no))?.status, 'refunded');
  });

  test('a Shinhan whole cancel in doubt while confirm-info says tx_stat 1 (nothing cancelled) or 3 (some cancelled, not everything): not done; once old, failed with what confirm-info said', async () => {
    for (const [later, said] of [['approved', 'tx_stat 1 (nothing cancelled)'], ['partial', 'tx_stat 3 (not everything cancelled)']]) {
      let state = { state: 'approved', cancelledTotal: 0, entries: /** @type {any[]} */ ([]) };
      const shinhan = {
        name: 'shinhan',
        async cancel() {
          return { kind: 'unknown', message: 'The PG did not answer within 5 s.' };
        },
        async cancelState() {
          return { ok: true, state };
        },
      };
      const { c } = cancelsWith({ shinhan });
      const a = await paid();
      const lost = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
      assert.equal(lost.status, 'unknown', later);
      state = { state: later, cancelledTotal: 0, entries: [] };
      const cancel = /** @type {any} */ (await store().getCancel(/** @type {number} */ (lost.cancel_id)));
      assert.equal((await c.settleFromPg(cancel, 'reconcile')).status, 'unknown', `${later}, young: maybe still on its way`);
      clock.advance(60_000);
      const after = await c.settleFromPg(cancel, 'reconcile');
      assert.deepEqual([after.status, after.code, after.pg_message], ['failed', 'not-cancelled', `confirm-info says ${said}.`]);
      assert.equal((await store().getAttempt(a.order_no))?.status, 'paid', later);
    }
  });

  test('a cancel in doubt of a PG this server is no longer configured for is left as it is (nothing to ask), no error', async () => {
    const smartro = { name: 'smartro', cancels: true, async cancel() { return { kind: 'unknown', message: 'no answer' }; } };
    const a = await paid({ provider: 'smartro' });
    const lost = await cancelsWith({ smartro }).c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    const cancel = /** @type {any} */ (await store().getCancel(/** @type {number} */ (lost.cancel_id)));
    clock.advance(60_000);
    const after = await cancelsWith({}).c.settleFromPg(cancel, 'reconcile');
    assert.deepEqual([after.id, after.status], [cancel.id, 'unknown']);
  });

  test("a Smartro whole cancel in doubt, and the receipt shows the payment cancelled by another amount (a partial cancel made at its admin site meanwhile, then ours of the rest): staff check it, never done with the ledger's balance", async () => {
    const entry = (/** @type {string} */ ref, /** @type {number} */ amount) => ({ ref, amount, at: null, cancelId: null, reason: null });
    let state = { state: 'approved', cancelledTotal: 0, entries: /** @type {any[]} */ ([]) };
    const smartro = smartroInDoubt(() => state);
    const { c } = cancelsWith({ smartro });
    const a = await paid({ provider: 'smartro' });
    const lost = await c.cancel({ order_id: a.order_id, reason: '전체 취소', idempotency_key: `k-${uid()}` });
    assert.equal(lost.status, 'unknown');
    state = { state: 'cancelled', cancelledTotal: 11000, entries: [entry('part:1', 1000), entry('full', 10000)] };
    const cancel = /** @type {any} */ (await store().getCancel(/** @type {number} */ (lost.cancel_id)));
    const after = await c.settleFromPg(cancel, 'reconcile');
    assert.deepEqual([after.status, after.staff_check, after.pg_message], ['unknown', true, 'Smartro shows the payment cancelled, but not as this cancel asked: check its admin site.']);
    assert.equal((await store().getAttempt(a.order_no))?.status, 'paid', 'nothing recorded from it');
  });
});
