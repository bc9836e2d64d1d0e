/**
 * Issue 25: the consent step of `<kpg-checkout provider="shinhan">` (terms="pg", the default), in Chromium:
 * the PG's terms by name, each read in full in a modal dialog (keyboard only: Tab, Enter, Escape, the focus
 * back on the control), the required "전체 동의", the pay button saying what is missing and refusing to start
 * without it, the consent sent with the session; and hostile terms HTML that runs nothing and fetches nothing
 * (the sandbox Shinhan PG counts every request its probe route gets).
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './elements.js';
import { needs } from './elements.js';
import type { KpgCheckout } from '../src/index.js';
import type { KpgTermsDetail } from '../src/events.js';
import { hostileTerms, STANDARD_TERMS } from '../demo/sandbox/shinhan/terms.mjs';
import { ResultSchema } from '../src/schemas.js';
import { GET_RETRIES } from '../src/http.js';
import {
  SESSION,
  SHINHAN_PAY_PAGE,
  SHINHAN_SANDBOX,
  SHINHAN_SCRIPT,
  closeSandboxWindows,
  fixture,
  fixtureCalls,
  newOrder,
  payButton,
  pgWindow,
  realClick,
  recordEvents,
  sandbox,
  stubScript,
  uniqueKey,
  waitFor,
} from './helpers.js';

const HASH = 'ab'.repeat(32);
const termsBody = (list: readonly unknown[]) => ({ pgcode: 'card', required: true, terms_hash: HASH, list });

/** A Shinhan checkout whose terms come from a fixture, after a focusable button (where Tab starts). */
async function checkout(list: readonly unknown[], key: string) {
  const wrap = await mount(html`<div>
    <button id="before">before</button>
    <kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="11000" order-id="T-25"
      session-url=${fixture({ body: SESSION, key })} result-url=${fixture({ body: { status: 'pending' } })}
      script-src=${stubScript('OK', '')} terms-url=${fixture({ body: termsBody(list) })}></kpg-checkout>
  </div>`);
  const el = wrap.querySelector('kpg-checkout') as KpgCheckout;
  const terms = () => el.shadowRoot!.querySelector('kpg-terms');
  await waitFor(() => terms()?.shadowRoot?.querySelector('input[type="checkbox"]') && !terms()!.hidden, 'the consent step did not show', { timeout: 8000 });
  return { el, terms: () => terms()!, root: () => terms()!.shadowRoot! };
}

/** The element focused inside shadow roots. */
function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('the consent step (issue 25)', () => {
  it('keyboard only: the terms by name, a dialog per terms (Escape closes it, the focus goes back), "전체 동의" required before pay, the consent sent', async function () {
    needs(this, 'shinhan');
    const key = uniqueKey('terms');
    const { el, root } = await checkout(STANDARD_TERMS, key);
    const rec = recordEvents(el);
    expect([...root().querySelectorAll('.terms li span')].map((s) => s.textContent)).to.deep.equal(STANDARD_TERMS.map((t) => t.terms_nm));

    // The pay button says what is missing (text and aria-describedby) and refuses: nothing is sent.
    const button = payButton(el);
    const hint = el.shadowRoot!.getElementById(button.getAttribute('aria-describedby')!);
    expect(hint?.textContent).to.contain('약관에 동의');
    await expect(el, 'axe: consent missing').to.be.accessible();
    document.getElementById('before')!.focus();

    // Tab to the first terms' "전문 보기", Enter: the dialog is modal and shows that terms.
    await sendKeys({ press: 'Tab' });
    const read = root().querySelectorAll<HTMLButtonElement>('button.read')[0];
    expect(deepActive()).to.equal(read);
    await sendKeys({ press: 'Enter' });
    const dialog = root().querySelector('dialog')!;
    await waitFor(() => dialog.open, 'the dialog did not open');
    expect(dialog.matches(':modal')).to.equal(true);
    expect(dialog.querySelector('h2')!.textContent).to.equal(STANDARD_TERMS[0].terms_nm);
    const frame = dialog.querySelector('iframe')!;
    expect(frame.getAttribute('sandbox')).to.equal('');
    expect(frame.srcdoc).to.contain(STANDARD_TERMS[0].terms_ctnt).and.to.match(/^<meta http-equiv=content-security-policy content="default-src 'none'/);
    // The focus starts on the close button and is trapped in the modal dialog: Tab never reaches the page
    // behind it (the frame takes the focus too, so a keyboard can scroll a long text).
    const close = dialog.querySelector<HTMLButtonElement>('button.close')!;
    expect(deepActive()).to.equal(close);
    await expect(el, 'axe: the dialog open').to.be.accessible();
    for (let i = 0; i < 3; i++) {
      await sendKeys({ press: 'Tab' });
      const active = deepActive();
      expect(active === document.body || dialog.contains(active), `focus left the dialog: ${active?.outerHTML.slice(0, 60)}`).to.equal(true);
    }
    close.focus();
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !dialog.open, 'Escape did not close the dialog');
    expect(deepActive()).to.equal(read);

    // Shift+Tab back to "before", then Enter on pay (reached by Tab) refuses with terms-required.
    const boxes = () => root().querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'Tab' }); // the two other "전문 보기", then the checkbox
    expect(deepActive()).to.equal(boxes());
    await sendKeys({ press: 'Tab' });
    expect(deepActive()).to.equal(button);
    await sendKeys({ press: 'Enter' });
    await waitFor(() => rec.events.some((e) => e.type === 'kpg-error'), 'no kpg-error');
    expect(rec.events.find((e) => e.type === 'kpg-error')!.detail.code).to.equal('terms-required');
    expect(await fixtureCalls(key)).to.have.length(0);
    await el.updateComplete;
    // The focus goes to the consent checkbox, the missing piece.
    await waitFor(() => deepActive() === boxes(), 'the focus did not go to the checkbox');

    // Space ticks it: the hint goes, and pay sends the consent with the session.
    await sendKeys({ press: 'Space' });
    await waitFor(() => !button.hasAttribute('aria-describedby'), 'the hint stayed');
    await expect(el, 'axe: consent given').to.be.accessible();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await waitFor(async () => (await fixtureCalls(key)).length === 1, 'no session request');
    const body = JSON.parse((await fixtureCalls(key))[0].body);
    expect(body.terms_agreed).to.deep.equal([1, 2, 3]);
    expect(body.terms_hash).to.equal(HASH);
  });

  it('hostile terms: nothing runs and nothing is fetched (script, handlers, images, CSS, refresh, form, base, iframe, link); names stay text', async function () {
    needs(this, 'shinhan');
    const before = (await sandbox<{ probes: string[] }>('shinhan', '/__sandbox/probe')).json.probes.length;
    const list = hostileTerms(SHINHAN_SANDBOX);
    const { root } = await checkout(list, uniqueKey('hostile'));
    const ran: unknown[] = [];
    const onMessage = (e: MessageEvent) => ran.push(e.data);
    window.addEventListener('message', onMessage);
    try {
      // The terms' names are text: no element was made of them.
      expect(root().querySelector('.terms li span')!.textContent).to.equal(list[0].terms_nm);
      expect(root().querySelector('.terms img')).to.equal(null);
      for (const [i] of list.entries()) {
        const dialog = root().querySelector('dialog')!;
        const frame = dialog.querySelector('iframe')!;
        // The terms document's load event: everything it would fetch has been asked for by then.
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
        root().querySelectorAll<HTMLButtonElement>('button.read')[i].click();
        await waitFor(() => dialog.open && frame.srcdoc.includes(list[i].terms_ctnt), 'the dialog did not show the terms').catch((e: Error) => {
          throw new Error(`${e.message} (open ${dialog.open}, srcdoc ${frame.srcdoc.length}: ${frame.srcdoc.slice(0, 200)})`);
        });
        await loaded;
        expect(frame.contentDocument, 'an opaque origin: the page cannot reach in').to.equal(null);
        dialog.close();
      }
      // A request the sandbox did count proves the probe works (the control); nothing else reached it.
      await fetch(`${SHINHAN_SANDBOX}/__sandbox/probe/control`);
      const probes = (await sandbox<{ probes: string[] }>('shinhan', '/__sandbox/probe')).json.probes.slice(before);
      expect(probes).to.deep.equal(['control']);
      expect(ran, 'a script in the terms ran').to.deep.equal([]);
    } finally {
      window.removeEventListener('message', onMessage);
    }
  });

  it("the shop's own terms (slot=\"terms\"): under the PG's, reached by Tab, covered by the same 전체 동의; alone where the PG has none, then nothing goes to the server", async function () {
    needs(this, 'shinhan');
    for (const list of [STANDARD_TERMS, []]) {
      const key = uniqueKey('shopterms');
      const wrap = await mount(html`<div>
        <button id="before">before</button>
        <kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="11000" order-id="T-25c"
          session-url=${fixture({ body: SESSION, key })} result-url=${fixture({ body: { status: 'pending' } })}
          script-src=${stubScript('OK', '')} terms-url=${fixture({ body: termsBody(list) })}
          ><a slot="terms" id="shop-terms" href="#shop-terms">상점 이용약관</a></kpg-checkout>
      </div>`);
      const el = wrap.querySelector('kpg-checkout') as KpgCheckout;
      const rec = recordEvents(el);
      const changes: KpgTermsDetail[] = [];
      el.addEventListener('kpg-terms-change', (e) => changes.push((e as CustomEvent<KpgTermsDetail>).detail));
      const terms = () => el.shadowRoot!.querySelector('kpg-terms');
      const box = () => terms()?.shadowRoot?.querySelector<HTMLInputElement>('input[type="checkbox"]');
      // Shown with the shop's terms at once; the PG's come when the terms request answers (its hash).
      await waitFor(() => box() && !terms()!.hidden && el.termsState?.shop_terms && el.termsState.terms_hash === HASH, `the step did not show with the shop's terms (${list.length} PG terms)`, { timeout: 8000 });
      await el.updateComplete;
      await terms()!.updateComplete;
      const link = wrap.querySelector<HTMLAnchorElement>('#shop-terms')!;
      expect(link.getBoundingClientRect().height, 'the slotted link is rendered').to.be.greaterThan(0);
      expect(el.termsState).to.include({ required: true, agreed: false, shop_terms: true });
      expect([...terms()!.shadowRoot!.querySelectorAll('.terms li span')].map((x) => x.textContent)).to.deep.equal(list.map((t) => t.terms_nm));
      await expect(el, `axe: the shop's terms (${list.length} PG terms)`).to.be.accessible();

      // Keyboard only: the PG's "전문 보기" buttons, then the shop's link, then the one checkbox, then pay.
      document.getElementById('before')!.focus();
      for (let i = 0; i < list.length; i++) await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect(deepActive(), 'the shop link is next').to.equal(link);
      await sendKeys({ press: 'Tab' });
      expect(deepActive()).to.equal(box());
      await sendKeys({ press: 'Tab' });
      expect(deepActive()).to.equal(payButton(el));
      await sendKeys({ press: 'Enter' });
      await waitFor(() => rec.events.some((e) => e.type === 'kpg-error'), 'no kpg-error');
      expect(rec.events.find((e) => e.type === 'kpg-error')!.detail.code).to.equal('terms-required');
      expect(await fixtureCalls(key)).to.have.length(0);
      await waitFor(() => deepActive() === box(), 'the focus did not go to the checkbox');
      await sendKeys({ press: 'Space' });
      await waitFor(() => el.termsState?.agreed === true, 'the consent did not register');
      expect(changes.at(-1), 'kpg-terms-change says the shop\'s terms are covered').to.include({ required: true, agreed: true, shop_terms: true });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Enter' });
      await waitFor(async () => (await fixtureCalls(key)).length === 1, 'no session request');
      const body = JSON.parse((await fixtureCalls(key))[0].body);
      if (list.length) {
        expect(body.terms_agreed).to.deep.equal([1, 2, 3]);
        expect(body.terms_hash).to.equal(HASH);
      } else {
        // The shop's own terms only: the shop records that consent; the server has nothing to check.
        expect(body).to.not.have.property('terms_agreed');
        expect(body).to.not.have.property('terms_hash');
      }
      // The next round's page holds only its own checkout (one "before" button, one pay in flight).
      await el.updateComplete;
      fixtureCleanup();
    }
  });

  it('terms="none", a pgcode without terms, and a backend without a terms route: no step, pay is not held', async function () {
    needs(this, 'shinhan');
    for (const extra of [{ terms: 'none', list: STANDARD_TERMS }, { list: [] }, { status: 404 }]) {
      const key = uniqueKey('noterms');
      const termsUrl = 'status' in extra ? fixture({ status: extra.status, body: 'Not Found', type: 'text/plain' }) : fixture({ body: termsBody(extra.list) });
      const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="11000" order-id="T-25b"
        terms=${('terms' in extra && extra.terms) || 'pg'} session-url=${fixture({ body: { status: 'x' }, key })} result-url="/r"
        script-src=${stubScript('OK', '')} terms-url=${termsUrl}></kpg-checkout>`);
      await waitFor(() => customElements.get('kpg-terms'), 'the second stage did not load', { timeout: 8000 });
      // Loaded or not yet (a press waits for them: the next test), nothing is shown and nothing holds pay.
      await el.updateComplete;
      const step = el.shadowRoot!.querySelector('kpg-terms');
      expect(!step || step.hidden, JSON.stringify(extra)).to.equal(true);
      expect(payButton(el).hasAttribute('aria-describedby')).to.equal(false);
      void el.pay();
      await waitFor(async () => (await fixtureCalls(key)).length === 1, `pay was held (${JSON.stringify(extra)})`);
    }
  });

  // Issue 25's leftover: a press after the second stage arrived but before the terms did sent no consent, and a
  // server asking for it answered 400. The press now waits for the terms, then is decided like any other.
  for (const list of [STANDARD_TERMS, []] as const) {
    it(`a press while the terms are loading waits for them: ${list.length ? 'there are terms: refused (terms-required, nothing sent), agreed, the consent goes' : 'there are none: it pays, with no consent'}`, async function () {
      needs(this, 'shinhan');
      const key = uniqueKey('terms-loading');
      const termsKey = `${key}-terms`;
      // The terms answer slowly (2 s): the second stage is here long before them.
      const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="11000" order-id="T-25l"
        session-url=${fixture({ body: SESSION, key })} result-url=${fixture({ body: { status: 'pending' } })}
        script-src=${stubScript('OK', '')} terms-url=${fixture({ key: termsKey, delay: 2000, body: termsBody(list) })}></kpg-checkout>`);
      const rec = recordEvents(el);
      const reports: KpgTermsDetail[] = [];
      el.addEventListener('kpg-terms-change', (e) => reports.push((e as CustomEvent<KpgTermsDetail>).detail));
      await waitFor(() => el.shadowRoot!.querySelector('kpg-terms'), 'the consent step was not made', { timeout: 8000 });
      expect(reports, 'the terms are still on their way').to.have.length(0);
      // Nothing to agree to is shown yet, and no hint says so.
      expect(el.shadowRoot!.querySelector('kpg-terms')!.hidden).to.equal(true);
      expect(payButton(el).hasAttribute('aria-describedby')).to.equal(false);
      const pressed = el.pay();
      // Where nothing is to be agreed to, the press goes on by itself: for the order it was made for, even if
      // the page changes order-id while the terms load.
      if (!list.length) el.setAttribute('order-id', 'T-25l-changed');
      await el.updateComplete;
      expect(await fixtureCalls(key), 'nothing is sent before the terms are known').to.have.length(0);
      expect(rec.outcomes()).to.have.length(0);
      const alert = () => el.shadowRoot!.querySelector('[role="alert"]')!.textContent;
      if (list.length) {
        // Required: the press is refused once they are known, and the step shows them.
        const refused = await pressed;
        expect(reports).to.have.length(1);
        expect([refused.type, (refused.detail as { code: string }).code]).to.deep.equal(['kpg-error', 'terms-required']);
        expect(await fixtureCalls(key)).to.have.length(0);
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('kpg-terms')!.hidden).to.equal(false);
        // The prompt goes as soon as the buyer agrees (as the card prompt does), not at the next press.
        el.shadowRoot!.querySelector('kpg-terms')!.shadowRoot!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
        await waitFor(() => el.termsState?.agreed === true && alert() === '' && el.state === 'idle', 'the prompt stayed after the consent');
        void el.pay().catch(() => undefined);
      }
      await waitFor(async () => (await fixtureCalls(key)).length === 1, 'no session request once the terms were known', { timeout: 8000 });
      const sent = JSON.parse((await fixtureCalls(key))[0].body);
      if (list.length) expect(sent).to.include({ terms_hash: HASH });
      else expect([sent.terms_hash, sent.order_id]).to.deep.equal([undefined, 'T-25l']);
      // One refusal where there were terms to agree to, none where there were none (the flow goes on from here).
      expect(rec.outcomes().filter((o) => (o.detail as { code?: string }).code === 'terms-required')).to.have.length(list.length ? 1 : 0);
    });
  }

  it('terms that could not be loaded: the step shows the failure and a retry, pay is held (nothing sent); the retry loads them and the consent goes with the session', async function () {
    needs(this, 'shinhan');
    const key = uniqueKey('terms-fail');
    // The backend fails the terms request and its retries (502, as kpg-checkout/server does when Shinhan cannot be
    // asked; a GET is tried 1 + GET_RETRIES times), then answers.
    const failed = { status: 502, body: { code: 'terms-unavailable', message: 'x' } };
    const termsUrl = fixture({ key: `${key}-terms`, sequence: [...Array<typeof failed>(1 + GET_RETRIES).fill(failed), { body: termsBody(STANDARD_TERMS) }] });
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="11000" order-id="T-25f"
      session-url=${fixture({ body: SESSION, key })} result-url=${fixture({ body: { status: 'pending' } })}
      script-src=${stubScript('OK', '')} terms-url=${termsUrl}></kpg-checkout>`);
    const rec = recordEvents(el);
    const step = () => el.shadowRoot!.querySelector('kpg-terms');
    // Shown (not hidden as a step without terms is), saying so, with a retry; no checkbox to tick yet.
    await waitFor(() => step() && !step()!.hidden && step()!.shadowRoot!.querySelector('button.retry'), 'the failed step did not show with a retry', { timeout: 8000 });
    expect(step()!.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('약관을 불러오지 못했습니다');
    expect(step()!.shadowRoot!.querySelector('input[type="checkbox"]')).to.equal(null);
    expect(el.termsState).to.include({ required: true, agreed: false });
    // Pay is held with terms-required: no session request.
    void el.pay().catch(() => undefined);
    await waitFor(() => rec.events.some((e) => e.type === 'kpg-error' && e.detail.code === 'terms-required'), 'pay was not held with terms-required');
    expect(await fixtureCalls(key)).to.have.length(0);
    // The retry asks again: the terms, the checkbox, the consent, the session with it.
    await realClick(step()!.shadowRoot!.querySelector<HTMLButtonElement>('button.retry')!);
    const box = () => step()!.shadowRoot!.querySelector<HTMLInputElement>('input[type="checkbox"]');
    await waitFor(() => box(), 'the retry did not bring the terms', { timeout: 8000 });
    box()!.click();
    await waitFor(() => el.termsState?.agreed === true, 'the consent was not taken');
    void el.pay().catch(() => undefined);
    await waitFor(async () => (await fixtureCalls(key)).length === 1, 'no session request after the consent');
    expect(JSON.parse((await fixtureCalls(key))[0].body)).to.include({ terms_hash: HASH });
  });

  it('escrow: Shinhan returns escr_yn=Y, the verified result says escrow: true, the paid message adds a fixed text; a non-boolean escrow is refused', async function () {
    needs(this, 'shinhan');
    // A result whose escrow is not a boolean is not a result (the widget's one schema).
    expect(ResultSchema.safeParse({ status: 'paid', order_no: 'O-1', escrow: 'Y' }).success).to.equal(false);
    expect(ResultSchema.safeParse({ status: 'paid', order_no: 'O-1', escrow: true }).success).to.equal(true);

    // Through the Shinhan sandbox (its window's approve posts escr_yn=Y) and the demo's kpg-checkout/server.
    await closeSandboxWindows();
    expect((await sandbox('shinhan', '/__sandbox/settings', { escr_yn: 'Y' })).status).to.equal(200);
    try {
      const orderId = await newOrder('p1');
      const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" lang="ko" order-id=${orderId} session-url="/api/kpg/session"
        result-url="/api/kpg/result" script-src=${SHINHAN_SCRIPT}></kpg-checkout>`);
      const rec = recordEvents(el);
      await realClick(payButton(el));
      await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
      const outcome = await rec.outcome(12000);
      expect(outcome.type, JSON.stringify(outcome.detail)).to.equal('kpg-success');
      expect(outcome.detail.result.escrow).to.equal(true);
      await el.updateComplete;
      const status = el.shadowRoot!.querySelector('[part="status"]')!.textContent;
      expect(status).to.equal('결제가 완료되었습니다. 에스크로(구매안전서비스)가 적용되었습니다.');
      el.lang = 'en';
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal('Payment complete. Escrow (buyer protection) applies.');
      await expect(el, 'axe: paid with escrow').to.be.accessible();
    } finally {
      await sandbox('shinhan', '/__sandbox/settings', { escr_yn: null });
    }
  });
});
