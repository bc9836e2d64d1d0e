/**
 * reconcile(): settles what the server could not settle while the buyer waited. Run at start-up, on a timer
 * the shop chooses, and from `npx kpg-checkout-server reconcile`. Safe to run on several instances at once
 * (one at a time by an advisory lock; every transition is conditional anyway).
 *
 * 1. `processing` and `unknown` attempts: ask the PG (Shinhan payments/confirm-info, Smartro's receipt API by
 *    the claimed TID). An approval is recorded at once, even for an attempt another instance is still
 *    confirming (both record the same TID once). A `processing` attempt with no answer becomes `unknown`
 *    once stale (its instance died); a Shinhan attempt the PG knows nothing of is `failed` (not charged)
 *    once the 30-minute confirm window has passed, since no confirm can succeed any more.
 *    A virtual account whose issue was being verified is recorded as issued once the PG shows it.
 * 2. `awaiting_deposit` virtual accounts (issue 11): ask the PG (Smartro's receipt API by the account's TID,
 *    Shinhan payments/confirm-info). A deposit it shows is recorded (`deposit`, once); an account past its
 *    due day without one is closed (`expire`, vbank-expired) and the order can be paid again; one cancelled
 *    at the PG is closed (vbank-cancelled). Shinhan documents no deposit notification: this is how its
 *    deposits are learnt, so run reconcile on a timer (reconcileEveryMs) when Shinhan's selpay is offered.
 * 3. `pending` attempts older than attemptTtlMs expire (a browser's report becomes final; Smartro is asked
 *    first when it can be asked by Moid). A result that still arrives for an expired attempt is not
 *    confirmed (Shinhan) or is recorded as money owed (Smartro).
 * 4. Refusals and finished unpaid attempts older than retentionMs are deleted.
 * 5. Cancels (issue 22): every cancel `unknown` (or `requested` by an instance that died) is settled from the
 *    PG's records where they prove it (Shinhan confirm-info's tx_stat, Smartro's receipt API); a Shinhan partial
 *    cancel they cannot prove waits for staff. Then paid payments of the last `recheckPaidDays` are asked
 *    about cancels made elsewhere (the PG's admin site), `recheckBatch` per run, the least recently asked
 *    first: each one found is recorded (source 'pg'), and a payment given back whole becomes `refunded`.
 *
 * Every attempt of steps 1-3 is asked about in each run, in fair batches (issue 19, item 2): those not asked
 * since the run began, never-asked first, then the least recently asked (kpg_attempts.checked_at, migration
 * 003), not the oldest-created first: no set of attempts (a buyer's 500 parked virtual accounts) can keep
 * another from being asked. Each attempt is marked asked whatever came of it, so one that keeps failing
 * cannot hold the others back either.
 */
import type { Cancels } from './cancels.js';
import { errorText, type Logger } from './log.js';
import type { Payments } from './payments/index.js';
import { CONFIRM_WINDOW_MS } from './providers/shinhan.js';
import type { SmartroProvider } from './providers/smartro.js';
import type { PaymentProvider } from './providers/types.js';
import type { Status } from './state.js';
import type { Attempt, PaymentStore, ProviderName, RefundDue } from './store/types.js';

export interface ReconcileReport {
  /** false when another instance was reconciling (nothing was done here). */
  ran: boolean;
  /** Attempts that reached paid / failed / cancelled / pending / awaiting_deposit in this run, with what they became. */
  settled: Array<{ order_no: string; order_id: string; from: string; to: string }>;
  /** Still processing or unknown after asking: staff may need to look. `why`: what the PG (or asking it) said this run. */
  unsettled: Array<{ order_no: string; order_id: string; status: string; since: string; why?: string }>;
  expired: Array<{ order_no: string; order_id: string; to: string }>;
  pruned: { refusals: number; attempts: number; events: number };
  /** Money the PG took that the shop must give back (open entries). */
  refundsDue: RefundDue[];
  /** Issue 22: cancels settled now, still unknown (staff: waiting for staff), and found at the PG. */
  cancels: {
    settled: Array<{ cancel_id: number; order_id: string; status: string }>;
    unknown: Array<{ cancel_id: number; order_id: string; staff_check: boolean; since: string }>;
    found: Array<{ cancel_id: number; order_id: string; amount: number }>;
    /** What only staff can record (a Shinhan partial cancel of unknown amount). */
    attention: Array<{ order_id: string; message: string }>;
  };
}

export interface ReconcileDeps {
  store: PaymentStore;
  payments: Payments;
  providers: Partial<Record<ProviderName, PaymentProvider>>;
  log: Logger;
  now: () => Date;
  attemptTtlMs: number;
  staleProcessingMs: number;
  retentionMs: number;
  cancels: Cancels;
  recheckPaidDays?: number;
  recheckBatch?: number;
  /** Attempts read per batch (default 100); every batch is asked about before the next is read. */
  batchSize?: number;
}

/**
 * Every attempt in `statuses` not asked about since `runStart` nor yet in this run (`visited`), batch after
 * batch (least recently asked first), each marked asked once `visit` is done with it (also when it threw).
 */
async function eachToCheck(
  store: PaymentStore,
  statuses: readonly Status[],
  options: { runStart: string; createdBefore?: string; batchSize: number; now: () => string; visited: Set<string> },
  visit: (attempt: Attempt) => Promise<void>,
): Promise<number> {
  let seen = 0;
  for (;;) {
    const batch = await store.attemptsToCheck(statuses, { checkedBefore: options.runStart, createdBefore: options.createdBefore, except: [...options.visited], limit: options.batchSize });
    if (!batch.length) return seen;
    for (const attempt of batch) {
      options.visited.add(attempt.order_no);
      try {
        await visit(attempt);
      } finally {
        await store.markChecked([attempt.order_no], options.now());
      }
      seen++;
    }
  }
}

export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const { store, payments, providers, log } = deps;
  const run = await store.exclusive('kpg-checkout:reconcile', async () => {
    const report: ReconcileReport = { ran: true, settled: [], unsettled: [], expired: [], pruned: { refusals: 0, attempts: 0, events: 0 }, refundsDue: [], cancels: emptyCancels() };
    const now = deps.now().getTime();
    // The run's start: an attempt last asked at or before it is due; `visited` keeps each to one visit per run
    // (markChecked() writes this instant again on a clock that stands still), so the loop ends.
    const runStart = new Date(now).toISOString();
    const batching = { runStart, batchSize: deps.batchSize ?? 100, now: () => deps.now().toISOString(), visited: new Set<string>() };
    const note = (before: Attempt, after: Attempt) => {
      if (after.status !== before.status) report.settled.push({ order_no: after.order_no, order_id: after.order_id, from: before.status, to: after.status });
    };

    // 1. Outcomes not learnt yet.
    await eachToCheck(store, ['processing', 'unknown'], batching, async (attempt) => {
      const provider = providers[attempt.provider];
      if (!provider) return;
      const since = Date.parse(attempt.processing_since ?? attempt.updated_at);
      const stale = attempt.status === 'unknown' || now - since >= deps.staleProcessingMs;
      let after = attempt;
      let why: string | undefined;
      try {
        const s = await provider.lookup(attempt);
        // What the PG's answer says, for an attempt it leaves in doubt (report.unsettled[].why): no answer
        // (unknown), none yet (nothing), or a contradiction not applied while the attempt is not stale (refuted).
        if ('message' in s) why = s.message;
        if (s.kind === 'nothing') {
          if (attempt.provider === 'shinhan' && now - since >= CONFIRM_WINDOW_MS) {
            // The confirm token has expired: no confirm can take money any more, and none did.
            after = (await payments.move(attempt, 'decline', { code: 'not-charged', pg_message: s.message }, 'reconcile')) ?? attempt;
          } else if (attempt.status === 'processing' && stale) {
            after = (await payments.move(attempt, 'lose', {}, 'reconcile')) ?? attempt;
          }
        } else if (stale || s.kind === 'paid' || s.kind === 'wrong-amount' || s.kind === 'issued') {
          // Positive evidence settles at once; a refusal only once the attempt's own instance is gone; no answer
          // (unknown) settles nothing: once stale, apply() logs it and a processing attempt becomes unknown.
          after = await payments.apply(attempt, s, 'reconcile');
        }
      } catch (error) {
        why = errorText(error);
        log.write({ event: 'error', level: 'error', where: 'reconcile', order_no: attempt.order_no, message: why });
      }
      note(attempt, after);
      if (after.status === 'processing' || after.status === 'unknown') {
        report.unsettled.push({ order_no: after.order_no, order_id: after.order_id, status: after.status, since: after.processing_since ?? after.updated_at, ...(why ? { why } : {}) });
      }
    });

    // 2. Virtual accounts waiting for their money: a deposit the PG shows is recorded, one past due is closed.
    // (An account of a PG this server is not configured for is left as it is: checkAccount has nothing to ask.)
    const awaiting = await eachToCheck(store, ['awaiting_deposit'], batching, async (attempt) => {
      try {
        note(attempt, await payments.checkAccount(attempt, 'reconcile'));
      } catch (error) {
        log.write({ event: 'error', level: 'error', where: 'reconcile/vbank', order_no: attempt.order_no, message: errorText(error) });
      }
    });

    // 3. Pending attempts nobody finished.
    const cutoff = new Date(now - deps.attemptTtlMs).toISOString();
    await eachToCheck(store, ['pending'], { ...batching, createdBefore: cutoff }, async (attempt) => {
      const provider = providers[attempt.provider];
      // A PG this server is not configured for (the shop turned it off, or another instance serves it): its
      // attempt is left as it is, like its waiting accounts above; Smartro may have approved it, and nothing
      // here can ask.
      if (!provider) return;
      try {
        if (provider.approvesWithoutServer && (provider as SmartroProvider).receiptLookupByMoid) {
          const found = await payments.settleFromLookup(attempt, 'reconcile');
          if (found === 'settled') {
            const after = (await store.getAttempt(attempt.order_no)) ?? attempt;
            note(attempt, after);
            return;
          }
          if (found === 'unknown') return; // ask again next time
        }
        const moved =
          attempt.reported_status === 'failed'
            ? await payments.move(attempt, 'fail', { code: attempt.reported_code ?? 'pg-failed', reported_status: null }, 'reconcile/expire')
            : await payments.move(attempt, 'cancel', { reason: attempt.reported_status === 'cancelled' ? (attempt.reported_code ?? 'buyer-cancelled') : 'expired', reported_status: null }, 'reconcile/expire');
        if (moved) report.expired.push({ order_no: moved.order_no, order_id: moved.order_id, to: moved.status });
      } catch (error) {
        log.write({ event: 'error', level: 'error', where: 'reconcile/expire', order_no: attempt.order_no, message: errorText(error) });
      }
    });

    // 5. Cancels (issue 22): what is unknown, then cancels made at the PG.
    await reconcileCancels(deps, deps.cancels, report);

    // 4. Retention.
    report.pruned = await store.prune(new Date(now - deps.retentionMs).toISOString());
    report.refundsDue = await store.refundsDue();
    log.write({
      event: 'reconcile',
      settled: report.settled.length,
      awaiting_deposit: awaiting,
      unsettled: report.unsettled.length,
      expired: report.expired.length,
      pruned_refusals: report.pruned.refusals,
      pruned_attempts: report.pruned.attempts,
      pruned_events: report.pruned.events,
      refunds_due: report.refundsDue.length,
      cancels_settled: report.cancels.settled.length,
      cancels_unknown: report.cancels.unknown.length,
      cancels_found: report.cancels.found.length,
    });
    return report;
  });
  return run ?? { ran: false, settled: [], unsettled: [], expired: [], pruned: { refusals: 0, attempts: 0, events: 0 }, refundsDue: await store.refundsDue(), cancels: emptyCancels() };
}

const emptyCancels = (): ReconcileReport['cancels'] => ({ settled: [], unknown: [], found: [], attention: [] });

async function reconcileCancels(deps: ReconcileDeps, cancels: Cancels, report: ReconcileReport) {
  const { store, log } = deps;
  for (const c of await store.cancelsIn(['requested', 'unknown'])) {
    try {
      const after = await cancels.settleFromPg(c, 'reconcile/cancels');
      if (after.status === 'done' || after.status === 'failed') report.cancels.settled.push({ cancel_id: after.id, order_id: after.order_id, status: after.status });
      else report.cancels.unknown.push({ cancel_id: after.id, order_id: after.order_id, staff_check: after.staff_check, since: after.requested_at });
    } catch (error) {
      log.write({ event: 'error', level: 'error', where: 'reconcile/cancels', order_id: c.order_id, message: errorText(error) });
    }
  }
  const days = deps.recheckPaidDays ?? 30;
  if (days <= 0) return;
  const now = deps.now();
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  for (const attempt of await store.paidToRecheck(since, deps.recheckBatch ?? 50, now.toISOString())) {
    try {
      const { recorded, attention } = await cancels.recheck(attempt);
      for (const c of recorded) report.cancels.found.push({ cancel_id: c.id, order_id: c.order_id, amount: c.amount });
      if (attention) {
        report.cancels.attention.push({ order_id: attempt.order_id, message: attention });
        log.write({ event: 'cancel', level: 'error', what: 'attention', order_id: attempt.order_id, order_no: attempt.order_no, provider: attempt.provider, message: attention });
      }
    } catch (error) {
      log.write({ event: 'error', level: 'error', where: 'reconcile/recheck', order_id: attempt.order_id, message: errorText(error) });
    }
  }
}
