/**
 * The OpenAPI 3.1 document of every HTTP route of kpg-checkout/server (issue 24, item 10): the buyers'
 * (the widget's JSON routes, the pages the PGs send the buyer's browser to, Smartro's server-to-server
 * RetryURL) and the staff's (issue 22's cancels, issue 23's console). Generated from the zod schemas the
 * routes validate with (schemas.ts, cancels.ts, staff.ts, staff-schemas.ts) by zod 4's `z.toJSONSchema`, plus
 * this route table: the routes themselves are not rewritten. What the buyers' routes and the cancels answer
 * has its schema here (the answers are built by plain functions: views.ts, the providers, cancels.ts); the
 * console's answers have theirs in staff-schemas.ts, which the routes build to; the types below hold each
 * schema to the TypeScript type the code returns, and
 * test/node/openapi.test.mjs holds the table to the routes app.ts and staff.ts register and checks real
 * answers against the document.
 *
 * Served at GET {basePath}/openapi.json (with `servers` set to the mount point) and shipped as
 * dist/server/openapi.json (`kpg-checkout/server/openapi.json`, basePath /api/kpg).
 */
import { z } from 'zod';
import type { CancelAnswer } from './cancels.js';
import { CancelArgsSchema, CancelDueArgsSchema, RecordCancelArgsSchema } from './cancels.js';
import type { PaymentView } from './events/types.js';
import {
  CardsQuerySchema,
  ORDER_ID,
  OrderNoQuerySchema,
  PayMethodSchema,
  ReceiptQuerySchema,
  ResultEventSchema,
  SessionBodySchema,
  ShinhanFailSchema,
  ShinhanReturnSchema,
  SmartroResultSchema,
  TermsQuerySchema,
} from './schemas.js';
import { ConfirmSchema, STAFF_HEADER } from './staff.js';
import {
  AuditAnswerSchema,
  AuditQuerySchema,
  CancelAnswerSchema,
  DeliveriesAnswerSchema,
  DeliveriesQuerySchema,
  MeSchema,
  OrderIdParamSchema,
  OrdersAnswerSchema,
  OrdersQuerySchema,
  ReceiptAnswerSchema as StaffReceiptSchema,
  ReconcileAnswerSchema,
  ReconcileBodySchema,
  RefundsDueAnswerSchema,
  RefundsDueQuerySchema,
  ResolveAnswerSchema,
  ResolveDueBodySchema,
  RetryAnswerSchema,
  RetryBodySchema,
  StorySchema,
} from './staff-schemas.js';
import { STATUSES } from './state.js';
import { errorForm } from './http.js';

// ---------------------------------------------------------------------------------------------
// What the routes answer
// ---------------------------------------------------------------------------------------------

const Provider = z.enum(['shinhan', 'smartro']);

/** Every error of a JSON route: a code (the contract), a message for developers (never shown to buyers), the field. */
export const ErrorSchema = z
  .looseObject({
    code: z.string().describe('The contract: e.g. forbidden, unknown-order, invalid-field, missing-field, rate-limited.'),
    message: z.string().describe('For developers and logs; the widget never shows it to the buyer.'),
    field: z.string().optional().describe('The request field at fault (invalid-field, missing-field...).'),
  });

/** 409 from POST session: what the widget finishes by itself (contract v2). */
export const SessionRefusalSchema = ErrorSchema.extend({
  code: z.enum(['attempt-in-progress', 'already-paid', 'awaiting-deposit']),
  order_no: z.string().optional().describe('The attempt that holds the order.'),
  status: z.string().optional().describe('attempt-in-progress: the open attempt\'s status (pending, processing, unknown).'),
});

/** 409 from POST session: an attempt that holds the order (SessionRefusal), or terms that changed since they were shown (issue 25). */
export const SessionConflictSchema = z.union([
  SessionRefusalSchema,
  ErrorSchema.extend({ code: z.literal('terms-changed'), field: z.literal('terms_hash') }).describe("The PG's terms changed since GET terms: show them again, ask again."),
]);

export const ShinhanSessionSchema = z
  .object({ provider: z.literal('shinhan'), order_no: z.string(), redirect_url: z.string().describe("Shinhan's payment window (openPopup).") });
export const SmartroSessionSchema = z
  .object({
    provider: z.literal('smartro'),
    order_no: z.string().describe('Smartro Moid.'),
    action: z.string().describe("Smartro's form action (PC or mobile)."),
    fields: z.record(z.string(), z.union([z.string(), z.number()])).describe('The signed form fields, posted as they are.'),
  });
export const SessionAnswerSchema = z.union([ShinhanSessionSchema, SmartroSessionSchema]);

const VbankSchema = z.object({
  bank_name: z.string().nullable(),
  account_no: z.string().optional(),
  holder: z.string().nullable(),
  amount: z.number(),
  due_date: z.string().nullable().describe('YYYY-MM-DD, Korea time.'),
});

/**
 * GET / POST result (and every event's `data`, kpg.payment()): PaymentView in events/types.ts, one schema
 * per status (a union by `status`): each status carries what it says and nothing another status carries
 * (a paid view its TID, a failed one its code and fixed text, a cancelled one its reason, an open one none
 * of these), so a client generated from this document narrows on `status`.
 */
const ResultCommon = {
  order_no: z.string(),
  order_id: z.string(),
  provider: Provider,
  amount: z.number(),
  product_name: z.string(),
  pay_method: PayMethodSchema.optional(),
  escrow: z.boolean().optional().describe("Shinhan's escr_yn on return_url: the buyer chose escrow in the PG's window."),
  terms_agreed: z.array(z.number()).optional().describe('The PG terms (terms_no) the buyer agreed to before this attempt, recorded with it.'),
};
const PaymentDetails = {
  approved_at: z.string().optional(),
  card_cpny_cd: z.string().optional(),
  card_name: z.string().optional(),
  card_no: z.string().optional().describe('Masked: at most the first 6 and last 4 digits.'),
  install_month: z.string().optional(),
  bank_name: z.string().optional(),
};
/** The fields some status carries; every status lists the others as never there (`not: {}`). */
const STATUS_FIELDS = ['tid', ...(Object.keys(PaymentDetails) as (keyof typeof PaymentDetails)[]), 'vbank', 'code', 'message', 'pg_message', 'reason', 'refunded_total', 'balance'] as const;
type StatusField = (typeof STATUS_FIELDS)[number];
const Tid = z.string().min(1);
/** The view of one status: what it carries, every other status field absent. */
const viewOf = <S extends (typeof STATUSES)[number], F extends Partial<Record<StatusField, z.ZodType>>>(status: S, carries: F, description: string) =>
  z
    .looseObject({
      status: z.literal(status),
      ...ResultCommon,
      ...(Object.fromEntries(STATUS_FIELDS.filter((f) => !(f in carries)).map((f) => [f, z.never().optional()])) as Record<Exclude<StatusField, keyof F>, z.ZodOptional<z.ZodNever>>),
      ...carries,
    })
    .describe(description);
const paid = { tid: Tid.describe("The PG's transaction id."), ...PaymentDetails, vbank: VbankSchema.optional().describe('A virtual account paid: the account it was paid into.') };
export const ResultSchema = z.discriminatedUnion('status', [
  viewOf('pending', {}, 'Started, no outcome yet (the PG window may be open).'),
  viewOf('processing', {}, 'An approval is being confirmed with the PG.'),
  viewOf('unknown', {}, "The PG's answer was lost; the server asks the PG again (reconcile) until it knows."),
  viewOf(
    'paid',
    {
      ...paid,
      refunded_total: z.number().optional().describe('Once a cancel is done: what was given back in all.'),
      balance: z.number().optional().describe('Once a cancel is done: what is left of what the buyer paid.'),
    },
    'Paid. refunded_total and balance appear once part of it was given back.',
  ),
  viewOf('refunded', { ...paid, refunded_total: z.number().describe('What was given back in all.'), balance: z.literal(0) }, 'Paid, then given back whole.'),
  viewOf(
    'awaiting_deposit',
    { tid: Tid.describe("The account's transaction at the PG."), vbank: VbankSchema.describe('The account the buyer deposits into.') },
    'A virtual account (가상계좌) was issued; the deposit has not arrived.',
  ),
  viewOf(
    'failed',
    {
      code: z.string().min(1).describe("A kebab-case code or the PG's code."),
      message: z.string().min(1).describe("The fixed text the buyer may see for the code (never the PG's words)."),
      pg_message: z.string().optional().describe("The PG's own words, for developers."),
    },
    'Declined or failed: nothing was taken.',
  ),
  viewOf(
    'cancelled',
    { reason: z.string().min(1).describe('buyer-cancelled, popup-closed, superseded, expired, vbank-expired, vbank-cancelled, amount-mismatch, cancelled-by-shop...') },
    'Ended without a payment (or a virtual account closed before its deposit).',
  ),
]);

/** GET {base}/terms (issue 25): the PG's terms as the widget shows them, and the hash a session echoes. */
export const TermsSchema = z
  .object({
    pgcode: z.string(),
    required: z.boolean().describe('Does this shop refuse a session for this pgcode without consent (shinhan.requireTerms)?'),
    terms_hash: z.string().nullable().describe('sha256 over the list as shown; a session sends it back with terms_agreed. null: no terms.'),
    list: z.array(
      z.object({
        terms_no: z.number(),
        terms_nm: z.string(),
        terms_ctnt: z.string().describe("The PG's HTML: untrusted, shown only in a sandboxed iframe that loads nothing."),
        sha256: z.string(),
      }),
    ),
  })
  .describe("Shinhan's terms-info-list for a pgcode this shop offers (cached like the card list).");

/** Shinhan's card-list answer, passed on as Shinhan sent it (cached). */
export const CardListSchema = z
  .looseObject({ ret_code: z.union([z.number(), z.string()]), list: z.unknown().optional() })
  .describe("Shinhan's v1.0/card-list answer as Shinhan sent it.");

export const ReceiptSchema = z
  .union([
    z.object({ provider: z.literal('shinhan'), redirect_url: z.string() }),
    z.object({
      provider: z.literal('smartro'),
      receipt: z.record(z.string(), z.unknown()).describe("Smartro's receipt API answer, only the fields the slip shows (card and account numbers masked)."),
      refunded_total: z.number().optional().describe("Once something was given back: what the ledger gave back in all (the slip's 취소 금액), not the PG's words."),
      balance: z.number().optional().describe('With refunded_total: what is left of what the buyer paid (the slip\'s 잔액).'),
    }),
  ]);

export { CancelAnswerSchema };

/** 409 from a staff cancel route: refused (a CancelAnswer whose code says why), or an error (idempotency-key-reused...). */
export const CancelRefusalSchema = z.union([CancelAnswerSchema, ErrorSchema]);

export const OrderCancelsSchema = z
  .looseObject({
    order_id: z.string(),
    order_no: z.string(),
    provider: Provider,
    tid: z.string(),
    status: z.enum(STATUSES),
    pay_method: z.string().nullable(),
    amount: z.number(),
    discount: z.number(),
    refunded_total: z.number(),
    balance: z.number(),
    cancels: z.array(z.looseObject({ id: z.number(), status: z.string(), amount: z.number().nullable(), kind: z.string(), source: z.string() })),
  });

// The schemas above against the types the code returns: a field added to one and not the other fails the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agreed = <T extends true>() => 0 as unknown as T;
agreed<Same<keyof z.infer<typeof CancelAnswerSchema>, keyof CancelAnswer>>();
type KeysOf<T> = T extends unknown ? keyof T : never;
agreed<Same<KeysOf<(typeof ResultSchema.options)[number]['shape']>, keyof PaymentView>>();

// ---------------------------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------------------------

type Media = 'application/json' | 'application/x-www-form-urlencoded' | 'text/html' | 'text/plain' | 'text/javascript';
interface Answer {
  description: string;
  schema?: z.ZodType;
  type?: Media;
  headers?: Record<string, string>;
}
export interface Route {
  method: 'get' | 'post';
  /** OpenAPI's form: a path parameter is `{name}` (hono's `:name`). */
  path: string;
  /** When the path alone would not make a unique one (GET /staff and GET /staff/). */
  operationId?: string;
  tag: 'widget' | 'shinhan' | 'smartro' | 'staff' | 'document';
  summary: string;
  query?: z.ZodObject;
  /** The path's `{name}` parameters. */
  params?: z.ZodObject;
  body?: { schema: z.ZodType; type: Media[] };
  answers: Record<string, Answer>;
  staff?: boolean;
}

const error = (description: string): Answer => ({ description, schema: ErrorSchema });
const page = (description: string): Answer => ({ description, type: 'text/html' });
const PAGE_ERRORS: Record<string, Answer> = {
  '400': page('A malformed request (unknown order_no, a bad form): a page that says so.'),
  '404': error('This shop has not configured the PG (unsupported-provider).'),
  '429': page('Too many refused requests from this source (Retry-After).'),
};
const STAFF_ERRORS: Record<string, Answer> = {
  '400': error('A field is missing or invalid (missing-field, invalid-field: `field` names it; bad-json, invalid-body).'),
  '403': error('Not staff (forbidden), the X-KPG-Staff header missing (staff-header-missing), or another origin (cross-origin).'),
  '404': error('authorizeStaff is not configured (not-found), or the order has no payment (no-payment).'),
  '415': error('The body is not application/json (unsupported-media-type).'),
};
const cancelAnswers = (extra: Record<string, Answer> = {}): Record<string, Answer> => ({
  '200': { description: 'Done: given back.', schema: CancelAnswerSchema },
  '202': { description: "Unknown: the PG's outcome is not known yet; settled later (reconcile, staff), never retried blindly.", schema: CancelAnswerSchema },
  '409': {
    description: 'Refused, nothing given back: a CancelAnswer whose code says why (exceeds-balance, cancel-in-flight...), or an error (idempotency-key-reused, unsupported-provider, cancel-settled).',
    schema: CancelRefusalSchema,
  },
  ...STAFF_ERRORS,
  ...extra,
});
/** The console's routes (issue 23, staff-console.ts): the same guard; a GET reads its query with the route's schema. */
const consoleErrors = (extra: Record<string, Answer> = {}, { query = true, post = false } = {}): Record<string, Answer> => ({
  ...(query || post ? { '400': error(post ? 'The body is not what the route takes (invalid-field, missing-field: `field` names it; bad-json, invalid-body).' : 'A query parameter is missing or invalid (invalid-field: `field` names it).') } : {}),
  '403': STAFF_ERRORS['403'],
  '404': error('authorizeStaff is not configured (not-found).'),
  ...(post ? { '415': STAFF_ERRORS['415'] } : {}),
  ...extra,
});
const NOT_CONFIGURED = error('authorizeStaff is not configured (not-found).');

/**
 * What every route can answer besides its own answers, in the form its errors take (app.ts's `kind`: a page
 * for the buyer's browser, text for Smartro's server, JSON for the rest): 500 internal-error (the cause only
 * in the shop's log), and for a route that reads a body, 408 body-timeout and 413 body-too-large (64 KiB).
 */
function commonAnswers(route: Route): Record<string, Answer> {
  const kind = errorForm(route.path);
  const answer = (code: string, description: string): Answer =>
    kind === 'text' ? { description: `\`ERROR ${code}\`: ${description}`, type: 'text/plain' } : kind === 'page' ? page(`A page that says so (${code}): ${description}`) : error(`${code}: ${description}`);
  return {
    ...(route.body
      ? { '408': answer('body-timeout', 'the body did not arrive in time.'), '413': answer('body-too-large', 'the body is over 64 KiB.') }
      : {}),
    '500': answer('internal-error', 'something the server did not expect; the cause is in its log, never in the answer.'),
  };
}
/** What the server sets itself on a staff cancel: never taken from the body. */
const SERVER_SET = { requested_by: true, client_ip: true } as const;
const JSON_BODY: Media[] = ['application/json'];
const FORM_BODY: Media[] = ['application/x-www-form-urlencoded'];

export const ROUTES: Route[] = [
  {
    method: 'post',
    path: '/session',
    tag: 'widget',
    summary: 'Start a payment: a new attempt of the order, signed for its PG.',
    body: { schema: SessionBodySchema, type: JSON_BODY },
    answers: {
      '200': { description: 'The session the widget opens (Shinhan redirect_url, Smartro form).', schema: SessionAnswerSchema },
      '400': error('A field is missing or invalid (missing-field, invalid-field, unsupported-provider: `field` names it), including a pay_method or pgcode this shop does not allow, and a Shinhan session without the consent to the PG\'s terms (shinhan.requireTerms, on by default: missing-field / terms-not-agreed, field terms_agreed).'),
      '403': error("forbidden: the shop's authorize said no (logged out, another buyer's order)."),
      '404': error('unknown-order: loadOrder knows no such order.'),
      '409': { description: 'The order has an attempt that holds it: the widget finishes it (contract v2); or terms-changed: the PG\'s terms changed since they were shown (issue 25).', schema: SessionConflictSchema },
      '415': error('The body is not application/json.'),
      '429': { ...error('rate-limited'), headers: { 'Retry-After': 'Seconds to wait.' } },
      '502': error('The PG refused the payment request or could not be reached (pg-refused, pg-unreachable...), or its terms could not be learned (terms-unavailable).'),
    },
  },
  {
    method: 'get',
    path: '/result',
    tag: 'widget',
    summary: 'What was recorded for an attempt (the widget asks until it is final).',
    query: OrderNoQuerySchema,
    answers: {
      '200': { description: 'The attempt as the buyer may see it.', schema: ResultSchema },
      '400': error('order_no is missing or invalid.'),
      '403': error('forbidden: not this buyer\'s attempt.'),
      '404': error('unknown-order'),
    },
  },
  {
    method: 'post',
    path: '/result',
    tag: 'widget',
    summary: 'The buyer closed the PG window: what GET answers right after.',
    body: { schema: ResultEventSchema, type: JSON_BODY },
    answers: {
      '200': { description: 'The attempt as the buyer may see it.', schema: ResultSchema },
      '400': error('order_no or event is missing or invalid.'),
      '403': error('forbidden'),
      '404': error('unknown-order'),
      '415': error('The body is not application/json.'),
    },
  },
  {
    method: 'get',
    path: '/cards',
    tag: 'widget',
    summary: "Shinhan's card list for a pgcode this shop offers (cached, rate-limited).",
    query: CardsQuerySchema,
    answers: {
      '200': { description: 'As Shinhan sent it.', schema: CardListSchema },
      '400': error('pgcode is missing, invalid, or not one this shop offers.'),
      '404': error('unsupported-provider: this shop does not take Shinhan payments.'),
      '429': { ...error('rate-limited'), headers: { 'Retry-After': 'Seconds to wait.' } },
      '502': error('Shinhan could not be asked.'),
    },
  },
  {
    method: 'get',
    path: '/terms',
    tag: 'widget',
    summary: "The PG's terms for a pgcode this shop offers, and their hash (issue 25: the consent step).",
    query: TermsQuerySchema,
    answers: {
      '200': { description: 'The terms and terms_hash.', schema: TermsSchema },
      '400': error('pgcode is missing, invalid, or not one this shop offers.'),
      '404': error('unsupported-provider: this shop does not take Shinhan payments.'),
      '429': { ...error('rate-limited'), headers: { 'Retry-After': 'Seconds to wait.' } },
      '502': error('terms-unavailable: Shinhan could not be asked.'),
    },
  },
  {
    method: 'get',
    path: '/receipt',
    tag: 'widget',
    summary: "A receipt of a paid attempt the caller owns (another buyer's TID answers exactly as one that does not exist).",
    query: ReceiptQuerySchema,
    answers: {
      '200': { description: "Shinhan's receipt page, or Smartro's receipt fields for the inline slip.", schema: ReceiptSchema },
      '400': error('tid is missing or invalid.'),
      '404': error('unknown-tid'),
      '429': { ...error('rate-limited'), headers: { 'Retry-After': 'Seconds to wait.' } },
      '502': error('The PG could not be asked.'),
    },
  },
  {
    method: 'post',
    path: '/shinhan/return',
    tag: 'shinhan',
    summary: "Shinhan's return_url, in the buyer's browser: confirm and verify the payment.",
    body: { schema: ShinhanReturnSchema, type: [...FORM_BODY, 'application/json'] },
    answers: { '200': page('PC: a page that closes the popup.'), '303': { description: 'Mobile: back to return_to?kpg_order_no=...' }, ...PAGE_ERRORS },
  },
  {
    method: 'get',
    path: '/shinhan/cancel',
    tag: 'shinhan',
    summary: "Shinhan's cancel_url: the buyer cancelled (a browser's word: pending only until verified).",
    query: OrderNoQuerySchema,
    answers: { '200': page('PC: a page that closes the popup.'), '303': { description: 'Mobile: back to return_to?kpg_order_no=...' }, ...PAGE_ERRORS },
  },
  {
    method: 'get',
    path: '/shinhan/fail',
    tag: 'shinhan',
    summary: "Shinhan's fail_url (a browser's word: pending only until verified).",
    query: ShinhanFailSchema,
    answers: { '200': page('PC: a page that closes the popup.'), '303': { description: 'Mobile: back to return_to?kpg_order_no=...' }, ...PAGE_ERRORS },
  },
  {
    method: 'post',
    path: '/smartro/return',
    tag: 'smartro',
    summary: "Smartro's ReturnURL, in the buyer's browser (EUC-KR or UTF-8 form).",
    body: { schema: SmartroResultSchema, type: FORM_BODY },
    answers: { '200': page('PC: the return page (loads returnScriptUrl, tells the opener, closes).'), '303': { description: 'Mobile: back to return_to?kpg_order_no=...' }, ...PAGE_ERRORS },
  },
  {
    method: 'post',
    path: '/smartro/retry',
    tag: 'smartro',
    summary: "Smartro's RetryURL, server to server (and its virtual-account deposit notices, ResultCode 4110).",
    body: { schema: SmartroResultSchema, type: FORM_BODY },
    answers: {
      '200': { description: '`OK`: recorded (or already).', type: 'text/plain' },
      '400': { description: '`REFUSED <code>`', type: 'text/plain' },
      '404': { description: '`ERROR unsupported-provider`: this shop has not configured Smartro.', type: 'text/plain' },
      '429': { description: '`ERROR rate-limited`', type: 'text/plain' },
      '503': { description: '`RETRY <code>`: not verified yet; Smartro sends it again.', type: 'text/plain' },
    },
  },
  {
    method: 'get',
    path: '/smartro/stop',
    tag: 'smartro',
    summary: "Smartro's StopURL (mobile cancel), in the buyer's browser.",
    query: OrderNoQuerySchema,
    answers: { '200': page('PC: the return page (the popup tells the opener and closes).'), '303': { description: 'Mobile: back to return_to?kpg_order_no=...' }, ...PAGE_ERRORS },
  },
  {
    method: 'post',
    path: '/smartro/stop',
    tag: 'smartro',
    summary: "Smartro's StopURL posted (mobile cancel); order_no is in the query the server built.",
    query: OrderNoQuerySchema,
    answers: { '200': page('PC: the return page (the popup tells the opener and closes).'), '303': { description: 'Mobile: back to return_to?kpg_order_no=...' }, ...PAGE_ERRORS },
  },
  {
    method: 'post',
    path: '/staff/cancel',
    tag: 'staff',
    summary: 'Give money back: the whole payment or a part (idempotent by idempotency_key).',
    body: { schema: CancelArgsSchema.omit(SERVER_SET), type: JSON_BODY },
    answers: cancelAnswers(),
    staff: true,
  },
  {
    method: 'post',
    path: '/staff/cancel-due',
    tag: 'staff',
    summary: 'Give back a refund_due entry (money taken that no order keeps).',
    body: { schema: CancelDueArgsSchema.omit(SERVER_SET).extend({ tid: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/) }), type: JSON_BODY },
    answers: cancelAnswers({ '404': error('unknown-refund: no money owed back with this tid.') }),
    staff: true,
  },
  {
    method: 'post',
    path: '/staff/cancels/confirm',
    tag: 'staff',
    summary: "Settle an unknown cancel from what the PG's admin site shows.",
    body: { schema: ConfirmSchema, type: JSON_BODY },
    answers: cancelAnswers({ '404': error('unknown-cancel: no such cancel.') }),
    staff: true,
  },
  {
    method: 'post',
    path: '/staff/cancels/record',
    tag: 'staff',
    summary: 'Record a cancel made elsewhere (the PG admin site, a refund the shop made itself).',
    body: { schema: RecordCancelArgsSchema.omit({ requested_by: true }), type: JSON_BODY },
    answers: cancelAnswers(),
    staff: true,
  },
  {
    method: 'get',
    path: '/staff/cancels',
    tag: 'staff',
    summary: "The order's payment: refunded_total, balance and every cancel.",
    query: z.object({ order_id: z.string().regex(ORDER_ID) }),
    answers: { '200': { description: 'The payment and its cancels.', schema: OrderCancelsSchema }, ...STAFF_ERRORS },
    staff: true,
  },
  {
    method: 'get',
    path: '/staff',
    operationId: 'getStaffPage',
    tag: 'staff',
    summary: "The staff console as a ready page (<kpg-admin> on this server's staff routes); holds no data.",
    answers: { '200': page('The page (no custom header needed: a browser navigates to it; its data comes through the guarded routes).'), '404': NOT_CONFIGURED },
  },
  {
    method: 'get',
    path: '/staff/',
    operationId: 'getStaffPageSlash',
    tag: 'staff',
    summary: 'The same page with a trailing slash (the address docs/staff-api.md gives).',
    answers: { '200': page('The page, as GET /staff.'), '404': NOT_CONFIGURED },
  },
  {
    method: 'get',
    path: '/staff/kpg-admin.js',
    tag: 'staff',
    summary: "The console's script, the package's dist/kpg-admin.js (the ready page loads it).",
    answers: {
      '200': { description: 'The script.', type: 'text/javascript' },
      '404': error('authorizeStaff is not configured (not-found), or dist/kpg-admin.js was not built (not-built).'),
    },
  },
  {
    method: 'get',
    path: '/staff/me',
    tag: 'staff',
    summary: 'Who is signed in, which PGs this server has, which database engine.',
    answers: { '200': { description: 'The staff member.', schema: MeSchema }, ...consoleErrors({}, { query: false }) },
    staff: true,
  },
  {
    method: 'get',
    path: '/staff/orders',
    tag: 'staff',
    summary: "Search attempts: an order id, order_no or TID (exact), a buyer's phone (whole or its last 4), a name's beginning; Korea days, status, provider, sorted, paged. Names and phones masked.",
    query: OrdersQuerySchema,
    answers: { '200': { description: 'One page of attempts and how many match.', schema: OrdersAnswerSchema }, ...consoleErrors() },
    staff: true,
  },
  {
    method: 'get',
    path: '/staff/orders/{order_id}',
    tag: 'staff',
    summary: "One order's story: its attempts, payment, cancels, money owed back, and one timeline of what is recorded.",
    params: OrderIdParamSchema,
    answers: {
      '200': { description: 'The story (the buyer whole, the card number masked).', schema: StorySchema },
      ...consoleErrors({ '404': error('authorizeStaff is not configured (not-found), or the order has no attempt (unknown-order).') }),
    },
    staff: true,
  },
  {
    method: 'get',
    path: '/staff/receipt',
    tag: 'staff',
    summary: "Where the PG shows the receipt of the order's payment (Shinhan's receipt page).",
    query: OrderIdParamSchema,
    answers: {
      '200': { description: "The PG's receipt page for the payment.", schema: StaffReceiptSchema },
      ...consoleErrors({
        '404': error('authorizeStaff is not configured (not-found), the order has no payment (no-payment), or its PG has no receipt page to link to (no-receipt-page: Smartro).'),
        '502': error("Shinhan's receipt API refused or could not be reached."),
      }),
    },
    staff: true,
  },
  {
    method: 'get',
    path: '/staff/refunds-due',
    tag: 'staff',
    summary: 'Money owed back (refund_due): the open entries, or with resolved=1 every entry.',
    query: RefundsDueQuerySchema,
    answers: { '200': { description: 'The entries.', schema: RefundsDueAnswerSchema }, ...consoleErrors() },
    staff: true,
  },
  {
    method: 'post',
    path: '/staff/refunds-due/resolve',
    tag: 'staff',
    summary: 'Mark a refund_due entry resolved, with a note of what was done (once; audited).',
    body: { schema: ResolveDueBodySchema, type: JSON_BODY },
    answers: {
      '200': { description: 'Resolved.', schema: ResolveAnswerSchema },
      ...consoleErrors({ '409': error('not-open: no open entry with this provider and tid (already resolved, or none).') }, { post: true }),
    },
    staff: true,
  },
  {
    method: 'get',
    path: '/staff/deliveries',
    tag: 'staff',
    summary: "Events and webhooks whose delivery died (status=dead, default) or is failing (pending, tried at least once); a webhook's url, never its secret.",
    query: DeliveriesQuerySchema,
    answers: { '200': { description: 'The deliveries.', schema: DeliveriesAnswerSchema }, ...consoleErrors() },
    staff: true,
  },
  {
    method: 'post',
    path: '/staff/deliveries/retry',
    tag: 'staff',
    summary: "Queue deliveries again: one event's, or every dead one (audited).",
    body: { schema: RetryBodySchema, type: JSON_BODY },
    answers: { '200': { description: 'How many deliveries were queued again.', schema: RetryAnswerSchema }, ...consoleErrors({}, { post: true }) },
    staff: true,
  },
  {
    method: 'post',
    path: '/staff/reconcile',
    tag: 'staff',
    summary: "Run reconcile() now (audited); ran: false when another instance was reconciling.",
    body: { schema: ReconcileBodySchema, type: JSON_BODY },
    answers: { '200': { description: "kpg.reconcile()'s report.", schema: ReconcileAnswerSchema }, ...consoleErrors({}, { post: true }) },
    staff: true,
  },
  {
    method: 'get',
    path: '/staff/audit',
    tag: 'staff',
    summary: "The audit table of staff actions (every staff POST, refused ones too), newest first; one order's, or all.",
    query: AuditQuerySchema,
    answers: { '200': { description: 'The entries (without the request bodies).', schema: AuditAnswerSchema }, ...consoleErrors() },
    staff: true,
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'document',
    summary: 'This document.',
    answers: { '200': { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
  },
];

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Schemas by the name they have in components.schemas (the others: the operation's name and status). */
const NAMES = new Map<z.ZodType, string>([
  [ErrorSchema, 'Error'],
  [SessionRefusalSchema, 'SessionRefusal'],
  [SessionConflictSchema, 'SessionConflict'],
  [SessionAnswerSchema, 'Session'],
  [ResultSchema, 'Result'],
  [CardListSchema, 'CardList'],
  [ReceiptSchema, 'Receipt'],
  [CancelAnswerSchema, 'CancelAnswer'],
  [CancelRefusalSchema, 'CancelRefusal'],
  [OrderCancelsSchema, 'OrderCancels'],
  [SessionBodySchema, 'SessionBody'],
  [ResultEventSchema, 'ResultEvent'],
  [ShinhanReturnSchema, 'ShinhanReturn'],
  [SmartroResultSchema, 'SmartroResult'],
  [ConfirmSchema, 'CancelConfirm'],
  [MeSchema, 'StaffMe'],
  [OrdersAnswerSchema, 'StaffOrders'],
  [StorySchema, 'StaffStory'],
  [StaffReceiptSchema, 'StaffReceipt'],
  [RefundsDueAnswerSchema, 'RefundsDue'],
  [ResolveDueBodySchema, 'RefundDueResolve'],
  [ResolveAnswerSchema, 'RefundDueResolved'],
  [DeliveriesAnswerSchema, 'Deliveries'],
  [RetryBodySchema, 'DeliveriesRetry'],
  [RetryAnswerSchema, 'DeliveriesRequeued'],
  [ReconcileBodySchema, 'ReconcileBody'],
  [ReconcileAnswerSchema, 'ReconcileReport'],
  [AuditAnswerSchema, 'StaffAudit'],
]);

/**
 * Every schema of a registry as JSON Schema 2020-12 (OpenAPI 3.1's dialect), referring to each other as
 * `#/components/schemas/<name>`: requests as they are sent (`input`: before transforms), answers as they
 * are sent (`output`).
 */
function convert(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  for (const schema of Object.values(schemas) as Json[]) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas as Record<string, Json>;
}

/** package.json's version (test/node/openapi.test.mjs keeps them equal). */
export const VERSION = '0.1.0';

export interface OpenApiOptions {
  /** Where the routes are mounted (createKpg's basePath); default /api/kpg. */
  basePath?: string;
  /** info.version; default the package's. */
  version?: string;
}

/** The OpenAPI 3.1 document of every route, under `basePath`. */
export function openApiDocument({ basePath = '/api/kpg', version = VERSION }: OpenApiOptions = {}): Json {
  const requests = z.registry<{ id: string }>();
  const answers = z.registry<{ id: string }>();
  const ref = (registry: typeof requests, schema: z.ZodType, id: string) => {
    const name = NAMES.get(schema) ?? id;
    if (!registry.has(schema)) registry.add(schema, { id: name });
    return { $ref: `#/components/schemas/${registry.get(schema)!.id}` };
  };
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const id = route.operationId ?? `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`;
    const Id = id[0].toUpperCase() + id.slice(1);
    const operation: Json = { operationId: id, tags: [route.tag], summary: route.summary };
    const parameters = (where: 'path' | 'query', schema: z.ZodObject) => {
      const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as { properties?: Record<string, Json>; required?: string[] };
      // A path parameter's schema requires it (openapi.test.mjs holds every path parameter required, as OpenAPI does).
      return Object.entries(json.properties ?? {}).map(([name, schema]) => ({ name, in: where, required: json.required?.includes(name) ?? false, schema }));
    };
    if (route.params || route.query) operation.parameters = [...(route.params ? parameters('path', route.params) : []), ...(route.query ? parameters('query', route.query) : [])];
    if (route.staff) {
      operation.security = [{ staffHeader: [] }];
      operation.description = `Guarded by the shop's authorizeStaff; every request carries the header ${STAFF_HEADER}: 1 and comes from the shop's own origin.`;
    }
    if (route.body) {
      const schema = ref(requests, route.body.schema, `${Id}Body`);
      operation.requestBody = { required: true, content: Object.fromEntries(route.body.type.map((type) => [type, { schema }])) };
    }
    const all = Object.entries({ ...commonAnswers(route), ...route.answers }).sort(([a], [b]) => a.localeCompare(b));
    operation.responses = Object.fromEntries(
      all.map(([status, answer]) => {
        const out: Json = { description: answer.description };
        if (answer.schema) out.content = { [answer.type ?? 'application/json']: { schema: ref(answers, answer.schema, `${Id}${status}`) } };
        else if (answer.type) out.content = { [answer.type]: { schema: { type: 'string' } } };
        if (answer.headers) out.headers = Object.fromEntries(Object.entries(answer.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
        return [status, out];
      }),
    );
    (paths[route.path] ??= {})[route.method] = operation;
  }
  const schemas = { ...convert(answers, 'output'), ...convert(requests, 'input') };
  return {
    openapi: '3.1.0',
    info: {
      title: 'kpg-checkout server',
      version,
      description:
        "Every HTTP route of kpg-checkout/server, mounted under basePath. Buyers' routes (the widget's JSON, the pages the PGs send the browser to, Smartro's RetryURL) and the staff's. Error bodies carry a code (the contract) and a message for developers: buyers never see server text.",
    },
    servers: [{ url: basePath === '/' ? '/' : basePath, description: 'basePath (where toNodeHandler(kpg) / kpg.fetch is mounted)' }],
    tags: [
      { name: 'widget', description: 'The widget (kpg-checkout, kpg-card-picker, kpg-receipt): JSON.' },
      { name: 'shinhan', description: "Sent by Shinhan to the buyer's browser: pages and redirects." },
      { name: 'smartro', description: "Sent by Smartro: the buyer's browser (pages, redirects) and its server (RetryURL, text)." },
      { name: 'staff', description: "The shop's staff: cancels and refunds (issue 22), the staff console's routes and its ready page (issue 23, docs/staff-api.md)." },
      { name: 'document', description: 'This document.' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: { staffHeader: { type: 'apiKey', in: 'header', name: STAFF_HEADER, description: `${STAFF_HEADER}: 1, with the staff's own session (authorizeStaff).` } },
    },
  };
}
