// @ts-check
/**
 * kpg-checkout/server: Shinhan's card list (cached, rate-limited, keys redacted) and Shinhan receipts (the
 * RECORDED amount and date, the buyer's own payments only), on PGlite and PostgreSQL, against a fake Shinhan
 * PG started here. Issue 10's faults 5, 7 and 9.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { answerJson, forEachEngine, readAll, serve, shopOrders, startServer } from './server-helpers.mjs';

/** A fake PG here can hang on purpose: the server's own PG timeout (set short below) must end it; this bounds the test if it does not. */
const HANG_BOUND = { timeout: 20_000 };

const CLIENT_ID = 'kpgtest01';
const PAYMENT_KEY = 'test-payment-key-7f3a9c';
const SEARCH_KEY = 'test-search-key-51bd02';
const sha256 = (/** @type {string} */ text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** @param {import('node:test').TestContext} t */
async function startFakePg(t) {
  const pg = {
    /** @type {any[]} */ cardCalls: [],
    /** @type {any[]} */ receiptCalls: [],
    /** @type {'ok' | 'object' | 'refuse' | 'garbage' | 'array' | 'echo-key' | 'slow' | 'hang'} */ cards: 'ok',
    /** @type {'ok' | 'refuse' | 'javascript' | 'path' | 'other-host'} */ receipt: 'ok',
    /** The redirect_url the 'other-host' answer carries. */
    receiptUrl: '',
    /** @type {Map<string, any>} */ accepted: new Map(),
    origin: '',
  };
  pg.origin = await serve(t, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://pg.invalid');
    /** @param {number} status @param {unknown} body */
    const answer = (status, body) => answerJson(res, status, body);
    if (url.pathname === '/v1.0/payments/info/card-list') {
      pg.cardCalls.push({ auth: req.headers.authorization, query: Object.fromEntries(url.searchParams) });
      if (req.headers.authorization !== `SPGKEY ${SEARCH_KEY}`) return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
      switch (pg.cards) {
        case 'object': return answer(200, { ret_code: 0, ret_msg: 'OK', list: { card_cpny_cd: 'S001', card_cpny_name: 'BC카드' } });
        case 'refuse': return answer(200, { ret_code: 998, ret_msg: 'there is no data.' });
        case 'garbage': res.writeHead(200); return res.end('<html>');
        case 'array': return answer(200, [1, 2]);
        case 'echo-key': return answer(200, { ret_code: 0, ret_msg: `debug: Authorization SPGKEY ${SEARCH_KEY}`, list: [], key: SEARCH_KEY });
        case 'slow': await new Promise((r) => setTimeout(r, 100)); break;
        case 'hang': return;
      }
      return res.end(JSON.stringify({ ret_code: 0, ret_msg: 'OK', list: [{ card_cpny_cd: 'S001', card_cpny_name: 'BC카드', image_url: '/x.png', sort_no: 1 }] }));
    }
    // This PG has no terms for any pgcode ("there is no data.", the document's error example): with
    // requireTerms on by default (issue 25) a session needs no consent here; server-terms covers terms.
    if (url.pathname === '/v1.0/payments/info/terms-info-list') return answer(401, { ret_code: 998, ret_msg: 'there is no data.' });
    if (url.pathname.startsWith('/v1.0/receipt/info/')) {
      pg.receiptCalls.push({ auth: req.headers.authorization, tid: decodeURIComponent(url.pathname.slice(19)), query: Object.fromEntries(url.searchParams) });
      if (pg.receipt === 'refuse') return answer(200, { ret_code: 942, ret_msg: 'amunt does not match' });
      if (pg.receipt === 'javascript') return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: 'javascript:alert(1)' });
      if (pg.receipt === 'path') return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: '/pgsvc/receipt?id=1' });
      if (pg.receipt === 'other-host') return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: pg.receiptUrl });
      return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: 'https://pg.example/pgsvc/receipt?id=1' });
    }
    const body = JSON.parse((await readAll(req)).toString('utf8'));
    if (url.pathname === '/v1.0/payments/request') {
      pg.accepted.set(body.order_no, body);
      return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: `https://pg.example/pay?t=${body.order_no}` });
    }
    if (url.pathname === '/v1.0/payments/confirm') {
      const r = pg.accepted.get(body.order_no);
      const tid = `tpay_${body.order_no.slice(-10)}`;
      return answer(200, {
        ret_code: 0, ret_msg: 'OK', order_no: body.order_no, amount: r.amount, tid, user_id: r.user_id,
        pay_ispt_hash: sha256(`${r.user_id}${r.amount}${tid}${PAYMENT_KEY}`), tx_date: '2026-11-21 23:59:59', pay_info: [{ card_cpny_cd: 'S001' }],
      });
    }
    answer(404, { ret_code: 904, ret_msg: 'no route' });
  });
  return pg;
}

forEachEngine('kpg-checkout/server: card list and receipts', ({ store }) => {
  /** @param {import('node:test').TestContext} t @param {Record<string, any>} [options] */
  async function setup(t, options = {}) {
    const pg = await startFakePg(t);
    const shop = shopOrders();
    const server = await startServer(t, store(), {
      shinhan: { apiBase: `${pg.origin}/`, clientId: CLIENT_ID, paymentApiKey: PAYMENT_KEY, searchApiKey: SEARCH_KEY },
      loadOrder: shop.loadOrder,
      authorize: shop.authorize,
      pgTimeoutMs: 300,
      rateLimit: false,
      ...options,
    }, { secrets: [PAYMENT_KEY, SEARCH_KEY] });
    /** A paid Shinhan attempt of a fresh order. */
    async function paid() {
      const order = shop.add();
      const s = await server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      const orderNo = s.json.order_no;
      await server.call('/api/kpg/shinhan/return', { method: 'POST', buyer: null, body: new URLSearchParams({ order_no: orderNo, custom_parameter: (await store().getAttempt(orderNo))?.nonce ?? '', confirm_token: 't' }) });
      const attempt = await store().getAttempt(orderNo);
      assert.equal(attempt?.status, 'paid');
      return { order, attempt: /** @type {NonNullable<typeof attempt>} */ (attempt) };
    }
    return { pg, shop, ...server, paid };
  }

  test('cards: card-list with the SEARCH key, client_id and pgcode; the JSON passed on as sent (a single object too), refusals included', async (t) => {
    const s = await setup(t);
    let r = await s.call('/api/kpg/cards?pgcode=card');
    assert.equal(r.status, 200);
    assert.equal(r.text, JSON.stringify({ ret_code: 0, ret_msg: 'OK', list: [{ card_cpny_cd: 'S001', card_cpny_name: 'BC카드', image_url: '/x.png', sort_no: 1 }] }));
    assert.equal(r.res.headers.get('cache-control'), 'private, max-age=60');
    assert.deepEqual(s.pg.cardCalls[0], { auth: `SPGKEY ${SEARCH_KEY}`, query: { client_id: CLIENT_ID, pgcode: 'card' } });
    s.pg.cards = 'object';
    r = await s.call('/api/kpg/cards?pgcode=selpay');
    assert.equal(r.json.list.card_cpny_cd, 'S001');
  });

  test('a session naming a card company is checked against card-list, one answered as a single object too: the company in it makes a session, one not in it is refused', async (t) => {
    const s = await setup(t);
    s.pg.cards = 'object';
    const ok = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add().order_id, device_type: 2, card_cpny_cd: 'S001' });
    assert.equal(ok.status, 200, ok.text);
    const other = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add().order_id, device_type: 2, card_cpny_cd: 'S002' });
    assert.deepEqual([other.status, other.json.code, other.json.field], [400, 'invalid-field', 'card_cpny_cd'], other.text);
  });

  test('cards: pgcode validated and within the shop\'s allow-list; nothing reaches the PG otherwise', async (t) => {
    const s = await setup(t);
    assert.deepEqual([(await s.call('/api/kpg/cards')).status, (await s.call('/api/kpg/cards')).json.field], [400, 'pgcode']);
    assert.equal((await s.call('/api/kpg/cards?pgcode=card%3B1')).status, 400);
    const r = await s.call('/api/kpg/cards?pgcode=nauthcard');
    assert.deepEqual([r.status, r.json.field], [400, 'pgcode'], 'only the pgcodes the shop offers are proxied');
    assert.equal(s.pg.cardCalls.length, 0);
  });

  test('fault 9: the card list is fetched once per TTL, however many visitors ask (and at once)', async (t) => {
    let now = Date.parse('2026-11-30T23:59:00+09:00'); // pinned (test/node/clock.mjs): only durations matter here
    // Not a timeout test: the PG's 100 ms must not run into the file's short pgTimeoutMs on a loaded machine.
    const s = await setup(t, { now: () => new Date(now), cardListTtlMs: 60_000, pgTimeoutMs: 10_000 });
    s.pg.cards = 'slow';
    const replies = await Promise.all(Array.from({ length: 15 }, () => s.call('/api/kpg/cards?pgcode=card')));
    assert.deepEqual([...new Set(replies.map((r) => r.status))], [200]);
    for (let i = 0; i < 5; i++) await s.call('/api/kpg/cards?pgcode=card');
    assert.equal(s.pg.cardCalls.length, 1);
    now += 61_000;
    await s.call('/api/kpg/cards?pgcode=card');
    assert.equal(s.pg.cardCalls.length, 2);
  });

  test('fault 9: card-list requests are rate-limited per client (429 + Retry-After)', async (t) => {
    const s = await setup(t, { rateLimit: { session: false, cards: { limit: 2, windowMs: 60_000 } } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await s.call('/api/kpg/cards?pgcode=card')).status);
    assert.deepEqual(codes, [200, 200, 429, 429]);
  });

  test('cards: a PG that is unreachable, too slow, not JSON or not an object is 502; one that echoes a key is redacted (fault 7); failures are not cached', HANG_BOUND, async (t) => {
    const s = await setup(t);
    for (const [mode, code] of /** @type {const} */ ([['hang', 'pg-unreachable'], ['garbage', 'pg-bad-response'], ['array', 'pg-bad-response']])) {
      s.pg.cards = mode;
      const r = await s.call('/api/kpg/cards?pgcode=card');
      assert.deepEqual([r.status, r.json.code], [502, code], mode);
    }
    s.pg.cards = 'echo-key';
    const r = await s.call('/api/kpg/cards?pgcode=card');
    assert.equal(r.status, 200);
    assert.equal(r.json.key, '[redacted]');
    assert.match(r.json.ret_msg, /SPGKEY \[redacted\]/);
  });

  test('receipt (Shinhan): receipt/info with the search key and the RECORDED amount and date; the browser\'s are ignored', async (t) => {
    const s = await setup(t, { receiptCacheMs: 0 }); // the PG's answer changes below: asked every time
    const { attempt } = await s.paid();
    const r = await s.call(`/api/kpg/receipt?tid=${attempt.tid}&amount=1&tx_ymd=2020-01-01`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { provider: 'shinhan', redirect_url: 'https://pg.example/pgsvc/receipt?id=1' });
    assert.deepEqual(s.pg.receiptCalls[0], { auth: `SPGKEY ${SEARCH_KEY}`, tid: attempt.tid, query: { client_id: CLIENT_ID, amunt: '11000', amount: '11000', tx_ymd: '2026-11-21' } });
    s.pg.receipt = 'path';
    assert.equal((await s.call(`/api/kpg/receipt?tid=${attempt.tid}`)).json.redirect_url, `${s.pg.origin}/pgsvc/receipt?id=1`);
  });

  test('fault 5: a receipt only for the buyer who paid; unknown or unpaid tids 404; a malformed tid 400; PG refusals 502', async (t) => {
    const s = await setup(t);
    const { attempt } = await s.paid();
    // Issue 19, item 6: another buyer's TID is answered like one that does not exist (no existence oracle).
    const denied = await s.call(`/api/kpg/receipt?tid=${attempt.tid}`, { buyer: 'mallory' });
    assert.deepEqual([denied.status, denied.json.code], [404, 'unknown-tid']);
    assert.equal(s.pg.receiptCalls.length, 0, 'not even the PG was asked');
    assert.deepEqual([(await s.call('/api/kpg/receipt?tid=tpay_nope')).status], [404]);
    assert.equal((await s.call('/api/kpg/receipt?tid=%3Cb%3E')).status, 400);
    s.pg.receipt = 'refuse';
    let r = await s.call(`/api/kpg/receipt?tid=${attempt.tid}`);
    assert.deepEqual([r.status, r.json.code], [502, 'pg-refused']);
    s.pg.receipt = 'javascript';
    r = await s.call(`/api/kpg/receipt?tid=${attempt.tid}`);
    assert.deepEqual([r.status, r.json.code], [502, 'pg-bad-response']);
    // Only an absolute http(s) URL or a path from the root of the PG's API base: a scheme-relative URL (with
    // a slash or a backslash) names another host, and a relative path is no path the document gives.
    s.pg.receipt = 'other-host';
    for (const url of ['//evil.example/pgsvc/receipt?id=1', '/\\evil.example/pgsvc/receipt', 'pgsvc/receipt?id=1']) {
      s.pg.receiptUrl = url;
      r = await s.call(`/api/kpg/receipt?tid=${attempt.tid}`);
      assert.deepEqual([r.status, r.json.code], [502, 'pg-bad-response'], url);
    }
  });

  test('receipt (Shinhan): asked of the PG once per TID per receiptCacheMs, the default 30 s and a shop\'s own (item 10)', async (t) => {
    let now = Date.parse('2026-11-30T23:59:00+09:00'); // pinned (test/node/clock.mjs): only durations matter here
    for (const [options, ttl] of /** @type {const} */ ([[{}, 30_000], [{ receiptCacheMs: 5_000 }, 5_000]])) {
      const s = await setup(t, { now: () => new Date(now), ...options });
      const { attempt } = await s.paid();
      const ask = async () => assert.equal((await s.call(`/api/kpg/receipt?tid=${attempt.tid}`)).status, 200);
      await ask();
      await ask();
      now += ttl - 1;
      await ask();
      assert.equal(s.pg.receiptCalls.length, 1, `kept for ${ttl} ms`);
      now += 1;
      await ask();
      assert.equal(s.pg.receiptCalls.length, 2, `asked again after ${ttl} ms`);
    }
  });
});
