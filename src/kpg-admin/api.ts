/**
 * The console's side of the staff API (docs/staff-api.md): one zod/mini schema per answer it reads, and the
 * one function that talks to `{api-url}`. Every request carries `X-KPG-Staff: 1` (the server's CSRF defence
 * with a custom header, which a cross-site form cannot send) and the staff member's cookies (same origin
 * only); a change is a POST with a JSON body. An answer that does not match its schema is an error, never
 * data. The server's own schemas of the same shapes are in src/server/staff-schemas.ts (a test parses the
 * real server's answers with both).
 */
import * as z from 'zod/mini';

// No `new Function` (a strict CSP on the shop's admin page reports even zod's probe for it).
z.config({ jitless: true });

export const STAFF_HEADER = 'X-KPG-Staff';

export const STATUSES = ['pending', 'processing', 'unknown', 'awaiting_deposit', 'paid', 'failed', 'cancelled', 'refunded'] as const;
const Status = z.enum(STATUSES);
export type Status = z.infer<typeof Status>;
const Provider = z.enum(['shinhan', 'smartro']);
export type Provider = z.infer<typeof Provider>;
const PayMethod = z.nullable(z.enum(['card', 'vbank', 'bank', 'phone']));
const Won = z.number().check(z.int(), z.nonnegative(), z.lte(999_999_999_999));
const Text = z.string();
const MaybeText = z.nullable(z.string());
/** ISO 8601 with a zone: shown in Korea time (format.ts). */
const Iso = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/));
const CancelStatus = z.enum(['requested', 'unknown', 'done', 'failed']);
const Source = z.enum(['api', 'pg', 'due']);

export const MeSchema = z.object({ staff: Text, providers: z.array(Provider), engine: Text });
export type Me = z.infer<typeof MeSchema>;

export const OrderRowSchema = z.object({
  order_no: Text,
  order_id: Text,
  provider: Provider,
  status: Status,
  amount: Won,
  refunded_total: Won,
  pay_method: PayMethod,
  tid: MaybeText,
  buyer_name: MaybeText,
  buyer_phone: MaybeText,
  created_at: Iso,
  updated_at: Iso,
});
export type OrderRow = z.infer<typeof OrderRowSchema>;

export const OrdersSchema = z.object({ items: z.array(OrderRowSchema), total: z.number().check(z.int(), z.nonnegative()), page: z.number().check(z.int(), z.gte(1)), limit: z.number().check(z.int(), z.gte(1)) });
export type Orders = z.infer<typeof OrdersSchema>;

export const CancelSchema = z.object({
  id: z.number().check(z.int(), z.positive()),
  tid: Text,
  status: CancelStatus,
  staff_check: z.boolean(),
  source: Source,
  kind: z.enum(['full', 'partial']),
  requested_amount: z.nullable(Won),
  amount: Won,
  taxfree_amount: Won,
  reason: Text,
  pg_cancel_id: MaybeText,
  pg_cancelled_at: MaybeText,
  code: MaybeText,
  pg_message: MaybeText,
  requested_by: MaybeText,
  settled_by: MaybeText,
  settle_note: MaybeText,
  requested_at: Iso,
  settled_at: z.nullable(Iso),
});
export type Cancel = z.infer<typeof CancelSchema>;

export const RefundDueSchema = z.object({
  provider: Provider,
  tid: Text,
  merchant_id: Text,
  order_no: Text,
  order_id: Text,
  amount: Won,
  reason: Text,
  recorded_at: Iso,
  resolved_at: z.nullable(Iso),
  resolution: MaybeText,
});
export type RefundDue = z.infer<typeof RefundDueSchema>;

const DeliverySchema = z.object({
  target: Text,
  url: MaybeText,
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().check(z.int(), z.nonnegative()),
  next_at: Iso,
  last_error: MaybeText,
  delivered_at: z.nullable(Iso),
});
export type Delivery = z.infer<typeof DeliverySchema>;

const at = { at: Iso, order_no: MaybeText };
export const EntrySchema = z.discriminatedUnion('kind', [
  z.object({ ...at, kind: z.literal('attempt'), provider: Provider, amount: Won, pay_method: PayMethod }),
  z.object({ ...at, kind: z.literal('status'), from: z.nullable(Status), to: Status, code: MaybeText, reason: MaybeText, pg_message: MaybeText }),
  z.object({ ...at, kind: z.literal('refusal'), route: Text, code: Text, message: Text }),
  z.object({
    ...at,
    kind: z.literal('cancel'),
    cancel_id: z.number().check(z.int(), z.positive()),
    status: CancelStatus,
    amount: Won,
    cancel_kind: z.enum(['full', 'partial']),
    source: Source,
    reason: Text,
    by: MaybeText,
    code: MaybeText,
    pg_message: MaybeText,
  }),
  z.object({ ...at, kind: z.literal('refund-due'), tid: Text, amount: Won, reason: Text }),
  z.object({ ...at, kind: z.literal('refund-resolved'), tid: Text, resolution: Text }),
  z.object({ ...at, kind: z.literal('event'), event_id: Text, type: Text, deliveries: z.array(DeliverySchema) }),
  z.object({ ...at, kind: z.literal('staff'), staff: Text, action: Text, http_status: z.number().check(z.int()), answer: MaybeText }),
]);
export type Entry = z.infer<typeof EntrySchema>;

export const PaymentSchema = z.object({
  provider: Provider,
  tid: Text,
  order_no: Text,
  status: z.enum(['paid', 'refunded']),
  pay_method: PayMethod,
  amount: Won,
  discount: Won,
  refunded_total: Won,
  balance: Won,
  approved_at: MaybeText,
  card_name: MaybeText,
  card_no: MaybeText,
  install_month: MaybeText,
  bank_name: MaybeText,
  /** Issue 25: the buyer chose escrow in Shinhan's window (escr_yn Y). Absent from an older server. */
  escrow: z.optional(z.boolean()),
});
export type Payment = z.infer<typeof PaymentSchema>;

export const StorySchema = z.object({
  order_id: Text,
  buyer: z.nullable(z.object({ name: MaybeText, phone: MaybeText })),
  payment: z.nullable(PaymentSchema),
  attempts: z.array(
    z.object({
      order_no: Text,
      provider: Provider,
      status: Status,
      amount: Won,
      pay_method: PayMethod,
      tid: MaybeText,
      code: MaybeText,
      reason: MaybeText,
      created_at: Iso,
      finished_at: z.nullable(Iso),
    }),
  ),
  cancels: z.array(CancelSchema),
  refunds_due: z.array(RefundDueSchema),
  timeline: z.array(EntrySchema),
});
export type Story = z.infer<typeof StorySchema>;

/** Only http(s) URLs become links (a `javascript:` URL from a compromised answer would run on a click). */
export const ReceiptSchema = z.object({ provider: Provider, tid: Text, url: z.string().check(z.regex(/^https?:\/\/[^\s]+$/)) });

export const CancelAnswerSchema = z.object({
  status: z.enum(['done', 'unknown', 'refused']),
  cancel_id: z.optional(z.number()),
  pg_cancel_id: z.optional(Text),
  cancelled_amount: Won,
  refunded_total: Won,
  balance: Won,
  code: z.optional(Text),
  message: z.optional(Text),
});
export type CancelAnswer = z.infer<typeof CancelAnswerSchema>;

export const RefundsDueSchema = z.object({ items: z.array(RefundDueSchema) });
export const ResolvedSchema = z.object({ resolved: z.literal(true) });

export const DeliveryRowSchema = z.object({
  event_id: Text,
  type: Text,
  order_id: Text,
  order_no: Text,
  created_at: Iso,
  target: Text,
  url: MaybeText,
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().check(z.int(), z.nonnegative()),
  next_at: Iso,
  last_error: MaybeText,
});
export type DeliveryRow = z.infer<typeof DeliveryRowSchema>;
export const DeliveriesSchema = z.object({ items: z.array(DeliveryRowSchema) });
export const RequeuedSchema = z.object({ requeued: z.number().check(z.int(), z.nonnegative()) });

const Ref = { order_no: Text, order_id: Text };
export const ReportSchema = z.object({
  ran: z.boolean(),
  settled: z.array(z.object({ ...Ref, from: Text, to: Text })),
  unsettled: z.array(z.object({ ...Ref, status: Text, since: Text })),
  expired: z.array(z.object({ ...Ref, to: Text })),
  pruned: z.record(z.string(), z.number()),
  refundsDue: z.array(RefundDueSchema),
  cancels: z.optional(
    z.object({
      settled: z.array(z.object({ cancel_id: z.number(), order_id: Text, status: Text })),
      unknown: z.array(z.object({ cancel_id: z.number(), order_id: Text, staff_check: z.boolean(), since: Text })),
      found: z.array(z.object({ cancel_id: z.number(), order_id: Text, amount: Won })),
      attention: z.array(z.object({ order_id: Text, message: Text })),
    }),
  ),
});
export type Report = z.infer<typeof ReportSchema>;

const ErrorSchema = z.object({ code: z.string(), message: z.optional(z.string()), field: z.optional(z.string()) });

/** What went wrong with one request: `status` 0 when no HTTP answer came (network, timeout). */
export class StaffApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface CallOptions<T> {
  method?: 'GET' | 'POST';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodMiniType<T>;
  signal?: AbortSignal;
  timeoutMs: number;
}

/** `{api-url}` on this page's origin, or null (cookies and the custom header stay on the shop's origin). */
export function apiBase(apiUrl: string | undefined): URL | null {
  if (!apiUrl) return null;
  try {
    const url = new URL(apiUrl, document.baseURI);
    return url.origin === location.origin && !url.search && !url.hash ? url : null;
  } catch {
    return null;
  }
}

/** One request to `{base}{path}`: the staff header, the cookies, a deadline, and the answer's schema. */
export async function call<T>(base: URL, path: string, options: CallOptions<T>): Promise<T> {
  const url = new URL(base.href.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const method = options.method ?? 'GET';
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'error',
        headers: { Accept: 'application/json', [STAFF_HEADER]: '1', ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
        ...(method === 'POST' ? { body: JSON.stringify(options.body ?? {}) } : {}),
        signal: controller.signal,
      });
    } catch {
      if (options.signal?.aborted) throw new StaffApiError(0, 'aborted', 'aborted');
      throw new StaffApiError(0, timedOut ? 'timeout' : 'network', timedOut ? `No answer within ${options.timeoutMs / 1000} s` : 'The server could not be reached');
    }
    let json: unknown;
    try {
      json = JSON.parse(await response.text());
    } catch {
      json = undefined;
    }
    // 409 may be a cancel the PG or the ledger refused (a CancelAnswer): tried against the schema first.
    if (!response.ok && response.status !== 409) {
      const error = ErrorSchema.safeParse(json);
      throw new StaffApiError(response.status, error.success ? error.data.code : `http-${response.status}`, error.success ? (error.data.message ?? '') : '', error.success ? error.data.field : undefined);
    }
    const parsed = options.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // 409 without a cancel's answer is an error like any other.
    const error = ErrorSchema.safeParse(json);
    if (!response.ok && error.success) throw new StaffApiError(response.status, error.data.code, error.data.message ?? '', error.data.field);
    throw new StaffApiError(response.status, 'bad-answer', `The answer of ${path} is not what the console expects`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
