/**
 * kpg-checkout: checkout web components for Korean payment gateways, every element and every PG
 * (dist/kpg-checkout.js, and `import 'kpg-checkout'`). Importing this module defines the elements (once)
 * where a DOM exists. On a server or an edge runtime, `import 'kpg-checkout'` resolves to `no-dom.ts`
 * instead (package.json `exports` conditions), which defines nothing.
 * One PG only: kpg-shinhan.ts / kpg-smartro.ts (the script tags), or the entries in `entries/` (npm).
 */
import './entries/shinhan.js';
import './entries/smartro.js';

export { KpgCheckout } from './entries/checkout.js';
export { KpgCardPicker } from './entries/card-picker.js';
export { KpgReceipt } from './entries/receipt.js';
export type { CheckoutState } from './entries/checkout.js';
export { allowPgOrigins } from './origins.js';
export { IN_APP_BROWSERS, inAppBrowser } from './in-app.js';
export * from './events.js';
