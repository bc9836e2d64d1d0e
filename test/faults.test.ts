/**
 * Faults a payment widget meets on real shop pages: the back/forward cache after a full-page payment,
 * elements removed or reconfigured mid-flight, and many checkouts sharing one page.
 */
import { aTimeout, expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import './elements.js';
import type { KpgCheckout } from '../src/index.js';
import {
  SESSION,
  SHINHAN_PAY_PAGE,
  SHINHAN_SANDBOX,
  SHOP_MODULE,
  fixture,
  fixtureCalls,
  newOrder,
  payButton,
  pgWindow,
  realClick,
  recordEvents,
  stubScript,
  trackWindows,
  uniqueKey,
  waitFor,
} from './helpers.js';

const shopPage = <T>(payload: Record<string, unknown>) => executeServerCommand<T, Record<string, unknown>>('shop-page', payload);
/** Evaluate an expression in the shop tab (null while it is between two documents). */
const shopEval = async <T>(id: number, expression: string) =>
  (await shopPage<{ value: T | null }>({ action: 'eval', id, expression })).value;

afterEach(() => fixtureCleanup());

describe('back/forward cache after a full-page (mobile) payment', () => {
  it('a buyer who pays and presses Back sees the payment, not a busy button or a second payment', async () => {
    const orderId = await newOrder('p1');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>bfcache shop</title>
      <script>window.kpgLog=[];['kpg-success','kpg-fail','kpg-cancel','kpg-error'].forEach(function(t){document.addEventListener(t,function(e){kpgLog.push(t)})});
      addEventListener('pageshow',function(e){window.restored=e.persisted})</script>
      ${SHOP_MODULE}</head><body>
      <kpg-checkout provider="shinhan" device="mobile" order-id="${orderId}" session-url="/api/kpg/session"
        result-url="/api/kpg/result"></kpg-checkout></body></html>`;
    const url = `${location.origin}/__fixture/page?body=${encodeURIComponent(page)}`;
    const id = await shopPage<number>({ action: 'open', url });
    try {
      await shopPage({ action: 'click', id, selector: 'kpg-checkout >>> button' });
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      // Back on the shop page (a fresh load after the PG's redirect): paid.
      await waitFor(async () => (await shopEval<string[]>(id, 'window.kpgLog || []'))?.includes('kpg-success'), 'no success after the redirect', { timeout: 10000 });
      await shopEval(id, 'window.afterPayment = true');
      // Back through the PG's pages to the shop page as it was when the buyer left it (busy).
      let back = 0;
      for (; back < 5; back++) {
        await shopPage({ action: 'back', id });
        const here = await shopEval<string>(id, 'location.href');
        if (here?.startsWith(`${location.origin}/__fixture/page`) && !(await shopEval<boolean>(id, 'window.afterPayment === true'))) break;
      }
      expect(back, 'never got back to the first shop page').to.be.below(5);
      const restored = await shopEval<boolean | undefined>(id, 'window.restored');
      await waitFor(
        async () => (await shopEval<string>(id, "document.querySelector('kpg-checkout').state")) !== 'busy',
        'the restored page stayed busy',
        { timeout: 8000 },
      );
      expect(await shopEval<string>(id, "document.querySelector('kpg-checkout').state")).to.equal('paid');
      expect(await shopEval<string[]>(id, 'window.kpgLog')).to.deep.equal(['kpg-success']);
      // The first shop page came back from the back/forward cache, still holding its attempt. (Seen here:
      // after the cross-site trip Chromium hands that page back a sessionStorage in which the pending record
      // still exists, though the later page took it; the element relies on its in-memory attempt.)
      expect(restored).to.equal(true);
      expect(await shopEval<string>(id, "document.querySelector('kpg-checkout').shadowRoot.querySelector('button').disabled")).to.equal(true);
    } finally {
      await shopPage({ action: 'close', id });
    }
  });
});

describe('mid-flight changes', () => {
  it('an element removed while the popup is open closes the popup and fires nothing', async () => {
    const windows = trackWindows();
    try {
      const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" order-id="A-1001"
        session-url=${fixture({ body: { provider: 'smartro', order_no: 'T1', action: `${location.origin}/__fixture/capture?key=${uniqueKey('c')}&page=wait`, fields: { MID: 'kpgtest01m', Moid: 'T1', Amt: '1000', GoodsName: 'x', EncryptData: 'e', ediDate: '20261121120000', ReturnURL: `${location.origin}/r` } } })}
        result-url=${fixture({ body: { status: 'paid', order_no: 'T1' } })}></kpg-checkout>`);
      const rec = recordEvents(el);
      await realClick(payButton(el));
      await pgWindow({ url: `${location.origin}/__fixture/capture`, action: 'wait' });
      el.remove();
      await waitFor(() => windows.opened[0].closed, 'the popup stayed open');
      await aTimeout(600);
      expect(rec.outcomes()).to.have.length(0);
    } finally {
      windows.restore();
    }
  });

  it('changing order-id mid-flight does not mix two orders: the result is asked for the order that started', async () => {
    const resultKey = uniqueKey('result');
    const sessionKey = uniqueKey('session');
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" order-id="A-1001"
      session-url=${fixture({ body: SESSION, key: sessionKey, delay: 300 })}
      result-url=${fixture({ body: { status: 'paid', order_no: 'T-1' }, key: resultKey })}
      script-src=${stubScript('OK', '')}></kpg-checkout>`);
    const rec = recordEvents(el);
    await realClick(payButton(el));
    el.setAttribute('order-id', 'B-2002');
    el.setAttribute('result-url', '/elsewhere');
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect(JSON.parse((await fixtureCalls(sessionKey))[0].body).order_id).to.equal('A-1001');
    expect((await fixtureCalls(resultKey))[0].query.order_no).to.equal('T-1');
  });
});

describe('twenty checkouts on one page', () => {
  it('share one Shinhan script load and one card-list request per URL', async () => {
    const cardsKey = uniqueKey('cards');
    const cardsUrl = fixture({ key: cardsKey, body: { ret_code: 0, list: [{ card_cpny_cd: 'S001', card_cpny_name: 'BC카드' }] } });
    const script = `${SHINHAN_SANDBOX}/businessPayment/unifiedPay/script?twenty=${uniqueKey('t')}`;
    const wrapper = await mount<HTMLDivElement>(html`<div>
      ${Array.from({ length: 20 }, () => html`<kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="55000"
        session-url="/api/kpg/session" result-url="/api/kpg/result" cards-url=${cardsUrl}
        script-src=${script}></kpg-checkout>`)}
    </div>`);
    const els = [...wrapper.querySelectorAll('kpg-checkout')];
    await waitFor(
      () => els.every((el) => el.shadowRoot?.querySelector('kpg-card-picker')?.shadowRoot?.querySelector('[role="radio"]')),
      'not every picker loaded',
      { timeout: 5000 },
    );
    await waitFor(() => (window as { ShinhanBizPay?: unknown }).ShinhanBizPay, 'the Shinhan script did not load');
    expect(document.querySelectorAll(`script[src="${script}"]`)).to.have.length(1);
    expect(await fixtureCalls(cardsKey)).to.have.length(1);
  });
});
