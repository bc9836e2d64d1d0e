/**
 * Web-standard HTTP pieces of kpg-checkout/server: one error type, the request body read with a size
 * limit AND a deadline, and the replies (JSON, the small pages the PG sends the buyer's browser to,
 * plain text for PG servers, redirects). Everything here works on `Request` / `Response`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { requestContext } from './limits.js';

/** Nothing legitimate sent to these routes comes near this. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * An error that becomes a reply: JSON `{code, message, field?, ...extra}` on the widget's routes, a page or
 * a short text on the PG's routes. The one error handler in app.ts renders it.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...(this.field === undefined ? {} : { field: this.field }), ...this.extra };
  }
}

/**
 * How a route answers an error: JSON `{code, message}` (the widget's routes, the staff's), a small page (the
 * PG's returns and stops: the buyer's browser is there), or `ERROR <code>` as text (Smartro's RetryURL,
 * server to server). One table, read by app.ts (its error handler) and the OpenAPI document (the 408, 413 and
 * 500 every operation lists); a path it does not name answers JSON. `/x/*` names everything under `/x/`.
 */
export type ErrorForm = 'json' | 'page' | 'text';
export const ERROR_FORMS: ReadonlyArray<readonly [path: string, form: ErrorForm]> = [
  ['/shinhan/*', 'page'],
  ['/smartro/return', 'page'],
  ['/smartro/stop', 'page'],
  ['/smartro/retry', 'text'],
];
export function errorForm(path: string): ErrorForm {
  const found = ERROR_FORMS.find(([p]) => (p.endsWith('/*') ? path.startsWith(p.slice(0, -1)) : path === p));
  return found ? found[1] : 'json';
}

/** 413: more than `limit` bytes (the connection is closed after the reply). */
export const bodyTooLarge = (limit: number) => new HttpError(413, 'body-too-large', `The request body is over ${limit} bytes.`, undefined, {}, { Connection: 'close' });
/** 408: the body did not arrive in time (the connection is closed after the reply). */
export const bodyTimeout = (timeoutMs: number) => new HttpError(408, 'body-timeout', `The request body did not arrive within ${timeoutMs / 1000} s.`, undefined, {}, { Connection: 'close' });
/** 400: the body broke off (the client went away). */
export const badBody = () => new HttpError(400, 'bad-body', 'The request body could not be read.');

/** Reads a request's whole body with a limit and a deadline, rejecting with the errors above. */
export type BodySource = (limit: number, timeoutMs: number) => Promise<Uint8Array>;
const SOURCES = new WeakMap<Request, BodySource>();

/**
 * The Node adapter's way to hand over a body without a web stream (issue 26): `request` is built without
 * one, and readBodyBytes reads through `source`.
 */
export function setBodySource(request: Request, source: BodySource): void {
  SOURCES.set(request, source);
}

/**
 * Reads the whole body, refusing more than `limit` bytes (413) and a body that has not arrived within
 * `timeoutMs` (408): a client that sends one byte a minute must not hold a connection open (issue 10, 9).
 */
export async function readBodyBytes(request: Request, options: { limit?: number; timeoutMs: number }): Promise<Uint8Array> {
  const limit = options.limit ?? MAX_BODY_BYTES;
  const tooLarge = () => bodyTooLarge(limit);
  const source = SOURCES.get(request);
  if (Number(request.headers.get('content-length') ?? 0) > limit) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  // The Node adapter's request: read from the IncomingMessage itself, no web stream (issue 26).
  if (source) return source(limit, options.timeoutMs);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  }, options.timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) break;
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (!timedOut) throw badBody();
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw bodyTimeout(options.timeoutMs);
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The media type without parameters, lower case ("application/json"). */
export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

const COMMON = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } as const;

/** The replies built below inside a request (app.ts), with the text of their body, redacted. */
const BUILT = new WeakMap<Response, string>();

/**
 * The body text of a reply built here, already redacted (issue 26), or undefined for any other Response:
 * kpg.fetch passes such a reply on as it is (anything else it reads and redacts), and the Node adapter
 * writes the text without reading the body stream.
 */
export function builtText(response: Response): string | undefined {
  return BUILT.get(response);
}

/**
 * Every text reply is redacted as it is built (fault 7: no key reaches a browser), with the server's
 * redactor from the request's context; outside a request it is left to kpg.fetch.
 */
function reply(status: number, body: string, headers: Record<string, string>): Response {
  const redact = requestContext.getStore()?.redact;
  const clean = redact ? redact(body) : body;
  const response = new Response(clean, { status, headers });
  if (redact) BUILT.set(response, clean);
  return response;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return jsonText(status, JSON.stringify(body), headers);
}

/** A body that is already JSON text (a PG's answer passed on as it was sent). */
export function jsonText(status: number, text: string, headers: Record<string, string> = {}): Response {
  return reply(status, text, { 'Content-Type': 'application/json; charset=utf-8', ...COMMON, ...headers });
}

/** A short plain-text reply (Smartro's RetryURL expects the body `OK`). */
export function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return reply(status, body, { 'Content-Type': 'text/plain; charset=utf-8', ...COMMON, ...headers });
}

/** 303 See Other: after a POST, the browser follows with a GET. */
export function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, ...COMMON } });
}

const CLOSE_SCRIPT = 'window.close();';
/** The page allows exactly this one inline script (CSP hash), nothing else. */
const CLOSE_SCRIPT_CSP = `'sha256-${createHash('sha256').update(CLOSE_SCRIPT).digest('base64')}'`;

/** A small UTF-8 page for the buyer's browser (the PG sent it here). Plain text only, escaped. */
export function page(status: number, content: { title: string; text: string; closeWindow: boolean }): Response {
  const script = content.closeWindow ? `<script>${CLOSE_SCRIPT}</script>` : '';
  const html = `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
</head>
<body>
<p>${escapeHtml(content.text)}</p>
${script}
</body>
</html>
`;
  return reply(status, html, {
    'Content-Type': 'text/html; charset=utf-8',
    ...COMMON,
    'Content-Security-Policy': `default-src 'none'; script-src ${CLOSE_SCRIPT_CSP}`,
    'Referrer-Policy': 'no-referrer',
  });
}

/**
 * The page Smartro's result form lands on in the PC popup (ReturnURL): it loads the widget's return script
 * from the shop's own origin, which tells the opener and closes the popup. It says nothing about the
 * outcome: the shop page asks result-url.
 */
export function returnPageHtml(orderNo: string, scriptUrl: string): string {
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>결제 결과 확인 중</title>
</head>
<body>
<p>결제 결과를 확인하고 있습니다… 이 창이 닫히지 않으면 직접 닫아 주세요.</p>
<script src="${escapeHtml(scriptUrl)}" data-order-no="${escapeHtml(orderNo)}"></script>
</body>
</html>
`;
}

/** `scriptUrl`: the server's returnScriptUrl option (its one default, '/kpg-return.js', is in index.ts). */
export function returnPage(orderNo: string, scriptUrl: string): Response {
  return reply(200, returnPageHtml(orderNo, scriptUrl), {
    'Content-Type': 'text/html; charset=utf-8',
    ...COMMON,
    // Only scripts from the shop's own origin (/kpg-return.js); nothing inline, nothing else.
    'Content-Security-Policy': "default-src 'none'; script-src 'self'",
    'Referrer-Policy': 'no-referrer',
  });
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An absolute http(s) URL? */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * `url` with `kpg_order_no=<orderNo>` set in its query (an existing one replaced, the rest kept), so the
 * element on the page the buyer comes back to can ask for the outcome even in another browser (contract v2).
 */
export function withOrderNo(url: string, orderNo: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('kpg_order_no', orderNo);
  return parsed.href;
}

/** Constant-time comparison of two secrets (UTF-8 bytes). */
export function sameSecret(received: string, expected: string): boolean {
  const a = Buffer.from(received); // UTF-8, Buffer's default
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cuts a text from a PG to 200 characters before it goes into a record or a log line. */
export function clip(value: string, max = 200): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
