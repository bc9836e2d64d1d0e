// @ts-check
/**
 * What the issue 22 end-to-end suites (test/node/server-cancels-*.test.mjs) share: a kpg-checkout/server over
 * the sandbox PGs (Shinhan with the document's promotion, Smartro with its cancel module on) and the ways to
 * pay an order through it. Not a test file. The suites are split so that no file nears node --test's
 * per-file timeout on a loaded machine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  forEachEngine,
  postForm,
  sandboxes,
  SANDBOX_SECRETS,
  SANDBOX_SMARTRO_CANCEL_PASSWORD,
  shinhanDecide,
  shopOrders,
  smartroDecide,
  startServer,
} from './server-helpers.mjs';

/** The document's promotion example (card-list's prmt_list): 1,000 off from 5,000. */
export const PROMOTIONS = { S009: [{ prmt_name: '5천원 이상 1천원 할인', prmt_ctnt: '(샌드박스)', prmt_cndi_amt: 5000, prmt_amt: 1000, id_max_aply_yn: 'N', max_cnt_aply_type: 4, max_cnt: 1 }] };
export const STAFF = { 'X-KPG-Staff': '1', 'x-staff': 'kim' };

/**
 * `body` once per engine, with the helpers.
 * @param {string} title
 * @param {(ctx: any) => void} body
 */
export function cancelsSuite(title, body) {
  forEachEngine(title, ({ engine, store, database }) => {
    /**
     * @param {import('node:test').TestContext} t
     * @param {{ pgTimeoutMs?: number, cancelSettleMs?: number, smartroCancels?: boolean, recheckPaidDays?: number, onEvent?: (event: any) => unknown, wrap?: (store: any) => any, now?: () => Date }} [o]
     *   recheckPaidDays: 0 unless a test looks for cancels made elsewhere (the suite's store keeps every test's payments);
     *   wrap: what the server is given instead of the suite's store
     */
    async function setup(t, o = {}) {
      const pgs = await sandboxes(t, {}, { promotions: PROMOTIONS });
      const shop = shopOrders();
      const server = await startServer(
        t,
        o.wrap ? o.wrap(store()) : store(),
        {
          ...pgs.options,
          shinhan: { ...pgs.options.shinhan, pgcodes: ['card', 'selpay'] },
          smartro: { ...pgs.options.smartro, payMethods: ['card', 'vbank', 'bank', 'phone'], ...(o.smartroCancels === false ? {} : { cancelPassword: SANDBOX_SMARTRO_CANCEL_PASSWORD }) },
          loadOrder: shop.loadOrder,
          authorize: shop.authorize,
          authorizeStaff: (/** @type {{ request: Request }} */ { request }) => (request.headers.get('x-staff') === 'kim' ? { id: 'kim' } : false),
          pgTimeoutMs: o.pgTimeoutMs ?? 6000,
          cancelSettleMs: o.cancelSettleMs ?? 0,
          recheckPaidDays: o.recheckPaidDays ?? 0,
          rateLimit: false,
          ...(o.onEvent ? { onEvent: o.onEvent } : {}),
          ...(o.now ? { now: o.now } : {}),
        },
        { secrets: SANDBOX_SECRETS },
      );
      return { pgs, shop, ...server };
    }
    /** @typedef {Awaited<ReturnType<typeof setup>>} S */

    /**
     * An order paid with Shinhan through the server (session, the sandbox's page, return_url, confirm).
     * @param {S} s @param {Partial<{ amount: number, taxfree_amount: number }>} [o] @param {Record<string, unknown>} [body]
     */
    async function payShinhan(s, o = {}, body = {}) {
      const order = s.shop.add(o);
      if (o.taxfree_amount !== undefined) s.shop.orders.set(order.order_id, { ...order, taxfree_amount: o.taxfree_amount });
      const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, pgcode: 'card', ...body });
      assert.equal(session.status, 200, session.text);
      const page = await shinhanDecide(session.json.redirect_url, 'approve');
      assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
      const res = (await s.call(`/api/kpg/result?order_no=${session.json.order_no}`)).json;
      assert.equal(res.status, 'paid', JSON.stringify(res));
      return { order, orderNo: session.json.order_no, tid: res.tid };
    }

    /**
     * An order paid with Smartro through the server (a virtual account: issued, awaiting its deposit). `fields`:
     * the result form the browser posted, for a test that sends it again.
     * @param {S} s @param {'card' | 'bank' | 'phone' | 'vbank'} [payMethod]
     */
    async function paySmartro(s, payMethod = 'card') {
      const order = s.shop.add();
      const session = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2, pay_method: payMethod });
      assert.equal(session.status, 200, session.text);
      const result = await smartroDecide(session.json, 'approve');
      await postForm(/** @type {string} */ (result.action), result.fields);
      // result-url waits for the verification (the sandbox's own RetryURL copy may hold it).
      const res = (await s.call(`/api/kpg/result?order_no=${session.json.order_no}`)).json;
      // (Not paid: the server's own lines about this order say why, e.g. the receipt API's failure.)
      assert.equal(res.status, payMethod === 'vbank' ? 'awaiting_deposit' : 'paid', `${JSON.stringify(res)}\n${JSON.stringify(s.logs.filter((l) => l.order_no === session.json.order_no))}`);
      return { order, orderNo: /** @type {string} */ (session.json.order_no), tid: /** @type {string} */ (res.tid), fields: result.fields };
    }

    /** The sandbox's record of a payment. @param {S} s @param {'shinhan' | 'smartro'} pg @param {string} tid */
    async function atPg(s, pg, tid) {
      const origin = pg === 'shinhan' ? s.pgs.shinhan.origin : s.pgs.smartro.origin;
      const { payments } = await (await fetch(`${origin}/__sandbox/payments`)).json();
      return payments.find((/** @type {any} */ p) => p.tid === tid);
    }

    /** @param {S} s @param {string} path @param {unknown} body @param {Record<string, string>} [headers] */
    const staff = (s, path, body, headers = STAFF) => s.call(`/api/kpg/staff${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body), buyer: null });

    let keys = 0;
    const run = randomBytes(6).toString('hex');
    const key = () => `key-${engine}-${run}-${++keys}`;

    body({ engine, store, database, setup, payShinhan, paySmartro, atPg, staff, key });
  });
}
