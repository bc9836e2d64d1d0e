/**
 * The rules of the attributes and of the shapes the click path reads, as plain checks: the first stage
 * (the pay button, interactive after 12 KB) carries no zod, and the click path runs no zod parse. Each
 * rule is the one its zod schema in rule-schemas.ts is built from (the same regular expression or list), and
 * test/property.test.ts checks that every hand check accepts exactly what its schema accepts.
 */

/** `main_color` / `point_color`: six hex digits, with or without `#`. */
export const HEX_COLOR = /^#?[0-9a-fA-F]{6}$/;
/** `pgcode` (Shinhan: string(10)). */
export const PG_CODE = /^[A-Za-z0-9_]{1,10}$/;
/** `amount`: whole won, 1-13 digits (a number is checked as the digits it prints). */
export const AMOUNT = /^\d{1,13}$/;
/** `app-scheme`: the shop app's URL scheme, e.g. `myshop://` (contract v2). */
export const APP_SCHEME = /^[a-z][a-z0-9+.-]{1,30}:\/\/$/;
/** `tid`: a PG transaction id. */
export const TID = /^[A-Za-z0-9_-]{1,50}$/;
/** `provider`. A new PG adds its id here and a module under `providers/`. */
export const PROVIDERS = ['shinhan', 'smartro'] as const;
/** `device`. */
export const DEVICES = ['auto', 'pc', 'mobile'] as const;
/** `pay-method` (Smartro). */
export const PAY_METHODS = ['card', 'vbank', 'bank', 'phone'] as const;

/** `timeout` / `result-timeout`: seconds (as `Number(value)`), positive, at most an hour. */
export const isSeconds = (n: number): boolean => n > 0 && n <= 3600;

/** `value` is one of `list`. */
export const oneOf = <T extends string>(list: readonly T[], value: unknown): value is T => list.includes(value as T);

/** A string of `min` to `max` UTF-16 units (zod's minLength / maxLength). */
export const text = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;

/** A plain object, as zod's `object` takes it (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
