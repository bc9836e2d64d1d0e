/**
 * kpg-checkout/server on node:http, Express, Connect and Vite's dev server: a Connect-style middleware
 * around the Web-standard handler.
 *
 *   import { toNodeHandler } from 'kpg-checkout/server/node';
 *   app.use(toNodeHandler(kpg));                                   // Express / Connect / Vite
 *   http.createServer(toNodeHandler(kpg)).listen(3000);            // node:http (404 for other paths)
 *
 * Requests outside `kpg.basePath` go to `next()`. Mount it BEFORE any body parser (express.json(),
 * express.urlencoded()): the Smartro result form has to be read as raw bytes (EUC-KR or UTF-8). A body a
 * parser already read is answered at once with a 500 saying so (and one process warning per handler).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badBody, bodyTimeout, bodyTooLarge, builtText, setBodySource, type HttpError } from './http.js';
import type { KpgServer } from './index.js';

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

export interface NodeHandlerOptions {
  /**
   * The client's address for rate limits and Shinhan's ip_addr. Default: the socket's. Behind your own
   * reverse proxy, read the header it sets (never trust X-Forwarded-For that a browser could send).
   */
  clientIp?: (req: IncomingMessage) => string | undefined;
}

/** Said (once per handler, as a process warning) and answered when a body parser ran before this handler. */
export const BODY_ALREADY_READ =
  'kpg-checkout/server: a body parser (express.json(), express.urlencoded(), ...) read the request body before toNodeHandler(kpg): mount toNodeHandler(kpg) before body parsers';

export function toNodeHandler(server: Pick<KpgServer, 'fetch' | 'basePath'>, options: NodeHandlerOptions = {}): NodeMiddleware {
  const base = server.basePath === '/' ? '' : server.basePath;
  let warned = false;
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== base && !path.startsWith(`${base}/`)) {
      if (next) next();
      else {
        res.statusCode = 404;
        res.end();
      }
      return;
    }
    // The stream was read already: waiting for it would end in a 408 after bodyTimeoutMs. Say what to fix now.
    if (req.method !== 'GET' && req.method !== 'HEAD' && (req.readableDidRead || req.readableEnded)) {
      if (!warned) process.emitWarning(BODY_ALREADY_READ, { code: 'KPG_BODY_ALREADY_READ' });
      warned = true;
      res.statusCode = 500;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify({ code: 'body-already-read', message: BODY_ALREADY_READ }));
      return;
    }
    handle(server, req, res, options).catch((error) => {
      if (next) next(error);
      else {
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      }
    });
  };
}

async function handle(server: Pick<KpgServer, 'fetch'>, req: IncomingMessage, res: ServerResponse, options: NodeHandlerOptions) {
  const method = req.method ?? 'GET';
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const host = req.headers.host ?? 'localhost';
  const path = req.url ?? '/';
  const url = path.startsWith('/') && !path.startsWith('//') ? `http://${host}${path}` : new URL(path, `http://${host}`).href;
  // No web stream for the body (issue 26): readBodyBytes reads it from `req` through the source set below.
  const request = lazyRequest(url, method, headers);
  const hasBody = method !== 'GET' && method !== 'HEAD';
  let bodyRead = false;
  if (hasBody) {
    setBodySource(request, (limit, timeoutMs) => {
      bodyRead = true;
      return readNodeBody(req, limit, timeoutMs);
    });
  }
  // The socket's address (an IPv6 client is limited by its /64: clientKey in limits.ts); none: undefined.
  const remote = req.socket.remoteAddress ?? '';
  const clientIp = options.clientIp?.(req) ?? ((remote.startsWith('::ffff:') ? remote.slice(7) : remote) || undefined);
  const response = await server.fetch(request, { clientIp });

  const head: Record<string, string | string[] | number> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') head[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) head['set-cookie'] = cookies;
  // A reply http.ts built (redacted as it was built) is written from its text, without reading its stream.
  const text = builtText(response);
  const body = text !== undefined ? Buffer.from(text, 'utf8') : response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  if (body) head['content-length'] = body.length;
  res.writeHead(response.status, head);
  res.end(body);
  // A body refused for its size or its slowness is not read to the end: do not keep that connection.
  if (response.status === 408 || response.status === 413) res.once('finish', () => req.destroy());
  // A body no route read (a 404, a wrong method, StopURL's) is read and dropped, so the connection can serve the next request.
  else if (hasBody && !bodyRead) req.resume();
}

/**
 * The whole body of `req`, at most `limit` bytes (413) and within `timeoutMs` (408), read from the stream's
 * own events (no web stream, no getReader(): issue 26). After a refusal the rest is read and dropped.
 */
function readNodeBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: HttpError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        req.resume();
        reject(error);
      } else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(bodyTooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = () => finish(badBody());
    // The client went away before the body ended.
    const onClose = () => finish(req.complete ? undefined : badBody());
    const timer = setTimeout(() => finish(bodyTimeout(timeoutMs)), timeoutMs);
    if (req.readableEnded) return finish(undefined);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const URL_KEY = Symbol('url');
const METHOD_KEY = Symbol('method');
const HEADERS_KEY = Symbol('headers');
const REAL_KEY = Symbol('request');
interface Lazy {
  [URL_KEY]: string;
  [METHOD_KEY]: string;
  [HEADERS_KEY]: Headers;
  [REAL_KEY]?: Request;
}
const real = (lazy: Lazy) => (lazy[REAL_KEY] ??= new Request(lazy[URL_KEY], { method: lazy[METHOD_KEY], headers: lazy[HEADERS_KEY] }));

/**
 * A `Request` (instanceof, same members) whose method, URL and headers are plain fields, and whose undici
 * Request (its AbortSignal, its internal state) is made only when something asks for more (issue 26: the
 * routes, loadOrder and authorize read only those three; building it for every request cost about 2% of a
 * session's CPU). It has no body: readBodyBytes reads the IncomingMessage (setBodySource).
 */
const LAZY_PROTOTYPE: object = Object.create(Request.prototype, {
  method: { get(this: Lazy) { return this[METHOD_KEY]; } },
  url: { get(this: Lazy) { return this[URL_KEY]; } },
  headers: { get(this: Lazy) { return this[HEADERS_KEY]; } },
  ...Object.fromEntries(
    ['body', 'bodyUsed', 'cache', 'credentials', 'destination', 'integrity', 'keepalive', 'mode', 'redirect', 'referrer', 'referrerPolicy', 'signal', 'duplex'].map((key) => [
      key,
      { get(this: Lazy) { return (real(this) as unknown as Record<string, unknown>)[key]; } },
    ]),
  ),
  ...Object.fromEntries(
    ['arrayBuffer', 'blob', 'bytes', 'clone', 'formData', 'json', 'text'].map((key) => [
      key,
      { value(this: Lazy) { return (real(this) as unknown as Record<string, () => unknown>)[key](); } },
    ]),
  ),
});

function lazyRequest(url: string, method: string, headers: Headers): Request {
  const lazy = Object.create(LAZY_PROTOTYPE) as Lazy;
  lazy[URL_KEY] = url;
  lazy[METHOD_KEY] = method;
  lazy[HEADERS_KEY] = headers;
  return lazy as unknown as Request;
}
