// @ts-check
/**
 * Tests for the sandbox Smartro PG (demo/sandbox/smartro/).
 * Run: node --test test/node/smartro-sandbox.test.mjs
 *
 * Form bodies are built here as raw bytes (EUC-KR or UTF-8 percent-escapes), the way a browser sends a
 * form with accept-charset, so the charset handling of the two interfaces is really exercised.
 */
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { DAY, kst, tickingClock } from './clock.mjs';
import {
  startSmartroSandbox,
  encryptData,
  signValue,
  encodeEucKr,
  DEFAULT_MERCHANT,
} from '../../demo/sandbox/smartro/server.mjs';

/** One pinned clock (test/node/clock.mjs) for the sandbox and the requests. */
const clock = tickingClock();

const MID = 'kpgtest01m';
const KEY = 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx';
const SHOP = 'http://shop.test:8765';
const RETURN_URL = `${SHOP}/api/kpg/smartro/return`;
const GOODS = '테스트 상품';
/** '테스트 상품' in EUC-KR, percent-encoded as Chromium sends it (pg-docs README). */
const GOODS_EUCKR_ESCAPED = '%C5%D7%BD%BA%C6%AE+%BB%F3%C7%B0';

/** Independent implementations of the two hashes (pg-docs README), so a broken helper is caught. */
const md5hex = (/** @type {string} */ s) => createHash('md5').update(s, 'utf8').digest('hex');
const b64 = (/** @type {string} */ s) => Buffer.from(s, 'utf8').toString('base64');
const myEncryptData = (/** @type {string} */ edi, /** @type {string} */ mid, /** @type {string} */ amt, key = KEY) =>
  b64(md5hex(`${edi}${mid}${amt}${key}`));
const mySignValue = (/** @type {string} */ tid, /** @type {string} */ code, key = KEY) =>
  b64(md5hex(`${tid.slice(0, 10)}${code}${tid.slice(10, 15)}${key}${tid.slice(15, 30)}`));

/** @type {Awaited<ReturnType<typeof startSmartroSandbox>>} */
let sb;
let origin = '';
let seq = 0;
const nextMoid = () => `T${process.pid}x${Date.now()}x${++seq}`;

before(async () => {
  sb = await startSmartroSandbox({ port: 0, retryDelayMs: 20, retryTimeoutMs: 2000, now: clock.now });
  origin = sb.origin;
});
after(async () => {
  await sb.close();
});

// ------------------------------------------------------------------------------------------- helpers

/**
 * Encodes text as a browser does for a form with this accept-charset: bytes in the charset, and for
 * EUC-KR a character it cannot hold becomes the literal text `&#NNNN;`.
 * @param {string} text @param {'euc-kr' | 'utf-8'} charset
 * @returns {number[]}
 */
function browserBytes(text, charset) {
  if (charset === 'utf-8') return [...Buffer.from(text, 'utf8')];
  /** @type {number[]} */
  const out = [];
  for (const ch of text) {
    const b = encodeEucKr(ch);
    if (b) out.push(...b);
    else out.push(...Buffer.from(`&#${ch.codePointAt(0)};`, 'latin1'));
  }
  return out;
}

/** application/x-www-form-urlencoded byte serialiser (WHATWG). @param {number[]} bytes */
function pct(bytes) {
  let s = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9*\-._]/.test(c)) s += c;
    else if (b === 0x20) s += '+';
    else s += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return s;
}

/**
 * A form body as bytes, as a browser sends it.
 * @param {Record<string, string>} fields @param {'euc-kr' | 'utf-8'} charset
 */
function formBody(fields, charset) {
  return Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => `${pct(browserBytes(k, charset))}=${pct(browserBytes(v, charset))}`)
      .join('&'),
    'latin1',
  );
}

/** yyyyMMddHHmmss, Korea time, on that clock. */
const ediNow = () => kst.compact(clock.now());

/**
 * A valid request (EncryptData computed over the final ediDate/MID/Amt unless given).
 * @param {Record<string, string | undefined>} [overrides] undefined removes a field
 * @param {{ mobile?: boolean }} [opts]
 */
function requestFields(overrides = {}, { mobile = false } = {}) {
  /** @type {Record<string, string | undefined>} */
  const f = {
    PayMethod: 'CARD',
    GoodsCnt: '1',
    GoodsName: GOODS,
    Amt: '11000',
    Moid: nextMoid(),
    MID,
    ReturnURL: RETURN_URL,
    mallUserID: 'buyer01',
    BuyerName: '홍길동',
    BuyerTel: '01012345678',
    BuyerEmail: 'buyer@example.com',
    ediDate: ediNow(),
    MallResultFWD: 'Y',
    TransType: '0',
    OpenType: 'KR',
    MallReserved: 'order=42',
    ...(mobile ? { StopURL: `${SHOP}/api/kpg/smartro/stop?order_no=X1` } : {}),
    ...overrides,
  };
  if (!('EncryptData' in overrides)) f.EncryptData = myEncryptData(f.ediDate ?? '', f.MID ?? '', f.Amt ?? '');
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v;
  return out;
}

const PC = '/interfaceURL.jsp';
const MOBILE = '/pay/interfaceURL';

/** @param {string} path @param {Buffer} body */
async function postRaw(path, body, contentType = 'application/x-www-form-urlencoded') {
  const res = await fetch(origin + path, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/**
 * Posts a request to the PC (EUC-KR) or mobile (UTF-8) interface, encoded as the right page would.
 * @param {Record<string, string>} fields @param {{ mobile?: boolean, charset?: 'euc-kr' | 'utf-8' }} [opts]
 */
function openPayment(fields, { mobile = false, charset } = {}) {
  return postRaw(mobile ? MOBILE : PC, formBody(fields, charset ?? (mobile ? 'utf-8' : 'euc-kr')));
}

/** Decodes the entities pages.mjs produces. @param {string} s */
const unescapeHtml = (s) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Text of the element with this id (no nested tags). @param {string} html @param {string} id */
function textById(html, id) {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  return m ? unescapeHtml(m[1]) : null;
}

/** @param {string} html */
function errorCode(html) {
  return textById(html, 'error-code');
}

/** @param {string} html */
function nonceOf(html) {
  const m = /name="nonce" value="([^"]+)"/.exec(html);
  assert.ok(m, 'payment page has a nonce field');
  return m[1];
}

/** @param {string} nonce @param {string} choice */
async function decide(nonce, choice) {
  const res = await fetch(`${origin}/pay/decide`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ nonce, choice }).toString(),
  });
  return { status: res.status, html: await res.text() };
}

/**
 * The result form of a decision page.
 * @param {string} html
 */
function resultForm(html) {
  const f = /<form id="result-form"[^>]*>/.exec(html);
  assert.ok(f, 'page has the result form');
  const attr = (/** @type {string} */ name) => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(f[0]);
    return m ? unescapeHtml(m[1]) : null;
  };
  /** @type {Record<string, string>} */
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  }
  return { action: attr('action'), method: attr('method'), acceptCharset: attr('accept-charset'), fields };
}

/**
 * What a receiver gets when the browser submits the form: the body bytes in accept-charset, then decoded
 * the way the merchant backend does (percent-escapes -> bytes -> UTF-8 if valid, else EUC-KR).
 * @param {ReturnType<typeof resultForm>} form
 */
function submitAndReceive(form) {
  const charset = form.acceptCharset === 'utf-8' ? 'utf-8' : 'euc-kr';
  const body = formBody(form.fields, /** @type {'euc-kr' | 'utf-8'} */ (charset)).toString('latin1');
  return { body, fields: receiveForm(body) };
}

/** @param {string} body form-urlencoded (ASCII) @returns {Record<string, string>} */
function receiveForm(body) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const part of body.split('&')) {
    const [k, v = ''] = part.split('=');
    out[decodePct(k)] = decodePct(v);
  }
  return out;
}

/** @param {string} s */
function decodePct(s) {
  const bytes = Buffer.from(
    s.replace(/\+/g, ' ').replace(/%([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('euc-kr').decode(bytes);
  }
}

/**
 * Opens a payment and decides it.
 * @param {Record<string, string>} fields @param {string} choice @param {{ mobile?: boolean }} [opts]
 */
async function pay(fields, choice, opts = {}) {
  const page = await openPayment(fields, opts);
  assert.equal(page.status, 200, page.html);
  const d = await decide(nonceOf(page.html), choice);
  assert.equal(d.status, 200, d.html);
  return { page, decision: d, form: resultForm(d.html) };
}

/** @param {string} path @param {unknown} body @param {Record<string, string>} [headers] */
async function postJson(path, body, headers = {}) {
  const res = await fetch(origin + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: /** @type {any} */ (await res.json()) };
}

/** @param {string} tid */
const receipt = (tid, apikey = KEY, mid = MID) => postJson('/receipt', { mid, tid }, apikey === null ? {} : { apikey });

async function listPayments() {
  const res = await fetch(`${origin}/__sandbox/payments`);
  return /** @type {{ payments: any[] }} */ (await res.json()).payments;
}

// ------------------------------------------------------------------------------------------- helpers of the module

describe('exported helpers', () => {
  test('encryptData and signValue follow the documented formulas (md5 hex string, base64)', () => {
    assert.equal(
      encryptData({ ediDate: '20240101120000', mid: MID, amt: '11000', merchantKey: KEY }),
      myEncryptData('20240101120000', MID, '11000'),
    );
    assert.equal(encryptData({ ediDate: '20240101120000', mid: MID, amt: '11000', merchantKey: KEY }).length, 44);
    const tid = `${MID}0101240101120000` + '1234';
    assert.equal(signValue({ tid, resultCode: '3001', merchantKey: KEY }), mySignValue(tid, '3001'));
  });

  test('encodeEucKr encodes KS X 1001 text and returns null for what EUC-KR cannot hold', () => {
    assert.equal(Buffer.from(/** @type {Uint8Array} */ (encodeEucKr(GOODS))).toString('hex'), 'c5d7bdbac6ae20bbf3c7b0');
    assert.equal(Buffer.from(/** @type {Uint8Array} */ (encodeEucKr('A1 가'))).toString('hex'), '413120b0a1');
    assert.equal(encodeEucKr('😀'), null);
    assert.equal(encodeEucKr('가\u0080'), null);
    assert.equal(DEFAULT_MERCHANT.mid, MID);
    assert.equal(DEFAULT_MERCHANT.merchantKey, KEY);
  });
});

// ------------------------------------------------------------------------------------------- interfaces and charsets

describe('payment interface: charsets', () => {
  test('EUC-KR body on the PC URL shows the Hangul intact', async () => {
    const r = await openPayment(requestFields());
    assert.equal(r.status, 200, r.html);
    assert.match(r.headers.get('content-type') ?? '', /text\/html; charset=utf-8/);
    assert.equal(r.headers.get('x-frame-options'), null);
    assert.match(r.html, /<html lang="ko">/);
    assert.match(r.html, /<meta charset="utf-8">/);
    assert.equal(textById(r.html, 'goods-name'), GOODS);
    assert.equal(textById(r.html, 'buyer-name'), '홍길동');
    assert.equal(textById(r.html, 'amount'), '11,000원');
    assert.equal(textById(r.html, 'pay-method'), 'CARD');
    assert.equal(textById(r.html, 'interface'), 'PC');
    assert.equal(textById(r.html, 'charset'), 'EUC-KR');
    for (const id of ['approve', 'cancel', 'fail']) assert.match(r.html, new RegExp(`<button[^>]*id="${id}"`));
    assert.equal(textById(r.html, 'approve'), '승인');
    assert.equal(textById(r.html, 'cancel'), '취소');
    assert.equal(textById(r.html, 'fail'), '실패 (테스트)');
    assert.match(r.html, /<form method="post" action="\/pay\/decide"/);
  });

  test('the same text as UTF-8 on the PC URL shows mojibake, not the original', async () => {
    const r = await openPayment(requestFields({ BuyerName: '홍길동' }), { charset: 'utf-8' });
    assert.equal(r.status, 200, r.html); // 16 bytes, within 80: not refused, just garbled
    const shown = textById(r.html, 'goods-name');
    assert.ok(shown);
    assert.notEqual(shown, GOODS);
    assert.ok(!shown.includes('테스트'), shown);
    assert.ok(!shown.includes('상품'), shown);
    assert.ok(shown.includes('\uFFFD'), 'invalid EUC-KR bytes show as replacement characters');
    assert.notEqual(textById(r.html, 'buyer-name'), '홍길동');
    assert.equal(textById(r.html, 'charset'), 'EUC-KR');
  });

  test('UTF-8 on the mobile URL is intact (and EUC-KR there is garbled)', async () => {
    const r = await openPayment(requestFields({}, { mobile: true }), { mobile: true });
    assert.equal(r.status, 200, r.html);
    assert.equal(textById(r.html, 'goods-name'), GOODS);
    assert.equal(textById(r.html, 'interface'), 'mobile');
    assert.equal(textById(r.html, 'charset'), 'UTF-8');
    const wrong = await openPayment(requestFields({}, { mobile: true }), { mobile: true, charset: 'euc-kr' });
    assert.equal(wrong.status, 200, wrong.html);
    assert.notEqual(textById(wrong.html, 'goods-name'), GOODS);
  });

  test('a literal &#128512; (what the browser sends for an emoji in EUC-KR) stays literal', async () => {
    const fields = requestFields({ GoodsName: '테스트😀' });
    const body = formBody(fields, 'euc-kr');
    assert.ok(body.toString('latin1').includes('%26%23128512%3B'), 'the browser sends &#128512; as text');
    const r = await postRaw(PC, body);
    assert.equal(r.status, 200, r.html);
    assert.equal(textById(r.html, 'goods-name'), '테스트&#128512;');
    assert.ok(r.html.includes('테스트&amp;#128512;'));
    assert.ok(!r.html.includes('😀'));
  });

  test('values are HTML-escaped', async () => {
    const r = await openPayment(requestFields({ GoodsName: '<img src=x onerror=alert(1)>', BuyerName: '"김&이"' }));
    assert.equal(r.status, 200, r.html);
    assert.ok(!r.html.includes('<img src=x'));
    assert.ok(r.html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal(textById(r.html, 'buyer-name'), '"김&이"');
  });
});

describe('payment interface: validation', () => {
  for (const field of ['MID', 'Moid', 'Amt', 'GoodsName', 'EncryptData', 'ediDate', 'ReturnURL']) {
    test(`missing ${field} is refused (absent and empty)`, async () => {
      for (const value of [undefined, '']) {
        const r = await openPayment(requestFields({ [field]: value }));
        assert.equal(r.status, 400, `${field}=${value}: ${r.html}`);
        assert.equal(errorCode(r.html), 'E110');
        assert.ok((textById(r.html, 'error-message') ?? '').includes(field));
        assert.match(r.html, /<html lang="ko">/);
      }
    });
  }

  test('StopURL is required on mobile only', async () => {
    const mobile = await openPayment(requestFields({ StopURL: undefined }, { mobile: true }), { mobile: true });
    assert.equal(mobile.status, 400, mobile.html);
    assert.equal(errorCode(mobile.html), 'E110');
    assert.ok((textById(mobile.html, 'error-message') ?? '').includes('StopURL'));
    const pc = await openPayment(requestFields({ StopURL: undefined }));
    assert.equal(pc.status, 200, pc.html);
  });

  test('GoodsName: 40 Hangul syllables = 80 EUC-KR bytes accepted on PC, 41 refused', async () => {
    const ok = await openPayment(requestFields({ GoodsName: '가'.repeat(40) }));
    assert.equal(ok.status, 200, ok.html);
    assert.equal(textById(ok.html, 'goods-name'), '가'.repeat(40));
    const bad = await openPayment(requestFields({ GoodsName: '가'.repeat(41) }));
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad.html), 'E111');
    assert.ok((textById(bad.html, 'error-message') ?? '').includes('82'));
    // 80 ASCII characters are 80 bytes too
    assert.equal((await openPayment(requestFields({ GoodsName: 'a'.repeat(80) }))).status, 200);
    assert.equal((await openPayment(requestFields({ GoodsName: 'a'.repeat(81) }))).status, 400);
  });

  test('GoodsName on mobile: 26 syllables = 78 UTF-8 bytes accepted, 27 = 81 refused', async () => {
    const ok = await openPayment(requestFields({ GoodsName: '가'.repeat(26) }, { mobile: true }), { mobile: true });
    assert.equal(ok.status, 200, ok.html);
    const bad = await openPayment(requestFields({ GoodsName: '가'.repeat(27) }, { mobile: true }), { mobile: true });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad.html), 'E111');
    // 40 syllables fit on PC (80 bytes) but not on mobile (120 bytes)
    const forty = await openPayment(requestFields({ GoodsName: '가'.repeat(40) }, { mobile: true }), { mobile: true });
    assert.equal(forty.status, 400);
  });

  test('BuyerName (30 bytes), mallUserID (10 PC / 20 mobile), MallReserved (500) at the edge', async () => {
    assert.equal((await openPayment(requestFields({ BuyerName: '가'.repeat(15) }))).status, 200);
    assert.equal(errorCode((await openPayment(requestFields({ BuyerName: '가'.repeat(16) }))).html), 'E111');
    const m = { mobile: true };
    assert.equal((await openPayment(requestFields({ BuyerName: '가'.repeat(10) }, m), m)).status, 200);
    assert.equal((await openPayment(requestFields({ BuyerName: '가'.repeat(11) }, m), m)).status, 400);
    assert.equal((await openPayment(requestFields({ mallUserID: 'u'.repeat(10) }))).status, 200);
    assert.equal((await openPayment(requestFields({ mallUserID: 'u'.repeat(11) }))).status, 400);
    assert.equal((await openPayment(requestFields({ mallUserID: 'u'.repeat(20) }, m), m)).status, 200);
    assert.equal((await openPayment(requestFields({ mallUserID: 'u'.repeat(21) }, m), m)).status, 400);
    assert.equal((await openPayment(requestFields({ MallReserved: 'r'.repeat(500) }))).status, 200);
    assert.equal((await openPayment(requestFields({ MallReserved: 'r'.repeat(501) }))).status, 400);
    assert.equal((await openPayment(requestFields({ BuyerEmail: `${'e'.repeat(48)}@example.com` }))).status, 200);
    assert.equal((await openPayment(requestFields({ BuyerEmail: `${'e'.repeat(49)}@example.com` }))).status, 400);
  });

  test('Moid: up to 64 letters/digits; ReturnURL up to 200 bytes', async () => {
    assert.equal((await openPayment(requestFields({ Moid: 'A'.repeat(64) }))).status, 200);
    assert.equal(errorCode((await openPayment(requestFields({ Moid: 'A'.repeat(65) }))).html), 'E111');
    const dash = await openPayment(requestFields({ Moid: 'ORDER-1' }));
    assert.equal(dash.status, 400);
    assert.equal(errorCode(dash.html), 'E112');
    const url200 = `${SHOP}/r?x=${'a'.repeat(200 - `${SHOP}/r?x=`.length)}`;
    assert.equal(url200.length, 200);
    assert.equal((await openPayment(requestFields({ ReturnURL: url200 }))).status, 200);
    assert.equal(errorCode((await openPayment(requestFields({ ReturnURL: `${url200}a` }))).html), 'E111');
    assert.equal(errorCode((await openPayment(requestFields({ ReturnURL: 'javascript:alert(1)' }))).html), 'E112');
  });

  test('formats: Amt digits, ediDate yyyyMMddHHmmss, Y/N flags, EncodingType, PayMethod', async () => {
    /** @type {Record<string, string>[]} */
    const bad = [
      { Amt: '11,000' },
      { Amt: '0' },
      { Amt: '1'.repeat(13) },
      { ediDate: '2024010112000' },
      { ediDate: '20241301120000' },
      { MallResultFWD: 'y' },
      { EncodingType: 'UTF-8' },
      { UrlEncode: 'YES' },
      { URLEncode: 'X' },
      { PayMethod: 'PAYPAL' },
    ];
    for (const o of bad) {
      const r = await openPayment(requestFields(o));
      assert.equal(r.status, 400, JSON.stringify(o));
      assert.ok(['E111', 'E112'].includes(/** @type {string} */ (errorCode(r.html))), JSON.stringify(o));
    }
    for (const PayMethod of ['CARD', 'BANK', 'VBANK', 'CELLPHONE']) {
      const r = await openPayment(requestFields({ PayMethod }));
      assert.equal(r.status, 200, PayMethod);
      assert.equal(textById(r.html, 'pay-method'), PayMethod);
    }
  });

  test('wrong EncryptData is refused (위·변조 검증값 오류)', async () => {
    const fields = requestFields();
    /** @type {Record<string, string>[]} */
    const wrongs = [
      { EncryptData: 'x' + fields.EncryptData.slice(1) },
      // base64 of the raw digest instead of the hex string
      {
        EncryptData: createHash('md5')
          .update(`${fields.ediDate}${MID}${fields.Amt}${KEY}`)
          .digest('base64'),
      },
      // amount changed after hashing
      { Amt: '1000', EncryptData: fields.EncryptData },
      // key that is not this MID's
      { EncryptData: myEncryptData(fields.ediDate, MID, fields.Amt, 'another-key') },
    ];
    for (const w of wrongs) {
      const r = await openPayment({ ...fields, ...w });
      assert.equal(r.status, 403, r.html);
      assert.equal(errorCode(r.html), 'E121');
      assert.ok((textById(r.html, 'error-title') ?? '').includes('위·변조 검증값 오류'));
    }
    assert.equal((await openPayment(fields)).status, 200);
  });

  test('unknown MID is refused', async () => {
    const r = await openPayment(requestFields({ MID: 'nosuchmid1' }));
    assert.equal(r.status, 403);
    assert.equal(errorCode(r.html), 'E120');
  });

  test('only form posts are accepted', async () => {
    const r = await postRaw(PC, Buffer.from('{}'), 'application/json');
    assert.equal(r.status, 415);
    assert.equal(errorCode(r.html), 'E100');
    const get = await fetch(origin + PC);
    assert.equal(get.status, 405);
  });
});

// ------------------------------------------------------------------------------------------- decisions and results

describe('decision and result form', () => {
  test('approve posts a form to ReturnURL whose SignValue verifies (EUC-KR by default)', async () => {
    const fields = requestFields();
    const { form, decision } = await pay(fields, 'approve');
    assert.equal(form.action, RETURN_URL);
    assert.equal(form.method, 'post');
    assert.equal(form.acceptCharset, 'euc-kr');
    assert.match(decision.html, /document\.getElementById\('result-form'\)\.submit\(\)/);
    assert.match(decision.html, /<noscript><button type="submit"/);
    assert.match(decision.html, /<meta charset="utf-8">/);
    const f = form.fields;
    assert.equal(f.ResultCode, '3001');
    assert.ok(f.ResultMsg);
    assert.match(f.TID, new RegExp(`^${MID}0101\\d{12}\\d{4}$`));
    assert.equal(f.TID.length, 30);
    assert.match(f.AuthDate, /^\d{12}$/);
    assert.equal(f.TID.slice(14, 26), f.AuthDate);
    assert.match(f.AuthCode, /^\d{8}$/);
    assert.equal(f.SignValue, mySignValue(f.TID, '3001'));
    assert.equal(f.PayMethod, 'CARD');
    assert.equal(f.MID, MID);
    assert.equal(f.Amt, '11000');
    assert.equal(f.OID, fields.Moid);
    assert.equal(f.GoodsName, GOODS);
    assert.equal(f.BuyerName, '홍길동');
    assert.equal(f.fn_cd, '04');
    assert.equal(f.fn_name, '삼성카드');
    assert.equal(f.CardQuota, '00');
    assert.equal(f.MallReserved, 'order=42');
    // the browser sends it in EUC-KR; the receiver gets the text back
    const sent = submitAndReceive(form);
    assert.ok(sent.body.includes(`GoodsName=${GOODS_EUCKR_ESCAPED}`), sent.body);
    assert.equal(sent.fields.GoodsName, GOODS);
    assert.equal(sent.fields.SignValue, mySignValue(sent.fields.TID, '3001'));
  });

  test('EncodingType=utf8 makes the result form UTF-8', async () => {
    const { form } = await pay(requestFields({ EncodingType: 'utf8' }), 'approve');
    assert.equal(form.acceptCharset, 'utf-8');
    const sent = submitAndReceive(form);
    assert.ok(sent.body.includes(`GoodsName=${encodeURIComponent(GOODS).replace(/%20/g, '+')}`), sent.body);
    assert.equal(sent.fields.GoodsName, GOODS);
  });

  test('success codes by PayMethod: BANK 4000, VBANK 4100', async () => {
    for (const [PayMethod, code, svc] of [['BANK', '4000', '02'], ['VBANK', '4100', '03']]) {
      const { form } = await pay(requestFields({ PayMethod }), 'approve');
      assert.equal(form.fields.ResultCode, code);
      assert.equal(form.fields.TID.slice(10, 14), `${svc}01`);
      assert.equal(form.fields.SignValue, mySignValue(form.fields.TID, code));
    }
  });

  test('UrlEncode=Y percent-encodes each value once more (receiver decodes twice)', async () => {
    /** @type {[string, string | undefined, string, string][]} flag, EncodingType, accept-charset, GoodsName in the form */
    const cases = [
      ['UrlEncode', undefined, 'euc-kr', GOODS_EUCKR_ESCAPED],
      ['URLEncode', 'utf8', 'utf-8', '%ED%85%8C%EC%8A%A4%ED%8A%B8+%EC%83%81%ED%92%88'],
    ];
    for (const [flag, encoding, charset, escaped] of cases) {
      const { form } = await pay(requestFields({ [flag]: 'Y', EncodingType: encoding }), 'approve');
      assert.equal(form.acceptCharset, charset);
      assert.equal(form.fields.GoodsName, escaped, flag);
      assert.equal(form.fields.BuyerName, charset === 'euc-kr' ? '%C8%AB%B1%E6%B5%BF' : '%ED%99%8D%EA%B8%B8%EB%8F%99');
      const once = submitAndReceive(form).fields;
      assert.equal(once.GoodsName, escaped, 'after one decoding the value is still percent-encoded');
      const twice = Object.fromEntries(Object.entries(once).map(([k, v]) => [k, decodePct(v)]));
      assert.equal(twice.GoodsName, GOODS);
      assert.equal(twice.MallReserved, 'order=42');
      assert.equal(twice.SignValue, mySignValue(twice.TID, '3001'));
    }
    const plain = await pay(requestFields({ UrlEncode: 'N' }), 'approve');
    assert.equal(plain.form.fields.GoodsName, GOODS);
  });

  test('MallResultFWD=N (or absent) shows the result screen first', async () => {
    for (const flag of ['N', undefined]) {
      const { form, decision } = await pay(requestFields({ MallResultFWD: flag }), 'approve');
      assert.match(decision.html, /<button type="submit" id="result-confirm"/);
      assert.ok(!decision.html.includes('.submit()'), 'not submitted automatically');
      assert.equal(form.action, RETURN_URL);
      assert.equal(form.fields.ResultCode, '3001');
      assert.equal(textById(decision.html, 'result-tid'), form.fields.TID);
    }
    const fwd = await pay(requestFields({ MallResultFWD: 'Y' }), 'approve');
    assert.ok(!fwd.decision.html.includes('id="result-confirm"'));
    // a decline is a result too (screen first); the buyer's own cancel goes straight back
    const declined = await pay(requestFields({ MallResultFWD: 'N' }), 'fail');
    assert.match(declined.decision.html, /id="result-confirm"/);
    assert.equal(declined.form.fields.ResultCode, '3011');
    const cancelled = await pay(requestFields({ MallResultFWD: 'N' }), 'cancel');
    assert.ok(!cancelled.decision.html.includes('id="result-confirm"'));
    assert.match(cancelled.decision.html, /\.submit\(\)/);
  });

  test('cancel: PC posts C001 to ReturnURL, mobile posts to StopURL with Moid', async () => {
    const pcFields = requestFields();
    const pc = await pay(pcFields, 'cancel');
    assert.equal(pc.form.action, RETURN_URL);
    assert.equal(pc.form.fields.ResultCode, 'C001');
    assert.equal(pc.form.fields.ResultMsg, '사용자 취소');
    assert.equal(pc.form.fields.OID, pcFields.Moid);
    assert.match(pc.decision.html, /\.submit\(\)/);

    const mFields = requestFields({}, { mobile: true });
    const mobile = await pay(mFields, 'cancel', { mobile: true });
    assert.equal(mobile.form.action, mFields.StopURL);
    assert.equal(mobile.form.method, 'post');
    assert.equal(mobile.form.fields.Moid, mFields.Moid);
    assert.equal(mobile.form.fields.ResultCode, 'C001');
    assert.equal(mobile.form.acceptCharset, 'euc-kr');
  });

  test('decline: 3011 카드 승인 거절 to ReturnURL on PC and mobile', async () => {
    const pc = await pay(requestFields(), 'fail');
    assert.equal(pc.form.action, RETURN_URL);
    assert.equal(pc.form.fields.ResultCode, '3011');
    assert.equal(pc.form.fields.ResultMsg, '카드 승인 거절');
    const mFields = requestFields({}, { mobile: true });
    const mobile = await pay(mFields, 'fail', { mobile: true });
    assert.equal(mobile.form.action, RETURN_URL);
    assert.equal(mobile.form.fields.ResultCode, '3011');
    assert.equal(mobile.form.fields.OID, mFields.Moid);
  });

  test('a Moid that was approved cannot be paid again (승인 TID 중복); deciding twice is refused', async () => {
    const fields = requestFields();
    const page = await openPayment(fields);
    // a second tab / refresh before approval is fine
    const page2 = await openPayment(fields);
    assert.equal(page2.status, 200);
    const nonce = nonceOf(page.html);
    assert.equal((await decide(nonce, 'approve')).status, 200);
    const again = await decide(nonce, 'approve');
    assert.equal(again.status, 409);
    assert.equal(errorCode(again.html), 'E142');
    // refresh / Back re-posts the request
    const dup = await openPayment(fields);
    assert.equal(dup.status, 409);
    assert.equal(errorCode(dup.html), 'E130');
    assert.ok((textById(dup.html, 'error-title') ?? '').includes('승인 TID 중복'));
    // the second tab opened before the approval cannot approve either
    const tab2 = await decide(nonceOf(page2.html), 'approve');
    assert.equal(tab2.status, 409);
    assert.equal(errorCode(tab2.html), 'E130');
    // a cancelled Moid may be tried again
    const c = requestFields();
    await pay(c, 'cancel');
    assert.equal((await openPayment(c)).status, 200);
    // unknown nonce / choice
    assert.equal((await decide('nope', 'approve')).status, 404);
    assert.equal((await decide(nonceOf((await openPayment(requestFields())).html), 'maybe')).status, 400);
  });
});

// ------------------------------------------------------------------------------------------- RetryURL

describe('RetryURL notification', () => {
  /** @type {http.Server} */
  let server;
  let retryUrl = '';
  /** @type {{ headers: http.IncomingHttpHeaders, body: string }[]} */
  let received = [];
  /** @type {string[]} answers to give, in order; the last one repeats */
  let answers = ['OK'];

  before(async () => {
    server = http.createServer((req, res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('latin1') });
        const answer = answers[Math.min(received.length - 1, answers.length - 1)];
        res.writeHead(answer.startsWith('500') ? 500 : 200, { 'content-type': 'text/plain' });
        res.end(answer);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
    retryUrl = `http://127.0.0.1:${addr.port}/api/kpg/smartro/retry`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  });
  beforeEach(() => {
    received = [];
  });

  /** @param {string} tid */
  async function retryRecord(tid) {
    await sb.sandbox.idle();
    const p = (await listPayments()).find((x) => x.tid === tid);
    assert.ok(p, 'payment listed');
    return p.retry;
  }

  test('after an approval the same fields are POSTed to RetryURL (EUC-KR), answered OK', async () => {
    answers = ['OK'];
    const { form } = await pay(requestFields({ RetryURL: retryUrl }), 'approve');
    const r = await retryRecord(form.fields.TID);
    assert.equal(r.state, 'delivered');
    assert.equal(r.attempts.length, 1);
    assert.equal(r.attempts[0].status, 200);
    assert.equal(received.length, 1);
    assert.match(String(received[0].headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.ok(received[0].body.includes(`GoodsName=${GOODS_EUCKR_ESCAPED}`), received[0].body);
    const got = receiveForm(received[0].body);
    assert.deepEqual(got, form.fields);
    assert.equal(got.SignValue, mySignValue(got.TID, '3001'));
  });

  test('UTF-8 + UrlEncode=Y notification is double-encoded in UTF-8', async () => {
    answers = ['OK'];
    const { form } = await pay(requestFields({ RetryURL: retryUrl, EncodingType: 'utf8', UrlEncode: 'Y' }), 'approve');
    await retryRecord(form.fields.TID);
    assert.equal(received.length, 1);
    const once = receiveForm(received[0].body);
    assert.equal(once.GoodsName, '%ED%85%8C%EC%8A%A4%ED%8A%B8+%EC%83%81%ED%92%88');
    assert.equal(decodePct(once.GoodsName), GOODS);
  });

  test('retried when the answer is not OK, until OK', async () => {
    answers = ['FAIL', '500 oops', 'OK'];
    const { form } = await pay(requestFields({ RetryURL: retryUrl }), 'approve');
    const r = await retryRecord(form.fields.TID);
    assert.equal(r.state, 'delivered');
    assert.equal(r.attempts.length, 3);
    assert.deepEqual(r.attempts.map((/** @type {any} */ a) => a.ok), [false, false, true]);
    assert.deepEqual(r.attempts.map((/** @type {any} */ a) => a.status), [200, 500, 200]);
    assert.equal(received.length, 3);
    assert.equal(received[2].body, received[0].body);
  });

  test('gives up after 3 attempts; unreachable RetryURL is recorded too', async () => {
    answers = ['NO'];
    const { form } = await pay(requestFields({ RetryURL: retryUrl }), 'approve');
    const r = await retryRecord(form.fields.TID);
    assert.equal(r.state, 'failed');
    assert.equal(r.attempts.length, 3);
    assert.equal(received.length, 3);

    const dead = await pay(requestFields({ RetryURL: 'http://127.0.0.1:9/retry' }), 'approve');
    const d = await retryRecord(dead.form.fields.TID);
    assert.equal(d.state, 'failed');
    assert.equal(d.attempts.length, 3);
    assert.ok(d.attempts.every((/** @type {any} */ a) => a.error && a.status === null));
  });

  test('no notification for cancel or decline', async () => {
    answers = ['OK'];
    await pay(requestFields({ RetryURL: retryUrl }), 'cancel');
    await pay(requestFields({ RetryURL: retryUrl }), 'fail');
    await sb.sandbox.idle();
    assert.equal(received.length, 0);
  });
});

// ------------------------------------------------------------------------------------------- slip page

describe('IssueLoader (card slip)', () => {
  test('type 0 shows the payment; type missing/other, unknown TID and cash receipt are error pages', async () => {
    const fields = requestFields({ GoodsName: '<b>굵은</b> 상품' });
    const { form } = await pay(fields, 'approve');
    const tid = form.fields.TID;
    const url = (/** @type {string} */ q) => `${origin}/issue/IssueLoader.jsp?${q}`;
    const ok = await fetch(url(`TID=${tid}&type=0`));
    const html = await ok.text();
    assert.equal(ok.status, 200);
    assert.match(html, /<html lang="ko">/);
    assert.equal(textById(html, 'slip-tid'), tid);
    assert.equal(textById(html, 'slip-goods-name'), '<b>굵은</b> 상품');
    assert.ok(!html.includes('<b>굵은'));
    assert.equal(textById(html, 'slip-amount'), '11,000원');
    assert.equal(textById(html, 'slip-vat'), '1,000원');
    assert.equal(textById(html, 'slip-app-no'), form.fields.AuthCode);
    assert.match(/** @type {string} */ (textById(html, 'slip-app-time')), /^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(textById(html, 'slip-card'), '삼성카드');
    assert.equal(textById(html, 'slip-merchant'), DEFAULT_MERCHANT.mallNm);
    assert.equal(textById(html, 'slip-state'), '승인');

    /** @type {[string, number, string][]} query, status, error code */
    const cases = [
      [`TID=${tid}`, 400, 'E151'],
      [`TID=${tid}&type=1`, 400, 'E151'],
      [`TID=${tid}&type=`, 400, 'E151'],
      [`type=0`, 400, 'E150'],
      [`TID=${MID}01010000000000000000&type=0`, 404, 'E152'],
      [`TID=${tid}&type=2`, 404, 'E153'],
    ];
    for (const [q, status, code] of cases) {
      const r = await fetch(url(q));
      const body = await r.text();
      assert.equal(r.status, status, q);
      assert.equal(errorCode(body), code, q);
    }
  });
});

// ------------------------------------------------------------------------------------------- receipt API

describe('receipt API', () => {
  /** @type {Record<string, string>} */
  let result;
  before(async () => {
    result = (await pay(requestFields({ Amt: '11000' }), 'approve')).form.fields;
  });

  test('apikey must be the MID\'s MerchantKey', async () => {
    const none = await receipt(result.TID, /** @type {any} */ (null));
    assert.equal(none.status, 401);
    assert.equal(none.json.resultCd, 'E210');
    const wrong = await receipt(result.TID, 'not-the-key');
    assert.equal(wrong.status, 401);
    const otherMid = await receipt(result.TID, KEY, 'nosuchmid1');
    assert.equal(otherMid.status, 401);
    const badType = await fetch(`${origin}/receipt`, {
      method: 'POST',
      headers: { apikey: KEY, 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(badType.status, 415);
    const missing = await postJson('/receipt', { mid: MID }, { apikey: KEY });
    assert.equal(missing.status, 400);
  });

  test('answers the documented fields for an approved card payment', async () => {
    const r = await receipt(result.TID);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const j = r.json;
    assert.equal(j.tid, result.TID);
    assert.equal(j.moid, result.OID);
    assert.equal(j.stateCd, '0');
    assert.equal(j.stateNm, '승인');
    assert.equal(j.svcCd, '01');
    assert.equal(j.svcNm, '신용카드');
    assert.equal(j.ordNm, '홍길동');
    assert.equal(j.goodsNm, GOODS);
    assert.equal(j.goodsAmt, '11000');
    assert.equal(j.vatAmt, '1000');
    assert.equal(j.supplyAmt, '10000');
    assert.equal(j.svcAmt, '0');
    assert.equal(j.appNo, result.AuthCode);
    assert.equal(j.appDt.slice(2), result.AuthDate.slice(0, 6));
    assert.equal(j.appTm, result.AuthDate.slice(6));
    assert.match(j.appDt, /^20\d{6}$/);
    assert.equal(j.ccyCd, '410');
    assert.equal(j.ccyNm, 'KRW');
    assert.match(j.cardNo, /^\d{6}\*{6}\d{4}$/);
    assert.equal(j.cardNo.length, 16);
    assert.equal(j.appCo, '04');
    assert.equal(j.appNm, '삼성카드');
    assert.equal(j.instmntMon, '00');
    assert.ok(j.fnNo);
    assert.equal(j.cardType, '01');
    assert.equal(j.cardCl, '0');
    assert.deepEqual(j.partCancelInfo, []);
    assert.equal(j.ccNo, undefined);
    assert.deepEqual(Object.keys(j.merchantInfo).sort(), ['addr', 'bossNm', 'coNm', 'coNo', 'mallNm']);
    assert.match(j.merchantInfo.coNo, /^\d{10}$/);
    assert.ok(/[가-힣]/.test(j.merchantInfo.addr));
    for (const k of ['goodsAmt', 'supplyAmt', 'vatAmt', 'svcAmt']) assert.match(j[k], /^\d+$/);
  });

  test('a fault armed for one Moid touches only calls about that Moid (by tid or by moid)', async () => {
    const other = (await pay(requestFields({ Amt: '1000' }), 'approve')).form.fields;
    const armed = await postJson('/__sandbox/fault', { api: 'receipt', status: 503, moid: result.OID, times: 2 });
    assert.equal(armed.status, 200);
    assert.equal((await receipt(other.TID)).status, 200, 'another Moid is not slowed or failed');
    assert.equal((await receipt(result.TID)).status, 503, 'by the TID of that Moid');
    assert.equal((await postJson('/receipt', { mid: MID, moid: result.OID }, { apikey: KEY })).status, 503, 'by that moid');
    assert.equal((await receipt(result.TID)).status, 200, 'used up after `times` calls');
    assert.equal((await postJson('/__sandbox/fault', { api: 'receipt', moid: '' })).status, 400);
  });

  test('vatAmt is goodsAmt/11 rounded; unknown tid is a JSON error', async () => {
    const { form } = await pay(requestFields({ Amt: '1005' }), 'approve');
    const j = (await receipt(form.fields.TID)).json;
    assert.equal(j.vatAmt, '91');
    assert.equal(j.supplyAmt, '914');
    const unknown = await receipt(`${MID}01019901011200001234`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.resultCd, 'E220');
  });

  test('partially cancelled, then fully cancelled', async () => {
    const { form } = await pay(requestFields({ Amt: '11000' }), 'approve');
    const tid = form.fields.TID;
    const p1 = await postJson('/__sandbox/partial-cancel', { tid, amount: 1100 });
    assert.equal(p1.status, 200, JSON.stringify(p1.json));
    assert.equal(p1.json.remainAmt, '9900');
    const tooMuch = await postJson('/__sandbox/partial-cancel', { tid, amount: 9901 });
    assert.equal(tooMuch.status, 400);
    let j = (await receipt(tid)).json;
    assert.equal(j.stateCd, '0');
    assert.equal(j.goodsAmt, '11000');
    assert.equal(j.partCancelInfo.length, 1);
    const pc = j.partCancelInfo[0];
    assert.deepEqual(Object.keys(pc).sort(), ['transAmt', 'transDt', 'transSupplyAmt', 'transSvcAmt', 'transTm', 'transVatAmt']);
    assert.equal(pc.transAmt, '1100');
    assert.equal(pc.transVatAmt, '100');
    assert.equal(pc.transSupplyAmt, '1000');
    assert.equal(pc.transSvcAmt, '0');
    assert.match(pc.transDt, /^\d{8}$/);
    assert.match(pc.transTm, /^\d{6}$/);
    assert.equal(j.ccNo, undefined);

    const slip = await (await fetch(`${origin}/issue/IssueLoader.jsp?TID=${tid}&type=0`)).text();
    assert.equal(textById(slip, 'slip-state'), '부분취소');

    const c = await postJson('/__sandbox/cancel', { tid });
    assert.equal(c.status, 200);
    assert.equal(c.json.cancelAmt, '9900');
    j = (await receipt(tid)).json;
    assert.equal(j.stateCd, '1');
    assert.equal(j.stateNm, '취소');
    assert.match(j.ccNo, /^\d{8}$/);
    assert.match(j.ccDt, /^\d{8}$/);
    assert.match(j.ccTm, /^\d{6}$/);
    const again = await postJson('/__sandbox/cancel', { tid });
    assert.equal(again.status, 409);
    assert.equal(again.json.resultCd, '2013');
  });

  test('full cancel of a fresh payment', async () => {
    const { form } = await pay(requestFields(), 'approve');
    const c = await postJson('/__sandbox/cancel', { tid: form.fields.TID });
    assert.equal(c.status, 200);
    assert.equal(c.json.resultCd, '2001');
    const j = (await receipt(form.fields.TID)).json;
    assert.equal(j.stateCd, '1');
    assert.deepEqual(j.partCancelInfo, []);
    assert.equal((await postJson('/__sandbox/cancel', { tid: 'nope' })).status, 404);
  });
});

describe('control routes', () => {
  test('/__sandbox/payments lists payments and /__sandbox/reset forgets them', async () => {
    const fields = requestFields();
    const { form } = await pay(fields, 'approve');
    const list = await listPayments();
    const p = list.find((x) => x.tid === form.fields.TID);
    assert.ok(p);
    assert.equal(p.status, 'approved');
    assert.equal(p.iface, 'pc');
    assert.equal(p.charset, 'EUC-KR');
    assert.ok(!JSON.stringify(list).includes(KEY), 'the MerchantKey is not listed');
    const reset = await fetch(`${origin}/__sandbox/reset`, { method: 'POST' });
    assert.equal(reset.status, 200);
    assert.deepEqual(await listPayments(), []);
    assert.equal((await receipt(form.fields.TID)).status, 404);
    // after a reset the Moid is free again
    assert.equal((await openPayment(fields)).status, 200);
  });
});

describe('issue 11: virtual accounts, bank transfer, phone, cash receipts', () => {
  /** @type {http.Server} */
  let server;
  let retryUrl = '';
  /** @type {string[]} bodies received at RetryURL */
  let received = [];
  before(async () => {
    server = http.createServer((req, res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('latin1'));
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK');
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    retryUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/api/kpg/smartro/retry`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  });
  beforeEach(() => {
    received = [];
  });

  /** Opens a payment and approves it with the page's other inputs. @param {Record<string, string>} fields @param {Record<string, string>} [extra] */
  async function approveWith(fields, extra = {}) {
    const page = await openPayment(fields);
    assert.equal(page.status, 200, page.html);
    const res = await fetch(`${origin}/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce: nonceOf(page.html), choice: 'approve', ...extra }) });
    const html = await res.text();
    return { page, form: resultForm(html) };
  }
  /** @param {Record<string, unknown>} body */
  const depositJson = (body) => postJson('/payTest/vbank_deposit_notice.jsp', body);

  test('BANK and VBANK pages offer a cash receipt; CARD and CELLPHONE do not; CELLPHONE approves with A000', async () => {
    for (const method of ['BANK', 'VBANK']) assert.match((await openPayment(requestFields({ PayMethod: method }))).html, /id="cash-receipt"/);
    for (const method of ['CARD', 'CELLPHONE']) assert.doesNotMatch((await openPayment(requestFields({ PayMethod: method }))).html, /id="cash-receipt"/);
    const { form } = await approveWith(requestFields({ PayMethod: 'CELLPHONE' }));
    assert.equal(form.fields.ResultCode, 'A000');
    assert.equal(form.fields.SignValue, mySignValue(form.fields.TID, 'A000'));
    assert.match(form.fields.TID, new RegExp(`^${MID}0501\\d{16}$`));
  });

  test('BANK with a cash receipt: the receipt API has the bank, the buyer\'s account and the cash receipt; IssueLoader type=2 shows it', async () => {
    const { form } = await approveWith(requestFields({ PayMethod: 'BANK' }), { cash_receipt: '2', cash_receipt_no: '106-81-12345' });
    const r = (await receipt(form.fields.TID)).json;
    assert.deepEqual([r.bankCd, r.bankNm, r.cashReceiptReqCl, r.cashReceiptType, r.cashReceiptNo], ['088', '신한은행', '1', '2', '106***2345']);
    assert.match(r.acctNo, /^000\d{9}$/);
    assert.match(r.cashReceiptTid, new RegExp(`^${MID}0701\\d{16}$`));
    const page = await fetch(`${origin}/issue/IssueLoader.jsp?TID=${form.fields.TID}&type=2`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.equal(textById(html, 'cash-type'), '지출증빙');
    assert.equal(textById(html, 'cash-tid'), r.cashReceiptTid);
    // Without the choice: no cash receipt.
    const plain = await approveWith(requestFields({ PayMethod: 'BANK' }));
    assert.equal((await receipt(plain.form.fields.TID)).json.cashReceiptReqCl, '0');
    assert.equal((await fetch(`${origin}/issue/IssueLoader.jsp?TID=${plain.form.fields.TID}&type=2`)).status, 404);
  });

  test('VBANK: 4100 with the account; the deposit page deposits once and sends a signed 4110 to RetryURL (again on resend); the receipt shows vacctBaseDt and the cash receipt from then on', async () => {
    const due = kst.ymd(clock.now() + 2 * DAY);
    const { form } = await approveWith(requestFields({ PayMethod: 'VBANK', VbankExpDate: due, RetryURL: retryUrl }), { cash_receipt: '1', cash_receipt_no: '01012345678' });
    const tid = form.fields.TID;
    assert.deepEqual([form.fields.ResultCode, form.fields.VbankName, form.fields.VbankExpDate], ['4100', '신한은행', due]);
    assert.match(form.fields.VbankNum, /^562\d{11}$/);
    let r = (await receipt(tid)).json;
    assert.deepEqual([r.vacctNo, r.vacctDueDt, r.vacctBaseDt, r.cashReceiptReqCl], [form.fields.VbankNum, due, undefined, '0']);
    assert.equal((await fetch(`${origin}/issue/IssueLoader.jsp?TID=${tid}&type=2`)).status, 404, 'no cash receipt before the money');
    const list = await (await fetch(`${origin}/payTest/vbank_deposit_notice.jsp`)).text();
    assert.match(list, new RegExp(`id="deposit-${tid}"`));
    await sb.sandbox.idle();
    received = [];
    const first = await depositJson({ TID: tid });
    assert.equal(first.status, 200, JSON.stringify(first.json));
    await sb.sandbox.idle();
    assert.equal(received.length, 1);
    const notice = receiveForm(received[0]);
    assert.deepEqual([notice.ResultCode, notice.TID, notice.VbankNum, notice.Amt, notice.PayMethod], ['4110', tid, form.fields.VbankNum, '11000', 'VBANK']);
    assert.equal(notice.SignValue, mySignValue(tid, '4110'));
    r = (await receipt(tid)).json;
    assert.match(r.vacctBaseDt, /^\d{8}$/);
    assert.equal(r.cashReceiptReqCl, '1');
    assert.equal((await fetch(`${origin}/issue/IssueLoader.jsp?TID=${tid}&type=2`)).status, 200);
    const twice = await depositJson({ TID: tid });
    assert.deepEqual([twice.status, twice.json.resultCd], [409, 'E163']);
    const resend = await depositJson({ TID: tid, resend: true });
    assert.equal(resend.status, 200);
    await sb.sandbox.idle();
    assert.equal(received.length, 2);
    assert.equal(receiveForm(received[1]).TID, tid);
  });

  test('deposit page refusals: unknown TID, a card payment, an account past its due day (on the sandbox clock)', async () => {
    assert.equal((await depositJson({ TID: 'nope' })).json.resultCd, 'E160');
    const card = await approveWith(requestFields());
    assert.equal((await depositJson({ TID: card.form.fields.TID })).json.resultCd, 'E161');
    let now = clock.now();
    const late = await startSmartroSandbox({ port: 0, now: () => now });
    try {
      const fields = requestFields({ PayMethod: 'VBANK', VbankExpDate: kst.ymd(now) });
      const page = await fetch(`${late.origin}${PC}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(fields, 'euc-kr') });
      const html = await page.text();
      const decided = await (await fetch(`${late.origin}/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce: nonceOf(html), choice: 'approve' }) })).text();
      const tid = resultForm(decided).fields.TID;
      now += 2 * 86400_000;
      const res = await fetch(`${late.origin}/payTest/vbank_deposit_notice.jsp`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ TID: tid }) });
      assert.equal(res.status, 409);
      assert.equal(errorCode(await res.text()), 'E162');
    } finally {
      await late.close();
    }
  });
});
