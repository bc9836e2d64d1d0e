/**
 * One payment attempt, start to finish, as a plain async function: attributes are already validated,
 * and the result is exactly one Outcome (the event the element fires). No DOM element needed.
 *
 *   prepare (PG script) -> POST session-url -> validate -> [kpg-session] -> open PG -> poll result-url
 */
import type { KpgSessionDetail, Outcome } from './events.js';
import { KpgError, fetchResult, outcomeFromResult, pollResult, requestSession, type SessionRequest } from './protocol.js';
import type { AttemptContext, PgReturn } from './providers/types.js';

/** After a PG reports a non-success code, how long to wait for the backend to record it. */
export const NON_SUCCESS_BOUND_MS = 4000;

export interface FlowHooks {
  /** The backend returned a valid session (fire `kpg-session`). */
  onSession(detail: KpgSessionDetail): void;
}

function errorOutcome(error: unknown, known: { provider: KpgSessionDetail['provider']; order_no?: string }): Outcome {
  if (error instanceof KpgError) {
    return {
      type: 'kpg-error',
      detail: { provider: known.provider, ...(known.order_no ? { order_no: known.order_no } : {}), ...error.detail },
    };
  }
  return {
    type: 'kpg-error',
    detail: {
      code: 'session-failed',
      provider: known.provider,
      message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    },
  };
}

export function sessionRequest(ctx: AttemptContext): SessionRequest {
  const { config } = ctx;
  return {
    provider: config.provider.id,
    order_id: config.orderId,
    device_type: ctx.device === 'mobile' ? 1 : 2,
    pgcode: config.pgcode,
    main_color: config.mainColor,
    point_color: config.pointColor,
    ...(ctx.device === 'mobile' ? { return_to: location.href.split('#')[0] } : {}),
    ...(config.card ?? {}),
  };
}

/**
 * Runs the attempt. Must be called inside the click handler: `beforeSession` runs synchronously before
 * the first await. Resolves with an Outcome, or `null` when the page navigated away (the outcome then
 * comes from `resumeCheckout` on return). Rejects only when `ctx.signal` aborts.
 */
export async function runCheckout(ctx: AttemptContext, hooks: FlowHooks): Promise<Outcome | null> {
  const { provider, sessionUrl, resultUrl, timeoutMs, resultTimeoutMs } = ctx.config;
  let orderNo: string | undefined;
  try {
    provider.beforeSession?.(ctx);
    const preparing = provider.prepare?.(ctx);
    if (preparing) await preparing; // not awaited when ready: the session request starts in the click's task
    const json = await requestSession(sessionUrl, sessionRequest(ctx), { signal: ctx.signal, timeoutMs });
    const session = provider.parseSession(json, ctx);
    orderNo = session.order_no;
    hooks.onSession({ provider: provider.id, order_no: orderNo });
    const pg: PgReturn = await provider.open(session, ctx);
    if (pg.kind === 'navigated') return null;
    if (pg.kind === 'closed') return await afterClose(ctx, orderNo);
    return await settle(ctx, orderNo, pg, resultUrl, timeoutMs, resultTimeoutMs);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    provider.abandon?.(ctx);
    return errorOutcome(error, { provider: provider.id, order_no: orderNo });
  }
}

/** Ask the backend for the verified outcome of an attempt that came back from the PG. */
async function settle(
  ctx: AttemptContext,
  orderNo: string,
  pg: Extract<PgReturn, { kind: 'returned' }>,
  resultUrl: URL,
  timeoutMs: number,
  resultTimeoutMs: number,
): Promise<Outcome> {
  const provider = ctx.config.provider.id;
  const result = await pollResult(resultUrl, orderNo, {
    signal: ctx.signal,
    timeoutMs,
    boundMs: pg.ok ? resultTimeoutMs : Math.min(resultTimeoutMs, NON_SUCCESS_BOUND_MS),
  });
  if (result.status === 'pending' && !pg.ok) {
    // The PG said no and the backend heard nothing more: the PG's code and message are the answer.
    return {
      type: 'kpg-fail',
      detail: {
        provider,
        order_no: orderNo,
        code: pg.code,
        message: pg.message || `The PG reported code ${pg.code} without a message`,
      },
    };
  }
  return outcomeFromResult(
    provider,
    result,
    `The backend still said "pending" for order ${orderNo} after ${resultTimeoutMs / 1000} s`,
  );
}

/** How long the one result check after a closed window may take, so the cancel follows within a second. */
export const AFTER_CLOSE_CHECK_MS = 800;

/**
 * The buyer closed the payment window before any result reached this page: ask the backend once (a result
 * may have been recorded all the same), else it is a cancel with reason `popup-closed`.
 */
async function afterClose(ctx: AttemptContext, orderNo: string): Promise<Outcome> {
  const provider = ctx.config.provider.id;
  try {
    const result = await fetchResult(ctx.config.resultUrl, orderNo, {
      signal: ctx.signal,
      timeoutMs: Math.min(ctx.config.timeoutMs, AFTER_CLOSE_CHECK_MS),
    });
    if (result.status !== 'pending') return outcomeFromResult(provider, result, '');
  } catch (error) {
    if (ctx.signal.aborted) throw error;
  }
  return { type: 'kpg-cancel', detail: { provider, order_no: orderNo, reason: 'popup-closed' } };
}

/** The buyer came back from a full-page PG visit: fetch and return that order's outcome. */
export async function resumeCheckout(ctx: AttemptContext, orderNo: string): Promise<Outcome> {
  const { resultUrl, timeoutMs, resultTimeoutMs, provider } = ctx.config;
  try {
    // The backend records the outcome before it sends the buyer back, so `pending` here means the buyer
    // came back (e.g. pressed Back on the PG's page) without finishing: a cancel, after a short wait.
    const result = await pollResult(resultUrl, orderNo, {
      signal: ctx.signal,
      timeoutMs,
      boundMs: Math.min(resultTimeoutMs, NON_SUCCESS_BOUND_MS),
    });
    if (result.status === 'pending') {
      return { type: 'kpg-cancel', detail: { provider: provider.id, order_no: orderNo, reason: 'returned-unpaid' } };
    }
    return outcomeFromResult(provider.id, result, '');
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return errorOutcome(error, { provider: provider.id, order_no: orderNo });
  }
}
