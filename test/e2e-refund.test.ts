/**
 * Issue 22 end to end in Chromium: an order paid through a sandbox PG with real clicks, given back through the
 * shop's server (kpg.cancel, behind the demo's staff route POST /api/demo/cancel), then its checkout loaded
 * again in a new tab (a reload) and pressed. Given back whole: the element shows refunded, never paid, with no
 * pay button. Given back in part: it stays paid, and the inline slip shows 취소 금액 / 잔액.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { needs } from './elements.js';
import type { KpgCheckout, KpgReceipt } from '../src/index.js';
import {
  SHINHAN_PAY_PAGE,
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
  shopClick,
  shopEval,
  shopOutcomes,
  shopPageUrl,
  waitFor,
  type Recorded,
} from './helpers.js';

const SMARTRO_PC = `${SMARTRO_SANDBOX}/interfaceURL.jsp`;

beforeEach(() => closeSandboxWindows());
afterEach(() => fixtureCleanup());

/** The shop's staff give an order's payment back (all of it, or `amount` won): what kpg.cancel answered. */
async function cancel(orderId: string, amount?: number): Promise<Record<string, unknown>> {
  const res = await fetch('/api/demo/cancel', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ order_id: orderId, ...(amount === undefined ? {} : { amount }) }),
  });
  expect(res.status).to.equal(200);
  return res.json();
}

/** Pay `orderId` in this page through the sandbox's window; the verified kpg-success. */
async function pay(provider: 'shinhan' | 'smartro', orderId: string): Promise<Recorded> {
  const el =
    provider === 'shinhan'
      ? await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" order-id=${orderId} session-url="/api/kpg/session"
          result-url="/api/kpg/result" script-src=${SHINHAN_SCRIPT}></kpg-checkout>`)
      : await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" order-id=${orderId} session-url="/api/kpg/session"
          result-url="/api/kpg/result"></kpg-checkout>`);
  const rec = recordEvents(el);
  await realClick(payButton(el));
  await pgWindow({ url: provider === 'shinhan' ? SHINHAN_PAY_PAGE : SMARTRO_PC, action: 'click', selector: '#approve' });
  const outcome = await rec.outcome(10000);
  expect(outcome.type, JSON.stringify(outcome.detail)).to.equal('kpg-success');
  fixtureCleanup();
  return outcome;
}

/** The order's checkout in a new tab (a reload), pressed: its one outcome, and what the element shows then. */
async function again(provider: 'shinhan' | 'smartro', orderId: string) {
  const script = provider === 'shinhan' ? ` script-src="${SHINHAN_SCRIPT}"` : '';
  const tab = await openShopTab(
    shopPageUrl(`<kpg-checkout provider="${provider}" device="pc" order-id="${orderId}" session-url="/api/kpg/session" result-url="/api/kpg/result"${script}></kpg-checkout>`),
  );
  try {
    await shopClick(tab, 'kpg-checkout >>> button');
    await waitFor(async () => (await shopOutcomes(tab)).length > 0, 'no outcome in the new tab', { timeout: 12000 });
    await waitFor(async () => (await shopEval<string>(tab, "document.querySelector('kpg-checkout').state")) !== 'busy', 'still busy');
    const shown = await shopEval<{ state: string; refundedState: boolean; paidState: boolean; button: boolean; status: string; text: string }>(
      tab,
      `(async () => { const el = document.querySelector('kpg-checkout'); await el.updateComplete; const root = el.shadowRoot;
        return { state: el.state, refundedState: el.matches(':state(refunded)'), paidState: el.matches(':state(paid)'),
          button: !!root.querySelector('[part="button"]'), status: root.querySelector('[part="status"]').textContent, text: root.textContent }; })()`,
    );
    return { outcomes: await shopOutcomes(tab), shown: shown! };
  } finally {
    await closeShopTab(tab);
  }
}

describe('refunds end to end: a payment given back through the server, then the checkout loaded again', () => {
  it('Shinhan, given back whole (kpg.cancel): the new tab shows refunded, not paid, and no pay button', async function () {
    needs(this, 'shinhan');
    this.timeout(40000);
    const orderId = await newOrder('p1');
    const paid = await pay('shinhan', orderId);
    const answer = await cancel(orderId);
    expect(answer).to.include({ status: 'done', cancelled_amount: 11000, refunded_total: 11000, balance: 0 });
    const { outcomes, shown } = await again('shinhan', orderId);
    expect(outcomes.map((o) => o.type)).to.deep.equal(['kpg-refunded']);
    expect(outcomes[0].detail).to.include({ provider: 'shinhan', order_no: paid.detail.order_no, tid: paid.detail.tid });
    expect(outcomes[0].detail.result).to.include({ status: 'refunded', refunded_total: 11000, balance: 0 });
    expect(shown).to.include({ state: 'refunded', refundedState: true, paidState: false, button: false, status: '결제가 취소되었습니다.' });
    expect(shown.text).to.not.contain('결제 완료');
  });

  it('Smartro, given back in part: the new tab shows it paid, with refunded_total and balance; the inline slip shows 취소 금액 / 잔액; then the rest makes it refunded', async function () {
    needs(this, 'smartro');
    this.timeout(60000);
    const orderId = await newOrder('p1');
    const paid = await pay('smartro', orderId);
    expect(await cancel(orderId, 2500)).to.include({ status: 'done', cancelled_amount: 2500, refunded_total: 2500, balance: 8500 });
    const part = await again('smartro', orderId);
    expect(part.outcomes.map((o) => o.type)).to.deep.equal(['kpg-success']);
    expect(part.outcomes[0].detail.result).to.include({ status: 'paid', refunded_total: 2500, balance: 8500 });
    expect(part.shown).to.include({ state: 'paid', paidState: true, refundedState: false });

    const slip = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" view="inline" tid=${paid.detail.tid} receipt-url="/api/kpg/receipt"></kpg-receipt>`);
    await waitFor(() => slip.shadowRoot!.querySelector('[part="slip"]'), 'no slip', { timeout: 5000 });
    const row = (key: string) => {
      const dd = slip.shadowRoot!.querySelector(`dd[data-key="${key}"]`);
      return [dd?.previousElementSibling?.textContent, dd?.textContent];
    };
    expect(row('goodsAmt')).to.deep.equal(['결제금액', '11,000원']);
    expect(row('refunded')).to.deep.equal(['취소 금액', '2,500원']);
    expect(row('balance')).to.deep.equal(['잔액', '8,500원']);
    await expect(slip).to.be.accessible();
    fixtureCleanup();

    expect(await cancel(orderId)).to.include({ status: 'done', cancelled_amount: 8500, balance: 0 });
    const whole = await again('smartro', orderId);
    expect(whole.outcomes.map((o) => o.type)).to.deep.equal(['kpg-refunded']);
    expect(whole.shown).to.include({ state: 'refunded', paidState: false, button: false });
  });
});
