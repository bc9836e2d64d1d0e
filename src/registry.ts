/**
 * The payment gateways this script carries. Each PG is a provider module (`providers/<pg>.ts`) that an
 * entry registers (`entries/<pg>.ts`); the elements find it here. So `dist/kpg-shinhan.js` holds no
 * Smartro code, and a new PG is a new provider module, its entry and one line in `PGS`.
 */
import { invalidConfig } from './errors.js';
import type { SlipView } from './kpg-receipt/slip.js';
import type { Provider } from './providers/types.js';
import { ProviderIdSchema, type ProviderId } from './schemas.js';

/** Every PG the project knows, by `provider` id: its name, for the message when this script lacks it. */
const PGS: Record<ProviderId, string> = { shinhan: 'Shinhan', smartro: 'Smartro' };

const registered: Partial<Record<ProviderId, Provider>> = {};

/** Called by a PG's entry (`entries/shinhan.ts`...): the elements can use it from now on. */
export function registerProvider(provider: Provider): void {
  registered[provider.id] = provider;
}

/**
 * The provider for a `provider` attribute. Throws `invalid-config` naming `provider`: missing, unknown,
 * or a PG this script does not carry (which file or import does).
 */
export function providerFor(value: string | null | undefined): Provider {
  const parsed = ProviderIdSchema.safeParse(value ?? '');
  const list = ProviderIdSchema.options.join(', ');
  if (!parsed.success) {
    throw invalidConfig('provider', value ? `provider="${value}" is not supported; use one of: ${list}` : `The provider attribute is required (one of: ${list})`);
  }
  const id = parsed.data;
  const provider = registered[id];
  if (!provider) {
    throw invalidConfig('provider', `This script has no ${PGS[id]}: load kpg-${id}.js or kpg-checkout.js (npm: import 'kpg-checkout/${id}')`);
  }
  return provider;
}

/** Views a PG's entry adds to the elements: Smartro's inline slip for `<kpg-receipt view="inline">`. */
export const views: { slip?: SlipView } = {};
