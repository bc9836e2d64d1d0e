/**
 * What the shop is told (issue 21): the event types, the event every receiver gets (`onEvent`, a webhook's
 * `verifyWebhook`), and the delivery records staff tools read. One list of types, checked against the
 * migration's CHECK by a test.
 *
 * An event is written in the SAME transaction as the transition that causes it (store.transition / pay /
 * recordRefundDue take a callback that turns the moved row into its events): a crash never records a payment
 * without its event, or an event without its payment. Which transition is told as which type is the table
 * below; `claim`, `lose`, `refute`, `report` and `close` are the server's own business and tell nothing.
 * `payment.refunded` is not a transition's: every cancel recorded `done` tells it once, in the transaction that
 * records it done (store/cancels.ts, settleCancel / recordPgCancel), whether or not the payment moved to
 * `refunded` (a partial cancel keeps it `paid`).
 */
import type { Status, TransitionName } from '../state.js';
import type { ProviderName } from '../store/types.js';

export const EVENT_TYPES = [
  'payment.paid',
  'payment.failed',
  'payment.cancelled',
  'vbank.issued',
  'vbank.expired',
  'refund.due',
  // Issue 22: money given back, in full or in part: one event per cancel recorded done.
  'payment.refunded',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The transitions the shop hears about, and as what. */
export const TRANSITION_EVENTS: Partial<Record<TransitionName, EventType>> = {
  pay: 'payment.paid',
  deposit: 'payment.paid',
  decline: 'payment.failed',
  fail: 'payment.failed',
  cancel: 'payment.cancelled',
  issue: 'vbank.issued',
  expire: 'vbank.expired',
};

/** An issued virtual account, as result-url shows it. */
export interface VbankView {
  bank_name: string | null;
  /** Where the PG tells the shop (Smartro); Shinhan does not. */
  account_no?: string;
  holder: string | null;
  amount: number;
  /** The last day a deposit is taken, YYYY-MM-DD, Korea time. */
  due_date: string | null;
}

/**
 * An attempt as `GET result-url` answers it, and as `kpg.payment(order_id)` and every event's `data` carry it:
 * the visible status and only what the buyer may see (a masked card number, no nonce, no key).
 */
export interface PaymentView {
  status: Status;
  order_no: string;
  order_id: string;
  provider: ProviderName;
  amount: number;
  product_name: string;
  pay_method?: 'card' | 'vbank' | 'bank' | 'phone';
  /** paid: the PG's transaction id; awaiting_deposit: the account's transaction. */
  tid?: string | null;
  approved_at?: string;
  card_cpny_cd?: string;
  card_name?: string;
  /** Masked: at most the first 6 and last 4 digits. */
  card_no?: string;
  install_month?: string;
  bank_name?: string;
  vbank?: VbankView;
  /** failed: a kebab-case code or the PG's code, and the fixed text the buyer sees for it. */
  code?: string;
  message?: string;
  /** failed: the PG's own words, for developers. */
  pg_message?: string;
  /** cancelled: buyer-cancelled, popup-closed, superseded, expired, vbank-expired, vbank-cancelled, amount-mismatch, cancelled-by-shop. */
  reason?: string;
  /** Issue 25: Shinhan's escr_yn on return_url ("Y": the buyer chose escrow in the PG's window); absent when not sent. */
  escrow?: boolean;
  /** Issue 25: the PG terms the buyer agreed to before this attempt (recorded with it); absent when none was asked. */
  terms_agreed?: number[];
  /**
   * Issue 22, on `refunded`, and on `paid` once a cancel is done: what was given back (every cancel done) and
   * what is left of what the buyer paid (0 when `refunded`). Absent on a paid payment nothing was given back of.
   */
  refunded_total?: number;
  balance?: number;
}

/** payment.refunded: the cancel that was recorded done. */
export interface RefundedCancel {
  /** The ledger row (kpg.cancels(order_id), the staff routes). */
  id: number;
  /** The PG transaction given back: the payment's tid, or (source 'due') a refund.due entry's own. */
  tid: string;
  /** What this cancel gave back (what the PG answered), its tax-free part, its VAT where it was sent. */
  amount: number;
  taxfree_amount: number;
  vat_amount: number | null;
  kind: 'full' | 'partial';
  /** api: kpg.cancel / the staff route / the CLI; pg: made elsewhere (the PG's admin site, kpg.recordCancel); due: kpg.cancelDue. */
  source: 'api' | 'pg' | 'due';
  reason: string;
  /** The PG's cancel id (Shinhan cid, Smartro CancelNum) and time, where it gave them. */
  pg_cancel_id: string | null;
  pg_cancelled_at: string | null;
}

/** What an event's `data` holds: the attempt's view, plus what its type adds. */
export interface EventData extends PaymentView {
  /** refund.due: the PG transaction to give back (its own TID, not the attempt's), how much, and why. */
  refund?: { tid: string; amount: number; reason: string };
  /** payment.refunded: the cancel (the view above is the payment after it). */
  cancel?: RefundedCancel;
}

/** What `onEvent` receives and `verifyWebhook` returns. Receivers dedupe by `id`. */
export interface KpgEvent<T extends EventType = EventType> {
  /** `evt_` + 24 characters, stable: the same event delivered again has the same id (the idempotency key). */
  id: string;
  type: T;
  /** When the transition was recorded (ISO 8601). */
  created_at: string;
  order_id: string;
  order_no: string;
  provider: ProviderName;
  data: EventData;
}

/** What a transition's callback returns: the store adds the id, the time and the sequence number. */
export interface NewEvent {
  type: EventType;
  order_id: string;
  order_no: string;
  provider: ProviderName;
  data: EventData;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead'];

/** One event's delivery to one target: `handler` (onEvent) or a webhook (`wh_` + 16 hex of its URL). */
export interface Delivery {
  target: string;
  /** The webhook's URL (never its secret); null for the handler. */
  url: string | null;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending). */
  next_at: string;
  last_error: string | null;
  delivered_at: string | null;
}

/** An event with its deliveries (kpg.events(), the CLI). */
export interface EventRecord extends KpgEvent {
  seq: number;
  deliveries: Delivery[];
}

/** A delivery claimed by one relay: the event and the attempt number this is. */
export interface ClaimedDelivery {
  event: KpgEvent;
  target: string;
  attempts: number;
  /** Since when it has been queued (created, or re-queued by staff): retries stop `retryForMs` after it. */
  queued_at: string;
}

export type DeliveryOutcome =
  | { status: 'delivered' }
  /** Failed, tried again at `next_at`. `keepLease`: the handler is still running (timed out): nobody else takes it meanwhile. */
  | { status: 'pending'; next_at: string; error: string; keepLease?: boolean }
  | { status: 'dead'; error: string };
