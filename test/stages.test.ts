/**
 * The two-stage files (kpg-shinhan.js + kpg-shinhan.stage2.js, kpg-smartro.js + kpg-smartro.stage2.js), each
 * loaded by a plain `<script src>` in a shop page of its own (a frame), with the second stage held back by
 * the test server until the test lets it go (`/__fixture/dist/...?hold=`):
 * - the button is interactive before the second stage arrives, and a click then sends the session request
 *   at once (Shinhan) or opens the window inside the click (Smartro), and the attempt goes on when it comes;
 * - a click whose activation expired while it waited gets the "결제창 열기" button;
 * - a second stage that fails to load, or belongs to another build, ends the attempt with exactly one
 *   kpg-error, and the backend hears that no window was opened for the session it made;
 * - the second stage is found beside the script (not where markup says), and fetched at idle or on the
 *   buyer's first pointer or focus intent.
 * The built files only (a developer's run from src/ has one stage): skipped there.
 */
import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { expectSaid, SCRIPT } from './elements.js';
import { SESSION, TEST_PG_ORIGINS, fixture, fixtureCalls, frameLog, realClick, stubScript, uniqueKey, waitFor } from './helpers.js';

type ShopWindow = Window & typeof globalThis & { kpgLog: Array<{ type: string; detail: any }>; ShinhanBizPay?: unknown; __openedWith?: string };

interface Shop {
  frame: HTMLIFrameElement;
  win: () => ShopWindow;
  checkout: () => HTMLElement & { state: string };
  button: () => HTMLButtonElement;
  /** The second stage's elements are defined (it arrived and ran). */
  complete: () => boolean;
  /** The URLs of the second stage the page requested. */
  stage2Requests: () => string[];
  remove(): void;
}

/**
 * A shop page loading `file` (the first stage) with `body`; `stage2` puts a `data-kpg-stage2` on the script
 * tag, `before` goes before it.
 */
async function shop(file: string, body: string, { stage2, before = '' }: { stage2?: string; before?: string } = {}): Promise<Shop> {
  const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>shop</title>
    <script src="/__fixture/shop-tab.js"></script>${before}
    <script src="/__fixture/dist/${file}"${stage2 ? ` data-kpg-stage2="${stage2.replace(/&/g, '&amp;')}"` : ''}></script>
    <script src="/__fixture/allow-pg-origins.js?o=${encodeURIComponent(TEST_PG_ORIGINS.join(' '))}"></script></head>
    <body>${body}</body></html>`;
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:600px;height:400px';
  frame.src = `/__fixture/page?body=${encodeURIComponent(page)}`;
  document.body.append(frame);
  const win = () => frame.contentWindow as ShopWindow;
  const checkout = () => frame.contentDocument!.querySelector('kpg-checkout') as HTMLElement & { state: string };
  const button = () => checkout().shadowRoot!.querySelector('button')!;
  await waitFor(() => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'the checkout did not render');
  return {
    frame,
    win,
    checkout,
    button,
    complete: () => !!win().customElements.get('kpg-receipt'),
    stage2Requests: () =>
      win()
        .performance.getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => n.includes('stage2')),
    remove: () => frame.remove(),
  };
}

const outcomes = (s: Shop) => frameLog(s.frame).filter((e) => e.type !== 'kpg-session');

describe('two stages: the pay button before the second stage', () => {
  before(function () {
    if (!SCRIPT) this.skip(); // src/ has one stage
  });

  it('Shinhan: interactive before the second stage; the click sends the session request at once, the window follows it', async () => {
    const hold = uniqueKey('hold');
    const sessionKey = uniqueKey('session');
    const s = await shop(
      'kpg-shinhan.js',
      `<kpg-checkout provider="shinhan" device="pc" order-id="A-1" amount="11000" session-url="${fixture({ body: SESSION, key: sessionKey })}"
        result-url="${fixture({ body: { status: 'paid', order_no: SESSION.order_no } })}" script-src="${stubScript('OK', '')}"></kpg-checkout>`,
      { stage2: `/__fixture/dist/kpg-shinhan.stage2.js?hold=${hold}` },
    );
    try {
      await waitFor(() => s.win().ShinhanBizPay, "Shinhan's script was not loaded when the checkout appeared");
      expect(s.button().disabled, 'the button is enabled').to.equal(false);
      expect(s.button().textContent).to.contain('11,000원 결제하기');
      expect(s.complete(), 'control: the second stage is held back').to.equal(false);
      await realClick(s.button());
      await waitFor(async () => (await fixtureCalls(sessionKey)).length === 1, 'no session request');
      expect(s.complete(), 'the session request left before the second stage arrived').to.equal(false);
      expect(s.checkout().state).to.equal('busy');
      await fetch(`/__fixture/release?key=${hold}`);
      await waitFor(() => outcomes(s).length > 0, 'no outcome', { timeout: 8000 });
      expect(outcomes(s).map((e) => e.type)).to.deep.equal(['kpg-success']);
      expect(s.win().__openedWith).to.equal(SESSION.redirect_url);
      expect(s.complete()).to.equal(true);
    } finally {
      await fetch(`/__fixture/release?key=${hold}`);
      s.remove();
    }
  });

  it('Smartro: the window opens inside the click while the second stage is on its way; the form follows it', async () => {
    const hold = uniqueKey('hold');
    const capture = uniqueKey('form');
    const session = {
      provider: 'smartro',
      order_no: 'T1',
      action: `${location.origin}/__fixture/capture?key=${capture}&page=wait`,
      fields: { MID: 'kpgtest01m', Moid: 'T1', Amt: '1000', GoodsName: '테스트', EncryptData: 'e', ediDate: '20261121120000', ReturnURL: `${location.origin}/r` },
    };
    const s = await shop(
      'kpg-smartro.js',
      `<kpg-checkout provider="smartro" device="pc" order-id="A-2" session-url="${fixture({ body: session })}" result-url="${fixture({ body: { status: 'pending', order_no: 'T1' } })}"></kpg-checkout>`,
      { stage2: `/__fixture/dist/kpg-smartro.stage2.js?hold=${hold}` },
    );
    const opened: Array<Window | null> = [];
    const open = s.win().open;
    s.win().open = function (this: Window, ...args: Parameters<typeof window.open>) {
      const win = open.apply(this, args);
      opened.push(win);
      return win;
    } as typeof window.open;
    try {
      await realClick(s.button());
      expect(opened, 'window.open was called inside the click').to.have.length(1);
      expect(opened[0], 'and the popup blocker let it through').to.not.equal(null);
      expect(s.complete(), 'before the second stage arrived').to.equal(false);
      await fetch(`/__fixture/release?key=${hold}`);
      await waitFor(async () => (await fixtureCalls(capture)).length === 1, 'the form was not posted into the window');
      expect(opened).to.have.length(1);
    } finally {
      await fetch(`/__fixture/release?key=${hold}`);
      for (const w of opened) w?.close();
      s.remove();
    }
  });

  it('Shinhan: when the click no longer holds once the second stage arrives, the buyer gets the "결제창 열기" button', async () => {
    const hold = uniqueKey('hold');
    const s = await shop(
      'kpg-shinhan.js',
      `<kpg-checkout provider="shinhan" device="pc" order-id="A-3" session-url="${fixture({ body: SESSION })}"
        result-url="${fixture({ body: { status: 'paid', order_no: SESSION.order_no } })}" script-src="${stubScript('OK', '')}"></kpg-checkout>`,
      { stage2: `/__fixture/dist/kpg-shinhan.stage2.js?hold=${hold}` },
    );
    try {
      await waitFor(() => s.win().ShinhanBizPay, "Shinhan's script was not loaded");
      await realClick(s.button());
      // Chromium's transient activation lasts 5 s: the second stage is let go after it ran out.
      await waitFor(() => !s.win().navigator.userActivation.isActive, 'the activation did not expire', { timeout: 8000, interval: 250 });
      await fetch(`/__fixture/release?key=${hold}`);
      await waitFor(() => s.checkout().state === 'continue', 'no continue state', { timeout: 8000 });
      expect(s.win().__openedWith, 'nothing opened without the press').to.equal(undefined);
      await waitFor(() => s.button().textContent!.includes('결제창 열기'), 'no "결제창 열기" button');
      await realClick(s.button());
      await waitFor(() => outcomes(s).length > 0, 'no outcome', { timeout: 8000 });
      expect(outcomes(s).map((e) => e.type)).to.deep.equal(['kpg-success']);
      expect(s.win().__openedWith).to.equal(SESSION.redirect_url);
    } finally {
      await fetch(`/__fixture/release?key=${hold}`);
      s.remove();
    }
  });
});

describe('two stages: a second stage that cannot run', () => {
  before(function () {
    if (!SCRIPT) this.skip();
  });

  for (const pg of ['shinhan', 'smartro'] as const) {
    it(`${pg}: a second stage that fails to load ends the click in exactly one kpg-error, the session's window reported closed; the next click tries again`, async () => {
      const stage2 = uniqueKey('stage2');
      const result = uniqueKey('result');
      const body =
        pg === 'shinhan'
          ? SESSION
          : { provider: 'smartro', order_no: 'T1', action: `${location.origin}/x`, fields: {} };
      const s = await shop(
        `kpg-${pg}.js`,
        `<kpg-checkout provider="${pg}" device="pc" order-id="A-4" session-url="${fixture({ body })}"
          result-url="${fixture({ body: { status: 'pending', order_no: body.order_no }, key: result })}" ${pg === 'shinhan' ? `script-src="${stubScript('OK', '')}"` : ''}></kpg-checkout>`,
        { stage2: fixture({ status: 404, type: 'text/javascript', body: '', key: stage2 }) },
      );
      const opened: Array<Window | null> = [];
      const open = s.win().open;
      s.win().open = function (this: Window, ...args: Parameters<typeof window.open>) {
        const win = open.apply(this, args);
        opened.push(win);
        return win;
      } as typeof window.open;
      try {
        if (pg === 'shinhan') await waitFor(() => s.win().ShinhanBizPay, "Shinhan's script was not loaded");
        await realClick(s.button());
        await waitFor(() => outcomes(s).length > 0, 'no outcome', { timeout: 8000 });
        await waitFor(async () => (await fixtureCalls(result)).length > 0, 'no window-closed report');
        const [error] = outcomes(s);
        expect(outcomes(s), 'exactly one outcome').to.have.length(1);
        expect(error.type).to.equal('kpg-error');
        expect(error.detail.code).to.equal('script-load-failed');
        expectSaid(error.detail.message, 'stage2-failed', '', [], false); // a production file: the short form
        expect(s.checkout().shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('결제를 시작하지 못했습니다');
        // The session was made: the backend hears that no window was opened for it.
        const reports = await fixtureCalls(result);
        expect(reports.map((r) => [r.method, JSON.parse(r.body)])).to.deep.equal([['POST', { order_no: body.order_no, event: 'window-closed' }]]);
        if (pg === 'smartro') expect(opened[0]?.closed, 'the window opened in the click was closed').to.equal(true);
        // A failure is forgotten: the next click fetches the second stage again.
        const tried = (await fixtureCalls(stage2)).length;
        await realClick(s.button());
        await waitFor(() => outcomes(s).length === 2, 'no second outcome', { timeout: 8000 });
        expect((await fixtureCalls(stage2)).length).to.be.greaterThan(tried);
      } finally {
        for (const w of opened) w?.close();
        s.remove();
      }
    });
  }

  it("another build's second stage does not run: the click ends in one kpg-error saying so", async () => {
    const s = await shop(
      'kpg-shinhan.js',
      `<kpg-checkout provider="shinhan" device="pc" order-id="A-5" session-url="${fixture({ body: SESSION })}"
        result-url="${fixture({ body: { status: 'pending', order_no: 'T-1' } })}" script-src="${stubScript('OK', '')}"></kpg-checkout>`,
      { stage2: '/__fixture/dist/kpg-smartro.stage2.js' },
    );
    try {
      await waitFor(() => s.win().ShinhanBizPay, "Shinhan's script was not loaded");
      await realClick(s.button());
      await waitFor(() => outcomes(s).length > 0, 'no outcome', { timeout: 8000 });
      expect(outcomes(s)).to.have.length(1);
      expect(outcomes(s)[0].detail).to.include({ code: 'script-load-failed' });
      expectSaid(outcomes(s)[0].detail.message, 'stage2-other-build', '', ['kpg-smartro.stage2.js'], false);
      expect(s.stage2Requests().some((u) => u.includes('kpg-smartro.stage2.js')), 'control: it was fetched').to.equal(true);
      expect(s.complete(), 'and defined nothing').to.equal(false);
    } finally {
      s.remove();
    }
  });
});

describe('two stages: where and when the second stage comes from', () => {
  before(function () {
    if (!SCRIPT) this.skip();
  });

  for (const pg of ['shinhan', 'smartro'] as const) {
    it(`${pg}: fetched at idle from beside the script, named with its build`, async () => {
      const s = await shop(
        `kpg-${pg}.js`,
        `<kpg-checkout provider="${pg}" device="mobile" order-id="A-8" session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>
        <kpg-receipt provider="${pg}" tid="T1" receipt-url="/api/kpg/receipt"></kpg-receipt>`,
      );
      try {
        await waitFor(() => s.complete(), 'the second stage did not arrive');
        expect(s.stage2Requests()).to.have.length(1);
        expect(new URL(s.stage2Requests()[0]).pathname + new URL(s.stage2Requests()[0]).search).to.match(
          new RegExp(`^/__fixture/dist/kpg-${pg}\\.stage2\\.js\\?v=[0-9a-f]{12}$`),
        );
        await waitFor(() => s.frame.contentDocument!.querySelector('kpg-receipt')!.shadowRoot?.querySelector('button'), 'the receipt did not render');
      } finally {
        s.remove();
      }
    });
  }

  it('markup cannot move it: a clobbered document.currentScript (<img name="currentScript">) loads nothing, and the click says why', async () => {
    const s = await shop(
      'kpg-shinhan.js',
      `<kpg-checkout provider="shinhan" device="pc" order-id="A-6" session-url="${fixture({ body: SESSION })}"
        result-url="${fixture({ body: { status: 'pending', order_no: 'T-1' } })}" script-src="${stubScript('OK', '')}"></kpg-checkout>`,
      { before: `<img name="currentScript" src="/__fixture/dist/evil/kpg-shinhan.js" alt="">` },
    );
    try {
      // Control: the markup does clobber document.currentScript.
      expect((s.frame.contentDocument as Document & { currentScript: Element }).currentScript.localName).to.equal('img');
      await waitFor(() => s.win().ShinhanBizPay, "Shinhan's script was not loaded");
      await realClick(s.button());
      await waitFor(() => outcomes(s).length > 0, 'no outcome', { timeout: 8000 });
      expect(outcomes(s)).to.have.length(1);
      expect(outcomes(s)[0].detail).to.include({ code: 'script-load-failed' });
      expectSaid(outcomes(s)[0].detail.message, 'stage2-not-found', '', ['kpg-shinhan.stage2.js'], false);
      expect(s.stage2Requests(), 'no second stage was fetched from anywhere').to.deep.equal([]);
    } finally {
      s.remove();
    }
  });

  it('without idle time it is fetched on the first pointer over the checkout, or the first focus in it', async () => {
    const noIdle = '<script>window.requestIdleCallback = function () { return 0; };</script>';
    const body = `<kpg-checkout provider="shinhan" device="pc" order-id="A-7" session-url="/api/kpg/session" result-url="/api/kpg/result"
      script-src="${stubScript('OK', '')}"></kpg-checkout>`;
    // The pointer away from where the page appears (content appearing under it is a pointer over it too).
    await sendMouse({ type: 'move', position: [799, 599] });
    const pointer = await shop('kpg-shinhan.js', body, { before: noIdle });
    try {
      await new Promise((r) => setTimeout(r, 300)); // idle time passes: nothing is fetched without it
      expect(pointer.stage2Requests(), 'control: no idle, no fetch').to.deep.equal([]);
      const frame = pointer.frame.getBoundingClientRect();
      const rect = pointer.button().getBoundingClientRect();
      await sendMouse({ type: 'move', position: [Math.round(frame.left + rect.left + 5), Math.round(frame.top + rect.top + 5)] });
      await waitFor(() => pointer.complete(), 'a pointer over the checkout fetched nothing');
      expect(pointer.stage2Requests()).to.have.length(1);
    } finally {
      await sendMouse({ type: 'move', position: [799, 599] });
      pointer.remove();
    }
    const focus = await shop('kpg-shinhan.js', body, { before: noIdle });
    try {
      focus.frame.focus();
      focus.frame.contentWindow!.focus();
      await sendKeys({ press: 'Tab' });
      await waitFor(() => focus.complete(), 'focus in the checkout fetched nothing');
      expect(focus.stage2Requests()).to.have.length(1);
    } finally {
      focus.remove();
    }
  });
});
