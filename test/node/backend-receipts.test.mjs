// @ts-check
/**
 * Reference merchant backend (demo/backend/): GET /api/kpg/receipt?tid=... for Shinhan (거래 확인서
 * URL via receipt/info, search key) and Smartro (receipt API, apikey = MerchantKey).
 * Run: node --test test/node/backend-receipts.test.mjs
 *
 * Two fake PGs started here check the keys, the query / body and answer as each test tells them.
 * The amount and date they receive must be the backend's records, never what the browser sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createMerchantBackend } from '../../demo/backend/index.mjs';
import { answerJson, answerWith, deadOrigin, readAll, serve, startBackend } from './helpers.mjs';

const CLIENT_ID = 'kpgtest01';
const PAYMENT_KEY = 'test-payment-key-7f3a9c';
const SEARCH_KEY = 'test-search-key-51bd02';
const MID = 'tstmid001m';
const MERCHANT_KEY = 'dGVzdC1tZXJjaGFudC1rZXktZm9yLXJlY2VpcHRzLTAx';
const SHOP = 'http://shop.example';

const md5b64 = (/** @type {string} */ text) => Buffer.from(createHash('md5').update(text).digest('hex')).toString('base64');
const sign = (/** @type {string} */ tid, /** @type {string} */ code) =>
  md5b64(`${tid.slice(0, 10)}${code}${tid.slice(10, 15)}${MERCHANT_KEY}${tid.slice(15, 30)}`);

/** What the Smartro receipt API answers (fields of smartro-receipt.txt). */
const SMARTRO_RECEIPT = {
  tid: `${MID}01012603011502334001`,
  moid: 'A1001x',
  stateCd: '0',
  stateNm: '승인',
  svcCd: '01',
  svcNm: '신용카드',
  ordNm: '홍길동',
  goodsNm: '테스트 상품',
  goodsAmt: '11000',
  appNo: '30001234',
  appDt: '20260301',
  appTm: '150233',
  cardNo: '94091200****1234',
  appNm: 'BC',
  instmntMon: '00',
  merchantInfo: [{ coNo: '1234567890', coNm: '데모상점', bossNm: '김대표', addr: '서울' }],
};

/**
 * @typedef {{ method: string, url: URL, headers: import('node:http').IncomingHttpHeaders, body: string }} Seen
 * @typedef {import('./helpers.mjs').Answer} Answer
 */

/**
 * One fake server for both PGs: Shinhan under /spg/, Smartro's API under /smartro-api/.
 * @param {import('node:test').TestContext} t
 */
async function startFakePgs(t) {
  const pg = {
    /** @type {Seen[]} */ shinhan: [],
    /** @type {Seen[]} */ smartro: [],
    /** @type {Answer | undefined} */ shinhanAnswer: undefined,
    /** @type {Answer | undefined} */ smartroAnswer: undefined,
    origin: '',
  };
  pg.origin = await serve(t, async (req, res) => {
    const body = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://pg.invalid');
    const seen = { method: req.method ?? '', url, headers: req.headers, body };
    /** @param {number} status @param {unknown} json */
    const answer = (status, json) => answerJson(res, status, json);

    const receipt = /^\/spg\/v1\.0\/receipt\/info\/([^/]+)$/.exec(url.pathname);
    if (receipt) {
      pg.shinhan.push(seen);
      if (req.headers.authorization !== `SPGKEY ${SEARCH_KEY}`) return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
      if (pg.shinhanAnswer) return answerWith(res, pg.shinhanAnswer);
      const q = url.searchParams;
      // The sandbox's rule: amount and date must match the payment.
      if (q.get('client_id') !== CLIENT_ID || q.get('amunt') !== '11000' || q.get('tx_ymd') !== '2021-08-31') {
        return answer(200, { ret_code: 404, ret_msg: '거래 내역이 없습니다.' });
      }
      return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: `https://spg.example/pgsvc/receipt/receipt_all.asp?id=${receipt[1]}` });
    }
    if (url.pathname === '/smartro-api/receipt') {
      pg.smartro.push(seen);
      if (req.method !== 'POST') return answer(405, { resultMsg: 'POST only' });
      if (req.headers.apikey !== MERCHANT_KEY) return answer(401, { resultCode: 'E401', resultMsg: '인증 실패' });
      if (pg.smartroAnswer) return answerWith(res, pg.smartroAnswer);
      const asked = JSON.parse(body);
      if (asked.mid !== MID) return answer(200, { resultCode: 'E001', resultMsg: 'MID 불일치' });
      return answer(200, { ...SMARTRO_RECEIPT, tid: asked.tid });
    }
    answer(404, { ret_code: 404, ret_msg: 'no such API' });
  });
  return pg;
}

/**
 * @param {import('node:test').TestContext} t
 * @param {{ shinhanApiBase?: string, smartroApiBase?: string, pgTimeoutMs?: number }} [options]
 */
async function setup(t, options = {}) {
  const pg = await startFakePgs(t);
  const backend = createMerchantBackend({
    shinhanApiBase: options.shinhanApiBase ?? `${pg.origin}/spg/`,
    shinhanClientId: CLIENT_ID,
    shinhanPaymentApiKey: PAYMENT_KEY,
    shinhanSearchApiKey: SEARCH_KEY,
    smartroMid: MID,
    smartroMerchantKey: MERCHANT_KEY,
    smartroApiBase: options.smartroApiBase ?? `${pg.origin}/smartro-api`, // no trailing "/": added
    // This file tests GET /api/kpg/receipt and counts the calls it makes. The cross-check of an
    // approval with the receipt API at ReturnURL / RetryURL is tested in backend-smartro.test.mjs.
    smartroVerifyWithReceiptApi: false,
    publicBaseUrl: SHOP,
    pgTimeoutMs: options.pgTimeoutMs,
  });
  const store = backend.store;
  const { call, postJson } = await startBackend(t, backend, [PAYMENT_KEY, SEARCH_KEY, MERCHANT_KEY]);

  /**
   * A Shinhan payment as the return route records it (confirm answer: tx_date, amount checked).
   * @param {string} tid @param {{ approved_at?: string, order_id?: string }} [p]
   */
  function paidShinhan(tid, p = {}) {
    const order = /** @type {any} */ (store.getOrder(p.order_id ?? 'A-1001'));
    const attempt = store.createAttempt(order, { provider: 'shinhan', device_type: 2, pgcode: 'card', return_to: `${SHOP}/` });
    store.markPaid(attempt, { tid, approved_at: 'approved_at' in p ? p.approved_at : '2021-08-31 12:59:59' });
    return attempt;
  }

  /** A Smartro payment through the real ReturnURL route. */
  async function paidSmartro() {
    const session = await postJson('/api/kpg/session', { provider: 'smartro', order_id: 'A-1002', device_type: 2 });
    const orderNo = session.json.order_no;
    const tid = `${MID}01012603011502330001`;
    const form = { PayMethod: 'CARD', MID, Amt: '55000', TID: tid, OID: orderNo, ResultCode: '3001', SignValue: sign(tid, '3001'), AuthDate: '260301150233' };
    const r = await call('/api/kpg/smartro/return', { method: 'POST', body: new URLSearchParams(form) });
    assert.equal(r.status, 200);
    assert.equal(store.getAttempt(orderNo)?.status, 'paid');
    return tid;
  }

  /** @param {string} query */
  const receipt = (query) => call(`/api/kpg/receipt${query}`);

  return { pg, store, call, receipt, paidShinhan, paidSmartro };
}

// -----------------------------------------------------------------------------------------------
// Shinhan
// -----------------------------------------------------------------------------------------------

test('receipt (Shinhan): receipt/info with the search key, the RECORDED amount and date; the browser\'s are ignored', async (t) => {
  const s = await setup(t);
  s.paidShinhan('tpay_test202108311259590002');
  const r = await s.receipt('?tid=tpay_test202108311259590002&amount=100&amunt=100&tx_ymd=2000-01-01');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, {
    provider: 'shinhan',
    redirect_url: 'https://spg.example/pgsvc/receipt/receipt_all.asp?id=tpay_test202108311259590002',
  });
  assert.equal(r.res.headers.get('cache-control'), 'no-store');

  assert.equal(s.pg.shinhan.length, 1);
  const { method, url, headers } = s.pg.shinhan[0];
  assert.equal(method, 'GET');
  assert.equal(url.pathname, '/spg/v1.0/receipt/info/tpay_test202108311259590002');
  assert.deepEqual(Object.fromEntries(url.searchParams), { client_id: CLIENT_ID, amunt: '11000', amount: '11000', tx_ymd: '2021-08-31' });
  assert.equal(headers.authorization, `SPGKEY ${SEARCH_KEY}`);
  assert.equal(s.pg.smartro.length, 0);
});

test('receipt (Shinhan): the amount is the one recorded for the attempt, even if the order changes later', async (t) => {
  const s = await setup(t);
  s.paidShinhan('T1');
  s.store.addOrder({ order_id: 'A-1001', amount: 99000, product_name: '테스트 상품', user_id: 'buyer01', user_name: '홍길동' });
  await s.receipt('?tid=T1');
  assert.equal(s.pg.shinhan[0].url.searchParams.get('amunt'), '11000');
});

test('receipt (Shinhan): without approved_at, tx_ymd is the Korean date the payment was recorded', async (t) => {
  const s = await setup(t);
  const attempt = s.paidShinhan('T2', { approved_at: undefined });
  attempt.finished_at = '2024-03-01T16:30:00.000Z'; // 2024-03-02 01:30 in Korea
  await s.receipt('?tid=T2');
  assert.equal(s.pg.shinhan[0].url.searchParams.get('tx_ymd'), '2024-03-02');
});

test('receipt (Shinhan): PG refusals and bad answers -> 502', async (t) => {
  const s = await setup(t);
  s.paidShinhan('T3');
  /** @type {[Answer, string, string | undefined][]} answer, code, message */
  const cases = [
    [{ body: '{"ret_code":404,"ret_msg":"거래 내역이 없습니다."}' }, 'pg-refused', '거래 내역이 없습니다.'],
    [{ status: 401, body: '{"ret_code":998,"ret_msg":"token is missing or incorrect."}' }, 'pg-refused', 'token is missing or incorrect.'],
    [{ body: '{"ret_code":0,"ret_msg":"OK"}' }, 'pg-bad-response', undefined],
    [{ body: '{"ret_code":0,"ret_msg":"OK","redirect_url":"javascript:alert(1)"}' }, 'pg-bad-response', undefined],
    [{ body: '{"ret_code":0,"ret_msg":"OK","redirect_url":"//evil.example/x"}' }, 'pg-bad-response', undefined],
    [{ status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' }, 'pg-bad-response', undefined],
  ];
  for (const [answer, code, message] of cases) {
    s.pg.shinhanAnswer = answer;
    const r = await s.receipt('?tid=T3');
    assert.equal(r.status, 502, JSON.stringify(answer));
    assert.equal(r.json.code, code, JSON.stringify(answer));
    if (message) assert.equal(r.json.message, message);
    assert.ok(!('redirect_url' in r.json));
  }
  // A path on the PG's host is made absolute.
  s.pg.shinhanAnswer = { body: '{"ret_code":0,"ret_msg":"OK","redirect_url":"/pgsvc/receipt?id=9"}' };
  const r = await s.receipt('?tid=T3');
  assert.equal(r.json.redirect_url, `${s.pg.origin}/pgsvc/receipt?id=9`);
});

test('receipt (Shinhan): PG unreachable or too slow -> 502 pg-unreachable', async (t) => {
  const dead = await setup(t, { shinhanApiBase: `${await deadOrigin()}/` });
  dead.paidShinhan('T4');
  let r = await dead.receipt('?tid=T4');
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-unreachable');

  const slow = await setup(t, { pgTimeoutMs: 200 });
  slow.paidShinhan('T5');
  slow.pg.shinhanAnswer = 'hang';
  r = await slow.receipt('?tid=T5');
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-unreachable');
});

// -----------------------------------------------------------------------------------------------
// Smartro
// -----------------------------------------------------------------------------------------------

test('receipt (Smartro): POST {SMARTRO_API_BASE}receipt with apikey = MerchantKey, server to server; JSON passed on', async (t) => {
  const s = await setup(t);
  const tid = await s.paidSmartro();
  const r = await s.receipt(`?tid=${tid}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { provider: 'smartro', receipt: { ...SMARTRO_RECEIPT, tid } });
  assert.equal(r.res.headers.get('cache-control'), 'no-store');

  assert.equal(s.pg.smartro.length, 1);
  const { method, headers, body } = s.pg.smartro[0];
  assert.equal(method, 'POST');
  assert.match(String(headers['content-type']), /^application\/json/);
  assert.equal(headers.accept, 'application/json');
  assert.equal(String(headers['accept-charset']).toLowerCase(), 'utf-8');
  assert.equal(headers.apikey, MERCHANT_KEY);
  assert.deepEqual(JSON.parse(body), { mid: MID, tid });
  assert.equal(s.pg.shinhan.length, 0);
});

test('receipt (Smartro): API errors -> 502, and an answer echoing the key is not passed on', async (t) => {
  const s = await setup(t);
  const tid = await s.paidSmartro();
  /** @type {[Answer, string][]} */
  const cases = [
    [{ status: 500, type: 'text/html', body: '<html>error</html>' }, 'pg-bad-response'],
    [{ body: '{"tid":' }, 'pg-bad-response'],
    [{ status: 401, body: '{"resultCode":"E401","resultMsg":"인증 실패"}' }, 'pg-refused'],
    [{ body: JSON.stringify({ tid, apikey: MERCHANT_KEY }) }, 'pg-bad-response'],
  ];
  for (const [answer, code] of cases) {
    s.pg.smartroAnswer = answer;
    const r = await s.receipt(`?tid=${tid}`);
    assert.equal(r.status, 502, JSON.stringify(answer));
    assert.equal(r.json.code, code, JSON.stringify(answer));
  }
  s.pg.smartroAnswer = { status: 401, body: '{"resultCode":"E401","resultMsg":"인증 실패"}' };
  assert.equal((await s.receipt(`?tid=${tid}`)).json.message, '인증 실패');

  const dead = await setup(t, { smartroApiBase: `${await deadOrigin()}/` });
  const deadTid = await dead.paidSmartro();
  const r = await dead.receipt(`?tid=${deadTid}`);
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-unreachable');
});

// -----------------------------------------------------------------------------------------------
// Lookup
// -----------------------------------------------------------------------------------------------

test('receipt: only PAID payments recorded by this backend; unknown -> 404 unknown-tid; bad tid -> 400', async (t) => {
  const s = await setup(t);
  let r = await s.receipt('?tid=tpay_test202108311259590002');
  assert.equal(r.status, 404);
  assert.equal(r.json.code, 'unknown-tid');
  assert.equal(r.json.field, 'tid');

  // A tid on an attempt that is not paid (e.g. refused later by staff tooling) gives no receipt.
  const attempt = s.paidShinhan('T6');
  attempt.status = 'failed';
  r = await s.receipt('?tid=T6');
  assert.equal(r.status, 404);

  r = await s.receipt('');
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'missing-field');
  r = await s.receipt('?tid=../../v1.0/payments/cancel');
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'invalid-field');
  r = await s.call('/api/kpg/receipt?tid=T6', { method: 'POST' });
  assert.equal(r.status, 405);
  assert.equal(s.pg.shinhan.length + s.pg.smartro.length, 0, 'nothing reached a PG');
});
