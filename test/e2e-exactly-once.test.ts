/**
 * Issue 10 end to end: the widget and kpg-checkout/server (the demo's, on PGlite, mounted in the test
 * server) driven together in Chromium through the sandbox PGs, clicking as a buyer: two tabs on one order,
 * a slow verification with a closed window, a confirm that times out. The money side is read from the PG
 * (the sandbox's own records) and from the shop's refund_due list, not from the widget's word.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import './elements.js';
import type { KpgCheckout } from '../src/index.js';
import {
  SHINHAN_PAY_PAGE,
  SHINHAN_SANDBOX,
  SHINHAN_SCRIPT,
  SMARTRO_SANDBOX,
  closeSandboxWindows,
  closeShopTab,
  newOrder,
  openShopTab,
  payButton,
  pgWindow,
  realClick,
  recordEvents,
  sandbox,
  sandboxPayments,
  serverResult,
  shopClick,
  shopEval,
  shopLog,
  shopOutcomes,
  recordWindowClosedReports,
  shopPageUrl,
  waitFor,
  type Recorded,
} from './helpers.js';

const SMARTRO_PC = `${SMARTRO_SANDBOX}/interfaceURL.jsp`;
const PAY = 'kpg-checkout >>> button';

/** What the shop's server owes back for this order (the demo's staff route). */
async function refundsFor(orderId: string): Promise<unknown[]> {
  const res = await fetch('/api/demo/refunds');
  expect(res.status).to.equal(200);
  return ((await res.json()) as Array<{ order_id: string }>).filter((r) => r.order_id === orderId);
}

/** Wait until a shop tab has fired `count` outcome events, and return them. */
async function tabOutcomes(id: number, count: number, timeout = 8000): Promise<Recorded[]> {
  await waitFor(async () => (await shopOutcomes(id)).length >= count, `tab ${id}: no outcome`, { timeout });
  return shopOutcomes(id);
}

async function tabSession(id: number, nth = 0): Promise<Recorded> {
  await waitFor(async () => (await shopLog(id)).filter((e) => e.type === 'kpg-session').length > nth, `tab ${id}: no kpg-session`);
  return (await shopLog(id)).filter((e) => e.type === 'kpg-session')[nth];
}

const alertText = (id: number) => shopEval<string>(id, "document.querySelector('kpg-checkout').shadowRoot.querySelector('[role=alert]').textContent");
const buttonDisabled = (id: number) => shopEval<boolean>(id, "document.querySelector('kpg-checkout').shadowRoot.querySelector('button').disabled");

beforeEach(() => closeSandboxWindows());
afterEach(() => fixtureCleanup());

/** One order of one buyer, its checkout open in two tabs (closed afterwards). */
async function inTwoTabs(provider: 'smartro' | 'shinhan', run: (tabs: { orderId: string; first: number; second: number }) => Promise<void>) {
  const orderId = await newOrder('p1');
  const script = provider === 'shinhan' ? ` script-src="${SHINHAN_SCRIPT}"` : '';
  const url = shopPageUrl(`<kpg-checkout provider="${provider}" device="pc" order-id="${orderId}" session-url="/api/kpg/session"
    result-url="/api/kpg/result"${script}></kpg-checkout>`);
  const first = await openShopTab(url);
  const second = await openShopTab(url);
  try {
    await run({ orderId, first, second });
  } finally {
    await closeShopTab(first);
    await closeShopTab(second);
  }
}

/** Smartro: pay in the first tab (its window opens), then, unsure, in the second: its answer, and the first attempt. */
async function smartroPayInBoth(first: number, second: number): Promise<{ firstNo: string; refused: Recorded }> {
  await shopClick(first, PAY);
  await pgWindow({ url: SMARTRO_PC, action: 'wait' });
  const { order_no: firstNo } = (await tabSession(first)).detail;
  await shopClick(second, PAY);
  const [refused] = await tabOutcomes(second, 1);
  return { firstNo, refused };
}

describe('two tabs on one order (real top-level tabs, one buyer)', () => {
  it('Smartro: the second tab is told, in Korean, to finish the first (409 attempt-in-progress); one payment; then it shows that payment', async function () {
    this.timeout(30000);
    await inTwoTabs('smartro', async ({ orderId, first, second }) => {
      const { firstNo, refused } = await smartroPayInBoth(first, second);
      expect(refused.type).to.equal('kpg-error');
      expect(refused.detail).to.include({ code: 'attempt-in-progress', status: 409, order_no: firstNo, provider: 'smartro' });
      expect(await alertText(second)).to.contain('열려 있는 결제창에서 결제를 마치거나 결제창을 닫은 뒤 다시 시도해 주세요');
      expect(await buttonDisabled(second)).to.equal(false); // it may try again once the other window is done
      expect((await shopLog(second)).some((e) => e.type === 'kpg-session')).to.equal(false);
      expect(await pgWindow<number>({ url: SMARTRO_PC, action: 'count' })).to.equal(1); // no second PG window

      // The first window is still the buyer's payment: approve there.
      await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
      const [paid] = await tabOutcomes(first, 1, 15000);
      expect(paid.type).to.equal('kpg-success');
      expect(paid.detail.order_no).to.equal(firstNo);

      // Back in the second tab, pay again: the server answers already-paid, the tab shows that payment.
      await shopClick(second, PAY);
      const secondOutcomes = await tabOutcomes(second, 2);
      expect(secondOutcomes).to.have.length(2);
      expect(secondOutcomes[1].type).to.equal('kpg-success');
      expect(secondOutcomes[1].detail).to.include({ order_no: firstNo, tid: paid.detail.tid });
      expect((await shopLog(second)).some((e) => e.type === 'kpg-session')).to.equal(false);

      // Smartro took the money once, and the shop owes nothing back.
      const approved = (await sandboxPayments('smartro')).filter((p) => p.moid.startsWith(orderId) && p.status === 'approved');
      expect(approved.map((p) => p.tid)).to.deep.equal([paid.detail.tid]);
      expect(await refundsFor(orderId)).to.deep.equal([]);
      expect((await tabOutcomes(first, 1)).length).to.equal(1);
    });
  });

  it('Smartro: the buyer closes the first window instead; the second tab can pay at once', async function () {
    this.timeout(30000);
    await inTwoTabs('smartro', async ({ orderId, first, second }) => {
      const { firstNo, refused } = await smartroPayInBoth(first, second);
      expect(refused.detail).to.include({ code: 'attempt-in-progress', order_no: firstNo });

      // Told to finish or close the other window, the buyer closes it (nothing was approved there).
      await pgWindow({ url: SMARTRO_PC, action: 'close' });
      const [closed] = await tabOutcomes(first, 1);
      expect(closed.type).to.equal('kpg-cancel');
      expect(closed.detail).to.include({ order_no: firstNo, reason: 'popup-closed' });

      // The server asked Smartro about the closed attempt and let it go: the second tab pays now.
      await shopClick(second, PAY);
      const { order_no: secondNo } = (await tabSession(second)).detail;
      expect(secondNo).to.not.equal(firstNo);
      await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
      const outcomes = await tabOutcomes(second, 2, 15000);
      expect(outcomes[1].type).to.equal('kpg-success');
      expect(outcomes[1].detail.order_no).to.equal(secondNo);
      const approved = (await sandboxPayments('smartro')).filter((p) => p.moid.startsWith(orderId) && p.status === 'approved');
      expect(approved.map((p) => p.moid)).to.deep.equal([secondNo]);
      expect(await refundsFor(orderId)).to.deep.equal([]);
    });
  });

  it('Shinhan: the newer attempt supersedes; the older window\'s approval is refused and never charged; one payment', async function () {
    this.timeout(30000);
    await inTwoTabs('shinhan', async ({ orderId, first, second }) => {
      await shopClick(first, PAY);
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
      const [firstWindow] = await pgWindow<string[]>({ url: SHINHAN_PAY_PAGE, action: 'urls' });
      const { order_no: firstNo } = (await tabSession(first)).detail;

      await shopClick(second, PAY);
      const { order_no: secondNo } = (await tabSession(second)).detail;
      expect(secondNo).to.not.equal(firstNo);
      await waitFor(async () => (await pgWindow<string[]>({ url: SHINHAN_PAY_PAGE, action: 'urls' })).length === 2, 'no second PG window');
      const secondWindow = (await pgWindow<string[]>({ url: SHINHAN_PAY_PAGE, action: 'urls' })).find((u) => u !== firstWindow)!;

      // The buyer approves in the OLDER window: Shinhan would take money only at the server's confirm,
      // which the server refuses for a superseded attempt. That tab ends as a cancel, never a success.
      await pgWindow({ url: firstWindow, action: 'click', selector: '#approve' });
      const [older] = await tabOutcomes(first, 1, 10000);
      expect(older.type).to.equal('kpg-cancel');
      expect(older.detail).to.include({ order_no: firstNo, reason: 'superseded' });
      // The buyer approved there: "you cancelled" would be false. They are told a newer payment took over.
      const olderText = await shopEval<string>(first, "document.querySelector('kpg-checkout').shadowRoot.querySelector('[part=status]').textContent");
      expect(olderText).to.contain('새 결제가 다른 창에서 시작되어');
      expect(olderText).not.to.contain('결제를 취소했습니다');
      expect(await shopOutcomes(second)).to.deep.equal([]); // the newer attempt is still the buyer's

      await pgWindow({ url: secondWindow, action: 'click', selector: '#approve' });
      const [newer] = await tabOutcomes(second, 1, 10000);
      expect(newer.type).to.equal('kpg-success');
      expect(newer.detail.order_no).to.equal(secondNo);

      // At the PG: the older approval was never confirmed (no money moved), the newer one was.
      const payments = (await sandboxPayments('shinhan')).filter((p) => p.orderNo.startsWith(`${orderId}-`));
      const byNo = new Map(payments.map((p) => [p.orderNo, p]));
      expect(byNo.get(firstNo)).to.include({ status: 'approved', confirmedAt: null });
      expect(byNo.get(secondNo)).to.include({ status: 'confirmed', tid: newer.detail.tid });
      expect(payments.filter((p) => p.status === 'confirmed')).to.have.length(1);
      expect(await refundsFor(orderId)).to.deep.equal([]);
      expect((await serverResult(firstNo)).status).to.equal('cancelled');
    });
  });
});

describe('slow verification and a closed window (issue 10, fault 3)', () => {
  it('Smartro: the receipt API answers after 4 s, the buyer closes the PC window while the server verifies: kpg-success, never kpg-cancel', async function () {
    this.timeout(30000);
    const orderId = await newOrder('p1');
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" order-id=${orderId}
      session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`);
    const rec = recordEvents(el);
    const reports = recordWindowClosedReports();
    // Only the buyer's browser brings the result (no RetryURL copy), as in the report of fault 3.
    expect((await sandbox('smartro', '/__sandbox/fault', { api: 'retry', suppress: true })).status).to.equal(200);
    try {
      await realClick(payButton(el));
      await pgWindow({ url: SMARTRO_PC, action: 'wait' });
      await waitFor(() => rec.events.some((e) => e.type === 'kpg-session'), 'no kpg-session');
      const orderNo: string = rec.events[0].detail.order_no;
      // Armed for this attempt only: no other test's receipt is slowed.
      expect((await sandbox('smartro', '/__sandbox/fault', { api: 'receipt', delay_ms: 4000, moid: orderNo })).status).to.equal(200);

      await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
      const approvedAt = performance.now();
      // The result reached the server, which is asking the receipt API: the buyer closes the window now.
      await waitFor(async () => (await serverResult(orderNo)).status === 'processing', 'the server never verified', { timeout: 6000 });
      expect(await pgWindow<number>({ url: `${SMARTRO_SANDBOX}/`, action: 'count' })).to.equal(1);
      await pgWindow({ url: `${SMARTRO_SANDBOX}/`, action: 'close' });
      const closedAt = performance.now();

      const outcome = await rec.outcome(15000);
      expect(outcome.type).to.equal('kpg-success');
      expect(outcome.detail).to.include({ provider: 'smartro', order_no: orderNo });
      expect(outcome.detail.result).to.include({ status: 'paid', amount: 11000 });
      expect(el.state).to.equal('paid');
      // The widget reported the closed window while the server was still verifying, was told so, and
      // waited for the verification (4 s) instead of calling it a cancel.
      expect(reports.sent).to.have.length(1);
      expect(reports.sent[0].body).to.deep.equal({ order_no: orderNo, event: 'window-closed' });
      expect(reports.sent[0].answer).to.include({ status: 'processing' });
      expect(closedAt - approvedAt).to.be.below(4000);
      expect(performance.now() - approvedAt).to.be.above(3900);
      const approved = (await sandboxPayments('smartro')).filter((p) => p.moid === orderNo && p.status === 'approved');
      expect(approved.map((p) => p.tid)).to.deep.equal([outcome.detail.tid]);
    } finally {
      reports.restore();
      await sandbox('smartro', '/__sandbox/fault', { api: 'retry' }); // RetryURL back on for every later test
    }
  });
});

describe('a confirm that times out (issue 10, fault 2)', () => {
  it('Shinhan approves but never answers: kpg-error result-timeout with order_no; a new session is refused meanwhile; reconcile() records the payment; a later page load shows it', async function () {
    this.timeout(45000);
    const orderId = await newOrder('p1');
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" order-id=${orderId}
      session-url="/api/kpg/session" result-url="/api/kpg/result" script-src=${SHINHAN_SCRIPT}></kpg-checkout>`);
    const rec = recordEvents(el);
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
    await waitFor(() => rec.events.some((e) => e.type === 'kpg-session'), 'no kpg-session');
    const orderNo: string = rec.events[0].detail.order_no;
    // This order's confirm approves at Shinhan, then its answer never comes (the server gives up after its
    // PG timeout, 10 s in the demo).
    expect((await sandbox('shinhan', '/__sandbox/fault', { api: 'confirm', delay_ms: null, order_no: orderNo })).status).to.equal(200);

    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
    const outcome = await rec.outcome(25000);
    expect(outcome.type).to.equal('kpg-error'); // neither success nor failure
    expect(outcome.detail).to.include({ code: 'result-timeout', order_no: orderNo, provider: 'shinhan' });
    expect(el.state).to.equal('error');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('다시 결제하기 전에 주문 내역을 확인해 주세요');
    expect((await serverResult(orderNo)).status).to.equal('unknown');
    // Shinhan did take the money: the sandbox's record says so, the server does not know it yet.
    expect((await sandboxPayments('shinhan')).find((p) => p.orderNo === orderNo)).to.include({ status: 'confirmed' });

    // The PG window closes itself once the server has answered its return (after giving up on the confirm).
    await waitFor(async () => (await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })) === 0, 'the PG window stayed open');

    // Meanwhile the buyer presses pay again: the server refuses a new attempt (409 attempt-in-progress with
    // status "unknown"), so no second PG session and no second charge; there is no window to finish or
    // close, so the widget reports that attempt's state again (result-timeout), not "finish the other window".
    await waitFor(() => !payButton(el).disabled, 'the button stays disabled');
    await realClick(payButton(el));
    await waitFor(() => rec.outcomes().length === 2, 'no answer to the second press');
    expect(rec.outcomes()[1].type).to.equal('kpg-error');
    expect(rec.outcomes()[1].detail).to.include({ code: 'result-timeout', order_no: orderNo });
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('다시 결제하기 전에 주문 내역을 확인해 주세요');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).not.to.contain('결제창을 닫은 뒤');
    expect(rec.events.filter((e) => e.type === 'kpg-session')).to.have.length(1);
    expect(await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })).to.equal(0);
    expect((await sandboxPayments('shinhan')).filter((p) => p.orderNo.startsWith(`${orderId}-`))).to.have.length(1);

    // The shop's staff (or its timer, or the CLI) runs reconcile(): confirm-info knows the payment.
    const reconciled = await fetch('/api/demo/reconcile', { method: 'POST' });
    expect(reconciled.status).to.equal(200);
    const paid = await serverResult(orderNo);
    expect(paid).to.include({ status: 'paid', order_id: orderId });
    const tid = (await sandboxPayments('shinhan')).find((p) => p.orderNo === orderNo).tid;
    expect(paid.tid).to.equal(tid);

    // A later page load of the element (a new tab): the buyer presses pay and is shown that payment.
    const later = await openShopTab(shopPageUrl(`<kpg-checkout provider="shinhan" device="pc" order-id="${orderId}" session-url="/api/kpg/session"
      result-url="/api/kpg/result" script-src="${SHINHAN_SCRIPT}"></kpg-checkout>`));
    try {
      await shopClick(later, PAY);
      const [shown] = await tabOutcomes(later, 1);
      expect(shown.type).to.equal('kpg-success');
      expect(shown.detail).to.include({ order_no: orderNo, tid });
      expect(await shopEval<string>(later, "document.querySelector('kpg-checkout').state")).to.equal('paid');
      expect((await shopLog(later)).some((e) => e.type === 'kpg-session')).to.equal(false);
    } finally {
      await closeShopTab(later);
    }
    expect((await sandboxPayments('shinhan')).filter((p) => p.orderNo.startsWith(`${orderId}-`) && p.status === 'confirmed')).to.have.length(1);
    expect(await refundsFor(orderId)).to.deep.equal([]);
  });
});
