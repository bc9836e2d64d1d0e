/**
 * What the widget and the buyer's browser ask and report: GET result-url (what was recorded), POST
 * result-url (the buyer closed the PG window), the PGs' cancel/fail/stop URLs (a browser's word: noted on a
 * pending attempt, never final), and receipts of a paid attempt the caller owns.
 */
import { HttpError } from '../http.js';
import type { ShinhanProvider } from '../providers/shinhan.js';
import type { KpgOrder } from '../providers/types.js';
import type { SmartroProvider } from '../providers/smartro.js';
import type { Attempt, PaymentStore, ProviderName } from '../store/types.js';
import { admit, overLimit, ownedAttempt } from './buyers.js';
import type { PaymentsContext, ResultView } from './context.js';
import { move, refuse, reread } from './ledger.js';
import { settleFromLookup, waitWhileProcessing } from './settlement.js';
import { receiptDate, slip, view } from './views.js';

export async function result(ctx: PaymentsContext, request: Request, orderNo: string): Promise<ResultView> {
  const attempt = await ownedAttempt(ctx, request, await ctx.store.getAttempt(orderNo), () => unknownOrder(orderNo));
  return resultView(ctx.store, await settled(ctx, attempt));
}

/** The result view with the payment's money (issue 22): refunded_total and balance once something was given back. */
export async function resultView(store: PaymentStore, attempt: Attempt): Promise<ResultView> {
  const took = (attempt.status === 'paid' || attempt.status === 'refunded') && attempt.tid;
  return view(attempt, took ? await store.paymentMoney(attempt.provider, attempt.tid as string) : undefined);
}

/**
 * A verification in progress usually ends within a PG round trip: wait for it (at most resultWaitMs) rather
 * than answer `processing` and make the widget ask again. A slow one (fault 3) is still answered `processing`.
 */
async function settled(ctx: PaymentsContext, attempt: Attempt): Promise<Attempt> {
  return attempt.status === 'processing' && ctx.config.resultWaitMs > 0 ? waitWhileProcessing(ctx, attempt, ctx.config.resultWaitMs) : attempt;
}

/**
 * The widget saw the buyer close the PG window before any result reached the page. Shinhan: nothing can
 * be charged without our confirm, so the attempt ends (a return that still comes is not confirmed).
 * Smartro: noted (a verified approval that still comes is recorded), and Smartro is asked when it can be.
 */
export async function windowClosed(ctx: PaymentsContext, request: Request, orderNo: string): Promise<ResultView> {
  let owner: KpgOrder | undefined;
  let attempt = await ownedAttempt(ctx, request, await ctx.store.getAttempt(orderNo), () => unknownOrder(orderNo), (order) => (owner = order));
  const route = 'result/window-closed';
  if (attempt.status === 'pending') {
    if (attempt.provider === 'shinhan') {
      const ended =
        attempt.reported_status === 'failed'
          ? await move(ctx, attempt, 'fail', { code: attempt.reported_code ?? 'pg-failed', reported_status: null }, route)
          : // (Shinhan's only cancel report is its cancel_url: the buyer cancelled.)
            await move(ctx, attempt, 'cancel', { reason: attempt.reported_status === 'cancelled' ? 'buyer-cancelled' : 'popup-closed', reported_status: null }, route);
      attempt = ended ?? (await reread(ctx, attempt));
    } else {
      attempt = (await move(ctx, attempt, 'close', { window_closed_at: ctx.nowIso() }, route)) ?? (await reread(ctx, attempt));
      // The Moid lookup is the only PG call here: limited per buyer and address (issue 19, item 10). Over the
      // limit, the closed window is still noted; the lookup waits for the next ask (a new session asks too).
      if (attempt.status === 'pending' && (ctx.smartro as SmartroProvider).receiptLookupByMoid && overLimit(ctx.limits?.lookups, owner as KpgOrder, { address: true }) === undefined) {
        await settleFromLookup(ctx, attempt, route, { cached: true });
        attempt = await reread(ctx, attempt);
      }
    }
  }
  return resultView(ctx.store, await settled(ctx, attempt));
}

function unknownOrder(orderNo: string) {
  return new HttpError(404, 'unknown-order', `No payment with order_no ${orderNo}.`, 'order_no');
}

/** cancel_url / fail_url / StopURL / an unsigned decline: a browser's word, pending only, never final. */
export async function browserReport(ctx: PaymentsContext, route: string, orderNo: string, provider: ProviderName, report: { status: 'failed' | 'cancelled'; code: string; said?: string }) {
  const attempt = await ctx.store.getAttempt(orderNo);
  if (!attempt || attempt.provider !== provider) {
    await refuse(ctx, route, 'unknown-order', `No ${provider} attempt with this order_no.`, undefined, orderNo);
    return undefined;
  }
  const moved = await move(ctx, attempt, 'report', { reported_status: report.status, reported_code: report.code, reported_at: ctx.nowIso() }, route);
  if (!moved) await refuse(ctx, route, 'stale-report', `A browser reported ${report.status} for an attempt that is ${attempt.status}; ignored.`, attempt);
  if (report.said) ctx.log.write({ event: 'refusal', level: 'info', route, order_no: orderNo, code: 'browser-text', message: ctx.said(report.said) });
  return moved ?? attempt;
}

/**
 * Issue 19, items 6 and 10: one answer (404 unknown-tid) for a TID that does not exist AND for one that is
 * not the caller's (no existence oracle); a limit per buyer (and per address, app.ts); and one PG call per
 * TID per receiptCacheMs, however many times it is asked.
 */
export async function receipt(ctx: PaymentsContext, request: Request, tid: string) {
  let found: Attempt | undefined;
  for (const name of ['shinhan', 'smartro'] as const) if (!found && ctx.providers[name]) found = await ctx.store.findByTid(name, tid);
  const notFound = () => new HttpError(404, 'unknown-tid', `No payment with tid ${tid}.`, 'tid');
  let attempt: Attempt;
  try {
    // A payment given back since (issue 22) still has its slip.
    const took = found?.status === 'paid' || found?.status === 'refunded';
    attempt = await ownedAttempt(ctx, request, took ? found : undefined, notFound, (order) => admit(ctx.limits?.lookups, order));
  } catch (error) {
    if (error instanceof HttpError && error.status === 403) throw notFound();
    throw error;
  }
  const key = `${attempt.provider}:${tid}`;
  if (attempt.provider === 'smartro') {
    const answer = (await ctx.caches.receipts.get(key, () => ctx.smartro!.receipt(tid), (v) => v.ok)) as Awaited<ReturnType<SmartroProvider['receipt']>>;
    if (!answer.ok) throw new HttpError(502, answer.code, answer.message);
    // What the ledger gave back (not the PG's words): the slip's 취소 금액 / 잔액 rows.
    const back = view(attempt, await ctx.store.paymentMoney(attempt.provider, tid));
    return { provider: 'smartro', receipt: slip(answer.receipt), ...(back.refunded_total ? { refunded_total: back.refunded_total, balance: back.balance } : {}) };
  }
  const answer = (await ctx.caches.receipts.get(key, () => ctx.shinhan!.receiptUrl({ tid, amount: attempt.amount, txYmd: receiptDate(attempt) }), (v) => v.ok)) as Awaited<ReturnType<ShinhanProvider['receiptUrl']>>;
  if (!answer.ok) throw new HttpError(502, answer.code, answer.message);
  return { provider: 'shinhan', redirect_url: answer.redirect_url };
}
