// @ts-check
/**
 * Reference merchant backend (demo/backend/): GET /api/kpg/cards, the proxy for Shinhan's card-list.
 * Run: node --test test/node/backend-cards.test.mjs
 *
 * A fake SPG started here checks the SEARCH key and the query, and answers as each test tells it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMerchantBackend } from '../../demo/backend/index.mjs';
import { answerJson, answerWith, deadOrigin, serve, startBackend } from './helpers.mjs';

const CLIENT_ID = 'kpgtest01';
const PAYMENT_KEY = 'test-payment-key-7f3a9c';
const SEARCH_KEY = 'test-search-key-51bd02';
const MERCHANT_KEY = 'dGVzdC1tZXJjaGFudC1rZXk=';

/** The document's shape, written with odd spacing on purpose: the proxy must pass it on as sent. */
const LIST_TEXT = `{"ret_code":0,  "ret_msg":"OK","list":[
 {"card_cpny_cd":"S001","card_cpny_name":"BC카드","image_url":"/srs/htdocs/publish/images/icon_card_bc.svg","sort_no":1,
  "istl_psbl_amt":50000,"istl_start_mnts":"02","istl_finish_mnts":"12","nintr_yn":"Y","nintr_istl_start_mnts":"02",
  "nintr_istl_finish_mnts":"03","mult_part_nintr_istl_mnts":0,"point_use_yn":"N",
  "notice_list":[{"notice_type":2,"notice_msg":"23시~24시 점검"}],"prmt_list":[]},
 {"card_cpny_cd":"S002","card_cpny_name":"KB국민카드","image_url":"/srs/htdocs/publish/images/icon_card_kb.svg","sort_no":2}
]}`;

/** Some PGs send a one-element "array" as a bare object. Passed on unchanged too. */
const SINGLE_TEXT = '{"ret_code":0,"ret_msg":"OK","list":{"card_cpny_cd":"S003","card_cpny_name":"삼성카드","sort_no":1}}';

/**
 * @typedef {{ url: URL, headers: import('node:http').IncomingHttpHeaders, method: string }} Seen
 * @typedef {import('./helpers.mjs').Answer} Answer
 */

/** @param {import('node:test').TestContext} t */
async function startFakePg(t) {
  const pg = {
    /** @type {Seen[]} */ seen: [],
    /** @type {Answer} */ answer: { body: LIST_TEXT },
    origin: '',
  };
  pg.origin = await serve(t, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://pg.invalid');
    pg.seen.push({ url, headers: req.headers, method: req.method ?? '' });
    if (req.headers.authorization !== `SPGKEY ${SEARCH_KEY}`) {
      return answerJson(res, 401, '{"ret_code":998,"ret_msg":"token is missing or incorrect."}');
    }
    if (req.method !== 'GET' || url.pathname !== '/spg/v1.0/payments/info/card-list') {
      return answerJson(res, 404, '{"ret_code":404,"ret_msg":"no such API"}');
    }
    answerWith(res, pg.answer);
  });
  return pg;
}

/**
 * @param {import('node:test').TestContext} t
 * @param {{ apiBase?: string, searchKey?: string, pgTimeoutMs?: number }} [options]
 */
async function setup(t, options = {}) {
  const pg = await startFakePg(t);
  const backend = createMerchantBackend({
    // A path prefix on the API base must be kept.
    shinhanApiBase: options.apiBase ?? `${pg.origin}/spg/`,
    shinhanClientId: CLIENT_ID,
    shinhanPaymentApiKey: PAYMENT_KEY,
    shinhanSearchApiKey: options.searchKey ?? SEARCH_KEY,
    smartroMerchantKey: MERCHANT_KEY,
    publicBaseUrl: 'http://shop.example',
    pgTimeoutMs: options.pgTimeoutMs,
  });
  const { call } = await startBackend(t, backend, [PAYMENT_KEY, SEARCH_KEY, MERCHANT_KEY]);

  /** @param {string} [query] @param {RequestInit} [init] */
  const cards = (query = '?pgcode=card', init = {}) => call(`/api/kpg/cards${query}`, init);
  return { pg, cards };
}

test('cards: calls card-list with the SEARCH key, client_id and pgcode, and passes the JSON on as sent', async (t) => {
  const s = await setup(t);
  const r = await s.cards();
  assert.equal(r.status, 200);
  assert.equal(r.text, LIST_TEXT, 'byte for byte');
  assert.match(r.res.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
  assert.equal(r.res.headers.get('cache-control'), 'private, max-age=60');
  assert.ok(Array.isArray(r.json.list));
  assert.equal(r.json.list[0].card_cpny_name, 'BC카드');

  assert.equal(s.pg.seen.length, 1);
  const { url, headers, method } = s.pg.seen[0];
  assert.equal(method, 'GET');
  assert.equal(url.pathname, '/spg/v1.0/payments/info/card-list');
  assert.deepEqual(Object.fromEntries(url.searchParams), { client_id: CLIENT_ID, pgcode: 'card' });
  assert.equal(headers.authorization, `SPGKEY ${SEARCH_KEY}`, 'the search key, not the payment key');
});

test('cards: a list sent as a single object is passed on unchanged', async (t) => {
  const s = await setup(t);
  s.pg.answer = { body: SINGLE_TEXT };
  const r = await s.cards('?pgcode=selpay');
  assert.equal(r.status, 200);
  assert.equal(r.text, SINGLE_TEXT);
  assert.equal(r.json.list.card_cpny_name, '삼성카드');
  assert.equal(s.pg.seen[0].url.searchParams.get('pgcode'), 'selpay');
});

test('cards: the PG\'s refusals are passed on with status 200 (the widget shows ret_msg)', async (t) => {
  const s = await setup(t, { searchKey: 'wrong-search-key' });
  const r = await s.cards();
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
  assert.ok(!r.text.includes('wrong-search-key'));

  const ok = await setup(t);
  ok.pg.answer = { status: 200, body: '{"ret_code":301,"ret_msg":"사용할 수 없는 결제수단입니다."}' };
  const refused = await ok.cards();
  assert.equal(refused.status, 200);
  assert.equal(refused.json.ret_msg, '사용할 수 없는 결제수단입니다.');
});

test('cards: pgcode is required and validated; nothing reaches the PG', async (t) => {
  const s = await setup(t);
  let r = await s.cards('');
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'missing-field');
  assert.equal(r.json.field, 'pgcode');
  for (const bad of ['card%26x%3D1', 'abcdefghijk', '', '%ED%95%9C']) {
    r = await s.cards(`?pgcode=${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.json.field, 'pgcode');
  }
  r = await s.cards('?pgcode=card', { method: 'POST' });
  assert.equal(r.status, 405);
  assert.equal(s.pg.seen.length, 0);
});

test('cards: PG unreachable, too slow, not JSON, not an object, or echoing a key -> 502', async (t) => {
  const dead = await setup(t, { apiBase: `${await deadOrigin()}/` });
  let r = await dead.cards();
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-unreachable');
  assert.equal(r.res.headers.get('cache-control'), 'no-store', 'errors are not cached');

  const slow = await setup(t, { pgTimeoutMs: 200 });
  slow.pg.answer = 'hang';
  r = await slow.cards();
  assert.equal(r.status, 502);
  assert.equal(r.json.code, 'pg-unreachable');

  const s = await setup(t);
  /** @type {[Answer, string][]} */
  const cases = [
    [{ status: 500, type: 'text/html', body: '<html>Internal Server Error</html>' }, 'html'],
    [{ body: '{"ret_code":0,' }, 'truncated JSON'],
    [{ body: '[{"card_cpny_cd":"S001"}]' }, 'a bare array'],
    [{ body: 'null' }, 'null'],
    [{ body: `{"ret_code":0,"debug":"SPGKEY ${SEARCH_KEY}"}` }, 'the key echoed'],
  ];
  for (const [answer, label] of cases) {
    s.pg.answer = answer;
    r = await s.cards();
    assert.equal(r.status, 502, label);
    assert.equal(r.json.code, 'pg-bad-response', label);
    assert.equal(typeof r.json.message, 'string');
  }
});
