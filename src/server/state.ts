/**
 * The attempt state machine, in one table. Every change of an attempt's status goes through
 * `PaymentStore.transition(order_no, name, ...)`, which runs it as ONE conditional statement
 * (`UPDATE ... WHERE order_no = $1 AND status = ANY($from) RETURNING ...`): of racing copies of one PG
 * result, exactly one moves the attempt, the others see that it moved.
 *
 *   pending ──claim──> processing ──pay──> paid
 *      │                   │  └──decline──> failed
 *      │                   └──lose──> unknown ──pay / decline──> paid / failed
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
 * Issue 11 (virtual accounts) adds a status `awaiting_deposit` here and in a migration; nothing else lists
 * the statuses.
 */

export const STATUSES = ['pending', 'processing', 'unknown', 'paid', 'failed', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

/** An attempt in one of these may still take money (or is being verified): at most one per order. */
export const OPEN_STATUSES: readonly Status[] = ['pending', 'processing', 'unknown'];

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
} as const satisfies Record<string, { from: readonly Status[]; to: Status }>;

export type TransitionName = keyof typeof TRANSITIONS;

export function isOpen(status: Status): boolean {
  return OPEN_STATUSES.includes(status);
}

/** The status result-url answers: a pending attempt shows what a browser reported about it. */
export function visibleStatus(attempt: { status: Status; reported_status?: ReportedStatus | null }): Status {
  return attempt.status === 'pending' && attempt.reported_status ? attempt.reported_status : attempt.status;
}
