/**
 * kpg-checkout: checkout web components for Korean payment gateways.
 * Importing this module defines the elements (once, even if two copies are loaded), where a DOM exists.
 * On a server or an edge runtime, `import 'kpg-checkout'` resolves to `no-dom.ts` instead (package.json
 * `exports` conditions), which defines nothing.
 */
import { KpgCardPicker } from './kpg-card-picker/kpg-card-picker.js';
import { KpgCheckout } from './kpg-checkout/kpg-checkout.js';
import { KpgReceipt } from './kpg-receipt/kpg-receipt.js';

export { KpgCardPicker, KpgCheckout, KpgReceipt };
export type { CheckoutState } from './kpg-checkout/kpg-checkout.js';
export { allowPgOrigins } from './origins.js';
export { IN_APP_BROWSERS, inAppBrowser } from './in-app.js';
export * from './events.js';

const elements: Array<[string, CustomElementConstructor]> = [
  ['kpg-checkout', KpgCheckout],
  ['kpg-card-picker', KpgCardPicker],
  ['kpg-receipt', KpgReceipt],
];
if (typeof customElements !== 'undefined') {
  for (const [tag, element] of elements) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kpg-checkout': KpgCheckout;
    'kpg-card-picker': KpgCardPicker;
    'kpg-receipt': KpgReceipt;
  }
}
