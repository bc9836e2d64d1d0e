/**
 * The ledger: every record the payment module writes goes through here, and is logged here and nowhere
 * else: transitions (one conditional statement, or one transaction with its event), payments (the TID
 * recorded once), refusals (counted per source) and money owed back (refund_due).
 */
import { requestContext } from '../limits.js';
import { TRANSITIONS, type PayTransition, type TransitionName } from '../state.js';
import type { Attempt, AttemptPatch, PaidDetails, PayResult } from '../store/types.js';
import type { PaymentsContext } from './context.js';
import { eventsOf, tells, transitionEvents } from './events.js';

/** One transition along state.ts's table (and its event, in the same transaction, when the shop hears of it). */
export async function move(ctx: PaymentsContext, attempt: Attempt, name: Exclude<TransitionName, PayTransition>, patch: AttemptPatch, why: string): Promise<Attempt | undefined> {
  const moved = await ctx.store.transition(attempt.order_no, name, patch, ctx.nowIso(), transitionEvents(name));
  if (moved && tells(name)) ctx.eventsWritten();
  ctx.log.write({
    event: 'transition',
    level: moved ? 'info' : 'warn',
    transition: name,
    order_no: attempt.order_no,
    order_id: attempt.order_id,
    provider: attempt.provider,
    from: attempt.status,
    to: moved ? moved.status : TRANSITIONS[name].to,
    moved: Boolean(moved),
    why,
    ...(patch.code ? { code: patch.code } : {}),
    // The PG's own words go to the log (redacted like every line), never to the buyer.
    ...(patch.pg_message ? { pg_message: patch.pg_message } : {}),
    ...(patch.reason ? { reason: patch.reason } : {}),
    ...(patch.reported_status ? { reported: patch.reported_status, reported_code: patch.reported_code } : {}),
  });
  return moved;
}

/**
 * `pay` (or `deposit`): the TID, the attempt to paid and its payment.paid event, in one transaction
 * (store.pay). Logged when it is new.
 */
export async function pay(ctx: PaymentsContext, attempt: Attempt, details: PaidDetails, transition: PayTransition, why: string): Promise<PayResult> {
  const paid = await ctx.store.pay(attempt.order_no, details, ctx.nowIso(), transition, transitionEvents(transition));
  if (paid.ok && !paid.already) {
    ctx.eventsWritten();
    ctx.log.write({ event: 'transition', transition, order_no: attempt.order_no, order_id: attempt.order_id, provider: attempt.provider, from: attempt.status, to: 'paid', moved: true, why, tid: details.tid });
  }
  return paid;
}

/**
 * A refusal: logged, and kept for the staff per source (issue 19, item 7): every refusal is counted per
 * hour, route, code and source (the caller's address key, "server" for reconcile, "unknown" when the
 * address is not known), and only the first few of each such count are kept as rows. A refusal also
 * counts against its source's limit on the PG-facing routes.
 */
export async function refuse(ctx: PaymentsContext, route: string, code: string, message: string, attempt?: { order_no: string; order_id?: string }, orderNo?: string) {
  const context = requestContext.getStore();
  const source = context ? (context.source ?? 'unknown') : 'server';
  const refusal = { at: ctx.nowIso(), route, order_no: attempt?.order_no ?? orderNo ?? null, order_id: attempt?.order_id ?? null, code, message: ctx.said(message, 500), source };
  context?.onRefusal?.();
  const { kept } = await ctx.store.recordRefusal(refusal);
  ctx.log.write({ event: 'refusal', level: 'warn', ...refusal, ...(kept ? {} : { kept: false }) });
}

/** Money the PG took that the shop must give back (refund_due), with its refund.due event. */
export async function owe(ctx: PaymentsContext, attempt: Attempt, details: PaidDetails, amount: number, reason: string) {
  const recorded = await ctx.store.recordRefundDue(
    { provider: attempt.provider, tid: details.tid, merchant_id: attempt.merchant_id, order_no: attempt.order_no, order_id: attempt.order_id, amount, reason },
    ctx.nowIso(),
    eventsOf('refund.due', { refund: { tid: details.tid, amount, reason } }),
  );
  if (recorded) ctx.eventsWritten();
  ctx.log.write({ event: 'refund-due', level: 'error', order_no: attempt.order_no, order_id: attempt.order_id, provider: attempt.provider, tid: details.tid, amount, reason, new: recorded });
  return recorded;
}

/** The attempt as it is now (after a transition that did not move it: another copy got there first). */
export async function reread(ctx: PaymentsContext, attempt: Attempt): Promise<Attempt> {
  return (await ctx.store.getAttempt(attempt.order_no)) ?? attempt;
}
