/**
 * kpg-checkout/server on node:http, Express, Connect and Vite's dev server: a Connect-style middleware
 * around the Web-standard handler.
 *
 *   import { toNodeHandler } from 'kpg-checkout/server/node';
 *   app.use(toNodeHandler(kpg));                                   // Express / Connect / Vite
 *   http.createServer(toNodeHandler(kpg)).listen(3000);            // node:http (404 for other paths)
 *
 * Requests outside `kpg.basePath` go to `next()`. Mount it BEFORE any body parser (express.json(),
 * express.urlencoded()): the Smartro result form has to be read as raw bytes (EUC-KR or UTF-8).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KpgServer } from './index.js';

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

export interface NodeHandlerOptions {
  /**
   * The client's address for rate limits and Shinhan's ip_addr. Default: the socket's. Behind your own
   * reverse proxy, read the header it sets (never trust X-Forwarded-For that a browser could send).
   */
  clientIp?: (req: IncomingMessage) => string | undefined;
}

export function toNodeHandler(server: Pick<KpgServer, 'fetch' | 'basePath'>, options: NodeHandlerOptions = {}): NodeMiddleware {
  const base = server.basePath === '/' ? '' : server.basePath;
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
  const url = new URL(req.url ?? '/', `http://${host}`);
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // `duplex: 'half'`: Node's fetch needs it for a streamed body.
  const init: RequestInit & { duplex: 'half' } = {
    method,
    headers,
    body: hasBody ? bodyStream(req) : undefined,
    duplex: 'half',
  };
  const request = new Request(url, init);
  // The socket's address (an IPv6 client is limited by its /64: clientKey in limits.ts); none: undefined.
  const remote = req.socket.remoteAddress ?? '';
  const clientIp = options.clientIp?.(req) ?? ((remote.startsWith('::ffff:') ? remote.slice(7) : remote) || undefined);
  const response = await server.fetch(request, { clientIp });

  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('Set-Cookie', cookies);
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  if (body) res.setHeader('Content-Length', body.length);
  res.end(body);
  // A body refused for its size or its slowness is not read to the end: do not keep that connection.
  if (response.status === 408 || response.status === 413) res.once('finish', () => req.destroy());
}

/**
 * The request body as a web stream, with backpressure. (Not `Readable.toWeb`: on Node 20 a stream cancelled
 * before the body ended throws ERR_INVALID_STATE from its data handler, an uncaught exception that would take
 * the shop's process down.) After a cancel the rest is read and dropped.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        controller.close();
      });
      req.on('error', (error) => {
        if (done) return;
        done = true;
        controller.error(error);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      done = true;
      req.resume();
    },
  }, { highWaterMark: 4 });
}
