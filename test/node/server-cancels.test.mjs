// @ts-check
/**
 * Issue 22 end to end: kpg.cancel, the staff route and reconcile() through the sandbox PGs, on PGlite and on
 * PostgreSQL. Full and partial cancels on both PGs; one PG call per idempotency key; racing keys (also two
 * server instances on one PostgreSQL); a Shinhan cancel that times out is unknown, blocks the next, and is
 * settled by confirm-info (or waits for staff when confirm-info cannot prove it); the promotion rule; cancels
 * made in the sandboxes' admin pages found by reconcile(); virtual-account refunds; refund_due paid through
 * cancelDue; the staff route's guards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKpgServer } from '../../dist/server/index.js';
import { openStore } from '../../dist/server/store/open.js';
import {
  forEachEngine,
  postForm,
  sandboxes,
  SANDBOX_SECRETS,
  SANDBOX_SMARTRO_CANCEL_PASSWORD,
  shinhanDecide,
  shopOrders,
  smartroDecide,
  startServer,
} from './server-helpers.mjs';

/** The document's promotion example (card-list's prmt_list): 1,000 off from 5,000. */
const PROMOTIONS = { S009: [{ prmt_name: '5천원 이상 1천원 할인', prmt_ctnt: '(샌드박스)', prmt_cndi_amt: 5000, prmt_amt: 1000, id_max_aply_yn: 'N', max_cnt_aply_type: 4, max_cnt: 1 }] };
const STAFF = { 'X-KPG-Staff': '1', 'x-staff': 'kim' };

forEachEngine('cancels through the sandbox PGs', ({ engine, store, database }) => {
  /**
   * @param {import('node:test').TestContext} t
   * @param {{ pgTimeoutMs?: number, cancelSettleMs?: number, smartroCancels?: boolean }} [o]
   */
  async function setup(t, o = {}) {
    const pgs = await sandboxes(t, {}, { promotions: PROMOTIONS });
    const shop = shopOrders();
    const server = await startServer(
      t,
      store(),
      {
        ...pgs.options,
        shinhan: { ...pgs.options.shinhan, pgcodes: ['card', 'selpay'] },
        smartro: { ...pgs.options.smartro, payMethods: ['card', 'vbank', 'bank', 'phone'], ...(o.smartroCancels === false ? {} : { cancelPassword: SANDBOX_SMARTRO_CANCEL_PASSWORD }) },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        authorizeStaff: (/** @type {{ request: Request }} */ { request }) => (request.headers.get('x-staff') === 'kim' ? { id: 'kim' } : false),
        pgTimeoutMs: o.pgTimeoutMs ?? 6000,
        cancelSettleMs: o.cancelSettleMs ?? 0,
        rateLimit: false,
      },
      { secrets: SANDBOX_SECRETS },
    );
    return { pgs, shop, ...server };
  }
  /** @typedef {Awaited<ReturnType<typeof setup>>} S */

  /**
   * An order paid with Shinhan through the server (session, the sandbox's page, return_url, confirm).
   * @param {S} s @param {Partial<{ amount: number, taxfree_amount: number }>} [o] @param {Record<string, unknown>} [body]
   */
  async function payShinhan(s, o = {}, body = {}) {
    const order = s.shop.add(o);
    if (o.taxfree_amount !== undefined) s.shop.orders.set(order.order_id, { ...order, taxfree_amount: o.taxfree_amount });
    const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, pgcode: 'card', ...body });
    assert.equal(session.status, 200, session.text);
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
    const res = (await s.call(`/api/kpg/result?order_no=${session.json.order_no}`)).json;
    assert.equal(res.status, 'paid', JSON.stringify(res));
    return { order, orderNo: session.json.order_no, tid: res.tid };
  }

  /** @param {S} s @param {'card' | 'bank' | 'phone'} [payMethod] */
  async function paySmartro(s, payMethod = 'card') {
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2, pay_method: payMethod });
    assert.equal(session.status, 200, session.text);
    const result = await smartroDecide(session.json, 'approve');
    await postForm(/** @type {string} */ (result.action), result.fields);
    const res = (await s.call(`/api/kpg/result?order_no=${session.json.order_no}`)).json;
    assert.equal(res.status, 'paid', JSON.stringify(res));
    return { order, orderNo: session.json.order_no, tid: res.tid };
  }

  /** The sandbox's record of a payment. @param {S} s @param {'shinhan' | 'smartro'} pg @param {string} tid */
  async function atPg(s, pg, tid) {
    const origin = pg === 'shinhan' ? s.pgs.shinhan.origin : s.pgs.smartro.origin;
    const { payments } = await (await fetch(`${origin}/__sandbox/payments`)).json();
    return payments.find((/** @type {any} */ p) => p.tid === tid);
  }

  /** @param {S} s @param {string} path @param {unknown} body @param {Record<string, string>} [headers] */
  const staff = (s, path, body, headers = STAFF) => s.call(`/api/kpg/staff${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body), buyer: null });

  let keys = 0;
  const key = () => `key-${engine}-${Date.now()}-${++keys}`;

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

  test('a Shinhan cancel that times out is unknown, the next one is refused, and reconcile() settles it from confirm-info (tx_stat 2): refunded', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() });
    assert.deepEqual([lost.status, lost.code], ['unknown', 'pg-unreachable'], JSON.stringify(lost));
    const next = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1000, reason: '다른 취소', idempotency_key: key() });
    assert.deepEqual([next.status, next.code], ['refused', 'cancel-in-flight']);
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1, 'nothing sent twice');
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.settled, [{ cancel_id: lost.cancel_id, order_id: p.order.order_id, status: 'done' }]);
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
  });

  test('a Shinhan partial cancel lost while confirm-info said tx_stat 1 is proven by tx_stat 3; one lost while it already said 3 waits for staff, who confirm it', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 502 });
    const first = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1000, reason: '부분', idempotency_key: key() });
    assert.equal(first.status, 'unknown');
    await s.kpg.reconcile();
    const provable = (await s.kpg.cancels(p.order.order_id))?.cancels[0];
    assert.deepEqual([provable?.status, provable?.amount], ['done', 1000], 'tx_stat 1 before, 3 after: this cancel');

    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 502 });
    const second = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분 2', idempotency_key: key() });
    assert.equal(second.status, 'unknown');
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.unknown.map((u) => [u.cancel_id, u.staff_check]), [[second.cancel_id, true]]);
    const waiting = await s.kpg.cancel({ order_id: p.order.order_id, amount: 500, reason: 'x', idempotency_key: key() });
    assert.equal(waiting.code, 'cancel-in-flight');
    // The staff route: checked in Shinhan's admin site, it was made.
    const confirmed = await staff(s, '/cancels/confirm', { cancel_id: second.cancel_id, done: true, note: '관리자 사이트에서 확인' });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.deepEqual([confirmed.json.status, confirmed.json.refunded_total, confirmed.json.balance], ['done', 3000, 8000]);
    const row = (await s.kpg.cancels(p.order.order_id))?.cancels[1];
    assert.deepEqual([row?.settled_by, row?.settle_note], ['staff:kim', '관리자 사이트에서 확인']);
    assert.equal((await staff(s, '/cancels/confirm', { cancel_id: second.cancel_id, done: false })).json.code, 'cancel-settled');
  });

  test('a lost cancel the PG did not make: reconcile() records it not done, and the balance is back', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid, applied: false, status: 503 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '취소', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    await s.kpg.reconcile();
    const row = (await s.kpg.cancels(p.order.order_id))?.cancels[0];
    assert.deepEqual([row?.status, row?.code], ['failed', 'not-cancelled']);
    const again = await s.kpg.cancel({ order_id: p.order.order_id, reason: '취소', idempotency_key: key() });
    assert.equal(again.status, 'done');
  });

  test("the promotion rule: two partial cancels of 5,000 on 10,000 with 1,000 off: the ledger records 5,000 then 4,000, as the PG answered", async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s, { amount: 10000 }, { card_cpny_cd: 'S009' });
    const first = await s.kpg.cancel({ order_id: p.order.order_id, amount: 5000, reason: '반품 1', idempotency_key: key() });
    assert.deepEqual([first.cancelled_amount, first.balance], [5000, 4000], 'the buyer paid 9,000');
    const second = await s.kpg.cancel({ order_id: p.order.order_id, amount: 5000, reason: '반품 2', idempotency_key: key() });
    assert.deepEqual([second.status, second.cancelled_amount, second.refunded_total, second.balance], ['done', 4000, 9000, 0]);
    const view = await s.kpg.cancels(p.order.order_id);
    assert.deepEqual(view?.cancels.map((c) => [c.requested_amount, c.amount]), [[5000, 5000], [5000, 4000]]);
    assert.equal(view?.status, 'refunded');
    // Below the threshold the PG cancels the whole balance: asked 3,000, given back 9,000.
    const q = await payShinhan(s, { amount: 10000 }, { card_cpny_cd: 'S009' });
    const small = await s.kpg.cancel({ order_id: q.order.order_id, amount: 3000, reason: '소액 반품', idempotency_key: key() });
    assert.deepEqual([small.status, small.cancelled_amount, small.balance], ['done', 9000, 0]);
    assert.equal((await store().getAttempt(q.orderNo))?.status, 'refunded');
  });

  test("cancels made in the sandboxes' admin pages are found by reconcile(): Shinhan's full one, Smartro's partial one", async (t) => {
    const s = await setup(t);
    const a = await payShinhan(s);
    const b = await paySmartro(s);
    await fetch(`${s.pgs.shinhan.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: a.tid, reason: '관리자 취소' }) });
    await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: b.tid, amount: 2500 }) });
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.found.map((f) => [f.order_id, f.amount]).sort(), [[a.order.order_id, 11000], [b.order.order_id, 2500]].sort());
    assert.equal((await store().getAttempt(a.orderNo))?.status, 'refunded');
    const bView = await s.kpg.cancels(b.order.order_id);
    assert.deepEqual([bView?.status, bView?.balance, bView?.cancels[0].source, bView?.cancels[0].reason], ['paid', 8500, 'pg', 'cancelled at the PG (its admin site)']);
    assert.equal((await s.kpg.reconcile()).cancels.found.length, 0, 'recorded once');
    assert.ok(s.logs.some((l) => l.event === 'cancel' && l.what === 'found-at-pg' && l.order_id === a.order.order_id));
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
    const closed = await s.kpg.cancel({ order_id: waiting.order.order_id, reason: '주문 취소', idempotency_key: key() });
    assert.deepEqual([closed.status, closed.code], ['done', 'account-closed']);
    const attempt = await store().getAttempt(waiting.orderNo);
    assert.deepEqual([attempt?.status, attempt?.reason], ['cancelled', 'cancelled-by-shop']);

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
    await store().recordRefundDue({ provider: 'shinhan', tid, merchant_id: s.pgs.options.shinhan.clientId, order_no: session.json.order_no, order_id: order.order_id, amount: 11000, reason: 'superseded' }, new Date().toISOString());
    assert.equal((await s.kpg.refundsDue()).length, 1);
    const k = key();
    const answer = await s.kpg.cancelDue(tid, { reason: '중복 결제 환불', idempotency_key: k });
    assert.deepEqual([answer.status, answer.cancelled_amount, answer.balance], ['done', 11000, 0], JSON.stringify(answer));
    assert.equal((await s.kpg.refundsDue()).length, 0);
    assert.match(/** @type {string} */ ((await s.kpg.refundsDue({ includeResolved: true }))[0].resolution), /cancelled at the PG/);
    assert.deepEqual(await s.kpg.cancelDue(tid, { reason: '중복 결제 환불', idempotency_key: k }), answer);
    await assert.rejects(s.kpg.cancelDue('nope', { reason: 'x', idempotency_key: key() }), (/** @type {any} */ e) => e.status === 404 && e.field === 'tid');
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
});
