/**
 * Shinhan's results, brought by the buyer's browser (return_url): found by order_no + custom_parameter
 * (the PG's POST is cross-site: no session cookie), confirmed once (only the copy that moves the attempt
 * pending -> processing calls payments/confirm), and selpay's virtual accounts, checked with confirm-info.
 */
import { sameSecret } from '../http.js';
import type { ShinhanVbankClaim } from '../providers/shinhan.js';
import type { ShinhanReturn } from '../schemas.js';
import type { Attempt } from '../store/types.js';
import type { PaymentsContext } from './context.js';
import { move, refuse, reread } from './ledger.js';
import { apply, definedOnly } from './settlement.js';

/**
 * escr_yn ("(일반결제/가상계좌) 에스크로여부", return_url only; issue 25): recorded as the return carried it. The
 * post is the buyer's browser and nothing signs it, so it is informational: it decides nothing here.
 */
function escrowOf(form: ShinhanReturn): { escrow?: 'Y' | 'N' } {
  const v = form.escr_yn?.trim().toUpperCase();
  return v === 'Y' || v === 'N' ? { escrow: v } : {};
}

export async function shinhanReturn(ctx: PaymentsContext, form: ShinhanReturn, clientIp: string): Promise<Attempt | undefined> {
  const route = 'shinhan/return';
  const attempt = await ctx.store.getAttempt(form.order_no);
  if (!attempt || attempt.provider !== 'shinhan') {
    await refuse(ctx, route, 'unknown-order', 'No Shinhan attempt with this order_no.', undefined, form.order_no);
    return undefined;
  }
  // Found by order_no + nonce, not by a session cookie: the PG's POST is cross-site.
  if (!sameSecret(form.custom_parameter ?? '', attempt.nonce)) {
    await refuse(ctx, route, 'bad-custom-parameter', 'custom_parameter is not the one sent with this order_no; nothing changed.', attempt);
    return attempt;
  }
  const confirmToken = form.confirm_token ?? form.confinm_token;
  if (!confirmToken) {
    // selpay's window can issue a virtual account: it comes back with the account, not a confirm token.
    const vbank = ctx.shinhan!.judgeVbank(form, attempt);
    if (vbank) return shinhanVbank(ctx, route, attempt, vbank, form);
    await refuse(ctx, route, 'no-confirm-token', 'The return carries no confirm_token.', attempt);
    return attempt;
  }
  // The money moves at confirm, once: only the copy that moves pending -> processing confirms.
  const claimed = await move(ctx, attempt, 'claim', escrowOf(form), route);
  if (!claimed) {
    const current = await reread(ctx, attempt);
    const why = current.status === 'cancelled' && current.reason === 'superseded' ? 'superseded' : 'not-pending';
    await refuse(ctx, route, why === 'superseded' ? 'superseded' : 'duplicate-return', `Return for an attempt that is ${current.status}${current.reason ? ` (${current.reason})` : ''}: not confirmed.`, current);
    return current;
  }
  const s = await ctx.shinhan!.settle(claimed, { confirmToken, clientIp });
  return apply(ctx, claimed, s, route);
}

/**
 * A virtual account from Shinhan's window (issue 11). The post is signed by nothing: it is bound to this
 * attempt by custom_parameter (checked by the caller) and its amount, then checked against confirm-info,
 * which can contradict it (another tid, cancelled, already deposited) but, as documented, cannot confirm
 * an account before its deposit. What it cannot contradict is recorded as the return said (docs/payment-methods.md: an assumption).
 */
async function shinhanVbank(ctx: PaymentsContext, route: string, attempt: Attempt, claim: ShinhanVbankClaim, form: ShinhanReturn): Promise<Attempt> {
  if (claim.kind === 'refused') {
    await refuse(ctx, route, claim.code, claim.message, attempt);
    return attempt;
  }
  if (claim.kind === 'failed') {
    // Not issued, says the window: a browser's word, like fail_url (pending only, never final).
    const moved = await move(ctx, attempt, 'report', { reported_status: 'failed', reported_code: claim.code, reported_at: ctx.nowIso() }, route);
    if (!moved) await refuse(ctx, route, 'stale-report', `A browser reported ${claim.code} for an attempt that is ${attempt.status}; ignored.`, attempt);
    ctx.log.write({ event: 'refusal', level: 'info', route, order_no: attempt.order_no, code: 'browser-text', message: claim.said });
    return moved ?? attempt;
  }
  // The same return again: the account waiting, or paid with it (and maybe given back since: refunded).
  if ((attempt.status === 'awaiting_deposit' && attempt.claimed_tid === claim.tid) || attempt.tid === claim.tid) return attempt;
  const claimed = await move(ctx, attempt, 'claim', { claimed_tid: claim.tid, pay_method: 'VBANK', ...definedOnly(claim.account), ...escrowOf(form) }, route);
  if (!claimed) {
    const current = await reread(ctx, attempt);
    const ended = current.status === 'cancelled' || current.status === 'failed';
    await refuse(
      ctx,
      route,
      ended ? 'vbank-for-ended-attempt' : 'duplicate-return',
      ended
        ? `Shinhan issued virtual account ${claim.tid} (due ${claim.account.vbank_due_date}) for an attempt that is ${current.status}${current.reason ? ` (${current.reason})` : ''}: nothing is recorded, and a deposit into it would not reach this server. Check it in Shinhan's admin.`
        : `A virtual account return for an attempt that is ${current.status}: ignored.`,
      current,
    );
    return current;
  }
  // Issue 19, item 2: the account must be one confirm-info knows (this order_no, its tid, amount and user).
  // One it does not know was never issued: nothing is recorded (a forged return cannot park an account);
  // one that cannot be asked now stays `unknown`, and reconcile() asks again.
  const s = await ctx.shinhan!.lookup(claimed);
  if (s.kind === 'nothing') {
    await refuse(ctx, route, 'vbank-unverified', `confirm-info knows no virtual account for this order_no (the return named ${claim.tid}): not recorded.`, claimed);
    const forget = { claimed_tid: null, pay_method: attempt.pay_method, bank_name: attempt.bank_name, bank_code: attempt.bank_code, vbank_account_no: attempt.vbank_account_no, vbank_holder: attempt.vbank_holder, vbank_due_date: attempt.vbank_due_date };
    return (await move(ctx, claimed, 'refute', forget, route)) ?? (await reread(ctx, claimed));
  }
  return apply(ctx, claimed, s, route);
}
