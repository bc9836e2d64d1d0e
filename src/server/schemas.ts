/**
 * One zod schema per shape that crosses a boundary of the server: what the widget sends, what the PGs send
 * (through the buyer's browser or server to server), what the PGs answer, and what the shop's own
 * `loadOrder` returns. The TypeScript types come from these. Unknown fields are dropped: an `amount` in a
 * session body is ignored (amounts come from the shop's order only).
 */
import { z } from 'zod';
import { EVENT_TYPES } from './events/types.js';
import { STATUSES } from './state.js';
import { HttpError } from './http.js';

/**
 * The shop's order id: plain (it begins the PG's order number, whose first 30 characters it gives), up to 64
 * characters so a UUID (36) fits.
 */
export const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** ORDER_ID's rule, in every 400 that refuses one. */
export const ORDER_ID_RULE = 'order_id must be 1-64 characters of A-Z a-z 0-9 _ -.';
/** Our PG order numbers: Shinhan order_no (max 50) and Smartro Moid (letters and digits, max 64). */
export const ORDER_NO = /^[A-Za-z0-9_-]{1,64}$/;
/** A URL scheme the shop's app registered: "myshop://" (contract v2, issue 12). */
export const APP_SCHEME = /^[a-z][a-z0-9+.-]{1,30}:\/\/$/;

const Color = z.string().regex(/^[0-9A-Fa-f]{6}$/).transform((v) => v.toUpperCase());
export const Pgcode = z.string().regex(/^[A-Za-z0-9_]{1,10}$/);
/** The payment methods a session may ask for (the widget's `pay-method`): the one list the session, the staff's search and the OpenAPI document read. */
export const PayMethodSchema = z.enum(['card', 'vbank', 'bank', 'phone']);

// ---------------------------------------------------------------------------------------------
// From the widget
// ---------------------------------------------------------------------------------------------

/** POST session-url (contract v2). */
export const SessionBodySchema = z.object({
  provider: z.enum(['shinhan', 'smartro']),
  order_id: z.string().regex(ORDER_ID),
  device_type: z.union([z.literal(1), z.literal(2)]),
  pgcode: Pgcode.optional(),
  main_color: Color.optional(),
  point_color: Color.optional(),
  card_cpny_cd: z.string().regex(/^[A-Za-z0-9]{1,10}$/).optional(),
  install_month: z.string().regex(/^(0[0-9]|[12][0-9]|3[0-6])$/).optional(),
  return_to: z.string().min(1).max(2000).optional(),
  app_scheme: z.string().regex(APP_SCHEME).optional(),
  pay_method: PayMethodSchema.optional(),
  /** Issue 25: the terms_no the buyer agreed to, and the terms_hash GET {base}/terms answered with them. */
  terms_agreed: z.array(z.number().int().nonnegative()).max(50).optional(),
  terms_hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type SessionBody = z.infer<typeof SessionBodySchema>;

/** What each session field must look like, for the 400 message. */
const FIELD_RULES: Record<string, string> = {
  provider: 'provider must be "shinhan" or "smartro".',
  order_id: ORDER_ID_RULE,
  order_no: 'order_no must be 1-64 characters of A-Z a-z 0-9 _ -.',
  device_type: 'device_type must be the number 1 (mobile) or 2 (PC).',
  pgcode: 'pgcode must be an SPG payment method code such as "card" or "selpay".',
  main_color: 'main_color must be 6 hex digits without "#", e.g. "FFFFFF".',
  point_color: 'point_color must be 6 hex digits without "#", e.g. "5379FF".',
  card_cpny_cd: 'card_cpny_cd must be an SPG card company code such as "S001".',
  install_month: 'install_month must be a two-digit string from "00" to "36".',
  return_to: "return_to must be a URL or path on the shop's own origin.",
  app_scheme: 'app_scheme must be a lower-case URL scheme followed by "://", e.g. "myshop://".',
  pay_method: 'pay_method must be one of card, vbank, bank, phone (and one this shop offers).',
  tid: 'tid must be 1-50 characters of A-Z a-z 0-9 _ -.',
  event: 'event must be "window-closed".',
  terms_agreed: 'terms_agreed must be a list of the terms_no the buyer agreed to, e.g. [1, 2, 3].',
  terms_hash: 'terms_hash must be the terms_hash GET {base}/terms answered (64 hex digits).',
};

export const OrderNoQuerySchema = z.object({ order_no: z.string().regex(ORDER_NO) });

/** POST result-url: the widget saw the buyer close the PG window (contract v2). */
export const ResultEventSchema = z.object({ order_no: z.string().regex(ORDER_NO), event: z.literal('window-closed') });

export const CardsQuerySchema = z.object({ pgcode: Pgcode });
export const TermsQuerySchema = CardsQuerySchema;

/** Shinhan tids look like "tpay_test202108311259590002"; Smartro TIDs are 30 letters/digits. */
export const ReceiptQuerySchema = z.object({ tid: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/) });

// ---------------------------------------------------------------------------------------------
// From the PGs, through the buyer's browser or server to server
// ---------------------------------------------------------------------------------------------

/**
 * Shinhan return_url. The table says `confirm_token`; the document's example spells it `confinm_token`.
 * A virtual account (가상계좌, from selpay's window) comes back WITHOUT a confirm token and with the account's
 * fields instead (shinhan-spg-api.txt, 결제 인증 결과): tid, bank_nm, user_nm, vald_dt, pay_amt, ret_code,
 * ret_msg, escr_yn (and gods_nm, email, user_tel_no, not kept). A form posts text; the example prints JSON
 * numbers: both are taken. Lengths are the table's, with room for a PG that sends more.
 */
export const ShinhanReturnSchema = z.object({
  order_no: z.string().min(1).max(64),
  custom_parameter: z.string().max(1000).optional(),
  confirm_token: z.string().min(1).max(1000).optional(),
  confinm_token: z.string().min(1).max(1000).optional(),
  tid: z.string().max(100).optional(),
  bank_nm: z.string().max(200).optional(),
  user_nm: z.string().max(200).optional(),
  vald_dt: z.string().max(20).optional(),
  pay_amt: z.union([z.string().max(20), z.number()]).optional(),
  ret_code: z.union([z.string().max(20), z.number()]).optional(),
  ret_msg: z.string().max(1000).optional(),
  escr_yn: z.string().max(5).optional(),
});
export type ShinhanReturn = z.infer<typeof ShinhanReturnSchema>;

/** Shinhan fail_url: ?order_no=&ret_code=&ret_msg= (the browser can put anything there). */
export const ShinhanFailSchema = z.object({
  order_no: z.string().min(1).max(64),
  ret_code: z.string().max(100).optional(),
  ret_msg: z.string().max(1000).optional(),
});

/**
 * Smartro's result form (ReturnURL, RetryURL), after charset decoding, empty values left out. `TID` is
 * taken up to 40 characters so that a TID with something appended is refused by name (fault 4).
 */
export const SmartroResultSchema = z.object({
  OID: z.string().regex(/^[A-Za-z0-9]{1,64}$/).optional(),
  Moid: z.string().regex(/^[A-Za-z0-9]{1,64}$/).optional(),
  ResultCode: z.string().regex(/^[A-Za-z0-9]{1,10}$/),
  ResultMsg: z.string().max(1000).optional(),
  PayMethod: z.string().max(20).optional(),
  MID: z.string().max(20).optional(),
  Amt: z.string().regex(/^\d{1,12}$/).optional(),
  TID: z.string().regex(/^[A-Za-z0-9]{1,40}$/).optional(),
  SignValue: z.string().max(200).optional(),
  AuthDate: z.string().max(30).optional(),
  AuthCode: z.string().max(30).optional(),
  fn_cd: z.string().max(10).optional(),
  fn_name: z.string().max(50).optional(),
  CardQuota: z.string().regex(/^\d{1,3}$/).optional(),
  /** VBANK (4100 issued, 4110 deposited): the account, its bank, and its last day (yyyyMMdd). */
  VbankNum: z.string().max(40).optional(),
  VbankName: z.string().max(100).optional(),
  VbankExpDate: z.string().max(20).optional(),
});
export type SmartroResult = z.infer<typeof SmartroResultSchema>;

// ---------------------------------------------------------------------------------------------
// What the PGs answer (checked like any other input: a malformed answer is never a success)
// ---------------------------------------------------------------------------------------------

/** The document shows numbers both as JSON numbers and as strings ("amount": "1000"). */
const NumberLike = z.union([z.number(), z.string().trim().regex(/^-?\d+$/)]).transform((v) => Number(v));
const Text = z.union([z.string(), z.number()]).transform((v) => String(v));

export const ShinhanStatusSchema = z.looseObject({ ret_code: NumberLike, ret_msg: Text.optional() });
export const ShinhanRequestSchema = z.looseObject({ redirect_url: z.string().url() });
export const ShinhanConfirmSchema = z.looseObject({
  order_no: Text,
  amount: NumberLike,
  tid: Text.pipe(z.string().min(1).max(50)),
  pay_ispt_hash: Text,
  user_id: Text.optional(),
  tx_date: Text.optional(),
  install_month: Text.optional(),
  pay_info: z
    .array(
      z.looseObject({
        card_cpny_cd: Text.optional(),
        card_name: Text.optional(),
        card_no: Text.optional(),
        card_aprv_no: Text.optional(),
        install_month: Text.optional(),
      }),
    )
    .optional(),
});
export type ShinhanConfirm = z.infer<typeof ShinhanConfirmSchema>;
/** v1.0/payments/confirm-info, ret_code 0 (tx_stat 1 approved, 2 cancelled, 3 partially cancelled). */
export const ShinhanConfirmInfoSchema = z.looseObject({
  tid: Text.pipe(z.string().min(1).max(50)),
  tx_amount: NumberLike.optional(),
  amount: NumberLike.optional(),
  tx_stat: NumberLike,
  tx_date: Text.optional(),
  user_id: Text.optional(),
  /** tx_stat 2 only ("거래 상태 2:취소의 경우에만"). */
  cncl_date: Text.optional(),
  cncl_rsn: Text.optional(),
});
/** v1.0/payments/cancel and cancel/partial, ret_code 0: tid, cid ((취소)승인 번호), amount (what was cancelled), tx_date. */
export const ShinhanCancelSchema = z.looseObject({
  tid: Text.pipe(z.string().min(1).max(50)),
  cid: Text.pipe(z.string().max(50)).optional(),
  amount: NumberLike.pipe(z.number().int().positive()),
  tx_date: Text.optional(),
});
export const ShinhanReceiptSchema = z.looseObject({ redirect_url: z.string().min(1).max(2000) });

/**
 * The fields of Smartro's receipt API answer that confirm an approval (smartro-receipt.txt). stateCd "0" /
 * stateNm "승인" approved, "1" / "취소" cancelled; at least one of the two must be there.
 */
export const SmartroReceiptCheckSchema = z
  .object({
    tid: z.string().min(1).max(40),
    moid: z.string().min(1).max(64),
    goodsAmt: z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]),
    stateCd: z.union([z.string().max(10), z.number()]).optional(),
    stateNm: z.string().max(20).optional(),
    appDt: z.string().max(8).optional(),
    appTm: z.string().max(6).optional(),
    appNo: z.string().max(30).optional(),
    appCo: z.string().max(10).optional(),
    appNm: z.string().max(30).optional(),
    cardNo: z.string().max(30).optional(),
    instmntMon: z.string().max(3).optional(),
    svcCd: z.union([z.string().max(10), z.number()]).optional(),
    // Bank transfer and virtual account (smartro-receipt.txt): the document names 은행 코드 and 은행명 both
    // `bankCd`; the second is read as `bankNm`. vacctBaseDt (입금일) is there once the deposit arrived.
    bankCd: z.string().max(20).optional(),
    bankNm: z.string().max(100).optional(),
    vacctNo: z.string().max(40).optional(),
    vacctBaseDt: z.string().max(20).optional(),
    vacctDueDt: z.string().max(20).optional(),
    /** An object (the sandbox) or a one-entry list (the document's word): read for the account holder's name. */
    merchantInfo: z.unknown().optional(),
  })
  .refine((r) => r.stateCd !== undefined || r.stateNm !== undefined);
export type SmartroReceiptCheck = z.infer<typeof SmartroReceiptCheckSchema>;

const Amount12 = z.union([z.string().trim().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((v) => Number(v));
const SmartroPartCancelSchema = z.looseObject({
  transDt: z.string().max(8).optional(),
  transTm: z.string().max(6).optional(),
  transAmt: Amount12,
});
/**
 * What Smartro's receipt API says about a payment's cancels (smartro-receipt.txt): stateCd / stateNm, ccNo / ccDt /
 * ccTm of the cancel that ended it, and partCancelInfo (a list, or one object) of partial cancels with transAmt.
 */
export const SmartroReceiptCancelSchema = z
  .looseObject({
    tid: z.string().min(1).max(40),
    goodsAmt: Amount12,
    stateCd: z.union([z.string().max(10), z.number()]).optional(),
    stateNm: z.string().max(20).optional(),
    ccNo: z.string().max(30).optional(),
    ccDt: z.string().max(8).optional(),
    ccTm: z.string().max(6).optional(),
    partCancelInfo: z.union([z.array(SmartroPartCancelSchema), SmartroPartCancelSchema]).nullable().optional(),
  })
  .refine((r) => r.stateCd !== undefined || r.stateNm !== undefined);

/** Of Smartro's receipt, only what the slip shows reaches the browser ("Receipts pass on only the fields the slip shows"). */
export const SLIP_FIELDS = [
  'tid', 'moid', 'stateCd', 'stateNm', 'svcCd', 'svcNm', 'ordNm', 'goodsNm', 'goodsAmt', 'supplyAmt', 'vatAmt',
  'svcAmt', 'appNo', 'appDt', 'appTm', 'ccNo', 'ccDt', 'ccTm', 'cardNo', 'appNm', 'instmntMon', 'cashReceiptReqCl',
  'cashReceiptTid', 'cashReceiptType', 'cashReceiptNo', 'partCancelInfo', 'merchantInfo',
  // Bank transfer and virtual account (issue 11); acctNo, the buyer's own account, is masked by slip().
  'bankCd', 'bankNm', 'acctNo', 'vacctNo', 'vacctBaseDt', 'vacctDueDt',
] as const;
export const SLIP_MERCHANT_FIELDS = ['coNo', 'coNm', 'bossNm', 'mallNm', 'addr'] as const;
export const SLIP_PART_CANCEL_FIELDS = ['transDt', 'transTm', 'transAmt', 'transSupplyAmt', 'transVatAmt', 'transSvcAmt'] as const;

// ---------------------------------------------------------------------------------------------
// From the shop
// ---------------------------------------------------------------------------------------------

/**
 * The buyer's phone as its digits, written the Korean way ("+82 10-1234-5678" -> "01012345678"); "" when it
 * has none. What every PG field and the staff console's column take (one reading for all).
 */
export function phoneDigits(tel: string | null | undefined): string {
  const digits = (tel ?? '').replace(/\D/g, '');
  return tel?.trim().startsWith('+82') ? `0${digits.slice(2)}` : digits;
}

/** An optional field of the shop's order: left out, null or "" is absent. */
const absentOr = <T extends z.ZodType>(schema: T) => z.union([schema, z.null(), z.literal('')]).optional();

/** What the shop's `loadOrder` returns: amount, product and buyer come from the shop's own records. */
export const KpgOrderSchema = z
  .looseObject({
    order_id: z.string().regex(ORDER_ID),
    amount: z.number().int().positive().max(999_999_999_999),
    /** Up to 200 characters: each PG's form is given as much of it as the PG takes (Shinhan 50, Smartro 80 bytes). */
    product_name: z.string().min(1).max(200),
    buyer: z.object({
      // A database's integer key is as good as its text (a JavaScript backend often hands it over as a number).
      id: z.union([z.string().regex(/^[A-Za-z0-9@._-]{1,50}$/), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]),
      /** Up to 100 characters (the staff console's column); cut for the PG (Shinhan 20, Smartro 30 bytes). */
      name: z.string().min(1).max(100),
      // The buyer's contact is optional, and a shop's database says "none" with null or "" as often as by
      // leaving it out: all three are absent. A phone number may be written with spaces, dots or brackets.
      tel: absentOr(z.string().regex(/^[0-9+\-\s().]{1,30}$/)),
      email: absentOr(z.string().max(60).regex(/^[^\s@"<>]+@[^\s@"<>]+$/)),
      /** Issue 25: the buyer's CI (connecting information, 88 characters of base64), Shinhan user_ci. */
      ci: absentOr(z.string().regex(/^[A-Za-z0-9+/=]{1,88}$/)),
    }),
    /** Issue 22: the tax-free part of amount (0..amount) and its VAT (0..amount - taxfree_amount). */
    taxfree_amount: z.number().int().nonnegative().optional(),
    tax_amount: z.number().int().nonnegative().optional(),
  })
  .refine((o) => (o.taxfree_amount ?? 0) <= o.amount, { path: ['taxfree_amount'], message: 'taxfree_amount must not exceed amount' })
  .refine((o) => (o.tax_amount ?? 0) <= o.amount - (o.taxfree_amount ?? 0), { path: ['tax_amount'], message: 'tax_amount must not exceed amount - taxfree_amount' });

// ---------------------------------------------------------------------------------------------

/** Parses `input` or throws a 400 HttpError naming the first bad field (`missing-field` / `invalid-field`). */
export function parseOr400<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  if (field === undefined) throw new HttpError(400, 'invalid-body', 'The body must be a JSON object.');
  const given = input && typeof input === 'object' ? (input as Record<string, unknown>)[field] : undefined;
  if (given === undefined) throw new HttpError(400, 'missing-field', `${field} is required.`, field);
  const rule = FIELD_RULES[field] ?? `${field} is not valid.`;
  if (field === 'provider') throw new HttpError(400, 'unsupported-provider', rule, field);
  throw new HttpError(400, 'invalid-field', rule, field);
}

// ---------------------------------------------------------------------------------------------
// A webhook, as its receiver reads it (verifyWebhook, issue 21)
// ---------------------------------------------------------------------------------------------

/** `{type, timestamp, data}`: data is the attempt as result-url answers it (kept whole, checked for what names it). */
export const WebhookPayloadSchema = z.object({
  type: z.enum(EVENT_TYPES),
  timestamp: z.iso.datetime(),
  data: z.looseObject({
    order_id: z.string().min(1),
    order_no: z.string().min(1),
    provider: z.enum(['shinhan', 'smartro']),
    status: z.enum(STATUSES),
    amount: z.number(),
    product_name: z.string(),
  }),
});
