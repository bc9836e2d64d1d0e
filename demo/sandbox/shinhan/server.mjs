// @ts-check
/**
 * Sandbox Shinhan PG (SPG): a local stand-in for Shinhan's payment gateway, built from
 * shinhan-spg-api.txt and demo/CONTRACT.md. See README.md in this folder for what it implements and
 * every assumption it makes.
 *
 *   node demo/sandbox/shinhan/server.mjs            # http://127.0.0.1:5174 (PORT / HOST env)
 */
import http from 'node:http';
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { RET, PAGE_CODES, PAGE_MESSAGES } from './codes.mjs';
import {
  validatePaymentRequest,
  validateFields,
  CONFIRM_FIELDS,
  CARD_LIST_FIELDS,
  RECEIPT_INFO_FIELDS,
} from './validate.mjs';
import { renderPayPage, renderDecidePage, renderErrorPage, renderReceiptPage } from './pages.mjs';
import { CARD_IMAGES, cardListFor, cardName } from './cards.mjs';
import { buildShinhanScript } from './script.mjs';

/**
 * @typedef {object} Merchant
 * @property {string} clientId
 * @property {string} paymentApiKey key for `Authorization: SPGKEY ...` on payment APIs
 * @property {string} searchApiKey key for `Authorization: SPGKEY ...` on the search APIs (card-list, receipt/info)
 */

/**
 * @typedef {'requested' | 'shown' | 'approved' | 'cancelled' | 'failed' | 'confirmed'} PaymentStatus
 *   requested: redirect_url issued; shown: token consumed, page displayed; approved/cancelled/failed: the
 *   buyer decided; confirmed: payments/confirm succeeded.
 */

/**
 * @typedef {object} PayInfo
 * @property {string} card_cpny_cd
 * @property {string} card_name
 * @property {string} card_no
 * @property {string} card_aprv_no
 * @property {string} install_month
 */

/**
 * @typedef {object} Payment
 * @property {string} clientId
 * @property {string} orderNo
 * @property {Record<string, any>} request validated payments/request body (param_ispt_hash included)
 * @property {PaymentStatus} status
 * @property {number} createdAt sandbox-clock ms
 * @property {string} token redirect_url token (single use)
 * @property {number | null} tokenUsedAt
 * @property {string | null} nonce per-page nonce for /pgsvc/pay/decide
 * @property {number | null} decidedAt
 * @property {'approve' | 'cancel' | 'fail' | null} decision
 * @property {string | null} confirmToken
 * @property {number | null} approvedAt
 * @property {number | null} confirmedAt
 * @property {string | null} confirmIp
 * @property {string | null} tid allocated when the buyer approves; reported by payments/confirm
 * @property {string | null} txDate
 * @property {number | null} taxAmount as answered by payments/confirm
 * @property {number | null} taxfreeAmount as answered by payments/confirm
 * @property {PayInfo | null} payInfo
 * @property {string | null} receiptId id of the 거래 확인서 page (/pgsvc/receipt?id=), made by the first receipt/info
 */

/**
 * @typedef {object} SandboxState
 * @property {Map<string, Payment>} payments keyed by client_id + "\u0000" + order_no
 * @property {Map<string, Payment>} byToken
 * @property {Map<string, Payment>} byNonce
 * @property {Set<string>} tids every tid handed out (never reused within a run, even after a reset)
 * @property {Map<string, Payment>} byTid
 * @property {Map<string, Payment>} byReceiptId
 */

/**
 * @typedef {object} SandboxClock
 * @property {() => number} now current sandbox time (ms since epoch) = base clock + offset
 * @property {(ms: number) => number} advance moves the clock forward, returns the new now()
 * @property {() => number} offset
 * @property {() => void} reset sets the offset back to 0
 */

/** @type {Merchant} */
export const DEFAULT_MERCHANT = Object.freeze({
  clientId: 'kpgdemo01',
  paymentApiKey: 'sandbox-payment-key-0001',
  searchApiKey: 'sandbox-search-key-0001',
});

/** Confirm must come within this long after the buyer's approval ("30분(토큰 만료)"). */
export const CONFIRM_WINDOW_MS = 30 * 60 * 1000;
const MAX_BODY_BYTES = 64 * 1024;

/** pay_info's card company when the request named none (BC카드, the one code the document names). */
const DEFAULT_CARD_CODE = 'S001';

/** @param {string} s */
const sha256Hex = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

/** @param {string} a @param {string} b */
function safeEqual(a, b) {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** @param {number} bytes */
const randomToken = (bytes = 24) => randomBytes(bytes).toString('base64url');

/**
 * Formats sandbox-clock ms in Korea time (UTC+9, no DST) — assumption: the PG reports KST.
 * @param {number} ms
 */
function kst(ms) {
  const d = new Date(ms + 9 * 3600 * 1000);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return {
    date: `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`,
    time: `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`,
    compact: `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(
      d.getUTCMinutes(),
    )}${p(d.getUTCSeconds())}`,
  };
}

/**
 * Appends query parameters to a URL without re-serialising its existing query string.
 * @param {string} url absolute URL
 * @param {Record<string, string>} params
 */
export function appendQuery(url, params) {
  const hashAt = url.indexOf('#');
  const base = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const query = new URLSearchParams(params).toString();
  let sep = '&';
  if (!base.includes('?')) sep = '?';
  else if (base.endsWith('?') || base.endsWith('&')) sep = '';
  return `${base}${sep}${query}${hash}`;
}

/** @param {(() => number) | undefined} base */
function createClock(base = Date.now) {
  let offset = 0;
  return {
    now: () => base() + offset,
    advance(/** @type {number} */ ms) {
      offset += ms;
      return base() + offset;
    },
    offset: () => offset,
    reset() {
      offset = 0;
    },
  };
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** @param {http.ServerResponse} res @param {number} status @param {number} code @param {string} msg */
const sendError = (res, status, code, msg) => sendJson(res, status, { ret_code: code, ret_msg: msg });

/** @param {http.ServerResponse} res @param {number} status @param {string} html */
function sendHtml(res, status, html) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    // No X-Frame-Options / frame-ancestors on purpose: tests embed shop pages that navigate here.
  });
  res.end(html);
}

/**
 * Reads the request body up to MAX_BODY_BYTES.
 * @param {http.IncomingMessage} req
 * @returns {Promise<{ ok: true, buf: Buffer } | { ok: false }>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { ok: false } : { ok: true, buf: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

/** @param {Buffer} buf @returns {string | null} */
function decodeUtf8(buf) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

/** @param {http.IncomingMessage} req */
function mediaType(req) {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/**
 * Reads and parses a JSON object body, answering the error itself when it cannot.
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res
 * @returns {Promise<Record<string, any> | null>}
 */
async function readJsonObject(req, res) {
  if (mediaType(req) !== 'application/json') {
    sendError(res, 415, RET.UNSUPPORTED_MEDIA_TYPE, 'content-type must be application/json.');
    req.resume();
    return null;
  }
  const body = await readBody(req);
  if (!body.ok) {
    sendError(res, 413, RET.BODY_TOO_LARGE, `request body is larger than ${MAX_BODY_BYTES} bytes.`);
    return null;
  }
  const text = decodeUtf8(body.buf);
  /** @type {unknown} */
  let parsed;
  try {
    if (text === null) throw new Error('not utf-8');
    parsed = JSON.parse(text);
  } catch {
    sendError(res, 400, RET.MALFORMED_BODY, 'request body is not valid UTF-8 JSON.');
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    sendError(res, 400, RET.MALFORMED_BODY, 'request body must be a JSON object.');
    return null;
  }
  return /** @type {Record<string, any>} */ (parsed);
}

/**
 * @param {object} options
 * @param {string} options.publicOrigin origin the browser reaches the sandbox at (used in redirect_url and the script)
 * @param {Merchant[]} [options.merchants] registered merchants (default: [DEFAULT_MERCHANT])
 * @param {() => number} [options.now] base clock in ms (default Date.now); the sandbox adds the advance-clock offset
 */
export function createShinhanSandbox({ publicOrigin, merchants = [DEFAULT_MERCHANT], now }) {
  const origin = new URL(publicOrigin).origin;
  const clock = createClock(now);
  /** @type {SandboxState} */
  const state = {
    payments: new Map(),
    byToken: new Map(),
    byNonce: new Map(),
    tids: new Set(),
    byTid: new Map(),
    byReceiptId: new Map(),
  };
  /** @type {Map<string, Merchant>} */
  const merchantsById = new Map(merchants.map((m) => [m.clientId, m]));
  const script = buildShinhanScript(origin);

  /** @param {string} clientId @param {string} orderNo */
  const paymentKey = (clientId, orderNo) => `${clientId}\u0000${orderNo}`;

  /**
   * `Authorization: SPGKEY {key}` -> merchant whose key of that type it is (scheme case-insensitive). A payment
   * key does not open the search APIs, nor a search key the payment APIs (the document's 키 유형 column).
   * @param {http.IncomingMessage} req
   * @param {'paymentApiKey' | 'searchApiKey'} type
   */
  function merchantByKey(req, type) {
    const m = /^SPGKEY[ \t]+(\S+)[ \t]*$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) return null;
    for (const merchant of merchantsById.values()) {
      if (safeEqual(merchant[type], m[1])) return merchant;
    }
    return null;
  }
  /** @param {http.IncomingMessage} req */
  const merchantByPaymentKey = (req) => merchantByKey(req, 'paymentApiKey');
  /** @param {http.IncomingMessage} req */
  const merchantBySearchKey = (req) => merchantByKey(req, 'searchApiKey');

  /** @param {http.ServerResponse} res */
  const sendAuthError = (res) => sendError(res, 401, RET.AUTH, 'token is missing or incorrect.');

  function newTid() {
    for (;;) {
      const tid = `SPG${kst(clock.now()).compact}${randomBytes(5).toString('hex').toUpperCase()}`;
      if (!state.tids.has(tid)) {
        state.tids.add(tid);
        return tid;
      }
    }
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function paymentsRequest(req, res) {
    const keyMerchant = merchantByPaymentKey(req);
    if (!keyMerchant) {
      req.resume();
      return sendAuthError(res);
    }
    const body = await readJsonObject(req, res);
    if (!body) return;
    const v = validatePaymentRequest(body);
    if (!v.ok) return sendError(res, 400, v.code, v.msg);

    const merchant = merchantsById.get(body.client_id);
    if (!merchant) return sendError(res, 400, RET.UNKNOWN_CLIENT, `unknown client_id: ${body.client_id}`);
    if (merchant !== keyMerchant) return sendAuthError(res);

    const expected = sha256Hex(
      `${body.client_id}${body.user_id}${body.order_no}${body.pay_type}${body.amount}${merchant.paymentApiKey}`,
    );
    if (!safeEqual(expected, String(body.param_ispt_hash).toLowerCase())) {
      return sendError(res, 400, RET.HASH_MISMATCH, 'param_ispt_hash does not match the request parameters.');
    }
    const key = paymentKey(body.client_id, body.order_no);
    if (state.payments.has(key)) {
      return sendError(res, 409, RET.DUPLICATE_ORDER, `order_no ${body.order_no} has already been used.`);
    }

    const token = randomToken();
    /** @type {Payment} */
    const payment = {
      clientId: body.client_id,
      orderNo: body.order_no,
      request: pickRequest(body),
      status: 'requested',
      createdAt: clock.now(),
      token,
      tokenUsedAt: null,
      nonce: null,
      decidedAt: null,
      decision: null,
      confirmToken: null,
      approvedAt: null,
      confirmedAt: null,
      confirmIp: null,
      tid: null,
      txDate: null,
      taxAmount: null,
      taxfreeAmount: null,
      payInfo: null,
      receiptId: null,
    };
    state.payments.set(key, payment);
    state.byToken.set(token, payment);
    sendJson(res, 200, {
      ret_code: RET.OK,
      ret_msg: 'OK',
      redirect_url: `${origin}/pgsvc/pay?token=${encodeURIComponent(token)}`,
    });
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function paymentsConfirm(req, res) {
    const keyMerchant = merchantByPaymentKey(req);
    if (!keyMerchant) {
      req.resume();
      return sendAuthError(res);
    }
    const body = await readJsonObject(req, res);
    if (!body) return;
    const v = validateFields(body, CONFIRM_FIELDS);
    if (!v.ok) return sendError(res, 400, v.code, v.msg);
    const merchant = merchantsById.get(body.client_id);
    if (!merchant) return sendError(res, 400, RET.UNKNOWN_CLIENT, `unknown client_id: ${body.client_id}`);
    if (merchant !== keyMerchant) return sendAuthError(res);

    const payment = state.payments.get(paymentKey(body.client_id, body.order_no));
    if (!payment) {
      return sendError(res, 400, RET.CONFIRM_TOKEN_INVALID, `no payment for order_no ${body.order_no}.`);
    }
    if (!payment.confirmToken || !safeEqual(payment.confirmToken, body.confirm_token)) {
      if (payment.status !== 'approved' && payment.status !== 'confirmed') {
        return sendError(res, 400, RET.PAYMENT_NOT_APPROVED, `payment is not approved (status: ${payment.status}).`);
      }
      return sendError(res, 400, RET.CONFIRM_TOKEN_INVALID, 'confirm_token does not belong to this order.');
    }
    if (payment.status === 'confirmed') {
      return sendError(res, 409, RET.CONFIRM_TOKEN_USED, 'confirm_token has already been used.');
    }
    const t = clock.now();
    if (payment.approvedAt === null || t - payment.approvedAt > CONFIRM_WINDOW_MS) {
      return sendError(res, 410, RET.CONFIRM_TOKEN_EXPIRED, 'confirm_token has expired (30 minutes).');
    }

    const r = payment.request;
    const taxfree = r.taxfree_amount ?? 0;
    const tax = r.tax_amount ?? Math.round((r.amount - taxfree - (r.cup_return_deposit ?? 0)) / 11);
    const tid = payment.tid ?? newTid(); // allocated at approval; the fallback is defence in depth
    const when = kst(t);
    const cardCode = r.card_cpny_cd ?? DEFAULT_CARD_CODE;
    const installMonth = r.install_month ?? '00';
    /** @type {PayInfo} */
    const payInfo = {
      card_cpny_cd: cardCode,
      card_name: cardName(cardCode),
      card_no: `9410-${String(randomInt(10, 100))}**-****-${String(randomInt(0, 10000)).padStart(4, '0')}`,
      card_aprv_no: String(randomInt(0, 100_000_000)).padStart(8, '0'),
      install_month: installMonth,
    };
    payment.status = 'confirmed';
    payment.confirmedAt = t;
    payment.confirmIp = body.ip_addr;
    payment.tid = tid;
    state.byTid.set(tid, payment);
    payment.txDate = `${when.date} ${when.time}`;
    payment.taxAmount = tax;
    payment.taxfreeAmount = taxfree;
    payment.payInfo = payInfo;

    sendJson(res, 200, {
      ret_code: RET.OK,
      ret_msg: 'OK',
      pay_type: r.pay_type,
      order_no: r.order_no,
      product_name: r.product_name,
      user_id: r.user_id,
      user_name: r.user_name,
      amount: r.amount,
      discount_amount: 0,
      taxfree_amount: taxfree,
      tax_amount: tax,
      tid,
      install_month: installMonth,
      pay_ispt_hash: sha256Hex(`${r.user_id}${r.amount}${tid}${merchant.paymentApiKey}`).toUpperCase(),
      tx_date: payment.txDate,
      pay_info: [payInfo],
    });
  }

  /** @param {URL} url @param {http.ServerResponse} res */
  function payPage(url, res) {
    const token = url.searchParams.get('token');
    if (!token) return sendHtml(res, 400, renderErrorPage('잘못된 요청', '결제 토큰이 없습니다.'));
    const payment = state.byToken.get(token);
    if (!payment) return sendHtml(res, 404, renderErrorPage('결제 오류', '유효하지 않은 결제 토큰입니다.'));
    if (payment.tokenUsedAt !== null) {
      return sendHtml(
        res,
        410,
        renderErrorPage('결제 오류', '이미 사용된 결제 토큰입니다. 가맹점 화면에서 결제를 다시 시작해 주세요.'),
      );
    }
    payment.tokenUsedAt = clock.now();
    payment.status = 'shown';
    payment.nonce = randomToken();
    state.byNonce.set(payment.nonce, payment);
    sendHtml(res, 200, renderPayPage({ nonce: payment.nonce, decideAction: '/pgsvc/pay/decide', request: payment.request }));
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function decide(req, res) {
    const mt = mediaType(req);
    if (mt !== 'application/x-www-form-urlencoded') {
      req.resume();
      return sendHtml(res, 415, renderErrorPage('잘못된 요청', '지원하지 않는 요청 형식입니다.'));
    }
    const body = await readBody(req);
    const text = body.ok ? decodeUtf8(body.buf) : null;
    if (text === null) return sendHtml(res, 400, renderErrorPage('잘못된 요청', '요청을 읽을 수 없습니다.'));
    const form = new URLSearchParams(text);
    const nonce = form.get('nonce') ?? '';
    const choice = form.get('choice');
    const payment = nonce ? state.byNonce.get(nonce) : undefined;
    if (!payment) return sendHtml(res, 404, renderErrorPage('결제 오류', '유효하지 않은 결제 요청입니다.'));
    if (choice !== 'approve' && choice !== 'cancel' && choice !== 'fail') {
      return sendHtml(res, 400, renderErrorPage('잘못된 요청', '알 수 없는 선택입니다.'));
    }
    if (payment.decision !== null) {
      return sendHtml(res, 409, renderErrorPage('결제 오류', '이미 처리된 결제입니다.'));
    }
    const r = payment.request;
    const t = clock.now();
    payment.decision = choice;
    payment.decidedAt = t;
    const common = {
      targetOrigin: new URL(r.return_url).origin,
      mainColor: r.main_color,
      pointColor: r.point_color,
    };
    if (choice === 'approve') {
      payment.status = 'approved';
      payment.approvedAt = t;
      payment.confirmToken = randomToken(); // 32 characters (<= 50)
      // The PG's transaction exists from the buyer's approval on (assumption); confirm reports this tid.
      payment.tid = newTid();
      state.byTid.set(payment.tid, payment);
      return sendHtml(
        res,
        200,
        renderDecidePage({
          ...common,
          method: 'post',
          url: r.return_url,
          fields: {
            order_no: r.order_no,
            custom_parameter: r.custom_parameter ?? '',
            confirm_token: payment.confirmToken,
          },
          retCode: PAGE_CODES.SUCCESS,
          retMsg: PAGE_MESSAGES.SUCCESS,
        }),
      );
    }
    if (choice === 'cancel') {
      payment.status = 'cancelled';
      return sendHtml(
        res,
        200,
        renderDecidePage({
          ...common,
          method: 'get',
          url: appendQuery(r.cancel_url, { order_no: r.order_no }),
          fields: {},
          retCode: PAGE_CODES.BUYER_CANCELLED,
          retMsg: PAGE_MESSAGES.BUYER_CANCELLED,
        }),
      );
    }
    payment.status = 'failed';
    return sendHtml(
      res,
      200,
      renderDecidePage({
        ...common,
        method: 'get',
        url: appendQuery(r.fail_url, {
          order_no: r.order_no,
          ret_code: PAGE_CODES.DECLINED,
          ret_msg: PAGE_MESSAGES.DECLINED,
        }),
        fields: {},
        retCode: PAGE_CODES.DECLINED,
        retMsg: PAGE_MESSAGES.DECLINED,
      }),
    );
  }

  /**
   * Checks the search key and the client_id of a search API. Answers the error itself and returns null, or
   * returns the merchant. `fields` were validated by the caller.
   * @param {Merchant} keyMerchant
   * @param {string} clientId
   * @param {http.ServerResponse} res
   */
  function searchMerchant(keyMerchant, clientId, res) {
    const merchant = merchantsById.get(clientId);
    if (!merchant) {
      sendError(res, 400, RET.UNKNOWN_CLIENT, `unknown client_id: ${clientId}`);
      return null;
    }
    if (merchant !== keyMerchant) {
      sendAuthError(res);
      return null;
    }
    return merchant;
  }

  /**
   * GET /v1.0/payments/info/card-list?client_id=&pgcode= (search key).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url
   */
  function cardList(req, res, url) {
    req.resume();
    const keyMerchant = merchantBySearchKey(req);
    if (!keyMerchant) return sendAuthError(res);
    const query = { client_id: url.searchParams.get('client_id'), pgcode: url.searchParams.get('pgcode') };
    const v = validateFields(query, CARD_LIST_FIELDS);
    if (!v.ok) return sendError(res, 400, v.code, v.msg);
    if (!searchMerchant(keyMerchant, /** @type {string} */ (query.client_id), res)) return;
    const list = cardListFor(/** @type {string} */ (query.pgcode)) ?? [];
    sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', list });
  }

  /**
   * GET /v1.0/receipt/info/{tid}?client_id=&amunt=&tx_ymd= (search key). `amunt` is the document's spelling;
   * `amount` is accepted too (the same value when both are given).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url @param {string} rawTid
   */
  function receiptInfo(req, res, url, rawTid) {
    req.resume();
    const keyMerchant = merchantBySearchKey(req);
    if (!keyMerchant) return sendAuthError(res);
    /** @type {string} */
    let tid;
    try {
      tid = decodeURIComponent(rawTid);
    } catch {
      return sendError(res, 400, RET.MALFORMED_BODY, 'malformed request target.');
    }
    const sp = url.searchParams;
    const amunt = sp.get('amunt');
    const amount = sp.get('amount');
    if (amunt !== null && amount !== null && amunt !== '' && amount !== '' && amunt !== amount) {
      return sendError(res, 400, RET.INVALID_VALUE, 'amunt and amount are both given and differ.');
    }
    const amountText = amunt !== null && amunt !== '' ? amunt : amount;
    /** @type {Record<string, any>} */
    const query = {
      tid,
      client_id: sp.get('client_id'),
      // The query carries text: decimal digits become the table's number, anything else stays text (-> 911).
      amunt: amountText !== null && /^\d{1,15}$/.test(amountText) ? Number(amountText) : amountText,
      tx_ymd: sp.get('tx_ymd'),
    };
    const v = validateFields(query, RECEIPT_INFO_FIELDS);
    if (!v.ok) return sendError(res, 400, v.code, v.msg);
    if (!searchMerchant(keyMerchant, query.client_id, res)) return;

    const payment = state.byTid.get(tid);
    if (!payment || payment.clientId !== query.client_id) {
      return sendError(res, 404, RET.RECEIPT_UNKNOWN_TID, `no payment with tid ${tid}.`);
    }
    if (payment.status !== 'confirmed' || payment.txDate === null) {
      return sendError(res, 400, RET.RECEIPT_NOT_CONFIRMED, `payment ${tid} is not confirmed (status: ${payment.status}).`);
    }
    if (payment.request.amount !== query.amunt) {
      return sendError(res, 400, RET.RECEIPT_AMOUNT_MISMATCH, `amunt does not match the payment of tid ${tid}.`);
    }
    if (payment.txDate.slice(0, 10) !== query.tx_ymd) {
      return sendError(res, 400, RET.RECEIPT_DATE_MISMATCH, `tx_ymd does not match the payment of tid ${tid}.`);
    }
    if (payment.receiptId === null) {
      payment.receiptId = randomToken();
      state.byReceiptId.set(payment.receiptId, payment);
    }
    sendJson(res, 200, {
      ret_code: RET.OK,
      ret_msg: 'OK',
      redirect_url: `${origin}/pgsvc/receipt?id=${encodeURIComponent(payment.receiptId)}`,
    });
  }

  /** GET /pgsvc/receipt?id= — the 거래 확인서 page; the id can be used any number of times. @param {URL} url @param {http.ServerResponse} res */
  function receiptPage(url, res) {
    const id = url.searchParams.get('id');
    if (!id) return sendHtml(res, 400, renderErrorPage('잘못된 요청', '거래 확인서 번호가 없습니다.'));
    const payment = state.byReceiptId.get(id);
    if (!payment || !payment.payInfo || payment.tid === null || payment.txDate === null) {
      return sendHtml(res, 404, renderErrorPage('거래 확인서', '거래 확인서를 찾을 수 없습니다.'));
    }
    const r = payment.request;
    sendHtml(
      res,
      200,
      renderReceiptPage({
        clientId: payment.clientId,
        orderNo: r.order_no,
        userName: r.user_name,
        productName: r.product_name,
        amount: r.amount,
        taxAmount: payment.taxAmount ?? 0,
        taxfreeAmount: payment.taxfreeAmount ?? 0,
        tid: payment.tid,
        txDate: payment.txDate,
        payInfo: payment.payInfo,
        state: 'approved',
      }),
    );
  }

  /**
   * Card images named by card-list's image_url (SVG, cacheable).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} svg
   */
  function sendCardImage(req, res, svg) {
    req.resume();
    res.writeHead(200, {
      'Content-Type': 'image/svg+xml',
      'Content-Length': Buffer.byteLength(svg),
      'Cache-Control': 'max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : svg);
  }

  /** @param {http.ServerResponse} res */
  function sendScript(res) {
    res.writeHead(200, {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Content-Length': Buffer.byteLength(script),
      'Cache-Control': 'no-store',
    });
    res.end(script);
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function advanceClock(req, res) {
    const body = await readJsonObject(req, res);
    if (!body) return;
    const ms = body.ms;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      return sendError(res, 400, RET.INVALID_VALUE, 'ms must be a non-negative number.');
    }
    const t = clock.advance(ms);
    sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', now: t, offset_ms: clock.offset() });
  }

  function reset() {
    state.payments.clear();
    state.byToken.clear();
    state.byNonce.clear();
    // state.tids is kept: a tid is never handed out twice in one run, even across resets.
    state.byTid.clear();
    state.byReceiptId.clear();
    clock.reset();
  }

  /** @param {http.ServerResponse} res */
  function listPayments(res) {
    sendJson(res, 200, {
      ret_code: RET.OK,
      ret_msg: 'OK',
      now: clock.now(),
      payments: [...state.payments.values()],
    });
  }

  /**
   * @type {Record<string, Partial<Record<string, (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => unknown>>>}
   */
  const routes = {
    '/v1.0/payments/request': { POST: paymentsRequest },
    '/v1.0/payments/confirm': { POST: paymentsConfirm },
    '/v1.0/payments/info/card-list': { GET: cardList },
    // GET /v1.0/receipt/info/{tid}: matched by prefix in route() below.
    '/pgsvc/pay': { GET: (_req, res, url) => payPage(url, res) },
    '/pgsvc/receipt': { GET: (_req, res, url) => receiptPage(url, res) },
    '/pgsvc/pay/decide': { POST: decide },
    '/businessPayment/unifiedPay/script': { GET: (_req, res) => sendScript(res) },
    '/__sandbox/advance-clock': { POST: advanceClock },
    '/__sandbox/reset': {
      POST: (req, res) => {
        req.resume();
        reset();
        sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK' });
      },
    },
    '/__sandbox/payments': { GET: (_req, res) => listPayments(res) },
  };
  for (const [path, svg] of CARD_IMAGES) {
    /** @type {(req: http.IncomingMessage, res: http.ServerResponse) => void} */
    const image = (req, res) => sendCardImage(req, res, svg);
    routes[path] = { GET: image, HEAD: image };
  }
  const RECEIPT_INFO_PREFIX = '/v1.0/receipt/info/';

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function route(req, res) {
    const raw = req.url ?? '/';
    /** @type {URL} */
    let url;
    try {
      // A fixed base: "//host/path" must not be read as another authority.
      url = new URL(raw.startsWith('/') ? `http://sandbox.invalid${raw}` : raw);
    } catch {
      req.resume();
      return sendError(res, 400, RET.MALFORMED_BODY, 'malformed request target.');
    }
    let methods = routes[url.pathname];
    if (!methods && url.pathname.startsWith(RECEIPT_INFO_PREFIX)) {
      const rawTid = url.pathname.slice(RECEIPT_INFO_PREFIX.length);
      methods = { GET: (rq, rs, u) => receiptInfo(rq, rs, u, rawTid) };
    }
    if (!methods) {
      req.resume();
      return sendError(res, 404, RET.NOT_FOUND, `no route for ${url.pathname}`);
    }
    const handler = methods[req.method ?? 'GET'];
    if (!handler) {
      req.resume();
      return sendJson(
        res,
        405,
        { ret_code: RET.METHOD_NOT_ALLOWED, ret_msg: `method ${req.method} not allowed.` },
        { Allow: Object.keys(methods).join(', ') },
      );
    }
    await handler(req, res, url);
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @returns {void}
   */
  function handle(req, res) {
    route(req, res).catch((err) => {
      console.error('[sandbox shinhan] internal error', err);
      if (!res.headersSent) sendError(res, 500, RET.INTERNAL, 'internal sandbox error.');
      else res.destroy();
    });
  }

  return { handle, state, clock, origin, reset, merchants: merchantsById };
}

/**
 * Copies the fields the sandbox keeps from a validated request.
 * @param {Record<string, any>} body
 */
function pickRequest(body) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const k of [
    'pgcode', 'client_id', 'user_id', 'user_name', 'order_no', 'pay_type', 'device_type', 'amount',
    'product_name', 'return_url', 'cancel_url', 'fail_url', 'param_ispt_hash', 'user_ci', 'taxfree_amount',
    'tax_amount', 'cup_return_deposit', 'card_cpny_cd', 'install_month', 'inst_type', 'email_flag', 'email_addr',
    'main_color', 'point_color', 'custom_parameter', 'mobile_no', 'card_purpost_type', 'app_return_url',
    'app_cancel_url',
  ]) {
    if (body[k] !== undefined && body[k] !== null) out[k] = body[k];
  }
  return out;
}

/** @param {string} host */
function hostForUrl(host) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the sandbox on host:port (port 0 = ephemeral; the real port is in `origin`).
 * @param {object} [options]
 * @param {string} [options.host]
 * @param {number} [options.port]
 * @param {string} [options.publicOrigin] override the origin put in redirect_url (default http://host:port)
 * @param {Merchant[]} [options.merchants]
 * @param {() => number} [options.now]
 * @returns {Promise<{ origin: string, close(): Promise<void>, sandbox: ReturnType<typeof createShinhanSandbox> }>}
 */
export async function startShinhanSandbox({ host = '127.0.0.1', port = 5174, publicOrigin, merchants, now } = {}) {
  /** @type {ReturnType<typeof createShinhanSandbox> | undefined} */
  let sandbox;
  const server = http.createServer((req, res) => {
    if (sandbox) sandbox.handle(req, res);
    else sendError(res, 503, RET.INTERNAL, 'sandbox is starting.');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('unexpected server address');
  const origin = publicOrigin ? new URL(publicOrigin).origin : `http://${hostForUrl(host)}:${address.port}`;
  sandbox = createShinhanSandbox({ publicOrigin: origin, merchants, now });
  return {
    origin,
    sandbox,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = process.env.PORT ? Number(process.env.PORT) : 5174;
  const host = process.env.HOST || '127.0.0.1';
  const started = await startShinhanSandbox({
    host,
    port,
    publicOrigin: process.env.SANDBOX_PUBLIC_ORIGIN || undefined,
  });
  console.log(`sandbox Shinhan PG listening on ${started.origin}`);
  console.log(
    `  client_id ${DEFAULT_MERCHANT.clientId}, payment API key ${DEFAULT_MERCHANT.paymentApiKey}, search API key ${DEFAULT_MERCHANT.searchApiKey}`,
  );
  const stop = () => {
    started.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
