// @ts-check
/**
 * Reference merchant backend (demo/backend/) against a fake Shinhan PG started inside this file.
 * Run: node --test test/node/backend-shinhan.test.mjs
 *
 * The fake PG checks the SPGKEY header and param_ispt_hash itself (hashes are recomputed here, not
 * imported from the backend), and can be told to answer badly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { configFromEnv, createMerchantBackend, DEFAULT_ORDERS } from '../../demo/backend/index.mjs';
import { answerJson, deadOrigin, readAll, serve, startBackend } from './helpers.mjs';

const CLIENT_ID = 'kpgtest01';
const PAYMENT_KEY = 'test-payment-key-7f3a9c';
const SEARCH_KEY = 'test-search-key-51bd02';
const SHOP = 'http://shop.example';

/** @param {string} text */
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

// -----------------------------------------------------------------------------------------------
// Fake PG
// -----------------------------------------------------------------------------------------------

/**
 * @typedef {{ headers: import('node:http').IncomingHttpHeaders, body: any }} Seen
 * @typedef {'ok' | 'refuse' | 'unauthorized' | 'garbage' | 'no-url' | 'script-url' | 'hang'} RequestMode
 * @typedef {'ok' | 'lowercase-hash' | 'bad-hash' | 'bad-amount' | 'refuse' | 'other-order' | 'slow'} ConfirmMode
 */

/** @param {import('node:test').TestContext} t */
async function startFakePg(t) {
  const pg = {
    /** @type {Seen[]} */ requests: [],
    /** @type {Seen[]} */ confirms: [],
    /** @type {RequestMode} */ requestMode: 'ok',
    /** @type {ConfirmMode} */ confirmMode: 'ok',
    /** @type {Map<string, any>} order_no -> accepted payments/request body */ accepted: new Map(),
    origin: '',
  };

  pg.origin = await serve(t, async (req, res) => {
    /** @param {number} status @param {unknown} body */
    const answer = (status, body) => answerJson(res, status, body);
    const body = JSON.parse(await readAll(req));
    if (req.headers.authorization !== `SPGKEY ${PAYMENT_KEY}`) {
      return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    }
    if (req.method === 'POST' && req.url === '/v1.0/payments/request') {
      pg.requests.push({ headers: req.headers, body });
      const expected = sha256(`${CLIENT_ID}${body.user_id}${body.order_no}${body.pay_type}${body.amount}${PAYMENT_KEY}`);
      if (body.param_ispt_hash !== expected) return answer(200, { ret_code: 901, ret_msg: 'param_ispt_hash mismatch' });
      switch (pg.requestMode) {
        case 'refuse': return answer(200, { ret_code: 201, ret_msg: '결제 요청이 거절되었습니다.' });
        case 'unauthorized': return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
        case 'garbage': res.writeHead(500); return res.end('<html>oops</html>');
        case 'no-url': return answer(200, { ret_code: 0, ret_msg: 'OK' });
        case 'script-url': return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: 'javascript:alert(1)' });
        case 'hang': return; // never answers
      }
      pg.accepted.set(body.order_no, body);
      return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: `https://pg.example/pgsvc/pay?token=${body.order_no}` });
    }
    if (req.method === 'POST' && req.url === '/v1.0/payments/confirm') {
      pg.confirms.push({ headers: req.headers, body });
      const requested = pg.accepted.get(body.order_no);
      if (!requested || body.confirm_token !== `tok-${body.order_no}`) {
        return answer(200, { ret_code: 1001, ret_msg: 'invalid confirm_token' });
      }
      if (pg.confirmMode === 'refuse') return answer(200, { ret_code: 1002, ret_msg: '승인 거절' });
      if (pg.confirmMode === 'slow') await new Promise((r) => setTimeout(r, 150));
      const tid = `T${pg.confirms.length}${body.order_no.slice(-6)}`;
      const amount = pg.confirmMode === 'bad-amount' ? requested.amount - 10000 : requested.amount;
      let hash = sha256(`${requested.user_id}${amount}${tid}${PAYMENT_KEY}`).toUpperCase(); // uppercase as in the doc
      if (pg.confirmMode === 'lowercase-hash') hash = hash.toLowerCase();
      if (pg.confirmMode === 'bad-hash') hash = sha256(`${requested.user_id}${amount}${tid}wrong-key`).toUpperCase();
      return answer(200, {
        ret_code: 0,
        ret_msg: 'OK',
        pay_type: 1,
        order_no: pg.confirmMode === 'other-order' ? 'SOMEONE-ELSE-1' : body.order_no,
        product_name: requested.product_name,
        user_id: requested.user_id,
        user_name: requested.user_name,
        amount: String(amount), // the doc's example sends numbers as strings
        tid,
        pay_ispt_hash: hash,
        tx_date: '2021-08-31 12:59:59',
        pay_info: [{ card_cpny_cd: 'S001', card_name: 'BC카드', card_no: '940912******1234', card_aprv_no: '30001234', install_month: '03' }],
      });
    }
    answer(404, { ret_code: 404, ret_msg: 'no such API' });
  });
  return pg;
}

// -----------------------------------------------------------------------------------------------
// Backend under test
// -----------------------------------------------------------------------------------------------

/**
 * @param {import('node:test').TestContext} t
 * @param {{ orders?: any[], pgTimeoutMs?: number, apiBase?: string, paymentKey?: string }} [options]
 */
async function setup(t, options = {}) {
  const pg = await startFakePg(t);
  const backend = createMerchantBackend({
    shinhanApiBase: options.apiBase ?? `${pg.origin}/`,
    shinhanClientId: CLIENT_ID,
    shinhanPaymentApiKey: options.paymentKey ?? PAYMENT_KEY,
    shinhanSearchApiKey: SEARCH_KEY,
    publicBaseUrl: SHOP,
    pgTimeoutMs: options.pgTimeoutMs,
    orders: options.orders,
  });
  // Every reply is checked for the keys: they must never reach a browser.
  const { base, call, postJson } = await startBackend(t, backend, [PAYMENT_KEY, SEARCH_KEY]);

  /** @param {Record<string, unknown>} [overrides] */
  const session = (overrides = {}) =>
    postJson('/api/kpg/session', { provider: 'shinhan', order_id: 'A-1001', device_type: 2, pgcode: 'card', ...overrides });

  /** The PG's form POST to return_url. @param {Record<string, string>} fields */
  const postReturn = (fields) => call('/api/kpg/shinhan/return', { method: 'POST', body: new URLSearchParams(fields) });

  /** A correct return for an attempt: its nonce and the token the fake PG expects. @param {string} orderNo */
  const approve = (orderNo) =>
    postReturn({
      order_no: orderNo,
      custom_parameter: backend.store.getAttempt(orderNo)?.custom_parameter ?? '',
      confirm_token: `tok-${orderNo}`,
    });

  /** @param {string} orderNo */
  const result = (orderNo) => call(`/api/kpg/result?order_no=${encodeURIComponent(orderNo)}`);

  /** Starts a session and returns its order_no. @param {Record<string, unknown>} [overrides] */
  async function started(overrides) {
    const r = await session(overrides);
    assert.equal(r.status, 200, r.text);
    return /** @type {string} */ (r.json.order_no);
  }

  return { pg, backend, store: backend.store, base, call, postJson, session, postReturn, approve, result, started };
}

// -----------------------------------------------------------------------------------------------
// POST /api/kpg/session
// -----------------------------------------------------------------------------------------------

test('session: sends every required field, the right hash, and the amount from the order table', async (t) => {
  const s = await setup(t);
  const r = await s.session({
    amount: 100, product_name: '공짜', user_id: 'attacker', // must all be ignored
    main_color: 'ffffff', point_color: '5379ff', card_cpny_cd: 'S001', install_month: '03',
  });
  assert.equal(r.status, 200, r.text);
  assert.match(r.res.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
  assert.equal(s.pg.requests.length, 1);
  const { headers, body } = s.pg.requests[0];
  assert.equal(headers.authorization, `SPGKEY ${PAYMENT_KEY}`);
  assert.match(String(headers['content-type']), /^application\/json/);

  const orderNo = body.order_no;
  assert.match(orderNo, /^A-1001-[A-Za-z0-9_-]+$/);
  assert.ok(orderNo.length <= 50);
  assert.deepEqual(r.json, { provider: 'shinhan', order_no: orderNo, redirect_url: `https://pg.example/pgsvc/pay?token=${orderNo}` });

  const attempt = s.store.getAttempt(orderNo);
  assert.ok(attempt && attempt.custom_parameter.length >= 16);
  assert.deepEqual(body, {
    pgcode: 'card',
    client_id: CLIENT_ID,
    user_id: 'buyer01',
    user_name: '홍길동',
    order_no: orderNo,
    pay_type: 1,
    device_type: 2,
    amount: 11000,
    product_name: '테스트 상품',
    return_url: `${SHOP}/api/kpg/shinhan/return`,
    cancel_url: `${SHOP}/api/kpg/shinhan/cancel`,
    fail_url: `${SHOP}/api/kpg/shinhan/fail`,
    custom_parameter: attempt.custom_parameter,
    main_color: 'FFFFFF',
    point_color: '5379FF',
    card_cpny_cd: 'S001',
    install_month: '03',
    param_ispt_hash: sha256(`${CLIENT_ID}buyer01${orderNo}111000${PAYMENT_KEY}`),
  });
  assert.equal(attempt.status, 'pending');
  assert.equal((await s.result(orderNo)).json.status, 'pending');
});

test('session: optional display fields are left out when not chosen; each attempt gets a fresh order_no and nonce', async (t) => {
  const s = await setup(t);
  const first = await s.started({ order_id: 'A-1003' });
  const second = await s.started({ order_id: 'A-1003' });
  assert.notEqual(first, second);
  assert.notEqual(s.store.getAttempt(first)?.custom_parameter, s.store.getAttempt(second)?.custom_parameter);
  const body = s.pg.requests[0].body;
  for (const field of ['main_color', 'point_color', 'card_cpny_cd', 'install_month']) assert.ok(!(field in body), field);
  assert.equal(body.amount, 1200000);
  assert.equal(body.product_name, '노트북 15인치');
});

test('session: orders can be supplied in the config', async (t) => {
  const s = await setup(t, { orders: [{ order_id: 'T-9', amount: 777, product_name: '샘플', user_id: 'u9', user_name: '테스터' }] });
  await s.started({ order_id: 'T-9' });
  assert.equal(s.pg.requests[0].body.amount, 777);
  assert.equal((await s.session({ order_id: 'A-1001' })).status, 404, 'the default table is replaced');
  assert.throws(() => createMerchantBackend({ orders: [/** @type {any} */ ({ order_id: 'bad id', amount: -1 })] }), /invalid order/);
});

test('session: every validation error is a 400 naming the field, and nothing reaches the PG', async (t) => {
  const s = await setup(t);
  /** @type {[Record<string, unknown>, string, string][]} overrides, code, field */
  const cases = [
    [{ provider: undefined }, 'missing-field', 'provider'],
    [{ provider: 'kcp' }, 'unsupported-provider', 'provider'],
    [{ provider: 'SHINHAN' }, 'unsupported-provider', 'provider'],
    [{ order_id: undefined }, 'missing-field', 'order_id'],
    [{ order_id: 'A 1001<script>' }, 'invalid-field', 'order_id'],
    [{ order_id: 1001 }, 'invalid-field', 'order_id'],
    [{ device_type: undefined }, 'missing-field', 'device_type'],
    [{ device_type: 3 }, 'invalid-field', 'device_type'],
    [{ device_type: '2' }, 'invalid-field', 'device_type'],
    [{ pgcode: undefined }, 'missing-field', 'pgcode'],
    [{ pgcode: 'card; drop' }, 'invalid-field', 'pgcode'],
    [{ main_color: 'fff' }, 'invalid-field', 'main_color'],
    [{ main_color: '#5379FF' }, 'invalid-field', 'main_color'],
    [{ point_color: 'GGGGGG' }, 'invalid-field', 'point_color'],
    [{ point_color: null }, 'invalid-field', 'point_color'],
    [{ install_month: '13' }, 'invalid-field', 'install_month'],
    [{ install_month: '3' }, 'invalid-field', 'install_month'],
    [{ install_month: 3 }, 'invalid-field', 'install_month'],
    [{ card_cpny_cd: 'S 01' }, 'invalid-field', 'card_cpny_cd'],
    [{ return_to: 'https://evil.example/done' }, 'invalid-field', 'return_to'],
    [{ return_to: '//evil.example/done' }, 'invalid-field', 'return_to'],
    [{ return_to: '/\\evil.example/done' }, 'invalid-field', 'return_to'],
    [{ return_to: 'javascript:alert(1)' }, 'invalid-field', 'return_to'],
    [{ return_to: 'http://shop.example.evil.example/' }, 'invalid-field', 'return_to'],
  ];
  for (const [overrides, code, field] of cases) {
    const r = await s.session(overrides);
    assert.equal(r.status, 400, `${JSON.stringify(overrides)}: ${r.text}`);
    assert.equal(r.json.code, code, JSON.stringify(overrides));
    assert.equal(r.json.field, field, JSON.stringify(overrides));
    assert.equal(typeof r.json.message, 'string');
    assert.ok(r.json.message.length > 0);
  }
  assert.equal(s.pg.requests.length, 0);
  assert.equal(s.store.attempts.size, 0);
});

test('session: malformed, non-JSON, non-object and oversized bodies are refused', async (t) => {
  const s = await setup(t);
  const post = (/** @type {string} */ type, /** @type {BodyInit} */ body) =>
    s.call('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': type }, body });

  let r = await post('application/json', '{"provider": "shinhan",');
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'bad-json');

  r = await post('application/json', '[1, 2]');
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'invalid-body');

  r = await post('application/json', 'null');
  assert.equal(r.json.code, 'invalid-body');

  r = await post('text/plain', JSON.stringify({ provider: 'shinhan', order_id: 'A-1001', device_type: 2, pgcode: 'card' }));
  assert.equal(r.status, 415);
  assert.equal(r.json.code, 'unsupported-media-type');

  const big = JSON.stringify({ provider: 'shinhan', order_id: 'A-1001', device_type: 2, pgcode: 'card', pad: 'x'.repeat(70 * 1024) });
  r = await post('application/json', big);
  assert.equal(r.status, 413);
  assert.equal(r.json.code, 'body-too-large');

  // Same, streamed without Content-Length (chunked).
  r = await s.call('/api/kpg/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: new Blob([big]).stream(),
    // @ts-ignore: undici needs this for a stream body
    duplex: 'half',
  });
  assert.equal(r.status, 413);

  // Just under the limit is still read (and then validated normally).
  r = await post('application/json', JSON.stringify({ provider: 'shinhan', order_id: 'A-1001', device_type: 2, pgcode: 'card', pad: 'x'.repeat(60 * 1024) }));
  assert.equal(r.status, 200, r.text);
  assert.equal(s.pg.requests.length, 1);
});

test('session: unknown order -> 404 unknown-order', async (t) => {
  const s = await setup(t);
  const r = await s.session({ order_id: 'A-9999' });
  assert.equal(r.status, 404);
  assert.equal(r.json.code, 'unknown-order');
  assert.equal(s.pg.requests.length, 0);
});

test('session: an already paid order -> 409 already-paid', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started({ order_id: 'A-1002' });
  assert.equal((await s.approve(orderNo)).status, 200);
  const r = await s.session({ order_id: 'A-1002' });
  assert.equal(r.status, 409);
  assert.equal(r.json.code, 'already-paid');
  assert.equal(s.pg.requests.length, 1);
});

test('session: PG refusals become 502 pg-refused with the PG message', async (t) => {
  const s = await setup(t);
  s.pg.requestMode = 'refuse';
  let r = await s.session();
  assert.equal(r.status, 502);
  assert.deepEqual(r.json, { code: 'pg-refused', message: '결제 요청이 거절되었습니다.' });
  const attempt = [...s.store.attempts.values()][0];
  assert.equal(attempt.status, 'failed');
  assert.equal((await s.result(attempt.order_no)).json.code, 'pg-refused');

  s.pg.requestMode = 'unauthorized'; // HTTP 401 { ret_code: 998 }
  r = await s.session();
  assert.equal(r.status, 502);
  assert.deepEqual(r.json, { code: 'pg-refused', message: 'token is missing or incorrect.' });
});

test('session: a wrong payment key is refused by the PG (the key is really sent) and never echoed', async (t) => {
  const s = await setup(t, { paymentKey: 'not-the-key' });
  const r = await s.session();
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-refused');
  assert.ok(!r.text.includes('not-the-key'));
});

test('session: malformed PG answers are never taken as success', async (t) => {
  const s = await setup(t);
  for (const mode of /** @type {const} */ (['garbage', 'no-url', 'script-url'])) {
    s.pg.requestMode = mode;
    const r = await s.session();
    assert.equal(r.status, 502, mode);
    assert.equal(r.json.code, 'pg-bad-response', mode);
    assert.ok(!('redirect_url' in r.json));
  }
});

test('session: PG unreachable (connection refused) -> 502 pg-unreachable', async (t) => {
  const s = await setup(t, { apiBase: `${await deadOrigin()}/` });
  const r = await s.session();
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-unreachable');
});

test('session: PG that never answers -> 502 pg-unreachable after the timeout', async (t) => {
  const s = await setup(t, { pgTimeoutMs: 300 });
  s.pg.requestMode = 'hang';
  const started = Date.now();
  const r = await s.session();
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-unreachable');
  assert.match(r.json.message, /0\.3 s/);
  assert.ok(Date.now() - started < 5000);
});

// -----------------------------------------------------------------------------------------------
// POST /api/kpg/shinhan/return
// -----------------------------------------------------------------------------------------------

test('return: a good confirm marks the order paid; the PC popup gets a closing page; result says paid', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const r = await s.approve(orderNo);

  assert.equal(r.status, 200);
  assert.equal(r.res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.text, /<html lang="ko">/);
  assert.match(r.text, /<meta charset="utf-8">/);
  assert.match(r.text, /<script>window\.close\(\);<\/script>/);
  assert.match(r.text, /쇼핑몰 창으로 전달/);

  assert.equal(s.pg.confirms.length, 1);
  assert.equal(s.pg.confirms[0].headers.authorization, `SPGKEY ${PAYMENT_KEY}`);
  assert.deepEqual(s.pg.confirms[0].body, { client_id: CLIENT_ID, order_no: orderNo, confirm_token: `tok-${orderNo}`, ip_addr: '127.0.0.1' });

  const res = await s.result(orderNo);
  assert.equal(res.status, 200);
  assert.equal(res.res.headers.get('cache-control'), 'no-store');
  assert.equal(res.res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(res.json, {
    status: 'paid',
    order_no: orderNo,
    order_id: 'A-1001',
    provider: 'shinhan',
    amount: 11000,
    product_name: '테스트 상품',
    tid: `T1${orderNo.slice(-6)}`,
    approved_at: '2021-08-31 12:59:59',
    card_cpny_cd: 'S001',
    card_name: 'BC카드',
    card_no: '940912******1234',
    install_month: '03',
  });
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, orderNo);
  assert.equal(s.store.getAttempt(orderNo)?.card_aprv_no, '30001234');
  assert.equal(s.store.refusals.length, 0);
});

test('return: a lowercase pay_ispt_hash is accepted too (compared case-insensitively)', async (t) => {
  const s = await setup(t);
  s.pg.confirmMode = 'lowercase-hash';
  const orderNo = await s.started();
  await s.approve(orderNo);
  assert.equal((await s.result(orderNo)).json.status, 'paid');
});

test('return: a JSON body (as printed in the doc, with its "confinm_token" spelling) is accepted', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const r = await s.call('/api/kpg/shinhan/return', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ order_no: orderNo, custom_parameter: s.store.getAttempt(orderNo)?.custom_parameter, confinm_token: `tok-${orderNo}` }),
  });
  assert.equal(r.status, 200);
  assert.equal((await s.result(orderNo)).json.status, 'paid');
});

/**
 * @param {import('node:test').TestContext} t
 * @param {ConfirmMode} mode
 * @param {string} code
 */
async function expectRefusedConfirm(t, mode, code) {
  const s = await setup(t);
  s.pg.confirmMode = mode;
  const orderNo = await s.started();
  const r = await s.approve(orderNo);
  assert.equal(r.status, 200, 'the popup still closes; the shop window reads the result');
  assert.equal(s.pg.confirms.length, 1);

  const res = (await s.result(orderNo)).json;
  assert.equal(res.status, 'failed');
  assert.equal(res.code, code);
  assert.equal(typeof res.message, 'string');
  assert.ok(!('tid' in res));
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, undefined);
  assert.equal(s.store.refusals.length, 1);
  assert.equal(s.store.refusals[0].code, code);
  assert.equal(s.store.refusals[0].order_no, orderNo);
  assert.ok(!Number.isNaN(Date.parse(s.store.refusals[0].at)));
  // Not paid: the buyer may start again.
  assert.equal((await s.session()).status, 200);
}

test('return: wrong pay_ispt_hash -> failed hash-mismatch, recorded, never paid', (t) => expectRefusedConfirm(t, 'bad-hash', 'hash-mismatch'));
test('return: PG approved another amount -> failed amount-mismatch, recorded, never paid', (t) => expectRefusedConfirm(t, 'bad-amount', 'amount-mismatch'));
test('return: PG refuses the confirm -> failed confirm-failed, recorded, never paid', (t) => expectRefusedConfirm(t, 'refuse', 'confirm-failed'));
test('return: confirm answer for another order_no -> failed confirm-failed, recorded, never paid', (t) => expectRefusedConfirm(t, 'other-order', 'confirm-failed'));

test('return: wrong custom_parameter -> failed bad-custom-parameter, no confirm call, never paid', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  await s.postReturn({ order_no: orderNo, custom_parameter: 'forged', confirm_token: `tok-${orderNo}` });
  assert.equal(s.pg.confirms.length, 0);
  const res = (await s.result(orderNo)).json;
  assert.equal(res.status, 'failed');
  assert.equal(res.code, 'bad-custom-parameter');
  assert.equal(s.store.refusals[0].code, 'bad-custom-parameter');
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, undefined);

  // Missing custom_parameter is refused the same way.
  const second = await s.started();
  await s.postReturn({ order_no: second, confirm_token: `tok-${second}` });
  assert.equal((await s.result(second)).json.code, 'bad-custom-parameter');
  assert.equal(s.pg.confirms.length, 0);
});

test('return: a second return (sequential or concurrent) does not confirm again', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  await s.approve(orderNo);
  const again = await s.approve(orderNo);
  assert.equal(again.status, 200);
  assert.equal(s.pg.confirms.length, 1);
  assert.equal((await s.result(orderNo)).json.status, 'paid');
  assert.equal(s.store.refusals.at(-1)?.code, 'duplicate-return');

  s.pg.confirmMode = 'slow';
  const other = await s.started({ order_id: 'A-1002' });
  await Promise.all([s.approve(other), s.approve(other), s.approve(other)]);
  assert.equal(s.pg.confirms.length, 2);
  const res = (await s.result(other)).json;
  assert.equal(res.status, 'paid');
  assert.ok(!('code' in res), 'the attempt was never marked failed on the way');
  const late = s.store.refusals.filter((x) => x.order_no === other).map((x) => x.code);
  assert.deepEqual(late, ['duplicate-return', 'duplicate-return']);
});

test('return: a second attempt of an order paid by another attempt is not confirmed', async (t) => {
  const s = await setup(t);
  const first = await s.started();
  const second = await s.started();
  await s.approve(first);
  await s.approve(second);
  assert.equal(s.pg.confirms.length, 1);
  assert.equal((await s.result(second)).json.code, 'already-paid');
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, first);
});

test('return: unknown order_no -> 400, recorded, no confirm', async (t) => {
  const s = await setup(t);
  const r = await s.postReturn({ order_no: 'A-1001-nope', custom_parameter: 'x', confirm_token: 'tok-A-1001-nope' });
  assert.equal(r.status, 400);
  assert.match(r.text, /<html lang="ko">/);
  assert.equal(s.pg.confirms.length, 0);
  assert.equal(s.store.refusals.length, 1);
  assert.equal(s.store.refusals[0].code, 'unknown-order');
  assert.equal(s.store.refusals[0].order_no, 'A-1001-nope');

  const missing = await s.postReturn({ confirm_token: 'x' });
  assert.equal(missing.status, 400);
  assert.equal(s.store.refusals[1].code, 'bad-return');
});

test('return (mobile): 303 to return_to, default "/"', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started({ device_type: 1, return_to: '/orders/A-1001?done=1' });
  const r = await s.approve(orderNo);
  assert.equal(r.status, 303);
  assert.equal(r.res.headers.get('location'), `${SHOP}/orders/A-1001?done=1`);
  assert.equal((await s.result(orderNo)).json.status, 'paid');

  const absolute = await s.started({ order_id: 'A-1002', device_type: 1, return_to: `${SHOP}/thanks` });
  assert.equal((await s.approve(absolute)).res.headers.get('location'), `${SHOP}/thanks`);

  const plain = await s.started({ order_id: 'A-1003', device_type: 1 });
  const cancelled = await s.call(`/api/kpg/shinhan/cancel?order_no=${plain}`);
  assert.equal(cancelled.status, 303);
  assert.equal(cancelled.res.headers.get('location'), `${SHOP}/`);
});

// -----------------------------------------------------------------------------------------------
// cancel_url / fail_url
// -----------------------------------------------------------------------------------------------

test('cancel: a pending attempt becomes cancelled (buyer-cancelled); a later return is not confirmed', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const r = await s.call(`/api/kpg/shinhan/cancel?order_no=${orderNo}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /window\.close\(\)/);
  const res = (await s.result(orderNo)).json;
  assert.equal(res.status, 'cancelled');
  assert.equal(res.reason, 'buyer-cancelled');

  await s.approve(orderNo);
  assert.equal(s.pg.confirms.length, 0);
  assert.equal((await s.result(orderNo)).json.status, 'cancelled');
});

test('fail: a pending attempt becomes failed with the PG code and message, or pg-failed', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  const r = await s.call(`/api/kpg/shinhan/fail?order_no=${orderNo}&ret_code=F001&ret_msg=${encodeURIComponent('카드 승인 거절')}`);
  assert.equal(r.status, 200);
  let res = (await s.result(orderNo)).json;
  assert.equal(res.status, 'failed');
  assert.equal(res.code, 'F001');
  assert.equal(res.message, '카드 승인 거절');

  const bare = await s.started();
  await s.call(`/api/kpg/shinhan/fail?order_no=${bare}`);
  res = (await s.result(bare)).json;
  assert.equal(res.status, 'failed');
  assert.equal(res.code, 'pg-failed');
});

test('cancel / fail never touch a paid attempt', async (t) => {
  const s = await setup(t);
  const orderNo = await s.started();
  await s.approve(orderNo);
  await s.call(`/api/kpg/shinhan/cancel?order_no=${orderNo}`);
  await s.call(`/api/kpg/shinhan/fail?order_no=${orderNo}&ret_code=F001&ret_msg=x`);
  const res = (await s.result(orderNo)).json;
  assert.equal(res.status, 'paid');
  assert.ok(!('code' in res) && !('reason' in res));
  assert.equal(s.store.getOrder('A-1001')?.paid_order_no, orderNo);
});

test('cancel / fail with an unknown order_no -> 400, recorded', async (t) => {
  const s = await setup(t);
  assert.equal((await s.call('/api/kpg/shinhan/cancel?order_no=nope')).status, 400);
  assert.equal((await s.call('/api/kpg/shinhan/fail?order_no=nope2')).status, 400);
  assert.deepEqual(s.store.refusals.map((x) => [x.order_no, x.code]), [['nope', 'unknown-order'], ['nope2', 'unknown-order']]);
});

// -----------------------------------------------------------------------------------------------
// result, routing, config
// -----------------------------------------------------------------------------------------------

test('result: unknown order_no -> 404 unknown-order; missing -> 400; the nonce is never returned', async (t) => {
  const s = await setup(t);
  let r = await s.result('A-1001-unknown');
  assert.equal(r.status, 404);
  assert.equal(r.json.code, 'unknown-order');
  assert.equal(r.res.headers.get('cache-control'), 'no-store');

  r = await s.call('/api/kpg/result');
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'missing-field');
  assert.equal(r.json.field, 'order_no');

  const orderNo = await s.started();
  r = await s.result(orderNo);
  assert.ok(!r.text.includes(/** @type {string} */ (s.store.getAttempt(orderNo)?.custom_parameter)));
});

test('other paths go to next(); wrong methods on our paths -> 405', async (t) => {
  const s = await setup(t);
  let r = await s.call('/api/kpg/other');
  assert.equal(r.status, 404);
  assert.equal(r.text, 'next() called');
  r = await s.call('/index.html');
  assert.equal(r.text, 'next() called');
  r = await s.call('/api/kpg/session');
  assert.equal(r.status, 405);
  assert.equal(r.res.headers.get('allow'), 'POST');
});

test('configFromEnv: env > defaults > sandbox defaults; keys hidden from logs', () => {
  const sandbox = configFromEnv({});
  assert.equal(sandbox.shinhanApiBase, 'http://127.0.0.1:5174/');
  assert.equal(sandbox.shinhanClientId, 'kpgdemo01');
  assert.equal(sandbox.shinhanPaymentApiKey, 'sandbox-payment-key-0001');
  assert.equal(sandbox.shinhanSearchApiKey, 'sandbox-search-key-0001');
  assert.equal(sandbox.publicBaseUrl, 'http://localhost:5173');

  const config = configFromEnv(
    { SHINHAN_API_BASE: 'https://spg.example/api', SHINHAN_PAYMENT_API_KEY: 'real-key', KPG_PUBLIC_BASE_URL: 'https://shop.example/' },
    { shinhanApiBase: 'http://ignored/', SHINHAN_CLIENT_ID: 'fromdef', publicBaseUrl: 'http://ignored' },
  );
  assert.equal(config.shinhanApiBase, 'https://spg.example/api/');
  assert.equal(config.shinhanClientId, 'fromdef');
  assert.equal(config.shinhanPaymentApiKey, 'real-key');
  assert.equal(config.publicBaseUrl, 'https://shop.example');
  assert.ok(!JSON.stringify(config).includes('real-key'));
  assert.ok(!inspect(config).includes('real-key'));

  assert.throws(() => configFromEnv({ KPG_PUBLIC_BASE_URL: 'not a url' }), /KPG|publicBaseUrl/);
  assert.equal(DEFAULT_ORDERS.length >= 3, true);
});
