/** The npm build (dist/esm) and the TypeScript types shop developers get. */
import { expect } from '@open-wc/testing';
import type { KpgCheckout } from '../src/index.js';

describe('the npm package', () => {
  // The .d.ts files are checked in test/node/package.test.mjs (the test server would transform them).
  it('dist/esm defines <kpg-checkout> and exports its class (lit and zod resolved as dependencies)', async () => {
    const url = '/dist/esm/index.js'; // a variable: the file exists only after the build
    const mod = (await import(/* @vite-ignore */ url)) as { KpgCheckout: typeof KpgCheckout };
    expect(mod.KpgCheckout).to.be.a('function');
    expect(customElements.get('kpg-checkout')).to.equal(mod.KpgCheckout);
  });

  it('events are typed through GlobalEventHandlersEventMap (checked by tsc in npm test)', () => {
    const el = document.createElement('kpg-checkout');
    const seen: string[] = [];
    el.addEventListener('kpg-success', (e) => {
      const status: 'paid' | 'failed' | 'cancelled' | 'pending' | 'processing' | 'unknown' | 'awaiting_deposit' | 'refunded' = e.detail.result.status;
      seen.push(status, e.detail.order_no);
    });
    el.addEventListener('kpg-vbank-issued', (e) => {
      // The account is typed: due_date a string, amount a number, account_no optional.
      const due: string = e.detail.vbank.due_date;
      const amount: number = e.detail.vbank.amount;
      // @ts-expect-error -- account_no may be missing (Shinhan sends none)
      const no: string = e.detail.vbank.account_no;
      seen.push(due, String(amount), String(no));
    });
    el.addEventListener('kpg-refunded', (e) => {
      // What was given back is typed too (present on refunded and partly refunded results).
      const back: number | undefined = e.detail.result.refunded_total;
      seen.push(e.detail.result.status, String(back));
    });
    el.addEventListener('kpg-error', (e) => {
      // @ts-expect-error -- the code is a union of known codes, not any string (fails to compile if typed loosely)
      const impossible: 'not-a-code' = e.detail.code;
      void impossible;
      seen.push(e.detail.code);
    });
    el.dispatchEvent(new CustomEvent('kpg-error', { detail: { code: 'session-failed', message: 'x' } }));
    el.dispatchEvent(
      new CustomEvent('kpg-success', { detail: { provider: 'shinhan', order_no: 'O-1', result: { status: 'paid', order_no: 'O-1' } } }),
    );
    el.dispatchEvent(
      new CustomEvent('kpg-vbank-issued', {
        detail: { provider: 'smartro', order_no: 'O-2', vbank: { bank_name: '신한은행', holder: 'KPG', amount: 11000, due_date: '2026-12-03' }, result: { status: 'awaiting_deposit', order_no: 'O-2' } },
      }),
    );
    el.dispatchEvent(
      new CustomEvent('kpg-refunded', { detail: { provider: 'smartro', order_no: 'O-3', result: { status: 'refunded', order_no: 'O-3', refunded_total: 11000, balance: 0 } } }),
    );
    expect(seen).to.deep.equal(['session-failed', 'paid', 'O-1', '2026-12-03', '11000', 'undefined', 'refunded', '11000']);
  });
});
