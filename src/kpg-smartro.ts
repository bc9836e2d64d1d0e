/**
 * dist/kpg-smartro.js: the elements as a Smartro shop uses them (`<kpg-checkout provider="smartro">`,
 * `<kpg-receipt provider="smartro">` as a popup or the inline slip), and no Shinhan code.
 */
import './entries/smartro.js';

export { KpgCheckout } from './entries/checkout.js';
export { KpgReceipt } from './entries/receipt.js';
export { allowPgOrigins } from './origins.js';
export { IN_APP_BROWSERS, inAppBrowser } from './in-app.js';
