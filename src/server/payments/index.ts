/**
 * The payment module: it owns the attempts and every transition of them (after Medusa's payment module;
 * the providers are stateless). Routes (app.ts) and reconcile() call it; it asks the providers, and moves
 * records only through the store's conditional transitions. One module per concern, each entered on its
 * own, sharing one typed context (context.ts):
 *
 *   context.ts          the configuration, store, log, clock, providers and caches every module takes first
 *   ledger.ts           every record written and logged, in one place: transitions, payments, refusals, debts
 *   events.ts           which event a transition writes, in the transition's own transaction (issue 21)
 *   settlement.ts       what a PG says becomes transitions: apply() records every payment
 *   buyers.ts           the shop's order (loadOrder) and the buyer binding (authorize), per-buyer limits
 *   sessions.ts         POST session-url: a new attempt, the shop's options, replacing an open attempt
 *   shinhan-results.ts  Shinhan's return_url: confirm once; selpay's virtual accounts
 *   smartro-results.ts  Smartro's ReturnURL / RetryURL: approvals, a virtual account's issue and deposit
 *   results.ts          result-url, window-closed, a browser's cancel/fail report, receipts
 *   views.ts            what leaves the server about an attempt: the result view, masks, the slip
 */
import type { KpgOrder } from '../providers/types.js';
import type { SessionBody, ShinhanReturn, SmartroResult } from '../schemas.js';
import type { Attempt, AttemptPatch, ProviderName } from '../store/types.js';
import type { PayTransition, TransitionName } from '../state.js';
import type { Settlement } from '../providers/types.js';
import { createContext, type PaymentsDeps } from './context.js';
import { move, refuse } from './ledger.js';
import { browserReport, receipt, result, windowClosed } from './results.js';
export { resultView } from './results.js';
export { refundedEvents } from './events.js';
import { cardList, startSession } from './sessions.js';
import { termsOf } from './terms.js';
import { apply, checkAccount, settleFromLookup } from './settlement.js';
import { shinhanReturn } from './shinhan-results.js';
import { smartroResult } from './smartro-results.js';
import { view } from './views.js';

export type { Outcome, PaymentsConfig, PaymentsDeps, ResultView } from './context.js';
export { maskAccountNo, maskCardNo, receiptDate, slip, view } from './views.js';
export { newOrderNo, resolveReturnTo } from './sessions.js';

export function createPayments<TOrder extends KpgOrder>(deps: PaymentsDeps<TOrder>) {
  const ctx = createContext(deps);
  return {
    startSession: (request: Request, body: SessionBody) => startSession(ctx, request, body),
    shinhanReturn: (form: ShinhanReturn, clientIp: string) => shinhanReturn(ctx, form, clientIp),
    browserReport: (route: string, orderNo: string, provider: ProviderName, report: { status: 'failed' | 'cancelled'; code: string; said?: string }) =>
      browserReport(ctx, route, orderNo, provider, report),
    smartroResult: (route: string, form: SmartroResult, options: { waitForOthers: boolean }) => smartroResult(ctx, route, form, options),
    result: (request: Request, orderNo: string) => result(ctx, request, orderNo),
    windowClosed: (request: Request, orderNo: string) => windowClosed(ctx, request, orderNo),
    receipt: (request: Request, tid: string) => receipt(ctx, request, tid),
    cardList: (pgcode: string) => cardList(ctx, pgcode),
    terms: (pgcode: string) => termsOf(ctx, pgcode),
    apply: (attempt: Attempt, s: Settlement, route: string) => apply(ctx, attempt, s, route),
    move: (attempt: Attempt, name: Exclude<TransitionName, PayTransition>, patch: AttemptPatch, why: string) => move(ctx, attempt, name, patch, why),
    settleFromLookup: (attempt: Attempt, route: string, options?: { cached?: boolean }) => settleFromLookup(ctx, attempt, route, options),
    checkAccount: (attempt: Attempt, route: string) => checkAccount(ctx, attempt, route),
    view,
    refuse: (route: string, code: string, message: string, attempt?: { order_no: string; order_id?: string }, orderNo?: string) => refuse(ctx, route, code, message, attempt, orderNo),
  };
}

export type Payments = ReturnType<typeof createPayments>;
