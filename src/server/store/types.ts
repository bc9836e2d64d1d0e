/**
 * The one storage interface of kpg-checkout/server. One implementation (sql-store.ts) over a tiny query
 * interface (`SqlClient`), two engines: PGlite (embedded, file-backed, the default) and PostgreSQL through
 * `pg` (several server instances). Every invariant is a database constraint, never an in-process lock:
 *
 * - at most one paid attempt per order            (partial unique index)
 * - at most one open attempt per order            (partial unique index over the open statuses)
 * - a PG transaction id is recorded once          (primary key of kpg_transactions, unique attempts.tid)
 * - a Smartro TID is 30 letters/digits and begins with the MID   (CHECK)
 * - statuses only move along state.ts's table     (conditional UPDATE ... WHERE status = ANY(...))
 * - an account awaiting its deposit names its TID, bank, holder and due date, and that TID waits on one
 *   attempt only                                  (CHECK, partial unique index)
 * - a transition the shop hears about and its event are one transaction (issue 21: the outbox)
 * - cancels never give back more than the buyer paid, one in flight per payment, one key per cancel, settled
 *   cancels final                                 (CHECK kept by a trigger, partial unique index, UNIQUE, trigger)
 */
import type { ClaimedDelivery, DeliveryOutcome, DeliveryStatus, EventRecord, NewEvent } from '../events/types.js';
import type { PayTransition, ReportedStatus, Status, TransitionName } from '../state.js';
import type { CancelStore } from './cancels.js';
import type { StaffStore } from './staff-sql.js';

export type ProviderName = 'shinhan' | 'smartro';

/** One trip to the PG for an order. Its own PG order number (`order_no`), because the PG refuses to reuse one. */
export interface Attempt {
  order_no: string;
  order_id: string;
  provider: ProviderName;
  /** Shinhan client_id / Smartro MID the attempt was made with. */
  merchant_id: string;
  status: Status;
  /** What the PG was asked for, from the shop's order when the attempt started (never from the browser). */
  amount: number;
  product_name: string;
  /** The buyer's member id at the shop (Shinhan's hashes use it). */
  user_id: string;
  device_type: 1 | 2;
  pgcode: string | null;
  pay_method: string | null;
  /** Mobile: the page to send the buyer back to (on the shop's origin). */
  return_to: string | null;
  app_scheme: string | null;
  /** Unguessable, single use; the PG hands it back (Shinhan custom_parameter). Never leaves the server otherwise. */
  nonce: string;
  created_at: string;
  updated_at: string;
  processing_since: string | null;
  finished_at: string | null;
  window_closed_at: string | null;
  /** What a browser reported (pending only): result-url shows it; a verified approval still wins. */
  reported_status: ReportedStatus | null;
  reported_code: string | null;
  reported_at: string | null;
  /**
   * The TID of a result being verified (processing / unknown: a signed Smartro approval, a virtual account's
   * issue), and of the virtual account awaiting its deposit (awaiting_deposit).
   */
  claimed_tid: string | null;
  tid: string | null;
  approved_at: string | null;
  card_cpny_cd: string | null;
  card_name: string | null;
  card_no: string | null;
  install_month: string | null;
  card_aprv_no: string | null;
  /** Bank transfer and virtual account: the bank (code as the PG sends it, name). */
  bank_code: string | null;
  bank_name: string | null;
  /** Virtual account: its number where the PG tells the shop (Shinhan does not), holder, last day to deposit (YYYY-MM-DD, Korea time). */
  vbank_account_no: string | null;
  vbank_holder: string | null;
  vbank_due_date: string | null;
  /** failed: why (a kebab-case code or the PG's code). */
  code: string | null;
  /** failed: the PG's own words (for developers and logs; never shown to the buyer). */
  pg_message: string | null;
  /** cancelled: why ("superseded", "expired", "popup-closed", ...). */
  reason: string | null;
  /** cancelled as superseded: the attempt that replaced it. */
  superseded_by: string | null;
  /** When reconcile() last asked the PG about it (migration 003); null: never. */
  checked_at?: string | null;
  /** The buyer as loadOrder named them when the attempt started (migration 008, staff search); phone: digits only. */
  buyer_name?: string | null;
  buyer_phone?: string | null;
  /** Issue 25 (migration 007): the buyer's consent to the PG's terms, recorded with the attempt; null: none asked. */
  consent: Consent | null;
  /** Issue 25: Shinhan's escr_yn as return_url carried it (the buyer's browser: informational); null: absent. */
  escrow: 'Y' | 'N' | null;
}

/**
 * What the buyer agreed to before this attempt (issue 25): when, the hash of the whole list as GET {base}/terms
 * showed it, and each terms' number, name and the sha256 of its HTML (terms_ctnt, UTF-8, hex).
 */
export interface Consent {
  agreed_at: string;
  terms_hash: string;
  terms: Array<{ terms_no: number; terms_nm: string; sha256: string }>;
}

export type NewAttempt = Pick<
  Attempt,
  | 'order_no'
  | 'order_id'
  | 'provider'
  | 'merchant_id'
  | 'amount'
  | 'product_name'
  | 'user_id'
  | 'device_type'
  | 'pgcode'
  | 'pay_method'
  | 'return_to'
  | 'app_scheme'
  | 'nonce'
> &
  Partial<Pick<Attempt, 'buyer_name' | 'buyer_phone'>> & { consent?: Consent | null };

/** Columns a transition may set beside the status. */
export type AttemptPatch = Partial<
  Pick<
    Attempt,
    | 'window_closed_at'
    | 'reported_status'
    | 'reported_code'
    | 'reported_at'
    | 'claimed_tid'
    | 'code'
    | 'pg_message'
    | 'reason'
    | 'superseded_by'
    | 'pay_method'
    | 'bank_code'
    | 'bank_name'
    | 'vbank_account_no'
    | 'vbank_holder'
    | 'vbank_due_date'
    | 'escrow'
  >
>;

/** What the PG said about an issued virtual account (the columns `issue` sets). */
export type VbankAccount = Pick<Attempt, 'bank_code' | 'bank_name' | 'vbank_account_no' | 'vbank_holder' | 'vbank_due_date'>;

/** What a verified approval records. */
export interface PaidDetails {
  tid: string;
  approved_at?: string | null;
  card_cpny_cd?: string | null;
  card_name?: string | null;
  card_no?: string | null;
  install_month?: string | null;
  card_aprv_no?: string | null;
  /** Bank transfer / virtual account: the bank (kept when not given). */
  bank_code?: string | null;
  bank_name?: string | null;
  /** Shinhan's discount_amount: a card company's promotion; the buyer paid amount - discount (issue 22). */
  discount_amount?: number;
}

/** A PG transaction that took money the shop must give back (a superseded or duplicate attempt, a wrong amount). */
export interface RefundDue {
  provider: ProviderName;
  tid: string;
  merchant_id: string;
  order_no: string;
  order_id: string;
  amount: number;
  reason: string;
  recorded_at: string;
  resolved_at: string | null;
  resolution: string | null;
}

export interface Refusal {
  at: string;
  route: string;
  order_no: string | null;
  order_id: string | null;
  code: string;
  message: string;
  /** Who sent it: the client's address key (IPv6 by /64), "unknown" (no address), "server" (reconcile). */
  source?: string | null;
}

/** Refusals counted per hour, route, code and source (migration 003). */
export interface RefusalCount {
  bucket: string;
  route: string;
  code: string;
  source: string;
  count: number;
}

/** How many refusals of one (hour, route, code, source) are kept as rows; the rest are only counted. */
export const REFUSAL_SAMPLES = 20;

export type PayResult =
  | { ok: true; attempt: Attempt; already: boolean }
  /** not-in-state: the attempt was not in a state `pay` starts from; tid-taken: another record has the TID. */
  | { ok: false; reason: 'not-in-state' | 'tid-taken'; attempt?: Attempt };

/** The outbox's side of the store (issue 21; store/events-sql.ts). */
export interface EventStore {
  /**
   * This instance's targets become active (a webhook's URL recorded, never its secret); every other target
   * inactive: events written from now on are queued for exactly these. Deliveries already queued stay.
   */
  registerTargets(targets: ReadonlyArray<{ target: string; url: string | null }>, now: string): Promise<void>;
  /**
   * Up to `limit` due deliveries for `targets`, leased to `owner` until `leaseUntil`, in sequence order: due
   * (`next_at <= now`), not leased by anyone (or the lease has passed), and no earlier delivery of the same
   * order to the same target still pending. Locked rows are skipped (another instance is claiming them).
   */
  claimDeliveries(args: { owner: string; targets: readonly string[]; now: string; leaseUntil: string; limit: number }): Promise<ClaimedDelivery[]>;
  /** Records one attempt's outcome, if `owner` still holds the delivery; false when it does not any more. */
  finishDelivery(args: { eventId: string; target: string; owner: string; now: string; outcome: DeliveryOutcome }): Promise<boolean>;
  /** A timed-out handler finally returned: its delivery may be taken again (at its next_at). */
  releaseLease(eventId: string, target: string, owner: string): Promise<void>;
  /** Events with their deliveries, newest first: of one order, one event, or those with a delivery in `status`. */
  events(options?: { orderId?: string; eventId?: string; status?: DeliveryStatus; limit?: number }): Promise<EventRecord[]>;
  /** Re-queues one event's undelivered deliveries, or every dead one: due now, a fresh three days. Returns how many. */
  retryDeliveries(which: { eventId: string } | { dead: true }, now: string): Promise<number>;
}

/**
 * The events a transition writes, from the row it produced, inside its transaction (issue 21): the store
 * inserts them (and their deliveries) before COMMIT. Called only when the row moved.
 */
export type EventsOf = (row: Attempt) => readonly NewEvent[];

/** The attempts, their PG transactions, refusals, the outbox (issue 21), the cancellations ledger (issue 22) and the staff console's reads and audit (issue 23). */
export interface PaymentStore extends EventStore, CancelStore, StaffStore {
  readonly engine: 'pglite' | 'postgres';
  /** Creates or upgrades the tables; safe when several instances start at once (advisory lock). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getAttempt(orderNo: string): Promise<Attempt | undefined>;
  /** The attempt that recorded a PG transaction id (an index, never a scan). */
  findByTid(provider: ProviderName, tid: string): Promise<Attempt | undefined>;
  /** The order's paid attempt, else its latest one (kpg.payment()). */
  latestAttempt(orderId: string): Promise<Attempt | undefined>;
  /** The order's paid (or refunded) attempt and its open one (at most one each, by the constraints). */
  orderState(orderId: string): Promise<{ paid?: Attempt; open?: Attempt }>;
  /**
   * Inserts a pending attempt (a session's one statement, issue 26); `undefined` when the order has an attempt
   * open or that took its money (paid, refunded): one index says no (migration 009), so a session reads
   * orderState only when nothing was inserted.
   */
  insertAttempt(attempt: NewAttempt, now: string): Promise<Attempt | undefined>;
  /**
   * One conditional UPDATE along state.ts's table: the attempt moves if its status is one `name` starts
   * from, and the new row comes back; `undefined` when it was not (another copy got there first).
   */
  transition(orderNo: string, name: Exclude<TransitionName, PayTransition>, patch: AttemptPatch, now: string, events?: EventsOf): Promise<Attempt | undefined>;
  /**
   * `pay` (or `deposit`, from awaiting_deposit) in one transaction: the TID into kpg_transactions (primary
   * key: recorded once) and the attempt to paid (unique index: one paid attempt per order). The same TID
   * recorded again for the same attempt is `already: true`.
   */
  pay(orderNo: string, details: PaidDetails, now: string, transition?: PayTransition, events?: EventsOf): Promise<PayResult>;
  /**
   * Records money to give back; false when that TID is already recorded (as paid or owed). `events` gets the
   * attempt the money came with (as it is in that transaction).
   */
  recordRefundDue(refund: Omit<RefundDue, 'recorded_at' | 'resolved_at' | 'resolution'>, now: string, events?: EventsOf): Promise<boolean>;
  refundsDue(options?: { includeResolved?: boolean }): Promise<RefundDue[]>;
  /** Staff gave the money back (or decided otherwise): note it; true when it was open. */
  resolveRefund(provider: ProviderName, tid: string, resolution: string, now: string): Promise<boolean>;

  /**
   * Counts the refusal (per hour, route, code, source) and keeps it as a row while that count is at most
   * REFUSAL_SAMPLES; `kept` says whether it was.
   */
  recordRefusal(refusal: Refusal): Promise<{ kept: boolean; count: number }>;
  refusals(options?: { orderNo?: string; limit?: number }): Promise<Refusal[]>;
  /** The refusal counts, newest hour first (`since`: from that hour on). */
  refusalCounts(options?: { since?: string; limit?: number }): Promise<RefusalCount[]>;

  /** At most `limit` attempts in these statuses, oldest first (for tests and tools: the server's own work uses attemptsToCheck). */
  attemptsIn(statuses: readonly Status[], options: { limit: number }): Promise<Attempt[]>;
  /**
   * reconcile()'s fair batches (issue 19, item 2): attempts in these statuses last checked at or before
   * `checkedBefore` (never checked first, then the least recently checked, then the oldest), leaving out
   * `except` (those this run has asked about already), at most `limit`.
   */
  attemptsToCheck(statuses: readonly Status[], options: { checkedBefore: string; createdBefore?: string; except?: readonly string[]; limit: number }): Promise<Attempt[]>;
  /** Notes that reconcile() asked the PG about these attempts at `now`. */
  markChecked(orderNos: readonly string[], now: string): Promise<void>;
  /**
   * Deletes refusals recorded before `before`, finished unpaid attempts older than it, and events older than
   * it with no delivery pending. Returns counts.
   */
  prune(before: string): Promise<{ refusals: number; attempts: number; events: number }>;
  /** Runs `fn` only if no other instance holds the lock `name` (PostgreSQL advisory lock); else undefined. */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
}
