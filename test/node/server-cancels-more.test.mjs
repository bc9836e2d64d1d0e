// @ts-check
/**
 * Issue 22 end to end: cancels made in the sandboxes' admin pages found by reconcile(); Smartro's cancel module;
 * virtual-account refunds; refund_due paid through cancelDue; the staff route's guards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelsSuite, STAFF } from './server-cancels-setup.mjs';
import { testClock } from './clock.mjs';
import { postForm, recordOwed, SANDBOX_SHINHAN, shinhanDecide, smartroDecide, startServer, until } from './server-helpers.mjs';

cancelsSuite('cancels: elsewhere, Smartro, accounts, staff', ({ engine, store, database, setup, payShinhan, paySmartro, atPg, staff, key }) => {
  test("cancels made in the sandboxes' admin pages are found by reconcile(): Shinhan's full one, Smartro's partial one", async (t) => {
    const s = await setup(t, { recheckPaidDays: 1 });
    const a = await payShinhan(s);
    const b = await paySmartro(s);
    const untouched = await payShinhan(s); // paid, nothing cancelled anywhere: nothing found, nothing to look at
    await fetch(`${s.pgs.shinhan.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: a.tid, reason: '관리자 취소' }) });
    await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: b.tid, amount: 2500 }) });
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.found.map((f) => [f.order_id, f.amount]).sort(), [[a.order.order_id, 11000], [b.order.order_id, 2500]].sort());
    assert.deepEqual(report.cancels.attention.filter((x) => [a, b, untouched].some((p) => p.order.order_id === x.order_id)), [], 'confirm-info tx_stat 1 (nothing cancelled) needs no staff');
    assert.equal((await store().getAttempt(a.orderNo))?.status, 'refunded');
    const bView = await s.kpg.cancels(b.order.order_id);
    assert.deepEqual([bView?.status, bView?.balance, bView?.cancels[0].source, bView?.cancels[0].reason], ['paid', 8500, 'pg', 'cancelled at the PG (its admin site)']);
    assert.equal((await s.kpg.reconcile()).cancels.found.length, 0, 'recorded once');
    assert.ok(s.logs.some((l) => l.event === 'cancel' && l.what === 'found-at-pg' && l.order_id === a.order.order_id));
  });

  test("reconcile: a paid payment whose PG cannot be asked (Smartro's receipt API answering 503) is passed over quietly, nothing found and no error; the next run finds the cancel made at the admin site", async (t) => {
    const s = await setup(t, { recheckPaidDays: 1 });
    const p = await paySmartro(s);
    const atAdmin = await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid, amount: 1500 }) });
    assert.equal(atAdmin.status, 200);
    await s.pgs.fault('smartro', { api: 'receipt', status: 503, moid: p.orderNo, times: 1 });
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.found.filter((f) => f.order_id === p.order.order_id), []);
    assert.deepEqual(s.logs.filter((l) => l.event === 'error' && l.order_id === p.order.order_id), [], 'no error: the PG is asked again next time');
    assert.deepEqual([(await s.kpg.cancels(p.order.order_id))?.refunded_total], [0]);
    const next = await s.kpg.reconcile();
    assert.deepEqual(next.cancels.found.filter((f) => f.order_id === p.order.order_id).map((f) => f.amount), [1500]);
  });

  test('recheckPaidDays: 0 turns the search for cancels made elsewhere off: not even a payment finished this very moment is asked about', async (t) => {
    const clock = testClock(); // pinned: the payment finishes at the instant reconcile runs
    const s = await setup(t, { recheckPaidDays: 0, now: clock.date });
    const p = await paySmartro(s);
    const atAdmin = await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid, amount: 1500 }) });
    assert.equal(atAdmin.status, 200);
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.found.filter((f) => f.order_id === p.order.order_id), []);
    assert.deepEqual([(await s.kpg.cancels(p.order.order_id))?.refunded_total], [0]);
  });

  test('reconcile: two partial cancels of the same amount, one recorded under its PG reference and one confirmed by staff without it, are both known: nothing found, nothing refunded twice', async (t) => {
    // From a generated mutant (mutate:full --sample, seed 2026) that emptied the set of known references: the
    // PG's entry of the first cancel then took the staff-confirmed one's place, and the second was recorded
    // again as a cancel "made elsewhere": 2,000 won refunded twice in the ledger.
    const s = await setup(t, { recheckPaidDays: 1 });
    const p = await paySmartro(s);
    const first = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분 1', idempotency_key: key() });
    assert.equal(first.status, 'done');
    await s.pgs.fault('smartro', { api: 'cancel', status: 502, tid: p.tid });
    const second = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분 2', idempotency_key: key() });
    assert.equal(second.status, 'unknown');
    assert.equal((await s.kpg.confirmCancel(/** @type {number} */ (second.cancel_id), { done: true, by: 'kim' })).status, 'done');
    assert.equal((await atPg(s, 'smartro', p.tid)).cancel.log.length, 2, 'the PG made both');
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.found.filter((f) => f.order_id === p.order.order_id), []);
    const view = await s.kpg.cancels(p.order.order_id);
    assert.deepEqual([view?.refunded_total, view?.balance, view?.cancels.length], [4000, 7000, 2]);
  });

  test('reconcile: a partial cancel made at Smartro\'s admin site and recorded by the shop (kpg.recordCancel) is known when reconcile finds it: not recorded twice; one the shop recorded at another amount is a ledger mismatch for staff, nothing recorded', async (t) => {
    const s = await setup(t, { recheckPaidDays: 1 });
    /** @param {string} tid @param {number} amount */
    const atAdmin = (tid, amount) => fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid, amount }) });
    const p = await paySmartro(s);
    assert.equal((await atAdmin(p.tid, 2000)).status, 200);
    // The key is stored as pg:staff:<key> (255 characters at most): a longer key is refused as such, before
    // anything is recorded, never taken for an amount over the balance.
    await assert.rejects(
      s.kpg.recordCancel({ order_id: p.order.order_id, amount: 2000, reason: '관리자 사이트 부분취소', idempotency_key: `${key()}-`.padEnd(247, 'k') }),
      (/** @type {any} */ e) => e.status === 400 && e.code === 'invalid-field' && e.field === 'idempotency_key' && /246/.test(e.message),
    );
    const longest = `${key()}-`.padEnd(246, 'k');
    const recorded = await s.kpg.recordCancel({ order_id: p.order.order_id, amount: 2000, reason: '관리자 사이트 부분취소', idempotency_key: longest });
    assert.equal(recorded.status, 'done');
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.found.filter((f) => f.order_id === p.order.order_id), [], 'the shop recorded it');
    const view = await s.kpg.cancels(p.order.order_id);
    assert.deepEqual([view?.refunded_total, view?.balance, view?.cancels.length], [2000, 9000, 1]);
    // A second one the shop did not record is found, once.
    assert.equal((await atAdmin(p.tid, 3000)).status, 200);
    assert.deepEqual((await s.kpg.reconcile()).cancels.found.filter((f) => f.order_id === p.order.order_id).map((f) => f.amount), [3000]);
    assert.deepEqual([(await s.kpg.cancels(p.order.order_id))?.refunded_total], [5000]);

    // The shop recorded 5,000 where the PG made 8,000: the PG's 8,000 is more than the ledger has left (6,000).
    const q = await paySmartro(s);
    assert.equal((await atAdmin(q.tid, 8000)).status, 200);
    assert.equal((await s.kpg.recordCancel({ order_id: q.order.order_id, amount: 5000, reason: '잘못 기록', idempotency_key: key() })).status, 'done');
    await s.kpg.reconcile();
    assert.deepEqual([(await s.kpg.cancels(q.order.order_id))?.refunded_total], [5000], 'nothing recorded from it');
    const mismatch = s.logs.filter((l) => l.event === 'cancel' && l.what === 'found-at-pg' && l.order_id === q.order.order_id);
    assert.deepEqual(mismatch.map((l) => [l.level, l.outcome, l.amount]), [['error', 'ledger-mismatch', 8000]]);
  });

  test('Smartro: partial and full cancels through its cancel module, verified with the receipt API; off without cancelPassword', async (t) => {
    const s = await setup(t);
    const p = await paySmartro(s);
    const part = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1100, reason: '부분 반품', idempotency_key: key() });
    assert.deepEqual([part.status, part.cancelled_amount, part.balance], ['done', 1100, 9900], JSON.stringify(part));
    const rest = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체', idempotency_key: key() });
    assert.deepEqual([rest.status, rest.cancelled_amount, rest.balance], ['done', 9900, 0]);
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
    // A lost Smartro cancel that staff confirm from the admin site is not found again as one "made elsewhere".
    const lost = await paySmartro(s);
    await s.pgs.fault('smartro', { api: 'cancel', status: 502, tid: lost.tid });
    const unknown = await s.kpg.cancel({ order_id: lost.order.order_id, amount: 2000, reason: '부분', idempotency_key: key() });
    assert.equal(unknown.status, 'unknown');
    assert.deepEqual([unknown.code, unknown.message], ['pg-unreachable', "Smartro's cancel module answered HTTP 502."], 'what staff read: why it is in doubt');
    assert.equal((await s.kpg.confirmCancel(/** @type {number} */ (unknown.cancel_id), { done: true, by: 'kim' })).status, 'done');
    const again = await s.kpg.reconcile();
    assert.equal(again.cancels.found.filter((f) => f.order_id === lost.order.order_id).length, 0);
    assert.equal((await s.kpg.cancels(lost.order.order_id))?.refunded_total, 2000);
    const phone = await paySmartro(s, 'phone');
    const refused = await s.kpg.cancel({ order_id: phone.order.order_id, amount: 1000, reason: '부분', idempotency_key: key() });
    assert.deepEqual([refused.status, refused.code], ['refused', 'partial-unsupported']);

    const off = await setup(t, { smartroCancels: false });
    const q = await paySmartro(off);
    const answer = await off.kpg.cancel({ order_id: q.order.order_id, reason: '취소', idempotency_key: key() });
    assert.deepEqual([answer.status, answer.code], ['refused', 'smartro-cancel-off']);
    assert.equal((await atPg(off, 'smartro', q.tid)).cancel.log.length, 0, 'nothing sent');
  });

  test("Smartro: RetryURL repeating an approval after the payment was refunded is answered OK (Smartro stops asking): nothing changes, nothing is owed", async (t) => {
    const s = await setup(t);
    const { order, orderNo, fields } = await paySmartro(s);
    const all = await s.kpg.cancel({ order_id: order.order_id, reason: '전체 취소', idempotency_key: key() });
    assert.equal(all.status, 'done', JSON.stringify(all));
    assert.equal((await store().getAttempt(orderNo))?.status, 'refunded');
    // Smartro repeats RetryURL until it reads 200 "OK" (its answer to the first try was lost): the approval
    // is the one recorded, so OK, at once. Anything else would have Smartro repeat it for as long as it tries.
    const retry = await postForm(`${s.base}/api/kpg/smartro/retry`, fields);
    assert.deepEqual([retry.status, await retry.text()], [200, 'OK']);
    const after = await store().getAttempt(orderNo);
    assert.deepEqual([after?.status, after?.tid], ['refunded', fields.TID]);
    assert.deepEqual((await s.kpg.refundsDue()).filter((r) => r.order_id === order.order_id), [], 'the refunded approval is not owed a second time');
    assert.deepEqual(await s.kpg.refusals({ orderNo }), []);
  });

  test('a Shinhan virtual account: before the deposit a cancel closes it; after it, a refund without refund_account is a 400 naming the field, with one it is recorded', async (t) => {
    const s = await setup(t);
    /** @param {boolean} deposit */
    async function account(deposit) {
      const order = s.shop.add();
      const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, pgcode: 'selpay' });
      const page = await shinhanDecide(session.json.redirect_url, 'approve', { method: 'vbank' });
      await postForm(/** @type {string} */ (page.action), page.fields);
      if (deposit) {
        await fetch(`${s.pgs.shinhan.origin}/__sandbox/vbank`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: page.fields.tid }) });
        await s.kpg.reconcile();
      }
      return { order, orderNo: session.json.order_no, tid: page.fields.tid };
    }
    const waiting = await account(false);
    assert.equal((await store().getAttempt(waiting.orderNo))?.status, 'awaiting_deposit');
    // Closing it fails at the PG first: unreachable (unknown, asked again by reconcile), then refused; the account stays open.
    await s.pgs.fault('shinhan', { api: 'cancel', tid: waiting.tid, applied: false, status: 503 });
    const lost = await s.kpg.cancel({ order_id: waiting.order.order_id, reason: '주문 취소', idempotency_key: key() });
    assert.deepEqual([lost.status, lost.code, lost.balance], ['unknown', 'pg-unreachable', 0], JSON.stringify(lost));
    assert.match(lost.message ?? '', /reconcile\(\) asks the PG about the account again\.$/);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: waiting.tid, applied: false, status: 400 });
    const refusedClose = await s.kpg.cancel({ order_id: waiting.order.order_id, reason: '주문 취소', idempotency_key: key() });
    assert.equal(refusedClose.status, 'refused', JSON.stringify(refusedClose));
    assert.equal((await store().getAttempt(waiting.orderNo))?.status, 'awaiting_deposit');
    const closed = await s.kpg.cancel({ order_id: waiting.order.order_id, reason: '주문 취소', idempotency_key: key() });
    assert.deepEqual([closed.status, closed.code], ['done', 'account-closed']);
    const attempt = await store().getAttempt(waiting.orderNo);
    assert.deepEqual([attempt?.status, attempt?.reason], ['cancelled', 'cancelled-by-shop']);
    // Each try is logged with its outcome; the two that failed as warnings.
    const tries = s.logs.filter((l) => l.event === 'cancel' && l.what === 'close-account' && l.order_no === waiting.orderNo);
    assert.deepEqual(tries.map((l) => [l.outcome, l.level]), [['unknown', 'warn'], ['refused', 'warn'], ['done', 'info']]);
    // The shop hears of it as of every account's close (it was told vbank.issued before).
    const told = (await store().events({ orderId: waiting.order.order_id })).map((e) => [e.type, e.data.status, e.data.reason ?? null]);
    assert.deepEqual(told, [['vbank.expired', 'cancelled', 'cancelled-by-shop'], ['vbank.issued', 'awaiting_deposit', null]]);

    const paid = await account(true);
    assert.equal((await store().getAttempt(paid.orderNo))?.status, 'paid');
    const route = await staff(s, '/cancel', { order_id: paid.order.order_id, reason: '환불', idempotency_key: key() });
    assert.deepEqual([route.status, route.json.code, route.json.field], [400, 'missing-field', 'refund_account']);
    const partial = await staff(s, '/cancel', { order_id: paid.order.order_id, amount: 1000, reason: '환불', idempotency_key: key(), refund_account: { bank_code: '088', account_no: '110123456789', holder: '홍길동' } });
    assert.deepEqual([partial.status, partial.json.code, partial.json.field], [400, 'partial-refund-unsupported', 'amount']);
    const refund = await staff(s, '/cancel', { order_id: paid.order.order_id, reason: '환불', idempotency_key: key(), refund_account: { bank_code: '088', account_no: '110123456789', holder: '홍길동' } });
    assert.equal(refund.status, 200, refund.text);
    assert.equal(refund.json.status, 'done');
    assert.deepEqual((await atPg(s, 'shinhan', paid.tid)).cancels[0].refundAccount, { bank_cd: '088', bank_acct_no: '110123456789', bank_name: '홍길동' });
    const view = await staff(s, '/cancels?order_id=' + paid.order.order_id, undefined);
    assert.equal(view.status, 405, 'GET only');
    const listed = await s.call(`/api/kpg/staff/cancels?order_id=${paid.order.order_id}`, { headers: STAFF, buyer: null });
    assert.deepEqual(listed.json.cancels[0].refund_account, { bank_code: '088', account_no: '********6789', holder: '홍길동' });
    assert.ok(!s.logs.some((l) => JSON.stringify(l).includes('110123456789')), 'the buyer\'s account number is never logged');
  });

  test('Smartro virtual accounts: a waiting one is closed whole (another amount is a 400 naming it; with cancels off, refused, nothing sent); a deposited one is refused refund-by-shop, nothing sent', async (t) => {
    const s = await setup(t);
    const off = await setup(t, { smartroCancels: false });
    const account = (/** @type {any} */ server) => paySmartro(server, 'vbank');
    const waiting = await account(s);
    await assert.rejects(s.kpg.cancel({ order_id: waiting.order.order_id, amount: 1000, reason: '부분', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 400 && e.code === 'invalid-field' && e.field === 'amount');
    const closedOff = await account(off);
    const refusedOff = await off.kpg.cancel({ order_id: closedOff.order.order_id, reason: '주문 취소', idempotency_key: key() });
    assert.deepEqual([refusedOff.status, refusedOff.code], ['refused', 'smartro-cancel-off']);
    assert.equal((await store().getAttempt(closedOff.orderNo))?.status, 'awaiting_deposit', 'still open: close it at Smartro');
    assert.equal((await atPg(off, 'smartro', closedOff.tid)).cancel.log.length, 0, 'nothing sent');

    // Deposited: Smartro's cancel carries no refund account (guide 6.27): the shop refunds, nothing is sent.
    const deposited = await account(s);
    assert.equal((await fetch(`${s.pgs.smartro.origin}/payTest/vbank_deposit_notice.jsp`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tid: deposited.tid }) })).status, 200);
    await until(async () => (await store().getAttempt(deposited.orderNo))?.status === 'paid', 8000, 'the deposit recorded');
    const refund = await s.kpg.cancel({ order_id: deposited.order.order_id, reason: '환불', idempotency_key: key() });
    assert.deepEqual([refund.status, refund.code, refund.balance], ['refused', 'refund-by-shop', 11000]);
    assert.match(refund.message ?? '', /^Smartro's cancel has no refund account for a deposited virtual account \(guide 6\.27\): refund the buyer yourself .* kpg\.recordCancel\(\)\.$/);
    assert.equal((await atPg(s, 'smartro', deposited.tid)).cancel.log.length, 0, 'nothing sent');
    // The shop refunds it itself and records it: once, whatever the retries. A reference of 51 characters is
    // refused, naming its rule, and records nothing.
    await assert.rejects(
      s.kpg.recordCancel({ order_id: deposited.order.order_id, amount: 11000, reason: '계좌 환불', idempotency_key: key(), pg_cancel_id: 'x'.repeat(51) }),
      (/** @type {any} */ e) => e.status === 400 && e.code === 'invalid-field' && e.field === 'pg_cancel_id' && /^pg_cancel_id must be 1-50 characters/.test(e.message),
    );
    const k = key();
    const recorded = await s.kpg.recordCancel({ order_id: deposited.order.order_id, amount: 11000, reason: '계좌 환불', idempotency_key: k, pg_cancel_id: ' 환불-0001 ' });
    assert.deepEqual([recorded.status, recorded.cancelled_amount, recorded.balance, recorded.pg_cancel_id], ['done', 11000, 0, '환불-0001'], JSON.stringify(recorded));
    assert.equal((await s.kpg.cancels(deposited.order.order_id))?.cancels[0].pg_cancel_id, '환불-0001', 'the reference staff gave is kept, trimmed');
    const again = await s.kpg.recordCancel({ order_id: deposited.order.order_id, amount: 11000, reason: '계좌 환불', idempotency_key: k, pg_cancel_id: ' 환불-0001 ' });
    assert.deepEqual([again.status, again.cancel_id, again.balance], ['done', recorded.cancel_id, 0], 'the same record again, not a second refund');
    assert.equal((await s.kpg.cancels(deposited.order.order_id))?.refunded_total, 11000);
    const more = await s.kpg.recordCancel({ order_id: deposited.order.order_id, amount: 1, reason: '더', idempotency_key: key() });
    assert.deepEqual([more.status, more.code], ['refused', 'exceeds-balance'], 'nothing is left to record');
    // An order with no payment has nothing to record a refund against.
    const unpaid = s.shop.add();
    await assert.rejects(s.kpg.recordCancel({ order_id: unpaid.order_id, amount: 1000, reason: '계좌 환불', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 404 && e.code === 'no-payment' && e.field === 'order_id');
  });

  test('an order whose payment is not known yet (Smartro approved, its receipt API down: unknown, holding the TID it was claimed with) has nothing to cancel: 404 no-payment, no cancel at the PG', async (t) => {
    // From a generated mutant (mutate:full --sample, seed 1218) that took any open attempt holding a TID for a
    // virtual account waiting for its deposit: the order's cancel then cancelled the approval at Smartro, whole,
    // with nothing in the ledger, while the attempt was still being verified.
    const s = await setup(t);
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2, pay_method: 'card' });
    assert.equal(session.status, 200, session.text);
    await s.pgs.fault('smartro', { api: 'retry', suppress: true });
    await s.pgs.fault('smartro', { api: 'receipt', status: 503, moid: session.json.order_no, times: 20 });
    const result = await smartroDecide(session.json, 'approve');
    await postForm(/** @type {string} */ (result.action), result.fields);
    const attempt = await store().getAttempt(session.json.order_no);
    assert.deepEqual([attempt?.status, typeof attempt?.claimed_tid], ['unknown', 'string']);
    await assert.rejects(
      s.kpg.cancel({ order_id: order.order_id, reason: '확인 전 취소', idempotency_key: key() }),
      (/** @type {any} */ e) => e.status === 404 && e.code === 'no-payment' && e.field === 'order_id',
    );
    assert.deepEqual((await atPg(s, 'smartro', /** @type {string} */ (attempt?.claimed_tid)))?.cancel.log, [], 'nothing cancelled at Smartro');
    assert.equal((await store().getAttempt(session.json.order_no))?.status, 'unknown', 'left for reconcile to settle');
  });

  test('a refund_due entry is given back through cancelDue and resolved', async (t) => {
    const s = await setup(t);
    // Money Shinhan took for an attempt this server never recorded as paid: confirmed at the PG behind its back.
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, pgcode: 'card' });
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    const confirm = await fetch(`${s.pgs.shinhan.origin}/v1.0/payments/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `SPGKEY ${s.pgs.options.shinhan.paymentApiKey}` },
      body: JSON.stringify({ client_id: s.pgs.options.shinhan.clientId, order_no: session.json.order_no, confirm_token: page.fields.confirm_token, ip_addr: '203.0.113.9' }),
    });
    const tid = (await confirm.json()).tid;
    await recordOwed(store(), { provider: 'shinhan', tid, merchant_id: s.pgs.options.shinhan.clientId, order_no: session.json.order_no, order_id: order.order_id, amount: 11000, reason: 'superseded' }, '2026-12-01T00:00:00.000Z');
    assert.equal((await s.kpg.refundsDue()).length, 1);
    const k = key();
    const answer = await s.kpg.cancelDue(tid, { reason: '중복 결제 환불', idempotency_key: k });
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.balance], ['done', 11000, 0], JSON.stringify(answer));
    assert.equal((await s.kpg.refundsDue()).length, 0);
    assert.match(/** @type {string} */ ((await s.kpg.refundsDue({ includeResolved: true }))[0].resolution), /cancelled at the PG/);
    // The cancel's log line says the entry was resolved by it (what staff search the log for, beside the entry's resolution).
    const line = s.logs.find((l) => l.event === 'cancel' && l.cancel_id === answer.cancel_id && l.status === 'done');
    assert.deepEqual([line?.refund_due_resolved, line?.tid], [true, tid], JSON.stringify(s.logs.filter((l) => l.event === 'cancel')));
    assert.deepEqual(await s.kpg.cancelDue(tid, { reason: '중복 결제 환불', idempotency_key: k }), answer);
    // Asked again under another key: resolved already, nothing is sent to the PG again.
    const again = await s.kpg.cancelDue(tid, { reason: '중복 결제 환불', idempotency_key: key() });
    assert.deepEqual([again.status, again.code], ['refused', 'resolved'], JSON.stringify(again));
    await assert.rejects(s.kpg.cancelDue('nope', { reason: 'x', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 404 && e.code === 'unknown-refund' && e.field === 'tid');
  });

  test('the staff route: authorizeStaff, the X-KPG-Staff header, the Origin, JSON only; the buyers\' authorize does not open it', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s);
    const body = { order_id: p.order.order_id, amount: 1000, reason: '반품', idempotency_key: key() };
    assert.equal((await staff(s, '/cancel', body, { 'X-KPG-Staff': '1' })).status, 403, 'not staff');
    assert.equal((await staff(s, '/cancel', body, { 'x-staff': 'kim' })).json.code, 'staff-header-missing');
    assert.equal((await staff(s, '/cancel', body, { ...STAFF, Origin: 'https://evil.example' })).json.code, 'cross-origin');
    assert.equal((await staff(s, '/cancel', body, { ...STAFF, 'Sec-Fetch-Site': 'cross-site' })).json.code, 'cross-origin');
    const form = await s.call('/api/kpg/staff/cancel', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(/** @type {any} */ (body)), buyer: null });
    assert.equal(form.status, 415);
    assert.equal((await staff(s, '/cancel', body, { ...STAFF, Origin: s.base })).status, 200);
    const view = await s.call(`/api/kpg/staff/cancels?order_id=${p.order.order_id}`, { headers: STAFF, buyer: null });
    assert.deepEqual([view.json.refunded_total, view.json.cancels[0].requested_by], [1000, 'staff:kim']);
    const bad = await staff(s, '/cancel', { ...body, idempotency_key: key(), refund_account: { bank_code: '88' } });
    assert.deepEqual([bad.status, bad.json.field], [400, 'refund_account']);
    assert.equal((await s.call('/api/kpg/staff/cancel', { headers: STAFF, buyer: null })).status, 405);
    const noStaff = await startServer(t, store(), { ...s.pgs.options, loadOrder: s.shop.loadOrder, authorize: () => true });
    assert.equal((await noStaff.call('/api/kpg/staff/cancel', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status, 404);
  });

  test("what the shop's authorizeStaff answers: true is 'staff', {id} is 'staff:<id>' (trimmed, at most 90 characters); anything else is 403 forbidden, never a 500", async (t) => {
    /** @type {unknown} */
    let answer;
    const s = await startServer(t, store(), { shinhan: { ...SANDBOX_SHINHAN, apiBase: 'http://127.0.0.1:2/' }, authorize: () => true, loadOrder: async () => null, authorizeStaff: () => answer });
    const me = async () => {
      const r = await s.call('/api/kpg/staff/me', { headers: { 'X-KPG-Staff': '1' }, buyer: null });
      return r.status === 200 ? r.json.staff : `${r.status} ${r.json?.code}`;
    };
    answer = true;
    assert.equal(await me(), 'staff');
    answer = { id: '  이순신  ' };
    assert.equal(await me(), 'staff:이순신');
    answer = { id: 'k'.repeat(120) };
    assert.equal(await me(), `staff:${'k'.repeat(90)}`);
    for (const no of [false, null, undefined, 0, '', 'kim', 1, {}, { id: '' }, { id: '   ' }, { id: 5 }, []]) {
      answer = no;
      assert.equal(await me(), '403 forbidden', `authorizeStaff answering ${JSON.stringify(no)}`);
    }
  });

  test('a staff confirm names an amount only when it says done: with done false, an amount is a 400 naming it, and nothing is settled', async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 503 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    const wrong = await staff(s, '/cancels/confirm', { cancel_id: lost.cancel_id, done: false, amount: 2000 });
    assert.deepEqual([wrong.status, wrong.json.code, wrong.json.field, wrong.json.message], [400, 'invalid-field', 'amount', 'amount goes with done: true only.'], wrong.text);
    assert.equal((await store().getCancel(/** @type {number} */ (lost.cancel_id)))?.status, 'unknown', 'nothing settled');
    // The PG made it (the fault let the cancel through): done, for the amount staff read at the PG.
    const done = await staff(s, '/cancels/confirm', { cancel_id: lost.cancel_id, done: true, amount: 2000 });
    assert.deepEqual([done.status, done.json.status, done.json.cancelled_amount], [200, 'done', 2000], done.text);
  });
});
