// @ts-check
/**
 * Shinhan PG (SPG) client: the two hashes, payments/request and payments/confirm (payment key),
 * card-list and receipt/info (search key).
 * Server to server only: neither API key may ever reach a browser.
 *
 * Spec: shinhan-spg-api.txt (결제 요청 v1.0/payments/request, 결제 승인 v1.0/payments/confirm,
 * 카드사 목록 조회 v1.0/payments/info/card-list, 거래 확인서 v1.0/receipt/info/{tid}).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod/mini';
import { isHttpUrl } from './http.mjs';
import { clip, fetchPgJson } from './pg-fetch.mjs';

/** pay_type 1 = 단일 결제 (single payment). The only kind this backend starts. */
export const PAY_TYPE_SINGLE = 1;

// ---------------------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------------------

/** @param {string} text  @returns {string} lowercase hex */
export function sha256Hex(text) {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * param_ispt_hash, sent WITH payments/request: proves to the PG that the amount and order came from
 * the shop's server (only the server knows the key).
 *   sha256(client_id + user_id + order_no + pay_type + amount + payment API Key)
 * @param {{ clientId: string, userId: string, orderNo: string, payType: number, amount: number, paymentApiKey: string }} p
 */
export function paramIsptHash(p) {
  return sha256Hex(`${p.clientId}${p.userId}${p.orderNo}${p.payType}${p.amount}${p.paymentApiKey}`);
}

/**
 * pay_ispt_hash, received IN the payments/confirm answer: proves the answer came from the PG and
 * that user_id / amount / tid were not altered.
 *   sha256(user_id + amount + tid + payment API Key)
 * @param {{ userId: string, amount: number, tid: string, paymentApiKey: string }} p
 */
export function payIsptHash(p) {
  return sha256Hex(`${p.userId}${p.amount}${p.tid}${p.paymentApiKey}`);
}

/**
 * Compares two hex hashes, ignoring case (the document's example is uppercase), in constant time.
 * @param {string} expected
 * @param {string} received
 */
export function hashesEqual(expected, received) {
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// Schemas of the PG's answers. The PG is checked like any other input: a malformed answer is
// never treated as a success.
// ---------------------------------------------------------------------------------------------

/** The document shows numbers both as JSON numbers and as strings ("amount": "1000"). Accept both. */
const NumberLike = z.pipe(
  z.union([z.number(), z.string().check(z.trim(), z.regex(/^-?\d+$/))]),
  z.transform((v) => Number(v)),
);
/** Display fields: accept string or number, keep as string. */
const Text = z.pipe(z.union([z.string(), z.number()]), z.transform((v) => String(v)));

/** Every SPG answer, success or not: { ret_code, ret_msg }. ret_code 0 = OK. */
const PgStatusSchema = z.looseObject({
  ret_code: NumberLike,
  ret_msg: z.optional(Text),
});

/** payments/request, ret_code 0. */
const RequestSuccessSchema = z.looseObject({
  redirect_url: z.string().check(z.refine(isHttpUrl)),
});

/** One entry of pay_info (신용카드). */
const CardInfoSchema = z.looseObject({
  card_cpny_cd: z.optional(Text),
  card_name: z.optional(Text),
  card_no: z.optional(Text),
  card_aprv_no: z.optional(Text),
  install_month: z.optional(Text),
});

/** payments/confirm, ret_code 0. */
const ConfirmSuccessSchema = z.looseObject({
  order_no: Text,
  amount: NumberLike,
  tid: z.pipe(Text, z.string().check(z.minLength(1))),
  pay_ispt_hash: Text,
  user_id: z.optional(Text),
  tx_date: z.optional(Text),
  install_month: z.optional(Text),
  pay_info: z.optional(z.array(CardInfoSchema)),
});

/** receipt/info/{tid}, ret_code 0: the 거래 확인서 page (absolute, or a path on the API host). */
const ReceiptSuccessSchema = z.looseObject({
  redirect_url: z.string().check(z.minLength(1), z.maxLength(2000)),
});

/** @typedef {z.infer<typeof ConfirmSuccessSchema>} ConfirmAnswer */

/**
 * @typedef {import('./pg-fetch.mjs').PgFailure} PgFailure
 * @typedef {import('./pg-fetch.mjs').PgReply} PgReply
 * @typedef {{ ok: true, redirect_url: string } | PgFailure} RequestResult
 * @typedef {{ ok: true, answer: ConfirmAnswer } | PgFailure} ConfirmResult
 * @typedef {{ ok: true, text: string } | PgFailure} CardListResult  text: the PG's JSON exactly as sent
 */

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/**
 * @param {import('./config.mjs').MerchantConfig} config
 */
export function createShinhanClient(config) {
  /**
   * POSTs JSON to the SPG API with the payment key.
   * @param {string} path  e.g. "v1.0/payments/request"
   * @param {Record<string, unknown>} body
   * @returns {Promise<PgReply | PgFailure>}
   */
  function post(path, body) {
    return send(new URL(path, config.shinhanApiBase), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        Accept: 'application/json',
        Authorization: `SPGKEY ${config.shinhanPaymentApiKey}`,
      },
      body: JSON.stringify(body),
    });
  }

  /**
   * GETs from the SPG API with the SEARCH key (card-list, receipt/info: the "search" 키 유형).
   * client_id is always in the query.
   * @param {string} path  e.g. "v1.0/payments/info/card-list"
   * @param {Record<string, string>} query
   */
  function get(path, query) {
    const url = new URL(path, config.shinhanApiBase);
    for (const [name, value] of Object.entries({ client_id: config.shinhanClientId, ...query })) {
      url.searchParams.set(name, value);
    }
    return send(url, {
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: `SPGKEY ${config.shinhanSearchApiKey}` },
    });
  }

  /**
   * One request to the PG, within config.pgTimeoutMs; the answer must be JSON (pg-fetch.mjs).
   * @param {URL} url
   * @param {RequestInit} init
   */
  function send(url, init) {
    return fetchPgJson(url, init, { timeoutMs: config.pgTimeoutMs });
  }

  /**
   * Checks the common { ret_code, ret_msg } part, then the success shape.
   * @template T
   * @param {PgReply | PgFailure} reply
   * @param {z.ZodMiniType<T>} successSchema
   * @returns {{ ok: true, data: T } | PgFailure}
   */
  function readAnswer(reply, successSchema) {
    if (!reply.ok) return reply;
    const status = PgStatusSchema.safeParse(reply.json);
    if (!status.success) {
      return { ok: false, code: 'pg-bad-response', message: `The PG answered HTTP ${reply.status} without a ret_code.` };
    }
    if (status.data.ret_code !== 0) {
      const message = clip(status.data.ret_msg ?? `ret_code ${status.data.ret_code}`);
      return { ok: false, code: 'pg-refused', message };
    }
    const success = successSchema.safeParse(reply.json);
    if (reply.status < 200 || reply.status > 299 || !success.success) {
      return { ok: false, code: 'pg-bad-response', message: 'The PG answered ret_code 0 with a malformed body.' };
    }
    return { ok: true, data: success.data };
  }

  return {
    /**
     * 결제 요청. `fields` must already hold everything except client_id, pay_type and the hash.
     * @param {{ pgcode: string, user_id: string, user_name: string, order_no: string, device_type: 1 | 2,
     *   amount: number, product_name: string, return_url: string, cancel_url: string, fail_url: string,
     *   custom_parameter: string, main_color?: string, point_color?: string, card_cpny_cd?: string,
     *   install_month?: string }} fields
     * @returns {Promise<RequestResult>}
     */
    async requestPayment(fields) {
      const body = {
        ...fields,
        client_id: config.shinhanClientId,
        pay_type: PAY_TYPE_SINGLE,
        param_ispt_hash: paramIsptHash({
          clientId: config.shinhanClientId,
          userId: fields.user_id,
          orderNo: fields.order_no,
          payType: PAY_TYPE_SINGLE,
          amount: fields.amount,
          paymentApiKey: config.shinhanPaymentApiKey,
        }),
      };
      const answer = readAnswer(await post('v1.0/payments/request', body), RequestSuccessSchema);
      return answer.ok ? { ok: true, redirect_url: answer.data.redirect_url } : answer;
    },

    /**
     * 결제 승인. This is the call that actually takes the money.
     * @param {{ order_no: string, confirm_token: string, ip_addr: string }} fields
     * @returns {Promise<ConfirmResult>}
     */
    async confirmPayment(fields) {
      const body = { client_id: config.shinhanClientId, ...fields };
      const answer = readAnswer(await post('v1.0/payments/confirm', body), ConfirmSuccessSchema);
      return answer.ok ? { ok: true, answer: answer.data } : answer;
    },

    /**
     * 카드사 목록 조회. The answer is handed to the browser AS SENT (whatever its ret_code and HTTP
     * status: the widget shows the PG's message), as long as it is a JSON object that does not
     * contain one of our keys.
     * @param {string} pgcode
     * @returns {Promise<CardListResult>}
     */
    async cardList(pgcode) {
      const reply = await get('v1.0/payments/info/card-list', { pgcode });
      if (!reply.ok) return reply;
      if (!isPlainObject(reply.json) || containsKey(reply.text)) {
        return { ok: false, code: 'pg-bad-response', message: `The PG answered HTTP ${reply.status} without a JSON object.` };
      }
      return { ok: true, text: reply.text };
    },

    /**
     * 거래 확인서: the URL of the PG's receipt page for a payment. `amount` and `txYmd` (YYYY-MM-DD)
     * must be what WE recorded. The document spells the amount parameter `amunt`; `amount` is sent
     * too with the same value, in case the PG fixes the spelling.
     * @param {{ tid: string, amount: number, txYmd: string }} p
     * @returns {Promise<RequestResult>}
     */
    async receiptUrl(p) {
      const amount = String(p.amount);
      const reply = await get(`v1.0/receipt/info/${encodeURIComponent(p.tid)}`, { amunt: amount, amount, tx_ymd: p.txYmd });
      const answer = readAnswer(reply, ReceiptSuccessSchema);
      if (!answer.ok) return answer;
      const url = absoluteHttpUrl(answer.data.redirect_url, config.shinhanApiBase);
      if (!url) return { ok: false, code: 'pg-bad-response', message: 'The PG answered a redirect_url that is not an http(s) URL.' };
      return { ok: true, redirect_url: url };
    },
  };

  /** A key in the PG's answer would be passed on to the browser: treat it as a bad answer. @param {string} text */
  function containsKey(text) {
    return [config.shinhanPaymentApiKey, config.shinhanSearchApiKey].some((key) => text.includes(key));
  }
}

/** @typedef {ReturnType<typeof createShinhanClient>} ShinhanClient */

// ---------------------------------------------------------------------------------------------
// Verifying a confirm answer
// ---------------------------------------------------------------------------------------------

/**
 * Checks a successful payments/confirm answer against what WE know about the order.
 * Returns what to record, or why it is refused.
 *
 * @param {ConfirmAnswer} answer
 * @param {{ order_no: string, order: import('./store.mjs').Order, paymentApiKey: string }} expected
 * @returns {{ ok: true, details: { tid: string, approved_at?: string, card_cpny_cd?: string, card_name?: string,
 *   card_no?: string, install_month?: string, card_aprv_no?: string } }
 *   | { ok: false, code: 'confirm-failed' | 'hash-mismatch' | 'amount-mismatch', message: string }}
 */
export function verifyConfirmation(answer, expected) {
  if (answer.order_no !== expected.order_no) {
    return { ok: false, code: 'confirm-failed', message: 'The PG confirmed a different order_no.' };
  }
  // The hash is computed with OUR user_id and the answer's amount and tid: if it matches, the
  // answer is authentic; the amount is then compared with the order table separately.
  const hash = payIsptHash({
    userId: expected.order.user_id,
    amount: answer.amount,
    tid: answer.tid,
    paymentApiKey: expected.paymentApiKey,
  });
  if (!hashesEqual(hash, answer.pay_ispt_hash)) {
    return { ok: false, code: 'hash-mismatch', message: 'pay_ispt_hash does not match: the answer is not trusted.' };
  }
  if (answer.amount !== expected.order.amount) {
    return {
      ok: false,
      code: 'amount-mismatch',
      message: `The PG approved ${answer.amount} KRW but the order is ${expected.order.amount} KRW.`,
    };
  }
  const card = answer.pay_info?.[0] ?? {};
  return {
    ok: true,
    details: {
      tid: answer.tid,
      approved_at: answer.tx_date,
      card_cpny_cd: card.card_cpny_cd,
      card_name: card.card_name,
      card_no: card.card_no,
      install_month: card.install_month ?? answer.install_month,
      card_aprv_no: card.card_aprv_no,
    },
  };
}

/** @param {unknown} value */
function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An absolute http(s) URL as is; a path ("/pgsvc/receipt?id=1") resolved against the API base.
 * @param {string} value
 * @param {string} base
 * @returns {string | undefined}
 */
function absoluteHttpUrl(value, base) {
  if (isHttpUrl(value)) return value;
  // A path only: "//host/..." and "/\\host/..." would leave the API host.
  if (!/^\/(?![\\/])/.test(value)) return undefined;
  const url = new URL(value, base);
  return isHttpUrl(url.href) ? url.href : undefined;
}

