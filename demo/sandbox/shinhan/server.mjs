// @ts-check
/**
 * Sandbox Shinhan PG (SPG): a local stand-in for Shinhan's payment gateway, built from
 * shinhan-spg-api.txt and demo/CONTRACT.md. See README.md in this folder for what it implements and
 * every assumption it makes.
 *
 *   node demo/sandbox/shinhan/server.mjs            # http://127.0.0.1:5174 (PORT / HOST env)
 */
import http from 'node:http';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  safeEqual, randomToken, kstParts, readBody, decodeUtf8, mediaType, readJsonBody, sendJson, sendHtml,
  dispatch, guardHandler, startSandboxServer, isMainModule, runFromCommandLine, MAX_BODY_BYTES,
} from '../common.mjs';
import { RET, PAGE_CODES, PAGE_MESSAGES } from './codes.mjs';
import {
  validatePaymentRequest,
  validateFields,
  CONFIRM_FIELDS,
  CONFIRM_INFO_FIELDS,
  CARD_LIST_FIELDS,
  RECEIPT_INFO_FIELDS,
} from './validate.mjs';
import { renderPayPage, renderDecidePage, renderErrorPage, renderReceiptPage, renderVbankPage, renderAdminPage } from './pages.mjs';
import { CARD_IMAGES, cardByCode, cardListFor, cardName } from './cards.mjs';
import {
  CANCEL_FIELDS,
  PARTIAL_CANCEL_FIELDS,
  balanceOf,
  defaultTaxAmount,
  processedPartialAmount,
  txStat,
} from './cancel.mjs';
import { buildShinhanScript } from './script.mjs';
import { termsFor } from './terms.mjs';

/**
 * @typedef {object} Merchant
 * @property {string} clientId
 * @property {string} paymentApiKey key for `Authorization: SPGKEY ...` on payment APIs
 * @property {string} searchApiKey key for `Authorization: SPGKEY ...` on the search APIs (card-list, receipt/info)
 */

/**
 * @typedef {'requested' | 'shown' | 'approved' | 'cancelled' | 'failed' | 'confirmed' | 'issued' | 'deposited'} PaymentStatus
 *   requested: redirect_url issued; shown: token consumed, page displayed; approved/cancelled/failed: the
 *   buyer decided; confirmed: payments/confirm succeeded; issued: the buyer chose 가상계좌 in selpay's window
 *   and an account was issued (no confirm: the money comes by deposit); deposited: it arrived.
 */

/**
 * A virtual account (가상계좌) issued by selpay's window (issue 11).
 * @typedef {object} Vbank
 * @property {string} bankName 입금은행 (bank_nm)
 * @property {string} accountNo shown to the buyer in the window only: the return_url post carries none
 * @property {string} holder 예금주명 (user_nm)
 * @property {string} due 입금기한 YYYYMMDD (vald_dt), Korea time
 * @property {number | null} depositedAt sandbox-clock ms of the deposit
 * @property {number | null} [closedAt] sandbox-clock ms of a cancel that closed the account before its deposit
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
 * @property {Vbank | null} vbank
 * @property {number} discountAmount confirm's discount_amount: the card company's promotion (the buyer paid amount - it)
 * @property {import('./cancel.mjs').Promotion | null} promotion the promotion applied at confirm
 * @property {import('./cancel.mjs').CancelRecord[]} cancels every cancel, oldest first (API and admin page)
 */

/**
 * @typedef {object} SandboxState
 * @property {Map<string, Payment>} payments keyed by client_id + "\u0000" + order_no
 * @property {Map<string, Payment>} byToken
 * @property {Map<string, Payment>} byNonce
 * @property {Set<string>} tids every tid handed out (never reused within a run, even after a reset)
 * @property {Map<string, Payment>} byTid
 * @property {Map<string, Payment>} byReceiptId
 * @property {ApiFault[]} faults injected through /__sandbox/fault (test only)
 * @property {SandboxSettings} settings the test switches of /__sandbox/settings (issue 25)
 * @property {string[]} probes every path under /__sandbox/probe/ requested (hostile terms' beacons), in order
 */

/**
 * The sandbox's switches (issue 25), set by the constructor's options and by `POST /__sandbox/settings`;
 * `/__sandbox/reset` puts the constructor's back.
 * @typedef {object} SandboxSettings
 * @property {'standard' | 'hostile' | 'none'} terms what terms-info-list answers: the sandbox's Korean terms
 *   (selpay, card), hostile HTML that tries to run and fetch, or "there is no data." for every pgcode
 * @property {boolean} requireUserCi user_ci is required for selpay, as the document's table says
 *   ("통합결제창(개인)전용 / user_ci / 필수"); false stands for a shop whose contract waives it (assumption:
 *   the document names no waiver, the selpay example omits the field)
 * @property {'Y' | 'N' | null} escrYn what return_url carries as escr_yn (null: nothing on a card approval, "N"
 *   on a virtual account, as before); "Y" stands for a merchant with escrow whose buyer chose it in the window
 */

/**
 * A fault of payments/confirm, cancel or cancel/partial, injected by a test: the call DOES act (the money
 * moves, or is given back, and confirm-info knows it) unless `applied` is false, then the answer comes late,
 * never, or as an HTTP error.
 * @typedef {object} ApiFault
 * @property {'confirm' | 'cancel' | 'cancel/partial'} api
 * @property {number | null} delayMs answer after this long; null: never answer (the connection stays open)
 * @property {number | undefined} status answer this HTTP status (ret_code INJECTED) instead of the answer
 * @property {string | undefined} orderNo only for this order_no (any when undefined)
 * @property {string | undefined} tid cancels: only for this tid (any when undefined)
 * @property {boolean} applied cancels: false = the PG fails BEFORE cancelling (nothing is given back)
 * @property {number} remaining how many calls it still applies to
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

/**
 * Virtual accounts (assumptions, README): the bank, the holder every account shows, and how many days it
 * takes deposits (through the last day, Korea time).
 */
export const VBANK = Object.freeze({ bankName: '신한은행', holder: '(주)케이피지데모', days: 3 });
/** The pgcodes whose window offers 가상계좌 (document 5: selpay 개인, bizselpay 법인). */
const VBANK_PGCODES = new Set(['selpay', 'bizselpay']);

/** pay_info's card company when the request named none (BC카드, the one code the document names). */
const DEFAULT_CARD_CODE = 'S001';

/** @param {string} s */
const sha256Hex = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Formats sandbox-clock ms in Korea time (UTC+9, no DST) — assumption: the PG reports KST.
 * @param {number} ms
 */
function kst(ms) {
  const t = kstParts(ms);
  return {
    date: `${t.year}-${t.month}-${t.day}`,
    time: `${t.hour}:${t.minute}:${t.second}`,
    compact: `${t.year}${t.month}${t.day}${t.hour}${t.minute}${t.second}`,
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

/**
 * What the page answered after the buyer's decision does: where the window goes and what the opener is told.
 * @typedef {Pick<import('./pages.mjs').DecidePageData, 'method' | 'url' | 'fields' | 'retCode' | 'retMsg' | 'vbank'>} DecideOutcome
 */

/**
 * The outcome that sends the window to cancel_url / fail_url (GET) with `query` appended.
 * @param {string} url @param {Record<string, string>} query @param {string} retCode @param {string} retMsg
 * @returns {DecideOutcome}
 */
function navigateOutcome(url, query, retCode, retMsg) {
  return { method: 'get', url: appendQuery(url, query), fields: {}, retCode, retMsg };
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

/** @param {http.ServerResponse} res @param {number} status @param {number} code @param {string} msg */
const sendError = (res, status, code, msg) => sendJson(res, status, { ret_code: code, ret_msg: msg });

/**
 * How each problem of a JSON body is answered: [status, ret_code, ret_msg].
 * @type {Record<import('../common.mjs').JsonBodyProblem, [number, number, string]>}
 */
const JSON_BODY_ERRORS = {
  'media-type': [415, RET.UNSUPPORTED_MEDIA_TYPE, 'content-type must be application/json.'],
  'too-large': [413, RET.BODY_TOO_LARGE, `request body is larger than ${MAX_BODY_BYTES} bytes.`],
  malformed: [400, RET.MALFORMED_BODY, 'request body is not valid UTF-8 JSON.'],
  'not-object': [400, RET.MALFORMED_BODY, 'request body must be a JSON object.'],
};

/**
 * Reads and parses a JSON object body, answering the error itself when it cannot.
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res
 * @returns {Promise<Record<string, any> | null>}
 */
async function readJsonObject(req, res) {
  const body = await readJsonBody(req);
  if (body.ok) return body.value;
  sendError(res, ...JSON_BODY_ERRORS[body.problem]);
  return null;
}

/**
 * @param {object} options
 * @param {string} options.publicOrigin origin the browser reaches the sandbox at (used in redirect_url and the script)
 * @param {Merchant[]} [options.merchants] registered merchants (default: [DEFAULT_MERCHANT])
 * @param {() => number} [options.now] base clock in ms (default Date.now); the sandbox adds the advance-clock offset
 * @param {Record<string, import('./cards.mjs').CardPromotion[]>} [options.promotions] card-list promotions by
 *   card_cpny_cd, replacing cards.mjs's (tests reproduce the document's promotion example with them)
 * @param {SandboxSettings['terms']} [options.terms] what terms-info-list answers (default "standard")
 * @param {boolean} [options.requireUserCi] selpay requires user_ci (default true, as the document's table)
 * @param {SandboxSettings['escrYn']} [options.escrYn] escr_yn on return_url (default null)
 */
export function createShinhanSandbox({ publicOrigin, merchants = [DEFAULT_MERCHANT], now, promotions = {}, terms = 'standard', requireUserCi = true, escrYn = null }) {
  const origin = new URL(publicOrigin).origin;
  const clock = createClock(now);
  /** @type {SandboxSettings} */
  const initialSettings = Object.freeze({ terms, requireUserCi, escrYn });
  /** @type {SandboxState} */
  const state = {
    payments: new Map(),
    byToken: new Map(),
    byNonce: new Map(),
    tids: new Set(),
    byTid: new Map(),
    byReceiptId: new Map(),
    faults: [],
    settings: { ...initialSettings },
    probes: [],
  };
  /** @type {Map<string, Merchant>} */
  const merchantsById = new Map(merchants.map((m) => [m.clientId, m]));
  const script = buildShinhanScript(origin);
  /** card-list's prmt_list of a card (the option's, else cards.mjs's). @param {string} code */
  const promotionsOf = (code) => promotions[code] ?? cardByCode(code)?.prmt_list ?? [];

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

  /**
   * Start of a payment API: checks the payment key, then reads the JSON body. Answers the error itself and
   * returns null, or returns the key's merchant and the body.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   * @returns {Promise<{ keyMerchant: Merchant, body: Record<string, any> } | null>}
   */
  async function readPaymentApiRequest(req, res) {
    const keyMerchant = merchantByPaymentKey(req);
    if (!keyMerchant) {
      req.resume();
      sendAuthError(res);
      return null;
    }
    const body = await readJsonObject(req, res);
    return body ? { keyMerchant, body } : null;
  }

  /**
   * Checks the client_id of an API call against the merchant whose key was used. Answers the error itself
   * and returns null, or returns the merchant. The fields were validated by the caller.
   * @param {Merchant} keyMerchant
   * @param {string} clientId
   * @param {http.ServerResponse} res
   */
  function clientMerchant(keyMerchant, clientId, res) {
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
   * The checks every search-key GET starts with: the search key names a merchant, the query fields are
   * valid, and client_id is that merchant. Answers the error itself and returns null when one fails;
   * else the query's fields (strings).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url
   * @param {Array<{name: string}>} fields
   * @returns {Record<string, string> | null}
   */
  function searchKeyQuery(req, res, url, fields) {
    req.resume();
    const keyMerchant = merchantBySearchKey(req);
    if (!keyMerchant) {
      sendAuthError(res);
      return null;
    }
    const query = Object.fromEntries(fields.map(({ name }) => [name, url.searchParams.get(name)]));
    const v = validateFields(query, fields);
    if (!v.ok) {
      sendError(res, 400, v.code, v.msg);
      return null;
    }
    if (!clientMerchant(keyMerchant, /** @type {string} */ (query.client_id), res)) return null;
    return /** @type {Record<string, string>} */ (query);
  }


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
    const call = await readPaymentApiRequest(req, res);
    if (!call) return;
    const { body } = call;
    const v = validatePaymentRequest(body);
    if (!v.ok) return sendError(res, 400, v.code, v.msg);

    const merchant = clientMerchant(call.keyMerchant, body.client_id, res);
    if (!merchant) return;
    // "통합결제창(개인)전용 | user_ci | 필수 | string | 88" (the selpay table), unless the switch waives it.
    if (body.pgcode === 'selpay' && state.settings.requireUserCi && (body.user_ci === undefined || body.user_ci === null || body.user_ci === '')) {
      return sendError(res, 400, RET.MISSING_FIELD, 'user_ci is required for selpay.');
    }

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
      vbank: null,
      discountAmount: 0,
      promotion: null,
      cancels: [],
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
    const call = await readPaymentApiRequest(req, res);
    if (!call) return;
    const { body } = call;
    const v = validateFields(body, CONFIRM_FIELDS);
    if (!v.ok) return sendError(res, 400, v.code, v.msg);
    const merchant = clientMerchant(call.keyMerchant, body.client_id, res);
    if (!merchant) return;

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
    // The card company's promotion (card-list's prmt_list), when the amount reaches its threshold (ASSUMPTION:
    // every qualifying payment gets it; the per-ID limits are not counted). confirm reports it as discount_amount.
    const promo = promotionsOf(cardCode).find((p) => r.amount >= p.prmt_cndi_amt && p.prmt_amt < r.amount);
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
    payment.discountAmount = promo ? promo.prmt_amt : 0;
    payment.promotion = promo ? { threshold: promo.prmt_cndi_amt, discount: promo.prmt_amt } : null;

    const fault = takeFault('confirm', body.order_no, tid);
    if (fault && fault.status !== undefined) {
      return sendError(res, fault.status, RET.INJECTED, 'injected fault: the payment was approved, the answer is an error.');
    }
    if (fault && fault.delayMs === null) return; // approved; the answer never comes (until the sandbox closes)
    if (fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 0));

    sendJson(res, 200, {
      ret_code: RET.OK,
      ret_msg: 'OK',
      pay_type: r.pay_type,
      order_no: r.order_no,
      product_name: r.product_name,
      user_id: r.user_id,
      user_name: r.user_name,
      amount: r.amount,
      discount_amount: payment.discountAmount,
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
    sendHtml(
      res,
      200,
      renderPayPage({ nonce: payment.nonce, decideAction: '/pgsvc/pay/decide', request: payment.request, vbank: VBANK_PGCODES.has(payment.request.pgcode) }),
    );
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
    /** @type {DecideOutcome} */
    let outcome;
    if (choice === 'approve' && form.get('method') === 'vbank' && VBANK_PGCODES.has(r.pgcode)) {
      // 가상계좌: the PG issues an account at once; no confirm (the money comes by deposit). The window shows
      // the account, then posts its fields to return_url WITHOUT a confirm token (document: 결제 인증 결과).
      payment.status = 'issued';
      payment.approvedAt = t;
      payment.tid = newTid();
      state.byTid.set(payment.tid, payment);
      const when = kstParts(t + VBANK.days * 86_400_000);
      payment.vbank = { bankName: VBANK.bankName, accountNo: `562${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 100)).padStart(2, '0')}`, holder: VBANK.holder, due: `${when.year}${when.month}${when.day}`, depositedAt: null, closedAt: null };
      outcome = {
        method: 'post',
        url: r.return_url,
        fields: {
          order_no: r.order_no,
          custom_parameter: r.custom_parameter ?? '',
          escr_yn: state.settings.escrYn ?? 'N',
          tid: payment.tid,
          bank_nm: payment.vbank.bankName,
          user_nm: payment.vbank.holder,
          vald_dt: payment.vbank.due,
          gods_nm: r.product_name,
          email: r.email_addr ?? '',
          user_tel_no: r.mobile_no ?? '',
          pay_amt: String(r.amount),
          ret_code: '0',
          ret_msg: 'OK',
        },
        retCode: PAGE_CODES.SUCCESS,
        retMsg: PAGE_MESSAGES.VBANK_ISSUED,
        vbank: { ...payment.vbank, amount: r.amount },
      };
    } else if (choice === 'approve') {
      payment.status = 'approved';
      payment.approvedAt = t;
      payment.confirmToken = randomToken(); // 32 characters (<= 50)
      // The PG's transaction exists from the buyer's approval on (assumption); confirm reports this tid.
      payment.tid = newTid();
      state.byTid.set(payment.tid, payment);
      outcome = {
        method: 'post',
        url: r.return_url,
        fields: {
          order_no: r.order_no,
          custom_parameter: r.custom_parameter ?? '',
          confirm_token: payment.confirmToken,
          ...(state.settings.escrYn ? { escr_yn: state.settings.escrYn } : {}),
        },
        retCode: PAGE_CODES.SUCCESS,
        retMsg: PAGE_MESSAGES.SUCCESS,
      };
    } else if (choice === 'cancel') {
      payment.status = 'cancelled';
      const [retCode, retMsg] = [PAGE_CODES.BUYER_CANCELLED, PAGE_MESSAGES.BUYER_CANCELLED];
      outcome = navigateOutcome(r.cancel_url, { order_no: r.order_no }, retCode, retMsg);
    } else {
      payment.status = 'failed';
      const [retCode, retMsg] = [PAGE_CODES.DECLINED, PAGE_MESSAGES.DECLINED];
      outcome = navigateOutcome(r.fail_url, { order_no: r.order_no, ret_code: retCode, ret_msg: retMsg }, retCode, retMsg);
    }
    return sendHtml(res, 200, renderDecidePage({ ...common, ...outcome }));
  }

  /**
   * The first injected fault of `api` that applies to this call, used up by one.
   * @param {ApiFault['api']} api @param {string} orderNo @param {string | null} tid
   */
  function takeFault(api, orderNo, tid) {
    const fault = state.faults.find(
      (f) => f.api === api && f.remaining > 0 && (f.orderNo === undefined || f.orderNo === orderNo) && (f.tid === undefined || f.tid === tid),
    );
    if (fault) fault.remaining--;
    return fault;
  }

  /**
   * GET /v1.0/payments/confirm-info?client_id=&order_no= (search key): the transaction of a CONFIRMED payment
   * or an ISSUED virtual account (assumption: before payments/confirm there is none, and the answer is the
   * document's "there is no data."). tx_stat 1 승인, 2 취소 (nothing left: cncl_date and cncl_rsn of the last
   * cancel, "거래 상태 2:취소의 경우에만"), 3 부분취소 (no cancelled amount, no cid, no date: the document gives none).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url
   */
  function confirmInfo(req, res, url) {
    const query = searchKeyQuery(req, res, url, CONFIRM_INFO_FIELDS);
    if (!query) return;
    const payment = state.payments.get(paymentKey(/** @type {string} */ (query.client_id), /** @type {string} */ (query.order_no)));
    // A virtual account (assumption, README): from its issue on, a transaction with the account's tid and
    // amount and tx_stat 0 (입금대기, a state the document's table does not list) until its deposit; then
    // tx_stat 1 (승인) with the deposit's moment. An account closed by a cancel before its deposit: tx_stat 2.
    const closedAccount = payment?.status === 'issued' && payment.cancels.length > 0;
    if (payment && payment.status === 'issued' && payment.tid !== null && !closedAccount) {
      return sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', user_id: payment.request.user_id, tid: payment.tid, tx_amount: payment.request.amount, tx_stat: 0 });
    }
    if (!payment || (payment.status !== 'confirmed' && payment.status !== 'deposited' && !closedAccount) || payment.tid === null) {
      return sendError(res, 404, RET.NO_DATA, 'there is no data.');
    }
    const stat = txStat(payment);
    const last = payment.cancels.at(-1);
    const issued = kst(payment.approvedAt ?? payment.createdAt);
    sendJson(res, 200, {
      ret_code: RET.OK,
      ret_msg: 'OK',
      user_id: payment.request.user_id,
      tid: payment.tid,
      // ASSUMPTION: the amount of the payment as approved, never the balance (the document does not say).
      tx_amount: payment.request.amount,
      tx_stat: stat,
      tx_date: payment.txDate ?? `${issued.date} ${issued.time}`,
      ...(stat === 2 && last ? { cncl_date: last.txDate, cncl_rsn: last.reason } : {}),
    });
  }

  /**
   * What a cancel would do to a payment, checked as the PG checks it (the API and the admin page): the
   * processed amount, or the refusal [status, ret_code, ret_msg].
   * @param {Payment} payment
   * @param {{ kind: 'full' | 'partial', amount: number | null, taxfreeAmount: number, via: 'api' | 'admin', refund: boolean }} ask
   *   amount null: the admin page's full cancel (whatever is left)
   * @returns {{ ok: true, amount: number } | { ok: false, status: number, code: number, msg: string }}
   */
  function judgeCancel(payment, ask) {
    const no = (/** @type {number} */ status, /** @type {number} */ code, /** @type {string} */ msg) => ({ ok: /** @type {const} */ (false), status, code, msg });
    const moneyMoved = payment.status === 'confirmed' || payment.status === 'deposited';
    const waitingAccount = payment.status === 'issued' && payment.vbank !== null;
    if (!moneyMoved && !waitingAccount) return no(400, RET.CANCEL_NOT_APPROVED, `payment ${payment.tid} took no money (status: ${payment.status}).`);
    const balance = balanceOf(payment);
    if (balance <= 0) return no(409, RET.CANCEL_ALREADY_CANCELLED, `payment ${payment.tid} is already cancelled.`);
    if (ask.kind === 'full') {
      // ASSUMPTION: v1.0/payments/cancel cancels the whole remaining balance, and `amount` must say it.
      if (ask.amount !== null && ask.amount !== balance) return no(400, RET.CANCEL_AMOUNT, `amount must be the remaining balance ${balance}.`);
      // ASSUMPTION: a deposited account's money goes back to the buyer's account, which the request must name.
      if (payment.status === 'deposited' && ask.via === 'api' && !ask.refund) {
        return no(400, RET.CANCEL_REFUND_ACCOUNT, 'bank_cd, bank_acct_no and bank_name (the refund account) are required for a deposited virtual account.');
      }
      return { ok: true, amount: balance };
    }
    if (payment.vbank) return no(400, RET.CANCEL_VBANK_PARTIAL, 'a virtual account cannot be partially cancelled: cancel/partial takes no refund account.');
    if ((payment.request.cup_return_deposit ?? 0) > 0) return no(400, RET.CANCEL_CUP_DEPOSIT, 'a payment with cup_return_deposit cannot be partially cancelled.');
    const asked = /** @type {number} */ (ask.amount);
    const processed = processedPartialAmount({ asked, balance, promotion: payment.promotion });
    if (processed === null) return no(400, RET.CANCEL_AMOUNT, `amount ${asked} is more than the remaining balance ${balance}.`);
    if (ask.taxfreeAmount > processed) return no(400, RET.INVALID_VALUE, 'taxfree_amount must not exceed the cancelled amount.');
    return { ok: true, amount: processed };
  }

  /**
   * Records a cancel the PG made (API or admin page) and returns it.
   * @param {Payment} payment
   * @param {Omit<import('./cancel.mjs').CancelRecord, 'cid' | 'at' | 'txDate'>} c
   */
  function applyCancel(payment, c) {
    const t = clock.now();
    const when = kst(t);
    /** @type {import('./cancel.mjs').CancelRecord} */
    const record = { ...c, cid: String(randomInt(100_000, 1_000_000_000)), at: t, txDate: `${when.date} ${when.time}` };
    payment.cancels.push(record);
    if (payment.status === 'issued' && payment.vbank) payment.vbank.closedAt = t;
    return record;
  }

  /**
   * POST v1.0/payments/cancel and v1.0/payments/cancel/partial (payment key).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {'full' | 'partial'} kind
   */
  async function paymentsCancel(req, res, kind) {
    const call = await readPaymentApiRequest(req, res);
    if (!call) return;
    const { body } = call;
    const v = validateFields(body, kind === 'full' ? CANCEL_FIELDS : PARTIAL_CANCEL_FIELDS);
    if (!v.ok) return sendError(res, 400, v.code, v.msg);
    if (!clientMerchant(call.keyMerchant, body.client_id, res)) return;
    const payment = state.byTid.get(body.tid);
    if (!payment || payment.clientId !== body.client_id) return sendError(res, 404, RET.CANCEL_UNKNOWN_TID, `no payment with tid ${body.tid}.`);
    // ASSUMPTION: the user_id of the payment's payments/request (the document gives no other source for it).
    if (payment.request.user_id !== body.user_id) return sendError(res, 400, RET.CANCEL_USER_MISMATCH, 'user_id is not the payment\'s user_id.');
    const refundFields = ['bank_cd', 'bank_acct_no', 'bank_name'].filter((k) => body[k] !== undefined && body[k] !== null && body[k] !== '');
    if (refundFields.length > 0 && refundFields.length < 3) {
      return sendError(res, 400, RET.MISSING_FIELD, 'bank_cd, bank_acct_no and bank_name go together.');
    }
    const fault = takeFault(kind === 'full' ? 'cancel' : 'cancel/partial', payment.orderNo, payment.tid);
    if (fault && !fault.applied) {
      // The PG failed before it acted: nothing is cancelled, and the answer is late, never, or an error.
      if (fault.delayMs === null && fault.status === undefined) return;
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 0));
      return sendError(res, fault.status ?? 503, RET.INJECTED, 'injected fault: nothing was cancelled.');
    }
    const verdict = judgeCancel(payment, {
      kind,
      amount: body.amount,
      taxfreeAmount: body.taxfree_amount ?? 0,
      via: 'api',
      refund: refundFields.length === 3,
    });
    if (!verdict.ok) return sendError(res, verdict.status, verdict.code, verdict.msg);
    const taxfree = kind === 'partial' ? (body.taxfree_amount ?? 0) : 0;
    const record = applyCancel(payment, {
      kind,
      via: 'api',
      requested: body.amount,
      amount: verdict.amount,
      taxfreeAmount: taxfree,
      taxAmount: kind === 'partial' ? (body.tax_amount ?? defaultTaxAmount(verdict.amount, taxfree)) : 0,
      reason: body.cncl_rsn,
      refundAccount: refundFields.length === 3 ? { bank_cd: body.bank_cd, bank_acct_no: body.bank_acct_no, bank_name: body.bank_name } : null,
    });
    if (fault && fault.status !== undefined) return sendError(res, fault.status, RET.INJECTED, 'injected fault: the cancel was made, the answer is an error.');
    if (fault && fault.delayMs === null) return; // cancelled; the answer never comes (until the sandbox closes)
    if (fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 0));
    sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', tid: payment.tid, cid: record.cid, amount: record.amount, tx_date: record.txDate });
  }

  /**
   * The PG's own admin site (test only): GET /__sandbox/admin lists the payments with their balance and a
   * full and a partial cancel each; POST /__sandbox/admin (form or JSON {tid, amount?, reason?}) cancels behind
   * the shop's back: the whole balance without `amount`, else a partial cancel (the promotion rule applies).
   * A JSON body gets a JSON answer.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function adminCancel(req, res) {
    if (req.method === 'GET') {
      req.resume();
      return sendHtml(res, 200, adminPage());
    }
    const json = mediaType(req) === 'application/json';
    /** @type {Record<string, any> | null} */
    let body;
    if (json) body = await readJsonObject(req, res);
    else {
      const raw = await readBody(req);
      const text = raw.ok ? decodeUtf8(raw.buf) : null;
      body = text === null ? {} : Object.fromEntries(new URLSearchParams(text));
    }
    if (!body) return;
    const tid = String(body.tid ?? '');
    const amountText = body.amount === undefined || body.amount === null ? '' : String(body.amount).trim();
    /** @param {number} status @param {number} code @param {string} msg */
    const fail = (status, code, msg) => (json ? sendError(res, status, code, msg) : sendHtml(res, status, adminPage(msg)));
    const payment = state.byTid.get(tid);
    if (!payment) return fail(404, RET.CANCEL_UNKNOWN_TID, `no payment with tid ${tid}.`);
    if (amountText !== '' && !/^\d{1,12}$/.test(amountText)) return fail(400, RET.INVALID_VALUE, 'amount must be a whole number of won.');
    const kind = amountText === '' ? 'full' : 'partial';
    const amount = kind === 'full' ? null : Number(amountText);
    const verdict = judgeCancel(payment, { kind, amount, taxfreeAmount: 0, via: 'admin', refund: false });
    if (!verdict.ok) return fail(verdict.status, verdict.code, verdict.msg);
    const record = applyCancel(payment, {
      kind,
      via: 'admin',
      requested: amount ?? verdict.amount,
      amount: verdict.amount,
      taxfreeAmount: 0,
      taxAmount: kind === 'partial' ? defaultTaxAmount(verdict.amount, 0) : 0,
      reason: String(body.reason ?? '').slice(0, 100) || '관리자 취소',
      refundAccount: null,
    });
    if (json) return sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', tid, cid: record.cid, amount: record.amount, tx_date: record.txDate, tx_stat: txStat(payment) });
    sendHtml(res, 200, adminPage(`${tid}: ${record.amount}원 취소했습니다.`));
  }

  /** @param {string} [message] */
  function adminPage(message) {
    const payments = [...state.payments.values()]
      .filter((p) => p.tid && (p.status === 'confirmed' || p.status === 'deposited' || p.status === 'issued'))
      .map((p) => ({
        tid: /** @type {string} */ (p.tid),
        orderNo: p.orderNo,
        amount: p.request.amount,
        discount: p.discountAmount,
        balance: balanceOf(p),
        txStat: p.status === 'issued' && p.cancels.length === 0 ? 0 : txStat(p),
        method: p.vbank ? '가상계좌' : '신용카드',
        cancels: p.cancels.map((c) => ({ cid: c.cid, amount: c.amount, txDate: c.txDate, via: c.via })),
      }));
    return renderAdminPage({ action: '/__sandbox/admin', payments, message });
  }

  /**
   * POST /__sandbox/fault {api: "confirm" | "cancel" | "cancel/partial", delay_ms?: number | null, status?: number,
   * order_no?: string, tid?: string, applied?: boolean, times?: number} (test only). delay_ms null (or absent
   * without status): never answer. applied false (cancels only): the PG fails before it cancels anything.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function injectFault(req, res) {
    const body = await readJsonObject(req, res);
    if (!body) return;
    if (body.api !== 'confirm' && body.api !== 'cancel' && body.api !== 'cancel/partial') {
      return sendError(res, 400, RET.INVALID_VALUE, 'api must be "confirm", "cancel" or "cancel/partial".');
    }
    if (body.applied !== undefined && (typeof body.applied !== 'boolean' || body.api === 'confirm')) {
      return sendError(res, 400, RET.INVALID_VALUE, 'applied must be a boolean, and only for the cancel APIs.');
    }
    const delay = body.delay_ms;
    if (delay !== undefined && delay !== null && (typeof delay !== 'number' || delay < 0)) {
      return sendError(res, 400, RET.INVALID_VALUE, 'delay_ms must be a non-negative number or null.');
    }
    if (body.status !== undefined && (!Number.isInteger(body.status) || body.status < 400 || body.status > 599)) {
      return sendError(res, 400, RET.INVALID_VALUE, 'status must be an HTTP error status.');
    }
    state.faults.push({
      api: body.api,
      delayMs: typeof delay === 'number' ? delay : null,
      status: body.status,
      orderNo: typeof body.order_no === 'string' ? body.order_no : undefined,
      tid: typeof body.tid === 'string' ? body.tid : undefined,
      applied: body.applied !== false,
      remaining: Number.isInteger(body.times) && body.times > 0 ? body.times : 1,
    });
    sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK' });
  }

  /**
   * GET /v1.0/payments/info/card-list?client_id=&pgcode= (search key).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url
   */
  function cardList(req, res, url) {
    const query = searchKeyQuery(req, res, url, CARD_LIST_FIELDS);
    if (!query) return;
    const list = (cardListFor(/** @type {string} */ (query.pgcode)) ?? []).map((c) => ({ ...c, prmt_list: structuredClone(promotionsOf(c.card_cpny_cd)) }));
    sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', list });
  }

  /**
   * GET /v1.0/payments/info/terms-info-list?client_id=&pgcode= (search key, issue 25): the PG's terms for a
   * pgcode (terms.mjs), or the document's only error example, HTTP 401 `{"ret_code": 998, "ret_msg": "there
   * is no data."}`, for a pgcode without terms (assumption).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url
   */
  function termsList(req, res, url) {
    const query = searchKeyQuery(req, res, url, CARD_LIST_FIELDS);
    if (!query) return;
    const list = termsFor(/** @type {string} */ (query.pgcode), state.settings.terms, origin);
    if (!list) return sendError(res, 401, RET.AUTH, 'there is no data.');
    sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', list });
  }

  /**
   * POST /__sandbox/settings (test only, JSON): `terms` ("standard" | "hostile" | "none"), `require_user_ci`
   * (boolean), `escr_yn` ("Y" | "N" | null). GET answers the current settings and the probe count.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function settings(req, res) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'POST') {
      const body = await readJsonObject(req, res);
      if (!body) return;
      if (body.terms !== undefined && !['standard', 'hostile', 'none'].includes(body.terms)) {
        return sendError(res, 400, RET.INVALID_VALUE, 'terms must be "standard", "hostile" or "none".');
      }
      if (body.require_user_ci !== undefined && typeof body.require_user_ci !== 'boolean') {
        return sendError(res, 400, RET.INVALID_VALUE, 'require_user_ci must be a boolean.');
      }
      if (body.escr_yn !== undefined && body.escr_yn !== null && body.escr_yn !== 'Y' && body.escr_yn !== 'N') {
        return sendError(res, 400, RET.INVALID_VALUE, 'escr_yn must be "Y", "N" or null.');
      }
      if (body.terms !== undefined) state.settings.terms = body.terms;
      if (body.require_user_ci !== undefined) state.settings.requireUserCi = body.require_user_ci;
      if (body.escr_yn !== undefined) state.settings.escrYn = body.escr_yn;
    } else req.resume();
    sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', settings: state.settings, probes: state.probes.length });
  }

  /**
   * /__sandbox/probe/... (any method): what hostile terms point at. Counted, answered with a 1x1 GIF (a CSS
   * url() and an img get an image, so nothing fails loudly). GET /__sandbox/probe reads the list.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} pathname
   */
  function probe(req, res, pathname) {
    req.resume();
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (pathname === PROBE_PREFIX.slice(0, -1)) return sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', probes: state.probes });
    state.probes.push(pathname.slice(PROBE_PREFIX.length));
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': gif.length, 'Cache-Control': 'no-store' });
    res.end(gif);
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
    if (!clientMerchant(keyMerchant, query.client_id, res)) return;

    const payment = state.byTid.get(tid);
    if (!payment || payment.clientId !== query.client_id) {
      return sendError(res, 404, RET.RECEIPT_UNKNOWN_TID, `no payment with tid ${tid}.`);
    }
    if ((payment.status !== 'confirmed' && payment.status !== 'deposited') || payment.txDate === null) {
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
    if (!payment || (!payment.payInfo && !payment.vbank) || payment.tid === null || payment.txDate === null) {
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
        vbank: payment.vbank,
        state: txStat(payment) === 2 ? 'cancelled' : txStat(payment) === 3 ? 'partially-cancelled' : 'approved',
        cancelledAmount: payment.cancels.reduce((sum, c) => sum + c.amount, 0),
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

  /**
   * The sandbox's stand-in for a bank deposit into an issued virtual account (the document describes no
   * deposit notification: the shop learns it from confirm-info). GET /__sandbox/vbank: a page listing the
   * accounts with a 입금 button each; POST /__sandbox/vbank (form `tid`, or JSON {tid}): the deposit. After
   * the account's last day (vald_dt, Korea time, on the sandbox clock) a deposit is refused.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function vbankDeposit(req, res) {
    if (req.method === 'GET') {
      req.resume();
      return sendHtml(res, 200, vbankPage());
    }
    const json = mediaType(req) === 'application/json';
    /** @type {Record<string, any> | null} */
    let body;
    if (json) body = await readJsonObject(req, res);
    else {
      const raw = await readBody(req);
      const text = raw.ok ? decodeUtf8(raw.buf) : null;
      body = text === null ? {} : Object.fromEntries(new URLSearchParams(text));
    }
    if (!body) return;
    const tid = String(body.tid ?? '');
    const payment = state.byTid.get(tid);
    /** @param {number} status @param {string} msg */
    const fail = (status, msg) => (json ? sendError(res, status, RET.INVALID_VALUE, msg) : sendHtml(res, status, vbankPage(msg)));
    if (!payment || !payment.vbank) return fail(404, `no virtual account with tid ${tid}.`);
    if (payment.status === 'deposited') return fail(409, `the account of tid ${tid} has already received its deposit.`);
    if (payment.vbank.closedAt) return fail(409, `the account of tid ${tid} was closed by a cancel.`);
    const t = clock.now();
    const v = payment.vbank;
    if (t > Date.parse(`${v.due.slice(0, 4)}-${v.due.slice(4, 6)}-${v.due.slice(6)}T23:59:59.999+09:00`)) {
      return fail(409, `the account of tid ${tid} took deposits until ${v.due}.`);
    }
    v.depositedAt = t;
    payment.status = 'deposited';
    const when = kst(t);
    payment.txDate = `${when.date} ${when.time}`;
    if (json) return sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK', tid, tx_date: payment.txDate });
    sendHtml(res, 200, vbankPage(`${tid}: 입금했습니다.`));
  }

  /** @param {string} [message] */
  function vbankPage(message) {
    const accounts = [...state.payments.values()]
      .filter((p) => p.vbank && p.tid)
      .map((p) => ({ tid: /** @type {string} */ (p.tid), orderNo: p.orderNo, amount: p.request.amount, ...(/** @type {Vbank} */ (p.vbank)), deposited: p.status === 'deposited' }));
    return renderVbankPage({ action: '/__sandbox/vbank', accounts, message });
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
    state.faults.length = 0;
    state.settings = { ...initialSettings };
    state.probes.length = 0;
    clock.reset();
  }

  /** @param {http.ServerResponse} res */
  function listPayments(res) {
    // Readable from a test page on another origin (what the PG request carried, e.g. app_return_url).
    res.setHeader('Access-Control-Allow-Origin', '*');
    sendJson(res, 200, {
      ret_code: RET.OK,
      ret_msg: 'OK',
      now: clock.now(),
      payments: [...state.payments.values()],
    });
  }

  /** @type {Record<string, import('../common.mjs').RouteMethods>} */
  const routes = {
    '/v1.0/payments/request': { POST: paymentsRequest },
    '/v1.0/payments/confirm': { POST: paymentsConfirm },
    '/v1.0/payments/confirm-info': { GET: confirmInfo },
    '/v1.0/payments/cancel': { POST: (req, res) => paymentsCancel(req, res, 'full') },
    '/v1.0/payments/cancel/partial': { POST: (req, res) => paymentsCancel(req, res, 'partial') },
    '/v1.0/payments/info/card-list': { GET: cardList },
    '/v1.0/payments/info/terms-info-list': { GET: termsList },
    // GET /v1.0/receipt/info/{tid}: matched by prefix in route() below.
    '/pgsvc/pay': { GET: (_req, res, url) => payPage(url, res) },
    '/pgsvc/receipt': { GET: (_req, res, url) => receiptPage(url, res) },
    '/pgsvc/pay/decide': { POST: decide },
    '/businessPayment/unifiedPay/script': { GET: (_req, res) => sendScript(res) },
    '/__sandbox/advance-clock': { POST: advanceClock },
    '/__sandbox/fault': { POST: injectFault },
    '/__sandbox/vbank': { GET: vbankDeposit, POST: vbankDeposit },
    '/__sandbox/admin': { GET: adminCancel, POST: adminCancel },
    '/__sandbox/reset': {
      POST: (req, res) => {
        req.resume();
        reset();
        sendJson(res, 200, { ret_code: RET.OK, ret_msg: 'OK' });
      },
    },
    '/__sandbox/payments': { GET: (_req, res) => listPayments(res) },
    '/__sandbox/settings': { GET: settings, POST: settings },
  };
  for (const [path, svg] of CARD_IMAGES) {
    /** @type {(req: http.IncomingMessage, res: http.ServerResponse) => void} */
    const image = (req, res) => sendCardImage(req, res, svg);
    routes[path] = { GET: image, HEAD: image };
  }
  const RECEIPT_INFO_PREFIX = '/v1.0/receipt/info/';
  const PROBE_PREFIX = '/__sandbox/probe/';

  /** @param {string} pathname */
  function lookup(pathname) {
    if (pathname.startsWith(PROBE_PREFIX) || pathname === PROBE_PREFIX.slice(0, -1)) {
      /** @type {import('../common.mjs').RouteMethods} */
      const any = {};
      for (const m of ['GET', 'HEAD', 'POST']) any[m] = (rq, rs) => probe(rq, rs, pathname);
      return any;
    }
    const methods = routes[pathname];
    if (methods || !pathname.startsWith(RECEIPT_INFO_PREFIX)) return methods;
    const rawTid = pathname.slice(RECEIPT_INFO_PREFIX.length);
    /** @type {import('../common.mjs').RouteMethods} */
    const receiptInfoRoute = { GET: (rq, rs, u) => receiptInfo(rq, rs, u, rawTid) };
    return receiptInfoRoute;
  }

  /** @type {import('../common.mjs').RouteFailures} */
  const routeFailures = {
    badTarget: (_req, res) => sendError(res, 400, RET.MALFORMED_BODY, 'malformed request target.'),
    notFound: (_req, res, pathname) => sendError(res, 404, RET.NOT_FOUND, `no route for ${pathname}`),
    methodNotAllowed: (req, res, _pathname, allow) =>
      sendJson(res, 405, { ret_code: RET.METHOD_NOT_ALLOWED, ret_msg: `method ${req.method} not allowed.` }, allow),
  };

  const handle = guardHandler(
    'shinhan',
    (req, res) => dispatch(req, res, lookup, routeFailures),
    (_req, res) => sendError(res, 500, RET.INTERNAL, 'internal sandbox error.'),
  );

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

/**
 * Starts the sandbox on host:port (port 0 = ephemeral; the real port is in `origin`).
 * @param {object} [options]
 * @param {string} [options.host]
 * @param {number} [options.port]
 * @param {string} [options.publicOrigin] override the origin put in redirect_url (default http://host:port)
 * @param {Merchant[]} [options.merchants]
 * @param {() => number} [options.now]
 * @param {Record<string, import('./cards.mjs').CardPromotion[]>} [options.promotions]
 * @param {SandboxSettings['terms']} [options.terms]
 * @param {boolean} [options.requireUserCi]
 * @param {SandboxSettings['escrYn']} [options.escrYn]
 * @returns {Promise<{ origin: string, close(): Promise<void>, sandbox: ReturnType<typeof createShinhanSandbox> }>}
 */
export async function startShinhanSandbox({ host = '127.0.0.1', port = 5174, publicOrigin, merchants, now, promotions, terms, requireUserCi, escrYn } = {}) {
  return startSandboxServer({
    host,
    port,
    publicOrigin,
    create: (origin) => createShinhanSandbox({ publicOrigin: origin, merchants, now, promotions, terms, requireUserCi, escrYn }),
    sendStarting: (res) => sendError(res, 503, RET.INTERNAL, 'sandbox is starting.'),
  });
}

if (isMainModule(import.meta.url)) {
  await runFromCommandLine(startShinhanSandbox, 5174, (origin) => [
    `sandbox Shinhan PG listening on ${origin}`,
    `  client_id ${DEFAULT_MERCHANT.clientId}, payment API key ${DEFAULT_MERCHANT.paymentApiKey}, search API key ${DEFAULT_MERCHANT.searchApiKey}`,
  ]);
}
