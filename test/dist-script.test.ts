/**
 * The embeddable file under test (kpg-checkout.js, kpg-shinhan.js or kpg-smartro.js, with its second
 * stage), used the way a shop uses it: from a plain `<script src>` (no charset attribute, served without a
 * charset) on a page served as EUC-KR.
 */
import { expect } from '@open-wc/testing';
import { PGS, SCRIPT } from './elements.js';
import { newOrder, waitFor } from './helpers.js';

const FILE = SCRIPT ?? 'kpg-checkout.js';
/** The second stage of a two-stage file (kpg-shinhan.js, kpg-smartro.js), fetched by it from beside it. */
const STAGE2 = FILE === 'kpg-checkout.js' ? null : FILE.replace(/\.js$/, '.stage2.js');

function framePage(html: string, charset: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.src = `/__fixture/page?charset=${charset}&body=${encodeURIComponent(html)}`;
  document.body.append(frame);
  return new Promise((resolve) => frame.addEventListener('load', () => resolve(frame), { once: true }));
}

describe(`dist/${FILE}`, () => {
  for (const file of [FILE, STAGE2].filter((f): f is string => !!f)) {
    it(`${file} contains only ASCII bytes`, async () => {
      const res = await fetch(`/__fixture/dist/${file}`);
      expect(res.ok).to.equal(true);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes.length).to.be.greaterThan(1000);
      const at = bytes.findIndex((b) => b > 0x7f);
      expect(at, `non-ASCII byte at ${at}`).to.equal(-1);
    });
  }

  it('defines <kpg-checkout> from a plain script tag on an EUC-KR page and shows intact Korean', async () => {
    // The page itself is ASCII; the Korean comes only from the script.
    const frame = await framePage(
      `<!doctype html><html><head><meta charset="euc-kr"><title>legacy shop</title></head><body>
       <kpg-checkout provider="${PGS[0]}" session-url="/api/kpg/session" result-url="/api/kpg/result"
         order-id="${await newOrder()}" amount="11000" device="mobile"></kpg-checkout>
       <kpg-receipt provider="${PGS[0]}" tid="T1" receipt-url="/api/kpg/receipt"></kpg-receipt>
       <script src="/__fixture/dist/${FILE}"></script></body></html>`,
      'EUC-KR',
    );
    try {
      const doc = frame.contentDocument!;
      expect(doc.characterSet).to.equal('EUC-KR');
      await waitFor(() => doc.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'element not rendered');
      const button = doc.querySelector('kpg-checkout')!.shadowRoot!.querySelector('button')!;
      expect(button.textContent!.trim()).to.equal('11,000원 결제하기');
      expect(frame.contentWindow!.customElements.get('kpg-checkout')).to.be.a('function');
      // The receipt comes with the second stage of a two-stage file: its words arrive intact too.
      await waitFor(() => doc.querySelector('kpg-receipt')?.shadowRoot?.querySelector('button'), 'the receipt (second stage) did not render');
      expect(doc.querySelector('kpg-receipt')!.shadowRoot!.querySelector('button')!.textContent!.trim()).to.equal('전표 보기');
    } finally {
      frame.remove();
    }
  });

  it('control: the same Korean in a raw UTF-8 script on that page would be garbled', async () => {
    // Proves the check above can fail: without the ASCII escaping, an EUC-KR page decodes UTF-8 wrongly.
    const script = `/__fixture?type=text/javascript&body=${encodeURIComponent('window.label = "결제하기";')}`;
    const frame = await framePage(
      `<!doctype html><html><head><meta charset="euc-kr"></head><body><script src="${script}"></script></body></html>`,
      'EUC-KR',
    );
    try {
      await waitFor(() => (frame.contentWindow as unknown as { label?: string }).label !== undefined);
      expect((frame.contentWindow as unknown as { label: string }).label).to.not.equal('결제하기');
    } finally {
      frame.remove();
    }
  });
});
