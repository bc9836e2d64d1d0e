import { LitElement } from 'lit';
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

  /** CSS custom properties for the `base` part (invalid colours fall back, warned once). */
  protected get themeStyle(): Record<string, string> {
    const { mainColor, pointColor } = themeColors(this);
    return themeStyle(mainColor, pointColor);
  }
}
