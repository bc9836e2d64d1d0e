/**
 * Issue 12 end to end: the widget and kpg-checkout/server together in Chromium through the sandbox PGs,
 * clicking as a buyer: `app-scheme` reaching each PG's request on a phone, the outcome shown when the PG
 * sends the buyer back into another browser (empty sessionStorage, `kpg_order_no` in the server's
 * redirect), and a Shinhan window the buyer closes after the server recorded the payment.
 * (Closing Shinhan's window before paying -> kpg-cancel popup-closed within 1 s through the real server is
 * in checkout-shinhan.test.ts.)
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
  recordWindowClosedReports,
  sandbox,
  sandboxPayments,
  serverResult,
  shopClick,
  shopDiverted,
  shopEval,
  shopLog,
  shopOutcomes,
  shopPageUrl,
  shopRelease,
  waitFor,
  type Recorded,
} from './helpers.js';

const SMARTRO_MOBILE = `${SMARTRO_SANDBOX}/pay/interfaceURL`;
const PAY = 'kpg-checkout >>> button';
const state = (id: number) => shopEval<string>(id, "document.querySelector('kpg-checkout').state");

/** Wait until the shop tab's current document has fired an outcome (it may first navigate to the PG and back). */
async function tabOutcome(id: number, timeout = 10000): Promise<Recorded> {
  await waitFor(async () => (await shopOutcomes(id)).length > 0, `tab ${id}: no outcome`, { timeout });
  const outcomes = await shopOutcomes(id);
  expect(outcomes.map((e) => e.type), 'exactly one outcome').to.have.length(1);
  return outcomes[0];
}

/** POST session-url from inside a tab (its own cookies), as a second payment of the order would start. */
const sessionFrom = (id: number, provider: string, orderId: string) =>
  shopEval<{ status: number; code: string }>(
    id,
    `fetch('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: '${provider}', order_id: '${orderId}', device_type: 1 }) })
      .then(async (r) => ({ status: r.status, code: (await r.json()).code }))`,
  );

beforeEach(() => closeSandboxWindows());
afterEach(() => fixtureCleanup());

describe('app-scheme reaches the PG request (a phone, the real flow)', () => {
  it('Shinhan: app_return_url / app_cancel_url built from myshop://, then the payment comes back', async function () {
    this.timeout(30000);
    const orderId = await newOrder('p1');
    const tab = await openShopTab(shopPageUrl(`<kpg-checkout provider="shinhan" device="mobile" app-scheme="myshop://" order-id="${orderId}"
      session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`));
    try {
      await shopClick(tab, PAY);
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
      const [payment] = (await sandboxPayments('shinhan')).filter((p) => p.orderNo.startsWith(`${orderId}-`));
      expect(payment.request).to.include({ device_type: 1, app_return_url: 'myshop://kpg/return', app_cancel_url: 'myshop://kpg/cancel' });
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      const outcome = await tabOutcome(tab);
      expect(outcome.type).to.equal('kpg-success');
      expect(outcome.detail).to.include({ order_no: payment.orderNo });
    } finally {
      await closeShopTab(tab);
    }
  });

  it('Smartro: clientType HYB and urlScheme myshop:// on the mobile interface, then the payment comes back', async function () {
    this.timeout(30000);
    const orderId = await newOrder('p2');
    const tab = await openShopTab(shopPageUrl(`<kpg-checkout provider="smartro" device="mobile" app-scheme="myshop://" order-id="${orderId}"
      session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`));
    try {
      await shopClick(tab, PAY);
      // What Smartro's mobile page received, as it shows it and as it recorded it.
      expect(await pgWindow({ url: SMARTRO_MOBILE, action: 'text', selector: '#client-type' })).to.equal('HYB');
      expect(await pgWindow({ url: SMARTRO_MOBILE, action: 'text', selector: '#url-scheme' })).to.equal('myshop://');
      const [payment] = (await sandboxPayments('smartro')).filter((p) => p.moid.startsWith(orderId));
      expect(payment).to.include({ iface: 'mobile' });
      expect(payment.request).to.include({ clientType: 'HYB', urlScheme: 'myshop://' });
      await pgWindow({ url: SMARTRO_MOBILE, action: 'click', selector: '#approve' });
      const outcome = await tabOutcome(tab);
      expect(outcome.type).to.equal('kpg-success');
      expect(outcome.detail).to.include({ order_no: payment.moid });
    } finally {
      await closeShopTab(tab);
    }
  });
});

describe('back in another browser: the server\'s redirect carries kpg_order_no', () => {
  it('Smartro: the return opens in a fresh browser context while the server still verifies: no payment can start there, then the outcome', async function () {
    this.timeout(40000);
    const orderId = await newOrder('p2');
    const page = shopPageUrl(
      `<kpg-checkout provider="smartro" device="mobile" order-id="${orderId}" session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`,
      'from=app',
    );
    // The tab that pays (the shop app's WebView). Its way back to the shop is stopped and kept, as when iOS
    // opens the return URL in Safari instead; the buyer's own ReturnURL post waits until Smartro's
    // server-to-server RetryURL copy is being verified, so the buyer comes back while the server verifies.
    const app = await openShopTab(page, { divert: 'kpg_order_no=', hold: '/api/kpg/smartro/return' });
    let safari: number | undefined;
    let stranger: number | undefined;
    try {
      await shopClick(app, PAY);
      await pgWindow({ url: SMARTRO_MOBILE, action: 'wait' });
      const [payment] = (await sandboxPayments('smartro')).filter((p) => p.moid.startsWith(orderId));
      const orderNo: string = payment.moid;
      // Smartro's receipt API takes 8 s to confirm this approval (the server's PG timeout is 10 s).
      expect((await sandbox('smartro', '/__sandbox/fault', { api: 'receipt', delay_ms: 8000, moid: orderNo })).status).to.equal(200);
      await pgWindow({ url: SMARTRO_MOBILE, action: 'click', selector: '#approve' });

      await waitFor(async () => (await serverResult(orderNo)).status === 'processing', 'the RetryURL copy is not being verified', { timeout: 6000 });
      // While the server verifies, no second payment of this order can start (the server says so).
      const meanwhile = await fetch('/api/kpg/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ provider: 'smartro', order_id: orderId, device_type: 1 }),
      });
      expect(meanwhile.status).to.equal(409);
      expect(await meanwhile.json()).to.include({ code: 'attempt-in-progress', order_no: orderNo });

      await waitFor(async () => (await shopRelease(app)) > 0, 'the buyer\'s ReturnURL post never came');
      await waitFor(async () => (await shopDiverted(app)).length > 0, 'the server did not send the buyer back');
      const [back] = await shopDiverted(app);
      const backUrl = new URL(back);
      expect(backUrl.searchParams.get('kpg_order_no')).to.equal(orderNo);
      expect(backUrl.searchParams.get('from')).to.equal('app'); // the page's own query is kept
      expect(backUrl.pathname).to.equal('/__fixture/page');

      // "Safari": another browser context (its own sessionStorage, nothing in it), the buyer signed in.
      safari = await openShopTab(back, { incognito: true, cookies: true });
      expect(await shopEval<number>(safari, 'sessionStorage.length')).to.equal(0);
      const outcome = await tabOutcome(safari, 15000);
      expect(outcome.type).to.equal('kpg-success');
      const { tid } = (await sandboxPayments('smartro')).find((p) => p.moid === orderNo);
      expect(outcome.detail).to.include({ provider: 'smartro', order_no: orderNo, tid });
      expect(outcome.detail.result).to.include({ status: 'paid', order_id: orderId, amount: 55000 });
      // It asked the server (which was still verifying) and waited without starting anything: busy with the
      // button disabled, then paid; no kpg-session.
      const answers = (await shopEval<string[]>(safari, 'kpgAnswers'))!;
      expect(answers[0]).to.equal('GET /api/kpg/result 200 processing');
      expect(answers[answers.length - 1]).to.equal('GET /api/kpg/result 200 paid');
      expect(answers.every((a) => a.startsWith('GET /api/kpg/result 200 '))).to.equal(true);
      const states = (await shopEval<string[]>(safari, 'kpgStates'))!;
      expect(states[0]).to.equal('busy:disabled');
      expect(states[states.length - 1]).to.equal('paid:disabled');
      expect(states.some((s) => s.endsWith(':enabled'))).to.equal(false);
      expect((await shopLog(safari)).some((e) => e.type === 'kpg-session')).to.equal(false);
      const address = new URL((await shopEval<string>(safari, 'location.href'))!);
      expect(address.searchParams.has('kpg_order_no')).to.equal(false);
      expect(address.searchParams.get('from')).to.equal('app');
      expect(await sessionFrom(safari, 'smartro', orderId)).to.deep.equal({ status: 409, code: 'already-paid' });

      // Someone else who got the link (no buyer cookie) learns nothing and the element stays as it was.
      stranger = await openShopTab(back, { incognito: true });
      await waitFor(async () => (await state(stranger!)) === 'idle', 'the stranger\'s element did not settle');
      expect(await shopLog(stranger)).to.deep.equal([]);

      // One payment at Smartro.
      expect((await sandboxPayments('smartro')).filter((p) => p.moid.startsWith(orderId) && p.status === 'approved')).to.have.length(1);
    } finally {
      await closeShopTab(app);
      if (safari) await closeShopTab(safari);
      if (stranger) await closeShopTab(stranger);
    }
  });

  it('Shinhan: the return opens in a fresh browser context with empty sessionStorage: the outcome is shown, no payment can start there', async function () {
    this.timeout(30000);
    const orderId = await newOrder('p1');
    const page = shopPageUrl(
      `<kpg-checkout provider="shinhan" device="mobile" order-id="${orderId}" session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`,
    );
    const app = await openShopTab(page, { divert: 'kpg_order_no=' });
    let safari: number | undefined;
    try {
      await shopClick(app, PAY);
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      await waitFor(async () => (await shopDiverted(app)).length > 0, 'the server did not send the buyer back');
      const [back] = await shopDiverted(app);
      const orderNo = new URL(back).searchParams.get('kpg_order_no')!;
      expect(orderNo.startsWith(`${orderId}-`)).to.equal(true);

      safari = await openShopTab(back, { incognito: true, cookies: true });
      expect(await shopEval<number>(safari, 'sessionStorage.length')).to.equal(0);
      const outcome = await tabOutcome(safari);
      expect(outcome.type).to.equal('kpg-success');
      expect(outcome.detail).to.include({ provider: 'shinhan', order_no: orderNo });
      expect(await state(safari)).to.equal('paid');
      expect((await shopLog(safari)).some((e) => e.type === 'kpg-session')).to.equal(false);
      expect(await shopEval<boolean>(safari, "document.querySelector('kpg-checkout').shadowRoot.querySelector('button').disabled")).to.equal(true);
      expect(await sessionFrom(safari, 'shinhan', orderId)).to.deep.equal({ status: 409, code: 'already-paid' });
      expect((await sandboxPayments('shinhan')).filter((p) => p.orderNo.startsWith(`${orderId}-`))).to.have.length(1);
    } finally {
      await closeShopTab(app);
      if (safari) await closeShopTab(safari);
    }
  });
});

describe('Shinhan: a window closed after the server recorded the payment', () => {
  it('the script reports nothing, the buyer closes the window: kpg-success from the server\'s record, not a cancel', async function () {
    this.timeout(30000);
    const orderId = await newOrder('p1');
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" order-id=${orderId}
      session-url="/api/kpg/session" result-url="/api/kpg/result" script-src=${SHINHAN_SCRIPT}></kpg-checkout>`);
    const rec = recordEvents(el);
    const reports = recordWindowClosedReports(); // the window-closed report is the path under test
    try {
      await realClick(payButton(el));
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
      await waitFor(() => rec.events.some((e) => e.type === 'kpg-session'), 'no kpg-session');
      const orderNo: string = rec.events[0].detail.order_no;
      // Nobody outside Shinhan knows whether its script calls back after an approval: here the PG's window
      // tells the shop page nothing (its opener is gone); it only goes on to return_url, where the server
      // confirms and records the payment before the window closes itself.
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'eval', expression: 'window.opener = null' });
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      await waitFor(async () => (await serverResult(orderNo)).status === 'paid', 'the server did not record the payment');
      // The buyer closes the window (on the PG's page or already on the shop's return page), unless it has
      // already closed itself.
      await pgWindow({ url: SHINHAN_SANDBOX, action: 'close-all' });
      await pgWindow({ url: `${location.origin}/api/kpg/`, action: 'close-all' });
      const outcome = await rec.outcome();
      expect(outcome.type).to.equal('kpg-success');
      expect(outcome.detail).to.include({ provider: 'shinhan', order_no: orderNo });
      expect(outcome.detail.result).to.include({ status: 'paid', order_id: orderId });
      expect(el.state).to.equal('paid');
      // The widget saw the window close, reported it once, and took the server's answer: paid.
      expect(reports.sent).to.have.length(1);
      expect(reports.sent[0].body).to.deep.equal({ order_no: orderNo, event: 'window-closed' });
      expect(reports.sent[0].answer).to.include({ status: 'paid', order_no: orderNo });
    } finally {
      reports.restore();
    }
  });
});
