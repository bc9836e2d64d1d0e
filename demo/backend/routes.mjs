// @ts-check
/**
 * The routes every shop's server needs. Read top to bottom: session (start), Shinhan return
 * (confirm + verify), cancel, fail, card list, receipt, result. Smartro's ReturnURL / RetryURL /
 * StopURL are in smartro-routes.mjs.
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpError, mediaType, readBody, redirect, sendJson, sendJsonText, sendPage } from './http.mjs';
import {
  CardsQuerySchema,
  FailQuerySchema,
  OrderNoQuerySchema,
  parseOr400,
  ReceiptQuerySchema,
  ReturnFormSchema,
  SessionBodySchema,
} from './schemas.mjs';
import { verifyConfirmation } from './shinhan.mjs';
import { kstTimestamp } from './smartro.mjs';
import { createSmartroRoutes } from './smartro-routes.mjs';

/**
 * @typedef {import('node:http').IncomingMessage} Req
 * @typedef {import('node:http').ServerResponse} Res
 * @typedef {import('./store.mjs').Attempt} Attempt
 * @typedef {{ config: import('./config.mjs').MerchantConfig, store: import('./store.mjs').Store,
 *   shinhan: import('./shinhan.mjs').ShinhanClient, smartro: import('./smartro.mjs').SmartroClient }} Deps
 * @typedef {(req: Req, res: Res, url: URL) => Promise<void> | void} Handler
 * @typedef {{ methods: readonly string[], kind: 'json' | 'page' | 'text', handler: Handler }} Route
 *   kind: how errors are answered (JSON for the widget, an HTML page for the buyer's browser, plain
 *   text for a PG server)
 */

export const ROUTES = Object.freeze({
  session: '/api/kpg/session',
  shinhanReturn: '/api/kpg/shinhan/return',
  shinhanCancel: '/api/kpg/shinhan/cancel',
  shinhanFail: '/api/kpg/shinhan/fail',
  smartroReturn: '/api/kpg/smartro/return',
  smartroRetry: '/api/kpg/smartro/retry',
  smartroStop: '/api/kpg/smartro/stop',
  cards: '/api/kpg/cards',
  receipt: '/api/kpg/receipt',
  result: '/api/kpg/result',
});

/**
 * @param {Deps} deps
 * @returns {Map<string, Route>}  path -> route
 */
export function createRoutes({ config, store, shinhan, smartro }) {
  const smartroRoutes = createSmartroRoutes({ config, store, smartro });

  // -------------------------------------------------------------------------------------------
  // 1. POST /api/kpg/session: the shop page asks to start paying order_id.
  // -------------------------------------------------------------------------------------------
  /** @type {Handler} */
  async function createSession(req, res) {
    const body = parseOr400(SessionBodySchema, await readJson(req));
    if (body.provider === 'shinhan' && body.pgcode === undefined) {
      throw new HttpError(400, 'missing-field', 'pgcode is required.', 'pgcode');
    }

    // Amount, product and buyer come from OUR order table. The browser only names the order.
    const order = store.getOrder(body.order_id);
    if (!order) throw new HttpError(404, 'unknown-order', `No order ${body.order_id}.`, 'order_id');
    if (order.paid_order_no) throw new HttpError(409, 'already-paid', `Order ${order.order_id} is already paid.`, 'order_id');

    const returnTo = resolveReturnTo(body.return_to, config.publicBaseUrl);
    if (body.provider === 'smartro') {
      smartroRoutes.startSession(res, order, { device_type: body.device_type, pgcode: body.pgcode, return_to: returnTo });
      return;
    }
    const pgcode = /** @type {string} */ (body.pgcode);
    const attempt = store.createAttempt(order, { provider: 'shinhan', device_type: body.device_type, pgcode, return_to: returnTo });

    const result = await shinhan.requestPayment({
      pgcode,
      user_id: order.user_id,
      user_name: order.user_name,
      order_no: attempt.order_no,
      device_type: body.device_type,
      amount: order.amount,
      product_name: order.product_name,
      return_url: `${config.publicBaseUrl}${ROUTES.shinhanReturn}`,
      cancel_url: `${config.publicBaseUrl}${ROUTES.shinhanCancel}`,
      fail_url: `${config.publicBaseUrl}${ROUTES.shinhanFail}`,
      custom_parameter: attempt.custom_parameter,
      // Display choices: harmless, passed through only when the page chose them.
      ...pickDefined(body, ['main_color', 'point_color', 'card_cpny_cd', 'install_month']),
    });
    if (!result.ok) {
      store.markFailed(attempt, result.code, result.message);
      throw new HttpError(502, result.code, result.message);
    }
    sendJson(res, 200, { provider: 'shinhan', order_no: attempt.order_no, redirect_url: result.redirect_url });
  }

  // -------------------------------------------------------------------------------------------
  // 2. POST /api/kpg/shinhan/return (return_url): the buyer approved on the PG page. Nothing is
  //    paid yet: WE must call payments/confirm, then check its answer before believing it.
  // -------------------------------------------------------------------------------------------
  /** @type {Handler} */
  async function shinhanReturn(req, res) {
    const route = `POST ${ROUTES.shinhanReturn}`;
    const body = await readReturnBody(req);
    const parsed = ReturnFormSchema.safeParse(body);
    if (!parsed.success) {
      const orderNo = typeof body?.order_no === 'string' ? body.order_no.slice(0, 50) : '';
      store.recordRefusal({ route, order_no: orderNo, code: 'bad-return', message: 'The return_url body is malformed.' });
      sendPage(res, 400, { title: '결제 오류', text: '잘못된 결제 결과 요청입니다. 쇼핑몰에 문의해 주세요.', closeWindow: false });
      return;
    }
    const form = parsed.data;

    // Found by order_no + nonce, not by a session cookie: the PG's POST is cross-site, so a
    // SameSite=Lax session cookie (PHP's usual default) does not arrive with it.
    const attempt = store.getAttempt(form.order_no);
    if (!attempt || attempt.provider !== 'shinhan') {
      store.recordRefusal({ route, order_no: form.order_no, code: 'unknown-order', message: 'No attempt with this order_no.' });
      sendPage(res, 400, { title: '결제 오류', text: '알 수 없는 주문번호입니다. 쇼핑몰에 문의해 주세요.', closeWindow: false });
      return;
    }
    await settleReturn(attempt, form, clientIp(req), route);
    replyToBrowser(res, attempt);
  }

  /**
   * @param {Attempt} attempt
   * @param {import('zod/mini').infer<typeof ReturnFormSchema>} form
   * @param {string} ip
   * @param {string} route
   */
  async function settleReturn(attempt, form, ip, route) {
    const order = store.getOrder(attempt.order_id);
    /** @param {string} code @param {string} message */
    const refuse = (code, message) => {
      store.recordRefusal({ route, order_no: attempt.order_no, order_id: attempt.order_id, code, message });
    };
    /** @param {string} code @param {string} message */
    const fail = (code, message) => {
      store.markFailed(attempt, code, message);
      refuse(code, message);
    };

    // A confirm token is single-use and the money moves at confirm: never confirm twice.
    if (attempt.status !== 'pending' || order?.confirming_order_no === attempt.order_no) {
      const state = attempt.status === 'pending' ? 'being confirmed' : attempt.status;
      refuse('duplicate-return', `Return for an attempt that is already ${state}; not confirmed again.`);
      return;
    }
    if (!order) return fail('unknown-order', `No order ${attempt.order_id}.`);
    if (!sameSecret(form.custom_parameter ?? '', attempt.custom_parameter)) {
      return fail('bad-custom-parameter', 'custom_parameter is not the one sent with this order_no.');
    }
    // Another attempt of the same order was paid (or is being confirmed): confirming would charge twice.
    if (order.paid_order_no || order.confirming_order_no) {
      return fail('already-paid', `Order ${order.order_id} is already paid or being paid by another attempt.`);
    }
    const confirmToken = form.confirm_token ?? form.confinm_token;
    if (!confirmToken) return fail('confirm-failed', 'The PG sent no confirm_token.');

    order.confirming_order_no = attempt.order_no;
    try {
      const result = await shinhan.confirmPayment({ order_no: attempt.order_no, confirm_token: confirmToken, ip_addr: ip });
      if (!result.ok) return fail('confirm-failed', `${result.code}: ${result.message}`);

      const verdict = verifyConfirmation(result.answer, {
        order_no: attempt.order_no,
        order,
        paymentApiKey: config.shinhanPaymentApiKey,
      });
      // NOTE for production: a refused answer after a successful confirm may mean money was taken.
      // Alert staff and/or call v1.0/payments/cancel for that tid; never ship the goods.
      if (!verdict.ok) return fail(verdict.code, verdict.message);

      store.markPaid(attempt, verdict.details);
    } finally {
      order.confirming_order_no = undefined;
    }
  }

  // -------------------------------------------------------------------------------------------
  // 3. GET cancel_url / fail_url: the buyer cancelled, or the PG gave up. Only a pending attempt
  //    changes; a paid one is never touched (these URLs carry no proof, anyone can open them).
  // -------------------------------------------------------------------------------------------
  /** @type {Handler} */
  function shinhanCancel(_req, res, url) {
    const query = parseOr400(OrderNoQuerySchema, Object.fromEntries(url.searchParams));
    const attempt = findForRedirect(res, query.order_no, `GET ${ROUTES.shinhanCancel}`);
    if (!attempt) return;
    if (attempt.status === 'pending' && !isConfirming(attempt)) store.markCancelled(attempt, 'buyer-cancelled');
    replyToBrowser(res, attempt);
  }

  /** @type {Handler} */
  function shinhanFail(_req, res, url) {
    const query = parseOr400(FailQuerySchema, Object.fromEntries(url.searchParams));
    const attempt = findForRedirect(res, query.order_no, `GET ${ROUTES.shinhanFail}`);
    if (!attempt) return;
    if (attempt.status === 'pending' && !isConfirming(attempt)) {
      const code = query.ret_code && /^[A-Za-z0-9_-]{1,20}$/.test(query.ret_code) ? query.ret_code : 'pg-failed';
      const message = (query.ret_msg || 'The PG reported a failure.').slice(0, 200);
      store.markFailed(attempt, code, message);
    }
    replyToBrowser(res, attempt);
  }

  /**
   * @param {Res} res
   * @param {string} orderNo
   * @param {string} route
   * @returns {Attempt | undefined}
   */
  function findForRedirect(res, orderNo, route) {
    const attempt = store.getAttempt(orderNo);
    if (!attempt || attempt.provider !== 'shinhan') {
      store.recordRefusal({ route, order_no: orderNo, code: 'unknown-order', message: 'No Shinhan attempt with this order_no.' });
      sendPage(res, 400, { title: '결제 오류', text: '알 수 없는 주문번호입니다.', closeWindow: false });
      return undefined;
    }
    return attempt;
  }

  /** @param {Attempt} attempt */
  function isConfirming(attempt) {
    return store.getOrder(attempt.order_id)?.confirming_order_no === attempt.order_no;
  }

  // -------------------------------------------------------------------------------------------
  // 4. GET /api/kpg/cards?pgcode=card: Shinhan's card company list for the widget's card picker.
  //    A proxy because card-list needs the SEARCH key, which must stay on the server. The PG's JSON
  //    is passed on as sent, even with a ret_code other than 0 (the widget shows its ret_msg).
  // -------------------------------------------------------------------------------------------
  /** @type {Handler} */
  async function cards(_req, res, url) {
    const query = parseOr400(CardsQuerySchema, Object.fromEntries(url.searchParams));
    const list = await shinhan.cardList(query.pgcode);
    if (!list.ok) throw new HttpError(502, list.code, list.message);
    // The list is the same for every buyer of this shop, but it is ours: no shared caches.
    sendJsonText(res, 200, list.text, { 'Cache-Control': 'private, max-age=60' });
  }

  // -------------------------------------------------------------------------------------------
  // 5. GET /api/kpg/receipt?tid=...: the receipt (영수증 / 거래 확인서) of a payment WE recorded.
  //    Amount and date come from our records, never from the browser (the PG checks them: a
  //    wrong pair is how one would probe other people's receipts).
  //    In a real shop, also check that the logged-in buyer owns the order.
  // -------------------------------------------------------------------------------------------
  /** @type {Handler} */
  async function receipt(_req, res, url) {
    const query = parseOr400(ReceiptQuerySchema, Object.fromEntries(url.searchParams));
    const attempt = store.findByTid(query.tid);
    const order = attempt && store.getOrder(attempt.order_id);
    if (!attempt || attempt.status !== 'paid' || !order) {
      throw new HttpError(404, 'unknown-tid', `No payment with tid ${query.tid}.`, 'tid');
    }
    if (attempt.provider === 'smartro') {
      // POST {SMARTRO_API_BASE}receipt with apikey = MerchantKey: server to server only.
      const answer = await smartro.receipt(query.tid);
      if (!answer.ok) throw new HttpError(502, answer.code, answer.message);
      sendJson(res, 200, { provider: 'smartro', receipt: answer.receipt });
      return;
    }
    const answer = await shinhan.receiptUrl({ tid: query.tid, amount: attempt.amount ?? order.amount, txYmd: receiptDate(attempt) });
    if (!answer.ok) throw new HttpError(502, answer.code, answer.message);
    sendJson(res, 200, { provider: 'shinhan', redirect_url: answer.redirect_url });
  }

  // -------------------------------------------------------------------------------------------
  // 6. GET /api/kpg/result?order_no=...: what the shop page shows. Read from OUR records only.
  // -------------------------------------------------------------------------------------------
  /** @type {Handler} */
  function result(_req, res, url) {
    const query = parseOr400(OrderNoQuerySchema, Object.fromEntries(url.searchParams));
    const attempt = store.getAttempt(query.order_no);
    const order = attempt && store.getOrder(attempt.order_id);
    if (!attempt || !order) throw new HttpError(404, 'unknown-order', `No payment with order_no ${query.order_no}.`, 'order_no');
    sendJson(res, 200, {
      status: attempt.status,
      order_no: attempt.order_no,
      order_id: order.order_id,
      provider: attempt.provider,
      amount: order.amount,
      product_name: order.product_name,
      // custom_parameter (the nonce) and card_aprv_no stay on the server.
      ...pickDefined(attempt, ['tid', 'approved_at', 'card_cpny_cd', 'card_name', 'card_no', 'install_month', 'code', 'message', 'reason']),
    });
  }

  /**
   * PC: the PG ran in a popup; close it (the shop window asks /api/kpg/result).
   * Mobile: the PG took the whole page; send the buyer back to the shop.
   * @param {Res} res
   * @param {Attempt} attempt
   */
  function replyToBrowser(res, attempt) {
    if (attempt.device_type === 1) {
      redirect(res, attempt.return_to);
      return;
    }
    sendPage(res, 200, {
      title: '결제 결과 전달 중',
      text: '결제 결과를 쇼핑몰 창으로 전달하고 있습니다. 이 창이 닫히지 않으면 직접 닫아 주세요.',
      closeWindow: true,
    });
  }

  /** @type {[string, Route][]} */
  const table = [
    [ROUTES.session, { methods: ['POST'], kind: 'json', handler: createSession }],
    [ROUTES.shinhanReturn, { methods: ['POST'], kind: 'page', handler: shinhanReturn }],
    [ROUTES.shinhanCancel, { methods: ['GET'], kind: 'page', handler: shinhanCancel }],
    [ROUTES.shinhanFail, { methods: ['GET'], kind: 'page', handler: shinhanFail }],
    [ROUTES.smartroReturn, { methods: ['POST'], kind: 'page', handler: smartroRoutes.smartroReturn }],
    [ROUTES.smartroRetry, { methods: ['POST'], kind: 'text', handler: smartroRoutes.smartroRetry }],
    [ROUTES.smartroStop, { methods: ['GET', 'POST'], kind: 'page', handler: smartroRoutes.smartroStop }],
    [ROUTES.cards, { methods: ['GET'], kind: 'json', handler: cards }],
    [ROUTES.receipt, { methods: ['GET'], kind: 'json', handler: receipt }],
    [ROUTES.result, { methods: ['GET'], kind: 'json', handler: result }],
  ];
  return new Map(table);
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * tx_ymd (YYYY-MM-DD) for a receipt: the day the PG reported (approved_at), else the Korean date
 * on which we recorded the payment.
 * @param {Attempt} attempt
 */
export function receiptDate(attempt) {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(attempt.approved_at ?? '');
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  const kst = kstTimestamp(new Date(attempt.finished_at ?? attempt.created_at));
  return `${kst.slice(0, 4)}-${kst.slice(4, 6)}-${kst.slice(6, 8)}`;
}

/**
 * JSON only: a cross-site HTML form cannot send application/json without a CORS preflight.
 * @param {Req} req
 */
async function readJson(req) {
  if (mediaType(req) !== 'application/json') {
    throw new HttpError(415, 'unsupported-media-type', 'Send the body as application/json.');
  }
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad-json', 'The body is not valid JSON.');
  }
}

/**
 * The PG posts return_url as an HTML form (application/x-www-form-urlencoded, UTF-8). The document
 * prints its example as JSON, so a JSON body is accepted too.
 * @param {Req} req
 * @returns {Promise<Record<string, unknown> | undefined>}
 */
async function readReturnBody(req) {
  const text = await readBody(req);
  if (mediaType(req) === 'application/json') {
    try {
      const json = JSON.parse(text);
      return json && typeof json === 'object' ? json : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * return_to must stay on the shop's own origin: otherwise the PG flow becomes an open redirect
 * (a phishing link could send buyers from the real payment to a fake "payment failed, retry" page).
 * @param {string | undefined} value  absolute URL or a path like "/orders/A-1001"
 * @param {string} publicBaseUrl
 * @returns {string} absolute URL
 */
export function resolveReturnTo(value, publicBaseUrl) {
  let url;
  try {
    url = new URL(value ?? '/', publicBaseUrl);
  } catch {
    url = undefined;
  }
  if (!url || url.origin !== new URL(publicBaseUrl).origin) {
    throw new HttpError(400, 'invalid-field', `return_to must be on ${publicBaseUrl}.`, 'return_to');
  }
  return url.href;
}

/**
 * The buyer's IP for payments/confirm. Behind a reverse proxy, take it from X-Forwarded-For ONLY if
 * your own proxy sets that header (a browser can send any X-Forwarded-For it likes).
 * @param {Req} req
 */
function clientIp(req) {
  const ip = req.socket.remoteAddress ?? '0.0.0.0';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * Constant-time string comparison for secrets (the custom_parameter nonce).
 * @param {string} received
 * @param {string} expected
 */
function sameSecret(received, expected) {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * @template {object} T
 * @template {keyof T} K
 * @param {T} source
 * @param {readonly K[]} keys
 * @returns {Partial<Pick<T, K>>}
 */
function pickDefined(source, keys) {
  /** @type {Partial<Pick<T, K>>} */
  const out = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

