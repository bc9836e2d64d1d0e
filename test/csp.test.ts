/**
 * The shipped script on a shop page with a strict Content-Security-Policy and Trusted Types enforced
 * (the policy the README tells shops to use): a whole payment through the sandbox with each PG the file
 * under test carries (SHOP_DIST_SCRIPTS loads that file), and not one violation reported.
 */
import { expect } from '@open-wc/testing';
import { SCRIPT, needs } from './elements.js';
import { SHINHAN_PAY_PAGE, SHINHAN_SANDBOX, SHINHAN_SCRIPT, SHOP_DIST_SCRIPTS, SMARTRO_SANDBOX, fixture, fixtureCalls, newOrder, pgWindow, realClick, uniqueKey, waitFor } from './helpers.js';

export const STRICT_CSP = [
  "default-src 'self'",
  `script-src 'self' ${SHINHAN_SANDBOX}`,
  "style-src 'self'",
  `img-src 'self' ${SHINHAN_SANDBOX}`,
  "connect-src 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types kpg-checkout lit-html',
].join('; ');

type CspWindow = Window & { violations: string[]; kpgLog: Array<{ type: string; detail: any }> };

type Frame = { frame: HTMLIFrameElement; win: () => CspWindow };

function strictPage(body: string): Frame {
  const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>strict shop</title>
      <script src="/test/pages/csp-violations.js"></script>
      ${SHOP_DIST_SCRIPTS}</head><body>${body}</body></html>`;
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:700px;height:500px';
  frame.src = `/__fixture/page?csp=${encodeURIComponent(STRICT_CSP)}&body=${encodeURIComponent(page)}`;
  document.body.append(frame);
  return { frame, win: () => frame.contentWindow as unknown as CspWindow };
}

describe('strict CSP and Trusted Types', () => {
  it('a Smartro payment (popup, EUC-KR form, return page) with the shipped script reports no violation', async function () {
    needs(this, 'smartro');
    const orderId = await newOrder('p1');
    const { frame, win } = strictPage(`<kpg-checkout provider="smartro" device="pc" amount="11000" order-id="${orderId}"
        session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`);
    try {
      const el = () => frame.contentDocument?.querySelector('kpg-checkout');
      await waitFor(() => el()?.shadowRoot?.querySelector('button'), 'the element did not render', { timeout: 8000 });
      await realClick(el()!.shadowRoot!.querySelector('button')!);
      await pgWindow({ url: `${SMARTRO_SANDBOX}/interfaceURL.jsp`, action: 'click', selector: '#approve' });
      await waitFor(() => win().kpgLog.some((e) => e.type === 'kpg-success'), 'no kpg-success', { timeout: 10000 });
      expect(win().violations).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });

  it('a card payment with the shipped script reports no violation', async function () {
    needs(this, 'shinhan');
    const orderId = await newOrder('p2');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>strict shop</title>
      <script src="/test/pages/csp-violations.js"></script>
      ${SHOP_DIST_SCRIPTS}</head><body>
      <kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="55000" order-id="${orderId}"
        session-url="/api/kpg/session" result-url="/api/kpg/result" cards-url="/api/kpg/cards"
        image-base="${SHINHAN_SANDBOX}/" script-src="${SHINHAN_SCRIPT}"></kpg-checkout>
      </body></html>`;
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:700px;height:500px';
    frame.src = `/__fixture/page?csp=${encodeURIComponent(STRICT_CSP)}&body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as unknown as CspWindow;
      const picker = () => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('kpg-card-picker');
      await waitFor(() => picker()?.shadowRoot?.querySelectorAll('[role="radio"]').length, 'the picker did not render', { timeout: 8000 });
      const first = picker()!.shadowRoot!.querySelector<HTMLElement>('[role="radio"]')!;
      await waitFor(() => first.querySelector('img')?.complete, 'the card image did not load');
      expect(first.querySelector('img')!.naturalWidth).to.be.greaterThan(0);
      // The styles applied (constructable stylesheets are allowed by style-src 'self').
      const button = frame.contentDocument!.querySelector('kpg-checkout')!.shadowRoot!.querySelector('button')!;
      expect(frame.contentWindow!.getComputedStyle(button).backgroundColor).to.equal('rgb(83, 121, 255)');
      await realClick(first);
      await waitFor(() => !button.disabled);
      await realClick(button);
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      await waitFor(() => win().kpgLog.some((e) => e.type === 'kpg-success'), 'no kpg-success', { timeout: 10000 });
      expect(win().kpgLog.filter((e) => ['kpg-success', 'kpg-fail', 'kpg-cancel', 'kpg-error'].includes(e.type))).to.have.length(1);
      expect(win().violations).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });

  it('issue 25: the consent step and its dialog (the PG terms in a sandboxed srcdoc frame, through the kpg-checkout policy) report no violation', async function () {
    needs(this, 'shinhan');
    const terms = { pgcode: 'card', required: true, terms_hash: 'cd'.repeat(32), list: [{ terms_no: 1, terms_nm: '전자금융거래 이용약관', terms_ctnt: '<h3 style="color:red">약관</h3><p>본문</p><img src="//example.invalid/x.png">' }] };
    const { frame, win } = strictPage(`<kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="11000" order-id="T-csp"
        session-url="/api/kpg/session" result-url="/api/kpg/result" script-src="${SHINHAN_SCRIPT}"
        terms-url="${fixture({ body: terms })}"></kpg-checkout>`);
    try {
      const step = () => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('kpg-terms');
      await waitFor(() => step()?.shadowRoot?.querySelector('button.read') && !step()!.hidden, 'the consent step did not show', { timeout: 8000 });
      const dialog = step()!.shadowRoot!.querySelector('dialog')!;
      const shown = dialog.querySelector('iframe')!;
      // The terms document's load event: what it would fetch (an image) has been asked for, and refused, by then.
      const loaded = new Promise((resolve) => shown.addEventListener('load', resolve, { once: true }));
      await realClick(step()!.shadowRoot!.querySelector('button.read')!);
      await waitFor(() => dialog.open && shown.srcdoc.includes('<p>본문</p>'), 'the terms did not show in the dialog');
      await loaded;
      expect(win().violations).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });

  it('an HTML injection cannot choose the PG script: script-src and pg-origins in markup load nothing, even under strict-dynamic', async function () {
    needs(this, 'shinhan');
    // A sanitizer that lets custom elements through still lets this markup in. Before: the widget (a
    // trusted script under 'strict-dynamic', with its own Trusted Types policy) loaded the attacker's file.
    const evil = `http://127.0.0.1:${location.port}`;
    const key = uniqueKey('evil');
    const controlKey = uniqueKey('control');
    const evilScript = `${evil}${fixture({ type: 'text/javascript', body: 'window.pwned = 1;', key })}`;
    const controlScript = `${evil}${fixture({ type: 'text/javascript', body: 'window.controlRan = 1;', key: controlKey })}`;
    const policy = [
      "default-src 'self'",
      "script-src 'nonce-kpg' 'strict-dynamic'",
      "style-src 'self'",
      "connect-src 'self'",
      "require-trusted-types-for 'script'",
      'trusted-types kpg-checkout lit-html control',
    ].join('; ');
    const control = `${fixture({ type: 'text/javascript', body: `window.runControl = function () { var p = trustedTypes.createPolicy('control', { createScriptURL: function (u) { return u; } }); var s = document.createElement('script'); s.src = p.createScriptURL(${JSON.stringify(controlScript)}); document.head.append(s); };` })}`;
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>injected shop</title>
      <script nonce="kpg" src="/test/pages/csp-violations.js"></script>
      <script nonce="kpg" src="/__fixture/dist/${SCRIPT ?? 'kpg-checkout.js'}"></script>
      <script nonce="kpg" src="${control.replace(/&/g, '&amp;')}"></script></head><body>
      <div class="user-comment"><kpg-checkout provider="shinhan" device="pc" order-id="A-1" session-url="/api/kpg/session"
        result-url="/api/kpg/result" script-src="${evilScript.replace(/&/g, '&amp;')}" pg-origins="${evil}"></kpg-checkout></div>
      </body></html>`;
    const frame = document.createElement('iframe');
    frame.src = `/__fixture/page?csp=${encodeURIComponent(policy)}&body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as unknown as CspWindow & { pwned?: number; controlRan?: number; runControl(): void };
      const el = () => frame.contentDocument?.querySelector('kpg-checkout');
      await waitFor(() => el()?.shadowRoot?.querySelector('button'), 'the element did not render', { timeout: 8000 });
      await realClick(el()!.shadowRoot!.querySelector('button')!);
      await waitFor(() => win().kpgLog.some((e) => e.type === 'kpg-error'), 'no error on the click');
      const error = win().kpgLog.find((e) => e.type === 'kpg-error')!;
      expect(error.detail).to.include({ code: 'origin-not-allowed', field: 'script-src' });
      expect(frame.contentDocument!.querySelector(`script[src^="${evil}"]`)).to.equal(null);
      expect(await fixtureCalls(key)).to.have.length(0);
      expect(win().pwned).to.equal(undefined);
      // Control: on this page a trusted script CAN load a script from that origin (what the widget must not do).
      win().runControl();
      await waitFor(() => win().controlRan === 1, 'the control script did not run');
      expect(await fixtureCalls(controlKey)).to.have.length(1);
    } finally {
      frame.remove();
    }
  });

  it('control: the page really enforces the policy (an inline script is blocked and reported)', async () => {
    const frame = document.createElement('iframe');
    const page = `<!doctype html><html><head><script src="/test/pages/csp-violations.js"></script></head><body><script>window.inlineRan = true</script></body></html>`;
    frame.src = `/__fixture/page?csp=${encodeURIComponent(STRICT_CSP)}&body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      await waitFor(() => (frame.contentWindow as unknown as CspWindow)?.violations?.length > 0, 'no violation reported');
      expect((frame.contentWindow as unknown as { inlineRan?: boolean }).inlineRan).to.equal(undefined);
      expect((frame.contentWindow as unknown as CspWindow).violations[0]).to.match(/^script-src/);
    } finally {
      frame.remove();
    }
  });
});
