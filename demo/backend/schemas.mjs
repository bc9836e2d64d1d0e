// @ts-check
/**
 * Schemas of everything that reaches the backend from a browser (directly, or through the PG's
 * redirects), and of the Smartro receipt answer an approval is checked against. One schema per shape; anything not listed here is dropped, e.g. an `amount` in the
 * session body is ignored: amounts come from the order table only.
 */
import { z } from 'zod/mini';
import { ORDER_ID_PATTERN } from './store.mjs';
import { HttpError } from './http.mjs';

/** "5379ff" -> "5379FF". SPG wants 6 hex digits, no "#". */
const Color = z.string().check(z.regex(/^[0-9A-Fa-f]{6}$/), z.toUpperCase());

/** SPG 결제수단 코드 ("card", "selpay", ...): max 10 (card-list and payments/request). */
const Pgcode = z.string().check(z.regex(/^[A-Za-z0-9_]{1,10}$/));

/**
 * POST /api/kpg/session (JSON). pgcode is required for Shinhan (the route checks it); Smartro
 * attempts always use PayMethod CARD and only keep the pgcode the page sent, if any.
 * The colours, card_cpny_cd and install_month are Shinhan display options (ignored for Smartro).
 */
export const SessionBodySchema = z.object({
  provider: z.enum(['shinhan', 'smartro']),
  order_id: z.string().check(z.regex(ORDER_ID_PATTERN)),
  device_type: z.union([z.literal(1), z.literal(2)]),
  pgcode: z.optional(Pgcode),
  main_color: z.optional(Color),
  point_color: z.optional(Color),
  card_cpny_cd: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{1,10}$/))),
  install_month: z.optional(z.string().check(z.regex(/^(0[0-9]|1[0-2])$/))),
  return_to: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
});

/** What each session field must look like, for the 400 message. */
const SESSION_FIELD_RULES = {
  provider: 'provider must be "shinhan" or "smartro".',
  order_id: 'order_id must be 1-30 characters of A-Z a-z 0-9 _ -.',
  device_type: 'device_type must be the number 1 (mobile) or 2 (PC).',
  pgcode: 'pgcode must be an SPG payment method code such as "card" or "selpay".',
  main_color: 'main_color must be 6 hex digits without "#", e.g. "FFFFFF".',
  point_color: 'point_color must be 6 hex digits without "#", e.g. "5379FF".',
  card_cpny_cd: 'card_cpny_cd must be an SPG card company code such as "S001".',
  install_month: 'install_month must be a two-digit string from "00" to "12".',
  return_to: 'return_to must be a URL or path on the shop\'s own origin.',
  tid: 'tid must be 1-50 characters of A-Z a-z 0-9 _ -.',
};

/**
 * return_url body from the PG. The table says `confirm_token`; the document's example spells it
 * `confinm_token`: both are accepted (confirm_token wins).
 */
export const ReturnFormSchema = z.object({
  order_no: z.string().check(z.minLength(1), z.maxLength(50)),
  custom_parameter: z.optional(z.string().check(z.maxLength(1000))),
  confirm_token: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
  confinm_token: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
});

/** cancel_url / result query: ?order_no=... */
export const OrderNoQuerySchema = z.object({
  order_no: z.string().check(z.minLength(1), z.maxLength(50)),
});

/** fail_url query: ?order_no=...&ret_code=...&ret_msg=... */
export const FailQuerySchema = z.object({
  order_no: z.string().check(z.minLength(1), z.maxLength(50)),
  ret_code: z.optional(z.string().check(z.maxLength(100))),
  ret_msg: z.optional(z.string().check(z.maxLength(1000))),
});

/** GET /api/kpg/cards?pgcode=card */
export const CardsQuerySchema = z.object({ pgcode: Pgcode });

/** GET /api/kpg/receipt?tid=... (Shinhan tids look like "tpay_test202108311259590002"). */
export const ReceiptQuerySchema = z.object({
  tid: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,50}$/)),
});

/**
 * Smartro's result form (ReturnURL, RetryURL), after charset decoding and with empty values left
 * out. Only the fields this backend reads; everything else (GoodsName, BuyerName, VbankNum,
 * MallReserved, ...) is dropped. OID is the Moid we sent; some samples echo `Moid` instead.
 */
export const SmartroResultSchema = z.object({
  OID: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/))),
  Moid: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/))),
  ResultCode: z.string().check(z.regex(/^[A-Za-z0-9]{1,10}$/)),
  ResultMsg: z.optional(z.string().check(z.maxLength(1000))),
  PayMethod: z.optional(z.string().check(z.maxLength(20))),
  MID: z.optional(z.string().check(z.maxLength(20))),
  Amt: z.optional(z.string().check(z.regex(/^\d{1,12}$/))),
  TID: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{1,40}$/))),
  SignValue: z.optional(z.string().check(z.maxLength(200))),
  AuthDate: z.optional(z.string().check(z.maxLength(30))),
  AuthCode: z.optional(z.string().check(z.maxLength(30))),
  fn_cd: z.optional(z.string().check(z.maxLength(10))),
  fn_name: z.optional(z.string().check(z.maxLength(50))),
  CardQuota: z.optional(z.string().check(z.regex(/^\d{1,3}$/))),
});

/**
 * The fields of Smartro's receipt API answer (smartro-receipt.txt) that confirm an approval; the rest
 * is dropped. Amounts are strings of digits in the document (a JSON integer is taken too).
 * stateCd "0" / stateNm "승인" approved, "1" / "취소" cancelled; at least one of the two must be there.
 */
export const SmartroReceiptSchema = z
  .object({
    tid: z.string().check(z.minLength(1), z.maxLength(40)),
    moid: z.string().check(z.minLength(1), z.maxLength(64)),
    goodsAmt: z.union([z.string().check(z.regex(/^\d{1,12}$/)), z.number().check(z.int(), z.nonnegative())]),
    stateCd: z.optional(z.union([z.string().check(z.maxLength(10)), z.number()])),
    stateNm: z.optional(z.string().check(z.maxLength(20))),
  })
  .check(z.refine((r) => r.stateCd !== undefined || r.stateNm !== undefined));

/**
 * Parses `input` or throws a 400 HttpError naming the first bad field.
 * @template T
 * @param {z.ZodMiniType<T>} schema
 * @param {unknown} input
 * @returns {T}
 */
export function parseOr400(schema, input) {
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  if (field === undefined) {
    throw new HttpError(400, 'invalid-body', 'The body must be a JSON object.');
  }
  const given = /** @type {Record<string, unknown>} */ (input)[field];
  if (given === undefined) {
    throw new HttpError(400, 'missing-field', `${field} is required.`, field);
  }
  const rule = /** @type {Record<string, string>} */ (SESSION_FIELD_RULES)[field] ?? `${field} is not valid.`;
  if (field === 'provider') {
    throw new HttpError(400, 'unsupported-provider', rule, field);
  }
  throw new HttpError(400, 'invalid-field', rule, field);
}
