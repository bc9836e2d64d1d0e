// @ts-check
/**
 * Issue 25 in the sandbox Shinhan PG: terms-info-list (standard, hostile, none), the selpay user_ci rule and
 * its switch, what payments/request recorded (email_flag, email_addr, mobile_no), escr_yn on return_url, and
 * the probe route that counts what hostile terms would fetch.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startShinhanSandbox } from '../../demo/sandbox/shinhan/server.mjs';
import { STANDARD_TERMS, TERMS_PGCODES } from '../../demo/sandbox/shinhan/terms.mjs';
import { hiddenFields } from './server-helpers.mjs';

const CLIENT_ID = 'kpgdemo01';
const PAYMENT_KEY = 'sandbox-payment-key-0001';
const SEARCH_KEY = 'sandbox-search-key-0001';
const SHOP = 'http://shop.test:8765';
const CI = `${'A'.repeat(86)}==`;
const sha256 = (/** @type {string} */ s) => createHash('sha256').update(s, 'utf8').digest('hex');

/** @type {Awaited<ReturnType<typeof startShinhanSandbox>>} */
let sb;
let seq = 0;
before(async () => {
  sb = await startShinhanSandbox({ port: 0 });
});
after(() => sb.close());

/** @param {string} pgcode @param {string} [key] */
async function terms(pgcode, key = SEARCH_KEY) {
  const res = await fetch(`${sb.origin}/v1.0/payments/info/terms-info-list?client_id=${CLIENT_ID}&pgcode=${pgcode}`, { headers: { authorization: `SPGKEY ${key}` } });
  return { status: res.status, json: await res.json() };
}
/** @param {Record<string, unknown>} body */
async function settings(body) {
  const res = await fetch(`${sb.origin}/__sandbox/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  return res.json();
}
/** @param {Record<string, any>} o */
async function request(o) {
  const body = {
    pgcode: 'card', client_id: CLIENT_ID, user_id: 'buyer01', user_name: '홍길동', order_no: `TR${process.pid}x${++seq}`,
    pay_type: 1, device_type: 2, amount: 11000, product_name: '약관 테스트',
    return_url: `${SHOP}/r`, cancel_url: `${SHOP}/c`, fail_url: `${SHOP}/f`, ...o,
  };
  body.param_ispt_hash = sha256(`${body.client_id}${body.user_id}${body.order_no}${body.pay_type}${body.amount}${PAYMENT_KEY}`);
  const res = await fetch(`${sb.origin}/v1.0/payments/request`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `SPGKEY ${PAYMENT_KEY}` }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json(), body };
}
/** The return_url post after the buyer approves. @param {string} redirectUrl */
async function approve(redirectUrl) {
  const page = await (await fetch(redirectUrl)).text();
  const html = await (await fetch(`${sb.origin}/pgsvc/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce: hiddenFields(page).nonce, choice: 'approve' }) })).text();
  return hiddenFields(html);
}

describe('terms-info-list (issue 25)', () => {
  test('selpay and card have the Korean terms, as HTML fragments numbered 1-3', async () => {
    for (const pgcode of TERMS_PGCODES) {
      const r = await terms(pgcode);
      assert.equal(r.status, 200);
      assert.equal(r.json.ret_code, 0);
      assert.deepEqual(r.json.list.map((/** @type {any} */ t) => [t.terms_no, t.terms_nm]), [
        [1, '전자금융거래 이용약관'],
        [2, '개인정보 수집 및 이용 동의'],
        [3, '개인정보 제3자 제공 동의'],
      ]);
      assert.match(r.json.list[0].terms_ctnt, /^<header class="pgHeader"><h3 class="title">/);
      assert.deepEqual(r.json.list, STANDARD_TERMS);
    }
  });

  test('a pgcode without terms gets the document\'s "there is no data." (401, 998); the search key is required', async () => {
    for (const pgcode of ['nauthcard', 'bizselpay']) {
      const r = await terms(pgcode);
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { ret_code: 998, ret_msg: 'there is no data.' });
    }
    assert.equal((await terms('card', PAYMENT_KEY)).status, 401, 'the payment key does not open a search API');
    assert.equal((await terms('nosuch')).json.ret_code, 913);
  });

  test('the hostile switch serves script, handlers, images, CSS, refresh, form, base, iframe and link; the probe counts requests; reset restores', async () => {
    await settings({ terms: 'hostile' });
    const r = await terms('card');
    const html = r.json.list.map((/** @type {any} */ t) => t.terms_ctnt).join('');
    for (const needle of ['<script>', '<script src=', 'onerror=', 'onmouseover=', '<img src="//', 'background:url(', '@import', '@font-face', 'http-equiv="refresh"', '<form action=', '<base href=', '<iframe', '<link rel="stylesheet"', '<object']) {
      assert.ok(html.includes(needle), `hostile terms lack ${needle}`);
    }
    assert.equal((await (await fetch(`${sb.origin}/__sandbox/probe`)).json()).probes.length, 0);
    await fetch(`${sb.origin}/__sandbox/probe/img`);
    const after = await (await fetch(`${sb.origin}/__sandbox/probe`)).json();
    assert.deepEqual(after.probes, ['img']);
    await settings({ terms: 'none' });
    assert.equal((await terms('selpay')).status, 401);
    await fetch(`${sb.origin}/__sandbox/reset`, { method: 'POST' });
    assert.equal((await terms('selpay')).status, 200);
    assert.equal((await (await fetch(`${sb.origin}/__sandbox/probe`)).json()).probes.length, 0);
  });
});

describe('payments/request: user_ci, buyer contact (issue 25)', () => {
  test('selpay without user_ci is refused naming the field; with it, or with the waiver switch, accepted', async () => {
    const without = await request({ pgcode: 'selpay' });
    assert.equal(without.status, 400);
    assert.equal(without.json.ret_code, 910);
    assert.match(without.json.ret_msg, /user_ci is required for selpay/);
    assert.equal((await request({ pgcode: 'selpay', user_ci: CI })).status, 200);
    assert.equal((await request({ pgcode: 'card' })).status, 200, 'card has no such rule');
    assert.equal((await request({ pgcode: 'selpay', user_ci: `${CI}x` })).json.ret_code, 912, 'user_ci is at most 88');
    await settings({ require_user_ci: false });
    try {
      assert.equal((await request({ pgcode: 'selpay' })).status, 200);
    } finally {
      await settings({ require_user_ci: true });
    }
  });

  test('email_flag, email_addr and mobile_no are recorded and readable from /__sandbox/payments', async () => {
    const r = await request({ email_flag: 'Y', email_addr: 'buyer@example.com', mobile_no: '01012345678' });
    assert.equal(r.status, 200);
    const list = await (await fetch(`${sb.origin}/__sandbox/payments`)).json();
    const p = list.payments.find((/** @type {any} */ x) => x.orderNo === r.body.order_no);
    assert.equal(p.request.email_flag, 'Y');
    assert.equal(p.request.email_addr, 'buyer@example.com');
    assert.equal(p.request.mobile_no, '01012345678');
    assert.equal((await request({ mobile_no: '010123456789' })).json.ret_code, 912, 'mobile_no is 11 for card');
    assert.equal((await request({ email_flag: 'y' })).json.ret_code, 913, 'email_flag is Y or N');
  });
});

describe('escr_yn on return_url (issue 25)', () => {
  test('nothing on a card approval until armed; "Y" when a test arms it', async () => {
    const plain = await request({});
    assert.equal((await approve(plain.json.redirect_url)).escr_yn, undefined);
    await settings({ escr_yn: 'Y' });
    try {
      const armed = await request({});
      const fields = await approve(armed.json.redirect_url);
      assert.equal(fields.escr_yn, 'Y');
      assert.ok(fields.confirm_token);
    } finally {
      await settings({ escr_yn: null });
    }
  });
});
