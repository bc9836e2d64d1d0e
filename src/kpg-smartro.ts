/**
 * dist/kpg-smartro.js, the first stage of a Smartro shop's script: `<kpg-checkout provider="smartro">`, its
 * attributes, theme and pay button in all its states, and the payment window opened inside the click;
 * interactive after 12 KB gzip. Everything else (the flow after the session request, the form's checks and
 * post, `<kpg-receipt provider="smartro">` with the inline slip, virtual accounts, zod and lit) is
 * kpg-smartro.stage2.js, fetched from beside this file at idle, on the first pointer or focus intent, and
 * at the latest inside the click (stage.ts). No Shinhan code.
 */
import { KpgCheckout } from './entries/checkout.js';
import { smartroStart } from './providers/smartro-start.js';
import { registerProvider } from './registry.js';
import { locateSecondStage } from './stage.js';

registerProvider(smartroStart);
locateSecondStage('kpg-smartro.stage2.js', typeof __KPG_BUILD__ === 'string' ? __KPG_BUILD__ : '');

export { KpgCheckout };
export { allowPgOrigins } from './origins.js';
export { IN_APP_BROWSERS, inAppBrowser } from './in-app.js';
