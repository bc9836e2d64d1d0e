import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { messages, type Messages } from './i18n.js';
import { themeColors, themeStyle } from './theme.js';

/** What every kpg element shares: the `lang` global attribute and the two theme colours. */
export class KpgElement extends LitElement {
  /** Six hex digits; default FFFFFF. */
  @property({ attribute: 'main_color' }) mainColor?: string;
  /** Six hex digits; default 5379FF. */
  @property({ attribute: 'point_color' }) pointColor?: string;

  /** `lang` is the global attribute; the element re-renders when it changes. */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  protected get t(): Messages {
    return messages(this.lang);
  }

  /**
   * The theme's CSS custom properties go on the `base` part through the CSSOM (`style.setProperty`), never
   * as a `style` attribute: a strict CSP (style-src without 'unsafe-inline') blocks style attributes.
   */
  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const base = this.renderRoot.querySelector<HTMLElement>('[part="base"]');
    if (!base || (base === this.#themed && !changed.has('mainColor') && !changed.has('pointColor'))) return;
    this.#themed = base;
    const { mainColor, pointColor } = themeColors(this);
    for (const [name, value] of Object.entries(themeStyle(mainColor, pointColor))) base.style.setProperty(name, value);
  }

  /** The `base` element the theme was last set on (a re-render that keeps it needs no new colours). */
  #themed?: HTMLElement;
}
