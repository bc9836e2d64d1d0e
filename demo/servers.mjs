// @ts-check
// Starts what the demo shop and the browser tests need: the sandbox PGs on their own origins and the shop's
// server side (kpg-checkout/server with the demo's orders, as middleware for the shop's own server), wired
// to each other. The server module is the built one (dist/server): `npm start` and `npm test` build it first.
import { createDemoBackend } from './backend/index.mjs';
import { startShinhanSandbox } from './sandbox/shinhan/server.mjs';
import { startSmartroSandbox } from './sandbox/smartro/server.mjs';
import { createDemoShop } from './shop.mjs';
import { galleryStubs } from './gallery-stubs.mjs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The shop's server also serves `/kpg-return.js`, the widget's script for the PG return page: the built
 * `dist/kpg-return.js` (tests: what ships), or bundled from source on each request (the demo: no build).
 * @param {'dist' | 'source'} from
 */
function returnScript(from) {
  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void} */
  return (req, res, next) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/kpg-return.js') return next();
    const code =
      from === 'dist'
        ? readFile(new URL('../dist/kpg-return.js', import.meta.url), 'utf8')
        : import('esbuild').then(({ build }) =>
            build({
              entryPoints: [fileURLToPath(new URL('../src/kpg-return/kpg-return.ts', import.meta.url))],
              bundle: true,
              write: false,
              format: 'iife',
              target: 'es2020',
            }).then((out) => out.outputFiles[0].text),
          );
    code.then(
      (text) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(text);
      },
      (error) => {
        res.statusCode = 500;
        res.end(`kpg-return.js: ${error.message}`);
      },
    );
  };
}

/**
 * @param {{ publicBaseUrl: string, shinhanPort?: number, smartroPort?: number, host?: string, env?: Record<string, string | undefined>, returnScriptFrom?: 'dist' | 'source', database?: import('../dist/server/index.js').DatabaseOptions, rateLimit?: import('../dist/server/index.js').KpgServerOptions['rateLimit'], shinhanTerms?: 'standard' | 'hostile' | 'none' }} options
 *   `env`: environment variables for the server (the demo passes process.env, so SHINHAN_API_BASE etc. can
 *   point it at a PG's real test server, DATABASE_URL at PostgreSQL and KPG_DATA_DIR at a PGlite directory to
 *   keep; tests pass nothing: the sandboxes and a temporary PGlite directory removed on close).
 *   `rateLimit`: the server's per-client limits (default: kpg-checkout/server's own).
 *   `shinhanTerms`: what the Shinhan sandbox's terms-info-list answers (default "standard": the demo shows the
 *   consent step; the browser tests pass "none" and test the consent step on their own terms).
 */
export async function demoServers({ publicBaseUrl, shinhanPort = 5174, smartroPort = 5175, host = '127.0.0.1', env = {}, returnScriptFrom = 'source', database, rateLimit, shinhanTerms }) {
  const shinhan = await startShinhanSandbox({ host, port: shinhanPort, terms: shinhanTerms });
  const smartro = await startSmartroSandbox({ host, port: smartroPort });
  const demo = createDemoBackend({ publicBaseUrl, sandboxes: { shinhanOrigin: shinhan.origin, smartroOrigin: smartro.origin }, env, database, rateLimit });
  await demo.kpg.ready;
  const shop = createDemoShop(demo.orders, demo.kpg, demo.clock);
  const script = returnScript(returnScriptFrom);
  const gallery = galleryStubs(); // demo/gallery.html's stub endpoints, under /gallery/
  /** POST /api/demo/receiver {down: boolean}: the demo ERP that hears the events goes down or comes back. */
  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void} */
  const receiver = (req, res, next) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/api/demo/receiver') return next();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        demo.receiver.down = JSON.parse(body || '{}').down === true;
      } catch {
        /* unchanged */
      }
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ down: demo.receiver.down }));
    });
  };
  /** The shop's server: the return script, the gallery's stubs, the demo staff login, its demo order step, then kpg-checkout/server under /api/kpg. */
  const backend = Object.assign(
    /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: (e?: unknown) => void) => void} */
    (req, res, next) => script(req, res, () => gallery(req, res, () => demo.staffLogin(req, res, () => receiver(req, res, () => shop(req, res, () => demo.middleware(req, res, next)))))),
    { kpg: demo.kpg, orders: demo.orders, logLines: demo.logLines },
  );
  const store = await demo.kpg.store();
  return {
    backend,
    kpg: demo.kpg,
    // What the demo's server talks to (printed by `npm start`).
    config: { ...demo.pgOptions, engine: store.engine },
    shinhanOrigin: shinhan.origin,
    smartroOrigin: smartro.origin,
    shinhan,
    smartro,
    close: () => Promise.all([shinhan.close(), smartro.close(), demo.close()]),
  };
}
