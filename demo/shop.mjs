// @ts-check
// The demo shop's own little order step: a shopper picks a product, the shop's server creates an order
// (price from the catalogue, never from the browser) bound to the shopper's demo buyer cookie, and the page
// pays for that order id.   POST /api/demo/orders {product_id} -> {order_id, amount, product_name}
import { randomBytes } from 'node:crypto';

export const CATALOGUE = Object.freeze([
  { product_id: 'p1', product_name: '테스트 상품', amount: 11000 },
  { product_id: 'p2', product_name: '무선 이어폰 (화이트)', amount: 55000 },
  { product_id: 'p3', product_name: '노트북 15인치', amount: 1200000 },
  // '똠' is not among the 2,350 syllables of KS X 1001: a name EUC-KR cannot hold.
  { product_id: 'p4', product_name: '똠방각하 한정판', amount: 3000 },
  // An emoji no EUC-KR encoder holds: on Smartro's PC form (EUC-KR) the server sends it as "?".
  { product_id: 'p5', product_name: '🎁 선물 세트', amount: 25000 },
]);

/**
 * @param {import('./backend/orders.mjs').DemoOrders} orders
 * @param {{ reconcile(): Promise<unknown>, refundsDue(): Promise<unknown>, refusals(o: { orderNo?: string }): Promise<unknown>, cancel(args: unknown): Promise<unknown> }} [kpg]
 *   the demo's server, for its staff routes: `POST /api/demo/reconcile` runs reconcile() (what a shop's cron
 *   runs: it settles confirm timeouts and learns Shinhan's virtual-account deposits), `GET /api/demo/refunds`
 *   lists money owed back, `GET /api/demo/refusals?order_no=` the results and notices the server refused,
 *   `POST /api/demo/cancel {order_id, amount?}` gives an order's payment back (kpg.cancel, issue 22: all of it,
 *   or `amount` won), answering what kpg.cancel answers.
 * @param {{ advance(ms: number): number, reset(): void, offset(): number }} [clock] the demo server's clock:
 *   `POST /api/demo/clock {advance_ms}` moves it forward (a virtual account past its due day), `{reset: true}`
 *   puts it back. A real shop keeps these behind its admin login (and has no clock to move).
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
export function createDemoShop(orders, kpg, clock) {
  return (req, res, next) => {
    const path = (req.url ?? '').split('?')[0];
    if (kpg && clock && path === '/api/demo/clock' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        let asked = {};
        try {
          asked = JSON.parse(body || '{}');
        } catch {
          /* an empty answer below */
        }
        const ms = /** @type {{ advance_ms?: unknown, reset?: unknown }} */ (asked).advance_ms;
        if (/** @type {{ reset?: unknown }} */ (asked).reset === true) clock.reset();
        else if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) clock.advance(ms);
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ offset_ms: clock.offset() }));
      });
      return;
    }
    if (kpg && path === '/api/demo/cancel' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        /** @type {{ order_id?: unknown, amount?: unknown }} */
        let asked = {};
        try {
          asked = JSON.parse(body || '{}');
        } catch {
          /* kpg.cancel names what is missing */
        }
        const args = { order_id: asked.order_id, ...(asked.amount === undefined ? {} : { amount: asked.amount }), reason: '데모 상점 취소', idempotency_key: `demo-${randomBytes(8).toString('hex')}` };
        kpg.cancel(args).then(
          (answer) => send(200, answer),
          (/** @type {any} */ error) => send(typeof error?.status === 'number' ? error.status : 500, { code: error?.code ?? 'error', message: String(error?.message ?? error) }),
        );
      });
      /** @param {number} status @param {unknown} json */
      const send = (status, json) => {
        res.statusCode = status;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify(json));
      };
      return;
    }
    const staff =
      kpg &&
      ((path === '/api/demo/reconcile' && req.method === 'POST') ||
        (path === '/api/demo/refunds' && req.method === 'GET') ||
        (path === '/api/demo/refusals' && req.method === 'GET'));
    if (staff) {
      req.resume();
      const orderNo = new URL(req.url ?? '/', 'http://demo.invalid').searchParams.get('order_no') ?? undefined;
      (req.method === 'POST' ? kpg.reconcile() : path === '/api/demo/refunds' ? kpg.refundsDue() : kpg.refusals({ orderNo })).then(
        (answer) => {
          res.statusCode = 200;
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.setHeader('Cache-Control', 'no-store');
          res.end(JSON.stringify(answer));
        },
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
      return;
    }
    if (req.url !== '/api/demo/orders' || req.method !== 'POST') return next();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 4096) req.destroy();
    });
    req.on('end', () => {
      let productId;
      try {
        productId = JSON.parse(body || '{}').product_id;
      } catch {
        productId = undefined;
      }
      const product = CATALOGUE.find((p) => p.product_id === productId);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      if (!product) {
        res.statusCode = 400;
        res.end(JSON.stringify({ code: 'unknown-product', message: `No product ${String(productId)}`, field: 'product_id' }));
        return;
      }
      // The buyer: from the signed cookie, or a new one (the cookie is set with this answer).
      let owner = orders.buyerOf(req.headers.cookie);
      if (!owner) {
        const buyer = orders.newBuyer();
        owner = buyer.id;
        res.setHeader('Set-Cookie', buyer.cookie);
      }
      const order_id = `D${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
      orders.add({ order_id, amount: product.amount, product_name: product.product_name, owner });
      res.statusCode = 200; // explicit: a host server (Koa) may have preset 404
      res.end(JSON.stringify({ order_id, amount: product.amount, product_name: product.product_name }));
    });
  };
}
