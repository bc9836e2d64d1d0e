/**
 * What every kpg element does with its attributes, whatever it is built on (`<kpg-checkout>` on the first
 * stage's small base, the picker and the receipt on lit): the `lang` global attribute, the theme colours on
 * the `base` part, and warnings for attributes that look right but do nothing.
 */
import { themeColors, themeStyle } from './theme.js';
import { warnOnce } from './warn.js';

/** Attributes people write for the theme colours that are not them (HTML lower-cases `mainColor`). */
const LOOK_ALIKES: ReadonlyArray<readonly [string, string]> = [
  ['main-color', 'main_color'],
  ['point-color', 'point_color'],
  ['maincolor', 'main_color'],
  ['pointcolor', 'point_color'],
];

/** Observed besides the properties: `lang` (the element re-renders when it changes); `pg-origins` is only warned about. */
export const HOST_ATTRIBUTES = ['lang', 'pg-origins'];

export interface KpgHost extends HTMLElement {
  mainColor?: string;
  pointColor?: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
  requestUpdate(): void;
}

/** `attributeChangedCallback` for `HOST_ATTRIBUTES`. */
export function hostAttributeChanged(host: KpgHost, name: string, value: string | null): void {
  if (name === 'lang') host.requestUpdate();
  // Markup must not decide where PG scripts load from or where forms and windows go (an HTML injection could).
  if (name === 'pg-origins' && value) {
    warnOnce(
      `pg-origins="${value}" is ignored: markup cannot allow PG origins. Call KpgCheckout.allowPgOrigins(${JSON.stringify(value.split(/\s+/).filter(Boolean))}) from your own script before the elements connect.`,
    );
  }
}

/** `connectedCallback`: attributes that look like the theme's but are not. */
export function warnLookAlikes(host: HTMLElement): void {
  for (const [wrong, right] of LOOK_ALIKES) {
    if (host.hasAttribute(wrong)) warnOnce(`<${host.localName}> has ${wrong}="${host.getAttribute(wrong)}", which is not an attribute: write ${right} (with an underscore).`);
  }
}

/** `willUpdate`: a language the widget does not speak. */
export function warnLang(lang: string): void {
  if (lang && !/^(ko|en)\b/i.test(lang)) warnOnce(`lang="${lang}" is not a language the widget speaks (ko, en); it uses ko.`);
}

/**
 * `updated`: the theme's CSS custom properties on the `base` part, through the CSSOM (`style.setProperty`),
 * never as a `style` attribute (a strict CSP, style-src without 'unsafe-inline', blocks style attributes).
 * Returns the element themed; `themed` is the last one (a re-render that keeps it needs no new colours).
 */
export function applyTheme(host: KpgHost, changed: Map<PropertyKey, unknown>, themed: HTMLElement | undefined): HTMLElement | undefined {
  const base = host.renderRoot.querySelector<HTMLElement>('[part="base"]');
  if (!base || (base === themed && !changed.has('mainColor') && !changed.has('pointColor'))) return themed;
  const { mainColor, pointColor } = themeColors(host);
  for (const [name, value] of Object.entries(themeStyle(mainColor, pointColor))) base.style.setProperty(name, value);
  return base;
}
