/**
 * The zod schemas of the shapes the first stage checks by hand (rules.ts, shinhan-start.ts): the attributes
 * and Shinhan's script's API. Built from the same rules, they
 * are the types (`z.infer`), and test/property.test.ts holds every hand check to its schema. No bundle
 * carries them: the first stage has no zod, and the second does not parse these shapes.
 */
import * as z from 'zod/mini';
import { AMOUNT, APP_SCHEME, DEVICES, HEX_COLOR, PAY_METHODS, PG_CODE, TID } from './rules.js';

z.config({ jitless: true });

// ---------------------------------------------------------------- attributes

/** `main_color` / `point_color`: six hex digits, with or without `#`. */
export const HexColorSchema = z.string().check(z.regex(HEX_COLOR));
/** `device`. */
export const DeviceSchema = z.enum(DEVICES);
export type DeviceMode = z.infer<typeof DeviceSchema>;
/** `pgcode` (Shinhan: string(10)). */
export const PgCodeSchema = z.string().check(z.regex(PG_CODE));
/**
 * `amount`: whole won, 1-13 digits. A number (a property set by React, Vue...) is checked as the digits it
 * prints: 11000 passes, 1.5, -1 and 1e21 do not.
 */
export const AmountSchema = z.string().check(z.regex(AMOUNT));
/** `pay-method` (Smartro): sent as `pay_method`; the backend maps it to Smartro's PayMethod and allows it or not. */
export const PayMethodSchema = z.enum(PAY_METHODS);
export type PayMethod = z.infer<typeof PayMethodSchema>;
/** `app-scheme`: the shop app's URL scheme, e.g. `myshop://` (contract v2). */
export const AppSchemeSchema = z.string().check(z.regex(APP_SCHEME));
/** `timeout` / `result-timeout`: seconds (checked as `Number(value)`), positive, at most an hour. */
export const SecondsSchema = z.number().check(z.positive(), z.lte(3600));
/** `tid` (`<kpg-receipt>`). */
export const TidSchema = z.string().check(z.regex(TID));

// ---------------------------------------------------------------- PG scripts

/** What `ShinhanBizPay` must look like once its script has loaded (and `openPopup` a function: shinhan-start.ts). */
export const ShinhanBizPaySchema = z.looseObject({
  RES_SUCCESS: z.union([z.string(), z.number()]),
});
export type ShinhanBizPay = z.infer<typeof ShinhanBizPaySchema> & {
  openPopup(url: string, callback: (code: unknown, message: unknown) => void): void;
};
