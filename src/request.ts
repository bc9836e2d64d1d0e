/**
 * A request to the shop's own backend, sent (first stage): same origin, cookies, never cached, with a
 * deadline that also follows the attempt's signal. The session request leaves from here inside the buyer's
 * click; reading the answer is http.ts (second stage).
 */

export interface RequestOptions {
  signal: AbortSignal;
  /** Milliseconds before this one request is abandoned. */
  timeoutMs: number;
}

/** A request in flight. */
export interface Sent {
  /** The response (rejects on a network error, the deadline or the attempt's abort). */
  response: Promise<Response>;
  /** The deadline ran out. */
  timedOut(): boolean;
  /** Stop the deadline and stop following the attempt's signal (the answer is read). */
  end(): void;
}

/** `fetch` now, with a deadline that also follows the attempt's signal. */
export function send(url: URL, init: RequestInit, { signal, timeoutMs }: RequestOptions): Sent {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const response = fetch(url, {
    ...init,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { Accept: 'application/json', ...(init.headers ?? {}) },
    signal: controller.signal,
  });
  response.catch(() => {}); // read (and reported) by whoever takes the answer, maybe once the second stage is here
  return {
    response,
    timedOut: () => timedOut,
    end() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** POST a JSON body (never retried: a second POST could start a second payment). */
export const sendJson = (url: URL, body: unknown, options: RequestOptions, keepalive = false): Sent =>
  send(url, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, keepalive }, options);
