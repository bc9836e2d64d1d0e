/** Defines `<kpg-terms>` (issue 25): the PG's terms and the buyer's consent, inside `<kpg-checkout terms="pg">`. */
import { define } from '../define.js';
import { KpgTerms } from '../kpg-terms/kpg-terms.js';

define('kpg-terms', KpgTerms);
export { KpgTerms };

declare global {
  interface HTMLElementTagNameMap {
    'kpg-terms': KpgTerms;
  }
}
