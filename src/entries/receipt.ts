/** Defines `<kpg-receipt>` (`import 'kpg-checkout/receipt'`); add the PG of the payment: `import 'kpg-checkout/smartro'`. */
import { define } from '../define.js';
import { KpgReceipt } from '../kpg-receipt/kpg-receipt.js';

define('kpg-receipt', KpgReceipt);
export { KpgReceipt };

declare global {
  interface HTMLElementTagNameMap {
    'kpg-receipt': KpgReceipt;
  }
}
