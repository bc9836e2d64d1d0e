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
  const reply = await fetchPgText(url, init, options);
  if (!reply.ok) return reply;
  try {
    return { ok: true, status: reply.status, json: JSON.parse(reply.text), text: reply.text };
  } catch {
    return { ok: false, code: 'pg-bad-response', message: `${name} answered HTTP ${reply.status} without JSON.`, status: reply.status };
  }
}

/** The same call, the body as text (Smartro's cancel module answers `Key=Value&...`); `bytes` as received. */
export async function fetchPgText(
  url: URL,
  init: RequestInit,
  options: { timeoutMs: number; name?: string },
): Promise<{ ok: true; status: number; text: string; bytes: Uint8Array } | PgFailure> {
  const name = options.name ?? 'The PG';
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { ok: true, status: response.status, text: Buffer.from(bytes).toString('utf8'), bytes };
  } catch (error) {
    // fetch rejects with the signal's reason (the Fetch standard; Node 20.19+, Deno, browsers): a
    // TimeoutError DOMException from AbortSignal.timeout, whether the headers or the body were late.
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      ok: false,
      code: 'pg-unreachable',
      message: timedOut ? `${name} did not answer within ${options.timeoutMs / 1000} s.` : `${name} could not be reached.`,
    };
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
