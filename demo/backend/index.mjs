// @ts-check
/**
 * Reference merchant backend for Shinhan PG (SPG) and Smartro WEBLink: what a shop's own server must do.
 *
 *   import { createMerchantBackend, configFromEnv } from './demo/backend/index.mjs';
 *   const backend = createMerchantBackend(configFromEnv());
 *   http.createServer((req, res) => backend(req, res, () => { res.statusCode = 404; res.end(); }));
 *   // or: vite `server.middlewares.use(backend)`, express `app.use(backend)`
 *
 * Routes: see routes.mjs and README.md. Everything else goes to next().
 */
import { resolveConfig } from './config.mjs';
import { HttpError, sendError, sendJson, sendPage, sendText } from './http.mjs';
import { createRoutes } from './routes.mjs';
import { createShinhanClient } from './shinhan.mjs';
import { createSmartroClient } from './smartro.mjs';
import { createStore } from './store.mjs';

export { configFromEnv, ENV_NAMES, resolveConfig, SANDBOX_DEFAULTS } from './config.mjs';
export { createStore, DEFAULT_ORDERS, DEMO_BUYER_CONTACT } from './store.mjs';
export { paramIsptHash, payIsptHash, sha256Hex } from './shinhan.mjs';
export { encryptData, kstTimestamp, parseResultForm, signValue, SUCCESS_CODES } from './smartro.mjs';
export { returnPageHtml } from './http.mjs';
export { ROUTES } from './routes.mjs';

/**
 * @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse,
 *   next: (error?: unknown) => void) => void} Middleware
 * @typedef {Middleware & { store: import('./store.mjs').Store }} MerchantBackend
 */

/**
 * @param {Partial<import('./config.mjs').MerchantConfig>} [options]  missing settings take the sandbox defaults
 * @returns {MerchantBackend}
 */
export function createMerchantBackend(options = {}) {
  const config = resolveConfig(options);
  const store = createStore(config.orders);
  const routes = createRoutes({ config, store, shinhan: createShinhanClient(config), smartro: createSmartroClient(config) });

  /** @type {Middleware} */
  function middleware(req, res, next) {
    const url = new URL(req.url ?? '/', 'http://backend.invalid');
    const route = routes.get(url.pathname);
    if (!route) {
      next();
      return;
    }
    if (!route.methods.includes(req.method ?? '')) {
      const allow = route.methods.join(', ');
      sendJson(res, 405, { code: 'method-not-allowed', message: `Use ${route.methods.join(' or ')}.` }, { Allow: allow });
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res, url))
      .catch((error) => replyWithError(res, route.kind, error));
  }

  return Object.assign(middleware, { store });
}

/**
 * JSON routes answer `{ code, message, field? }`; the pages the PG sends the buyer to answer HTML;
 * a route called by a PG server (Smartro RetryURL) answers plain text.
 * @param {import('node:http').ServerResponse} res
 * @param {'json' | 'page' | 'text'} kind
 * @param {unknown} error
 */
function replyWithError(res, kind, error) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (!(error instanceof HttpError)) {
    // Log the error, never the config: no key ever goes to the log.
    console.error('kpg backend: internal error:', error instanceof Error ? error.message : error);
    error = new HttpError(500, 'internal-error', 'Internal error.');
  }
  const httpError = /** @type {HttpError} */ (error);
  if (kind === 'json') {
    sendError(res, httpError);
  } else if (kind === 'text') {
    sendText(res, httpError.status, `ERROR ${httpError.code}`);
  } else {
    sendPage(res, httpError.status, { title: '결제 오류', text: `결제 처리 중 오류가 발생했습니다 (${httpError.code}).`, closeWindow: false });
  }
}
