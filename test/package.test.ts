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
      const status: 'paid' | 'failed' | 'cancelled' | 'pending' | 'processing' | 'unknown' = e.detail.result.status;
      seen.push(status, e.detail.order_no);
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
    expect(seen).to.deep.equal(['session-failed', 'paid', 'O-1']);
  });
});
