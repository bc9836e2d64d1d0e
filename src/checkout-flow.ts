/**
 * One payment attempt once its session request has left (the click itself is start.ts, on the first
 * stage), as plain async functions: attributes are already validated, and the result is exactly one
 * Outcome (the event the element fires). No DOM element needed.
 *
 *   (start.ts: POST session-url) -> the answer -> validate -> [kpg-session] -> (next task) open PG -> poll result-url
 */
import type { Outcome } from './events.js';
import { fetchResult, outcomeFromResult, pollResult, reportWindowClosed, requestSession } from './protocol.js';
import type { AttemptContext, PgReturn, Provider } from './providers/types.js';
import type { Sent } from './request.js';
import type { KpgResult } from './schemas.js';
import { errorOutcome, type FlowHooks } from './start.js';
import { nextTask } from './timers.js';
import { say } from './messages.js';

/** After a PG reports a non-success code, how long to wait for the backend to record it. */
export const NON_SUCCESS_BOUND_MS = 4000;

const bound = (ctx: AttemptContext) => ctx.config.resultTimeoutMs / 1000;

/**
 * The rest of the attempt whose session request was `sent` inside the click. Resolves with an Outcome, or
 * `null` when the page navigated away (the outcome then comes from `resumeCheckout` on return). Rejects
 * only when `ctx.signal` aborts.
 */
export async function finishCheckout(ctx: AttemptContext, hooks: FlowHooks, sent: Sent): Promise<Outcome | null> {
  const { sessionUrl, timeoutMs } = ctx.config;
  // Both halves: this runs on the second stage, which registered its PG's second half.
  const provider = ctx.config.pg as Provider;
  let orderNo: string | undefined;
  try {
    const answer = await requestSession(sessionUrl, sent, { signal: ctx.signal, timeoutMs });
    if (answer.kind !== 'session') {
      provider.abandon?.(ctx);
      if (answer.kind !== 'attempt-in-progress') return await settledElsewhere(ctx, answer.order_no, answer.kind);
      // The other attempt is being verified (a confirm that timed out, a slow check): no window to finish or
      // close, so its verified outcome is this attempt's outcome too (`unknown` ends as result-timeout).
      if (answer.order_no && (answer.status === 'processing' || answer.status === 'unknown')) {
        const result = await pollResult(ctx.config.resultUrl, answer.order_no, {
          signal: ctx.signal,
          timeoutMs,
          boundMs: ctx.config.resultTimeoutMs,
        });
        return outcomeFromResult(provider.id, result, bound(ctx));
      }
      return {
        type: 'kpg-error',
        detail: {
          code: 'attempt-in-progress',
          status: 409,
          provider: provider.id,
          ...(answer.order_no ? { order_no: answer.order_no } : {}),
          message: say('attempt-in-progress', ctx.config.orderId, answer.order_no),
        },
      };
    }
    // Every check of the session (shape, origins, fields) and the kpg-session listeners run in this task;
    // the PG window opens in the next one, with nothing left to check (the buyer's click still holds).
    const session = provider.parseSession(answer.json, ctx);
    orderNo = session.order_no;
    hooks.onSession({ provider: provider.id, order_no: orderNo });
    await nextTask(ctx.signal);
    const pg: PgReturn = await provider.open(session, ctx);
    if (pg.kind === 'navigated') return null;
    if (pg.kind === 'closed') return await afterClose(ctx, orderNo);
    return await settle(ctx, orderNo, pg);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    provider.abandon?.(ctx);
    return errorOutcome(error, { provider: provider.id, order_no: orderNo });
  }
}

/**
 * `409 already-paid` / `409 awaiting-deposit`: the order was paid by attempt `orderNo`, or its virtual account
 * waits for the money; that attempt's verified result is the outcome (paid: kpg-success; awaiting_deposit:
 * kpg-vbank-issued, the account shown again; refunded, the payment given back since: kpg-refunded).
 */
async function settledElsewhere(ctx: AttemptContext, orderNo: string, said: 'already-paid' | 'awaiting-deposit'): Promise<Outcome> {
  const provider = ctx.config.provider;
  const result = await pollResult(ctx.config.resultUrl, orderNo, {
    signal: ctx.signal,
    timeoutMs: ctx.config.timeoutMs,
    boundMs: ctx.config.timeoutMs,
  });
  if (result.status === 'paid' || result.status === 'refunded' || (said === 'awaiting-deposit' && result.status === 'awaiting_deposit')) return outcomeFromResult(provider, result, bound(ctx));
  return {
    type: 'kpg-error',
    detail: {
      code: 'result-failed',
      provider,
      order_no: orderNo,
      message: say('result-mismatch', said, ctx.config.orderId, orderNo, result.status),
    },
  };
}

/** Ask the backend for the verified outcome of an attempt that came back from the PG. */
async function settle(ctx: AttemptContext, orderNo: string, pg: Extract<PgReturn, { kind: 'returned' }>): Promise<Outcome> {
  const { provider, resultUrl, timeoutMs, resultTimeoutMs } = ctx.config;
  const result = await pollResult(resultUrl, orderNo, {
    signal: ctx.signal,
    timeoutMs,
    boundMs: resultTimeoutMs,
    pendingBoundMs: pg.ok ? resultTimeoutMs : Math.min(resultTimeoutMs, NON_SUCCESS_BOUND_MS),
  });
  if (result.status === 'pending' && !pg.ok) {
    // The PG said no and the backend heard nothing more. The PG's own words go to developers only.
    return {
      type: 'kpg-fail',
      detail: { provider, order_no: orderNo, code: pg.code, message: '', ...(pg.message ? { pg_message: pg.message } : {}) },
    };
  }
  return outcomeFromResult(provider, result, bound(ctx));
}

/**
 * The buyer closed the payment window before any result reached this page: tell the backend once
 * (`POST result-url {event: "window-closed"}`) and take its answer as the result: `pending` is a cancel
 * (`popup-closed`), `processing` is waited for (never a cancel), anything else is that outcome. A backend
 * that does not take the report (an older one answers 404/405) is asked once with GET instead, and so is
 * a backend that was already told (`reported`: the element closed the window when it left the page).
 */
export async function afterClose(ctx: AttemptContext, orderNo: string, reported = false): Promise<Outcome> {
  const { provider, resultUrl, timeoutMs, resultTimeoutMs } = ctx.config;
  const options = { signal: ctx.signal, timeoutMs };
  let first: KpgResult;
  try {
    try {
      if (reported) throw new Error('reported');
      first = await reportWindowClosed(resultUrl, orderNo, options);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      first = await fetchResult(resultUrl, orderNo, options);
    }
    if (first.status === 'pending') {
      return { type: 'kpg-cancel', detail: { provider, order_no: orderNo, reason: 'popup-closed' } };
    }
    const result = await pollResult(resultUrl, orderNo, { ...options, first, boundMs: resultTimeoutMs });
    return outcomeFromResult(provider, result, bound(ctx));
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return errorOutcome(error, { provider, order_no: orderNo });
  }
}

/**
 * The buyer came back from a full-page PG visit (this browser's sessionStorage, or `kpg_order_no` in
 * another browser): fetch and return that order's outcome. `first` is an answer already in hand.
 */
export async function resumeCheckout(ctx: AttemptContext, orderNo: string, first?: KpgResult): Promise<Outcome> {
  const { resultUrl, timeoutMs, resultTimeoutMs, provider } = ctx.config;
  try {
    // The backend records the outcome before it sends the buyer back, so `pending` here means the buyer
    // came back (e.g. pressed Back on the PG's page) without finishing: a cancel, after a short wait.
    // `processing` is waited for up to result-timeout.
    const result = await pollResult(resultUrl, orderNo, {
      signal: ctx.signal,
      timeoutMs,
      first,
      boundMs: resultTimeoutMs,
      pendingBoundMs: Math.min(resultTimeoutMs, NON_SUCCESS_BOUND_MS),
    });
    if (result.status === 'pending') {
      return { type: 'kpg-cancel', detail: { provider, order_no: orderNo, reason: 'returned-unpaid' } };
    }
    return outcomeFromResult(provider, result, bound(ctx));
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return errorOutcome(error, { provider, order_no: orderNo });
  }
}
