/**
 * The attempt as a shop developer and a buyer live it: `await el.pay()`, a new order mid-flight, an SPA
 * route change mid-payment, where the focus goes after each outcome, numbers set as properties (React,
 * Vue), and the warnings that catch look-alike mistakes before a buyer meets them.
 */
import { aTimeout, expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { SCRIPT, needs, saysLine } from './elements.js';
import type { KpgCardPicker, KpgCheckout, KpgReceipt } from '../src/index.js';
import {
  SESSION,
  SHINHAN_PAY_PAGE,
  SHINHAN_SANDBOX,
  SHINHAN_SCRIPT,
  SHOP_MODULE,
  closeSandboxWindows,
  fixture,
  fixtureCalls,
  payButton,
  pgWindow,
  realClick,
  recordEvents,
  stubScript,
  trackWindows,
  uniqueKey,
  waitFor,
} from './helpers.js';

/** A checkout created with its attributes before it connects, its events recorded from the start. */
async function checkout(attrs: Record<string, string> = {}) {
  const el = document.createElement('kpg-checkout');
  const all: Record<string, string> = {
    provider: 'shinhan',
    device: 'pc',
    'order-id': uniqueKey('A'),
    'session-url': fixture({ body: SESSION }),
    'result-url': fixture({ body: { status: 'paid', order_no: 'T-1', tid: 'TID-1' } }),
    'script-src': stubScript('OK', ''),
    'result-timeout': '0.5',
    ...attrs,
  };
  for (const [k, v] of Object.entries(all)) el.setAttribute(k, v);
  const rec = recordEvents(el);
  await mount(html`${el}`);
  return { el, rec };
}

function captureConsole(kind: 'warn' | 'error') {
  const lines: string[] = [];
  const original = console[kind];
  console[kind] = (...args: unknown[]) => lines.push(args.join(' '));
  return { lines, restore: () => (console[kind] = original) };
}

beforeEach(() => closeSandboxWindows());
afterEach(() => fixtureCleanup());

describe('pay(): Promise<Outcome>', () => {
  for (const [what, attrs, type] of [
    ['success', {}, 'kpg-success'],
    ['failure', { 'result-url': fixture({ body: { status: 'failed', order_no: 'T-1', code: 'declined', message: '거절' } }) }, 'kpg-fail'],
    ['cancel', { 'result-url': fixture({ body: { status: 'cancelled', order_no: 'T-1', reason: 'buyer-cancelled' } }) }, 'kpg-cancel'],
    ['error', { 'session-url': fixture({ status: 503, body: {} }) }, 'kpg-error'],
  ] as const) {
    it(`${what}: resolves with {type, detail} of exactly the event that fired`, async () => {
      const { el, rec } = await checkout(attrs);
      let outcome: Awaited<ReturnType<KpgCheckout['pay']>> | undefined;
      payButton(el).addEventListener('click', () => void el.pay().then((o) => (outcome = o)), { once: true });
      await realClick(payButton(el)); // a buyer's click; pay() here joins the click's attempt
      const fired = await rec.outcome();
      await waitFor(() => outcome, 'pay() did not resolve');
      expect(fired.type).to.equal(type);
      expect(outcome).to.deep.equal({ type: fired.type, detail: fired.detail });
    });
  }

  it('rejects (AbortError) when the element is removed mid-attempt, and fires nothing; put back, it is idle, its button enabled', async () => {
    const { el, rec } = await checkout({ 'session-url': fixture({ body: SESSION, delay: 400 }) });
    const promise = el.pay();
    expect(el.state).to.equal('busy');
    el.remove();
    expect(el.state, 'no attempt runs in an element off the page').to.equal('idle');
    const error = await promise.then(
      () => null,
      (e: DOMException) => e,
    );
    expect(error?.name).to.equal('AbortError');
    await aTimeout(600);
    expect(rec.outcomes()).to.have.length(0);
    document.body.append(el);
    await el.updateComplete;
    expect([el.state, el.matches(':state(busy)'), payButton(el).disabled]).to.deep.equal(['idle', false, false]);
    el.remove();
  });
});

describe('a new order is a new element state', () => {
  it('order-id changed mid-flight: the old order\'s success is fired for it, but the element shows the new, unpaid order', async () => {
    const { el, rec } = await checkout({ 'session-url': fixture({ body: SESSION, delay: 300 }) });
    await realClick(payButton(el));
    el.setAttribute('order-id', 'B-2002');
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.order_no).to.equal('T-1');
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(el.matches(':state(paid)')).to.equal(false);
    expect(payButton(el).disabled).to.equal(false);
    expect(el.shadowRoot!.textContent).to.not.contain('결제 완료');
    expect(el.shadowRoot!.textContent).to.not.contain('결제가 완료되었습니다');
  });

  it('order-id changed mid-flight: pay() for the new order joins the running attempt; no second payment starts beside it', async () => {
    const key = uniqueKey('session');
    const { el, rec } = await checkout({ 'session-url': fixture({ body: SESSION, delay: 300, key }) });
    await realClick(payButton(el));
    el.setAttribute('order-id', uniqueKey('B'));
    await el.updateComplete;
    const joined = await el.pay(); // the element is still paying the first order: this is that attempt
    const fired = await rec.outcome();
    expect(joined).to.deep.equal({ type: fired.type, detail: fired.detail });
    expect(rec.outcomes()).to.have.length(1);
    expect(await fixtureCalls(key)).to.have.length(1);
  });

  it('order-id changed after paying: idle again for the new order', async () => {
    const { el, rec } = await checkout();
    expect(el.matches(':state(idle)')).to.equal(true); // from the start, not only after a change
    await realClick(payButton(el));
    await rec.outcome();
    expect(el.state).to.equal('paid');
    el.setAttribute('order-id', uniqueKey('B'));
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(el.matches(':state(idle)')).to.equal(true);
    expect(payButton(el).disabled).to.equal(false);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('');
  });
});

describe('an SPA route change mid-payment', () => {
  it('closes the PG window the widget watches; the next element for that order resumes (the backend decides), no new session', async () => {
    const orderId = uniqueKey('A');
    const sessionKey = uniqueKey('session');
    const resultKey = uniqueKey('result');
    const attrs = {
      'order-id': orderId,
      'script-src': SHINHAN_SCRIPT,
      'session-url': fixture({ body: SESSION, key: sessionKey }),
      'result-url': fixture({ body: { status: 'pending', order_no: 'T-1' }, key: resultKey }),
    };
    const first = await checkout(attrs);
    await realClick(payButton(first.el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
    first.el.remove(); // the route changed
    await waitFor(async () => (await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })) === 0, 'the PG window stayed open');
    // The backend hears of the closed window at once, even if the buyer never comes back to this route.
    await waitFor(async () => (await fixtureCalls(resultKey)).length === 1, 'the closed window was not reported');
    const [report] = await fixtureCalls(resultKey);
    expect(report.method).to.equal('POST');
    expect(JSON.parse(report.body)).to.deep.equal({ order_no: 'T-1', event: 'window-closed' });
    await aTimeout(300);
    expect(first.rec.outcomes()).to.have.length(0);

    const again = await checkout(attrs); // the buyer navigates back to the checkout
    const outcome = await again.rec.outcome();
    expect(outcome.type).to.equal('kpg-cancel');
    expect(outcome.detail).to.include({ order_no: 'T-1', reason: 'popup-closed' });
    expect((await fixtureCalls(resultKey)).map((c) => c.method)).to.deep.equal(['POST', 'GET']); // reported once, then asked
    expect(await fixtureCalls(sessionKey)).to.have.length(1);
    expect(again.rec.events.filter((e) => e.type === 'kpg-session')).to.have.length(0);
  });

  // At once (Vue <KeepAlive>), and 29 minutes later (a tab left in the background: a detached attempt is kept 30).
  for (const [when, laterMs] of [['at once (Vue <KeepAlive>)', 0], ['29 minutes later (a tab left in the background)', 29 * 60_000]] as const) {
    it(`the same element re-attached ${when} shows the payment the backend recorded meanwhile`, async () => {
      const { el, rec } = await checkout({ 'script-src': SHINHAN_SCRIPT, 'result-url': fixture({ body: { status: 'paid', order_no: 'T-1' } }) });
      await realClick(payButton(el));
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
      const parent = el.parentElement!;
      el.remove();
      await waitFor(async () => (await pgWindow<number>({ url: SHINHAN_SANDBOX, action: 'count' })) === 0, 'the PG window stayed open');
      const now = Date.now;
      Date.now = () => now() + laterMs; // the clock the element reads, moved on
      try {
        parent.append(el);
        const outcome = await rec.outcome();
        expect([outcome.type, el.state]).to.deep.equal(['kpg-success', 'paid']);
      } finally {
        Date.now = now;
      }
    });
  }
});

describe('a page the back/forward cache restores', () => {
  // The round trip itself (a mobile payment, Back to the page as it was left) is faults.test.ts's; a page cannot
  // leave and be restored inside a test, so here the PG's page is not navigated to (its provider's open is
  // replaced: src/ only) and the restore is its event, pageshow with persisted set.
  it('asks the backend about the attempt that left for the PG, once: pay() resolves with its outcome', async function () {
    if (SCRIPT) this.skip();
    const { providerFor } = await import('../src/registry.js');
    const pg = providerFor('shinhan');
    const open = pg.open;
    pg.open = async (_session, ctx) => {
      ctx.leavingPage();
      return { kind: 'navigated' };
    };
    try {
      const result = uniqueKey('R');
      const { el, rec } = await checkout({ device: 'mobile', 'result-url': fixture({ key: result, body: { status: 'paid', order_no: 'T-1', tid: 'TID-1' } }) });
      let settled: unknown;
      const paying = el.pay().then((o) => (settled = o));
      await waitFor(() => rec.events.some((e) => e.type === 'kpg-session'), 'no session');
      await el.updateComplete;
      // The record that the page left for the PG (sessionStorage, for a page loaded afresh on return).
      const left = () => Object.keys(sessionStorage).filter((k) => k.startsWith('kpg-checkout:pending:') && k.includes(String(el.orderId))).length;
      expect(left()).to.equal(1);
      // A page shown again that was not in the cache (a fresh load has a new element): nothing taken up here.
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false }));
      expect([el.state, settled, rec.events.map((e) => e.type), left()]).to.deep.equal(['busy', undefined, ['kpg-session'], 1]);
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      const outcome = await paying;
      expect(outcome.type).to.equal('kpg-success');
      expect(rec.events.map((e) => e.type)).to.deep.equal(['kpg-session', 'kpg-success']);
      expect([el.state, left()]).to.deep.equal(['paid', 0]);
      expect((await fixtureCalls(result)).length, 'the backend asked once').to.equal(1);
    } finally {
      pg.open = open;
    }
  });

  it('a page restored with no attempt in this element: nothing to take up, and no error', async () => {
    const { el, rec } = await checkout();
    const errors: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(String(event.error ?? event.message));
    window.addEventListener('error', onError);
    try {
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })); // its listeners' errors are reported before this returns
    } finally {
      window.removeEventListener('error', onError);
    }
    expect([errors, el.state, rec.events.length]).to.deep.equal([[], 'idle', 0]);
  });

  it('takes up nothing while this tab\'s attempt is still in flight (its PG window open): the attempt ends once, by itself', async function () {
    if (SCRIPT) this.skip();
    const { providerFor } = await import('../src/registry.js');
    const pg = providerFor('shinhan');
    const open = pg.open;
    let returned!: () => void;
    const opened = new Promise<void>((resolve) => (returned = resolve));
    // A payment window open on this page (a PC popup): the PG answers when the test says.
    pg.open = async () => {
      await opened;
      return { kind: 'returned', ok: true, code: '0000', message: '' };
    };
    try {
      const result = uniqueKey('R');
      const { el, rec } = await checkout({ 'result-url': fixture({ key: result, body: { status: 'paid', order_no: 'T-1', tid: 'TID-1' } }) });
      const paying = el.pay();
      await waitFor(() => rec.events.some((e) => e.type === 'kpg-session'), 'no session');
      // Requests for the result, counted as they start (the fixture server counts them as they arrive).
      const asked: string[] = [];
      const fetch = window.fetch;
      window.fetch = (input, init) => {
        if (String(input instanceof Request ? input.url : input).includes(result)) asked.push('result');
        return fetch(input, init);
      };
      // A pageshow from the cache meanwhile (the buyer went Back and Forward with the window open): the
      // attempt in memory has not left the page, so there is nothing to pick up; asking the backend now would
      // be a second run of the same attempt.
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await aTimeout(0); // every step that a pageshow starts without a timer has run by the next task
      window.fetch = fetch;
      expect([el.state, rec.events.map((e) => e.type), asked]).to.deep.equal(['busy', ['kpg-session'], []]);
      returned();
      const outcome = await paying;
      expect(outcome.type).to.equal('kpg-success');
      expect(rec.events.map((e) => e.type)).to.deep.equal(['kpg-session', 'kpg-success']);
      expect((await fixtureCalls(result)).length, 'the backend asked once, after the PG answered').to.equal(1);
    } finally {
      pg.open = open;
    }
  });
});

describe('focus when an attempt ends', () => {
  for (const [what, attrs, target] of [
    ['paid', {}, 'status'],
    ['failed', { 'result-url': fixture({ body: { status: 'failed', order_no: 'T-1', code: 'x', message: '실패' } }) }, 'button'],
    ['cancelled', { 'result-url': fixture({ body: { status: 'cancelled', order_no: 'T-1', reason: 'buyer-cancelled' } }) }, 'button'],
    ['error', { 'session-url': fixture({ status: 500, body: {} }) }, 'button'],
  ] as const) {
    it(`${what}: the focus goes to the ${target === 'button' ? 'pay button' : 'confirmation'}, not <body>`, async () => {
      const { el, rec } = await checkout(attrs);
      await realClick(payButton(el));
      await rec.outcome();
      await el.updateComplete;
      const expected = target === 'button' ? payButton(el) : el.shadowRoot!.querySelector('[part="status"]');
      expect(document.activeElement).to.equal(el);
      expect(el.shadowRoot!.activeElement).to.equal(expected);
    });
  }

  it('the focus is not taken from where the buyer went meanwhile', async () => {
    const input = document.createElement('input');
    document.body.append(input);
    try {
      const { el, rec } = await checkout({ 'session-url': fixture({ body: SESSION, delay: 300 }) });
      await realClick(payButton(el));
      input.focus();
      await rec.outcome();
      await el.updateComplete;
      expect(document.activeElement).to.equal(input);
    } finally {
      input.remove();
    }
  });
});

describe('numbers from a framework (React 19 and Vue set properties)', () => {
  it('<kpg-checkout>: amount, order-id, timeout and result-timeout as numbers', async () => {
    const sessionKey = uniqueKey('session');
    const { el, rec } = await checkout({ 'session-url': fixture({ body: SESSION, key: sessionKey }) });
    el.amount = 23000;
    el.orderId = 1001;
    el.timeout = 5;
    el.resultTimeout = 2;
    await el.updateComplete;
    expect(payButton(el).textContent!.trim()).to.equal('23,000원 결제하기');
    await realClick(payButton(el));
    expect((await rec.outcome()).type).to.equal('kpg-success');
    expect(JSON.parse((await fixtureCalls(sessionKey))[0].body).order_id).to.equal('1001');
  });

  it('<kpg-card-picker amount={55000}>: installments are offered', async () => {
    const list = { ret_code: 0, list: [{ card_cpny_cd: 'S001', card_cpny_name: 'BC카드', istl_psbl_amt: 50000, istl_start_mnts: '02', istl_finish_mnts: '12' }] };
    const el = await mount<KpgCardPicker>(html`<kpg-card-picker cards-url=${fixture({ body: list })} .amount=${55000} value="S001"></kpg-card-picker>`);
    await waitFor(() => el.shadowRoot!.querySelectorAll('select option').length > 1, 'only 일시불 at 55,000 won');
    expect(el.shadowRoot!.querySelectorAll('select option')).to.have.length(12);
  });

  it('<kpg-receipt type={2}>: the cash receipt opens, no invalid-config', async function () {
    needs(this, 'smartro');
    const windows = trackWindows();
    try {
      const el = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid="kpgtest01m01012611211200001234" .type=${2}
        issue-url=${`${location.origin}/__fixture/page`}></kpg-receipt>`);
      const errors: unknown[] = [];
      el.addEventListener('kpg-error', (e) => errors.push(e.detail));
      await realClick(el.shadowRoot!.querySelector('button')!);
      expect(errors).to.deep.equal([]);
      expect(new URL(String(windows.calls[0][0])).searchParams.get('type')).to.equal('2');
    } finally {
      windows.restore();
    }
  });
});

describe('mistakes caught before a buyer meets them', () => {
  it('warns once for an unknown lang (and speaks Korean)', async () => {
    const warn = captureConsole('warn');
    try {
      const { el } = await checkout({ lang: 'ja' });
      el.requestUpdate();
      await el.updateComplete;
      expect(warn.lines.filter((l) => saysLine(l, 'lang', 'lang="ja"', [' ja ']))).to.have.length(1);
      expect(payButton(el).textContent).to.contain('결제하기');
    } finally {
      warn.restore();
    }
  });

  it('warns for look-alike colour attributes (main-color, point-color, mainColor)', async () => {
    const warn = captureConsole('warn');
    try {
      await checkout({ 'main-color': '101828', 'point-color': 'E11D48' });
      const el = document.createElement('div');
      el.innerHTML = '<kpg-receipt provider="smartro" tid="T1" mainColor="101828"></kpg-receipt>';
      await mount(html`${el}`);
      expect(warn.lines.some((l) => saysLine(l, 'look-alike', 'main-color="101828"', [' main-color 101828 ']) && l.includes('main_color'))).to.equal(true);
      expect(warn.lines.some((l) => saysLine(l, 'look-alike', 'point-color="E11D48"', [' point-color E11D48 ']) && l.includes('point_color'))).to.equal(true);
      expect(warn.lines.some((l) => saysLine(l, 'look-alike', 'maincolor="101828"', [' maincolor 101828 ']) && l.includes('main_color'))).to.equal(true);
    } finally {
      warn.restore();
    }
  });

  it('an empty amount (a template that printed nothing) is no amount: the plain label, no warning; "12,000" warns once', async () => {
    const warn = captureConsole('warn');
    try {
      const { el } = await checkout({ amount: '' });
      await el.updateComplete;
      expect(payButton(el).textContent!.trim()).to.equal('결제하기');
      expect(warn.lines.filter((l) => l.includes('amount'))).to.deep.equal([]);
      el.setAttribute('amount', '12,000');
      await el.updateComplete;
      expect(payButton(el).textContent!.trim()).to.equal('결제하기');
      expect(warn.lines.filter((l) => saysLine(l, 'amount', 'amount="12,000" is not whole won', [' 12,000 ']))).to.have.length(1);
    } finally {
      warn.restore();
    }
  });

  it('a checkout without amount warns nothing (a page of its own: a warning is said once a page)', async () => {
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>shop</title>
      <script>window.kpgWarn=[];var w=console.warn;console.warn=function(){kpgWarn.push([].slice.call(arguments).join(' '));w.apply(console,arguments)}</script>
      ${SHOP_MODULE}</head><body>
      <kpg-checkout provider="shinhan" order-id="A-1" session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout></body></html>`;
    const frame = document.createElement('iframe');
    frame.src = `/__fixture/page?body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      const shop = () => frame.contentDocument?.querySelector('kpg-checkout') as KpgCheckout | null;
      await waitFor(() => shop()?.shadowRoot?.querySelector('button'), 'shop page did not render', { timeout: 5000 });
      await shop()!.updateComplete;
      expect(payButton(shop()!).textContent!.trim()).to.equal('결제하기');
      const warned = (frame.contentWindow as Window & { kpgWarn: string[] }).kpgWarn;
      expect(warned.filter((l) => l.includes('amount'))).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });

  it('a kpg-error is also logged for the developer, once, as "[kpg-checkout] code: message"; other outcomes log no error', async () => {
    const error = captureConsole('error');
    try {
      const failed = await checkout({ 'session-url': fixture({ status: 503, body: {} }) });
      await realClick(payButton(failed.el));
      const outcome = await failed.rec.outcome();
      expect(error.lines).to.deep.equal([`[kpg-checkout] session-failed: ${outcome.detail.message}`]);
      error.lines.length = 0;
      const paid = await checkout();
      await realClick(payButton(paid.el));
      expect((await paid.rec.outcome()).type).to.equal('kpg-success');
      expect(error.lines).to.deep.equal([]);
    } finally {
      error.restore();
    }
  });

  it('warns for a card picker without cards-url', async () => {
    const warn = captureConsole('warn');
    try {
      await mount(html`<kpg-card-picker amount="55000"></kpg-card-picker>`);
      expect(warn.lines.some((l) => saysLine(l, 'no-cards-url', '<kpg-card-picker> has no cards-url'))).to.equal(true);
    } finally {
      warn.restore();
    }
  });

  it('a state attribute pasted from outerHTML, or a state property set by a framework, changes nothing and throws nothing', async () => {
    const host = document.createElement('div');
    host.innerHTML = `<kpg-checkout state="paid" provider="shinhan" order-id="A-1" session-url="/s" result-url="/r"></kpg-checkout>`;
    await mount(html`${host}`);
    const el = host.querySelector('kpg-checkout')!;
    (el as unknown as { state: string }).state = 'paid';
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(payButton(el).disabled).to.equal(false);
  });
});
