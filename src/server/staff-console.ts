/**
 * The staff console's routes (issue 23; docs/staff-api.md is the contract): find an order, read its story,
 * the receipt, money owed back, failing deliveries, reconcile now, the audit table. Mounted by staff.ts on
 * its Hono app, behind the same guard (X-KPG-Staff, Origin / Sec-Fetch-Site, authorizeStaff). Every query and
 * body is parsed with staff-schemas.ts before anything is read; every answer is built to its schema there.
 *
 * What the story cannot tell: the attempts table keeps no history of transitions, only the times it records
 * (created_at, processing_since, finished_at, updated_at). So a story shows each attempt's start, the
 * `processing` step when the attempt recorded one, and its last status at finished_at (or updated_at when it
 * is still open), not every step in between (a `refute` back to pending, a report, a second verification).
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { payMethodName } from './providers/smartro.js';
import type { ReconcileReport } from './reconcile.js';
import { HttpError, json } from './http.js';
import { parseOr400 } from './schemas.js';
import {
  AuditQuerySchema,
  DeliveriesQuerySchema,
  OrderIdParamSchema,
  OrdersQuerySchema,
  ReconcileBodySchema,
  RefundsDueQuerySchema,
  ResolveDueBodySchema,
  RetryBodySchema,
  type OrderRow,
  type OrdersAnswer,
  type Story,
  type TimelineEntry,
} from './staff-schemas.js';
import type { FoundAttempt } from './store/staff-sql.js';
import type { Attempt, PaymentStore, ProviderName } from './store/types.js';
import type { ShinhanProvider } from './providers/shinhan.js';
import { maskCardNo, receiptDate } from './payments/views.js';
import { lastFour } from './redact.js';

export interface ConsoleDeps {
  store(): Promise<PaymentStore>;
  now(): Date;
  reconcile(): Promise<ReconcileReport>;
  /** kpg.retryEvents: re-queues and wakes this instance's relay. */
  retryEvents(which: string | { dead: true }): Promise<number>;
  providers: { shinhan: boolean; smartro: boolean };
  /** Shinhan's receipt page for a payment (its receipt API); undefined without Shinhan. */
  shinhanReceipt?: ShinhanProvider['receiptUrl'];
}

/** What a POST handler gives back to staff.ts's audit: the response, and the order it was about. */
export type Handled = { response: Response; orderId?: string | null };

export interface ConsoleRoutes {
  /** GET routes: the guard has run. */
  get(path: string, handler: (c: Context, staff: string) => Promise<Response>): void;
  /** POST routes: the guard has run, the JSON body is read; staff.ts writes the audit row. */
  post(path: string, handler: (input: Record<string, unknown>, staff: string, c: Context, about: (orderId: string | null | undefined) => void) => Promise<Handled>): void;
}

const KOREA_MS = 9 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** A Korea day's first instant (Asia/Seoul: UTC+9, no daylight saving), as ISO 8601. */
const koreaDayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) - KOREA_MS).toISOString();

/** Lists show names and phones masked: 홍*동, 010-****-5678 (the whole only in one order's story). */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  return name
    .split(' ')
    .map((word) => {
      const chars = [...word];
      if (chars.length <= 1) return word;
      if (chars.length === 2) return `${chars[0]}*`;
      return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
    })
    .join(' ');
}

/** The digits as Korean numbers are written (010-1234-5678, 02-123-4567). */
export function formatPhone(digits: string | null | undefined): string | null {
  if (!digits) return null;
  const m = /^(02|0\d{2})(\d{3,4})(\d{4})$/.exec(digits);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : digits;
}

export function maskPhone(digits: string | null | undefined): string | null {
  if (!digits) return null;
  const m = /^(02|0\d{2})(\d{3,4})(\d{4})$/.exec(digits);
  if (m) return `${m[1]}-${'*'.repeat(m[2].length)}-${m[3]}`;
  return lastFour(digits);
}

/** card, vbank, bank, phone as the widget names them; a Shinhan card attempt (pgcode card) is a card. */
function payMethodOf(a: Attempt): OrderRow['pay_method'] {
  const name = payMethodName(a.pay_method);
  if (name) return name;
  if (a.provider === 'shinhan' && a.pgcode === 'card') return 'card';
  return null;
}

function row(a: FoundAttempt): OrderRow {
  return {
    order_no: a.order_no,
    order_id: a.order_id,
    provider: a.provider,
    status: a.status,
    amount: a.amount,
    refunded_total: a.refunded_total,
    pay_method: payMethodOf(a),
    tid: a.tid ?? (a.status === 'awaiting_deposit' ? a.claimed_tid : null),
    buyer_name: maskName(a.buyer_name),
    buyer_phone: maskPhone(a.buyer_phone),
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

const query = (c: Context) => Object.fromEntries(new URL(c.req.url).searchParams);

export function addConsoleRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.get('/me', async (_c, staff) => {
    const store = await deps.store();
    const providers = (['shinhan', 'smartro'] as const).filter((p) => deps.providers[p]);
    return json(200, { staff, providers, engine: store.engine });
  });

  routes.get('/orders', async (c) => {
    const q = parseOr400(OrdersQuerySchema, query(c));
    if (q.from && q.to && q.from > q.to) throw new HttpError(400, 'invalid-field', 'from must not be after to.', 'from');
    const store = await deps.store();
    const found = await store.searchAttempts({
      q: q.q,
      from: q.from ? koreaDayStart(q.from) : undefined,
      to: q.to ? new Date(Date.parse(koreaDayStart(q.to)) + DAY_MS).toISOString() : undefined,
      status: q.status,
      provider: q.provider,
      sort: q.sort,
      dir: q.dir,
      limit: q.limit,
      offset: (q.page - 1) * q.limit,
    });
    const answer: OrdersAnswer = { items: found.items.map(row), total: found.total, page: q.page, limit: q.limit };
    return json(200, answer);
  });

  routes.get('/orders/:order_id', async (c) => {
    const { order_id: orderId } = parseOr400(OrderIdParamSchema, { order_id: c.req.param('order_id') });
    const store = await deps.store();
    const attempts = await store.attemptsOfOrder(orderId);
    if (!attempts.length) throw new HttpError(404, 'unknown-order', `No attempt of order ${orderId}.`, 'order_id');
    return json(200, await story(store, orderId, attempts));
  });

  routes.get('/receipt', async (c) => {
    const { order_id: orderId } = parseOr400(OrderIdParamSchema, { order_id: query(c).order_id });
    const store = await deps.store();
    const paid = await store.paymentOfOrder(orderId);
    if (!paid?.tid) throw new HttpError(404, 'no-payment', `Order ${orderId} has no payment.`, 'order_id');
    if (paid.provider === 'smartro' || !deps.shinhanReceipt) {
      // Smartro's receipt is an API answer (smartro-receipt.txt), not a page a staff member can open.
      throw new HttpError(404, 'no-receipt-page', `${paid.provider} has no receipt page to link to; see the PG's admin site for TID ${paid.tid}.`, 'order_id');
    }
    const answer = await deps.shinhanReceipt({ tid: paid.tid, amount: paid.amount, txYmd: receiptDate(paid) });
    if (!answer.ok) throw new HttpError(502, answer.code, answer.message);
    return json(200, { provider: paid.provider, tid: paid.tid, url: answer.redirect_url });
  });

  routes.get('/refunds-due', async (c) => {
    const q = parseOr400(RefundsDueQuerySchema, query(c));
    const store = await deps.store();
    return json(200, { items: await store.refundsDue({ includeResolved: q.resolved === '1' }) });
  });

  routes.post('/refunds-due/resolve', async (input, _staff, _c, about) => {
    const store = await deps.store();
    // The audit row names the entry's order, also when the body is refused.
    const entry = (await store.refundsDue({ includeResolved: true })).find((d) => d.provider === input.provider && d.tid === input.tid);
    about(entry?.order_id);
    const body = parseOr400(ResolveDueBodySchema, input);
    const done = await store.resolveRefund(body.provider, body.tid, body.note, deps.now().toISOString());
    if (!done) throw new HttpError(409, 'not-open', `No open refund_due entry ${body.provider} ${body.tid} (already resolved, or none).`, 'tid');
    return { response: json(200, { resolved: true }) };
  });

  routes.get('/deliveries', async (c) => {
    const q = parseOr400(DeliveriesQuerySchema, query(c));
    const store = await deps.store();
    return json(200, { items: await store.failingDeliveries(q.status) });
  });

  routes.post('/deliveries/retry', async (input) => {
    const body = parseOr400(RetryBodySchema, input);
    let orderId: string | null = null;
    if ('event_id' in body) {
      const [event] = await (await deps.store()).events({ eventId: body.event_id, limit: 1 });
      orderId = event?.order_id ?? null;
    }
    const requeued = await deps.retryEvents('event_id' in body ? body.event_id : { dead: true });
    return { response: json(200, { requeued }), orderId };
  });

  routes.post('/reconcile', async (input) => {
    parseOr400(ReconcileBodySchema, input);
    return { response: json(200, await deps.reconcile()) };
  });

  routes.get('/audit', async (c) => {
    const q = parseOr400(AuditQuerySchema, query(c));
    const store = await deps.store();
    const items = await store.auditEntries({ orderId: q.order_id, limit: q.limit });
    return json(200, { items: items.map(({ request: _request, ...entry }) => entry) });
  });
}

type Delivery = z.infer<typeof import('./staff-schemas.js').DeliverySchema>;

/** One order's story: its attempts, payment, cancels, debts, and one timeline of what is recorded. */
async function story(store: PaymentStore, orderId: string, attempts: FoundAttempt[]): Promise<Story> {
  const orderNos = attempts.map((a) => a.order_no);
  const [paid, cancels, dues, refusals, events, audit] = await Promise.all([
    store.paymentOfOrder(orderId),
    store.cancelsOfOrder(orderId),
    store.refundsDue({ includeResolved: true }).then((all) => all.filter((d) => d.order_id === orderId)),
    store.refusalsOfOrder(orderId, orderNos),
    store.events({ orderId, limit: 500 }),
    store.auditEntries({ orderId, limit: 200 }),
  ]);
  const money = paid?.tid ? await store.paymentMoney(paid.provider, paid.tid) : undefined;
  const timeline: TimelineEntry[] = [];
  for (const a of attempts) {
    timeline.push({ at: a.created_at, order_no: a.order_no, kind: 'attempt', provider: a.provider, amount: a.amount, pay_method: payMethodOf(a) });
    if (a.processing_since) timeline.push({ at: a.processing_since, order_no: a.order_no, kind: 'status', from: 'pending', to: 'processing', code: null, reason: null, pg_message: null });
    // (A processing attempt's status is the entry above: its claim set processing_since.)
    if (a.status !== 'pending' && a.status !== 'processing') {
      // The last status, when it was reached (finished_at; an open attempt: its last update). Intermediate steps are not recorded.
      const from = a.status === 'refunded' ? 'paid' : a.processing_since ? 'processing' : null;
      timeline.push({ at: a.finished_at ?? a.updated_at, order_no: a.order_no, kind: 'status', from, to: a.status, code: a.code, reason: a.reason, pg_message: a.pg_message });
    }
  }
  for (const r of refusals) timeline.push({ at: r.at, order_no: r.order_no, kind: 'refusal', route: r.route, code: r.code, message: r.message });
  for (const c of cancels) {
    const entry = { order_no: c.order_no, kind: 'cancel' as const, cancel_id: c.id, amount: c.amount, cancel_kind: c.kind, source: c.source, reason: c.reason, code: c.code, pg_message: c.pg_message };
    timeline.push({ ...entry, at: c.requested_at, status: c.settled_at ? 'requested' : c.status, by: c.requested_by });
    if (c.settled_at) timeline.push({ ...entry, at: c.settled_at, status: c.status, by: c.settled_by ?? c.requested_by });
  }
  for (const d of dues) {
    timeline.push({ at: d.recorded_at, order_no: d.order_no, kind: 'refund-due', tid: d.tid, amount: d.amount, reason: d.reason });
    if (d.resolved_at) timeline.push({ at: d.resolved_at, order_no: d.order_no, kind: 'refund-resolved', tid: d.tid, resolution: d.resolution ?? '' });
  }
  for (const e of events) {
    const deliveries: Delivery[] = e.deliveries.map((d) => ({ target: d.target, url: d.url, status: d.status, attempts: d.attempts, next_at: d.next_at, last_error: d.last_error, delivered_at: d.delivered_at }));
    timeline.push({ at: e.created_at, order_no: e.order_no, kind: 'event', event_id: e.id, type: e.type, deliveries });
  }
  for (const s of audit) timeline.push({ at: s.at, order_no: null, kind: 'staff', staff: s.staff, action: s.action, http_status: s.http_status, answer: s.answer });
  // Oldest first; at the same instant, in the order they happen (an attempt before its status, a status before its event).
  const rank: Record<TimelineEntry['kind'], number> = { attempt: 0, status: 1, refusal: 2, 'refund-due': 3, cancel: 4, 'refund-resolved': 5, event: 6, staff: 7 };
  timeline.sort((x, y) => x.at.localeCompare(y.at) || rank[x.kind] - rank[y.kind]);

  const latest = attempts[attempts.length - 1];
  const payment: Story['payment'] =
    paid?.tid && money && (paid.status === 'paid' || paid.status === 'refunded')
      ? {
          provider: paid.provider,
          tid: paid.tid,
          order_no: paid.order_no,
          status: paid.status,
          pay_method: payMethodOf(paid),
          amount: money.amount,
          discount: money.discount,
          refunded_total: money.refunded,
          balance: paid.status === 'refunded' ? 0 : Math.max(0, money.amount - money.discount - money.refunded),
          approved_at: paid.approved_at,
          card_name: paid.card_name,
          card_no: paid.card_no ? maskCardNo(paid.card_no) : null,
          install_month: paid.install_month,
          bank_name: paid.bank_name,
          escrow: paid.escrow === 'Y',
        }
      : null;
  // The buyer as the latest attempt recorded them: every attempt since migration 008 records the buyer's name
  // (the order's buyer.name is required), so when any attempt of the order names them, the latest does.
  return {
    order_id: orderId,
    buyer: latest.buyer_name || latest.buyer_phone ? { name: latest.buyer_name, phone: formatPhone(latest.buyer_phone) } : null,
    payment,
    attempts: [...attempts].reverse().map((a) => ({
      order_no: a.order_no,
      provider: a.provider as ProviderName,
      status: a.status,
      amount: a.amount,
      pay_method: payMethodOf(a),
      tid: a.tid ?? a.claimed_tid,
      code: a.code,
      reason: a.reason,
      created_at: a.created_at,
      finished_at: a.finished_at,
    })),
    cancels: cancels.map((c) => ({
      id: c.id,
      tid: c.tid,
      status: c.status,
      staff_check: c.staff_check,
      source: c.source,
      kind: c.kind,
      requested_amount: c.requested_amount,
      amount: c.amount,
      taxfree_amount: c.taxfree_amount,
      reason: c.reason,
      pg_cancel_id: c.pg_cancel_id,
      pg_cancelled_at: c.pg_cancelled_at,
      code: c.code,
      pg_message: c.pg_message,
      requested_by: c.requested_by,
      settled_by: c.settled_by,
      settle_note: c.settle_note,
      requested_at: c.requested_at,
      settled_at: c.settled_at,
    })),
    refunds_due: dues,
    timeline,
  };
}
