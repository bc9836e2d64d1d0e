/** The registry of payment gateways: `provider` attribute value -> module. */
import type { ProviderId } from '../schemas.js';
import { shinhan } from './shinhan.js';
import { smartro } from './smartro.js';
import type { Provider } from './types.js';

export const providers: Record<ProviderId, Provider> = {
  shinhan: shinhan as Provider,
  smartro: smartro as Provider,
};
