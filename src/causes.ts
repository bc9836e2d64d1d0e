/**
 * Why a request to the shop's backend failed, as the buyer is told it (issue 24, item 6). The HTTP status
 * and the backend's `field` decide, never its text: the buyer reads fixed words per cause. Only a passing
 * failure (no answer, a timeout, 5xx, 408, 429, an answer that is not JSON) is "try again later"; a retry
 * button is offered for that cause only.
 */
import type { CheckoutConfig } from './config.js';
import type { KpgErrorDetail } from './events.js';
import { say } from './messages.js';

/** The backend's fields that say HOW to pay: a refusal of one is remembered on the page (refusals.ts). */
const HOW_TO_PAY = /^(pay_method|pgcode|provider)$/;

/**
 * - `login`: 401 / 403 (logged out, or another buyer's order): log in again.
 * - `not-offered`: the backend refused how to pay (`pay_method`, `pgcode`, `provider`, the card company or
 *   installment), or the element learned such a refusal earlier on this page (`invalid-config` with a `status`).
 * - `shop`: any other 4xx (an unknown order, a receipt that is not there), a configuration error: contact the shop.
 * - `later`: passing: try again later.
 */
export type Cause = 'login' | 'not-offered' | 'shop' | 'later';

export function causeOf({ code, status = 0, field = '' }: KpgErrorDetail): Cause {
  if (code === 'invalid-config' || code === 'origin-not-allowed') return status ? 'not-offered' : 'shop';
  if (status < 400 || status > 499 || status === 408 || status === 429) return 'later';
  if (status === 401 || status === 403) return 'login';
  return HOW_TO_PAY.test(field) || field === 'card_cpny_cd' || field === 'install_month' ? 'not-offered' : 'shop';
}

/**
 * A session answer that refused an attribute (4xx naming one of HOW_TO_PAY) -> the `invalid-config` every
 * later press or element with those attributes gets at once (refusals.ts); undefined for anything else.
 */
export function refusalOf(config: CheckoutConfig, detail: KpgErrorDetail): KpgErrorDetail | undefined {
  const { code, status, field = '' } = detail;
  if (code !== 'session-failed' || causeOf(detail) !== 'not-offered' || !HOW_TO_PAY.test(field)) return undefined;
  const attr = field.replace('_', '-');
  const value = attr === 'pay-method' ? config.payMethod : attr === 'pgcode' ? config.pgcode : config.provider;
  return { code: 'invalid-config', field: attr, status, provider: config.provider, message: say('refused', attr, value, status) };
}
