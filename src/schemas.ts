/**
 * Every shape that crosses a boundary into the widget, as one zod/mini schema each.
 * TypeScript types come from these schemas (`z.infer`), never the other way round.
 */
import * as z from 'zod/mini';
import { RETURN_MESSAGE } from './kpg-return/message.js';
import { PROVIDERS } from './rules.js';

// No `new Function`: under a strict Content-Security-Policy even zod's caught probe for it is reported as
// a violation. Must run before any schema below is built (zod probes when a schema is created).
z.config({ jitless: true });

// ---------------------------------------------------------------- attributes, PG scripts
// The shapes checked by hand on the first stage (rules.ts) have their schemas in rule-schemas.ts: no
// bundle carries those schemas; their types are these.
export type { DeviceMode, PayMethod, ShinhanBizPay } from './rule-schemas.js';

/** `provider`. A new PG adds its id here and a module under `providers/`. */
export const ProviderIdSchema = z.enum(PROVIDERS);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

// ---------------------------------------------------------------- merchant backend

/** `POST session-url` answer for Shinhan. */
export const ShinhanSessionSchema = z.object({
  provider: z.enum(['shinhan']),
  order_no: z.string().check(z.minLength(1), z.maxLength(50)),
  redirect_url: z.string().check(z.minLength(1), z.maxLength(1000)),
});
export type ShinhanSession = z.infer<typeof ShinhanSessionSchema>;

/** `POST session-url` answer for Smartro WEBLink: where to post, and the signed form fields. */
export const SmartroSessionSchema = z.object({
  provider: z.enum(['smartro']),
  order_no: z.string().check(z.minLength(1), z.maxLength(64)),
  action: z.string().check(z.minLength(1), z.maxLength(1000)),
  /** Names are checked with the values before anything is posted (providers/smartro.ts). */
  fields: z.catchall(z.object({}), z.union([z.string(), z.number()])),
});
export type SmartroSession = z.infer<typeof SmartroSessionSchema>;

/**
 * `pending`: the PG has not reported; `processing`: its result arrived and the backend is verifying it;
 * `unknown`: the backend could not learn the outcome (it reconciles later). `awaiting_deposit`: a virtual
 * account was issued and the money is not there yet (the attempt's outcome; the order is paid later).
 * `refunded`: the shop gave the whole payment back (결제취소, issue 22). The other four are final.
 */
export const ResultStatusSchema = z.enum(['paid', 'failed', 'cancelled', 'pending', 'processing', 'unknown', 'awaiting_deposit', 'refunded']);
export type ResultStatus = z.infer<typeof ResultStatusSchema>;

/** Whole won, 0 or more. */
const Won = z.number().check(z.nonnegative());

/** A virtual account (가상계좌): where the buyer deposits, until when. `account_no` where the PG gives one (Shinhan does not). */
export const VbankSchema = z.looseObject({
  bank_name: z.string().check(z.minLength(1), z.maxLength(100)),
  account_no: z.optional(z.string().check(z.regex(/^[0-9-]{1,40}$/))),
  holder: z.string().check(z.minLength(1), z.maxLength(100)),
  amount: Won,
  due_date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
});
export type KpgVbank = z.infer<typeof VbankSchema>;

/** `GET result-url?order_no=` answer: the backend's verified outcome. Extra fields are kept. */
export const ResultSchema = z.looseObject({
  status: ResultStatusSchema,
  order_no: z.string().check(z.minLength(1)),
  /** The shop's order the attempt belongs to (checked on a return in another browser). */
  order_id: z.optional(z.string()),
  code: z.optional(z.string()),
  message: z.optional(z.string()),
  reason: z.optional(z.string()),
  /** Required with `awaiting_deposit` (checked in fetchResult). */
  vbank: z.optional(VbankSchema),
  /** `paid` once part of it was given back, and `refunded`: won given back, and what is left. */
  refunded_total: z.optional(Won),
  balance: z.optional(Won),
  /**
   * Issue 25: Shinhan's escr_yn on the return (the buyer chose escrow, 에스크로, in the PG's window), as the
   * backend recorded it. A boolean or absent: anything else is refused as a bad result.
   */
  escrow: z.optional(z.boolean()),
});
export type KpgResult = z.infer<typeof ResultSchema>;

/** Error body a backend may send with a 4xx/5xx. */
export const BackendErrorSchema = z.looseObject({
  code: z.optional(z.string()),
  message: z.optional(z.string()),
  field: z.optional(z.string()),
  order_no: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export type BackendError = z.infer<typeof BackendErrorSchema>;

/**
 * A 409 from `POST session-url` the widget finishes itself (contract v2; `awaiting-deposit`: issue 11).
 * `already-paid` and `awaiting-deposit` need their `order_no` (checked where the answer is read).
 */
export const SessionRefusalSchema = z.looseObject({
  code: z.enum(['attempt-in-progress', 'already-paid', 'awaiting-deposit']),
  order_no: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** attempt-in-progress: where that attempt stands (`pending`: a window is open; `processing` / `unknown`: being verified). */
  status: z.optional(z.string()),
  message: z.optional(z.string()),
});

// ---------------------------------------------------------------- Shinhan card-list (through the backend)

/** A number the PG may send as a number or as digits in a string (its own examples do both). */
const NumberLike = z.union([z.number(), z.string().check(z.regex(/^\s*\d{1,13}\s*$/))]);

export const CardNoticeSchema = z.looseObject({
  notice_type: NumberLike,
  notice_msg: z.string(),
});

export const CardPromotionSchema = z.looseObject({
  prmt_name: z.string(),
  prmt_ctnt: z.optional(z.nullable(z.string())),
  prmt_cndi_amt: z.optional(z.nullable(NumberLike)),
  prmt_amt: z.optional(z.nullable(NumberLike)),
});

/** One entry of card-list's `list`. Extra fields are ignored. */
export const CardSchema = z.looseObject({
  card_cpny_cd: z.string().check(z.minLength(1), z.maxLength(10)),
  card_cpny_name: z.string().check(z.minLength(1), z.maxLength(40)),
  image_url: z.optional(z.nullable(z.string())),
  sort_no: z.optional(z.nullable(NumberLike)),
  istl_psbl_amt: z.optional(z.nullable(NumberLike)),
  istl_start_mnts: z.optional(z.nullable(NumberLike)),
  istl_finish_mnts: z.optional(z.nullable(NumberLike)),
  nintr_istl_start_mnts: z.optional(z.nullable(NumberLike)),
  nintr_istl_finish_mnts: z.optional(z.nullable(NumberLike)),
  mult_part_nintr_istl_mnts: z.optional(z.nullable(z.union([z.number(), z.string()]))),
  nintr_yn: z.optional(z.nullable(z.string())),
  point_use_yn: z.optional(z.nullable(z.string())),
  notice_list: z.optional(z.nullable(z.array(CardNoticeSchema))),
  prmt_list: z.optional(z.nullable(z.array(CardPromotionSchema))),
});
export type Card = z.infer<typeof CardSchema>;

/** card-list's answer. The table says `list` is an array; the document's example shows one object. */
export const CardListSchema = z.looseObject({
  ret_code: NumberLike,
  ret_msg: z.optional(z.nullable(z.string())),
  list: z.optional(z.nullable(z.union([z.array(z.unknown()), z.looseObject({})]))),
});

// ---------------------------------------------------------------- receipts (through the backend)

/** `GET receipt-url?tid=` for a Shinhan payment: where Shinhan's 거래 확인서 page is. */
export const ShinhanReceiptSchema = z.looseObject({
  redirect_url: z.string().check(z.minLength(1), z.maxLength(1000)),
});

/** A value Smartro's receipt API may send as text or as a number. */
const Text = z.union([z.string(), z.number()]);
const OptionalText = z.optional(z.nullable(Text));

const SmartroMerchantSchema = z.looseObject({
  coNo: Text,
  coNm: Text,
  bossNm: Text,
  mallNm: OptionalText,
  addr: Text,
});

const SmartroPartCancelSchema = z.looseObject({
  transDt: OptionalText,
  transTm: OptionalText,
  transAmt: OptionalText,
  transSupplyAmt: OptionalText,
  transVatAmt: OptionalText,
  transSvcAmt: OptionalText,
});

/** Smartro's receipt API answer (smartro-receipt.txt). Fields may be added without notice: extras are ignored. */
export const SmartroReceiptDataSchema = z.looseObject({
  tid: Text,
  moid: Text,
  stateCd: Text,
  stateNm: Text,
  svcCd: Text,
  svcNm: Text,
  ordNm: Text,
  goodsNm: Text,
  goodsAmt: Text,
  supplyAmt: OptionalText,
  vatAmt: OptionalText,
  svcAmt: OptionalText,
  appNo: OptionalText,
  appDt: OptionalText,
  appTm: OptionalText,
  ccNo: OptionalText,
  ccDt: OptionalText,
  ccTm: OptionalText,
  cardNo: OptionalText,
  appNm: OptionalText,
  instmntMon: OptionalText,
  cashReceiptReqCl: OptionalText,
  cashReceiptTid: OptionalText,
  cashReceiptType: OptionalText,
  cashReceiptNo: OptionalText,
  /** Bank transfer and virtual account (issue 11): the bank, the buyer's account (masked), the virtual account, its due and deposit days. */
  bankCd: OptionalText,
  bankNm: OptionalText,
  acctNo: OptionalText,
  vacctNo: OptionalText,
  vacctDueDt: OptionalText,
  vacctBaseDt: OptionalText,
  partCancelInfo: z.optional(z.nullable(z.union([z.array(SmartroPartCancelSchema), SmartroPartCancelSchema]))),
  merchantInfo: z.union([SmartroMerchantSchema, z.array(SmartroMerchantSchema).check(z.minLength(1))]),
});
export type SmartroReceiptData = z.infer<typeof SmartroReceiptDataSchema>;

/** `GET receipt-url?tid=` for an inline Smartro slip: the receipt API's JSON as the backend got it. */
export const SmartroReceiptSchema = z.looseObject({
  receipt: SmartroReceiptDataSchema,
  /** The backend's own ledger (issue 22), once part of the payment was given back: the slip's 취소 금액 / 잔액. */
  refunded_total: z.optional(Won),
  balance: z.optional(Won),
});

/** `<kpg-receipt>` attributes with a fixed set of values. */
export const ReceiptTypeSchema = z.enum(['0', '2']);
export const ReceiptEnvSchema = z.enum(['test', 'real']);

// ---------------------------------------------------------------- PG scripts and callbacks

/** The arguments Shinhan's `openPopup` callback is called with. */
export const ShinhanCallbackSchema = z.object({
  code: z.union([z.string().check(z.minLength(1), z.maxLength(100)), z.number()]),
  message: z.optional(z.nullable(z.string())),
});

/** What the return page posts to the window that opened the payment (see kpg-return). */
export const ReturnMessageSchema = z.object({
  type: z.enum([RETURN_MESSAGE]),
  order_no: z.string().check(z.minLength(1), z.maxLength(64)),
});

// ---------------------------------------------------------------- browser storage

/**
 * An attempt that left the page (mobile full-page redirect), kept in sessionStorage to resume on return
 * (and a waiting virtual account's, in localStorage): pending.ts, resume.ts.
 */
export const PendingAttemptSchema = z.object({
  provider: ProviderIdSchema,
  order_no: z.string().check(z.minLength(1), z.maxLength(64)),
  order_id: z.string(),
  result_url: z.string(),
  started_at: z.number(),
});
export type PendingAttempt = z.infer<typeof PendingAttemptSchema>;

// ---------------------------------------------------------------- helpers

/** One human sentence for the first problem zod found, e.g. `redirect_url: expected string`. */
export function describeIssues(error: z.core.$ZodError): { field?: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { message: 'invalid value' };
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
  let what: string;
  switch (issue.code) {
    case 'invalid_type':
      what = `expected ${issue.expected}`;
      break;
    case 'invalid_value':
      what = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'too_small':
      what = `too short or too small (minimum ${String(issue.minimum)})`;
      break;
    case 'too_big':
      what = `too long or too large (maximum ${String(issue.maximum)})`;
      break;
    case 'invalid_format':
      what = 'badly formatted';
      break;
    default:
      what = 'invalid value';
  }
  return { field, message: field ? `${field}: ${what}` : what };
}
