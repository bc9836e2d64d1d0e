/** Colours: `main_color` / `point_color` attributes -> CSS custom properties and the PG's own fields. */
import { HEX_COLOR } from './rules.js';
import { warnOnce } from './warn.js';
import { say } from './messages.js';

export const DEFAULT_MAIN_COLOR = 'FFFFFF';
export const DEFAULT_POINT_COLOR = '5379FF';

const WHITE = 'FFFFFF';
const BLACK = '000000';

/**
 * The pay button's label is 14pt bold, which WCAG counts as large text: AA asks 3:1 for it (4.5:1 for the
 * smaller text on the surface). Non-text parts (focus ring, selection mark, borders) also need 3:1.
 */
export const LARGE_TEXT_AA = 3;

/**
 * Six upper-case hex digits without `#` (the form SPG's fields take), or the default when the
 * attribute is absent or invalid (an invalid value is reported once and never sent anywhere).
 */
export function colorOrDefault(name: string, value: string | null | undefined, fallback: string): string {
  if (value == null || value === '') return fallback;
  if (HEX_COLOR.test(value)) return value.replace('#', '').toUpperCase();
  warnOnce(say('hex-color', name, value, fallback));
  return fallback;
}

/** WCAG 2 relative luminance of six hex digits (0 black to 1 white). */
export function luminance(hex: string): number {
  let l = 0;
  for (const [i, weight] of [[0, 0.2126], [2, 0.7152], [4, 0.0722]]) {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    l += weight * (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  }
  return l;
}

/** WCAG contrast ratio of two colours given as six hex digits: 1 to 21. */
export function contrast(a: string, b: string): number {
  const x = luminance(a) + 0.05;
  const y = luminance(b) + 0.05;
  return x > y ? x / y : y / x;
}

/** Text on `hex`: black or white, whichever contrasts more (always at least 4.58:1, AA for any size). */
export function readableOn(hex: string): string {
  return contrast(WHITE, hex) >= contrast(BLACK, hex) ? WHITE : BLACK;
}

/**
 * The pay button's label on `hex`: white, as the PGs' own pages put it on a saturated colour (Shinhan's
 * #5379FF, Toss blue), whenever white meets AA for the large bold label; black otherwise (yellow, light
 * colours), which then contrasts at least 7:1.
 */
export function labelOn(hex: string): string {
  return contrast(WHITE, hex) >= LARGE_TEXT_AA ? WHITE : BLACK;
}

/** The colours both elements derive from `main_color` / `point_color` (six hex digits each, no `#`). */
export interface Theme {
  main: string;
  onMain: string;
  point: string;
  onPoint: string;
  /**
   * Borders, the selection mark and the focus ring on the surface: the point colour when it stands out
   * from the main colour by 3:1, else the text colour, so they never vanish (white on white).
   */
  accent: string;
  onAccent: string;
  /** What hover/pressed mix into the button: away from the label when it is close, toward it when far. */
  shade: string;
  /** The error accent, lighter on a dark surface. */
  error: string;
  dark: boolean;
}

export function theme(main: string, point: string): Theme {
  const onMain = readableOn(main);
  const onPoint = labelOn(point);
  const distinct = contrast(point, main) >= LARGE_TEXT_AA;
  const dark = onMain === WHITE;
  return {
    main,
    onMain,
    point,
    onPoint,
    accent: distinct ? point : onMain,
    onAccent: distinct ? onPoint : main,
    // Mixing up to 24% toward the label keeps 3:1 when it started at 7:1; away from it always gains.
    shade: contrast(onPoint, point) >= 7 ? onPoint : onPoint === WHITE ? BLACK : WHITE,
    error: dark ? 'F97066' : 'D92D20',
    dark,
  };
}

/**
 * The private custom properties the elements set on their `base` part (the stylesheet resolves each one
 * under its public `--kpg-*` name first, so a shop's CSS can override any of them).
 */
export function themeStyle(mainColor: string, pointColor: string): Record<string, string> {
  const t = theme(mainColor, pointColor);
  return {
    '--_m': `#${t.main}`,
    '--_om': `#${t.onMain}`,
    '--_p': `#${t.point}`,
    '--_op': `#${t.onPoint}`,
    '--_a': `#${t.accent}`,
    '--_oa': `#${t.onAccent}`,
    '--_sh': `#${t.shade}`,
    '--_e': `#${t.error}`,
    '--_cs': t.dark ? 'dark' : 'light',
  };
}

/** Colours that are the defaults when absent or invalid (warned once); used by rendering and requests. */
export function themeColors(attrs: { mainColor?: string | null; pointColor?: string | null }) {
  return {
    mainColor: colorOrDefault('main_color', attrs.mainColor, DEFAULT_MAIN_COLOR),
    pointColor: colorOrDefault('point_color', attrs.pointColor, DEFAULT_POINT_COLOR),
  };
}
