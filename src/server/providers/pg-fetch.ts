/**
 * One server-to-server call to a PG: a time limit that also covers reading the body, and the answer read
 * as JSON. What it cannot learn is said precisely, because the difference decides between `failed` and
 * `unknown`: a PG that did not answer may still have taken the money.
 */

export type PgFailure = {
  ok: false;
  /** pg-unreachable: network error or timeout (the PG may have acted); pg-bad-response: not JSON. */
  code: 'pg-unreachable' | 'pg-bad-response';
  message: string;
  /** The HTTP status when there was one. */
  status?: number;
};

export type PgReply = { ok: true; status: number; json: unknown; text: string };

export async function fetchPgJson(url: URL, init: RequestInit, options: { timeoutMs: number; name?: string }): Promise<PgReply | PgFailure> {
  const name = options.name ?? 'The PG';
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      ok: false,
      code: 'pg-unreachable',
      message: timedOut ? `${name} did not answer within ${options.timeoutMs / 1000} s.` : `${name} could not be reached.`,
    };
  }
  try {
    return { ok: true, status: response.status, json: JSON.parse(text), text };
  } catch {
    return { ok: false, code: 'pg-bad-response', message: `${name} answered HTTP ${response.status} without JSON.`, status: response.status };
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
