/**
 * JSON over HTTP with the shop's own backend: one request with a deadline that also follows the attempt's
 * signal, and GETs retried on passing failures. Same origin, cookies sent, never cached.
 */
import { KpgError } from './errors.js';
import type { KpgErrorCode } from './events.js';
import { send, sendJson, type RequestOptions, type Sent } from './request.js';
import { BackendErrorSchema } from './schemas.js';
import { sleep } from './timers.js';
import { say } from './messages.js';

export type { RequestOptions };

/**
 * The JSON answer of a request (sent now, or already `sent`: the session request leaves inside the click,
 * on the first stage). Throws KpgError: network, deadline, HTTP error (with the backend's error body), not JSON.
 */
export async function fetchJson(
  url: URL,
  init: RequestInit,
  code: KpgErrorCode,
  what: string,
  options: RequestOptions,
  sent: Sent = send(url, init, options),
): Promise<unknown> {
  try {
    let response: Response;
    try {
      response = await sent.response;
    } catch (error) {
      if (options.signal.aborted) throw error;
      const message = sent.timedOut() ? say('request-timeout', what, options.timeoutMs / 1000) : say('request-network', what, url.pathname);
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
      const said = body.success ? body.data.message : '';
      throw new KpgError(
        {
          code,
          status: response.status,
          message: say('request-http', what, response.status, said),
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
        message: say('request-not-json', what, response.headers.get('content-type')),
      });
    }
    return json;
  } finally {
    sent.end();
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

/** POST a JSON body and read the answer (never retried: a second POST could start a second payment). */
export function postJson(
  url: URL,
  body: unknown,
  code: KpgErrorCode,
  what: string,
  options: RequestOptions & { keepalive?: boolean },
): Promise<unknown> {
  return fetchJson(url, {}, code, what, options, sendJson(url, body, options, options.keepalive));
}
