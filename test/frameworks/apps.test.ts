/**
 * The React 19 and Vue 3 fixture apps (built by test/frameworks/build.test.mjs from the package as npm
 * users import it) and a jQuery page, driven in Chromium as a buyer would, through the sandbox PG.
 */
import { expect } from '@open-wc/testing';
import {
  SESSION,
  SHINHAN_PAY_PAGE,
  SHINHAN_SANDBOX,
  SHINHAN_SCRIPT,
  SHOP_MODULE,
  SMARTRO_SANDBOX,
  TEST_PG_ORIGINS,
  closeSandboxWindows,
  consumeUserActivation,
  fixture,
  fixtureCalls,
  newOrder,
  pgWindow,
  realClick,
  stubScript,
  uniqueKey,
  waitFor,
} from '../helpers.js';

const BUILT = '/node_modules/.cache/kpg-frameworks';

before(async () => {
  const built = await fetch(`${BUILT}/react/index.html`, { cache: 'no-store' });
  if (!built.ok) throw new Error('The fixture apps are not built: run `node --test test/frameworks/` first (npm test does)');
});
beforeEach(() => closeSandboxWindows());
type Logged = { type: string; detail: any };

async function app(path: string, params: Record<string, string>) {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:700px;height:600px';
  frame.src = `${path}?${new URLSearchParams({ origins: JSON.stringify(TEST_PG_ORIGINS), ...params })}`;
  document.body.append(frame);
  const doc = () => frame.contentDocument!;
  const checkout = () => doc().querySelector('kpg-checkout')!;
  const button = () => checkout().shadowRoot!.querySelector<HTMLButtonElement>('button[part="button"]')!;
  await waitFor(() => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'the app did not render', { timeout: 8000 });
  const log = () => (frame.contentWindow as unknown as { kpgLog: Logged[] }).kpgLog;
  const outcomes = () => log().filter((e) => ['kpg-success', 'kpg-fail', 'kpg-cancel', 'kpg-error'].includes(e.type));
  return { frame, doc, checkout, button, log, outcomes };
}

describe('React 19 (StrictMode, development build)', () => {
  it('numbers as props, onkpg-* events once each, one session, through the sandbox', async () => {
    const orderId = await newOrder('p1');
    const shop = await app(`${BUILT}/react/index.html`, { order: orderId, amount: '11000', script: SHINHAN_SCRIPT });
    try {
      expect(shop.button().textContent).to.contain('11,000원 결제하기'); // amount={11000}: a number property
      expect(shop.checkout().hasAttribute('state')).to.equal(false); // nothing React did not render
      await realClick(shop.button());
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      await waitFor(() => shop.outcomes().length > 0, 'no outcome', { timeout: 10000 });
      await waitFor(() => shop.doc().querySelector('#paid'), 'React did not re-render on kpg-success');
      expect(shop.log().map((e) => e.type)).to.deep.equal(['kpg-session', 'kpg-success']);
      expect(shop.outcomes()[0].detail.result).to.include({ status: 'paid', order_id: orderId });
      expect(shop.doc().querySelector('#paid')!.textContent).to.contain(shop.outcomes()[0].detail.tid);
    } finally {
      shop.frame.remove();
    }
  });

  it('StrictMode runs the effect that calls pay() twice: one session, one outcome, the promise resolves with it', async () => {
    const key = uniqueKey('session');
    consumeUserActivation();
    const shop = await app(`${BUILT}/react/index.html`, {
      order: uniqueKey('R'),
      auto: '1',
      session: fixture({ body: SESSION, key }),
      result: fixture({ body: { status: 'paid', order_no: 'T-1', tid: 'TID-R' } }),
      script: stubScript('OK', ''),
    });
    try {
      // pay() from an effect has no click: the element asks for one press to open the PG window.
      await waitFor(() => shop.checkout().state === 'continue' || shop.outcomes().length > 0, 'no continue step', { timeout: 8000 });
      if (shop.checkout().state === 'continue') await realClick(shop.button());
      await waitFor(() => shop.log().some((e) => e.type === 'promise'), 'pay() did not resolve', { timeout: 8000 });
      const promised = shop.log().filter((e) => e.type === 'promise');
      expect(promised).to.have.length(2); // both effect runs got the one attempt's outcome
      expect(promised.map((p) => p.detail.type), JSON.stringify(promised)).to.deep.equal(['kpg-success', 'kpg-success']);
      expect(shop.outcomes()).to.have.length(1);
      expect(promised[0].detail.detail).to.deep.equal(shop.outcomes()[0].detail);
      expect(await fixtureCalls(key)).to.have.length(1);
    } finally {
      shop.frame.remove();
    }
  });

  it('<kpg-card-picker amount={55000}> offers installments; <kpg-receipt type={2}> opens the cash receipt', async () => {
    const shop = await app(`${BUILT}/react/index.html`, {
      order: uniqueKey('R'),
      script: SHINHAN_SCRIPT,
      images: `${SHINHAN_SANDBOX}/`,
      issue: `${SMARTRO_SANDBOX}/issue/IssueLoader.jsp`,
    });
    try {
      const picker = shop.doc().querySelector('#picker')!;
      await waitFor(() => picker.shadowRoot!.querySelector('[role="radio"]'), 'no card list', { timeout: 8000 });
      await realClick(picker.shadowRoot!.querySelector('[role="radio"]')!);
      await waitFor(() => picker.shadowRoot!.querySelectorAll('select option').length > 1, 'only 일시불 offered at 55,000 won');
      const receipt = shop.doc().querySelector('#receipt')!;
      await realClick(receipt.shadowRoot!.querySelector('button')!);
      const url = await pgWindow<string>({ url: `${SMARTRO_SANDBOX}/issue/IssueLoader.jsp`, action: 'wait' });
      expect(new URL(url).searchParams.get('type')).to.equal('2'); // the only IssueLoader window: closed before
      await pgWindow({ url: `${SMARTRO_SANDBOX}/issue/IssueLoader.jsp`, action: 'close' });
    } finally {
      shop.frame.remove();
    }
  });
});

describe('Vue 3 (isCustomElement, <KeepAlive>)', () => {
  it('a route change mid-payment closes the PG window; coming back resumes the attempt (the backend decides), then pays', async () => {
    const orderId = await newOrder('p1');
    const shop = await app(`${BUILT}/vue/index.html`, { order: orderId, script: SHINHAN_SCRIPT });
    try {
      expect(shop.button().textContent).to.contain('11,000원 결제하기'); // :amount="11000"
      const element = shop.checkout();
      await realClick(shop.button());
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
      await realClick(shop.doc().querySelector('#to-elsewhere')!);
      await waitFor(() => shop.doc().querySelector('#elsewhere'), 'the route did not change');
      expect(element.isConnected).to.equal(false); // kept alive, detached
      await waitFor(async () => (await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })) === 0, 'the PG window stayed open');
      expect(shop.outcomes()).to.have.length(0);
      await realClick(shop.doc().querySelector('#to-pay')!);
      await waitFor(() => shop.outcomes().length > 0, 'the attempt was not resumed', { timeout: 8000 });
      expect(shop.checkout()).to.equal(element);
      expect(shop.outcomes().map((e) => e.type)).to.deep.equal(['kpg-cancel']);
      expect(shop.outcomes()[0].detail).to.include({ reason: 'popup-closed', order_no: shop.log()[0].detail.order_no });
      // The buyer pays for real now: one more session, one success.
      await realClick(shop.button());
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      await waitFor(() => shop.doc().querySelector('#paid'), 'no success', { timeout: 10000 });
      expect(shop.log().map((e) => e.type)).to.deep.equal(['kpg-session', 'kpg-cancel', 'kpg-session', 'kpg-success']);
    } finally {
      shop.frame.remove();
    }
  });
});

describe('jQuery', () => {
  it(".attr('order-id', ...) sets the order (.prop with a dashed name does not); .on() gets e.originalEvent.detail", async () => {
    const key = uniqueKey('session');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>jquery shop</title>
      <script src="/node_modules/jquery/dist/jquery.min.js"></script>${SHOP_MODULE}</head><body>
      <script>
        window.kpgLog = [];
        $(function () {
          var checkout = $('<kpg-checkout>').attr({ provider: 'shinhan', device: 'pc',
            'session-url': ${JSON.stringify(fixture({ body: SESSION, key }))},
            'result-url': ${JSON.stringify(fixture({ body: { status: 'paid', order_no: 'T-1' } }))},
            'script-src': ${JSON.stringify(stubScript('OK', ''))}, 'order-id': 'JQ-1' });
          checkout.prop('order-id', 'JQ-PROP');
          checkout.appendTo('body');
          checkout.on('kpg-success', function (e) { kpgLog.push({ type: e.type, detail: e.originalEvent.detail }); });
        });
      </script></body></html>`;
    const frame = document.createElement('iframe');
    frame.src = `/__fixture/page?body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      await waitFor(() => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'no checkout', { timeout: 8000 });
      await realClick(frame.contentDocument!.querySelector('kpg-checkout')!.shadowRoot!.querySelector('button')!);
      const log = () => (frame.contentWindow as unknown as { kpgLog: Logged[] }).kpgLog;
      await waitFor(() => log().length > 0, 'no kpg-success through jQuery');
      expect(log()[0].detail).to.include({ order_no: 'T-1' });
      expect(JSON.parse((await fixtureCalls(key))[0].body).order_id).to.equal('JQ-1');
    } finally {
      frame.remove();
    }
  });
});

describe('React 19: server-rendered, then hydrated', () => {
  it('hydrates without a mismatch (the element adds no attribute of its own); its events fire', async () => {
    const frame = document.createElement('iframe');
    frame.src = `${BUILT}/react/hydrate.html`;
    document.body.append(frame);
    try {
      type HydratedWindow = { hydrated?: boolean; hydrationErrors: string[]; kpgLog: Logged[]; rerender(): void };
      const win = () => frame.contentWindow as unknown as HydratedWindow;
      await waitFor(() => win()?.hydrated && frame.contentDocument!.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'not hydrated', { timeout: 8000 });
      const el = frame.contentDocument!.querySelector('kpg-checkout')!;
      await el.updateComplete;
      await new Promise((r) => setTimeout(r, 300)); // React reports mismatches after hydrating
      expect(win().hydrationErrors).to.deep.equal([]);
      expect(el.hasAttribute('state')).to.equal(false);
      expect(el.state).to.equal('idle');
      expect(el.shadowRoot!.querySelector('button')!.textContent).to.contain('11,000원'); // amount from the server's attribute
      // React 19 attaches onkpg-* listeners only on a client render, not while hydrating (react/react#35446):
      // after one client render, React hears the element's events. (The element fires them either way.)
      win().rerender();
      await new Promise((r) => setTimeout(r, 50));
      const seen: string[] = [];
      el.addEventListener('kpg-error', (e) => seen.push((e as CustomEvent).detail.code));
      await realClick(el.shadowRoot!.querySelector('button')!);
      await waitFor(() => seen.length > 0, 'no kpg-error');
      await waitFor(() => win().kpgLog.some((e) => e.type === 'kpg-error'), 'React did not hear kpg-error after a client render');
      expect(win().kpgLog.filter((e) => e.type === 'kpg-error')).to.have.length(1);
    } finally {
      frame.remove();
    }
  });
});
