import { nothing, render } from 'lit/html.js';
import { HOST_ATTRIBUTES, applyTheme, hostAttributeChanged, warnLang, warnLookAlikes } from './host.js';
import { english } from './i18n.js';
import { Reactive, type Changed, type PropertyDeclaration } from './reactive.js';

/**
 * The base of `<kpg-card-picker>` and `<kpg-receipt>` (second stage): the first stage's element base
 * (reactive.ts) rendering a lit-html template, and what every kpg element does (host.ts: the `lang` global
 * attribute, the two theme colours, the warnings for attributes that look right but do nothing; the
 * checkout does the same on its own). Reactive properties are declared as `static properties` (no
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

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...HOST_ATTRIBUTES];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    hostAttributeChanged(this, name, value);
  }

  /** The element's text in its language: Korean, or English for `lang="en"` (`en-US`...). */
  protected text<T>(ko: T, en: T): T {
    return english(this.lang) ? en : ko;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    warnLookAlikes(this);
  }

  /** The shadow DOM, as a lit-html template. */
  protected render(): unknown {
    return nothing;
  }

  protected override willUpdate(_changed: Changed): void {
    warnLang(this.lang);
  }

  protected override update(_changed: Changed): void {
    render(this.render(), this.renderRoot, { host: this });
  }

  protected override updated(changed: Changed): void {
    this.#themed = applyTheme(this, changed, this.#themed);
  }

  /** The `base` element the theme was last set on. */
  #themed?: HTMLElement;
}
