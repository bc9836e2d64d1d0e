// @ts-check
/**
 * Smartro WEBLink routes. Read top to bottom: session (the form to post), ReturnURL (the result
 * through the buyer's browser), RetryURL (the same result, server to server), StopURL (mobile cancel).
 *
 * WEBLink authorises AND approves at the PG before the result is posted: when an approval reaches
 * us, the money has already moved. There is no confirm call; what protects the shop is checking
 * the result (SignValue, MID, amount) before believing it, confirming it with Smartro's receipt API
 * (SignValue does not cover the amount or the Moid), and recording each TID once.
 */
import { readBodyBytes, redirect, sendJson, sendPage, sendReturnPage, sendText } from './http.mjs';
import { OrderNoQuerySchema, parseOr400, SmartroResultSchema } from './schemas.mjs';
import { checkReceipt, judgeResult, PAY_METHOD_CARD, parseResultForm, sessionFields } from './smartro.mjs';
import { DEMO_BUYER_CONTACT } from './store.mjs';

/**
 * @typedef {import('node:http').IncomingMessage} Req
 * @typedef {import('node:http').ServerResponse} Res
 * @typedef {import('./store.mjs').Attempt} Attempt
 * @typedef {import('./store.mjs').Order} Order
 * @typedef {import('./smartro.mjs').SmartroResult} SmartroResult
 * @typedef {import('./smartro.mjs').ReceiptResult} ReceiptResult
 * @typedef {{ recorded: true } | { recorded: false, code: string, retryLater?: boolean }} Outcome
 *   retryLater: not decided (the receipt API gave no usable answer); the same result may succeed later.
 */

const PATHS = Object.freeze({
  return: '/api/kpg/smartro/return',
  retry: '/api/kpg/smartro/retry',
  stop: '/api/kpg/smartro/stop',
});

/**
 * @param {{ config: import('./config.mjs').MerchantConfig, store: import('./store.mjs').Store,
 *   smartro: import('./smartro.mjs').SmartroClient }} deps
 */
export function createSmartroRoutes({ config, store, smartro }) {
  // -------------------------------------------------------------------------------------------
  // 1. POST /api/kpg/session with provider "smartro" (routes.mjs has already validated the body,
  //    found the order, refused a paid one and checked return_to).
  //    Answers the form the widget posts to the PG: {provider, order_no, action, fields}.
  // -------------------------------------------------------------------------------------------
  /**
   * @param {Res} res
   * @param {Order} order
   * @param {{ device_type: 1 | 2, pgcode?: string, return_to: string }} choices
   */
  function startSession(res, order, choices) {
    const attempt = store.createAttempt(order, {
      provider: 'smartro',
      device_type: choices.device_type,
      pgcode: choices.pgcode ?? 'card',
      return_to: choices.return_to,
      pay_method: PAY_METHOD_CARD,
    });
    const base = config.publicBaseUrl;
    const fields = sessionFields({
      order: { ...DEMO_BUYER_CONTACT, ...withoutUndefined(order) },
      orderNo: attempt.order_no, // Moid
      deviceType: choices.device_type,
      mid: config.smartroMid,
      merchantKey: config.smartroMerchantKey, // only hashed into EncryptData, never sent
      returnUrl: `${base}${PATHS.return}`,
      retryUrl: `${base}${PATHS.retry}`,
      stopUrl: `${base}${PATHS.stop}?order_no=${encodeURIComponent(attempt.order_no)}`,
    });
    sendJson(res, 200, {
      provider: 'smartro',
      order_no: attempt.order_no,
      action: choices.device_type === 2 ? config.smartroPcAction : config.smartroMobileAction,
      fields,
    });
  }

  // -------------------------------------------------------------------------------------------
  // 2. POST /api/kpg/smartro/return (ReturnURL): the PG's result form, auto-submitted by the
  //    buyer's browser (MallResultFWD=Y). Nothing in it is proof until checked.
  //    PC: a page that loads the widget's /kpg-return.js (tells the opener, closes the popup).
  //    Mobile: 303 to return_to.
  // -------------------------------------------------------------------------------------------
  /** @type {import('./routes.mjs').Handler} */
  async function smartroReturn(req, res) {
    const { attempt } = await receiveResult(req, `POST ${PATHS.return}`);
    if (!attempt) {
      sendPage(res, 400, { title: '결제 오류', text: '잘못된 결제 결과 요청입니다. 쇼핑몰에 문의해 주세요.', closeWindow: false });
      return;
    }
    // Whatever was decided (paid, failed, refused), the shop page asks /api/kpg/result next.
    replyToBrowser(res, attempt);
  }

  // -------------------------------------------------------------------------------------------
  // 3. POST /api/kpg/smartro/retry (RetryURL, 재통보): the same result, server to server, for when
  //    the browser never got to ReturnURL. Smartro repeats it until it reads `OK` (guide 6.24), so:
  //    idempotent, `OK` when recorded or already recorded, 400 + short text when refused, 503 when
  //    the approval could not be confirmed yet (receipt API down): the next retry may record it.
  // -------------------------------------------------------------------------------------------
  /** @type {import('./routes.mjs').Handler} */
  async function smartroRetry(req, res) {
    const { outcome } = await receiveResult(req, `POST ${PATHS.retry}`);
    if (outcome.recorded) sendText(res, 200, 'OK');
    else if (outcome.retryLater) sendText(res, 503, `RETRY ${outcome.code}`);
    else sendText(res, 400, `REFUSED ${outcome.code}`);
  }

  /**
   * Reads, decodes and checks a result form, then records it. Every refusal is in store.refusals.
   * @param {Req} req
   * @param {string} route
   * @returns {Promise<{ attempt?: Attempt, outcome: Outcome }>}
   */
  async function receiveResult(req, route) {
    const fields = dropEmpty(parseResultForm(await readBodyBytes(req), req.headers['content-type']));
    const parsed = SmartroResultSchema.safeParse(fields);
    const named = parsed.success ? parsed.data.OID ?? parsed.data.Moid : undefined;
    if (!parsed.success || !named || (parsed.data.OID && parsed.data.Moid && parsed.data.OID !== parsed.data.Moid)) {
      const orderNo = (fields.OID ?? fields.Moid ?? '').slice(0, 64);
      store.recordRefusal({ route, order_no: orderNo, code: 'bad-return', message: 'The result form is malformed.' });
      return { outcome: { recorded: false, code: 'bad-return' } };
    }
    // Found by Moid (= our order_no), not by a session cookie: the POST is cross-site (ReturnURL)
    // or comes from Smartro's server (RetryURL); neither carries the buyer's session.
    const attempt = store.getAttempt(named);
    if (!attempt || attempt.provider !== 'smartro') {
      store.recordRefusal({ route, order_no: named, code: 'unknown-order', message: 'No Smartro attempt with this Moid.' });
      return { outcome: { recorded: false, code: 'unknown-order' } };
    }
    return { attempt, outcome: await settle(attempt, parsed.data, route) };
  }

  /**
   * Checks and records a result. An approval is first checked here, then (config
   * smartroVerifyWithReceiptApi) confirmed with the receipt API, then checked AGAIN and written in
   * one synchronous step: whatever happened during the API call (the same approval arriving at the
   * other URL, another attempt of the order getting paid) is seen before the write.
   * @param {Attempt} attempt
   * @param {SmartroResult} form
   * @param {string} route
   * @returns {Promise<Outcome>}
   */
  async function settle(attempt, form, route) {
    const first = decide(attempt, form, route);
    if (!('confirmTid' in first)) return first;
    const answer = await receiptOf(first.confirmTid);
    const second = decide(attempt, form, route, answer);
    if ('confirmTid' in second) throw new Error('kpg backend: an approval is still unconfirmed after the receipt API answered');
    return second;
  }

  /**
   * Receipt API calls in flight, by TID: a ReturnURL and a RetryURL arriving together share one.
   * @type {Map<string, Promise<ReceiptResult>>}
   */
  const receiptCalls = new Map();

  /** @param {string} tid @returns {Promise<ReceiptResult>} */
  function receiptOf(tid) {
    let call = receiptCalls.get(tid);
    if (!call) {
      call = smartro.receipt(tid).finally(() => receiptCalls.delete(tid));
      receiptCalls.set(tid, call);
    }
    return call;
  }

  /**
   * Decides what a result means and records it. Synchronous on purpose: nothing can run between
   * the checks and the write, so a ReturnURL and a RetryURL arriving together still record one
   * payment. An approval that still needs the receipt API (and no `receipt` was given) changes
   * nothing and answers `{ confirmTid }`.
   * @param {Attempt} attempt
   * @param {SmartroResult} form
   * @param {string} route
   * @param {ReceiptResult} [receipt]  the receipt API's answer for the approval's TID
   * @returns {Outcome | { confirmTid: string }}
   */
  function decide(attempt, form, route, receipt) {
    /** @param {string} code @param {string} message @param {boolean} [retryLater] @returns {Outcome} */
    const refuse = (code, message, retryLater = false) => {
      store.recordRefusal({ route, order_no: attempt.order_no, order_id: attempt.order_id, code, message });
      return retryLater ? { recorded: false, code, retryLater } : { recorded: false, code };
    };
    const order = store.getOrder(attempt.order_id);
    if (!order) return refuse('unknown-order', `No order ${attempt.order_id}.`);

    const verdict = judgeResult(form, {
      mid: config.smartroMid,
      merchantKey: config.smartroMerchantKey,
      amount: order.amount, // OUR amount; Amt in the form is only compared with it
      payMethod: attempt.pay_method ?? PAY_METHOD_CARD,
    });
    // NOTE for production: a refused APPROVAL means the PG may have taken money. Alert staff
    // (and cancel the TID at Smartro if it is real); never ship the goods.
    if (verdict.kind === 'refused') return refuse(verdict.code, verdict.message);

    if (verdict.kind === 'paid') {
      const tid = verdict.details.tid;
      if (attempt.status === 'paid') {
        // The same approval again (ReturnURL then RetryURL, or a reload): already recorded.
        if (attempt.tid === tid) return { recorded: true };
        return refuse('duplicate-payment', `A second approval (TID ${tid}) for an attempt paid by TID ${attempt.tid}: the buyer may be charged twice.`);
      }
      const other = store.findByTid(tid);
      if (other) return refuse('duplicate-tid', `TID ${tid} is already recorded for ${other.order_no}.`);
      if (order.paid_order_no && order.paid_order_no !== attempt.order_no) {
        return refuse('already-paid', `Order ${order.order_id} is already paid by ${order.paid_order_no}; TID ${tid} charged it again.`);
      }
      // SignValue covers only TID and ResultCode: a genuine approval of a cheap order, with OID and
      // Amt edited, verifies. Smartro's own record of the TID (moid, goodsAmt, state) decides.
      const verify = config.smartroVerifyWithReceiptApi;
      if (verify) {
        if (receipt === undefined) return { confirmTid: tid };
        const check = checkReceipt(receipt, { tid, orderNo: attempt.order_no, amount: order.amount });
        // receipt-unverified: the attempt stays pending (not paid, not failed); RetryURL gets a
        // non-OK answer, so Smartro posts the result again later and it can be recorded then.
        if (!check.ok) return refuse(check.code, check.message, check.code === 'receipt-unverified');
      }
      // A verified approval wins over an earlier cancel/failure of this attempt (StopURL carries
      // no proof; with WEBLink the money has moved when the approval arrives).
      store.markPaid(attempt, { ...verdict.details, receipt_verified: verify });
      return { recorded: true };
    }

    // Cancel or decline: only a pending attempt changes, a paid one never does.
    if (attempt.status !== 'pending') {
      return refuse('stale-result', `A ${verdict.kind} result (${form.ResultCode}) for an attempt that is already ${attempt.status}; ignored.`);
    }
    if (verdict.kind === 'cancelled') store.markCancelled(attempt, 'buyer-cancelled');
    else store.markFailed(attempt, verdict.code, verdict.message);
    return { recorded: true };
  }

  // -------------------------------------------------------------------------------------------
  // 4. GET|POST /api/kpg/smartro/stop?order_no=... (StopURL): the buyer cancelled on the mobile
  //    PG page. Carries no proof (anyone can open it): only a pending attempt becomes cancelled.
  // -------------------------------------------------------------------------------------------
  /** @type {import('./routes.mjs').Handler} */
  function smartroStop(req, res, url) {
    req.resume(); // a POST body, if any, is not needed: order_no is in the StopURL we built
    const query = parseOr400(OrderNoQuerySchema, Object.fromEntries(url.searchParams));
    const attempt = store.getAttempt(query.order_no);
    if (!attempt || attempt.provider !== 'smartro') {
      const route = `${req.method} ${PATHS.stop}`;
      store.recordRefusal({ route, order_no: query.order_no, code: 'unknown-order', message: 'No Smartro attempt with this order_no.' });
      sendPage(res, 400, { title: '결제 오류', text: '알 수 없는 주문번호입니다.', closeWindow: false });
      return;
    }
    if (attempt.status === 'pending') store.markCancelled(attempt, 'buyer-cancelled');
    replyToBrowser(res, attempt);
  }

  /**
   * PC: the page with the widget's return script. Mobile: back to the shop.
   * @param {Res} res
   * @param {Attempt} attempt
   */
  function replyToBrowser(res, attempt) {
    if (attempt.device_type === 1) redirect(res, attempt.return_to);
    else sendReturnPage(res, attempt.order_no);
  }

  return { startSession, smartroReturn, smartroRetry, smartroStop };
}

/**
 * Form fields that are present but empty ("VbankNum=") count as absent.
 * @param {Record<string, string>} fields
 * @returns {Record<string, string>}
 */
function dropEmpty(fields) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== ''));
}

/**
 * @template {object} T
 * @param {T} value
 * @returns {T}
 */
function withoutUndefined(value) {
  return /** @type {T} */ (Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
}
