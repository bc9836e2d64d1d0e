/**
 * The attempt state machine, in one table. Every change of an attempt's status goes through
 * `PaymentStore.transition(order_no, name, ...)`, which runs it as ONE conditional statement
 * (`UPDATE ... WHERE order_no = $1 AND status = ANY($from) RETURNING ...`): of racing copies of one PG
 * result, exactly one moves the attempt, the others see that it moved.
 *
 *   pending ──claim──> processing ──pay──> paid
 *      │                   │  └──decline──> failed
 *      │                   ├──lose──> unknown ──pay / decline──> paid / failed
 *      │                   └──issue──> awaiting_deposit ──deposit──> paid       (virtual accounts, issue 11)
 *      │                      (unknown ──issue──┘)       └──expire──> cancelled
 *      ├──fail──> failed        (the PG refused to start it, or signed a decline)
 *      └──cancel──> cancelled   (superseded by a newer attempt, expired, Shinhan window closed)
 *
 * `report` / `close` keep `pending` and only note what a browser said (a cancel or fail URL, an unsigned
 * decline, a closed window): a browser's word never ends an attempt for good, so a verified approval that
 * follows it still counts (issue 10, fault 6). `result-url` shows a reported outcome as the status.
 *
 * The one edge back: `refute`. An approval that arrived signed but that the PG's own records contradict
 * (a genuine approval of another order replayed onto this one) returns the attempt to `pending`: nothing
 * was recorded from it, and the attempt can still be paid for real.
 *
 * Virtual accounts (가상계좌, issue 11; migration 002 adds the status and its columns): the PG issued an
 * account and the money is not there yet. `awaiting_deposit` is OPEN (the order takes no new attempt while
 * the account can still receive the money). `deposit` goes straight from `awaiting_deposit` to `paid` in one
 * transaction, like `pay` (store.pay): checking a deposit only READS the PG's records (Smartro's receipt API,
 * Shinhan's confirm-info), nothing we do moves money, so there is nothing a `processing` claim would guard;
 * racing deposit notices each check, and the TID's primary key with the conditional UPDATE records exactly
 * one of them; an instance that dies while checking leaves the attempt `awaiting_deposit`, which reconcile()
 * asks about again. `expire` closes an account without a valid deposit (past its due date: vbank-expired;
 * cancelled at the PG: vbank-cancelled; a deposit of another amount, owed back: amount-mismatch).
 *
 * Cancels (결제취소, issue 22; migration 005): `refund` moves a paid attempt to `refunded` once the cancels
 * ledger (kpg_cancels) shows its whole amount given back, in the same transaction as the cancel that completed
 * it (store.settleCancel / recordPgCancel), never through store.transition. A partial cancel keeps `paid`.
 */

export const STATUSES = ['pending', 'processing', 'unknown', 'paid', 'failed', 'cancelled', 'awaiting_deposit', 'refunded'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * An attempt in one of these may still take money (or is being verified): at most one per order. The
 * migrations keep kpg_attempt_statuses.open and the one-open-attempt index equal to this list (tested).
 */
export const OPEN_STATUSES: readonly Status[] = ['pending', 'processing', 'unknown', 'awaiting_deposit'];

/** What a browser may report about a pending attempt (shown by result-url, never final by itself). */
export type ReportedStatus = 'failed' | 'cancelled';

export const TRANSITIONS = {
  /** The PG's result arrived; the server is verifying it (confirm in flight, receipt API call). */
  claim: { from: ['pending'], to: 'processing' },
  /** Verified: the money moved, once. */
  pay: { from: ['processing', 'unknown'], to: 'paid' },
  /** The PG said no while the server verified (confirm refused, the approval cancelled). */
  decline: { from: ['processing', 'unknown'], to: 'failed' },
  /** The server could not learn the outcome (timeout, 5xx, network): reconcile() settles it. */
  lose: { from: ['processing'], to: 'unknown' },
  /** The PG's own records contradict the result that arrived: back to pending, nothing recorded. */
  refute: { from: ['processing', 'unknown'], to: 'pending' },
  /** The PG refused to start the attempt, or signed a decline. */
  fail: { from: ['pending'], to: 'failed' },
  /** Superseded by a newer attempt, expired, or a Shinhan window the buyer closed. */
  cancel: { from: ['pending'], to: 'cancelled' },
  /** A browser-sent outcome (cancel_url, fail_url, StopURL, an unsigned decline): noted, not final. */
  report: { from: ['pending'], to: 'pending' },
  /** The widget saw the buyer close the PG window. */
  close: { from: ['pending'], to: 'pending' },
  /** A virtual account was issued (and checked with the PG): the buyer deposits later. */
  issue: { from: ['processing', 'unknown'], to: 'awaiting_deposit' },
  /** The deposit arrived, verified with the PG: the money moved, once (store.pay, like `pay`). */
  deposit: { from: ['awaiting_deposit'], to: 'paid' },
  /** The account closed without a valid deposit (past due, cancelled at the PG, another amount). */
  expire: { from: ['awaiting_deposit'], to: 'cancelled' },
  /** The whole amount was given back (the cancels ledger, in the cancel's own transaction). */
  refund: { from: ['paid'], to: 'refunded' },
} as const satisfies Record<string, { from: readonly Status[]; to: Status }>;

export type TransitionName = keyof typeof TRANSITIONS;

/** The transitions that record money: one transaction each (store.pay), never a bare UPDATE. */
export type PayTransition = 'pay' | 'deposit';
export const PAY_TRANSITIONS: readonly PayTransition[] = ['pay', 'deposit'];

/** The transitions the cancels ledger makes (store.settleCancel / recordPgCancel), never store.transition. */
export type LedgerTransition = 'refund';
export const LEDGER_TRANSITIONS: readonly LedgerTransition[] = ['refund'];

/** The status result-url answers: a pending attempt shows what a browser reported about it. */
export function visibleStatus(attempt: { status: Status; reported_status?: ReportedStatus | null }): Status {
  return attempt.status === 'pending' && attempt.reported_status ? attempt.reported_status : attempt.status;
}
