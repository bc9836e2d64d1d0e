/** axe audits of <kpg-checkout> in each state a shopper can see: idle, busy, continue, error, paid. */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import './elements.js';
import type { KpgCheckout } from '../src/index.js';
import { SESSION, consumeUserActivation, fixture, uniqueKey, payButton, realClick, recordEvents, stubScript, waitFor } from './helpers.js';

async function checkout(session: string, script = stubScript('OK', '')) {
  return mount<KpgCheckout>(html`
    <kpg-checkout
      provider="shinhan"
      session-url=${session}
      result-url=${fixture({ body: { status: 'paid', order_no: 'T-1' } })}
      order-id=${uniqueKey('A')}
      amount="11000"
      device="pc"
      script-src=${script}
    ></kpg-checkout>
  `);
}

afterEach(() => fixtureCleanup());

describe('kpg-checkout accessibility', () => {
  it('idle: an accessible, named button', async () => {
    const el = await checkout(fixture({ body: SESSION }));
    await expect(el).to.be.accessible();
    expect(payButton(el).textContent!.trim()).to.equal('11,000원 결제하기');
  });

  it('busy: aria-busy, aria-disabled (the button keeps the focus), and a status line announcing it', async () => {
    const el = await checkout(fixture({ body: SESSION, delay: 1500 }));
    await realClick(payButton(el));
    await waitFor(() => el.state === 'busy');
    await el.updateComplete;
    expect(payButton(el).getAttribute('aria-busy')).to.equal('true');
    expect(payButton(el).getAttribute('aria-disabled')).to.equal('true');
    // Not `disabled`: a disabled button would drop the focus (and force a style recalc in the click's task).
    expect(payButton(el).disabled).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(payButton(el));
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('결제 진행 중');
    await expect(el).to.be.accessible();
  });

  it('continue: the "open payment window" button has focus and a description', async () => {
    const el = await checkout(fixture({ body: SESSION }));
    consumeUserActivation();
    el.pay();
    await waitFor(() => el.state === 'continue');
    await el.updateComplete;
    expect(payButton(el).getAttribute('aria-describedby')).to.equal('hint');
    await expect(el).to.be.accessible();
  });

  it('error: the message is in an alert', async () => {
    const el = await checkout(fixture({ status: 500, body: {} }));
    const rec = recordEvents(el);
    await realClick(payButton(el));
    await rec.outcome();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('잠시 후 다시 시도');
    await expect(el).to.be.accessible();
  });

  it('paid, in English', async () => {
    const el = await checkout(fixture({ body: SESSION }));
    el.setAttribute('lang', 'en');
    await el.updateComplete;
    expect(payButton(el).textContent).to.contain('Pay');
    const rec = recordEvents(el);
    await realClick(payButton(el));
    await rec.outcome();
    await el.updateComplete;
    expect(payButton(el).textContent!.trim()).to.equal('Paid');
    await expect(el).to.be.accessible();
  });
});
