/**
 * dist/kpg-shinhan.js, the first stage of a Shinhan shop's script: `<kpg-checkout provider="shinhan">`, its
 * attributes, theme and pay button in all its states, and Shinhan's script loaded when a PC checkout
 * appears; interactive after 12 KB gzip. Everything else (the flow after the session request, the card
 * picker, `<kpg-card-picker>`, `<kpg-receipt provider="shinhan">`, virtual accounts, zod and lit) is
 * kpg-shinhan.stage2.js, fetched from beside this file at idle, on the first pointer or focus intent, and
 * at the latest inside the click (stage.ts). No Smartro code.
 */
import { KpgCheckout } from './entries/checkout.js';
import { shinhanStart } from './providers/shinhan-start.js';
import { registerProvider, views } from './registry.js';
import { locateSecondStage } from './stage.js';

registerProvider(shinhanStart);
views.picker = true;
locateSecondStage('kpg-shinhan.stage2.js', typeof __KPG_BUILD__ === 'string' ? __KPG_BUILD__ : '');

export { KpgCheckout };
export { allowPgOrigins } from './origins.js';
export { IN_APP_BROWSERS, inAppBrowser } from './in-app.js';
