/**
 * The payment gateways this script carries. Each PG is two provider modules (`providers/<pg>-start.ts` on
 * the first stage, `providers/<pg>.ts` on the second) that the entries register; the elements find it
 * here. So `dist/kpg-shinhan.js` holds no Smartro code, and a new PG is its modules, its entries and one
 * name in messages.ts (`provider-missing`).
 */
import { invalidConfig } from './errors.js';
import type { SlipView } from './kpg-receipt/slip.js';
import type { TermsStep } from './kpg-terms/step.js';
import type { ProviderMore, ProviderStart, RegisteredProvider } from './providers/types.js';
import { PROVIDERS, oneOf } from './rules.js';
import type { ProviderId } from './schemas.js';
import { say } from './messages.js';

const registered: Partial<Record<ProviderId, RegisteredProvider>> = {};

/**
 * Called by a PG's entries: its first half (the elements can use it from now on), then its second, which
 * completes the same object (a checkout's configuration holds it already).
 */
export function registerProvider(half: ProviderStart | ProviderMore<any>): void {
  registered[half.id] = Object.assign(registered[half.id] ?? {}, half) as RegisteredProvider;
}

/**
 * The provider for a `provider` attribute. Throws `invalid-config` naming `provider`: missing, unknown,
 * or a PG this script does not carry (which file or import does).
 */
export function providerFor(value: string | null | undefined): RegisteredProvider {
  const list = PROVIDERS.join(', ');
  if (!oneOf(PROVIDERS, value)) {
    throw invalidConfig('provider', say('provider', value, list));
  }
  const provider = registered[value];
  if (!provider) {
    throw invalidConfig('provider', say('provider-missing', value));
  }
  return provider;
}

/** What the script carries beyond PGs: the card picker (a Shinhan script), Smartro's inline slip. */
export const views: { picker?: boolean; slip?: SlipView; terms?: TermsStep } = {};
