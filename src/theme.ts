/** Colours: `main_color` / `point_color` attributes -> CSS custom properties and the PG's own fields. */
import { HexColorSchema } from './schemas.js';
import { warnOnce } from './warn.js';

export const DEFAULT_MAIN_COLOR = 'FFFFFF';
export const DEFAULT_POINT_COLOR = '5379FF';

/**
 * Six upper-case hex digits without `#` (the form SPG's fields take), or the default when the
 * attribute is absent or invalid (an invalid value is reported once and never sent anywhere).
 */
export function colorOrDefault(name: string, value: string | null | undefined, fallback: string): string {
  if (value == null || value === '') return fallback;
  if (HexColorSchema.safeParse(value).success) return value.replace('#', '').toUpperCase();
  warnOnce(`${name}="${value}" is not six hex digits (e.g. 5379FF); using ${fallback}.`);
  return fallback;
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function readableOn(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  // Contrast with white is 1.05 / (L + 0.05); with black (L + 0.05) / 0.05. Pick the larger.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#FFFFFF' : '#000000';
}

/** The CSS custom properties both elements set on their `base` part from the two colours. */
export function themeStyle(mainColor: string, pointColor: string): Record<string, string> {
  return {
    '--kpg-main-color': `#${mainColor}`,
    '--kpg-on-main-color': readableOn(mainColor),
    '--kpg-point-color': `#${pointColor}`,
    '--kpg-on-point-color': readableOn(pointColor),
  };
}

/** Colours that are the defaults when absent or invalid (warned once); used by rendering and requests. */
export function themeColors(attrs: { mainColor?: string | null; pointColor?: string | null }) {
  return {
    mainColor: colorOrDefault('main_color', attrs.mainColor, DEFAULT_MAIN_COLOR),
    pointColor: colorOrDefault('point_color', attrs.pointColor, DEFAULT_POINT_COLOR),
  };
}
