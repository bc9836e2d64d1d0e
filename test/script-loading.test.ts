/** The Shinhan script is fetched only on pages with a Shinhan checkout, and once there (own page: nothing loaded before). */
import { expect, fixture as mount, html } from '@open-wc/testing';
import './elements.js';
import { SHINHAN_SANDBOX, fixture, newOrder, waitFor } from './helpers.js';

const shinhanScripts = () => [
  ...document.querySelectorAll('script[src*="unifiedPay"]'),
  ...performance.getEntriesByType('resource').filter((e) => e.name.includes('unifiedPay')),
];

describe('PG script loading', () => {
  it('a page with a Smartro checkout, a card picker and receipts fetches no Shinhan script', async () => {
    const orderId = await newOrder();
    await mount(html`<div>
      <kpg-checkout provider="smartro" device="pc" session-url="/api/kpg/session" result-url="/api/kpg/result" order-id=${orderId}></kpg-checkout>
      <kpg-card-picker cards-url=${fixture({ body: { ret_code: 0, list: [{ card_cpny_cd: 'S001', card_cpny_name: 'BC카드' }] } })}></kpg-card-picker>
      <kpg-receipt provider="shinhan" tid="T1" receipt-url="/api/kpg/receipt"></kpg-receipt>
      <kpg-checkout provider="shinhan" device="mobile" session-url="/api/kpg/session" result-url="/api/kpg/result" order-id=${orderId}></kpg-checkout>
    </div>`);
    await new Promise((r) => setTimeout(r, 300));
    expect(shinhanScripts()).to.have.length(0); // a mobile Shinhan checkout navigates: no script either
  });

  it("without script-src a PC Shinhan checkout asks for Shinhan's own script, the document's URL (not fetched here: the PG is not reachable)", async () => {
    const taken: string[] = [];
    const append = document.head.append;
    document.head.append = function (this: HTMLHeadElement, ...nodes: Array<Node | string>) {
      const script = nodes.find((n): n is HTMLScriptElement => n instanceof HTMLScriptElement && n.src.startsWith('https://payspg.shinhan.com/'));
      if (!script) return append.apply(this, nodes);
      taken.push(script.src);
      queueMicrotask(() => script.onerror?.(new Event('error'))); // as an unreachable host would answer
    };
    try {
      const orderId = await newOrder();
      await mount(html`<kpg-checkout provider="shinhan" device="pc" session-url="/api/kpg/session" result-url="/api/kpg/result" order-id=${orderId}></kpg-checkout>`);
      await waitFor(() => taken.length > 0, 'no script asked for');
      expect(taken).to.deep.equal(['https://payspg.shinhan.com/businessPayment/unifiedPay/script']);
    } finally {
      document.head.append = append;
    }
  });

  it('a PC Shinhan checkout fetches it as soon as it appears, once', async () => {
    const src = `${SHINHAN_SANDBOX}/businessPayment/unifiedPay/script`;
    const [first, second] = [await newOrder(), await newOrder('p2')];
    await mount(html`<div>
      <kpg-checkout provider="shinhan" device="pc" session-url="/api/kpg/session" result-url="/api/kpg/result" order-id=${first} script-src=${src}></kpg-checkout>
      <kpg-checkout provider="shinhan" device="pc" session-url="/api/kpg/session" result-url="/api/kpg/result" order-id=${second} script-src=${src}></kpg-checkout>
    </div>`);
    await waitFor(() => (window as { ShinhanBizPay?: unknown }).ShinhanBizPay, 'script not loaded');
    expect(document.querySelectorAll(`script[src="${src}"]`)).to.have.length(1);
    expect(performance.getEntriesByType('resource').filter((e) => e.name === src)).to.have.length(1);
  });
});
