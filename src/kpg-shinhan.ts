/**
 * dist/kpg-shinhan.js: the elements as a Shinhan shop uses them (`<kpg-checkout provider="shinhan">` with
 * its card picker, `<kpg-card-picker>`, `<kpg-receipt provider="shinhan">`), and no Smartro code.
 */
import './entries/shinhan.js';

export { KpgCheckout } from './entries/checkout.js';
export { KpgCardPicker } from './entries/card-picker.js';
export { KpgReceipt } from './entries/receipt.js';
export { allowPgOrigins } from './origins.js';
export { IN_APP_BROWSERS, inAppBrowser } from './in-app.js';
