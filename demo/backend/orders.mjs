// @ts-check
/**
 * The demo shop's own orders and its buyers: what a real shop keeps in its own database and session. The
 * payment server asks for an order through `loadOrder` and for the buyer binding through `authorize`.
 *
 * A demo buyer is a random id in a signed cookie (HMAC-SHA256, HttpOnly, SameSite=Lax): the first order
 * a browser makes gives it one, and every order is bound to the buyer who made it. Another browser (or a
 * script without the cookie) gets 403 for that order's session, result and receipt (issue 10, fault 5).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const BUYER_COOKIE = 'kpg_demo_buyer';
/** The demo buyer's CI (connecting information): a made-up value of the real shape, 88 characters of base64. */
const DEMO_CI = `${'REVNT0NJMDAwMDAx'.repeat(6).slice(0, 86)}==`;

/** @typedef {{ order_id: string, amount: number, product_name: string, buyer: { id: string, name: string, tel?: string, email?: string, ci?: string }, owner: string }} DemoOrder */

/**
 * @param {{ secret?: string }} [options] the cookie's HMAC key (default: random per process)
 */
export function createDemoOrders(options = {}) {
  const secret = options.secret ?? randomBytes(32).toString('hex');
  /** @type {Map<string, DemoOrder>} */
  const orders = new Map();
  const sign = (/** @type {string} */ id) => createHmac('sha256', secret).update(id).digest('base64url');

  /** The buyer id a request's cookie proves, if any. @param {string | null | undefined} cookieHeader */
  function buyerOf(cookieHeader) {
    const value = (cookieHeader ?? '')
      .split(';')
      .map((p) => p.trim())
      .find((p) => p.startsWith(`${BUYER_COOKIE}=`))
      ?.slice(BUYER_COOKIE.length + 1);
    if (!value) return undefined;
    const [id, mac] = value.split('.');
    if (!id || !mac || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) return undefined;
    const expected = Buffer.from(sign(id));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
  }

  return {
    buyerOf,
    /** A new buyer id and the Set-Cookie value for it. */
    newBuyer() {
      const id = randomBytes(12).toString('base64url');
      return { id, cookie: `${BUYER_COOKIE}=${id}.${sign(id)}; Path=/; HttpOnly; SameSite=Lax` };
    },
    /** @param {Omit<DemoOrder, 'buyer'> & { buyer?: DemoOrder['buyer'] }} order */
    add(order) {
      /** @type {DemoOrder} */
      // tel, email and ci reach Shinhan as mobile_no, email_flag/email_addr and user_ci (issue 25; selpay requires
      // user_ci). A real shop returns its buyer's own: the CI from its identity check (본인인증), 88 characters.
      const full = { buyer: { id: 'buyer01', name: '홍길동', tel: '010-1234-5678', email: 'buyer@example.com', ci: DEMO_CI }, ...order };
      orders.set(full.order_id, full);
      return full;
    },
    /** @param {string} orderId */
    get: (orderId) => orders.get(orderId),
  };
}

/** @typedef {ReturnType<typeof createDemoOrders>} DemoOrders */
