/**
 * Smartro's results: the same signed form at ReturnURL (the buyer's browser) and RetryURL (Smartro's
 * server, repeated until it reads OK), and the virtual account's issue (4100) and deposit (4110) notices.
 * A signed approval is believed once Smartro's receipt API confirms it for this Moid and amount; one for an
 * attempt that is over is money owed back, never dropped.
 */
import type { SmartroClaim } from '../providers/smartro.js';
import type { SmartroResult } from '../schemas.js';
import type { Attempt } from '../store/types.js';
import { reportedFailCode } from '../texts.js';
import type { Outcome, PaymentsContext } from './context.js';
import { move, owe, refuse, reread } from './ledger.js';
import { apply, definedOnly, waitWhileProcessing } from './settlement.js';

export async function smartroResult(ctx: PaymentsContext, route: string, form: SmartroResult, options: { waitForOthers: boolean }): Promise<{ attempt?: Attempt; outcome: Outcome }> {
  const named = form.OID ?? form.Moid;
  if (!named || (form.OID && form.Moid && form.OID !== form.Moid)) {
    await refuse(ctx, route, 'bad-return', 'The result form names no attempt, or two.', undefined, named);
    return { outcome: { recorded: false, code: 'bad-return' } };
  }
  const attempt = await ctx.store.getAttempt(named);
  if (!attempt || attempt.provider !== 'smartro') {
    await refuse(ctx, route, 'unknown-order', 'No Smartro attempt with this Moid.', undefined, named);
    return { outcome: { recorded: false, code: 'unknown-order' } };
  }
  const claim: SmartroClaim = ctx.smartro!.judge(form, attempt);
  switch (claim.kind) {
    case 'refused':
      await refuse(ctx, route, claim.code, claim.message, attempt);
      return { attempt, outcome: { recorded: false, code: claim.code } };
    case 'cancelled':
    case 'declined': {
      const code = claim.kind === 'cancelled' ? 'buyer-cancelled' : claim.code;
      let moved: Attempt | undefined;
      if (claim.signed) {
        // Signed by Smartro: final.
        moved =
          claim.kind === 'cancelled'
            ? await move(ctx, attempt, 'cancel', { reason: 'buyer-cancelled' }, route)
            : await move(ctx, attempt, 'fail', { code, pg_message: claim.pgMessage }, route);
      } else {
        // Unsigned: a browser's word, and its code one from the fixed list (issue 19, item 12).
        const reported = claim.kind === 'cancelled' ? code : reportedFailCode(code);
        moved = await move(ctx, attempt, 'report', { reported_status: claim.kind === 'cancelled' ? 'cancelled' : 'failed', reported_code: reported, reported_at: ctx.nowIso() }, route);
        if (claim.kind === 'declined') ctx.log.write({ event: 'refusal', level: 'info', route, order_no: attempt.order_no, code: 'browser-text', message: ctx.said(`ResultCode ${claim.code}: ${claim.pgMessage}`) });
      }
      if (!moved) await refuse(ctx, route, 'stale-result', `A ${claim.kind} result (${form.ResultCode}) for an attempt that is already ${attempt.status}; ignored.`, attempt);
      return { attempt: moved ?? attempt, outcome: { recorded: true } };
    }
    case 'approved':
    case 'issued':
    case 'deposited':
      return settleApproval(ctx, route, attempt, claim, options.waitForOthers, 0);
  }
}

type SignedClaim = Extract<SmartroClaim, { kind: 'approved' | 'issued' | 'deposited' }>;

/**
 * A signed approval, a virtual account's issue (4100) or its deposit (4110): believed once Smartro's receipt
 * API confirms it for this Moid and amount (and, for an account, shows the deposit). Racing copies of one
 * result record one transition; a deposit notice for an account already paid with its TID is answered
 * OK again (recorded once).
 */
async function settleApproval(ctx: PaymentsContext, route: string, attempt: Attempt, claim: SignedClaim, wait: boolean, depth: number): Promise<{ attempt: Attempt; outcome: Outcome }> {
  const smartro = ctx.smartro!;
  // Refunded is paid and then given back: the same approval again (Smartro repeats RetryURL until it reads
  // OK) is known, another TID is a second payment, owed back like one for a paid attempt.
  if (attempt.status === 'paid' || attempt.status === 'refunded') {
    if (attempt.tid === claim.tid) {
      // The same approval (or deposit) again; a copy whose unsigned Amt contradicts the verified record was
      // edited on the way: refused, nothing changes.
      if (claim.amt !== undefined && claim.amt !== attempt.amount) {
        await refuse(ctx, route, 'amount-mismatch', `A copy of the recorded TID ${claim.tid} says ${claim.amt} KRW; ${attempt.amount} KRW was verified and recorded.`, attempt);
        return { attempt, outcome: { recorded: false, code: 'amount-mismatch' } };
      }
      return { attempt, outcome: { recorded: true } };
    }
    return settleEnded(ctx, route, attempt, claim, 'second-approval');
  }
  if (attempt.status === 'cancelled' || attempt.status === 'failed') return settleEnded(ctx, route, attempt, claim, attempt.reason === 'superseded' ? 'superseded' : 'attempt-ended');

  let claimed: Attempt | undefined;
  if (attempt.status === 'awaiting_deposit') {
    if (claim.tid !== attempt.claimed_tid) {
      await refuse(ctx, route, 'vbank-mismatch', `A ${claim.kind} result with TID ${claim.tid} for an attempt whose account is ${attempt.claimed_tid}: not recorded.`, attempt);
      return { attempt, outcome: { recorded: false, code: 'vbank-mismatch' } };
    }
    if (claim.kind === 'issued') return { attempt, outcome: { recorded: true } }; // the issue again
    claimed = attempt; // a deposit notice: Smartro's records decide
  } else if (attempt.status === 'pending') {
    const account = claim.kind === 'approved' ? {} : definedOnly(claim.account);
    claimed = await move(ctx, attempt, 'claim', { claimed_tid: claim.tid, ...account }, route);
  } else if (attempt.status === 'unknown') {
    // (An unknown Smartro attempt holds the TID it was claimed with: every claim names one, `lose` keeps it.)
    if (attempt.claimed_tid !== claim.tid) {
      // Issue 19, item 3: another TID for an attempt whose claimed TID the PG may have charged. That TID is
      // settled FIRST (never discarded); the other is then judged against whatever the attempt became.
      const first = await apply(ctx, attempt, await smartro.lookup(attempt), route);
      if (first.status !== 'unknown' && depth < 3) return settleApproval(ctx, route, first, claim, wait, depth + 1);
      const other = await smartro.settle(first, { tid: claim.tid, clientIp: '', details: claim.details });
      if (other.kind === 'refuted') {
        await refuse(ctx, route, 'receipt-mismatch', other.message, first);
        return { attempt: first, outcome: { recorded: false, code: 'receipt-mismatch' } };
      }
      // Genuine for this Moid too, or not learnt: asked again once the claimed TID is settled.
      return { attempt: first, outcome: { recorded: false, code: 'receipt-unverified', retryLater: true } };
    }
    claimed = attempt; // verified again (Smartro's next RetryURL), stays unknown meanwhile
  }
  if (!claimed) {
    // Another copy of this result is being verified (processing).
    if (depth > 0) return { attempt, outcome: { recorded: false, code: 'in-progress', retryLater: true } };
    const current = wait ? await waitWhileProcessing(ctx, attempt) : await reread(ctx, attempt);
    if (current.status === 'processing') return { attempt: current, outcome: wait ? { recorded: false, code: 'in-progress', retryLater: true } : { recorded: true } };
    return settleApproval(ctx, route, current, claim, wait, depth + 1);
  }
  const s = await smartro.settle(claimed, { tid: claim.tid, clientIp: '', details: claim.details, ...(claim.kind === 'approved' ? {} : { account: claim.account }) });
  const after = await apply(ctx, claimed, s, route);
  if (after.status === 'paid') return { attempt: after, outcome: after.tid === claim.tid ? { recorded: true } : { recorded: false, code: 'duplicate-payment' } };
  if (after.status === 'awaiting_deposit') {
    // Issued: recorded. A deposit notice the receipt API does not show yet: Smartro is asked to send it again.
    return { attempt: after, outcome: claim.kind === 'deposited' ? { recorded: false, code: 'deposit-unverified', retryLater: true } : { recorded: true } };
  }
  if (after.status === 'unknown') return { attempt: after, outcome: { recorded: false, code: 'receipt-unverified', retryLater: true } };
  if (s.kind === 'refuted') return { attempt: after, outcome: { recorded: false, code: 'receipt-mismatch' } };
  return { attempt: after, outcome: { recorded: true } };
}

/**
 * An approval for an attempt that is over (superseded, ended, or paid by another TID): if Smartro's records
 * confirm it, the money is owed back, never dropped silently. A virtual account issued for such an attempt
 * has taken no money: it is noted for the staff (a deposit into it would be owed back the same way).
 */
async function settleEnded(ctx: PaymentsContext, route: string, attempt: Attempt, claim: SignedClaim, reason: string) {
  const s = await ctx.smartro!.settle(attempt, { tid: claim.tid, clientIp: '', details: claim.details });
  if (s.kind === 'paid') {
    await owe(ctx, attempt, s.details, attempt.amount, reason);
    return { attempt, outcome: { recorded: true } as Outcome };
  }
  if (s.kind === 'wrong-amount') {
    // Money for this Moid at another amount (issue 19, item 5): owed back all the same, what Smartro shows.
    await owe(ctx, attempt, s.details, s.amount, 'wrong-amount');
    return { attempt, outcome: { recorded: true } as Outcome };
  }
  if (s.kind === 'issued') {
    await refuse(ctx, route, 'vbank-for-ended-attempt', `Smartro issued virtual account ${claim.tid} for an attempt that is ${attempt.status}: no money yet; a deposit into it will be owed back.`, attempt);
    return { attempt, outcome: { recorded: true } as Outcome };
  }
  if (s.kind === 'unknown') return { attempt, outcome: { recorded: false, code: 'receipt-unverified', retryLater: true } as Outcome };
  if (s.kind === 'refuted') {
    await refuse(ctx, route, 'receipt-mismatch', s.message, attempt);
    return { attempt, outcome: { recorded: false, code: 'receipt-mismatch' } as Outcome };
  }
  return { attempt, outcome: { recorded: true } as Outcome };
}
