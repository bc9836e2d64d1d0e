/**
 * The session/result protocol with the shop's own backend (contract v2). Plain functions, no DOM element.
 *
 *   POST session-url  {provider, order_id, device_type, pgcode, main_color, point_color, ...}
 *        -> 200 a session | 409 {code: "attempt-in-progress" | "already-paid" | "awaiting-deposit", order_no, message}
 *   GET  result-url?order_no=...  -> {status: pending | processing | unknown | paid | failed | cancelled | awaiting_deposit | refunded, ...}
 *   POST result-url  {order_no, event: "window-closed"}  -> what GET would answer right after
 */
import { KpgError } from './errors.js';
import type { Outcome } from './events.js';
import { fetchJson, postJson, type RequestOptions } from './http.js';
import type { Sent } from './request.js';
import { ResultSchema, SessionRefusalSchema, describeIssues, type KpgResult, type ProviderId } from './schemas.js';
import { backoff, sleep } from './timers.js';
import { say } from './messages.js';

/** What `POST session-url` answered: a session to validate, or a 409 the widget knows how to finish. */
export type SessionAnswer =
  | { kind: 'session'; json: unknown }
  /** Another attempt of this order may still take money, or is being verified: finish or close it first. */
  | { kind: 'attempt-in-progress'; order_no?: string; status?: string }
  /** The order is paid (by attempt `order_no`): its result is the outcome. */
  | { kind: 'already-paid'; order_no: string }
  /** A virtual account of this order (attempt `order_no`) waits for its money: its result is the outcome. */
  | { kind: 'awaiting-deposit'; order_no: string };

/**
 * The answer to `POST session-url` (`sent` inside the click: start.ts). Never retried. 409s with a known code
 * become answers, other errors throw.
 */
export async function requestSession(url: URL, sent: Sent, options: RequestOptions): Promise<SessionAnswer> {
  try {
    return { kind: 'session', json: await fetchJson(url, {}, 'session-failed', 'The session request', options, sent) };
  } catch (error) {
    const refusal = error instanceof KpgError && error.detail.status === 409 && SessionRefusalSchema.safeParse(error.body);
    if (refusal && refusal.success) {
      const { code, order_no, status } = refusal.data;
      if (code === 'attempt-in-progress') return { kind: code, order_no, status };
      if (order_no) return { kind: code, order_no };
    }
    throw error;
  }
}

/** Validate a result JSON for `orderNo`. */
function parseResult(json: unknown, orderNo: string): KpgResult {
  const parsed = ResultSchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeIssues(parsed.error);
    const status = (json as { status?: unknown } | null)?.status;
    throw new KpgError({
      code: 'result-failed',
      order_no: orderNo,
      message:
        field === 'status' && status !== undefined ? say('result-status', JSON.stringify(status)) : say('bad-json', 'The result JSON is not valid', message),
      ...(field ? { field } : {}),
    });
  }
  if (parsed.data.order_no !== orderNo) {
    throw new KpgError({
      code: 'result-failed',
      field: 'order_no',
      order_no: orderNo,
      message: say('result-order', parsed.data.order_no, orderNo),
    });
  }
  if (parsed.data.status === 'awaiting_deposit' && !parsed.data.vbank) {
    throw new KpgError({
      code: 'result-failed',
      field: 'vbank',
      order_no: orderNo,
      message: say('result-vbank'),
    });
  }
  return parsed.data;
}

/** `GET result-url?order_no=` once, validated. */
export async function fetchResult(url: URL, orderNo: string, options: RequestOptions): Promise<KpgResult> {
  const target = new URL(url);
  target.searchParams.set('order_no', orderNo);
  return parseResult(await fetchJson(target, { method: 'GET' }, 'result-failed', 'The result request', options), orderNo);
}

/**
 * `POST result-url {order_no, event: "window-closed"}`: the buyer closed the payment window this page
 * watched before any result reached it. The backend answers what `GET result-url` would answer after.
 */
export async function reportWindowClosed(
  url: URL,
  orderNo: string,
  options: RequestOptions & { keepalive?: boolean },
): Promise<KpgResult> {
  const json = await postJson(url, { order_no: orderNo, event: 'window-closed' }, 'result-failed', 'The window-closed report', options);
  return parseResult(json, orderNo);
}

/** The statuses after which the backend may still record something: asked again with backoff. */
export const isOpen = (result: KpgResult) => result.status === 'pending' || result.status === 'processing';

export interface PollOptions extends RequestOptions {
  /** Total milliseconds to keep asking while the backend says `pending` or `processing` (or a GET fails transiently). */
  boundMs: number;
  /** A shorter bound for `pending` alone (`processing` is always waited for up to `boundMs`). */
  pendingBoundMs?: number;
  /** An answer already in hand (e.g. the window-closed report's): polling starts after it. */
  first?: KpgResult;
}

/**
 * Ask result-url until the status is final (or `unknown`), or the bound runs out (then the last open
 * result is returned). Transient failures are retried within the bound; others end at once.
 */
export async function pollResult(url: URL, orderNo: string, options: PollOptions): Promise<KpgResult> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    let last: KpgResult | KpgError;
    try {
      last = attempt === 0 && options.first ? options.first : await fetchResult(url, orderNo, options);
      if (!isOpen(last)) return last;
    } catch (error) {
      if (!(error instanceof KpgError) || !error.transient) throw error;
      last = error;
    }
    const wait = backoff(attempt);
    const bound = !(last instanceof KpgError) && last.status === 'pending' ? (options.pendingBoundMs ?? options.boundMs) : options.boundMs;
    if (performance.now() - started + wait > bound) {
      if (last instanceof KpgError) throw last;
      return last;
    }
    await sleep(wait, options.signal);
  }
}

/**
 * Turn the backend's verified result into the one event that ends the attempt. `pending` / `processing`
 * here means the bound ran out; `unknown` means the backend could not learn the outcome: both are
 * `result-timeout` with the order_no, neither success nor failure.
 */
export function outcomeFromResult(provider: ProviderId, result: KpgResult, boundSeconds: number): Outcome {
  const order_no = result.order_no;
  switch (result.status) {
    case 'paid':
    case 'refunded':
      // Refunded: paid once, the whole payment given back by the shop since (issue 22).
      return {
        type: result.status === 'paid' ? 'kpg-success' : 'kpg-refunded',
        detail: { provider, order_no, ...(typeof result.tid === 'string' ? { tid: result.tid } : {}), result },
      };
    case 'failed':
      return {
        type: 'kpg-fail',
        detail: { provider, order_no, code: result.code || 'failed', message: result.message || '' },
      };
    case 'cancelled':
      return { type: 'kpg-cancel', detail: { provider, order_no, reason: result.reason || 'cancelled' } };
    case 'awaiting_deposit':
      return { type: 'kpg-vbank-issued', detail: { provider, order_no, vbank: result.vbank!, result } };
    default:
      return {
        type: 'kpg-error',
        detail: {
          code: 'result-timeout',
          provider,
          order_no,
          message: result.status === 'unknown' ? say('result-unknown', order_no) : say('result-still', result.status, order_no, boundSeconds),
        },
      };
  }
}
