// @ts-check
/**
 * The demo's settings for kpg-checkout/server: the sandbox PGs' credentials (sandbox only, never real
 * keys), overridden by the same environment variables a shop would use (SHINHAN_*, SMARTRO_*, DATABASE_URL,
 * KPG_DATA_DIR; see src/server/env.ts), so `npm start` can also run against the PGs' real test servers.
 */
import { optionsFromEnv } from '../../dist/server/index.js';

/** Sandbox values (see demo/CONTRACT.md). Never real keys. */
export const SANDBOX_DEFAULTS = Object.freeze({
  shinhan: Object.freeze({ clientId: 'kpgdemo01', paymentApiKey: 'sandbox-payment-key-0001', searchApiKey: 'sandbox-search-key-0001' }),
  // cancelPassword: the sandbox merchant's 취소 패스워드 (Cancelpw): Smartro cancels on (issue 22).
  smartro: Object.freeze({ mid: 'kpgtest01m', merchantKey: 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx', cancelPassword: 'sandbox-cancel-pw-0001' }),
});

/**
 * The PG options of the demo: the environment's when set (all of a PG's variables), else the sandboxes'.
 * The sandbox's receipt API answers lookups by Moid (a labelled assumption): the demo uses it there, and
 * nowhere else unless SMARTRO_RECEIPT_LOOKUP_BY_MOID=true.
 * @param {Record<string, string | undefined>} env
 * @param {{ shinhanOrigin: string, smartroOrigin: string }} sandboxes
 */
export function demoOptions(env, sandboxes) {
  const fromEnv = optionsFromEnv(env);
  return {
    database: fromEnv.database,
    shinhan: fromEnv.shinhan ?? { apiBase: `${sandboxes.shinhanOrigin}/`, ...SANDBOX_DEFAULTS.shinhan, pgcodes: ['selpay', 'card'] },
    smartro: fromEnv.smartro ?? {
      ...SANDBOX_DEFAULTS.smartro,
      pcAction: `${sandboxes.smartroOrigin}/interfaceURL.jsp`,
      mobileAction: `${sandboxes.smartroOrigin}/pay/interfaceURL`,
      apiBase: `${sandboxes.smartroOrigin}/`,
      receiptLookupByMoid: true,
      // Every method the sandbox plays (issue 11): the demo shop offers each one.
      payMethods: ['card', 'vbank', 'bank', 'phone'],
    },
  };
}
