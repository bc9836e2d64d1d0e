/**
 * End to end, as a shopper: a real click on the pay button, the sandbox Shinhan PG's window opens, a real
 * click on 승인 / 취소 / 실패 there, the PG posts to the reference backend's return_url, the backend
 * confirms and verifies, and the widget fires the backend's verified outcome.
 */
import { aTimeout, expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import './elements.js';
import type { KpgCheckout } from '../src/index.js';
import {
  SESSION,
  fixture,
  fixtureCalls,
  frameLog,
  SHINHAN_PAY_PAGE,
  SHINHAN_SANDBOX,
  SHINHAN_SCRIPT,
  SHOP_MODULE,
  closeSandboxWindows,
  consumeUserActivation,
  newOrder,
  payButton,
  pgWindow,
  realClick,
  recordEvents,
  uniqueKey,
  waitFor,
} from './helpers.js';

async function checkout(orderId: string, colors: { main?: string; point?: string } = {}) {
  const el = await mount<KpgCheckout>(html`
    <kpg-checkout
      provider="shinhan"
      session-url="/api/kpg/session"
      result-url="/api/kpg/result"
      order-id=${orderId}
      amount="11000"
      device="pc"
      main_color=${colors.main ?? 'FFFFFF'}
      point_color=${colors.point ?? '5379FF'}
      script-src=${SHINHAN_SCRIPT}
    ></kpg-checkout>
  `);
  return { el, rec: recordEvents(el) };
}

async function noPgWindowLeft() {
  await waitFor(
    async () => (await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })) === 0,
    'the PG window did not close',
    { timeout: 5000 },
  );
}

beforeEach(() => closeSandboxWindows());
afterEach(() => fixtureCleanup());

describe('kpg-checkout provider="shinhan" with the sandbox PG', () => {
  it('approve: session -> script -> popup -> PG page -> return_url -> confirm -> verified result -> kpg-success', async () => {
    const orderId = await newOrder('p1');
    const { el, rec } = await checkout(orderId);
    expect(payButton(el).textContent).to.contain('11,000원 결제하기');

    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
    expect(el.state).to.equal('busy');
    expect(rec.events[0].type).to.equal('kpg-session');
    expect(await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'text', selector: '#product-name' })).to.contain('테스트 상품');
    expect(await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'text', selector: '#amount' })).to.contain('11,000');

    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
    const outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.provider).to.equal('shinhan');
    expect(outcome.detail.order_no).to.equal(rec.events[0].detail.order_no);
    expect(outcome.detail.result).to.include({ status: 'paid', order_id: orderId, amount: 11000 });
    expect(outcome.detail.result.tid).to.be.a('string').and.not.equal('');
    expect(el.state).to.equal('paid');
    expect(el.matches(':state(paid)')).to.equal(true);
    expect(el.hasAttribute('state')).to.equal(false);
    expect(payButton(el).disabled).to.equal(true);
    const status = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(status.textContent).to.contain('결제가 완료되었습니다');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(status); // the confirmation has the focus
    await noPgWindowLeft();
  });

  it('paying the same order again is refused by the backend (no double charge)', async () => {
    const orderId = await newOrder('p2');
    let { el, rec } = await checkout(orderId);
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
    expect((await rec.outcome(10000)).type).to.equal('kpg-success');
    await noPgWindowLeft();
    fixtureCleanup();

    const paidBy = rec.events[0].detail.order_no;
    ({ el, rec } = await checkout(orderId));
    await realClick(payButton(el));
    const second = await rec.outcome();
    expect(rec.events.filter((e) => e.type === 'kpg-session')).to.have.length(0); // no second PG session
    expect(await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })).to.equal(0);
    if (second.type === 'kpg-success') {
      // Contract v2 (409 already-paid with the paying attempt's order_no): the widget shows that payment.
      expect(second.detail.order_no).to.equal(paidBy);
    } else {
      // The reference backend before contract v2 answers 409 without the paying attempt.
      expect(second.detail).to.include({ code: 'session-failed', status: 409 });
    }
  });

  it('cancel in the PG window -> kpg-cancel from the backend\'s record', async () => {
    const { el, rec } = await checkout(await newOrder());
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#cancel' });
    const outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-cancel');
    expect(outcome.detail.order_no).to.equal(rec.events[0].detail.order_no);
    expect(el.state).to.equal('cancelled');
    expect(payButton(el).disabled).to.equal(false);
    await noPgWindowLeft();
  });

  it('fail in the PG window -> kpg-fail with the PG\'s code and message', async () => {
    const { el, rec } = await checkout(await newOrder());
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#fail' });
    const outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail.code).to.equal('F001');
    expect(outcome.detail.message).to.be.a('string').and.not.equal('');
    expect(el.state).to.equal('failed');
    await noPgWindowLeft();
  });

  it('closing the PG window is a cancel, as for Smartro: kpg-cancel popup-closed within 1 s, focus back on the pay button', async () => {
    const { el, rec } = await checkout(await newOrder());
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'close' });
    const closedAt = performance.now();
    await waitFor(() => rec.outcomes().length > 0, 'no outcome within 1 s of closing', { timeout: 1000, interval: 20 });
    expect(performance.now() - closedAt).to.be.below(1000);
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-cancel');
    expect(outcome.detail).to.deep.equal({ provider: 'shinhan', order_no: rec.events[0].detail.order_no, reason: 'popup-closed' });
    expect(el.state).to.equal('cancelled');
    await el.updateComplete;
    expect(payButton(el).disabled).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(payButton(el));
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('');
  });

  it('while the PG window is open, 결제창 보기 brings it to the front; it goes when the attempt ends', async () => {
    const { el, rec } = await checkout(await newOrder());
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
    const show = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="window-button"]');
    await waitFor(() => show(), 'no 결제창 보기 button');
    expect(show()!.textContent!.trim()).to.equal('결제창 보기');
    await realClick(show()!);
    expect(await pgWindow<boolean>({ url: SHINHAN_PAY_PAGE, action: 'focused' })).to.equal(true);
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#cancel' });
    expect((await rec.outcome(10000)).type).to.equal('kpg-cancel');
    await el.updateComplete;
    expect(show()).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(payButton(el)); // not lost to <body> with the button that went
  });

  it('theming: main_color / point_color colour the widget and, through the session, the PG page', async () => {
    const { el, rec } = await checkout(await newOrder(), { main: '#101828', point: 'e11d48' });
    expect(getComputedStyle(payButton(el)).backgroundColor).to.equal('rgb(225, 29, 72)');
    await realClick(payButton(el));
    const point = await pgWindow<string>({ url: SHINHAN_PAY_PAGE, action: 'style', selector: '#approve', property: 'background-color' });
    const main = await pgWindow<string>({ url: SHINHAN_PAY_PAGE, action: 'style', selector: 'body', property: 'background-color' });
    expect(point).to.equal('rgb(225, 29, 72)');
    expect(main).to.equal('rgb(16, 24, 40)');
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#cancel' });
    expect((await rec.outcome(10000)).type).to.equal('kpg-cancel');
  });

  it('a backend slower than the click\'s activation: pay() from code asks for one more press instead of being popup-blocked', async () => {
    const { el, rec } = await checkout(await newOrder());
    consumeUserActivation();
    el.pay(); // no user activation, like a call from a timer
    await waitFor(() => el.state === 'continue', 'no continue step', { timeout: 5000 });
    expect(payButton(el).textContent).to.contain('결제창 열기');
    expect(el.shadowRoot!.activeElement).to.equal(payButton(el));
    expect(await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })).to.equal(0);
    await aTimeout(50);
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
    expect((await rec.outcome(10000)).type).to.equal('kpg-success');
  });

  it('mobile: while the page is leaving for the PG (its page slow to come), nothing asks for the result', async () => {
    const resultKey = uniqueKey('result');
    // The PG's page answers after 1.5 s: the shop page stays that long after location.assign, as on a slow network.
    const pgPage = `${location.origin}/__fixture?delay=1500&type=text/html&body=${encodeURIComponent('<p id="pg">PG</p>')}`;
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>mobile shop</title>
      ${SHOP_MODULE}</head><body>
      <kpg-checkout provider="shinhan" device="mobile" order-id="${uniqueKey('M')}"
        session-url="${fixture({ body: { ...SESSION, redirect_url: pgPage } }).replace(/&/g, '&amp;')}"
        result-url="${fixture({ key: resultKey, body: { status: 'pending', order_no: 'T-1' } }).replace(/&/g, '&amp;')}"></kpg-checkout>
      </body></html>`;
    const frame = document.createElement('iframe');
    frame.src = `/__fixture/page?body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      await waitFor(() => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'shop page did not render', { timeout: 5000 });
      // Every request the shop page starts, counted here (the count outlives the page).
      const started: string[] = [];
      const win = frame.contentWindow! as Window & typeof globalThis;
      const fetch = win.fetch;
      win.fetch = (input, init) => {
        started.push(String(input instanceof win.Request ? input.url : input));
        return fetch.call(win, input, init);
      };
      await realClick(payButton(frame.contentDocument!.querySelector('kpg-checkout') as KpgCheckout));
      await waitFor(() => frame.contentDocument?.getElementById('pg'), 'the PG page did not come', { timeout: 8000 });
      expect(started.filter((u) => u.includes(resultKey)), 'the result asked for while leaving').to.deep.equal([]);
      expect(await fixtureCalls(resultKey)).to.have.length(0);
    } finally {
      frame.remove();
    }
  });

  it('mobile: full-page redirect to the PG and back, then the verified outcome on the shop page', async () => {
    const orderId = await newOrder('p1');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>mobile shop</title>
      <script>window.kpgLog=[];['kpg-session','kpg-success','kpg-fail','kpg-cancel','kpg-error'].forEach(function(t){document.addEventListener(t,function(e){kpgLog.push({type:t,detail:e.detail})})});</script>
      ${SHOP_MODULE}</head><body>
      <kpg-checkout provider="shinhan" session-url="/api/kpg/session" result-url="/api/kpg/result"
        order-id="${orderId}" amount="11000" device="mobile"></kpg-checkout>
      </body></html>`;
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:400px;height:300px;border:0';
    frame.src = `/__fixture/page?body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      await waitFor(() => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'shop page did not render', { timeout: 5000 });
      const shopEl = frame.contentDocument!.querySelector('kpg-checkout') as KpgCheckout;
      await realClick(payButton(shopEl));
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      const log = () => frameLog(frame); // empty while the frame is on the PG's origin
      await waitFor(() => log().some((e) => e.type !== 'kpg-session'), 'no outcome after returning from the PG', { timeout: 10000 });
      const outcomes = log().filter((e) => e.type !== 'kpg-session');
      expect(outcomes).to.have.length(1);
      expect(outcomes[0].type).to.equal('kpg-success');
      expect(outcomes[0].detail.result).to.include({ status: 'paid', order_id: orderId });
      expect(frame.contentWindow!.location.href).to.contain('/__fixture/page');
    } finally {
      frame.remove();
    }
  });
});
