// @ts-check
/**
 * The server issue 19's tests share (server-hardening.test.mjs, server-refusals-logs.test.mjs): a
 * kpg-checkout/server over both sandbox PGs with the default limits, and requests made as Hono, Next.js,
 * Bun or Deno make them (kpg.fetch, no adapter: no address unless one is given). Not a test file itself.
 */
import assert from 'node:assert/strict';
import { sandboxes, SANDBOX_SECRETS, shinhanDecide, shopOrders, startServer } from './server-helpers.mjs';

/**
 * @param {import('node:test').TestContext} t
 * @param {import('../../dist/server/index.js').PaymentStore} store
 * @param {Record<string, any>} [options]
 */
export async function hardeningSetup(t, store, options = {}) {
  const pgs = await sandboxes(t);
  const shop = shopOrders();
  const server = await startServer(t, store, { ...pgs.options, loadOrder: shop.loadOrder, authorize: shop.authorize, pgTimeoutMs: 6000, ...options }, { secrets: SANDBOX_SECRETS });
  /**
   * A request through kpg.fetch as Hono, Next.js, Bun or Deno mount it: no adapter, so no address unless
   * `clientIp` is given (as getConnInfo's would be).
   * @param {string} path @param {RequestInit & { buyer?: string, clientIp?: string }} [init]
   */
  const raw = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.buyer) headers.set('x-buyer', init.buyer);
    return server.kpg.fetch(new Request(`${server.base}${path}`, { ...init, headers }), init.clientIp ? { clientIp: init.clientIp } : undefined);
  };
  /** @param {string} orderId @param {{ buyer?: string, clientIp?: string }} [o] */
  const start = (orderId, o = {}) =>
    raw('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'shinhan', order_id: orderId, device_type: 2 }), buyer: o.buyer ?? 'alice', clientIp: o.clientIp });
  /** A paid Shinhan attempt of a fresh order of `owner`. @param {string} [owner] */
  async function paid(owner = 'alice') {
    const order = shop.add({ owner });
    const s = await server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, pgcode: 'card' }, { buyer: owner });
    assert.equal(s.status, 200, s.text);
    const page = await shinhanDecide(s.json.redirect_url, 'approve');
    await fetch(/** @type {string} */ (page.action), { method: 'POST', body: new URLSearchParams(page.fields) });
    const attempt = await store.getAttempt(s.json.order_no);
    assert.equal(attempt?.status, 'paid');
    return /** @type {NonNullable<typeof attempt>} */ (attempt);
  }
  return { pgs, shop, ...server, raw, start, paid };
}
