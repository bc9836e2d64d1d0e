/**
 * Settlement: what a PG says about an attempt (a Settlement from a provider: paid, issued, declined, ...)
 * becomes transitions here. apply() is the only place a payment is recorded; the callers are the PG results
 * (shinhan-results.ts, smartro-results.ts), a new session over an open attempt (sessions.ts), window-closed
 * (results.ts) and reconcile().
 */
import type { Settlement } from '../providers/types.js';
import type { Attempt, VbankAccount } from '../store/types.js';
import { pastDue } from '../vbank.js';
import type { PaymentsContext } from './context.js';
import { move, owe, pay, refuse, reread } from './ledger.js';

/**
 * Applies what the PG said about an attempt that is `processing` or `unknown`, or a virtual account that
 * is `awaiting_deposit`. The only place a payment is recorded.
 */
export async function apply(ctx: PaymentsContext, attempt: Attempt, s: Settlement, route: string): Promise<Attempt> {
  const waiting = attempt.status === 'awaiting_deposit';
  const verifying = attempt.status === 'processing' || attempt.status === 'unknown';
  switch (s.kind) {
    case 'issued':
      return onIssued(ctx, attempt, s, route);
    case 'paid': {
      if (verifying && (s.account || attempt.pay_method === 'VBANK')) {
        // A virtual account whose deposit is there at the first look: issued, then deposited (both logged).
        const issued = await onIssued(ctx, attempt, { kind: 'issued', tid: s.details.tid, account: s.account ?? {} }, route);
        return issued.status === 'awaiting_deposit' ? apply(ctx, issued, { ...s, account: undefined }, route) : issued;
      }
      if (waiting && s.details.tid !== attempt.claimed_tid) {
        await refuse(ctx, route, 'vbank-mismatch', `A deposit with TID ${s.details.tid} for the account ${attempt.claimed_tid}: not recorded.`, attempt);
        return attempt;
      }
      // (No other attempt of the order can be paid while this one is open: one index holds both, migration 009.)
      const paid = await pay(ctx, attempt, s.details, waiting ? 'deposit' : 'pay', route);
      if (paid.ok) return paid.attempt;
      if (paid.reason === 'tid-taken') {
        await refuse(ctx, route, 'duplicate-tid', `TID ${s.details.tid} is already recorded for another attempt or as money owed.`, attempt);
        if (attempt.status === 'processing') return (await move(ctx, attempt, 'lose', { code: 'duplicate-tid' }, route)) ?? (await reread(ctx, attempt));
      }
      return reread(ctx, attempt);
    }
    case 'wrong-amount':
      await owe(ctx, attempt, s.details, s.amount, 'wrong-amount');
      if (waiting) return (await move(ctx, attempt, 'expire', { reason: 'amount-mismatch' }, route)) ?? (await reread(ctx, attempt));
      return (await move(ctx, attempt, 'decline', { code: 'amount-mismatch', pg_message: `The PG took ${s.amount} KRW; the attempt is ${attempt.amount} KRW.` }, route)) ?? (await reread(ctx, attempt));
    case 'declined':
      if (waiting) return (await move(ctx, attempt, 'expire', { reason: 'vbank-cancelled', pg_message: s.pgMessage ? ctx.said(s.pgMessage) : null }, route)) ?? (await reread(ctx, attempt));
      return (await move(ctx, attempt, 'decline', { code: s.code, pg_message: s.pgMessage ? ctx.said(s.pgMessage) : null }, route)) ?? (await reread(ctx, attempt));
    case 'refuted':
      await refuse(ctx, route, 'receipt-mismatch', s.message, attempt);
      if (waiting) return attempt; // nothing recorded from it; the account keeps waiting
      // Issue 19, item 3: the PG contradicted ANOTHER TID than the one this attempt claimed (which the PG
      // may have charged): only the refusal is recorded; the claimed TID stays, to be settled. (An attempt that
      // claimed none has nothing to take back either.)
      if (s.tid !== undefined && s.tid !== attempt.claimed_tid) return attempt;
      return (await move(ctx, attempt, 'refute', { claimed_tid: null }, route)) ?? (await reread(ctx, attempt));
    case 'unknown':
      ctx.log.write({ event: 'pg-call', level: 'warn', order_no: attempt.order_no, provider: attempt.provider, outcome: 'unknown', message: s.message, why: route });
      if (attempt.status === 'processing') return (await move(ctx, attempt, 'lose', {}, route)) ?? (await reread(ctx, attempt));
      return attempt;
    case 'nothing':
      // A waiting account the PG does not (or no longer) know: it closes at its due day like any other.
      if (waiting && pastDue(attempt.vbank_due_date, ctx.now())) return (await move(ctx, attempt, 'expire', { reason: 'vbank-expired' }, route)) ?? (await reread(ctx, attempt));
      return attempt;
  }
}

/**
 * The PG's records show a virtual account for this attempt and no deposit. Being verified: the account
 * is issued (`issue`), with what the PG says about it over what the result said. Waiting: over once its
 * due day has passed (`expire`, vbank-expired), so the order can be paid again.
 */
async function onIssued(ctx: PaymentsContext, attempt: Attempt, s: Extract<Settlement, { kind: 'issued' }>, route: string): Promise<Attempt> {
  if (attempt.status === 'processing' || attempt.status === 'unknown') {
    const account = { ...accountOf(attempt), ...definedOnly(s.account) };
    if (!account.bank_name || !account.vbank_holder || !account.vbank_due_date) {
      // Nothing to show the buyer: no account is recorded from a result that says too little.
      return apply(ctx, attempt, { kind: 'unknown', message: `The virtual account ${s.tid} is missing its bank, holder or due date.` }, route);
    }
    return (await move(ctx, attempt, 'issue', { claimed_tid: s.tid, pay_method: 'VBANK', ...account }, route)) ?? (await reread(ctx, attempt));
  }
  if (attempt.status === 'awaiting_deposit') {
    if (s.tid !== attempt.claimed_tid) {
      await refuse(ctx, route, 'vbank-mismatch', `The PG names account ${s.tid}; this attempt waits on ${attempt.claimed_tid}.`, attempt);
      return attempt;
    }
    if (pastDue(attempt.vbank_due_date, ctx.now())) return (await move(ctx, attempt, 'expire', { reason: 'vbank-expired' }, route)) ?? (await reread(ctx, attempt));
  }
  return attempt;
}

/**
 * Asks the PG about a virtual account awaiting its deposit and records what it says (reconcile, a late session:
 * both pass an attempt read as awaiting_deposit). An account of a PG this server is not configured for is left
 * as it is: nothing can ask about its deposit.
 */
export async function checkAccount(ctx: PaymentsContext, attempt: Attempt, route: string): Promise<Attempt> {
  const provider = ctx.providers[attempt.provider];
  if (!provider) return attempt;
  return apply(ctx, attempt, await provider.lookup(attempt), route);
}

/**
 * Asks the PG about a pending attempt (Smartro by Moid) and records an approval (or a virtual account) it
 * finds. 'nothing': the PG knows none; 'settled': recorded now (or it was): paid, or an account awaiting
 * its deposit; 'unknown': could not tell.
 */
export async function settleFromLookup(ctx: PaymentsContext, attempt: Attempt, route: string, options: { cached?: boolean } = {}): Promise<'nothing' | 'settled' | 'unknown'> {
  // Every caller has the attempt's provider (a session and reconcile leave an attempt of a PG this server is
  // not configured for alone; result-url does not serve one).
  const provider = ctx.providers[attempt.provider]!;
  // A buyer's request (window-closed) asks the PG at most once per receiptCacheMs for an attempt (item 10).
  const s = options.cached ? await ctx.caches.moidLookups.get(attempt.order_no, () => provider.lookup(attempt), (v) => v.kind !== 'unknown') : await provider.lookup(attempt);
  // A refusal or a refuted claim is no approval either (every caller passes a pending attempt: the session,
  // the closed window and reconcile's expiry look only at those).
  if (s.kind === 'nothing' || s.kind === 'declined' || s.kind === 'refuted') return 'nothing';
  if (s.kind !== 'paid' && s.kind !== 'wrong-amount' && s.kind !== 'issued') return 'unknown';
  const tid = s.kind === 'issued' ? s.tid : s.details.tid;
  const claimed = await move(ctx, attempt, 'claim', { claimed_tid: tid }, route);
  if (!claimed) return 'unknown';
  const after = await apply(ctx, claimed, s, route);
  return after.status === 'paid' || after.status === 'awaiting_deposit' ? 'settled' : 'unknown';
}

/** Waits (bounded) while another copy of a result is being verified (`processing`). */
export async function waitWhileProcessing(ctx: PaymentsContext, attempt: Attempt, forMs = ctx.config.pgTimeoutMs + 1000): Promise<Attempt> {
  const deadline = Date.now() + forMs;
  let current = attempt;
  while (Date.now() < deadline) {
    current = await reread(ctx, current);
    if (current.status !== 'processing') return current;
    await new Promise((r) => setTimeout(r, 25));
  }
  return current;
}

/** The columns of an issued account an attempt holds (what `issue` keeps when the PG says nothing new). */
function accountOf(a: Attempt): Partial<VbankAccount> {
  return definedOnly({ bank_code: a.bank_code, bank_name: a.bank_name, vbank_account_no: a.vbank_account_no, vbank_holder: a.vbank_holder, vbank_due_date: a.vbank_due_date });
}

export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
