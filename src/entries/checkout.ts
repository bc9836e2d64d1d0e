/** Defines `<kpg-checkout>` (`import 'kpg-checkout/checkout'`); add the PG it pays with: `import 'kpg-checkout/shinhan'`. */
import { define } from '../define.js';
import { KpgCheckout } from '../kpg-checkout/kpg-checkout.js';

define('kpg-checkout', KpgCheckout);
export { KpgCheckout };
export type { CheckoutState } from '../kpg-checkout/kpg-checkout.js';

declare global {
  interface HTMLElementTagNameMap {
    'kpg-checkout': KpgCheckout;
  }
}
