/** Defines `<kpg-card-picker>` (`import 'kpg-checkout/card-picker'`): Shinhan's card-list, alone or inside `<kpg-checkout cards-url>`. */
import { define } from '../define.js';
import { KpgCardPicker } from '../kpg-card-picker/kpg-card-picker.js';

define('kpg-card-picker', KpgCardPicker);
export { KpgCardPicker };

declare global {
  interface HTMLElementTagNameMap {
    'kpg-card-picker': KpgCardPicker;
  }
}
