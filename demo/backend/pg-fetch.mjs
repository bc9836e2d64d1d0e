// @ts-check
/**
 * Calling a PG from your server: one request with a time limit, whose answer must be JSON.
 * Used by the Shinhan client (shinhan.mjs) and by Smartro's receipt API client (smartro.mjs), which
 * then check the JSON each in their own way.
 * Server to server only: the keys these requests carry must never reach a browser.
 */

/**
 * Why a call to a PG gave nothing usable; the routes answer it as `502 { code, message }`.
 *   pg-unreachable: network error or timeout; pg-bad-response: not JSON, or not the expected shape;
 *   pg-refused: the PG said no (message: what it said, clipped).
 * @typedef {{ ok: false, code: 'pg-refused' | 'pg-unreachable' | 'pg-bad-response', message: string }} PgFailure
 */

/**
 * A PG's answer that is JSON, whatever its HTTP status. `text` is the body exactly as sent.
 * @typedef {{ ok: true, status: number, json: unknown, text: string }} PgReply
 */

/**
 * Sends one request to a PG and reads the answer as JSON.
 * @param {URL} url
 * @param {RequestInit} init
 * @param {{ timeoutMs: number, name?: string }} options  name: what the "without JSON" message calls
 *   the other side ("The PG" unless told)
 * @returns {Promise<PgReply | PgFailure>}
 */
export async function fetchPgJson(url, init, { timeoutMs, name = 'The PG' }) {
  let response;
  let text;
  try {
    // The timeout also covers reading the body.
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      ok: false,
      code: 'pg-unreachable',
      message: timedOut ? `The PG did not answer within ${timeoutMs / 1000} s.` : 'The PG could not be reached.',
    };
  }
  try {
    return { ok: true, status: response.status, json: JSON.parse(text), text };
  } catch {
    return { ok: false, code: 'pg-bad-response', message: `${name} answered HTTP ${response.status} without JSON.` };
  }
}

/**
 * Cuts a text from a PG (a message, a field) to 200 characters before it goes into a reply or the
 * refusal log.
 * @param {string} text
 */
export function clip(text) {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
