/**
 * One reader per attribute the elements share, with one rule each: `<kpg-checkout>`, `<kpg-card-picker>`
 * and `<kpg-receipt>` read `timeout`, `tid` and `amount` through these only.
 * Numbers are accepted wherever the attribute is numeric: React 19 and Vue set a property, not an attribute.
 */
import { AMOUNT, isSeconds } from './rules.js';
import { warnOnce } from './warn.js';
import { say } from './messages.js';

export type Numeric = string | number | null | undefined;

export const DEFAULT_TIMEOUT_S = 15;
export const DEFAULT_RESULT_TIMEOUT_S = 60;

/** `timeout` / `result-timeout`: seconds (text or a number) -> milliseconds; an invalid value warns and falls back. */
export function readSeconds(field: string, value: Numeric, fallback: number): number {
  if (value == null || value === '') return fallback * 1000;
  const seconds = Number(value);
  if (isSeconds(seconds)) return seconds * 1000;
  warnOnce(say('seconds', field, value, fallback));
  return fallback * 1000;
}

/** `timeout`: milliseconds before a backend request is abandoned. */
export const readTimeout = (value: Numeric) => readSeconds('timeout', value, DEFAULT_TIMEOUT_S);

/** `amount`: whole won (digits, or a whole number), else null with one warning saying so. */
export function readAmount(value: Numeric): number | null {
  if (value == null || value === '') return null;
  if (AMOUNT.test(String(value))) return Number(value);
  warnOnce(say('amount', value));
  return null;
}
