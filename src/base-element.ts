import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { messages, type Messages } from './i18n.js';
import { themeColors, themeStyle } from './theme.js';
import { warnOnce } from './warn.js';

/** Attributes people write for the theme colours that are not them (HTML lower-cases `mainColor`). */
const LOOK_ALIKES: ReadonlyArray<readonly [string, string]> = [
  ['main-color', 'main_color'],
  ['point-color', 'point_color'],
  ['maincolor', 'main_color'],
  ['pointcolor', 'point_color'],
];

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

  override connectedCallback(): void {
    super.connectedCallback();
    const tag = this.localName;
    for (const [wrong, right] of LOOK_ALIKES) {
      if (this.hasAttribute(wrong)) warnOnce(`<${tag}> has ${wrong}="${this.getAttribute(wrong)}", which is not an attribute: write ${right} (with an underscore).`);
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.lang && !/^(ko|en)\b/i.test(this.lang)) warnOnce(`lang="${this.lang}" is not a language the widget speaks (ko, en); it uses ko.`);
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
