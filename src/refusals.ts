/**
 * What this page's backend refused about HOW to pay (issue 24, item 6): `POST session-url` answered 4xx
 * naming `pay_method`, `pgcode` or `provider` (the second stage decides that: causes.ts). No press changes
 * that answer, so from then on an element with the same attributes treats them as misconfigured (the
 * button disabled, the reason shown, `invalid-config` with the backend's `status`) and opens no window for
 * them again. Per page only: a reload asks the backend again (the shop may have fixed its options).
 */
import type { CheckoutConfig } from './config.js';
import type { KpgErrorDetail } from './events.js';

type Keyed = Pick<CheckoutConfig, 'provider' | 'sessionUrl' | 'payMethod' | 'pgcode'>;

const refused = new Map<string, KpgErrorDetail>();
const key = (c: Keyed) => `${c.provider} ${c.sessionUrl.href} ${c.payMethod} ${c.pgcode}`;

/** How many refusals this page has learned (an element re-reads its attributes when it changes). */
export const refusals = (): number => refused.size;

/** The refusal this page learned for these attributes, if any. */
export const refusal = (config: Keyed): KpgErrorDetail | undefined => refused.get(key(config));

export const remember = (config: Keyed, detail: KpgErrorDetail): void => void refused.set(key(config), detail);
