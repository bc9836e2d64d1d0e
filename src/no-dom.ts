/**
 * `import 'kpg-checkout'` (or `require`) where there is no DOM: a server rendering a page, an edge runtime,
 * a worker. The elements are browser code (they extend HTMLElement), so nothing is defined here and the
 * element classes are `undefined`; the page that renders `<kpg-checkout>` loads the real module in the
 * browser. Importing this never throws, so a framework that evaluates imports on the server is safe.
 */
export { allowPgOrigins } from './origins.js';
export { IN_APP_BROWSERS, inAppBrowser } from './in-app.js';

/** No DOM here: the element classes exist only in a browser. */
export const KpgCheckout = undefined;
export const KpgCardPicker = undefined;
export const KpgReceipt = undefined;
