// @ts-check
/**
 * kpg-checkout/server with Shinhan, against a fake Shinhan PG started in this file (it checks SPGKEY and
 * param_ispt_hash itself, hashes recomputed here, and can be told to answer badly), on PGlite and on
 * PostgreSQL. Issue 10's faults 2, 5, 6, 7, 8 and 9 each have a test here (named in the title).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { answerJson, deadOrigin, forEachEngine, readAll, serve, shopOrders, startServer, uid, until, TEST_CI } from './server-helpers.mjs';

/** A fake PG here can hang on purpose: the server's own PG timeout (set short below) must end it; this bounds the test if it does not. */
const HANG_BOUND = { timeout: 20_000 };

const CLIENT_ID = 'kpgtest01';
const PAYMENT_KEY = 'test-payment-key-7f3a9c';
const SEARCH_KEY = 'test-search-key-51bd02';
const SECRETS = [PAYMENT_KEY, SEARCH_KEY];

/** @param {string} text */
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * @typedef {'ok' | 'refuse' | 'unauthorized' | 'garbage' | 'no-url' | 'script-url' | 'hang' | 'echo-key'} RequestMode
 * @typedef {'ok' | 'lowercase-hash' | 'bad-hash' | 'bad-amount' | 'refuse' | 'other-order' | 'slow' | 'hang' | 'error500' | 'echo-key'} ConfirmMode
 */

/** @param {import('node:test').TestContext} t */
async function startFakePg(t) {
  const pg = {
    /** @type {any[]} */ requests: [],
    /** @type {any[]} */ confirms: [],
    /** @type {any[]} */ infos: [],
    /** @type {RequestMode} */ requestMode: 'ok',
    /** @type {ConfirmMode} */ confirmMode: 'ok',
    /** @type {'real' | 'nodata' | 'refuse'} */ infoMode: 'real',
    /** @type {Map<string, any>} */ accepted: new Map(),
    /** order_no -> what confirm approved (the PG's own record) @type {Map<string, any>} */ approved: new Map(),
    cardListCalls: 0,
    /** confirm's discount_amount, when it reports one @type {unknown} */ discount: undefined,
    /** card-list answers HTML, no JSON, when set @type {boolean} */ cardListBroken: false,
    origin: '',
  };
  pg.origin = await serve(t, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://pg.invalid');
    /** @param {number} status @param {unknown} body */
    const answer = (status, body) => answerJson(res, status, body);
    if (req.method === 'GET') {
      if (req.headers.authorization !== `SPGKEY ${SEARCH_KEY}`) return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
      if (url.pathname === '/v1.0/payments/confirm-info') {
        pg.infos.push(Object.fromEntries(url.searchParams));
        const done = pg.approved.get(url.searchParams.get('order_no') ?? '');
        if (pg.infoMode === 'refuse') return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
        if (!done || pg.infoMode === 'nodata') return answer(401, { ret_code: 998, ret_msg: 'there is no data.' });
        return answer(200, { ret_code: 0, ret_msg: 'OK', user_id: done.user_id, tid: done.tid, tx_amount: done.amount, tx_stat: 1, tx_date: '2021-08-31 12:59:59' });
      }
      if (url.pathname === '/v1.0/payments/info/card-list') {
        pg.cardListCalls++;
        if (pg.cardListBroken) return void (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>점검 중</html>'));
        return answer(200, {
          ret_code: 0,
          ret_msg: 'OK',
          list: [
            { card_cpny_cd: 'S001', card_cpny_name: 'BC카드', istl_psbl_amt: 50000, istl_start_mnts: '02', istl_finish_mnts: '06' },
            { card_cpny_cd: 'S005', card_cpny_name: '신한카드', istl_start_mnts: '02', istl_finish_mnts: '12' },
            { card_cpny_cd: 'S009', card_cpny_name: '장애카드', notice_list: [{ notice_type: 2, notice_msg: '장애' }] },
            // A range with one end missing (none, or blank): no months are known to be offered.
            { card_cpny_cd: 'S006', card_cpny_name: '현대카드', istl_finish_mnts: '12' },
            { card_cpny_cd: 'S007', card_cpny_name: '삼성카드', istl_start_mnts: '02', istl_finish_mnts: ' ' },
          ],
        });
      }
      // No terms for any pgcode ("there is no data."): with requireTerms on by default (issue 25) these
      // sessions need no consent; server-terms.test.mjs covers the terms.
      if (url.pathname === '/v1.0/payments/info/terms-info-list') return answer(401, { ret_code: 998, ret_msg: 'there is no data.' });
      return answer(404, { ret_code: 404, ret_msg: 'no such API' });
    }
    const body = JSON.parse((await readAll(req)).toString('utf8'));
    if (req.headers.authorization !== `SPGKEY ${PAYMENT_KEY}`) {
      return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    }
    if (url.pathname === '/v1.0/payments/request') {
      pg.requests.push(body);
      const expected = sha256(`${CLIENT_ID}${body.user_id}${body.order_no}${body.pay_type}${body.amount}${PAYMENT_KEY}`);
      if (body.param_ispt_hash !== expected) return answer(200, { ret_code: 901, ret_msg: 'param_ispt_hash mismatch' });
      switch (pg.requestMode) {
        case 'refuse': return answer(200, { ret_code: 201, ret_msg: '결제 요청이 거절되었습니다.' });
        case 'unauthorized': return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
        case 'garbage': res.writeHead(500); return res.end('<html>oops</html>');
        case 'no-url': return answer(200, { ret_code: 0, ret_msg: 'OK' });
        case 'script-url': return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: 'javascript:alert(1)' });
        case 'hang': return;
        case 'echo-key': return answer(200, { ret_code: 998, ret_msg: `invalid header Authorization: SPGKEY ${PAYMENT_KEY} (key ${PAYMENT_KEY})` });
      }
      pg.accepted.set(body.order_no, body);
      return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: `https://pg.example/pgsvc/pay?token=${body.order_no}` });
    }
    if (url.pathname === '/v1.0/payments/confirm') {
      pg.confirms.push(body);
      const requested = pg.accepted.get(body.order_no);
      if (!requested || body.confirm_token !== `tok-${body.order_no}`) return answer(200, { ret_code: 1001, ret_msg: 'invalid confirm_token' });
      if (pg.confirmMode === 'refuse') return answer(200, { ret_code: 1002, ret_msg: '승인 거절' });
      if (pg.confirmMode === 'echo-key') return answer(200, { ret_code: 1003, ret_msg: `SPGKEY ${PAYMENT_KEY} is not allowed` });
      const tid = `T${pg.confirms.length}${body.order_no.slice(-6)}`;
      const amount = pg.confirmMode === 'bad-amount' ? requested.amount - 10000 : requested.amount;
      // The PG has approved from here on: its own record says so (confirm-info).
      pg.approved.set(body.order_no, { tid, amount, user_id: requested.user_id });
      if (pg.confirmMode === 'slow') await new Promise((r) => setTimeout(r, 150));
      if (pg.confirmMode === 'hang') return;
      if (pg.confirmMode === 'error500') return answer(503, { ret_code: 999, ret_msg: 'busy' });
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
        amount: String(amount),
        tid,
        pay_ispt_hash: hash,
        tx_date: '2021-08-31 12:59:59',
        pay_info: [{ card_cpny_cd: 'S001', card_name: 'BC카드', card_no: '940912******1234', card_aprv_no: '30001234', install_month: '03' }],
        ...(pg.discount !== undefined ? { discount_amount: pg.discount } : {}),
      });
    }
    answer(404, { ret_code: 404, ret_msg: 'no such API' });
  });
  return pg;
}

forEachEngine('kpg-checkout/server with Shinhan', ({ store }) => {
  /**
   * @param {import('node:test').TestContext} t
   * @param {{ pgTimeoutMs?: number, apiBase?: string, paymentKey?: string, pgcodes?: string[], options?: Record<string, any> }} [o]
   */
  async function setup(t, o = {}) {
    const pg = await startFakePg(t);
    const shop = shopOrders();
    const server = await startServer(
      t,
      store(),
      {
        shinhan: { apiBase: o.apiBase ?? `${pg.origin}/`, clientId: CLIENT_ID, paymentApiKey: o.paymentKey ?? PAYMENT_KEY, searchApiKey: SEARCH_KEY, pgcodes: o.pgcodes },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        pgTimeoutMs: o.pgTimeoutMs ?? 2000,
        rateLimit: { session: false, cards: false },
        ...o.options,
      },
      { secrets: [...SECRETS, ...(o.paymentKey ? [o.paymentKey] : [])] },
    );
    const order = shop.add();
    /** @param {Record<string, unknown>} [over] @param {{ buyer?: string | null }} [as] */
    const session = (over = {}, as = {}) => server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, ...over }, as);
    /** @param {Record<string, string>} fields */
    const postReturn = (fields) => server.call('/api/kpg/shinhan/return', { method: 'POST', body: new URLSearchParams(fields), buyer: null });
    /** The PG's genuine return for an attempt (its nonce, the token the fake PG expects). @param {string} orderNo */
    const approve = async (orderNo) => postReturn({ order_no: orderNo, custom_parameter: (await store().getAttempt(orderNo))?.nonce ?? '', confirm_token: `tok-${orderNo}` });
    /** @param {string} orderNo @param {{ buyer?: string | null }} [as] */
    const result = (orderNo, as = {}) => server.call(`/api/kpg/result?order_no=${encodeURIComponent(orderNo)}`, as);
    /** @param {Record<string, unknown>} [over] */
    async function started(over) {
      const r = await session(over);
      assert.equal(r.status, 200, r.text);
      return /** @type {string} */ (r.json.order_no);
    }
    return { pg, shop, order, ...server, session, postReturn, approve, result, started };
  }

  // ---------------------------------------------------------------------------------------------
  // POST session
  // ---------------------------------------------------------------------------------------------

  test('session: every required field, the right hash, amount, product and buyer from the shop order (never the browser)', async (t) => {
    const s = await setup(t);
    const r = await s.session({ amount: 100, product_name: '공짜', user_id: 'attacker', main_color: 'ffffff', point_color: '5379ff' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.res.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
    assert.equal(s.pg.requests.length, 1);
    const body = s.pg.requests[0];
    const orderNo = body.order_no;
    assert.match(orderNo, new RegExp(`^${s.order.order_id}-[a-z0-9]+$`));
    assert.ok(orderNo.length <= 50);
    assert.deepEqual(r.json, { provider: 'shinhan', order_no: orderNo, redirect_url: `https://pg.example/pgsvc/pay?token=${orderNo}` });
    const attempt = await store().getAttempt(orderNo);
    assert.ok(attempt && attempt.nonce.length >= 16);
    assert.deepEqual(body, {
      pgcode: 'selpay', // the shop's first allowed pgcode: the browser named none
      client_id: CLIENT_ID,
      user_id: 'buyer01',
      user_name: '홍길동',
      order_no: orderNo,
      pay_type: 1,
      device_type: 2,
      amount: 11000,
      product_name: '테스트 상품',
      return_url: `${s.base}/api/kpg/shinhan/return`,
      cancel_url: `${s.base}/api/kpg/shinhan/cancel`,
      fail_url: `${s.base}/api/kpg/shinhan/fail`,
      custom_parameter: attempt.nonce,
      // Issue 25: the buyer's CI (selpay requires user_ci) and contact, from the shop's order only.
      user_ci: TEST_CI,
      email_flag: 'Y',
      email_addr: 'buyer@example.com',
      mobile_no: '01012345678',
      main_color: 'FFFFFF',
      point_color: '5379FF',
      param_ispt_hash: sha256(`${CLIENT_ID}buyer01${orderNo}111000${PAYMENT_KEY}`),
    });
    assert.equal(attempt.status, 'pending');
    assert.equal((await s.result(orderNo)).json.status, 'pending');
  });

  test('session: a buyer contact the shop gives as null or "" is absent (no mobile_no, no email); a phone number with spaces and brackets is read by its digits; a buyer id that is a whole number, by its digits', async (t) => {
    /** @type {unknown[]} the buyer.id each authorize call was shown */
    const shown = [];
    const s = await setup(t, { options: { authorize: (/** @type {any} */ a) => (shown.push(a.order.buyer.id), s.shop.authorize(a)) } });
    const none = s.shop.add({ buyer: { id: 'buyer01', name: '홍길동', tel: null, email: '', ci: null } });
    let r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: none.order_id, device_type: 2, pgcode: 'card' });
    assert.equal(r.status, 200, r.text);
    const plain = s.pg.requests.at(-1);
    assert.deepEqual(['mobile_no', 'email_flag', 'email_addr', 'user_ci'].filter((k) => k in plain), []);
    const spaced = s.shop.add({ buyer: { id: 'buyer01', name: '홍길동', tel: '(010) 1234 5678', email: null, ci: TEST_CI } });
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: spaced.order_id, device_type: 2, pgcode: 'card' });
    assert.equal(r.status, 200, r.text);
    assert.equal(s.pg.requests.at(-1).mobile_no, '01012345678');
    assert.equal((await store().getAttempt(r.json.order_no))?.buyer_phone, '01012345678');
    // A +82 number is the same phone in the staff console's column as in mobile_no.
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add({ buyer: { id: 'buyer01', name: '홍길동', tel: '+82 10-1234-5678' } }).order_id, device_type: 2, pgcode: 'card' });
    assert.deepEqual([s.pg.requests.at(-1).mobile_no, (await store().getAttempt(r.json.order_no))?.buyer_phone], ['01012345678', '01012345678']);
    // A buyer id that is a database's integer key (a number in JavaScript) is its digits.
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add({ buyer: { id: 1024, name: '홍길동' } }).order_id, device_type: 2, pgcode: 'card' });
    assert.equal(r.status, 200, r.text);
    assert.equal(s.pg.requests.at(-1).user_id, '1024');
    assert.equal((await store().getAttempt(r.json.order_no))?.user_id, '1024');
    // authorize is shown the order as the payment module reads it: the id as its digits (docs/server.md: compare
    // your own field, as its example's userId, not buyer.id, when your key is a number).
    assert.equal(shown.at(-1), '1024');
    for (const id of [-1, 1.5]) {
      r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add({ buyer: { id, name: '홍길동' } }).order_id, device_type: 2, pgcode: 'card' });
      assert.equal(r.status, 500, `buyer.id ${id}: ${r.text}`);
    }
    // A selpay session still needs a CI: null is none.
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add({ buyer: { id: 'buyer01', name: '홍길동', ci: null } }).order_id, device_type: 2, pgcode: 'selpay' });
    assert.deepEqual([r.status, r.json.field], [400, 'buyer.ci']);
  });

  test('session: a second session supersedes a pending Shinhan attempt (Shinhan takes money only at our confirm); its late return is never confirmed', async (t) => {
    const s = await setup(t);
    const first = await s.started();
    const second = await s.started();
    assert.notEqual(first, second);
    const old = await store().getAttempt(first);
    assert.equal(old?.status, 'cancelled');
    assert.equal(old?.reason, 'superseded');
    assert.equal(old?.superseded_by, second);
    assert.notEqual(old?.nonce, (await store().getAttempt(second))?.nonce);
    assert.equal((await s.result(first)).json.reason, 'superseded');
    const late = await s.approve(first);
    assert.equal(late.status, 200, 'the popup still gets its closing page');
    assert.equal(s.pg.confirms.length, 0, 'a superseded attempt is never confirmed');
    assert.deepEqual((await store().refusals({ orderNo: first })).filter((r) => r.code === 'superseded').map((r) => r.message), ['Return for an attempt that is cancelled (superseded): not confirmed.']);
    await s.approve(second);
    assert.equal((await s.result(second)).json.status, 'paid');
  });

  test('session: every validation error is a 400 naming the field, and nothing reaches the PG', async (t) => {
    const s = await setup(t);
    /** @type {[Record<string, unknown>, string, string][]} */
    const cases = [
      [{ provider: undefined }, 'missing-field', 'provider'],
      [{ provider: 'kcp' }, 'unsupported-provider', 'provider'],
      [{ order_id: undefined }, 'missing-field', 'order_id'],
      [{ order_id: 'A 1001<script>' }, 'invalid-field', 'order_id'],
      [{ device_type: 3 }, 'invalid-field', 'device_type'],
      [{ device_type: '2' }, 'invalid-field', 'device_type'],
      [{ pgcode: 'card; drop' }, 'invalid-field', 'pgcode'],
      [{ main_color: '#5379FF' }, 'invalid-field', 'main_color'],
      [{ point_color: null }, 'invalid-field', 'point_color'],
      [{ install_month: '3' }, 'invalid-field', 'install_month'],
      [{ install_month: '37' }, 'invalid-field', 'install_month'],
      [{ card_cpny_cd: 'S 01' }, 'invalid-field', 'card_cpny_cd'],
      [{ app_scheme: 'MyShop://' }, 'invalid-field', 'app_scheme'],
      [{ app_scheme: 'javascript:' }, 'invalid-field', 'app_scheme'],
      [{ app_scheme: 'myshop://path' }, 'invalid-field', 'app_scheme'],
      [{ pay_method: 'cash' }, 'invalid-field', 'pay_method'],
      [{ return_to: 'https://evil.example/done' }, 'invalid-field', 'return_to'],
      [{ return_to: '//evil.example/done' }, 'invalid-field', 'return_to'],
      [{ return_to: '/\\evil.example/done' }, 'invalid-field', 'return_to'],
      [{ return_to: 'javascript:alert(1)' }, 'invalid-field', 'return_to'],
      [{ return_to: 'http://[not-a-host' }, 'invalid-field', 'return_to'], // no URL at all (new URL throws)
    ];
    for (const [over, code, field] of cases) {
      const r = await s.session(over);
      assert.equal(r.status, 400, `${JSON.stringify(over)}: ${r.text}`);
      assert.equal(r.json.code, code, JSON.stringify(over));
      assert.equal(r.json.field, field, JSON.stringify(over));
      assert.ok(r.json.message.length > 0);
    }
    assert.equal(s.pg.requests.length, 0);
    assert.deepEqual(await store().orderState(s.order.order_id), { paid: undefined, open: undefined });
  });

  test('session: malformed, non-JSON, non-object and oversized bodies are refused; JSON is JSON in any case of its media type', async (t) => {
    const s = await setup(t);
    const post = (/** @type {string} */ type, /** @type {BodyInit} */ body) => s.call('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': type }, body });
    let r = await post('application/json', '{"provider": "shinhan",');
    assert.deepEqual([r.status, r.json.code], [400, 'bad-json']);
    r = await post('application/json', '[1, 2]');
    assert.deepEqual([r.status, r.json.code], [400, 'invalid-body']);
    r = await post('text/plain', JSON.stringify({ provider: 'shinhan', order_id: s.order.order_id, device_type: 2 }));
    assert.deepEqual([r.status, r.json.code, r.json.message], [415, 'unsupported-media-type', 'Send the body as application/json.']);
    // A media type is case-insensitive, and space may come before its parameters (RFC 9110 8.3.1): still JSON.
    r = await post('Application/JSON ; charset=UTF-8', JSON.stringify({ provider: 'shinhan', order_id: s.order.order_id, device_type: 2 }));
    assert.equal(r.status, 200, r.text);
    const big = JSON.stringify({ provider: 'shinhan', order_id: s.order.order_id, device_type: 2, pad: 'x'.repeat(70 * 1024) });
    r = await post('application/json', big);
    assert.deepEqual([r.status, r.json.code], [413, 'body-too-large']);
    r = await s.call('/api/kpg/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new Blob([big]).stream(),
      // @ts-ignore undici needs this for a stream body
      duplex: 'half',
    });
    assert.equal(r.status, 413, 'streamed without Content-Length too');
    r = await post('application/json', JSON.stringify({ provider: 'shinhan', order_id: s.order.order_id, device_type: 2, pad: 'x'.repeat(60 * 1024) }));
    assert.equal(r.status, 200, r.text);
  });

  test('an error on a route the buyer\'s browser lands on (Shinhan\'s return) is a page in Korean naming the code, not JSON: too large a body is 413 with 결제 오류', async (t) => {
    const s = await setup(t);
    const r = await s.call('/api/kpg/shinhan/return', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `pad=${'x'.repeat(70 * 1024)}` });
    assert.equal(r.status, 413);
    assert.match(String(r.res.headers.get('content-type')), /^text\/html/);
    assert.ok(r.text.includes('결제 처리 중 오류가 발생했습니다 (body-too-large).'), r.text.slice(0, 600));
  });

  test('the body limit is 64 KiB to the byte: a body of exactly that many bytes is read, one byte more is 413, by Content-Length, streamed to the Node adapter, and streamed to kpg.fetch in chunks', async (t) => {
    const s = await setup(t);
    const LIMIT = 64 * 1024; // http.ts MAX_BODY_BYTES
    /** A session body of exactly n bytes (JSON, its pad of ASCII). @param {number} n */
    const sized = (n) => {
      const bare = JSON.stringify({ provider: 'shinhan', order_id: s.order.order_id, device_type: 2, pad: '' });
      const body = JSON.stringify({ provider: 'shinhan', order_id: s.order.order_id, device_type: 2, pad: 'x'.repeat(n - Buffer.byteLength(bare)) });
      assert.equal(Buffer.byteLength(body), n);
      return new TextEncoder().encode(body);
    };
    /** @param {Uint8Array} bytes */
    const chunked = (bytes) => new ReadableStream({ start: (c) => { for (let i = 0; i < bytes.length; i += 16 * 1024) c.enqueue(bytes.slice(i, i + 16 * 1024)); c.close(); } });
    const ways = {
      'Content-Length': (/** @type {Uint8Array} */ bytes) => s.call('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bytes }).then((r) => r.status),
      // @ts-ignore duplex: a stream body
      'streamed to the Node adapter': (/** @type {Uint8Array} */ bytes) => s.call('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: chunked(bytes), duplex: 'half' }).then((r) => r.status),
      'streamed to kpg.fetch': (/** @type {Uint8Array} */ bytes) =>
        // @ts-ignore duplex: a stream body
        s.kpg.fetch(new Request(`${s.base}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-buyer': 'alice' }, body: chunked(bytes), duplex: 'half' }), { clientIp: '198.51.100.21' }).then((r) => r.status),
    };
    for (const [way, send] of Object.entries(ways)) {
      assert.equal(await send(sized(LIMIT)), 200, `${way}: exactly the limit is read`);
      assert.equal(await send(sized(LIMIT + 1)), 413, `${way}: one byte more is too large`);
    }
  });

  test('the Web-standard handler (kpg.fetch, as Hono, Deno, Bun or a worker mount it) reads a streamed body the same way: too large 413, a stream that breaks 400, one that stalls 408, one that declares more than the limit 413 unread, no body at all a clear 400', async (t) => {
    const s = await setup(t, { options: { bodyTimeoutMs: 300 } });
    const send = (/** @type {ReadableStream<Uint8Array>} */ body) =>
      // @ts-ignore duplex: a stream body
      s.kpg.fetch(new Request(`${s.base}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-buyer': 'alice' }, body, duplex: 'half' }), { clientIp: '198.51.100.20' });
    const chunk = new TextEncoder().encode(`{"pad":"${'x'.repeat(16 * 1024)}`);
    let sent = 0;
    const endless = new ReadableStream({ pull: (c) => void (sent++, c.enqueue(chunk)) });
    const big = await send(endless);
    // Connection: close: a server in front (Bun, Deno, a proxy) does not keep a connection whose body was not read to its end.
    assert.deepEqual([big.status, (await big.json()).code, big.headers.get('connection')], [413, 'body-too-large', 'close']);
    assert.ok(sent < 10, `stopped reading at the limit (${sent} chunks of 16 KB)`);
    const broken = await send(new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{"pro')), c.error(new Error('connection reset'))) }));
    assert.deepEqual(await broken.json().then((j) => [broken.status, j.code, j.message]), [400, 'bad-body', 'The request body could not be read.']);
    const stalled = await send(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"pro')) }));
    assert.deepEqual([stalled.status, (await stalled.json()).code, stalled.headers.get('connection')], [408, 'body-timeout', 'close']);
    // A body that says it is larger than the limit is refused before a byte of it is read: at once, not after
    // bodyTimeoutMs of a client trickling it in.
    let pulled = 0;
    const declared = await s.kpg.fetch(
      // @ts-ignore duplex: a stream body
      new Request(`${s.base}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(64 * 1024 + 1), 'x-buyer': 'alice' }, body: new ReadableStream({ pull: () => void pulled++ }, { highWaterMark: 0 }), duplex: 'half' }),
      { clientIp: '198.51.100.20' },
    );
    assert.deepEqual([declared.status, (await declared.json()).code, pulled, declared.headers.get('connection')], [413, 'body-too-large', 0, 'close']);
    // A POST with no body at all (request.body is null, not an empty stream): an empty body, so a clear 400.
    const none = await s.kpg.fetch(new Request(`${s.base}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-buyer': 'alice' } }), { clientIp: '198.51.100.20' });
    assert.deepEqual([none.status, await none.json()], [400, { code: 'bad-json', message: 'The body is not valid JSON.' }]);
  });

  test('fault 9: a request body that trickles in is cut off at the body deadline (408), the connection closed', async (t) => {
    const s = await setup(t, { options: { bodyTimeoutMs: 300 } });
    const net = await import('node:net');
    const { port } = new URL(s.base);
    const socket = net.connect(Number(port), '127.0.0.1');
    t.after(() => socket.destroy());
    const started = Date.now();
    let reply = '';
    const closed = new Promise((resolve) => {
      socket.on('data', (d) => (reply += d.toString('utf8')));
      socket.on('close', resolve);
    });
    socket.write(`POST /api/kpg/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nx-buyer: alice\r\n\r\n{"pro`);
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    t.after(() => clearInterval(drip));
    await closed;
    clearInterval(drip);
    assert.match(reply, /^HTTP\/1\.1 408/);
    assert.match(reply, /body-timeout/);
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  test('session: an unknown order is 404; fault 5: an order of another buyer is 403 before anything is started or shown', async (t) => {
    const s = await setup(t);
    let r = await s.session({ order_id: 'A-9999' });
    assert.deepEqual([r.status, r.json.code], [404, 'unknown-order']);
    // A loadOrder that answers null for an order it does not have (docs/server.md's `return o && {...}` over a
    // database that finds null): the same 404, not a 500 for an invalid order.
    const nulls = await setup(t, { options: { loadOrder: async () => null } });
    const none = await nulls.session({ order_id: 'A-9999' });
    assert.deepEqual([none.status, none.json.code], [404, 'unknown-order']);
    r = await s.session({}, { buyer: 'mallory' });
    assert.deepEqual([r.status, r.json.code], [403, 'forbidden']);
    assert.ok(!r.text.includes('홍길동') && !r.text.includes('buyer01'));
    r = await s.session({}, { buyer: null });
    assert.equal(r.status, 403);
    assert.equal(s.pg.requests.length, 0);
  });

  test('fault 5: authorize must answer exactly true: a forgotten return (undefined), a truthy string or a throw never lets a caller in', async (t) => {
    for (const [name, authorize] of /** @type {Array<[string, () => unknown]>} */ ([['undefined', () => undefined], ['a string', () => 'yes'], ['a promise of 1', async () => 1]])) {
      const s = await setup(t, { options: { authorize } });
      const r = await s.session();
      assert.deepEqual([r.status, r.json.code], [403, 'forbidden'], name);
      assert.equal(s.pg.requests.length, 0, name);
    }
    const s = await setup(t, { options: { authorize: () => { throw new Error('session store down'); } } });
    const r = await s.session();
    assert.equal(r.status, 500);
    assert.equal(s.pg.requests.length, 0);
    // The caller gets the server's fixed answer (JSON, as every error of this API), the shop's log the cause.
    assert.deepEqual([r.json?.code, r.json?.message], ['internal-error', 'Internal error.']);
    assert.ok(!r.text.includes('session store down'), 'the cause is not sent to the browser');
    assert.ok(s.logs.some((l) => l.event === 'error' && l.level === 'error' && l.message === 'session store down' && l.where === '/api/kpg/session'), JSON.stringify(s.logs.filter((l) => l.event === 'error')));
  });

  test('session: an already paid order is 409 already-paid with the order_no that paid', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    await s.approve(orderNo);
    const r = await s.session();
    assert.equal(r.status, 409);
    assert.equal(r.json.code, 'already-paid');
    assert.equal(r.json.order_no, orderNo);
    assert.equal(s.pg.requests.length, 1);
  });

  test('session: PG refusals become 502 with the PG code; the attempt is failed with a fixed buyer text', async (t) => {
    const s = await setup(t);
    s.pg.requestMode = 'refuse';
    let r = await s.session();
    assert.equal(r.status, 502);
    assert.equal(r.json.code, 'pg-refused');
    // The shop's developer reads that the PG said no, and what it said (the buyer reads a fixed text).
    assert.equal(r.json.message, 'The PG refused the payment request: 결제 요청이 거절되었습니다.');
    const orderNo = r.json.order_no;
    const res = (await s.result(orderNo)).json;
    assert.equal(res.status, 'failed');
    assert.equal(res.code, 'pg-refused');
    assert.equal(res.message, '결제를 시작하지 못했습니다. 잠시 후 다시 시도해 주세요.');
    assert.equal(res.pg_message, '결제 요청이 거절되었습니다.');
    s.pg.requestMode = 'unauthorized';
    r = await s.session();
    assert.deepEqual([r.status, r.json.code], [502, 'pg-refused']);
  });

  test('session: malformed PG answers are never taken as success; unreachable and silent PGs are 502 pg-unreachable', HANG_BOUND, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 300 });
    /** What the PG got wrong, for the shop's staff (the failed attempt's pg_message). */
    const said = { garbage: 'The PG answered HTTP 500 without JSON.', 'no-url': 'The PG answered ret_code 0 with a malformed body.', 'script-url': 'redirect_url is not an http(s) URL.' };
    for (const mode of /** @type {const} */ (['garbage', 'no-url', 'script-url'])) {
      s.pg.requestMode = mode;
      const r = await s.session();
      assert.equal(r.status, 502, mode);
      assert.equal(r.json.code, 'pg-bad-response', mode);
      assert.ok(!('redirect_url' in r.json));
      assert.equal((await s.result(r.json.order_no)).json.pg_message, said[mode], mode);
    }
    s.pg.requestMode = 'hang';
    const started = Date.now();
    const r = await s.session();
    assert.deepEqual([r.status, r.json.code], [502, 'pg-unreachable']);
    assert.ok(Date.now() - started < 3000);
    const dead = await setup(t, { apiBase: `${await deadOrigin()}/` });
    assert.equal((await dead.session()).json.code, 'pg-unreachable');
  });

  test('fault 7: a PG text that echoes the key (SPGKEY ...) reaches neither the browser nor a log line', async (t) => {
    const s = await setup(t);
    s.pg.requestMode = 'echo-key';
    const r = await s.session(); // startServer checks the reply for the keys
    assert.equal(r.status, 502);
    assert.match(r.json.message, /SPGKEY \[redacted\]/);
    const failed = await s.result(r.json.order_no);
    assert.match(failed.json.pg_message, /\[redacted\]/);
    s.pg.requestMode = 'ok';
    s.pg.confirmMode = 'echo-key';
    const orderNo = await s.started();
    await s.approve(orderNo);
    const res = (await s.result(orderNo)).json;
    assert.equal(res.status, 'failed');
    assert.equal(res.pg_message, 'SPGKEY [redacted] is not allowed');
    assert.ok(!JSON.stringify(s.logs).includes(PAYMENT_KEY));
    assert.ok(s.logs.some((l) => JSON.stringify(l).includes('[redacted]')));
  });

  test('fault 8: the shop decides the pgcode: nauthcard / bizselpay from the browser are refused unless allowed', async (t) => {
    const s = await setup(t);
    for (const pgcode of ['nauthcard', 'bizselpay']) {
      const r = await s.session({ pgcode });
      assert.deepEqual([r.status, r.json.code, r.json.field], [400, 'invalid-field', 'pgcode'], pgcode);
      // The message lists what the shop does offer, one pgcode from the next.
      assert.match(r.json.message, /^pgcode must be one of [a-z]+(, [a-z]+)+ for this shop\.$/, r.json.message);
    }
    assert.equal(s.pg.requests.length, 0);
    await s.started({ pgcode: 'card' });
    assert.equal(s.pg.requests[0].pgcode, 'card');
    const biz = await setup(t, { pgcodes: ['bizselpay'] });
    await biz.started({});
    assert.equal(biz.pg.requests[0].pgcode, 'bizselpay');
  });

  test('fault 8: installment months are checked against card-list and the amount (12 months on 11,000 won is refused)', async (t) => {
    const s = await setup(t);
    let r = await s.session({ pgcode: 'card', card_cpny_cd: 'S005', install_month: '12' });
    assert.deepEqual([r.status, r.json.field], [400, 'install_month']);
    assert.match(r.json.message, /50000 KRW/);
    r = await s.session({ pgcode: 'card', install_month: '03' });
    assert.deepEqual([r.status, r.json.field], [400, 'card_cpny_cd']);
    r = await s.session({ pgcode: 'card', card_cpny_cd: 'S999' });
    assert.deepEqual([r.status, r.json.field], [400, 'card_cpny_cd']);
    r = await s.session({ pgcode: 'card', card_cpny_cd: 'S009' });
    assert.deepEqual([r.status, r.json.code], [400, 'card-unavailable']);
    assert.equal(s.pg.requests.length, 0);
    // Lump sum on a small order is fine; months on a big one within the card's range too.
    await s.started({ pgcode: 'card', card_cpny_cd: 'S005', install_month: '00' });
    // Lump sum needs no card named in advance: the buyer picks it in Shinhan's window.
    const lump = s.shop.add();
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: lump.order_id, device_type: 2, pgcode: 'card', install_month: '00' });
    assert.equal(r.status, 200, r.text);
    assert.equal(s.pg.requests.at(-1).install_month, '00');
    const big = s.shop.add({ amount: 1200000 });
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: big.order_id, device_type: 2, pgcode: 'card', card_cpny_cd: 'S001', install_month: '07' });
    assert.deepEqual([r.status, r.json.field], [400, 'install_month'], 'BC offers 2-6 months');
    // One month is no installment plan (2 months at least), whatever the card's range says.
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: big.order_id, device_type: 2, pgcode: 'card', card_cpny_cd: 'S001', install_month: '01' });
    assert.deepEqual([r.status, r.json.field, r.json.message], [400, 'install_month', 'Card S001 does not offer 1 months.']);
    // A card whose range lacks its start or its end offers no months: refused, not read as 2 or 12.
    for (const card of ['S006', 'S007']) {
      r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: big.order_id, device_type: 2, pgcode: 'card', card_cpny_cd: card, install_month: '03' });
      assert.deepEqual([r.status, r.json.field, r.json.message], [400, 'install_month', `Card ${card} does not offer 3 months.`], card);
    }
    // Both ends of the card's range are offered: its first month (2) on another order, its last (6) here.
    const first = s.shop.add({ amount: 1200000 });
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: first.order_id, device_type: 2, pgcode: 'card', card_cpny_cd: 'S001', install_month: '02' });
    assert.equal(r.status, 200, r.text);
    assert.equal(s.pg.requests.at(-1).install_month, '02');
    r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: big.order_id, device_type: 2, pgcode: 'card', card_cpny_cd: 'S001', install_month: '06' });
    assert.equal(r.status, 200, r.text);
    assert.equal(s.pg.requests.at(-1).install_month, '06');
    assert.equal(s.pg.cardListCalls, 1, 'card-list is asked once (cached)');
  });

  test('fault 8: a card and months the card list cannot be loaded to check are a 502 saying so; nothing reaches the PG, and the next try asks again', async (t) => {
    const s = await setup(t);
    s.pg.cardListBroken = true;
    let r = await s.session({ pgcode: 'card', card_cpny_cd: 'S005', install_month: '03' });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.json.code, 'pg-bad-response');
    assert.match(r.json.message, /^The card list could not be loaded to check the card: ./);
    assert.equal(s.pg.requests.length, 0);
    s.pg.cardListBroken = false;
    await s.started({ pgcode: 'card', card_cpny_cd: 'S005', install_month: '00' });
    assert.equal(s.pg.cardListCalls, 2, 'a failed card list is not kept');
  });

  test('session: app_scheme becomes app_return_url / app_cancel_url on mobile (issue 12), and nothing on PC', async (t) => {
    const s = await setup(t);
    await s.started({ device_type: 1, app_scheme: 'myshop://' });
    assert.equal(s.pg.requests[0].app_return_url, 'myshop://kpg/return');
    assert.equal(s.pg.requests[0].app_cancel_url, 'myshop://kpg/cancel');
    assert.ok(s.pg.requests[0].app_return_url.length <= 100);
    await s.started({ device_type: 2, app_scheme: 'myshop://' });
    assert.ok(!('app_return_url' in s.pg.requests[1]));
  });

  // ---------------------------------------------------------------------------------------------
  // return_url: confirm and verify
  // ---------------------------------------------------------------------------------------------

  test('return through kpg.fetch where no adapter gives the client\'s address (a Web-standard mount without env.clientIp): confirm sends ip_addr 0.0.0.0, a valid address, never an empty field', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const nonce = (await store().getAttempt(orderNo))?.nonce ?? '';
    const r = await s.kpg.fetch(new Request(`${s.base}/api/kpg/shinhan/return`, { method: 'POST', body: new URLSearchParams({ order_no: orderNo, custom_parameter: nonce, confirm_token: `tok-${orderNo}` }) }));
    assert.equal(r.status, 200, await r.text());
    assert.deepEqual(s.pg.confirms.map((c) => c.ip_addr), ['0.0.0.0']);
    assert.equal((await s.result(orderNo)).json.status, 'paid');
  });

  test('return: a good confirm records paid once; the PC popup gets a closing page; result shows only what the buyer may see', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const r = await s.approve(orderNo);
    assert.equal(r.status, 200);
    assert.equal(r.res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(r.text, /<script>window\.close\(\);<\/script>/);
    // A fixed text for the buyer, should the window stay open.
    assert.match(r.text, /결제 결과를 쇼핑몰 창으로 전달하고 있습니다\. 이 창이 닫히지 않으면 직접 닫아 주세요\./);
    assert.equal(s.pg.confirms.length, 1);
    assert.deepEqual(s.pg.confirms[0], { client_id: CLIENT_ID, order_no: orderNo, confirm_token: `tok-${orderNo}`, ip_addr: '127.0.0.1' });
    const res = await s.result(orderNo);
    assert.equal(res.res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(res.json, {
      status: 'paid',
      order_no: orderNo,
      order_id: s.order.order_id,
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
    const attempt = await store().getAttempt(orderNo);
    assert.equal(attempt?.card_aprv_no, '30001234');
    assert.ok(!res.text.includes(/** @type {string} */ (attempt?.nonce)));
    const transitions = s.logs.filter((l) => l.event === 'transition' && l.order_no === orderNo).map((l) => `${l.transition}:${l.to}`);
    assert.deepEqual(transitions, ['create:pending', 'claim:processing', 'pay:paid']);
  });

  test('return: a lowercase pay_ispt_hash and a JSON body with the document\'s "confinm_token" are accepted', async (t) => {
    const s = await setup(t);
    s.pg.confirmMode = 'lowercase-hash';
    let orderNo = await s.started();
    await s.approve(orderNo);
    assert.equal((await s.result(orderNo)).json.status, 'paid');
    const other = s.shop.add();
    const r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: other.order_id, device_type: 2 });
    orderNo = r.json.order_no;
    await s.call('/api/kpg/shinhan/return', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ order_no: orderNo, custom_parameter: (await store().getAttempt(orderNo))?.nonce, confinm_token: `tok-${orderNo}` }),
    });
    assert.equal((await s.result(orderNo)).json.status, 'paid');
  });

  test('return: a body that is no return (unparseable JSON, JSON that is not an object, a wrong field) is a 400 page for the buyer\'s window and a bad-return refusal, never a 500; the order_no it names is kept when it has one', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    // From an address of its own: the store is shared by this file's tests, and refusals are kept per source.
    const source = '192.0.2.201';
    const post = async (/** @type {string} */ body) => {
      const res = await s.kpg.fetch(new Request(`${s.base}/api/kpg/shinhan/return`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }), { clientIp: source });
      return { status: res.status, text: await res.text() };
    };
    // The last names 100 characters of order_no: kept clipped to 64 (the longest an order_no is).
    const long = `${orderNo}${'x'.repeat(100)}`.slice(0, 100);
    for (const body of ['{"order_no": ', '"order_no"', 'null', '[1]', JSON.stringify({ order_no: orderNo, confirm_token: 5 }), JSON.stringify({ order_no: long, confirm_token: 5 })]) {
      const r = await post(body);
      assert.equal(r.status, 400, `${body}: ${r.text.slice(0, 200)}`);
      assert.match(r.text, /^<!doctype html>/i, `${body}: a page for the buyer's window`);
    }
    const added = (await s.kpg.refusals({ limit: 100_000 })).filter((x) => x.source === source);
    // (one pinned clock: the six refusals share their time, so their order is not compared)
    const seen = added.map((x) => `${x.code} ${x.order_no ?? '-'}`).sort();
    assert.deepEqual(seen, [`bad-return ${orderNo}`, `bad-return ${long.slice(0, 64)}`, ...Array(4).fill('bad-return -')].sort());
    assert.deepEqual([...new Set(added.map((x) => x.message))], ['The return_url body is malformed.']);
    assert.equal((await s.result(orderNo)).json.status, 'pending', 'nothing changed');
  });

  test('return: confirm\'s discount_amount (a card promotion) is read leniently, as digits with commas and blanks, or a number; anything else is no discount', async (t) => {
    const s = await setup(t);
    for (const [said, kept] of /** @type {const} */ ([[' 1,000 ', 1000], [2000, 2000], ['1000원', 0], ['-500', 0]])) {
      s.pg.discount = said;
      const order = s.shop.add();
      const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      assert.equal(started.status, 200, started.text);
      await s.approve(started.json.order_no);
      const view = await s.kpg.cancels(order.order_id);
      assert.deepEqual([view?.status, view?.discount, view?.balance], ['paid', kept, 11000 - kept], JSON.stringify(said));
    }
  });

  test('return: the PG refusing the confirm is failed, with a fixed text for the buyer and the PG\'s words for developers', async (t) => {
    const s = await setup(t);
    s.pg.confirmMode = 'refuse';
    const orderNo = await s.started();
    assert.equal((await s.approve(orderNo)).status, 200);
    const res = (await s.result(orderNo)).json;
    assert.equal(res.status, 'failed');
    assert.equal(res.code, 'confirm-refused');
    assert.equal(res.message, '결제 승인이 거절되었습니다. 다른 카드나 결제수단으로 다시 시도해 주세요.');
    assert.equal(res.pg_message, '승인 거절');
    assert.ok(!('tid' in res));
    assert.equal((await s.session()).status, 200, 'not paid: the buyer may start again');
  });

  test('return: another amount approved (hash valid) is failed, and the money is on the refund_due list', async (t) => {
    const s = await setup(t);
    s.pg.confirmMode = 'bad-amount';
    const orderNo = await s.started();
    await s.approve(orderNo);
    const res = (await s.result(orderNo)).json;
    assert.deepEqual([res.status, res.code], ['failed', 'amount-mismatch']);
    const owed = (await s.kpg.refundsDue()).filter((r) => r.order_no === orderNo);
    assert.equal(owed.length, 1);
    assert.deepEqual([owed[0].amount, owed[0].reason, owed[0].tid], [1000, 'wrong-amount', `T1${orderNo.slice(-6)}`]);
    assert.equal(await s.kpg.resolveRefund('shinhan', owed[0].tid, 'cancelled at Shinhan by staff'), true);
    assert.equal((await s.kpg.refundsDue()).filter((r) => r.order_no === orderNo).length, 0);
  });

  test('return: an untrusted confirm answer (bad hash, another order_no) is unknown, never paid or failed; reconcile settles it from confirm-info', async (t) => {
    for (const mode of /** @type {const} */ (['bad-hash', 'other-order'])) {
      const s = await setup(t);
      s.pg.confirmMode = mode;
      const orderNo = await s.started();
      await s.approve(orderNo);
      assert.equal((await s.result(orderNo)).json.status, 'unknown', mode);
      // The log says why the answer was not trusted.
      const why = s.logs.filter((/** @type {any} */ l) => l.event === 'pg-call' && l.order_no === orderNo && l.outcome === 'unknown').map((/** @type {any} */ l) => l.message);
      assert.deepEqual(why, [mode === 'bad-hash' ? 'pay_ispt_hash does not match: the confirm answer is not trusted.' : 'The PG confirmed a different order_no.'], mode);
      assert.deepEqual([(await s.session()).status, (await s.session()).json.code], [409, 'attempt-in-progress'], mode);
      const report = await s.kpg.reconcile();
      assert.ok(report.settled.some((x) => x.order_no === orderNo && x.to === 'paid'), mode);
      assert.equal((await s.result(orderNo)).json.status, 'paid', mode);
      assert.equal(s.pg.infos.at(-1).order_no, orderNo);
    }
  });

  test('fault 6: a wrong custom_parameter changes nothing (no confirm, still pending); the genuine return that follows is paid', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const forged = await s.postReturn({ order_no: orderNo, custom_parameter: 'forged', confirm_token: `tok-${orderNo}` });
    assert.equal(forged.status, 200);
    await s.postReturn({ order_no: orderNo, confirm_token: `tok-${orderNo}` });
    assert.equal(s.pg.confirms.length, 0);
    assert.equal((await s.result(orderNo)).json.status, 'pending');
    assert.deepEqual((await store().refusals({ orderNo })).map((r) => r.code), ['bad-custom-parameter', 'bad-custom-parameter']);
    await s.approve(orderNo);
    assert.equal((await s.result(orderNo)).json.status, 'paid');
  });

  test('a return with the right custom_parameter but no confirm_token and no account (no tid, bank, due date or amount; no ret_code) is refused no-confirm-token: not a failed account, still pending, and the real return pays', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const nonce = (await store().getAttempt(orderNo))?.nonce ?? '';
    for (const extra of [{}, { tid: ' ', bank_nm: '', vald_dt: '', pay_amt: '' }]) {
      const bare = await s.postReturn({ order_no: orderNo, custom_parameter: nonce, ...extra });
      assert.equal(bare.status, 200, JSON.stringify(extra));
    }
    assert.equal(s.pg.confirms.length, 0);
    assert.deepEqual([(await store().getAttempt(orderNo))?.status, (await s.result(orderNo)).json.status], ['pending', 'pending']);
    assert.deepEqual((await store().refusals({ orderNo })).map((r) => r.code), ['no-confirm-token', 'no-confirm-token']);
    await s.approve(orderNo);
    assert.equal((await s.result(orderNo)).json.status, 'paid');
  });

  test('return: racing copies of one return confirm once, every copy gets its page, the attempt is never marked failed on the way', async (t) => {
    const s = await setup(t);
    s.pg.confirmMode = 'slow';
    const orderNo = await s.started();
    const replies = await Promise.all(Array.from({ length: 8 }, () => s.approve(orderNo)));
    assert.deepEqual(replies.map((r) => r.status), Array(8).fill(200));
    assert.equal(s.pg.confirms.length, 1);
    const res = (await s.result(orderNo)).json;
    assert.equal(res.status, 'paid');
    assert.ok(!('code' in res));
    assert.equal((await store().refusals({ orderNo })).filter((r) => r.code === 'duplicate-return').length, 7);
  });

  test('fault 2: a confirm that times out is unknown, not failed; a new session is refused 409 until reconcile() records the payment from confirm-info', HANG_BOUND, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 300 });
    s.pg.confirmMode = 'hang';
    const orderNo = await s.started();
    const started = Date.now();
    assert.equal((await s.approve(orderNo)).status, 200);
    assert.ok(Date.now() - started < 3000);
    assert.deepEqual((await s.result(orderNo)).json, {
      status: 'unknown', order_no: orderNo, order_id: s.order.order_id, provider: 'shinhan', amount: 11000, product_name: '테스트 상품',
    });
    const again = await s.session();
    assert.deepEqual([again.status, again.json.code, again.json.order_no], [409, 'attempt-in-progress', orderNo]);
    assert.equal(s.pg.requests.length, 1, 'no second payment was started');
    // The cancel/fail URLs cannot end it either.
    await s.call(`/api/kpg/shinhan/fail?order_no=${orderNo}&ret_code=F1`, { buyer: null });
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.settled.filter((x) => x.order_no === orderNo), [{ order_no: orderNo, order_id: s.order.order_id, from: 'unknown', to: 'paid' }]);
    assert.equal((await s.result(orderNo)).json.status, 'paid');
    assert.equal((await s.session()).json.code, 'already-paid');
    assert.equal(s.pg.confirms.length, 1, 'the money moved once');
  });

  test('a confirm answered with HTTP 5xx is unknown too; confirm-info with no data keeps it unknown until the 30-minute confirm window is over', async (t) => {
    let now = Date.parse('2026-11-30T00:00:00Z');
    const s = await setup(t, { options: { now: () => new Date(now) } });
    s.pg.confirmMode = 'error500';
    s.pg.infoMode = 'nodata';
    const orderNo = await s.started();
    await s.approve(orderNo);
    assert.equal((await s.result(orderNo)).json.status, 'unknown');
    await s.kpg.reconcile();
    assert.equal((await s.result(orderNo)).json.status, 'unknown', '"no data" within the window proves nothing');
    s.pg.infoMode = 'refuse';
    now += 31 * 60_000;
    await s.kpg.reconcile();
    assert.equal((await s.result(orderNo)).json.status, 'unknown', 'a refusal (a wrong key?) proves nothing either');
    s.pg.infoMode = 'nodata';
    await s.kpg.reconcile();
    const res = (await s.result(orderNo)).json;
    assert.deepEqual([res.status, res.code], ['failed', 'not-charged']);
    assert.match(res.message, /결제된 금액은 없습니다/);
  });

  test('fault 6: cancel_url / fail_url only note a pending attempt: fixed texts, the caller\'s words never shown, a genuine approval still paid', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const phishing = '카드사 점검중입니다. 010-1234-5678 로 계좌이체 해주세요';
    const r = await s.call(`/api/kpg/shinhan/fail?order_no=${orderNo}&ret_code=F001&ret_msg=${encodeURIComponent(phishing)}`, { buyer: null });
    assert.equal(r.status, 200);
    let res = await s.result(orderNo);
    assert.deepEqual([res.json.status, res.json.code], ['failed', 'F001']);
    assert.ok(!res.text.includes('010-1234-5678'), 'the caller\'s text is never passed on');
    assert.ok(!('pg_message' in res.json));
    assert.equal(res.json.message, '카드사 또는 결제사에서 결제를 승인하지 않았습니다. 다른 카드나 결제수단으로 다시 시도해 주세요.');
    await s.call(`/api/kpg/shinhan/cancel?order_no=${orderNo}`, { buyer: null });
    assert.equal((await s.result(orderNo)).json.reason, 'buyer-cancelled');
    // The buyer's genuine approval still counts.
    await s.approve(orderNo);
    res = await s.result(orderNo);
    assert.equal(res.json.status, 'paid');
    // And nothing changes a paid attempt.
    await s.call(`/api/kpg/shinhan/cancel?order_no=${orderNo}`, { buyer: null });
    await s.call(`/api/kpg/shinhan/fail?order_no=${orderNo}&ret_code=F001`, { buyer: null });
    assert.equal((await s.result(orderNo)).json.status, 'paid');
    assert.deepEqual((await store().refusals({ orderNo })).map((x) => [x.code, x.message]), [
      ['stale-report', 'A browser reported cancelled for an attempt that is paid; ignored.'],
      ['stale-report', 'A browser reported failed for an attempt that is paid; ignored.'],
    ]);
  });

  test('cancel / fail / return with an unknown order_no: a 400 page, recorded', async (t) => {
    const s = await setup(t);
    const nope = uid('nope-');
    assert.equal((await s.call(`/api/kpg/shinhan/cancel?order_no=${nope}`, { buyer: null })).status, 400);
    assert.equal((await s.call(`/api/kpg/shinhan/fail?order_no=${nope}x`, { buyer: null })).status, 400);
    const r = await s.postReturn({ order_no: `${nope}y`, custom_parameter: 'x', confirm_token: 'y' });
    assert.equal(r.status, 400);
    assert.match(r.text, /<html lang="ko">/);
    assert.equal((await store().refusals({ orderNo: nope }))[0].code, 'unknown-order');
    assert.equal((await s.postReturn({ confirm_token: 'x' })).status, 400);
  });

  test('mobile: every return sends the buyer back to return_to with kpg_order_no (replacing one already there)', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started({ device_type: 1, return_to: '/orders/A?done=1&kpg_order_no=old' });
    const r = await s.approve(orderNo);
    assert.equal(r.status, 303);
    assert.equal(r.res.headers.get('location'), `${s.base}/orders/A?done=1&kpg_order_no=${orderNo}`);
    const other = s.shop.add();
    const o2 = (await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: other.order_id, device_type: 1 })).json.order_no;
    const cancelled = await s.call(`/api/kpg/shinhan/cancel?order_no=${o2}`, { buyer: null });
    assert.equal(cancelled.status, 303);
    assert.equal(cancelled.res.headers.get('location'), `${s.base}/?kpg_order_no=${o2}`);
  });

  test('window-closed: a pending Shinhan attempt ends as cancelled popup-closed (owner only); a return that still comes is not confirmed', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    let r = await s.postJson('/api/kpg/result', { order_no: orderNo, event: 'window-closed' }, { buyer: 'mallory' });
    assert.equal(r.status, 403);
    r = await s.postJson('/api/kpg/result', { order_no: orderNo, event: 'closed' });
    assert.deepEqual([r.status, r.json.field], [400, 'event']);
    r = await s.postJson('/api/kpg/result', { order_no: orderNo, event: 'window-closed' });
    assert.equal(r.status, 200);
    assert.deepEqual([r.json.status, r.json.reason], ['cancelled', 'popup-closed']);
    assert.deepEqual(r.json, (await s.result(orderNo)).json, 'it answers what GET result-url answers');
    await s.approve(orderNo);
    assert.equal(s.pg.confirms.length, 0);
    // Refused as a return for an ended attempt, not as a superseded one (its reason is the closed window).
    assert.deepEqual((await store().refusals({ orderNo })).map((x) => [x.code, x.message]), [['duplicate-return', 'Return for an attempt that is cancelled (popup-closed): not confirmed.']]);
    assert.equal((await s.session()).status, 200, 'the buyer can pay again at once');
  });

  test('result: 404 unknown-order, 400 without order_no or with one of the wrong form, 403 for another buyer, no-store', async (t) => {
    const s = await setup(t);
    let r = await s.result('A-1001-unknown');
    assert.deepEqual([r.status, r.json.code, r.res.headers.get('cache-control')], [404, 'unknown-order', 'no-store']);
    r = await s.call('/api/kpg/result');
    assert.deepEqual([r.status, r.json.code, r.json.field], [400, 'missing-field', 'order_no']);
    // One of the wrong form: the 400 says what the field must be.
    r = await s.call(`/api/kpg/result?order_no=${encodeURIComponent('주문-1')}`);
    assert.deepEqual([r.status, r.json.code, r.json.field, r.json.message], [400, 'invalid-field', 'order_no', 'order_no must be 1-64 characters of A-Z a-z 0-9 _ -.']);
    const orderNo = await s.started();
    r = await s.result(orderNo, { buyer: 'mallory' });
    assert.deepEqual([r.status, r.json.code], [403, 'forbidden']);
    assert.ok(!r.text.includes('11000'));
  });

  test('routing: paths outside the base go to next(); wrong methods are 405 with Allow; unknown routes inside are 404 JSON', async (t) => {
    const s = await setup(t);
    let r = await s.call('/index.html');
    assert.equal(r.status, 404);
    assert.equal(r.text, '', 'no next(): the node:http handler answers an empty 404');
    r = await s.call('/api/kpg/other');
    assert.deepEqual([r.status, r.json.code], [404, 'not-found']);
    r = await s.call('/api/kpg/session');
    assert.deepEqual([r.status, r.res.headers.get('allow')], [405, 'POST']);
    r = await s.call('/api/kpg/shinhan/return');
    assert.deepEqual([r.status, r.res.headers.get('allow')], [405, 'POST']);
    r = await s.call('/api/kpg/smartro/retry', { method: 'POST', buyer: null });
    assert.deepEqual([r.status, r.text], [404, 'ERROR unsupported-provider'], 'Smartro is not configured here (RetryURL answers text)');
  });

  test('fault 9: sessions are rate-limited per client (429 + Retry-After), and nothing reaches the PG beyond the limit', async (t) => {
    const s = await setup(t, { options: { rateLimit: { session: { limit: 3, windowMs: 60_000 }, cards: false } } });
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await s.session());
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 429, 429]);
    assert.equal(replies[3].json.code, 'rate-limited');
    assert.ok(Number(replies[3].res.headers.get('retry-after')) >= 1);
    assert.equal(s.pg.requests.length, 3);
  });

  test('fault 10: a restarted server (a new instance on the same database) knows every payment in flight', HANG_BOUND, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 300 });
    s.pg.confirmMode = 'hang';
    const orderNo = await s.started();
    await s.approve(orderNo);
    await s.kpg.close();
    const pg = s.pg;
    const again = await startServer(t, store(), {
      shinhan: { apiBase: `${pg.origin}/`, clientId: CLIENT_ID, paymentApiKey: PAYMENT_KEY, searchApiKey: SEARCH_KEY },
      loadOrder: s.shop.loadOrder,
      authorize: s.shop.authorize,
      reconcileOnStart: true,
    }, { secrets: SECRETS });
    await until(async () => (await store().getAttempt(orderNo))?.status === 'paid', 5000, 'start-up reconcile');
    const r = await again.call(`/api/kpg/result?order_no=${orderNo}`);
    assert.equal(r.json.status, 'paid');
  });
});
