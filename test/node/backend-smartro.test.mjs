// @ts-check
/**
 * Reference merchant backend (demo/backend/): Smartro WEBLink session, ReturnURL, RetryURL, StopURL.
 * Run: node --test test/node/backend-smartro.test.mjs
 *
 * The PG side is played by this file: result forms are built here (EUC-KR bytes by hand, UTF-8,
 * UrlEncode=Y double encoding) and signed with hashes recomputed here, not imported from the backend.
 * A fake receipt API (started per test on port 0) answers from PG_PAYMENTS, the fake PG's ledger of
 * what it really approved: the backend confirms every approval with it before recording it as paid.
 * Nothing here needs the Smartro sandbox.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { configFromEnv, createMerchantBackend, parseResultForm, returnPageHtml } from '../../demo/backend/index.mjs';
import { answerJson, answerWith, readAll, serve, startBackend } from './helpers.mjs';

const MID = 'tstmid001m';
const MERCHANT_KEY = 'dGVzdC1tZXJjaGFudC1rZXktZm9yLXNtYXJ0cm8tOTk=';
const SHINHAN_KEYS = ['test-payment-key-7f3a9c', 'test-search-key-51bd02'];
const SHOP = 'http://shop.example';
const PC_ACTION = 'https://tpay.example/interfaceURL.jsp';
const MOBILE_ACTION = 'https://tspay.example/pay/interfaceURL';

/** @param {string} text */
const md5Hex = (text) => createHash('md5').update(text, 'utf8').digest('hex');
/** @param {string} text */
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
/** base64(md5_hex(TID[0:10] + ResultCode + TID[10:15] + MerchantKey + TID[15:30])) */
const sign = (/** @type {string} */ tid, /** @type {string} */ code, key = MERCHANT_KEY) =>
  b64(md5Hex(`${tid.slice(0, 10)}${code}${tid.slice(10, 15)}${key}${tid.slice(15, 30)}`));

let tidCounter = 0;
/** MID (10) + "0101" + yyMMddHHmmss (12) + 4 digits = 30 characters, as the sandbox makes them. */
const newTid = () => `${MID}0101261122153012${String(++tidCounter).padStart(4, '0')}`;

/**
 * The fake PG's ledger: what it really approved, by TID (TIDs are unique across this file). The
 * receipt API answers from it. resultFields() enters an approval the first time it builds one for a
 * TID; a form edited afterwards (another OID, another Amt) does not change what the PG approved.
 * @type {Map<string, { moid: string, amount: number, cancelled?: boolean }>}
 */
const PG_PAYMENTS = new Map();

// -----------------------------------------------------------------------------------------------
// Result forms as the PG posts them
// -----------------------------------------------------------------------------------------------

/**
 * @param {{ orderNo: string, tid?: string, code?: string, amt?: string, mid?: string, key?: string,
 *   msg?: string, extra?: Record<string, string> }} p
 * @returns {Record<string, string>}
 */
function resultFields(p) {
  const tid = p.tid ?? newTid();
  const code = p.code ?? '3001';
  if (code === '3001' && !PG_PAYMENTS.has(tid)) PG_PAYMENTS.set(tid, { moid: p.orderNo, amount: Number(p.amt ?? '11000') });
  return {
    PayMethod: 'CARD',
    MID: p.mid ?? MID,
    Amt: p.amt ?? '11000',
    BuyerName: '홍길동',
    GoodsName: '테스트',
    TID: tid,
    OID: p.orderNo,
    AuthDate: '261122153012',
    AuthCode: '30001234',
    ResultCode: code,
    ResultMsg: p.msg ?? '정상 승인',
    SignValue: sign(tid, code, p.key),
    fn_cd: '01',
    fn_name: 'BC카드',
    CardQuota: '03',
    VbankNum: '',
    ...p.extra,
  };
}

/** EUC-KR bytes of the Hangul texts used here, written out by hand. */
const EUC_KR = /** @type {Record<string, string>} */ ({
  '테스트': 'C5D7BDBAC6AE',
  'BC카드': '4243C4ABB5E5',
  '홍길동': 'C8ABB1E6B5BF',
  '카드 승인 거절': 'C4ABB5E520BDC2C0CE20B0C5C0FD',
  '정상 승인': 'C1A4BBF320BDC2C0CE',
});

/** Form-encodes bytes as a browser does (unreserved kept, space "+", everything else %XX). @param {Buffer} bytes */
function escapeBytes(bytes) {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9*._-]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The PC result form: accept-charset EUC-KR (the default). @param {Record<string, string>} fields */
function eucKrBody(fields) {
  return Object.entries(fields)
    .map(([name, value]) => {
      const hex = EUC_KR[value];
      if (!hex && /[^\x00-\x7f]/.test(value)) throw new Error(`no EUC-KR bytes for ${value}`);
      return `${name}=${escapeBytes(hex ? Buffer.from(hex, 'hex') : Buffer.from(value, 'latin1'))}`;
    })
    .join('&');
}

/** accept-charset UTF-8 (mobile, or EncodingType=utf8). @param {Record<string, string>} fields */
const utf8Body = (fields) => Object.entries(fields).map(([n, v]) => `${n}=${escapeBytes(Buffer.from(v, 'utf8'))}`).join('&');

/** UrlEncode=Y: every value percent-encoded once more by the PG (UTF-8), then form-encoded. @param {Record<string, string>} fields */
const doubleEncodedBody = (fields) =>
  Object.entries(fields).map(([n, v]) => `${n}=${escapeBytes(Buffer.from(escapeBytes(Buffer.from(v, 'utf8')), 'latin1'))}`).join('&');

// -----------------------------------------------------------------------------------------------
// Backend under test
// -----------------------------------------------------------------------------------------------

/**
 * @typedef {{ tid: string, headers: import('node:http').IncomingHttpHeaders, body: string }} ReceiptCall
 * @typedef {import('./helpers.mjs').Answer} Answer
 */

/**
 * Smartro's receipt API: POST /receipt, apikey = MerchantKey, JSON {mid, tid}. Answers from
 * PG_PAYMENTS like the sandbox (stateCd "0" 승인 / "1" 취소; unknown TID 404 E220), unless told
 * otherwise: `down` drops every connection, `answer` replaces the answer, `delayMs` slows it down.
 * @param {import('node:test').TestContext} t
 */
async function startFakeReceiptApi(t) {
  const api = {
    /** @type {ReceiptCall[]} */ calls: [],
    down: false,
    /** @type {Answer | undefined} */ answer: undefined,
    delayMs: 0,
    origin: '',
  };
  api.origin = await serve(t, async (req, res) => {
    if (api.down) {
      req.socket.destroy();
      return;
    }
    const body = await readAll(req);
    if (api.delayMs) await new Promise((r) => setTimeout(r, api.delayMs));
    /** @param {number} status @param {unknown} json */
    const answer = (status, json) => answerJson(res, status, json);
    if (req.method !== 'POST' || req.url !== '/api/receipt') return answer(404, { resultCd: 'E404', resultMsg: 'no such API' });
    if (req.headers.apikey !== MERCHANT_KEY) return answer(401, { resultCd: 'E210', resultMsg: 'apikey 불일치' });
    const asked = JSON.parse(body);
    api.calls.push({ tid: asked.tid, headers: req.headers, body });
    if (api.answer) return answerWith(res, api.answer);
    const payment = PG_PAYMENTS.get(asked.tid);
    if (asked.mid !== MID || !payment) return answer(404, { resultCd: 'E220', resultMsg: `거래 내역이 없습니다: ${asked.tid}` });
    answer(200, receiptOf(asked.tid, payment));
  });
  return api;
}

/**
 * The receipt API's answer for a payment of the ledger (fields of smartro-receipt.txt).
 * @param {string} tid @param {{ moid: string, amount: number, cancelled?: boolean }} payment
 */
function receiptOf(tid, payment) {
  return {
    tid,
    moid: payment.moid,
    stateCd: payment.cancelled ? '1' : '0',
    stateNm: payment.cancelled ? '취소' : '승인',
    svcCd: '01',
    svcNm: '신용카드',
    ordNm: '홍길동',
    goodsNm: '테스트',
    goodsAmt: String(payment.amount),
    appNo: '30001234',
    appDt: '20261122',
    appTm: '153012',
    partCancelInfo: [],
    merchantInfo: { coNo: '1234567890', coNm: '데모상점', bossNm: '김대표', mallNm: '데모샵', addr: '서울' },
  };
}

/**
 * @param {import('node:test').TestContext} t
 * @param {{ orders?: any[], verify?: boolean, pgTimeoutMs?: number }} [options]
 */
async function setup(t, options = {}) {
  const pg = await startFakeReceiptApi(t);
  const backend = createMerchantBackend({
    shinhanApiBase: 'http://127.0.0.1:9/', // never called here
    shinhanPaymentApiKey: SHINHAN_KEYS[0],
    shinhanSearchApiKey: SHINHAN_KEYS[1],
    smartroMid: MID,
    smartroMerchantKey: MERCHANT_KEY,
    smartroPcAction: PC_ACTION,
    smartroMobileAction: MOBILE_ACTION,
    smartroApiBase: `${pg.origin}/api`,
    smartroVerifyWithReceiptApi: options.verify,
    pgTimeoutMs: options.pgTimeoutMs,
    publicBaseUrl: SHOP,
    orders: options.orders,
  });
  // Every reply is checked for the keys, the MerchantKey above all: it must never reach a browser.
  const { call, postJson } = await startBackend(t, backend, [MERCHANT_KEY, ...SHINHAN_KEYS]);

  /** @param {Record<string, unknown>} [overrides] */
  const session = (overrides = {}) =>
    postJson('/api/kpg/session', { provider: 'smartro', order_id: 'A-1001', device_type: 2, pgcode: 'card', ...overrides });

  /** @param {Record<string, unknown>} [overrides] */
  async function started(overrides) {
    const r = await session(overrides);
    assert.equal(r.status, 200, r.text);
    return /** @type {string} */ (r.json.order_no);
  }

  /** The PG's result form. @param {'return' | 'retry'} route @param {string} body */
  const post = (route, body) =>
    call(`/api/kpg/smartro/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });

  /** @param {string} orderNo */
  const result = async (orderNo) => (await call(`/api/kpg/result?order_no=${encodeURIComponent(orderNo)}`)).json;

  return { backend, store: backend.store, pg, call, session, started, post, result };
}

// -----------------------------------------------------------------------------------------------
// POST /api/kpg/session, provider "smartro"
// -----------------------------------------------------------------------------------------------

test('session (PC): the WEBLink form with EncryptData, the amount from the order table, no key', async (t) => {
  const s = await setup(t);
  const before = Date.now();
  const r = await s.session({ amount: 100, product_name: '공짜', user_id: 'attacker' }); // ignored
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['action', 'fields', 'order_no', 'provider']);
  assert.equal(r.json.provider, 'smartro');
  assert.equal(r.json.action, PC_ACTION);

  const orderNo = r.json.order_no;
  assert.match(orderNo, /^[A-Za-z0-9]{1,64}$/, 'Moid: letters and digits only');
  assert.ok(orderNo.startsWith('A1001'));

  const { fields } = r.json;
  const ediDate = fields.ediDate;
  assert.match(ediDate, /^\d{14}$/);
  // Korean time (UTC+9), yyyyMMddHHmmss, taken while the request was served.
  const kst = (/** @type {number} */ ms) => new Date(ms + 9 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
  assert.ok(ediDate >= kst(before - 1000) && ediDate <= kst(Date.now() + 1000), `ediDate ${ediDate} is not Korean time now`);

  assert.deepEqual(fields, {
    PayMethod: 'CARD',
    GoodsCnt: '1',
    GoodsName: '테스트 상품',
    Amt: '11000',
    Moid: orderNo,
    MID,
    ReturnURL: `${SHOP}/api/kpg/smartro/return`,
    RetryURL: `${SHOP}/api/kpg/smartro/retry`,
    mallUserID: 'buyer01',
    BuyerName: '홍길동',
    BuyerTel: '01000000000',
    BuyerEmail: 'buyer@example.com',
    ediDate,
    EncryptData: b64(md5Hex(`${ediDate}${MID}11000${MERCHANT_KEY}`)),
    MallResultFWD: 'Y',
    TransType: '0',
    OpenType: 'KR',
  });
  // The base64 of the 32-character lowercase hex text, not of the raw digest.
  assert.match(Buffer.from(fields.EncryptData, 'base64').toString('latin1'), /^[0-9a-f]{32}$/);

  const attempt = s.store.getAttempt(orderNo);
  assert.equal(attempt?.provider, 'smartro');
  assert.equal(attempt?.status, 'pending');
  assert.equal(attempt?.device_type, 2);
  const res = await s.result(orderNo);
  assert.equal(res.provider, 'smartro');
  assert.equal(res.status, 'pending');
});

test('session (mobile): mobile action, StopURL with the order_no; byte limits per charset', async (t) => {
  const longName = '가'.repeat(50); // 100 bytes EUC-KR, 150 bytes UTF-8; GoodsName allows 80
  const s = await setup(t, {
    orders: [
      { order_id: 'M_1-x', amount: 5000, product_name: longName, user_id: 'averyverylongmember.id@shop', user_name: '김수한무거북이와두루미삼천갑자동방삭', buyer_tel: '010-1234-5678', buyer_email: 'kim@shop.example' },
    ],
  });
  const mobile = await s.session({ order_id: 'M_1-x', device_type: 1, return_to: '/orders/M_1-x' });
  assert.equal(mobile.status, 200, mobile.text);
  const orderNo = mobile.json.order_no;
  assert.match(orderNo, /^M1x[a-z0-9]+$/, 'the order_id\'s "_" and "-" are left out of the Moid');
  assert.equal(mobile.json.action, MOBILE_ACTION);
  const f = mobile.json.fields;
  assert.equal(f.StopURL, `${SHOP}/api/kpg/smartro/stop?order_no=${orderNo}`);
  assert.equal(f.GoodsName, '가'.repeat(26), 'UTF-8: 26 x 3 = 78 bytes <= 80');
  assert.equal(f.mallUserID, 'averyverylongmember.', 'mobile: 20 bytes');
  assert.equal(f.BuyerName, '김수한무거북이와두루', 'UTF-8: 10 x 3 = 30 bytes');
  assert.equal(f.BuyerTel, '010-1234-5678');
  assert.equal(f.BuyerEmail, 'kim@shop.example');
  assert.equal(f.Amt, '5000');
  assert.equal(f.EncryptData, b64(md5Hex(`${f.ediDate}${MID}5000${MERCHANT_KEY}`)));
  assert.ok(!('EncodingType' in f) && !('UrlEncode' in f) && !('URLEncode' in f), 'the widget adds those');

  const pc = await s.session({ order_id: 'M_1-x', device_type: 2 });
  assert.equal(pc.json.action, PC_ACTION);
  assert.ok(!('StopURL' in pc.json.fields), 'StopURL is for mobile only');
  assert.equal(pc.json.fields.GoodsName, '가'.repeat(40), 'EUC-KR: 40 x 2 = 80 bytes');
  assert.equal(pc.json.fields.mallUserID, 'averyveryl', 'PC: 10 bytes');
  assert.equal(pc.json.fields.BuyerName, '김수한무거북이와두루미삼천갑자', 'EUC-KR: 15 x 2 = 30 bytes');
  assert.notEqual(pc.json.order_no, orderNo, 'a fresh Moid per attempt');
});

test('session: unknown order 404, bad return_to 400, an order paid through Smartro 409', async (t) => {
  const s = await setup(t);
  let r = await s.session({ order_id: 'A-9999' });
  assert.equal(r.status, 404);
  assert.equal(r.json.code, 'unknown-order');
  r = await s.session({ device_type: 1, return_to: 'https://evil.example/' });
  assert.equal(r.status, 400);
  assert.equal(r.json.field, 'return_to');
  r = await s.session({ provider: 'SMARTRO' });
  assert.equal(r.json.code, 'unsupported-provider');
  assert.equal(s.store.attempts.size, 0);
  // pgcode is optional for Smartro (PayMethod is always CARD) but still validated when sent.
  assert.equal((await s.session({ pgcode: undefined })).status, 200);
  assert.equal((await s.session({ pgcode: 'card; x' })).json.field, 'pgcode');

  const orderNo = await s.started();
  assert.equal((await s.post('return', eucKrBody(resultFields({ orderNo })))).status, 200);
  r = await s.session();
  assert.equal(r.status, 409);
  assert.equal(r.json.code, 'already-paid');
  r = await s.session({ provider: 'shinhan' });
  assert.equal(r.status, 409, 'paid is paid, whichever PG');
});

// -----------------------------------------------------------------------------------------------
// ReturnURL: charsets
// -----------------------------------------------------------------------------------------------

test('return (PC): an EUC-KR result form is decoded, verified and recorded; the page loads the return script', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const tid = newTid();
  const body = eucKrBody(resultFields({ orderNo, tid }));
  assert.match(body, /fn_name=BC%C4%AB%B5%E5/, 'raw EUC-KR escapes');
  const r = await s.post('return', body);
  assert.equal(r.status, 200);
  assert.match(r.res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/);
  assert.match(r.text, /<html lang="ko">/);
  assert.match(r.text, /결제 결과를 확인하고 있습니다/);
  assert.ok(r.text.includes(`<script src="/kpg-return.js" data-order-no="${orderNo}"></script>`), r.text);
  assert.match(r.res.headers.get('content-security-policy') ?? '', /script-src 'self'/);

  const res = await s.result(orderNo);
  assert.deepEqual(res, {
    status: 'paid',
    order_no: orderNo,
    order_id: 'A-1001',
    provider: 'smartro',
    amount: 11000,
    product_name: '테스트 상품',
    tid,
    approved_at: '2026-11-22 15:30:12',
    card_cpny_cd: '01',
    card_name: 'BC카드',
    install_month: '03',
  });
  assert.equal(s.store.getAttempt(orderNo)?.card_aprv_no, '30001234', 'AuthCode is kept (server side)');
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, orderNo);
  assert.deepEqual(s.store.refusals, []);

  // The same bytes, decoded by the exported parser: every Hangul field survives.
  const parsed = parseResultForm(Buffer.from(body, 'latin1'));
  assert.equal(parsed.GoodsName, '테스트');
  assert.equal(parsed.BuyerName, '홍길동');
  assert.equal(parsed.ResultMsg, '정상 승인');

  // "표" in EUC-KR (C7 A5) happens to be valid UTF-8 ("ǥ"): a form that names its EncodingType
  // is read in that charset.
  assert.equal(parseResultForm(Buffer.from('EncodingType=euckr&GoodsName=%C7%A5')).GoodsName, '표');
  assert.equal(parseResultForm(Buffer.from('EncodingType=utf8&GoodsName=%ED%91%9C')).GoodsName, '표');
  assert.equal(parseResultForm(Buffer.from('GoodsName=%C7%A5'), 'application/x-www-form-urlencoded; charset=EUC-KR').GoodsName, '표');
});

test('return: a UTF-8 result form (mobile, or EncodingType=utf8) -> 303 to return_to', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started({ device_type: 1, return_to: '/orders/A-1001?paid=1' });
  const body = utf8Body(resultFields({ orderNo }));
  assert.match(body, /fn_name=BC%EC%B9%B4%EB%93%9C/);
  const r = await s.post('return', body);
  assert.equal(r.status, 303);
  assert.equal(r.res.headers.get('location'), `${SHOP}/orders/A-1001?paid=1`);
  const res = await s.result(orderNo);
  assert.equal(res.status, 'paid');
  assert.equal(res.card_name, 'BC카드');
  assert.equal(parseResultForm(Buffer.from(body)).GoodsName, '테스트');
});

test('return: UrlEncode=Y double-encoded values are decoded twice (SignValue keeps its "=")', async (t) => {
  const s = await setup(t);
  // base64 of 32 hex characters always ends with "=": a wrong second decode would break it.
  const tid = newTid();
  assert.match(sign(tid, '3001'), /=$/);
  const orderNo = await s.started();
  const fields = resultFields({ orderNo, tid, extra: { EncodingType: 'utf8', UrlEncode: 'Y' } });
  const body = doubleEncodedBody(fields);
  assert.match(body, /fn_name=BC%25EC%25B9%25B4%25EB%2593%259C/, 'really encoded twice');
  assert.equal((await s.post('return', body)).status, 200);
  const res = await s.result(orderNo);
  assert.equal(res.status, 'paid', JSON.stringify(s.store.refusals));
  assert.equal(res.card_name, 'BC카드');
  assert.equal(res.tid, tid);

  // Without the UrlEncode field: GoodsName full of %XX escapes gives it away.
  const decoded = parseResultForm(Buffer.from(doubleEncodedBody(resultFields({ orderNo, tid }))));
  assert.equal(decoded.GoodsName, '테스트');
  assert.equal(decoded.BuyerName, '홍길동');
  assert.equal(decoded.SignValue, sign(tid, '3001'));
  // An ASCII value with a space ("+" after the first decode) is decoded twice too.
  assert.equal(parseResultForm(Buffer.from(doubleEncodedBody({ UrlEncode: 'Y', ResultMsg: 'Approved OK' }))).ResultMsg, 'Approved OK');
  // EUC-KR, encoded twice: %C5%D7... inside %25C5%25D7...
  const eucTwice = `UrlEncode=Y&GoodsName=${escapeBytes(Buffer.from(escapeBytes(Buffer.from(EUC_KR['테스트'], 'hex')), 'latin1'))}`;
  assert.equal(parseResultForm(Buffer.from(eucTwice)).GoodsName, '테스트');
  // A form that was NOT double encoded is left alone even with UrlEncode=Y.
  assert.equal(parseResultForm(Buffer.from(`UrlEncode=Y&${utf8Body({ GoodsName: '100% 정품', SignValue: 'a+b/c=' })}`)).SignValue, 'a+b/c=');
});

// -----------------------------------------------------------------------------------------------
// ReturnURL: checks
// -----------------------------------------------------------------------------------------------

test('return: a forged SignValue is refused, recorded, never paid', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const r = await s.post('return', eucKrBody(resultFields({ orderNo, key: 'guessed-key' })));
  assert.equal(r.status, 200, 'the popup still gets its page (the shop page then reads /result)');
  assert.ok(r.text.includes('data-order-no'));
  const res = await s.result(orderNo);
  assert.equal(res.status, 'pending');
  assert.ok(!('tid' in res));
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, undefined);
  assert.deepEqual(s.store.refusals.map((x) => [x.order_no, x.code]), [[orderNo, 'sign-mismatch']]);

  // A SignValue made for another ResultCode does not fit this one either.
  const tid = newTid();
  await s.post('return', eucKrBody({ ...resultFields({ orderNo, tid }), SignValue: sign(tid, '3011') }));
  assert.equal((await s.result(orderNo)).status, 'pending');
  // No SignValue at all.
  await s.post('return', eucKrBody({ ...resultFields({ orderNo }), SignValue: '' }));
  assert.equal((await s.result(orderNo)).status, 'pending');
  assert.deepEqual(s.store.refusals.map((x) => x.code), ['sign-mismatch', 'sign-mismatch', 'sign-mismatch']);
});

test('return: a correctly signed result with another amount or another MID is refused (SignValue does not cover them)', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  await s.post('return', eucKrBody(resultFields({ orderNo, amt: '110' })));
  assert.equal((await s.result(orderNo)).status, 'pending');
  assert.equal(s.store.refusals.at(-1)?.code, 'amount-mismatch');

  await s.post('return', eucKrBody(resultFields({ orderNo, mid: 'othermid1m' })));
  assert.equal((await s.result(orderNo)).status, 'pending');
  assert.equal(s.store.refusals.at(-1)?.code, 'mid-mismatch');

  // An approval code of another PayMethod than the one we asked for.
  await s.post('return', eucKrBody(resultFields({ orderNo, code: '4100', extra: { PayMethod: 'VBANK' } })));
  assert.equal((await s.result(orderNo)).status, 'pending');
  assert.equal(s.store.refusals.at(-1)?.code, 'paymethod-mismatch');
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, undefined);
});

test('return: C001 -> cancelled (buyer-cancelled); a decline -> failed with ResultCode and ResultMsg', async (t) => {
  const s = await setup(t);
  const cancelled = await s.started();
  await s.post('return', eucKrBody(resultFields({ orderNo: cancelled, code: 'C001', msg: '정상 승인' })));
  let res = await s.result(cancelled);
  assert.equal(res.status, 'cancelled');
  assert.equal(res.reason, 'buyer-cancelled');

  const declined = await s.started();
  const r = await s.post('return', eucKrBody(resultFields({ orderNo: declined, code: '3011', msg: '카드 승인 거절' })));
  assert.ok(r.text.includes(`data-order-no="${declined}"`));
  res = await s.result(declined);
  assert.equal(res.status, 'failed');
  assert.equal(res.code, '3011');
  assert.equal(res.message, '카드 승인 거절');

  // Unsigned failures are accepted like Shinhan's fail_url (they cannot take money)...
  const unsigned = await s.started();
  await s.post('return', utf8Body({ OID: unsigned, ResultCode: '3011', ResultMsg: '한도 초과' }));
  assert.equal((await s.result(unsigned)).message, '한도 초과');
  // ...but a SignValue that is present must be right.
  const forged = await s.started();
  await s.post('return', utf8Body({ OID: forged, ResultCode: 'C001', SignValue: 'Zm9yZ2Vk' }));
  assert.equal((await s.result(forged)).status, 'pending');
  assert.equal(s.store.refusals.at(-1)?.code, 'sign-mismatch');
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, undefined);
});

test('return: nothing overwrites a paid attempt (forged approval, decline, cancel, StopURL)', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const tid = newTid();
  await s.post('return', eucKrBody(resultFields({ orderNo, tid })));
  const paid = structuredClone(s.store.getAttempt(orderNo));
  assert.equal(paid?.status, 'paid');

  await s.post('return', eucKrBody(resultFields({ orderNo, key: 'wrong' })));
  await s.post('return', eucKrBody(resultFields({ orderNo, code: '3011', msg: '카드 승인 거절' })));
  await s.post('return', eucKrBody(resultFields({ orderNo, code: 'C001' })));
  await s.call(`/api/kpg/smartro/stop?order_no=${orderNo}`);
  assert.deepEqual(s.store.getAttempt(orderNo), paid);
  assert.deepEqual(s.store.refusals.map((x) => x.code), ['sign-mismatch', 'stale-result', 'stale-result']);

  // A second, genuine approval for the same attempt: a double charge for staff, not a new record.
  await s.post('retry', eucKrBody(resultFields({ orderNo })));
  assert.equal(s.store.getAttempt(orderNo)?.tid, tid);
  assert.equal(s.store.refusals.at(-1)?.code, 'duplicate-payment');

  // The same TID presented for another attempt.
  const other = await s.started({ order_id: 'A-1002' });
  const r = await s.post('retry', eucKrBody(resultFields({ orderNo: other, tid, amt: '55000' })));
  assert.equal(r.status, 400);
  assert.equal(s.store.refusals.at(-1)?.code, 'duplicate-tid');
  assert.equal((await s.result(other)).status, 'pending');
});

test('return + retry: the same approval twice (either order) is recorded once; RetryURL answers OK', async (t) => {
  const s = await setup(t);
  for (const order of [['return', 'retry'], ['retry', 'return'], ['retry', 'retry']]) {
    s.store.addOrder({ order_id: `R-${order.join('')}`, amount: 11000, product_name: '테스트 상품', user_id: 'b1', user_name: '홍길동' });
    const orderNo = await s.started({ order_id: `R-${order.join('')}` });
    const body = eucKrBody(resultFields({ orderNo }));
    const first = await s.post(/** @type {'return' | 'retry'} */ (order[0]), body);
    const recorded = structuredClone(s.store.getAttempt(orderNo));
    assert.equal(recorded?.status, 'paid', order.join('+'));
    await new Promise((r) => setTimeout(r, 5)); // a second write would change finished_at
    const second = await s.post(/** @type {'return' | 'retry'} */ (order[1]), body);
    assert.deepEqual(s.store.getAttempt(orderNo), recorded, order.join('+'));
    /** @type {[string, typeof first][]} */
    const replies = [[order[0], first], [order[1], second]];
    for (const [route, r] of replies) {
      if (route === 'retry') {
        assert.equal(r.status, 200);
        assert.equal(r.text, 'OK');
        assert.match(r.res.headers.get('content-type') ?? '', /^text\/plain/);
      } else {
        assert.equal(r.status, 200);
        assert.ok(r.text.includes(`data-order-no="${orderNo}"`));
      }
    }
  }
  assert.deepEqual(s.store.refusals, []);
});

test('retry: refusals answer 400 with a short text (Smartro retries, staff notice)', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  let r = await s.post('retry', eucKrBody(resultFields({ orderNo, key: 'nope' })));
  assert.equal(r.status, 400);
  assert.notEqual(r.text, 'OK');
  assert.ok(r.text.length < 100);
  r = await s.post('retry', eucKrBody(resultFields({ orderNo: 'NOSUCHORDER1' })));
  assert.equal(r.status, 400);
  r = await s.post('retry', 'garbage');
  assert.equal(r.status, 400);
  assert.equal((await s.result(orderNo)).status, 'pending');
  // A declined result arriving at RetryURL is recorded: OK.
  r = await s.post('retry', eucKrBody(resultFields({ orderNo, code: '3011', msg: '카드 승인 거절' })));
  assert.equal(r.text, 'OK');
  assert.equal((await s.result(orderNo)).status, 'failed');
});

// -----------------------------------------------------------------------------------------------
// ReturnURL / RetryURL: every approval is confirmed with the receipt API before it is paid
// -----------------------------------------------------------------------------------------------

/** Orders for the replay tests: a cheap one, an expensive one, and another at the cheap price. */
const REPLAY_ORDERS = [
  { order_id: 'CHEAP', amount: 1000, product_name: '스티커', user_id: 'buyer01', user_name: '홍길동' },
  { order_id: 'DEAR', amount: 1200000, product_name: '노트북 15인치', user_id: 'buyer02', user_name: '김민지' },
  { order_id: 'SAME', amount: 1000, product_name: '볼펜', user_id: 'buyer03', user_name: '이서준' },
];

test('receipt check: a genuine approval replayed onto another order (OID / Amt edited) is refused (receipt-mismatch), never paid', async (t) => {
  const s = await setup(t, { orders: REPLAY_ORDERS });
  const cheap = await s.started({ order_id: 'CHEAP' });
  const dear = await s.started({ order_id: 'DEAR' });
  const same = await s.started({ order_id: 'SAME' });
  const tid = newTid();
  const genuine = resultFields({ orderNo: cheap, tid, amt: '1000' }); // what the PG approved: 1,000 KRW for CHEAP

  // OID and Amt edited to the expensive order: SignValue (TID + ResultCode) still verifies.
  const replay = { ...genuine, OID: dear, Amt: '1200000' };
  let r = await s.post('return', eucKrBody(replay));
  assert.equal(r.status, 200);
  assert.ok(r.text.includes(`data-order-no="${dear}"`), 'the popup still gets its page; /result decides');
  r = await s.post('retry', eucKrBody(replay));
  assert.equal(r.status, 400);
  assert.equal(r.text, 'REFUSED receipt-mismatch');
  // Only OID edited, onto an order of the same price: the Moid alone gives it away.
  await s.post('return', utf8Body({ ...genuine, OID: same }));

  for (const [orderNo, orderId] of [[dear, 'DEAR'], [same, 'SAME']]) {
    const res = await s.result(orderNo);
    assert.equal(res.status, 'pending', orderId);
    assert.ok(!('tid' in res));
    assert.equal(s.store.getOrder(orderId)?.paid_order_no, undefined, orderId);
  }
  assert.equal(s.store.findByTid(tid), undefined, 'the TID is not burned by the replays');
  assert.deepEqual(s.store.refusals.map((x) => [x.order_no, x.code]), [
    [dear, 'receipt-mismatch'],
    [dear, 'receipt-mismatch'],
    [same, 'receipt-mismatch'],
  ]);
  assert.match(s.store.refusals[0].message, new RegExp(`Moid ${cheap}, 1000 KRW`));
  // Asked server to server, with the MerchantKey as apikey, for exactly that TID.
  assert.equal(s.pg.calls.length, 3);
  assert.deepEqual(JSON.parse(s.pg.calls[0].body), { mid: MID, tid });
  assert.equal(s.pg.calls[0].headers.apikey, MERCHANT_KEY);
  assert.equal(s.pg.calls[0].headers.accept, 'application/json');

  // The genuine result, arriving afterwards, pays the cheap order.
  r = await s.post('retry', eucKrBody(genuine));
  assert.equal(r.text, 'OK');
  const paid = await s.result(cheap);
  assert.equal(paid.status, 'paid');
  assert.equal(paid.tid, tid);
  assert.equal(s.store.getAttempt(cheap)?.receipt_verified, true);
  assert.equal(s.store.refusals.length, 3);
});

test('receipt check: Smartro approved another amount for this very Moid -> receipt-mismatch', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const tid = newTid();
  PG_PAYMENTS.set(tid, { moid: orderNo, amount: 110 }); // what the PG really approved
  const r = await s.post('retry', eucKrBody(resultFields({ orderNo, tid }))); // the form says 11000
  assert.equal(r.status, 400);
  assert.equal(r.text, 'REFUSED receipt-mismatch');
  assert.equal((await s.result(orderNo)).status, 'pending');
  assert.match(s.store.refusals[0].message, /110 KRW/);

  // An answer about another TID confirms nothing about this one.
  const other = newTid();
  s.pg.answer = { body: JSON.stringify(receiptOf(other, { moid: orderNo, amount: 11000 })) };
  const second = await s.post('retry', eucKrBody(resultFields({ orderNo })));
  assert.equal(second.text, 'REFUSED receipt-mismatch');
  assert.match(s.store.refusals[1].message, new RegExp(`answered for TID ${other}`));
  assert.equal((await s.result(orderNo)).status, 'pending');
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, undefined);
});

test('receipt check: a cancelled payment (stateCd "1" / 취소) is refused; stateNm alone also counts', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const tid = newTid();
  PG_PAYMENTS.set(tid, { moid: orderNo, amount: 11000, cancelled: true });
  const form = eucKrBody(resultFields({ orderNo, tid }));
  await s.post('return', form);
  let r = await s.post('retry', form);
  assert.equal(r.status, 400);
  assert.equal(r.text, 'REFUSED receipt-mismatch');
  assert.equal((await s.result(orderNo)).status, 'pending');
  assert.deepEqual(s.store.refusals.map((x) => x.code), ['receipt-mismatch', 'receipt-mismatch']);
  assert.match(s.store.refusals[0].message, /not approved/);

  // Without stateCd the name decides: 취소 refused, 승인 accepted. The code wins when present.
  const receipt = receiptOf(tid, { moid: orderNo, amount: 11000 });
  const { stateCd, ...noCode } = receipt;
  s.pg.answer = { body: JSON.stringify({ ...noCode, stateNm: '취소' }) };
  r = await s.post('retry', form);
  assert.equal(r.text, 'REFUSED receipt-mismatch');
  s.pg.answer = { body: JSON.stringify({ ...receipt, stateCd: '1', stateNm: '승인' }) };
  r = await s.post('retry', form);
  assert.equal(r.text, 'REFUSED receipt-mismatch');
  assert.equal((await s.result(orderNo)).status, 'pending');
  s.pg.answer = { body: JSON.stringify({ ...noCode, goodsAmt: 11000 }) }; // 승인, and the amount as a JSON number
  r = await s.post('retry', form);
  assert.equal(r.text, 'OK');
  assert.equal((await s.result(orderNo)).status, 'paid');
});

test('receipt check: API down or answering garbage -> pending + receipt-unverified, RetryURL not OK; a later retry completes it once', async (t) => {
  const s = await setup(t, { pgTimeoutMs: 300 });
  const orderNo = await s.started({ device_type: 1, return_to: '/orders/A-1001' });
  const tid = newTid();
  const form = eucKrBody(resultFields({ orderNo, tid }));

  s.pg.down = true;
  let r = await s.post('return', form);
  assert.equal(r.status, 303, 'the buyer is sent back as usual');
  assert.equal(r.res.headers.get('location'), `${SHOP}/orders/A-1001`);
  let res = await s.result(orderNo);
  assert.equal(res.status, 'pending', 'not paid, not failed: the widget times out and tells the buyer to check the order');
  assert.ok(!('tid' in res) && !('code' in res));
  r = await s.post('retry', form);
  assert.equal(r.status, 503);
  assert.notEqual(r.text, 'OK');
  assert.equal(r.text, 'RETRY receipt-unverified');
  assert.equal((await s.result(orderNo)).status, 'pending');
  s.pg.down = false;

  /** @type {Answer[]} */
  const garbage = [
    'hang', // slower than pgTimeoutMs
    { status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' },
    { status: 500, body: '{"resultCd":"E999","resultMsg":"시스템 오류"}' },
    { body: '{"resultCd":"0000","resultMsg":"OK"}' }, // 200, but not a receipt
    { body: '{"tid":' },
    { body: JSON.stringify([receiptOf(tid, { moid: orderNo, amount: 11000 })]) },
    { body: JSON.stringify({ ...receiptOf(tid, { moid: orderNo, amount: 11000 }), goodsAmt: '11,000' }) },
  ];
  for (const answer of garbage) {
    s.pg.answer = answer;
    r = await s.post('retry', form);
    assert.equal(r.status, 503, JSON.stringify(answer));
    assert.equal((await s.result(orderNo)).status, 'pending', JSON.stringify(answer));
  }
  s.pg.answer = undefined;
  assert.deepEqual(new Set(s.store.refusals.map((x) => x.code)), new Set(['receipt-unverified']));
  assert.equal(s.store.refusals.length, 2 + garbage.length);
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, undefined);

  // The API is back: Smartro's next retry records the payment...
  const callsBefore = s.pg.calls.length;
  r = await s.post('retry', form);
  assert.equal(r.status, 200);
  assert.equal(r.text, 'OK');
  res = await s.result(orderNo);
  assert.equal(res.status, 'paid');
  assert.equal(res.tid, tid);
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, orderNo);
  const recorded = structuredClone(s.store.getAttempt(orderNo));
  assert.equal(recorded?.receipt_verified, true);
  // ...once: later retries and a reload of ReturnURL change nothing and ask the API no more.
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal((await s.post('retry', form)).text, 'OK');
  assert.equal((await s.post('return', form)).status, 303);
  assert.deepEqual(s.store.getAttempt(orderNo), recorded);
  assert.equal(s.pg.calls.length, callsBefore + 1);
  assert.equal(s.store.refusals.length, 2 + garbage.length, 'nothing new refused');
});

test('receipt check: ReturnURL and RetryURL at the same time share one receipt call and record one payment; checked again after the call', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const tid = newTid();
  const form = eucKrBody(resultFields({ orderNo, tid }));
  s.pg.delayMs = 100;
  const [ret, retry] = await Promise.all([s.post('return', form), s.post('retry', form)]);
  assert.equal(ret.status, 200);
  assert.equal(retry.text, 'OK');
  assert.equal(s.pg.calls.length, 1);
  assert.equal((await s.result(orderNo)).tid, tid);
  assert.equal(s.store.refusals.length, 0);

  // Two attempts of one order approved at the same time: checked again after the API answered,
  // so the second is refused (already-paid) instead of paying the order twice.
  s.store.addOrder({ order_id: 'TWICE', amount: 11000, product_name: '테스트 상품', user_id: 'b1', user_name: '홍길동' });
  const first = await s.started({ order_id: 'TWICE' });
  const second = await s.started({ order_id: 'TWICE' });
  const replies = await Promise.all([first, second].map((o) => s.post('retry', eucKrBody(resultFields({ orderNo: o })))));
  assert.deepEqual(replies.map((r) => r.text).sort(), ['OK', 'REFUSED already-paid']);
  const statuses = [(await s.result(first)).status, (await s.result(second)).status];
  assert.deepEqual(statuses.sort(), ['paid', 'pending']);
  assert.deepEqual(s.store.refusals.map((x) => x.code), ['already-paid']);
});

test('receipt check off (smartroVerifyWithReceiptApi: false): the old behaviour, replay included', async (t) => {
  // The same replay against the default backend (check on) and one with the check off.
  const on = await setup(t, { orders: REPLAY_ORDERS });
  const off = await setup(t, { orders: REPLAY_ORDERS, verify: false });
  for (const s of [on, off]) {
    const cheap = await s.started({ order_id: 'CHEAP' });
    const dear = await s.started({ order_id: 'DEAR' });
    const genuine = resultFields({ orderNo: cheap, amt: '1000' });
    s.pg.down = s === off; // off: the API is never asked, whether it is up or not
    const r = await s.post('retry', eucKrBody({ ...genuine, OID: dear, Amt: '1200000' }));
    if (s === on) {
      assert.equal(r.text, 'REFUSED receipt-mismatch');
      assert.equal((await s.result(dear)).status, 'pending');
    } else {
      // Exactly the risk the check exists for: SignValue alone lets the replay through.
      assert.equal(r.text, 'OK');
      assert.equal((await s.result(dear)).status, 'paid');
      assert.equal(s.store.getAttempt(dear)?.receipt_verified, false);
      assert.equal(s.pg.calls.length, 0);
      assert.deepEqual(s.store.refusals, []);
    }
  }
  // Off, with the API down, an ordinary payment is recorded at once.
  const orderNo = await off.started({ order_id: 'SAME' });
  assert.equal((await off.post('return', eucKrBody(resultFields({ orderNo, amt: '1000' })))).status, 200);
  assert.equal((await off.result(orderNo)).status, 'paid');
});

test('return: malformed forms, unknown Moid, a Shinhan order_no -> 400 page, recorded', async (t) => {
  const s = await setup(t);
  let r = await s.post('return', utf8Body(resultFields({ orderNo: 'UNKNOWN123' })));
  assert.equal(r.status, 400);
  assert.match(r.text, /<html lang="ko">/);
  assert.ok(!r.text.includes('kpg-return.js'));
  assert.deepEqual(s.store.refusals.map((x) => [x.order_no, x.code]), [['UNKNOWN123', 'unknown-order']]);

  r = await s.post('return', utf8Body({ OID: 'A1001x', Amt: '11000' })); // no ResultCode
  assert.equal(r.status, 400);
  assert.equal(s.store.refusals.at(-1)?.code, 'bad-return');

  const orderNo = await s.started();
  r = await s.post('return', utf8Body({ ...resultFields({ orderNo }), Moid: 'SOMETHINGELSE' }));
  assert.equal(r.status, 400, 'OID and Moid disagree');

  s.store.addOrder({ order_id: 'SH1', amount: 1000, product_name: 'x', user_id: 'u', user_name: 'n' });
  const shinhan = s.store.createAttempt(/** @type {any} */ (s.store.getOrder('SH1')), { device_type: 2, pgcode: 'card', return_to: `${SHOP}/` });
  shinhan.order_no = 'SHINHANATTEMPT1';
  s.store.attempts.set(shinhan.order_no, shinhan);
  r = await s.post('return', utf8Body(resultFields({ orderNo: shinhan.order_no, amt: '1000' })));
  assert.equal(r.status, 400);
  assert.equal(shinhan.status, 'pending');
  assert.equal(s.store.refusals.at(-1)?.code, 'unknown-order');

  // The Moid works as the attempt's name too (some samples echo Moid, not OID).
  const { OID, ...withoutOid } = resultFields({ orderNo });
  r = await s.post('return', utf8Body({ ...withoutOid, Moid: OID }));
  assert.equal((await s.result(orderNo)).status, 'paid');
});

test('returnPageHtml escapes the order_no', () => {
  const html = returnPageHtml('a"><script>alert(1)</script>&');
  assert.ok(html.includes('<script src="/kpg-return.js" data-order-no="a&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#38;"></script>'), html);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<html lang="ko">/);
  assert.match(html, /<meta charset="utf-8">/);
});

// -----------------------------------------------------------------------------------------------
// StopURL
// -----------------------------------------------------------------------------------------------

test('stop: GET or POST cancels a pending attempt and sends the buyer back to return_to', async (t) => {
  const s = await setup(t);
  const first = await s.started({ device_type: 1, return_to: '/orders/A-1001' });
  let r = await s.call(`/api/kpg/smartro/stop?order_no=${first}`);
  assert.equal(r.status, 303);
  assert.equal(r.res.headers.get('location'), `${SHOP}/orders/A-1001`);
  let res = await s.result(first);
  assert.equal(res.status, 'cancelled');
  assert.equal(res.reason, 'buyer-cancelled');

  const second = await s.started({ device_type: 1 });
  r = await s.call(`/api/kpg/smartro/stop?order_no=${second}`, { method: 'POST', body: new URLSearchParams({ Moid: second }) });
  assert.equal(r.status, 303);
  assert.equal(r.res.headers.get('location'), `${SHOP}/`);
  assert.equal((await s.result(second)).status, 'cancelled');

  // A verified approval after an (unproven) StopURL still records the payment: the money moved.
  const tid = newTid();
  await s.post('retry', eucKrBody(resultFields({ orderNo: second, tid })));
  res = await s.result(second);
  assert.equal(res.status, 'paid');
  assert.equal(res.tid, tid);
  assert.ok(!('reason' in res));

  r = await s.call('/api/kpg/smartro/stop?order_no=NOPE1');
  assert.equal(r.status, 400);
  assert.equal(s.store.refusals.at(-1)?.code, 'unknown-order');
  r = await s.call('/api/kpg/smartro/stop');
  assert.equal(r.status, 400);
  r = await s.call(`/api/kpg/smartro/stop?order_no=${first}`, { method: 'PUT' });
  assert.equal(r.status, 405);
  assert.equal(r.res.headers.get('allow'), 'GET, POST');
});

// -----------------------------------------------------------------------------------------------
// Config
// -----------------------------------------------------------------------------------------------

test('configFromEnv: Smartro settings from env or defaults; MerchantKey hidden from logs', () => {
  const sandbox = configFromEnv({});
  assert.equal(sandbox.smartroMid, 'kpgtest01m');
  assert.equal(sandbox.smartroMerchantKey, 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx');
  assert.equal(sandbox.smartroPcAction, 'http://127.0.0.1:5175/interfaceURL.jsp');
  assert.equal(sandbox.smartroMobileAction, 'http://127.0.0.1:5175/pay/interfaceURL');
  assert.equal(sandbox.smartroApiBase, 'http://127.0.0.1:5175/');

  const config = configFromEnv(
    {
      SMARTRO_MID: 'SMTPAY001m',
      SMARTRO_MERCHANT_KEY: 'real-merchant-key==',
      SMARTRO_PC_ACTION: 'https://tpay.smilepay.co.kr/interfaceURL.jsp',
      SMARTRO_API_BASE: 'https://tapi.smilepay.co.kr',
    },
    { SMARTRO_MOBILE_ACTION: 'https://tspay.smilepay.co.kr/pay/interfaceURL', smartroMid: 'ignored', SHINHAN_API_BASE: 'http://127.0.0.1:5274/' },
  );
  assert.equal(config.smartroMid, 'SMTPAY001m');
  assert.equal(config.smartroMerchantKey, 'real-merchant-key==');
  assert.equal(config.smartroPcAction, 'https://tpay.smilepay.co.kr/interfaceURL.jsp');
  assert.equal(config.smartroMobileAction, 'https://tspay.smilepay.co.kr/pay/interfaceURL');
  assert.equal(config.smartroApiBase, 'https://tapi.smilepay.co.kr/');
  assert.equal(config.shinhanApiBase, 'http://127.0.0.1:5274/');
  assert.equal(configFromEnv({}, { smartroMid: 'fromkey01m' }).smartroMid, 'fromkey01m');
  assert.ok(!JSON.stringify(config).includes('real-merchant-key'));
  assert.ok(!inspect(config).includes('real-merchant-key'));
  assert.equal(sandbox.smartroVerifyWithReceiptApi, true, 'the receipt API check is on unless switched off');
  assert.equal(config.smartroVerifyWithReceiptApi, true);
  for (const [text, value] of [['false', false], ['0', false], [' OFF ', false], ['no', false], ['true', true], ['1', true], ['yes', true], ['on', true], ['', true]]) {
    assert.equal(configFromEnv({ SMARTRO_VERIFY_WITH_RECEIPT_API: /** @type {string} */ (text) }).smartroVerifyWithReceiptApi, value, `"${text}"`);
  }
  assert.equal(configFromEnv({}, { smartroVerifyWithReceiptApi: false }).smartroVerifyWithReceiptApi, false);
  assert.equal(configFromEnv({}, { SMARTRO_VERIFY_WITH_RECEIPT_API: 'false' }).smartroVerifyWithReceiptApi, false);
  assert.equal(configFromEnv({ SMARTRO_VERIFY_WITH_RECEIPT_API: 'true' }, { smartroVerifyWithReceiptApi: false }).smartroVerifyWithReceiptApi, true);
  // A typo must not switch the check off.
  assert.throws(() => configFromEnv({ SMARTRO_VERIFY_WITH_RECEIPT_API: 'flase' }), /smartroVerifyWithReceiptApi/);
  assert.throws(() => createMerchantBackend({ smartroVerifyWithReceiptApi: /** @type {any} */ ('false') }), /smartroVerifyWithReceiptApi/);
  assert.throws(() => configFromEnv({ SMARTRO_MID: 'has space' }), /smartroMid/);
  assert.throws(() => configFromEnv({ SMARTRO_PC_ACTION: 'ftp://x' }), /smartroPcAction/);
});
