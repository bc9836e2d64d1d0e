/**
 * JSON over HTTP with the shop's own backend: one request with a deadline that also follows the attempt's
 * signal, and GETs retried on passing failures. Same origin, cookies sent, never cached.
 */
import { KpgError } from './errors.js';
import type { KpgErrorCode } from './events.js';
import { BackendErrorSchema } from './schemas.js';
import { sleep } from './timers.js';

export interface RequestOptions {
  signal: AbortSignal;
  /** Milliseconds before this one request is abandoned. */
  timeoutMs: number;
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
        body.success ? body.data : undefined,
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
 * Safe because a GET changes nothing on the backend; a POST is never retried.
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

/** POST a JSON body (never retried: a second POST could start a second payment). */
export function postJson(
  url: URL,
  body: unknown,
  code: KpgErrorCode,
  what: string,
  options: RequestOptions & { keepalive?: boolean },
): Promise<unknown> {
  return fetchJson(
    url,
    { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, keepalive: !!options.keepalive },
    code,
    what,
    options,
  );
}
