// @ts-check
/**
 * kpg-checkout/server end to end through the sandbox PGs at the HTTP level, on PGlite and PostgreSQL: what
 * the browser end-to-end tests of issue 10 will click through once the widget handles the new answers
 * (two tabs, slow verification + a closed window, a confirm timeout then reconcile), and the server side of
 * issue 12 (app_scheme reaching the PG request, kpg_order_no on mobile returns).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachEngine, postForm, sandboxes, SANDBOX_SECRETS, shinhanDecide, shopOrders, smartroDecide, startServer, TEST_CI, until } from './server-helpers.mjs';

/** A fake PG here can hang on purpose: the server's own PG timeout (set short below) must end it; this bounds the test if it does not. */
const HANG_BOUND = { timeout: 20_000 };

forEachEngine('kpg-checkout/server through the sandbox PGs', ({ store }) => {
  /**
   * @param {import('node:test').TestContext} t
   * @param {{ lookup?: boolean, pgTimeoutMs?: number, resultWaitMs?: number, retry?: { retryAttempts?: number, retryDelayMs?: number } }} [o]
   */
  async function setup(t, o = {}) {
    const pgs = await sandboxes(t, o.retry);
    const shop = shopOrders();
    const server = await startServer(t, store(), {
      ...pgs.options,
      smartro: { ...pgs.options.smartro, receiptLookupByMoid: o.lookup ?? true },
      loadOrder: shop.loadOrder,
      authorize: shop.authorize,
      pgTimeoutMs: o.pgTimeoutMs ?? 6000,
      resultWaitMs: o.resultWaitMs,
      rateLimit: false,
    }, { secrets: SANDBOX_SECRETS });
    /** @param {string} orderNo */
    const result = async (orderNo) => (await server.call(`/api/kpg/result?order_no=${orderNo}`)).json;
    return { pgs, shop, ...server, result };
  }

  test('a Smartro attempt left open when the shop turns Smartro off (a restart with Shinhan only): a new session of its order keeps it and reconcile leaves it, past its time too (Smartro may have approved it, and nothing can ask); nothing crashes', async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    assert.equal(session.status, 200, session.text);
    const orderNo = session.json.order_no;
    // And a Smartro payment made before the restart: reconcile's re-check of paid payments (cancels made at
    // the PG's admin site) has no Smartro to ask, and leaves it as it is.
    const paidOrder = s.shop.add();
    const paidSession = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: paidOrder.order_id, device_type: 2 });
    const approved = await smartroDecide(paidSession.json, 'approve');
    await postForm(/** @type {string} */ (approved.action), approved.fields);
    assert.equal((await s.result(paidSession.json.order_no)).status, 'paid');
    // The same database, a server configured for Shinhan only.
    // attemptTtlMs 1: its attempt is past its time at once (reconcile would expire an attempt it could ask about).
    const shinhanOnly = await startServer(t, store(), { shinhan: s.pgs.options.shinhan, loadOrder: s.shop.loadOrder, authorize: s.shop.authorize, rateLimit: false, attemptTtlMs: 1 }, { secrets: SANDBOX_SECRETS });
    const closed = await shinhanOnly.postJson('/api/kpg/result', { order_no: orderNo, event: 'window-closed' });
    assert.deepEqual([closed.status, closed.json.code], [404, 'unknown-order'], 'it serves no Smartro attempt');
    const next = await shinhanOnly.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    assert.deepEqual([next.status, next.json.code], [409, 'attempt-in-progress'], next.text);
    const report = await shinhanOnly.kpg.reconcile();
    assert.deepEqual([(await store().getAttempt(orderNo))?.status, report.expired.filter((e) => e.order_no === orderNo)], ['pending', []], 'not expired blindly');
    assert.equal((await store().getAttempt(paidSession.json.order_no))?.status, 'paid');
    assert.deepEqual(shinhanOnly.logs.filter((l) => l.level === 'error'), []);
  });

  test('Shinhan: approve at the sandbox, confirm, paid; a second attempt of the paid order is 409 already-paid', async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    assert.equal(session.status, 200, session.text);
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    assert.equal(page.action, `${s.base}/api/kpg/shinhan/return`);
    const r = await postForm(/** @type {string} */ (page.action), page.fields);
    assert.equal(r.status, 200);
    const res = await s.result(session.json.order_no);
    assert.equal(res.status, 'paid');
    assert.match(res.tid, /^SPG\d{14}[0-9A-F]{10}$/);
    const again = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    assert.deepEqual([again.status, again.json.code, again.json.order_no], [409, 'already-paid', session.json.order_no]);
  });

  test('a product name longer than Shinhan\'s 50 characters and a buyer name longer than its 20 are cut for the PG (never inside a character) and the order is paid; the result keeps the shop\'s whole name', async (t) => {
    const s = await setup(t);
    const product = `${'상'.repeat(49)}😀 그리고 더 긴 상품 이름`;
    const buyer = { id: 'buyer01', name: 'Alexander Christopher Kim', tel: '01012345678', email: 'buyer@example.com', ci: TEST_CI };
    const order = s.shop.add({ product_name: product, buyer });
    const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    assert.equal(session.status, 200, session.text);
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    assert.match(page.window, new RegExp(`id="product-name">${'상'.repeat(49)}😀</dd>`), 'the first 50 characters, the emoji whole');
    assert.match(page.window, /id="buyer-name">Alexander Christophe<\/dd>/, 'the first 20');
    assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
    const res = await s.result(session.json.order_no);
    assert.deepEqual([res.status, res.product_name], ['paid', product]);
  });

  test('a UUID order id (36 characters) is paid through both PGs: the PG order number begins with its first 30 characters and fits Shinhan\'s 50; the staff find it by the whole id', async (t) => {
    const s = await setup(t);
    for (const provider of ['shinhan', 'smartro']) {
      const order = s.shop.add({ order_id: provider === 'shinhan' ? '0b4f5c1e-7d2a-4c3b-9e8f-1a2b3c4d5e6f' : '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' });
      const session = await s.postJson('/api/kpg/session', { provider, order_id: order.order_id, device_type: 2 });
      assert.equal(session.status, 200, session.text);
      const orderNo = session.json.order_no;
      assert.ok(orderNo.length <= 50 && orderNo.startsWith(provider === 'shinhan' ? order.order_id.slice(0, 30) : order.order_id.replace(/-/g, '').slice(0, 30)), orderNo);
      const page = provider === 'shinhan' ? await shinhanDecide(session.json.redirect_url, 'approve') : await smartroDecide(session.json, 'approve');
      assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
      const res = await s.result(orderNo);
      assert.deepEqual([res.status, res.order_id], ['paid', order.order_id]);
      assert.equal((await s.kpg.payment(order.order_id))?.order_no, orderNo);
    }
  });

  test('fault 2 through the sandbox: the confirm approves and never answers: unknown, a new session 409, then reconcile() records it from confirm-info', HANG_BOUND, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    await s.pgs.fault('shinhan', { api: 'confirm', delay_ms: null });
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
    const orderNo = session.json.order_no;
    assert.equal((await s.result(orderNo)).status, 'unknown');
    const again = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    // `status` tells the widget the open attempt is being verified, not waiting in a window the buyer could close.
    assert.deepEqual([again.status, again.json.code, again.json.order_no, again.json.status], [409, 'attempt-in-progress', orderNo, 'unknown']);
    const report = await s.kpg.reconcile();
    assert.ok(report.settled.some((x) => x.order_no === orderNo && x.to === 'paid'));
    const res = await s.result(orderNo);
    const sandboxPayments = await (await fetch(`${s.pgs.shinhan.origin}/__sandbox/payments`)).json();
    const atPg = sandboxPayments.payments.find((/** @type {any} */ p) => p.orderNo === orderNo);
    assert.deepEqual([res.status, res.tid], ['paid', atPg.tid], 'the TID the PG confirmed');
  });

  test('issue 12: app_scheme reaches the PGs\' requests (Shinhan app_return_url, Smartro clientType/urlScheme); mobile returns carry kpg_order_no', async (t) => {
    const s = await setup(t);
    const a = s.shop.add();
    const shinhan = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: a.order_id, device_type: 1, app_scheme: 'myshop://', return_to: '/m/pay' });
    const html = await (await fetch(shinhan.json.redirect_url)).text();
    assert.match(html, /<span id="app-return-url">myshop:\/\/kpg\/return<\/span>/);
    const shinhanPg = await (await fetch(`${s.pgs.shinhan.origin}/__sandbox/payments`)).json();
    assert.equal(shinhanPg.payments.find((/** @type {any} */ p) => p.orderNo === shinhan.json.order_no).request.app_cancel_url, 'myshop://kpg/cancel');

    const b = s.shop.add();
    const smartro = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: b.order_id, device_type: 1, app_scheme: 'myshop://', return_to: '/m/pay?x=1' });
    const result = await smartroDecide(smartro.json, 'approve');
    const smartroPg = await (await fetch(`${s.pgs.smartro.origin}/__sandbox/payments`)).json();
    const request = smartroPg.payments.find((/** @type {any} */ p) => p.moid === smartro.json.order_no).request;
    assert.deepEqual([request.clientType, request.urlScheme], ['HYB', 'myshop://']);
    const back = await postForm(/** @type {string} */ (result.action), result.fields);
    assert.equal(back.status, 303);
    assert.equal(back.headers.get('location'), `${s.base}/m/pay?x=1&kpg_order_no=${smartro.json.order_no}`);
  });

  test('Smartro: approve at the sandbox; its RetryURL and the browser\'s ReturnURL record one payment; RetryURL is answered OK', async (t) => {
    const s = await setup(t, { retry: { retryAttempts: 3, retryDelayMs: 100 } });
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    const result = await smartroDecide(session.json, 'approve');
    assert.equal(result.action, `${s.base}/api/kpg/smartro/return`);
    const back = await postForm(/** @type {string} */ (result.action), result.fields);
    assert.equal(back.status, 200);
    const orderNo = session.json.order_no;
    await until(async () => {
      const pg = await (await fetch(`${s.pgs.smartro.origin}/__sandbox/payments`)).json();
      return pg.payments.find((/** @type {any} */ p) => p.moid === orderNo)?.retry?.state === 'delivered';
    }, 8000, 'RetryURL delivered');
    assert.equal((await s.result(orderNo)).status, 'paid');
    assert.equal(s.logs.filter((l) => l.transition === 'pay' && l.order_no === orderNo).length, 1);
  });

  test('fault 3 through the sandbox: the receipt API answers after 4 s, the buyer closes the window 1.5 s after approving: processing, then paid (never cancelled)', async (t) => {
    const s = await setup(t, { lookup: false, resultWaitMs: 200 });
    await s.pgs.fault('smartro', { api: 'retry', suppress: true });
    const order = s.shop.add();
    const session = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    const orderNo = session.json.order_no;
    const result = await smartroDecide(session.json, 'approve');
    await s.pgs.fault('smartro', { api: 'receipt', delay_ms: 4000 });
    const approvedAt = Date.now();
    const returned = postForm(/** @type {string} */ (result.action), result.fields);
    await new Promise((r) => setTimeout(r, Math.max(0, approvedAt + 1500 - Date.now())));
    const closed = await s.postJson('/api/kpg/result', { order_no: orderNo, event: 'window-closed' });
    assert.equal(closed.json.status, 'processing', 'the widget keeps polling; it never fires kpg-cancel for this');
    assert.equal((await s.result(orderNo)).status, 'processing');
    assert.equal((await returned).status, 200);
    assert.ok(Date.now() - approvedAt >= 3900, 'the receipt API really took 4 s');
    assert.equal((await s.result(orderNo)).status, 'paid');
  });

  test('fault 1 through the sandbox: two tabs: the second is told to finish the first; after the first window closes (nothing approved) a new payment starts; a late approval in the old window is owed back', async (t) => {
    const s = await setup(t, { lookup: true });
    await s.pgs.fault('smartro', { api: 'retry', suppress: true });
    const order = s.shop.add();
    const tab1 = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    const tab2 = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    assert.deepEqual([tab2.status, tab2.json.code, tab2.json.order_no, tab2.json.status], [409, 'attempt-in-progress', tab1.json.order_no, 'pending']);
    const closed = await s.postJson('/api/kpg/result', { order_no: tab1.json.order_no, event: 'window-closed' });
    assert.equal(closed.json.status, 'pending');
    const tab2again = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    assert.equal(tab2again.status, 200);
    // The old window's page was still loadable: an approval there is money owed back, never a second payment.
    const late = await smartroDecide(tab1.json, 'approve');
    await postForm(/** @type {string} */ (late.action), late.fields);
    const paid = await smartroDecide(tab2again.json, 'approve');
    await postForm(/** @type {string} */ (paid.action), paid.fields);
    assert.equal((await s.result(tab2again.json.order_no)).status, 'paid');
    assert.equal((await s.result(tab1.json.order_no)).status, 'cancelled');
    const owed = (await s.kpg.refundsDue()).filter((r) => r.order_id === order.order_id);
    assert.deepEqual(owed.map((r) => [r.order_no, r.reason, r.tid]), [[tab1.json.order_no, 'superseded', late.fields.TID]]);
  });
});
