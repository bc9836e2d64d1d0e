// @ts-check
/**
 * In-memory order table, payment attempts and refusals.
 *
 * A real shop keeps these in its database. The shape is what matters:
 *  - an ORDER is the shop's own record (amount, product, buyer). The amount is decided HERE, on the
 *    server, when the order is created. Nothing the browser sends can change it.
 *  - an ATTEMPT is one trip to the PG for an order. Each attempt gets its own PG `order_no`, because
 *    a buyer may close the PG window and try again, and the PG refuses to reuse an order_no.
 *  - a REFUSAL is a record of every return/confirm we did not accept (for the shop's staff to review).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod/mini';

/**
 * @typedef {object} OrderInput
 * @property {string} order_id      the shop's order id
 * @property {number} amount        in KRW (원)
 * @property {string} product_name  max 50 chars (SPG limit)
 * @property {string} user_id       the buyer's member id at the shop, max 50 chars
 * @property {string} user_name     the buyer's name, max 20 chars
 * @property {string} [buyer_tel]   the buyer's phone (Smartro BuyerTel), digits and "-"
 * @property {string} [buyer_email] the buyer's e-mail (Smartro BuyerEmail), max 60 chars
 *
 * @typedef {OrderInput & { paid_order_no?: string, paid_at?: string, confirming_order_no?: string }} Order
 *   paid_order_no: the attempt that paid it. confirming_order_no: the attempt whose payments/confirm
 *   is in flight right now (so that no second confirm can start for the same order).
 *
 * @typedef {'pending' | 'paid' | 'failed' | 'cancelled'} AttemptStatus
 * @typedef {'shinhan' | 'smartro'} Provider
 *
 * @typedef {object} Attempt
 * @property {string} order_no          our PG order number for this attempt (unique, <= 50 chars;
 *                                      Smartro: letters and digits only, it is the Moid)
 * @property {string} order_id
 * @property {Provider} provider
 * @property {number} amount            the order's amount when the attempt started (what the PG was asked for)
 * @property {1 | 2} device_type        1 mobile (full-page redirect), 2 PC (popup)
 * @property {string} pgcode            Shinhan pgcode ("card"); Smartro attempts keep what the page sent
 * @property {string} [pay_method]      Smartro PayMethod requested ("CARD")
 * @property {string} return_to         absolute URL on the shop's origin (used for mobile)
 * @property {string} custom_parameter  random nonce; the PG must hand it back unchanged
 * @property {AttemptStatus} status
 * @property {string} created_at
 * @property {string} [finished_at]
 * @property {string} [tid]
 * @property {string} [approved_at]     "YYYY-MM-DD HH:MM:SS" (Korean time) as the PG reported it
 * @property {string} [card_cpny_cd]    Shinhan card_cpny_cd, or Smartro fn_cd (each PG's own code table)
 * @property {string} [card_name]
 * @property {string} [card_no]
 * @property {string} [install_month]
 * @property {string} [card_aprv_no]    approval number (Shinhan card_aprv_no, Smartro AuthCode)
 * @property {boolean} [receipt_verified]  Smartro: the approval was confirmed with the receipt API before
 *                                      it was recorded (false: that check is switched off in the config)
 * @property {string} [code]            why it failed
 * @property {string} [message]
 * @property {string} [reason]          why it was cancelled
 *
 * @typedef {object} Refusal
 * @property {string} at        ISO time
 * @property {string} route     e.g. "POST /api/kpg/shinhan/return"
 * @property {string} order_no
 * @property {string} [order_id]
 * @property {string} code
 * @property {string} message
 */

/** The demo shop's orders. @type {readonly OrderInput[]} */
export const DEFAULT_ORDERS = Object.freeze([
  { order_id: 'A-1001', amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', user_name: '홍길동' },
  { order_id: 'A-1002', amount: 55000, product_name: '무선 이어폰 (화이트)', user_id: 'buyer02', user_name: '김민지' },
  { order_id: 'A-1003', amount: 1200000, product_name: '노트북 15인치', user_id: 'buyer03', user_name: '이서준' },
]);

/**
 * Smartro needs a BuyerTel and a BuyerEmail; a real shop has them in its order. Orders without them
 * (the demo's) use these placeholders.
 */
export const DEMO_BUYER_CONTACT = Object.freeze({ buyer_tel: '01000000000', buyer_email: 'buyer@example.com' });

/** order_id feeds into the PG order_no, so it is kept short and free of odd characters. */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,30}$/;

const OrderSchema = z.object({
  order_id: z.string().check(z.regex(ORDER_ID_PATTERN)),
  amount: z.number().check(z.int(), z.positive()),
  product_name: z.string().check(z.minLength(1), z.maxLength(50)),
  user_id: z.string().check(z.regex(/^[A-Za-z0-9@._-]{1,50}$/)),
  user_name: z.string().check(z.minLength(1), z.maxLength(20)),
  buyer_tel: z.optional(z.string().check(z.regex(/^[0-9+-]{1,30}$/))),
  buyer_email: z.optional(z.string().check(z.maxLength(60), z.regex(/^[^\s@"<>]+@[^\s@"<>]+$/))),
});

/**
 * @param {readonly unknown[]} [orders]
 */
export function createStore(orders = DEFAULT_ORDERS) {
  /** @type {Map<string, Order>} */
  const orderTable = new Map();
  /** @type {Map<string, Attempt>} */
  const attempts = new Map();
  /** @type {Refusal[]} */
  const refusals = [];

  const store = {
    orders: orderTable,
    attempts,
    refusals,

    /**
     * Adds (or replaces) an order. Throws if the order is malformed.
     * @param {unknown} input
     * @returns {Order}
     */
    addOrder(input) {
      const result = OrderSchema.safeParse(input);
      if (!result.success) {
        const fields = result.error.issues.map((i) => String(i.path[0])).join(', ');
        throw new Error(`kpg backend: invalid order (${fields})`);
      }
      /** @type {Order} */
      const order = { ...result.data };
      orderTable.set(order.order_id, order);
      return order;
    },

    /** @param {string} orderId */
    getOrder(orderId) {
      return orderTable.get(orderId);
    },

    /**
     * Starts a new attempt for an order: a fresh PG order_no and a fresh nonce.
     * @param {Order} order
     * @param {{ provider?: Provider, device_type: 1 | 2, pgcode: string, return_to: string, pay_method?: string }} choices
     *   provider defaults to "shinhan"
     * @returns {Attempt}
     */
    createAttempt(order, choices) {
      const provider = choices.provider ?? 'shinhan';
      /** @type {Attempt} */
      const attempt = {
        // Smartro's Moid allows letters and digits only ("특수문자 불가").
        order_no: newOrderNo(order.order_id, { alphanumeric: provider === 'smartro' }),
        order_id: order.order_id,
        provider,
        amount: order.amount,
        device_type: choices.device_type,
        pgcode: choices.pgcode,
        return_to: choices.return_to,
        // Unguessable, single-use. The PG echoes it to return_url; a return without it is not ours.
        custom_parameter: randomBytes(24).toString('base64url'),
        status: 'pending',
        created_at: new Date().toISOString(),
      };
      if (choices.pay_method) attempt.pay_method = choices.pay_method;
      attempts.set(attempt.order_no, attempt);
      return attempt;
    },

    /** @param {string} orderNo */
    getAttempt(orderNo) {
      return attempts.get(orderNo);
    },

    /**
     * The attempt (paid or not) that recorded this PG transaction id. A real shop: an index on tid.
     * @param {string} tid
     * @returns {Attempt | undefined}
     */
    findByTid(tid) {
      for (const attempt of attempts.values()) if (attempt.tid === tid) return attempt;
      return undefined;
    },

    /**
     * The ONLY place an order becomes paid.
     * @param {Attempt} attempt
     * @param {Pick<Attempt, 'tid' | 'approved_at' | 'card_cpny_cd' | 'card_name' | 'card_no' | 'install_month' | 'card_aprv_no' | 'receipt_verified'>} details
     */
    markPaid(attempt, details) {
      const order = orderTable.get(attempt.order_id);
      if (!order) throw new Error('kpg backend: attempt without order');
      // A verified approval may follow an unverified cancel (Smartro StopURL): forget why it "failed".
      delete attempt.code;
      delete attempt.message;
      delete attempt.reason;
      Object.assign(attempt, dropUndefined(details), { status: 'paid', finished_at: new Date().toISOString() });
      order.paid_order_no = attempt.order_no;
      order.paid_at = attempt.finished_at;
    },

    /**
     * @param {Attempt} attempt
     * @param {string} code
     * @param {string} message
     */
    markFailed(attempt, code, message) {
      Object.assign(attempt, { status: 'failed', code, message, finished_at: new Date().toISOString() });
    },

    /**
     * @param {Attempt} attempt
     * @param {string} reason
     */
    markCancelled(attempt, reason) {
      Object.assign(attempt, { status: 'cancelled', reason, finished_at: new Date().toISOString() });
    },

    /** @param {Omit<Refusal, 'at'>} refusal */
    recordRefusal(refusal) {
      refusals.push({ at: new Date().toISOString(), ...refusal });
    },
  };

  for (const order of orders) store.addOrder(order);
  return store;
}

/** @typedef {ReturnType<typeof createStore>} Store */

/**
 * `${order_id}-${time in base 36}${10 random base-36 chars}`: at most 30 + 1 + 9 + 10 = 50 chars,
 * only [A-Za-z0-9_-], unique per attempt and not guessable from the order_id.
 * `alphanumeric` (Smartro Moid): the order_id's "-" and "_" and the separator are left out, so only
 * [A-Za-z0-9], at most 49 chars (Moid allows 64).
 * @param {string} orderId
 * @param {{ alphanumeric?: boolean }} [options]
 */
export function newOrderNo(orderId, options = {}) {
  const time = Date.now().toString(36);
  let random = '';
  for (let i = 0; i < 10; i++) random += randomInt(36).toString(36);
  if (options.alphanumeric) return `${orderId.replace(/[^A-Za-z0-9]/g, '')}${time}${random}`;
  return `${orderId}-${time}${random}`;
}

/**
 * @template {object} T
 * @param {T} value
 * @returns {Partial<T>}
 */
function dropUndefined(value) {
  return /** @type {Partial<T>} */ (Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
}
