import { warnOnce } from './warn.js';
import { say } from './messages.js';

/**
 * Define a custom element once, where a DOM exists. A second copy of the widget on the page (two of
 * kpg-checkout.js, kpg-shinhan.js, kpg-smartro.js) defines nothing: its PG would be unknown to the
 * elements the first copy defined, so it says so.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (typeof customElements === 'undefined') return;
  const defined = customElements.get(tag);
  if (!defined) customElements.define(tag, element);
  else if (defined !== element) warnOnce(say('defined-twice', tag));
}
