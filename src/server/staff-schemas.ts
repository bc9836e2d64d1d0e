/**
 * The staff API's shapes on the server side (issue 23; docs/staff-api.md is the contract, and
 * src/kpg-admin/api.ts holds the console's zod/mini schemas of the same answers). One schema per request
 * (query or body, checked before anything is read or written) and per answer (the routes' types come from
 * these; a test parses real answers with both sides' schemas). Issue 22's cancel bodies are checked by
 * cancels.ts, not here.
 */
import { z } from 'zod';
import { ORDER_ID, ORDER_NO, PayMethodSchema } from './schemas.js';

export const STAFF_STATUSES = ['pending', 'processing', 'unknown', 'awaiting_deposit', 'paid', 'failed', 'cancelled', 'refunded'] as const;
const Status = z.enum(STAFF_STATUSES);
const Provider = z.enum(['shinhan', 'smartro']);
const Won = z.number().int().nonnegative().max(999_999_999_999);
const Iso = z.string().datetime({ offset: true });
const Tid = z.string().regex(/^[A-Za-z0-9_-]{1,50}$/);
const KoreaDay = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** GET /staff/orders: every parameter optional (query strings: numbers arrive as text). */
export const OrdersQuerySchema = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  from: KoreaDay.optional(),
  to: KoreaDay.optional(),
  status: Status.optional(),
  provider: Provider.optional(),
  sort: z.enum(['created_at', 'amount']).default('created_at'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).max(200).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type OrdersQuery = z.infer<typeof OrdersQuerySchema>;

export const OrderIdParamSchema = z.object({ order_id: z.string().regex(ORDER_ID) });

export const RefundsDueQuerySchema = z.object({ resolved: z.enum(['0', '1']).default('0') });

export const ResolveDueBodySchema = z.object({ provider: Provider, tid: Tid, note: z.string().trim().min(1).max(200) });

export const DeliveriesQuerySchema = z.object({ status: z.enum(['dead', 'failing']).default('dead') });

export const RetryBodySchema = z.union([z.object({ event_id: z.string().regex(/^evt_[a-z2-7]{24}$/) }).strict(), z.object({ dead: z.literal(true) }).strict()]);

export const ReconcileBodySchema = z.object({}).strict();

export const AuditQuerySchema = z.object({
  order_id: z.string().regex(ORDER_ID).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

export const MeSchema = z.object({ staff: z.string().min(1).max(100), providers: z.array(Provider), engine: z.enum(['pglite', 'postgres']) });

export const OrderRowSchema = z.object({
  order_no: z.string().regex(ORDER_NO),
  order_id: z.string().regex(ORDER_ID),
  provider: Provider,
  status: Status,
  amount: Won,
  refunded_total: Won,
  pay_method: PayMethodSchema.nullable(),
  tid: z.string().nullable(),
  buyer_name: z.string().max(100).nullable(),
  buyer_phone: z.string().max(40).nullable(),
  created_at: Iso,
  updated_at: Iso,
});
export type OrderRow = z.infer<typeof OrderRowSchema>;

export const OrdersAnswerSchema = z.object({ items: z.array(OrderRowSchema), total: z.number().int().nonnegative(), page: z.number().int().min(1), limit: z.number().int().min(1) });
export type OrdersAnswer = z.infer<typeof OrdersAnswerSchema>;

export const CancelViewSchema = z.object({
  id: z.number().int().positive(),
  tid: z.string(),
  status: z.enum(['requested', 'unknown', 'done', 'failed']),
  staff_check: z.boolean(),
  source: z.enum(['api', 'pg', 'due']),
  kind: z.enum(['full', 'partial']),
  requested_amount: Won.nullable(),
  amount: Won,
  taxfree_amount: Won,
  reason: z.string(),
  pg_cancel_id: z.string().nullable(),
  pg_cancelled_at: z.string().nullable(),
  code: z.string().nullable(),
  pg_message: z.string().nullable(),
  requested_by: z.string().nullable(),
  settled_by: z.string().nullable(),
  settle_note: z.string().nullable(),
  requested_at: Iso,
  settled_at: Iso.nullable(),
});
export type CancelView = z.infer<typeof CancelViewSchema>;

export const RefundDueSchema = z.object({
  provider: Provider,
  tid: z.string(),
  merchant_id: z.string(),
  order_no: z.string(),
  order_id: z.string(),
  amount: Won,
  reason: z.string(),
  recorded_at: Iso,
  resolved_at: Iso.nullable(),
  resolution: z.string().nullable(),
});

export const DeliverySchema = z.object({
  target: z.string(),
  url: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int().nonnegative(),
  next_at: Iso,
  last_error: z.string().nullable(),
  delivered_at: Iso.nullable(),
});

const Entry = { at: Iso, order_no: z.string().nullable() };
export const TimelineEntrySchema = z.discriminatedUnion('kind', [
  z.object({ ...Entry, kind: z.literal('attempt'), provider: Provider, amount: Won, pay_method: PayMethodSchema.nullable() }),
  z.object({ ...Entry, kind: z.literal('status'), from: Status.nullable(), to: Status, code: z.string().nullable(), reason: z.string().nullable(), pg_message: z.string().nullable() }),
  z.object({ ...Entry, kind: z.literal('refusal'), route: z.string(), code: z.string(), message: z.string() }),
  z.object({
    ...Entry,
    kind: z.literal('cancel'),
    cancel_id: z.number().int().positive(),
    status: z.enum(['requested', 'unknown', 'done', 'failed']),
    amount: Won,
    cancel_kind: z.enum(['full', 'partial']),
    source: z.enum(['api', 'pg', 'due']),
    reason: z.string(),
    by: z.string().nullable(),
    code: z.string().nullable(),
    pg_message: z.string().nullable(),
  }),
  z.object({ ...Entry, kind: z.literal('refund-due'), tid: z.string(), amount: Won, reason: z.string() }),
  z.object({ ...Entry, kind: z.literal('refund-resolved'), tid: z.string(), resolution: z.string() }),
  z.object({ ...Entry, kind: z.literal('event'), event_id: z.string(), type: z.string(), deliveries: z.array(DeliverySchema) }),
  z.object({ ...Entry, kind: z.literal('staff'), staff: z.string(), action: z.string(), http_status: z.number().int(), answer: z.string().nullable() }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const StorySchema = z.object({
  order_id: z.string().regex(ORDER_ID),
  buyer: z.object({ name: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  payment: z
    .object({
      provider: Provider,
      tid: z.string(),
      order_no: z.string(),
      status: z.enum(['paid', 'refunded']),
      pay_method: PayMethodSchema.nullable(),
      amount: Won,
      discount: Won,
      refunded_total: Won,
      balance: Won,
      approved_at: z.string().nullable(),
      card_name: z.string().nullable(),
      card_no: z.string().nullable(),
      install_month: z.string().nullable(),
      bank_name: z.string().nullable(),
      /** Issue 25: Shinhan's escr_yn was Y on the paid attempt's return (the buyer chose escrow). */
      escrow: z.boolean(),
    })
    .nullable(),
  attempts: z.array(
    z.object({
      order_no: z.string(),
      provider: Provider,
      status: Status,
      amount: Won,
      pay_method: PayMethodSchema.nullable(),
      tid: z.string().nullable(),
      code: z.string().nullable(),
      reason: z.string().nullable(),
      created_at: Iso,
      finished_at: Iso.nullable(),
    }),
  ),
  cancels: z.array(CancelViewSchema),
  refunds_due: z.array(RefundDueSchema),
  timeline: z.array(TimelineEntrySchema),
});
export type Story = z.infer<typeof StorySchema>;

export const ReceiptAnswerSchema = z.object({ provider: Provider, tid: z.string(), url: z.string().url() });

const cancelFigures = {
  cancel_id: z.number().int().positive().optional(),
  pg_cancel_id: z.string().optional(),
  refunded_total: Won,
  balance: Won,
  message: z.string().optional(),
};
/** What a cancel answers, by its status: only a done one gave anything back; one refused or unknown says why. */
export const CancelAnswerSchema = z.discriminatedUnion('status', [
  z
    .object({ status: z.literal('done'), ...cancelFigures, cancelled_amount: Won, code: z.string().optional() })
    .describe('Given back: cancelled_amount (0 only for a virtual account closed before any deposit, code account-closed).'),
  z
    .object({ status: z.literal('unknown'), ...cancelFigures, cancelled_amount: z.literal(0), code: z.string() })
    .describe("The PG's outcome is not known yet: nothing counted as given back; code says what is awaited (pg-unreachable, staff-check, in-progress...)."),
  z.object({ status: z.literal('refused'), ...cancelFigures, cancelled_amount: z.literal(0), code: z.string() }).describe('Nothing given back; code says why.'),
]);

export const RefundsDueAnswerSchema = z.object({ items: z.array(RefundDueSchema) });
export const ResolveAnswerSchema = z.object({ resolved: z.literal(true) });

export const DeliveryRowSchema = z.object({
  event_id: z.string(),
  type: z.string(),
  order_id: z.string(),
  order_no: z.string(),
  created_at: Iso,
  target: z.string(),
  url: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int().nonnegative(),
  next_at: Iso,
  last_error: z.string().nullable(),
});
export const DeliveriesAnswerSchema = z.object({ items: z.array(DeliveryRowSchema) });
export const RetryAnswerSchema = z.object({ requeued: z.number().int().nonnegative() });

const Ref = { order_no: z.string(), order_id: z.string() };
export const ReconcileAnswerSchema = z.object({
  ran: z.boolean(),
  settled: z.array(z.object({ ...Ref, from: z.string(), to: z.string() })),
  unsettled: z.array(z.object({ ...Ref, status: z.string(), since: z.string(), why: z.string().optional() })),
  expired: z.array(z.object({ ...Ref, to: z.string() })),
  pruned: z.record(z.string(), z.number()),
  refundsDue: z.array(RefundDueSchema),
  cancels: z
    .object({
      settled: z.array(z.object({ cancel_id: z.number(), order_id: z.string(), status: z.string() })),
      unknown: z.array(z.object({ cancel_id: z.number(), order_id: z.string(), staff_check: z.boolean(), since: z.string() })),
      found: z.array(z.object({ cancel_id: z.number(), order_id: z.string(), amount: Won })),
      attention: z.array(z.object({ order_id: z.string(), message: z.string() })),
    })
    .optional(),
});

export const AuditAnswerSchema = z.object({
  items: z.array(
    z.object({
      id: z.number().int().positive(),
      at: Iso,
      staff: z.string(),
      action: z.string(),
      order_id: z.string().nullable(),
      http_status: z.number().int(),
      answer: z.string().nullable(),
    }),
  ),
});
