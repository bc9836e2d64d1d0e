/**
 * Issue 25: the consent step of `<kpg-checkout provider="shinhan">` (terms="pg", the default), in Chromium:
 * the PG's terms by name, each read in full in a modal dialog (keyboard only: Tab, Enter, Escape, the focus
 * back on the control), the required "전체 동의", the pay button saying what is missing and refusing to start
 * without it, the consent sent with the session; and hostile terms HTML that runs nothing and fetches nothing
 * (the sandbox Shinhan PG counts every request its probe route gets).
 */
import { expect, fixture as mount, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './elements.js';
import { needs } from './elements.js';
import type { KpgCheckout } from '../src/index.js';
import { hostileTerms, STANDARD_TERMS } from '../demo/sandbox/shinhan/terms.mjs';
import { SESSION, SHINHAN_SANDBOX, fixture, fixtureCalls, payButton, recordEvents, sandbox, stubScript, uniqueKey, waitFor } from './helpers.js';

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

  it('terms="none", a pgcode without terms, and a backend without a terms route: no step, pay is not held', async function () {
    needs(this, 'shinhan');
    for (const extra of [{ terms: 'none', list: STANDARD_TERMS }, { list: [] }, { status: 404 }]) {
      const key = uniqueKey('noterms');
      const termsUrl = 'status' in extra ? fixture({ status: extra.status, body: 'Not Found', type: 'text/plain' }) : fixture({ body: termsBody(extra.list) });
      const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="11000" order-id="T-25b"
        terms=${('terms' in extra && extra.terms) || 'pg'} session-url=${fixture({ body: { status: 'x' }, key })} result-url="/r"
        script-src=${stubScript('OK', '')} terms-url=${termsUrl}></kpg-checkout>`);
      await waitFor(() => customElements.get('kpg-terms'), 'the second stage did not load', { timeout: 8000 });
      // The step reported what it found (with terms="none" there is no step at all).
      if (!('terms' in extra)) await waitFor(() => el.termsState !== null, 'the step did not report', { timeout: 8000 });
      await el.updateComplete;
      const step = el.shadowRoot!.querySelector('kpg-terms');
      expect(!step || step.hidden, JSON.stringify(extra)).to.equal(true);
      expect(payButton(el).hasAttribute('aria-describedby')).to.equal(false);
      void el.pay();
      await waitFor(async () => (await fixtureCalls(key)).length === 1, `pay was held (${JSON.stringify(extra)})`);
    }
  });
});
