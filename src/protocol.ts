/**
 * The session/result protocol with the shop's own backend. Plain functions, no DOM element needed.
 *
 *   POST session-url  {provider, order_id, device_type, pgcode, main_color, point_color, ...}
 *   GET  result-url?order_no=...  -> {status: paid | failed | cancelled | pending, order_no, ...}
 */
import type * as z from 'zod/mini';
import type { KpgErrorCode, KpgErrorDetail, Outcome } from './events.js';
import {
  BackendErrorSchema,
  ResultSchema,
  describeIssues,
  type KpgResult,
  type ProviderId,
} from './schemas.js';

/** An error that ends an attempt with `kpg-error`. */
export class KpgError extends Error {
  readonly detail: KpgErrorDetail;
  /** A GET that failed this way may be tried again (network error, 5xx, 429). */
  readonly transient: boolean;
  constructor(detail: KpgErrorDetail, transient = false) {
    super(detail.message);
    this.name = 'KpgError';
    this.detail = detail;
    this.transient = transient;
  }
}

/**
 * Validate `json` with `schema`, or throw a KpgError whose message says what it is not and names the first
 * bad field: `The session JSON is not a Shinhan session: redirect_url: expected string`.
 */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, json: unknown, code: KpgErrorCode, what: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const { field, message } = describeIssues(parsed.error);
  throw new KpgError({ code, message: `${what}: ${message}`, ...(field ? { field } : {}) });
}

/** The body `POST session-url` receives. */
export interface SessionRequest {
  provider: ProviderId;
  order_id: string | null;
  device_type: 1 | 2;
  pgcode: string;
  main_color: string;
  point_color: string;
  /** Mobile only: the page to come back to after the PG. */
  return_to?: string;
  /** With a card picker: the chosen card company (Shinhan's code) and months (`"00"` lump sum). */
  card_cpny_cd?: string;
  install_month?: string;
}

export interface RequestOptions {
  signal: AbortSignal;
  /** Milliseconds before this one request is abandoned. */
  timeoutMs: number;
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** fetch + JSON with a per-request timeout that also follows the attempt's signal. */
export async function fetchJson(
  url: URL,
  init: RequestInit,
  code: KpgErrorCode,
  what: string,
  { signal, timeoutMs }: RequestOptions,
): Promise<unknown> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json', ...(init.headers ?? {}) },
        signal: controller.signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      const message = timedOut
        ? `${what} timed out after ${timeoutMs / 1000} s`
        : `${what} could not reach ${url.pathname} (network error)`;
      throw new KpgError({ code, message }, true);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const body = BackendErrorSchema.safeParse(json);
      const said = body.success && body.data.message ? `: ${body.data.message}` : '';
      throw new KpgError(
        {
          code,
          status: response.status,
          message: `${what} failed with HTTP ${response.status}${said}`,
          ...(body.success && body.data.field ? { field: body.data.field } : {}),
        },
        response.status >= 500 || response.status === 429,
      );
    }
    if (json === undefined) {
      throw new KpgError({
        code,
        status: response.status,
        message: `${what} did not answer JSON (content-type ${response.headers.get('content-type') ?? 'none'})`,
      });
    }
    return json;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** How often a GET that failed transiently (network, timeout, 5xx, 429) is tried again, and the first wait. */
export const GET_RETRIES = 2;
export const GET_RETRY_WAIT_MS = 300;

/**
 * A GET (card list, receipt) with retries: transient failures are tried again after 300 ms, then 600 ms.
 * Safe because a GET changes nothing on the backend; the session POST is never retried.
 */
export async function getJson(url: URL, code: KpgErrorCode, what: string, options: RequestOptions): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchJson(url, { method: 'GET' }, code, what, options);
    } catch (error) {
      if (!(error instanceof KpgError) || !error.transient || attempt >= GET_RETRIES) throw error;
      await sleep(GET_RETRY_WAIT_MS * 2 ** attempt, options.signal);
    }
  }
}

/** `POST session-url`. Resolves with the raw JSON; the provider validates its shape. Never retried. */
export function requestSession(url: URL, body: SessionRequest, options: RequestOptions): Promise<unknown> {
  return fetchJson(
    url,
    { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } },
    'session-failed',
    'The session request',
    options,
  );
}

/** `GET result-url?order_no=` once, validated. */
export async function fetchResult(url: URL, orderNo: string, options: RequestOptions): Promise<KpgResult> {
  const target = new URL(url);
  target.searchParams.set('order_no', orderNo);
  const json = await fetchJson(target, { method: 'GET' }, 'result-failed', 'The result request', options);
  const parsed = ResultSchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeIssues(parsed.error);
    const status = (json as { status?: unknown } | null)?.status;
    throw new KpgError({
      code: 'result-failed',
      message:
        field === 'status' && status !== undefined
          ? `The result has an unknown status ${JSON.stringify(status)}`
          : `The result JSON is not valid: ${message}`,
      ...(field ? { field } : {}),
    });
  }
  if (parsed.data.order_no !== orderNo) {
    throw new KpgError({
      code: 'result-failed',
      field: 'order_no',
      message: `The result is for order ${parsed.data.order_no}, not ${orderNo}`,
    });
  }
  return parsed.data;
}

export interface PollOptions extends RequestOptions {
  /** Total milliseconds to keep asking while the backend says `pending` (or a GET fails transiently). */
  boundMs: number;
}

/** The waits between result requests: quick at first, then every 3 s. */
export function backoff(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 3000);
}

/**
 * Ask result-url until the status is not `pending`, or the bound runs out (then the last `pending`
 * result is returned). Transient failures are retried within the bound; others end at once.
 */
export async function pollResult(url: URL, orderNo: string, options: PollOptions): Promise<KpgResult> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    let last: KpgResult | KpgError;
    try {
      last = await fetchResult(url, orderNo, options);
      if (last.status !== 'pending') return last;
    } catch (error) {
      if (!(error instanceof KpgError) || !error.transient) throw error;
      last = error;
    }
    const wait = backoff(attempt);
    if (performance.now() - started + wait > options.boundMs) {
      if (last instanceof KpgError) throw last;
      return last;
    }
    await sleep(wait, options.signal);
  }
}

/** Turn the backend's verified result into the one event that ends the attempt. */
export function outcomeFromResult(provider: ProviderId, result: KpgResult, pendingMessage: string): Outcome {
  const order_no = result.order_no;
  switch (result.status) {
    case 'paid':
      return {
        type: 'kpg-success',
        detail: { provider, order_no, ...(typeof result.tid === 'string' ? { tid: result.tid } : {}), result },
      };
    case 'failed':
      return {
        type: 'kpg-fail',
        detail: { provider, order_no, code: result.code || 'failed', message: result.message || '' },
      };
    case 'cancelled':
      return { type: 'kpg-cancel', detail: { provider, order_no, reason: result.reason || 'cancelled' } };
    case 'pending':
      return {
        type: 'kpg-error',
        detail: { code: 'result-timeout', message: pendingMessage, provider, order_no },
      };
  }
}
