import { english } from './i18n.js';
import { Reactive, type Changed, type PropertyDeclaration } from './reactive.js';
import { themeColors, themeStyle } from './theme.js';
import { warnOnce } from './warn.js';
import { say } from './messages.js';

/** Attributes people write for the theme colours that are not them (HTML lower-cases `mainColor`). */
const LOOK_ALIKES: ReadonlyArray<readonly [string, string]> = [
  ['main-color', 'main_color'],
  ['point-color', 'point_color'],
  ['maincolor', 'main_color'],
  ['pointcolor', 'point_color'],
];

/**
 * What every kpg element shares, on the first stage's element base (reactive.ts): the `lang` global
 * attribute, the two theme colours, and the warnings for attributes that look right but do nothing.
 * `<kpg-checkout>` renders its shadow DOM by hand on it; the picker and the receipt render lit-html
 * templates (lit-element.ts, second stage). Reactive properties are declared as `static properties` (no
 * decorators: smaller bundles), each with a `declare`d field for its type and docs.
 */
export class KpgElement extends Reactive {
  static override properties: Record<string, PropertyDeclaration> = {
    mainColor: { attribute: 'main_color' },
    pointColor: { attribute: 'point_color' },
  };

  /** Six hex digits; default FFFFFF. */
  declare mainColor?: string;
  /** Six hex digits; default 5379FF. */
  declare pointColor?: string;

  /** `lang` is the global attribute (the element re-renders when it changes); `pg-origins` is only warned about. */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang', 'pg-origins'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
    // Markup must not decide where PG scripts load from or where forms and windows go (an HTML injection could).
    if (name === 'pg-origins' && value) {
      warnOnce(say('pg-origins', value, JSON.stringify(value.split(/\s+/).filter(Boolean))));
    }
  }

  /** The element's text in its language: Korean, or English for `lang="en"` (`en-US`...). */
  protected text<T>(ko: T, en: T): T {
    return english(this.lang) ? en : ko;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    for (const [wrong, right] of LOOK_ALIKES) {
      if (this.hasAttribute(wrong)) warnOnce(say('look-alike', this.localName, wrong, this.getAttribute(wrong), right));
    }
  }

  protected override willUpdate(_changed: Changed): void {
    if (this.lang && !/^(ko|en)\b/i.test(this.lang)) warnOnce(say('lang', this.lang));
  }

  /**
   * The theme's CSS custom properties go on the `base` part through the CSSOM (`style.setProperty`), never
   * as a `style` attribute: a strict CSP (style-src without 'unsafe-inline') blocks style attributes.
   */
  protected override updated(changed: Changed): void {
    const base = this.renderRoot.querySelector<HTMLElement>('[part="base"]');
    if (!base || (base === this.#themed && !changed.has('mainColor') && !changed.has('pointColor'))) return;
    this.#themed = base;
    const { mainColor, pointColor } = themeColors(this);
    for (const [name, value] of Object.entries(themeStyle(mainColor, pointColor))) base.style.setProperty(name, value);
  }

  /** The `base` element the theme was last set on (a re-render that keeps it needs no new colours). */
  #themed?: HTMLElement;
}
