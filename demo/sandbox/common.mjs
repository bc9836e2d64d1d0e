// @ts-check
/**
 * Helpers shared by the sandbox PG servers (demo/sandbox/shinhan/ and demo/sandbox/smartro/): HTTP plumbing
 * (bodies, JSON / HTML answers, routing, starting and stopping a server), Korea-time formatting and the HTML
 * pieces both sandboxes' pages are built from. Nothing here knows a PG's error codes, messages or markup
 * ids: each sandbox passes those in, so each keeps answering exactly as its own PG does.
 */
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------- values

/** Largest request body the sandboxes read (larger ones are answered with the sandbox's own "too large" error). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Constant-time string comparison (UTF-8 bytes). @param {string} a @param {string} b */
export function safeEqual(a, b) {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Random URL-safe token (tokens, nonces). @param {number} bytes */
export const randomToken = (bytes = 24) => randomBytes(bytes).toString('base64url');

/**
 * Sandbox-clock ms in Korea time (UTC+9, no DST), as zero-padded parts; each sandbox formats them its PG's way.
 * @param {number} ms
 */
export function kstParts(ms) {
  const d = new Date(ms + 9 * 3600 * 1000);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return {
    year: String(d.getUTCFullYear()),
    month: p(d.getUTCMonth() + 1),
    day: p(d.getUTCDate()),
    hour: p(d.getUTCHours()),
    minute: p(d.getUTCMinutes()),
    second: p(d.getUTCSeconds()),
  };
}

// ---------------------------------------------------------------------------------------------- requests

/**
 * Reads the request body up to `maxBytes`.
 * @param {http.IncomingMessage} req
 * @param {number} [maxBytes]
 * @returns {Promise<{ ok: true, buf: Buffer } | { ok: false }>}
 */
export function readBody(req, maxBytes = MAX_BODY_BYTES) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { ok: false } : { ok: true, buf: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

/** Strict UTF-8 decoding. @param {Buffer} buf @returns {string | null} null when the bytes are not valid UTF-8 */
export function decodeUtf8(buf) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

/** The request's media type (Content-Type without parameters, lower case). @param {http.IncomingMessage} req */
export function mediaType(req) {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/**
 * @typedef {'media-type' | 'too-large' | 'malformed' | 'not-object'} JsonBodyProblem
 *   media-type: Content-Type is not application/json (the body is drained); too-large: over MAX_BODY_BYTES;
 *   malformed: not UTF-8 JSON; not-object: JSON, but not an object.
 */

/**
 * Reads a UTF-8 JSON object body. The caller answers a problem in its PG's own way.
 * @param {http.IncomingMessage} req
 * @returns {Promise<{ ok: true, value: Record<string, any> } | { ok: false, problem: JsonBodyProblem }>}
 */
export async function readJsonBody(req) {
  if (mediaType(req) !== 'application/json') {
    req.resume();
    return { ok: false, problem: 'media-type' };
  }
  const body = await readBody(req);
  if (!body.ok) return { ok: false, problem: 'too-large' };
  const text = decodeUtf8(body.buf);
  /** @type {unknown} */
  let parsed;
  try {
    if (text === null) throw new Error('not utf-8');
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, problem: 'not-object' };
  return { ok: true, value: /** @type {Record<string, any>} */ (parsed) };
}

// ---------------------------------------------------------------------------------------------- answers

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * @param {http.ServerResponse} res @param {number} status @param {string} html
 * @param {Record<string, string>} [headers]
 */
export function sendHtml(res, status, html, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    // No X-Frame-Options / frame-ancestors on purpose: tests embed shop pages that navigate here.
    ...headers,
  });
  res.end(html);
}

// ---------------------------------------------------------------------------------------------- routing

/** @typedef {(req: http.IncomingMessage, res: http.ServerResponse, url: URL) => unknown} RouteHandler */
/** @typedef {Partial<Record<string, RouteHandler>>} RouteMethods handlers by HTTP method */

/**
 * How a sandbox answers requests no route takes (each in its PG's own format). The request body has
 * already been drained when these are called.
 * @typedef {object} RouteFailures
 * @property {(req: http.IncomingMessage, res: http.ServerResponse) => unknown} badTarget the request target is not a URL
 * @property {(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => unknown} notFound
 * @property {(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, headers: { Allow: string }) => unknown} methodNotAllowed
 */

/**
 * Parses the request target, finds its route and runs the handler for the method.
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res
 * @param {(pathname: string) => RouteMethods | undefined} lookup
 * @param {RouteFailures} fail
 */
export async function dispatch(req, res, lookup, fail) {
  const raw = req.url ?? '/';
  /** @type {URL} */
  let url;
  try {
    // A fixed base: "//host/path" must not be read as another authority.
    url = new URL(raw.startsWith('/') ? `http://sandbox.invalid${raw}` : raw);
  } catch {
    req.resume();
    return fail.badTarget(req, res);
  }
  const methods = lookup(url.pathname);
  if (!methods) {
    req.resume();
    return fail.notFound(req, res, url.pathname);
  }
  const handler = methods[req.method ?? 'GET'];
  if (!handler) {
    req.resume();
    return fail.methodNotAllowed(req, res, url.pathname, { Allow: Object.keys(methods).join(', ') });
  }
  await handler(req, res, url);
}

/**
 * Wraps an async request handler: an exception is logged and answered with `sendInternal` (or the
 * connection is dropped when the answer has already started).
 * @param {string} name sandbox name for the log line
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<unknown>} run
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => void} sendInternal
 * @returns {(req: http.IncomingMessage, res: http.ServerResponse) => void}
 */
export function guardHandler(name, run, sendInternal) {
  return (req, res) => {
    run(req, res).catch((err) => {
      console.error(`[sandbox ${name}] internal error`, err);
      if (res.headersSent) res.destroy();
      else sendInternal(req, res);
    });
  };
}

// ---------------------------------------------------------------------------------------------- servers

/** Host as it goes into a URL (wildcard binds become loopback; IPv6 in brackets). @param {string} host */
export function hostForUrl(host) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a node:http server for a sandbox on host:port (port 0 = ephemeral; the real port is in `origin`).
 * The sandbox is created once the origin is known; requests before that get `sendStarting`.
 * @template {{ handle(req: http.IncomingMessage, res: http.ServerResponse): void }} S
 * @param {object} options
 * @param {string} options.host
 * @param {number} options.port
 * @param {string | undefined} options.publicOrigin overrides the origin (default http://host:port)
 * @param {(origin: string) => S} options.create
 * @param {(res: http.ServerResponse) => void} options.sendStarting
 * @param {(sandbox: S) => void} [options.beforeClose]
 * @returns {Promise<{ origin: string, sandbox: S, close(): Promise<void> }>}
 */
export async function startSandboxServer({ host, port, publicOrigin, create, sendStarting, beforeClose }) {
  /** @type {S | undefined} */
  let sandbox;
  const server = http.createServer((req, res) => {
    if (sandbox) sandbox.handle(req, res);
    else sendStarting(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('unexpected server address');
  const origin = publicOrigin ? new URL(publicOrigin).origin : `http://${hostForUrl(host)}:${address.port}`;
  const sb = create(origin);
  sandbox = sb;
  return {
    origin,
    sandbox: sb,
    close: () =>
      new Promise((resolve, reject) => {
        beforeClose?.(sb);
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** True when the module with this import.meta.url is the script node was started with. @param {string} moduleUrl */
export const isMainModule = (moduleUrl) => Boolean(process.argv[1]) && fileURLToPath(moduleUrl) === process.argv[1];

/**
 * Runs a sandbox from the command line: starts it on PORT / HOST (SANDBOX_PUBLIC_ORIGIN overrides the
 * origin), prints `banner(origin)` and closes it on SIGINT / SIGTERM.
 * @param {(options: { host: string, port: number, publicOrigin: string | undefined }) => Promise<{ origin: string, close(): Promise<void> }>} start
 * @param {number} defaultPort
 * @param {(origin: string) => string[]} banner
 */
export async function runFromCommandLine(start, defaultPort, banner) {
  const port = process.env.PORT ? Number(process.env.PORT) : defaultPort;
  const host = process.env.HOST || '127.0.0.1';
  const started = await start({
    host,
    port,
    publicOrigin: process.env.SANDBOX_PUBLIC_ORIGIN || undefined,
  });
  for (const line of banner(started.origin)) console.log(line);
  const stop = () => {
    started.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// ---------------------------------------------------------------------------------------------- pages

/** Text or attribute value for HTML. @param {unknown} value */
export function escapeHtml(value) {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * An amount in won with thousands separators: 1234 -> "1,234원", -500 -> "-500원", "0012000" -> "12,000원"
 * (leading zeros of a digit string are dropped).
 * @param {number | string} amount
 */
export function formatWon(amount) {
  return `${String(amount).replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}원`;
}

/**
 * The frame of every sandbox page (UTF-8, Korean): head with the page's CSS, the brand header, `<main>`.
 * @param {object} p
 * @param {string} p.title plain text
 * @param {string} p.css the page's style sheet (trusted)
 * @param {string} p.brand header HTML (trusted)
 * @param {string} p.body main HTML (trusted)
 * @param {string} [p.bodyAttrs] attributes of `<body>` with their leading space (trusted)
 * @param {string} [p.extraHead] more HTML for the end of `<head>` (trusted)
 */
export function pageShell({ title, css, brand, body, bodyAttrs = '', extraHead = '' }) {
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
${css}</style>
${extraHead}</head>
<body${bodyAttrs}>
<header>${brand}</header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Hidden form inputs, one a line. @param {Iterable<[string, string]>} entries */
export const hiddenInputs = (entries) =>
  [...entries].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');

/**
 * Main HTML of a payment page: the summary (#summary-title and the `<dl>` rows), the buyer's choice, a form that
 * posts `nonce` and `choice` (#approve | #cancel | #fail) to `decideAction`, and the sandbox note.
 * @param {object} p
 * @param {string} p.rows `<dt>`/`<dd>` lines (trusted)
 * @param {string} p.decideAction
 * @param {string} p.nonce
 * @param {string} [p.headingAttrs] more attributes of the `<h1>` with their leading space (trusted)
 * @param {string} [p.options] the buyer's choices inside the form, before the buttons (trusted): a payment
 *   method, a cash receipt (issue 11)
 */
export function payPageBody({ rows, decideAction, nonce, headingAttrs = '', options = '' }) {
  return `<section class="surface" aria-labelledby="summary-title">
<h1 id="summary-title"${headingAttrs}>결제 정보 확인</h1>
<dl>
${rows}
</dl>
<form method="post" action="${escapeHtml(decideAction)}" accept-charset="UTF-8" class="actions">
<input type="hidden" name="nonce" value="${escapeHtml(nonce)}">
${options}<button type="submit" id="approve" name="choice" value="approve" class="primary">승인</button>
<button type="submit" id="cancel" name="choice" value="cancel" class="secondary">취소</button>
<button type="submit" id="fail" name="choice" value="fail" class="secondary">실패 (테스트)</button>
</form>
</section>
<p class="note">이 화면은 로컬 샌드박스입니다. 실제 결제는 이루어지지 않습니다.</p>`;
}

/** Fallback button of an auto-submitted return form when scripts do not run. */
export const NOSCRIPT_RETURN_BUTTON = '<noscript><button type="submit" class="primary">가맹점으로 돌아가기</button></noscript>';
