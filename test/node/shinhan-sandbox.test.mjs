// @ts-check
/**
 * Tests for the sandbox Shinhan PG (demo/sandbox/shinhan/).
 * Run: node --test test/node/shinhan-sandbox.test.mjs
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { startShinhanSandbox, DEFAULT_MERCHANT, appendQuery } from '../../demo/sandbox/shinhan/server.mjs';
import {
  CARD_COMPANIES,
  CARD_IMAGES,
  CARD_SHORT_NAMES,
  cardListFor,
} from '../../demo/sandbox/shinhan/cards.mjs';

const CLIENT_ID = 'kpgdemo01';
const PAYMENT_KEY = 'sandbox-payment-key-0001';
const SEARCH_KEY = 'sandbox-search-key-0001';
const SHOP = 'http://shop.test:8765';
/** A connecting information value (CI) of the shape banks issue: 88 characters of base64. */
const TEST_CI = `${'Q0lURVNUMDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1RVVldY'.slice(0, 86)}==`;

/** @param {string} s */
const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

/** @type {Awaited<ReturnType<typeof startShinhanSandbox>>} */
let sb;
/** Origin the helpers talk to (normally sb.origin). */
let origin = '';
let orderSeq = 0;
const nextOrderNo = () => `T${process.pid}-${Date.now()}-${++orderSeq}`;

before(async () => {
  sb = await startShinhanSandbox({ port: 0 });
  origin = sb.origin;
});
after(async () => {
  await sb.close();
});

/**
 * A valid payments/request body (hash computed last, over the final values).
 * @param {Record<string, any>} [overrides]
 * @param {{ rehash?: boolean }} [opts]
 */
function requestBody(overrides = {}, { rehash = true } = {}) {
  /** @type {Record<string, any>} */
  const body = {
    pgcode: 'card',
    client_id: CLIENT_ID,
    user_id: 'buyer01',
    user_name: '홍길동',
    order_no: nextOrderNo(),
    pay_type: 1,
    device_type: 2,
    amount: 11000,
    product_name: '테스트 상품',
    return_url: `${SHOP}/api/kpg/shinhan/return`,
    cancel_url: `${SHOP}/api/kpg/shinhan/cancel`,
    fail_url: `${SHOP}/api/kpg/shinhan/fail`,
    ...overrides,
  };
  // selpay requires user_ci (the document's table; issue 25): a CI like a real one, 88 characters.
  if (body.pgcode === 'selpay' && !('user_ci' in overrides)) body.user_ci = TEST_CI;
  if (rehash && !('param_ispt_hash' in overrides)) {
    body.param_ispt_hash = sha256(
      `${body.client_id}${body.user_id}${body.order_no}${body.pay_type}${body.amount}${PAYMENT_KEY}`,
    );
  }
  return body;
}

/**
 * @param {string} path
 * @param {unknown} body
 * @param {{ key?: string | null, contentType?: string, raw?: string }} [opts]
 */
async function postJson(path, body, { key = PAYMENT_KEY, contentType = 'application/json', raw } = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': contentType };
  if (key !== null) headers.authorization = `SPGKEY ${key}`;
  const res = await fetch(origin + path, {
    method: 'POST',
    headers,
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), json: JSON.parse(text), res };
}

/** @param {Record<string, any>} body */
const requestPayment = (body) => postJson('/v1.0/payments/request', body);

/** @param {string} url */
async function getPage(url) {
  const res = await fetch(url);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** @param {string} html @param {string} id */
function textById(html, id) {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  return m ? m[1] : null;
}

/** @param {string} html */
function nonceOf(html) {
  const m = /name="nonce" value="([^"]+)"/.exec(html);
  assert.ok(m, 'payment page has a nonce field');
  return m[1];
}

/** @param {string} nonce @param {string} choice */
async function decide(nonce, choice) {
  const res = await fetch(`${origin}/pgsvc/pay/decide`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ nonce, choice }).toString(),
  });
  return { status: res.status, html: await res.text() };
}

/** Decodes the few entities pages.mjs produces. @param {string} s */
const unescapeHtml = (s) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** @param {string} html */
function returnForm(html) {
  const form = /<form id="kpg-return" method="(\w+)" action="([^"]*)" accept-charset="([^"]*)"([^>]*)>([\s\S]*?)<\/form>/.exec(
    html,
  );
  assert.ok(form, 'decide page has the kpg-return form');
  /** @type {Record<string, string>} */
  const fields = {};
  for (const m of form[5].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  }
  return { method: form[1], action: unescapeHtml(form[2]), charset: form[3], rest: form[4], inner: form[5], fields };
}

/** The data object the decide page's inline script works from. @param {string} html */
function pageData(html) {
  const m = /var d = (\{.*\});/.exec(html);
  assert.ok(m, 'decide page script has its data');
  return JSON.parse(m[1]);
}

/** Runs the decide page's inline script against a fake browser; returns what it did, in order. @param {string} html */
function runDecideScript(html, { withOpener = true } = {}) {
  const m = /<script>([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'decide page has an inline script');
  /** @type {any[]} */
  const calls = [];
  /** @type {any} */
  const ctx = {
    document: { getElementById: (/** @type {string} */ id) => ({ submit: () => calls.push(['submit', id]) }) },
    location: { replace: (/** @type {string} */ url) => calls.push(['replace', url]) },
    opener: withOpener
      ? { postMessage: (/** @type {any} */ data, /** @type {string} */ target) => calls.push(['postMessage', data, target]) }
      : null,
  };
  ctx.window = ctx;
  vm.runInNewContext(m[1], ctx);
  return calls;
}

/** Request -> page -> decision. @param {Record<string, any>} overrides @param {string} choice */
async function runToDecision(overrides, choice) {
  const body = requestBody(overrides);
  const r = await requestPayment(body);
  assert.equal(r.json.ret_code, 0, JSON.stringify(r.json));
  const page = await getPage(r.json.redirect_url);
  assert.equal(page.status, 200);
  const d = await decide(nonceOf(page.html), choice);
  return { body, redirectUrl: r.json.redirect_url, page, decision: d };
}

/** @param {Record<string, any>} body @param {string} confirmToken @param {Record<string, any>} [extra] */
const confirm = (body, confirmToken, extra = {}) =>
  postJson('/v1.0/payments/confirm', {
    client_id: body.client_id,
    order_no: body.order_no,
    confirm_token: confirmToken,
    ip_addr: '203.0.113.7',
    ...extra,
  });

describe('startShinhanSandbox', () => {
  test('port 0 listens on an ephemeral port and reports the real origin', async () => {
    assert.match(sb.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(sb.origin).port, '0');
    const res = await fetch(`${sb.origin}/businessPayment/unifiedPay/script`);
    assert.equal(res.status, 200);
  });

  test('default merchant is the CONTRACT.md one', () => {
    assert.deepEqual(
      { ...DEFAULT_MERCHANT },
      { clientId: CLIENT_ID, paymentApiKey: PAYMENT_KEY, searchApiKey: SEARCH_KEY },
    );
  });
});

describe('POST /v1.0/payments/request: authorization', () => {
  for (const [label, key] of /** @type {[string, string | null][]} */ ([
    ['missing', null],
    ['wrong', 'not-the-key'],
    ['search key instead of payment key', SEARCH_KEY],
  ])) {
    test(`SPGKEY ${label} -> 401 {ret_code: 998}`, async () => {
      const r = await postJson('/v1.0/payments/request', requestBody(), { key });
      assert.equal(r.status, 401);
      assert.equal(r.contentType, 'application/json; charset=utf-8');
      assert.deepEqual(r.json, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    });
  }

  test('another scheme than SPGKEY is refused', async () => {
    const res = await fetch(`${sb.origin}/v1.0/payments/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PAYMENT_KEY}` },
      body: JSON.stringify(requestBody()),
    });
    assert.equal(res.status, 401);
    assert.equal((/** @type {any} */ (await res.json())).ret_code, 998);
  });
});

describe('POST /v1.0/payments/request: validation', () => {
  /**
   * @param {Record<string, any>} body
   * @param {number} retCode
   * @param {RegExp} [msg]
   */
  async function refused(body, retCode, msg) {
    const r = await requestPayment(body);
    assert.ok(r.status >= 400 && r.status < 500, `4xx, got ${r.status}`);
    assert.equal(r.contentType, 'application/json; charset=utf-8');
    assert.equal(r.json.ret_code, retCode, JSON.stringify(r.json));
    assert.equal(typeof r.json.ret_msg, 'string');
    assert.deepEqual(Object.keys(r.json).sort(), ['ret_code', 'ret_msg']);
    if (msg) assert.match(r.json.ret_msg, msg);
    return r;
  }
  /** @param {Record<string, any>} body */
  async function accepted(body) {
    const r = await requestPayment(body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.ret_code, 0);
    return r;
  }

  const required = [
    'pgcode', 'client_id', 'user_id', 'user_name', 'order_no', 'pay_type', 'device_type', 'amount',
    'product_name', 'return_url', 'cancel_url', 'fail_url', 'param_ispt_hash',
  ];
  for (const field of required) {
    test(`missing ${field} -> 910`, async () => {
      const body = requestBody();
      delete body[field];
      await refused(body, 910, new RegExp(field));
    });
  }

  test('empty required string counts as missing', async () => {
    await refused(requestBody({ user_name: '' }), 910, /user_name/);
  });

  test('sizes are counted in characters: 20 Hangul user_name ok, 21 refused (912)', async () => {
    await accepted(requestBody({ user_name: '가'.repeat(20) }));
    await refused(requestBody({ user_name: '가'.repeat(21) }), 912, /user_name/);
  });

  test('over-long fields -> 912', async () => {
    await refused(requestBody({ product_name: 'x'.repeat(51) }), 912, /product_name/);
    await refused(requestBody({ order_no: 'o'.repeat(51) }), 912, /order_no/);
    await refused(requestBody({ user_id: 'u'.repeat(51) }), 912, /user_id/);
    await refused(requestBody({ return_url: `${SHOP}/${'r'.repeat(255)}` }), 912, /return_url/);
    await refused(requestBody({ custom_parameter: 'c'.repeat(1001) }), 912, /custom_parameter/);
    await refused(requestBody({ card_cpny_cd: 'S'.repeat(11) }), 912, /card_cpny_cd/);
    await accepted(requestBody({ product_name: '상'.repeat(50), custom_parameter: 'c'.repeat(1000) }));
  });

  test('wrong JSON types -> 911', async () => {
    await refused(requestBody({ amount: '11000' }), 911, /amount/);
    await refused(requestBody({ pay_type: '1' }), 911, /pay_type/);
    await refused(requestBody({ device_type: 2.5 }), 911, /device_type/);
    await refused(requestBody({ user_name: 42 }), 911, /user_name/);
    await refused(requestBody({ main_color: 0x112233 }), 911, /main_color/);
  });

  test('enumerations: pgcode, pay_type 1, device_type 1|2 -> 913', async () => {
    await refused(requestBody({ pgcode: 'zeropay' }), 913, /pgcode/);
    await refused(requestBody({ pay_type: 2 }), 913, /pay_type/);
    await refused(requestBody({ device_type: 3 }), 913, /device_type/);
    await refused(requestBody({ pgcode: 'bizselpay', device_type: 1 }), 913, /device_type/);
    for (const pgcode of ['card', 'selpay', 'nauthcard']) await accepted(requestBody({ pgcode, device_type: 1 }));
    await accepted(requestBody({ pgcode: 'bizselpay', device_type: 2 }));
  });

  test('bad colours -> 913', async () => {
    for (const bad of ['#5379FF', '5379F', '5379FFF', 'GGGGGG', 'fff']) {
      await refused(requestBody({ main_color: bad }), bad.length > 6 ? 912 : 913, /main_color/);
    }
    await refused(requestBody({ point_color: '12345Z' }), 913, /point_color/);
    await accepted(requestBody({ main_color: '0a0B0c', point_color: 'FF0000' }));
  });

  test('amount below the 100 won minimum -> 914; 100 is accepted', async () => {
    await refused(requestBody({ amount: 99 }), 914, /100/);
    await refused(requestBody({ pgcode: 'selpay', amount: 1 }), 914);
    await refused(requestBody({ amount: 0 }), 913, /amount/);
    await accepted(requestBody({ amount: 100 }));
  });

  test('return/cancel/fail URLs must be absolute http(s) -> 913', async () => {
    await refused(requestBody({ return_url: '/api/kpg/shinhan/return' }), 913, /return_url/);
    await refused(requestBody({ cancel_url: 'javascript:alert(1)' }), 913, /cancel_url/);
    await refused(requestBody({ fail_url: 'ftp://shop.test/fail' }), 913, /fail_url/);
    await accepted(requestBody({ return_url: 'https://shop.example/ret?x=1' }));
  });

  test('install_month must be "00".."12"; card_cpny_cd string', async () => {
    await refused(requestBody({ install_month: '13' }), 913, /install_month/);
    await refused(requestBody({ install_month: '3' }), 913, /install_month/);
    await refused(requestBody({ install_month: 3 }), 911, /install_month/);
    await refused(requestBody({ card_cpny_cd: 1 }), 911, /card_cpny_cd/);
    await accepted(requestBody({ install_month: '12', card_cpny_cd: 'S001' }));
  });

  test('taxfree_amount cannot exceed amount', async () => {
    await refused(requestBody({ taxfree_amount: 20000 }), 913, /taxfree_amount/);
  });

  test('unknown client_id -> 920', async () => {
    await refused(requestBody({ client_id: 'nobody' }), 920, /client_id/);
  });

  test('wrong param_ispt_hash -> 921; the hash is compared case-insensitively', async () => {
    const body = requestBody();
    await refused({ ...body, param_ispt_hash: sha256('something else') }, 921, /param_ispt_hash/);
    // hash over a different amount than the one sent
    const tampered = requestBody();
    tampered.amount = 100;
    await refused(tampered, 921);
    await accepted({ ...body, param_ispt_hash: body.param_ispt_hash.toUpperCase() });
  });

  test('the same order_no twice for one client -> 409 / 922', async () => {
    const body = requestBody();
    await accepted(body);
    const again = await refused(body, 922, /order_no/);
    assert.equal(again.status, 409);
  });

  test('malformed JSON, non-object bodies and wrong content-type never crash', async () => {
    let r = await postJson('/v1.0/payments/request', null, { raw: '{"pgcode": "card",' });
    assert.equal(r.status, 400);
    assert.equal(r.json.ret_code, 900);
    r = await postJson('/v1.0/payments/request', null, { raw: '[1,2]' });
    assert.equal(r.json.ret_code, 900);
    r = await postJson('/v1.0/payments/request', null, { raw: 'null' });
    assert.equal(r.json.ret_code, 900);
    r = await postJson('/v1.0/payments/request', requestBody(), { contentType: 'text/plain' });
    assert.equal(r.status, 415);
    assert.equal(r.json.ret_code, 901);
    assert.equal(r.contentType, 'application/json; charset=utf-8');
    // still alive
    await accepted(requestBody());
  });
});

describe('payment page GET /pgsvc/pay', () => {
  test('a good request gives a redirect_url on the sandbox origin', async () => {
    const r = await requestPayment(requestBody());
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'application/json; charset=utf-8');
    assert.equal(r.json.ret_code, 0);
    assert.equal(r.json.ret_msg, 'OK');
    const u = new URL(r.json.redirect_url);
    assert.equal(u.origin, sb.origin);
    assert.equal(u.pathname, '/pgsvc/pay');
    assert.ok(u.searchParams.get('token'));
    assert.ok(r.json.redirect_url.length <= 1000);
  });

  test('renders the order with escaped values, amount, buttons; no framing headers', async () => {
    const body = requestBody({
      product_name: '<img src=x onerror=alert(1)>&"상품"',
      user_name: "<b>O'Neil</b>",
      amount: 11000,
    });
    const r = await requestPayment(body);
    const page = await getPage(r.json.redirect_url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.equal(page.headers.get('x-frame-options'), null);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /frame-ancestors/);
    assert.match(page.html, /<html lang="ko">/);
    assert.ok(!page.html.includes('<img src=x'), 'product name must be escaped');
    assert.ok(!page.html.includes('<b>O'), 'user name must be escaped');
    assert.equal(textById(page.html, 'product-name'), '&lt;img src=x onerror=alert(1)&gt;&amp;&quot;상품&quot;');
    assert.equal(unescapeHtml(textById(page.html, 'product-name') ?? ''), body.product_name);
    assert.equal(unescapeHtml(textById(page.html, 'buyer-name') ?? ''), body.user_name);
    assert.equal(textById(page.html, 'amount'), '11,000원');
    assert.equal(textById(page.html, 'pgcode'), 'card');
    assert.match(page.html, /<button[^>]*id="approve"[^>]*>승인<\/button>/);
    assert.match(page.html, /<button[^>]*id="cancel"[^>]*>취소<\/button>/);
    assert.match(page.html, /<button[^>]*id="fail"[^>]*>실패 \(테스트\)<\/button>/);
    assert.match(page.html, /<form method="post" action="\/pgsvc\/pay\/decide"/);
    assert.equal(textById(page.html, 'card-company'), null, 'no card row without card_cpny_cd');
    assert.equal(textById(page.html, 'install-month'), null);
  });

  test('amount formatting with thousands separators', async () => {
    const r = await requestPayment(requestBody({ amount: 1234567 }));
    const page = await getPage(r.json.redirect_url);
    assert.equal(textById(page.html, 'amount'), '1,234,567원');
  });

  test('themed with main_color / point_color, defaults FFFFFF / 5379FF', async () => {
    let r = await requestPayment(requestBody({ main_color: '112233', point_color: 'aabbcc' }));
    let page = await getPage(r.json.redirect_url);
    assert.match(page.html, /--main: #112233;/);
    assert.match(page.html, /--point: #AABBCC;/);
    assert.match(page.html, /data-main-color="112233" data-point-color="AABBCC"/);
    assert.match(page.html, /html, body \{[^}]*background: var\(--main\)/);
    assert.match(page.html, /header \{[^}]*background: var\(--point\)/);
    assert.match(page.html, /button\.primary \{[^}]*background: var\(--point\)/);

    r = await requestPayment(requestBody());
    page = await getPage(r.json.redirect_url);
    assert.match(page.html, /--main: #FFFFFF;/);
    assert.match(page.html, /--point: #5379FF;/);
  });

  test('shows the card company NAME from the card list and the installment months', async () => {
    let r = await requestPayment(requestBody({ card_cpny_cd: 'S005', install_month: '03' }));
    let page = await getPage(r.json.redirect_url);
    assert.equal(textById(page.html, 'card-company'), '신한카드');
    assert.equal(textById(page.html, 'install-month'), '3개월 할부');
    assert.match(page.html, />신한카드<\/span> · <span id="install-month">3개월 할부</);

    // every code of the list is shown by its name
    for (const card of CARD_COMPANIES) {
      r = await requestPayment(requestBody({ card_cpny_cd: card.card_cpny_cd, install_month: '00' }));
      page = await getPage(r.json.redirect_url);
      assert.equal(textById(page.html, 'card-company'), card.card_cpny_name, card.card_cpny_cd);
      assert.equal(textById(page.html, 'install-month'), '일시불');
    }

    r = await requestPayment(requestBody({ install_month: '12' }));
    page = await getPage(r.json.redirect_url);
    assert.equal(textById(page.html, 'card-company'), null);
    assert.equal(textById(page.html, 'install-month'), '12개월 할부');

    // a code outside the list is still accepted and shown as a code (escaped)
    r = await requestPayment(requestBody({ card_cpny_cd: 'X<9>' }));
    page = await getPage(r.json.redirect_url);
    assert.equal(textById(page.html, 'card-company'), '카드사 X&lt;9&gt;');
  });

  test('the token is single-use: a second GET is refused with a 4xx', async () => {
    const r = await requestPayment(requestBody());
    const first = await getPage(r.json.redirect_url);
    assert.equal(first.status, 200);
    const second = await getPage(r.json.redirect_url);
    assert.ok(second.status >= 400 && second.status < 500, `got ${second.status}`);
    assert.match(second.html, /이미 사용된 결제 토큰입니다/);
    assert.match(second.html, /<html lang="ko">/);
    assert.doesNotMatch(second.html, /id="approve"/);
  });

  test('unknown or missing token -> 4xx', async () => {
    assert.equal((await getPage(`${sb.origin}/pgsvc/pay?token=nope`)).status, 404);
    assert.equal((await getPage(`${sb.origin}/pgsvc/pay`)).status, 400);
  });

  test('the page nonce is not the spent token', async () => {
    const r = await requestPayment(requestBody());
    const page = await getPage(r.json.redirect_url);
    const token = new URL(r.json.redirect_url).searchParams.get('token');
    assert.notEqual(nonceOf(page.html), token);
    assert.ok(!page.html.includes(/** @type {string} */ (token)), 'page does not echo the token');
  });
});

describe('buyer decision POST /pgsvc/pay/decide', () => {
  test('approve -> auto-submitted UTF-8 form POST to return_url with order_no, custom_parameter, confirm_token', async () => {
    const { body, decision } = await runToDecision(
      { custom_parameter: 'cart=7&note="한글"', return_url: `${SHOP}/api/kpg/shinhan/return?x=1` },
      'approve',
    );
    assert.equal(decision.status, 200);
    assert.match(decision.html, /<html lang="ko">/);
    const form = returnForm(decision.html);
    assert.equal(form.method, 'post');
    assert.equal(form.action, body.return_url);
    assert.equal(form.charset, 'UTF-8');
    assert.match(form.rest, /enctype="application\/x-www-form-urlencoded"/);
    assert.deepEqual(Object.keys(form.fields), ['order_no', 'custom_parameter', 'confirm_token']);
    assert.equal(form.fields.order_no, body.order_no);
    assert.equal(form.fields.custom_parameter, body.custom_parameter);
    assert.ok(form.fields.confirm_token.length > 0 && form.fields.confirm_token.length <= 50);
    assert.match(form.inner, /<noscript><button type="submit"/);

    const data = pageData(decision.html);
    assert.equal(data.source, 'kpg-sandbox-shinhan');
    assert.equal(data.ret_code, '0000');
    assert.equal(data.target_origin, SHOP);
  });

  test('approve page script: postMessage to the opener first (return_url origin), then submit', () => {
    return runToDecision({}, 'approve').then(({ decision }) => {
      const calls = runDecideScript(decision.html);
      assert.equal(calls.length, 2);
      assert.equal(calls[0][0], 'postMessage');
      assert.deepEqual({ ...calls[0][1] }, { source: 'kpg-sandbox-shinhan', ret_code: '0000', ret_msg: calls[0][1].ret_msg });
      assert.equal(typeof calls[0][1].ret_msg, 'string');
      assert.equal(calls[0][2], SHOP);
      assert.deepEqual(calls[1], ['submit', 'kpg-return']);
      // without an opener (mobile, full-page redirect) it only submits
      assert.deepEqual(runDecideScript(decision.html, { withOpener: false }), [['submit', 'kpg-return']]);
    });
  });

  test('custom_parameter is an empty string when the request had none', async () => {
    const { decision } = await runToDecision({}, 'approve');
    assert.equal(returnForm(decision.html).fields.custom_parameter, '');
  });

  test('cancel -> navigate to cancel_url?order_no=... (existing query kept) and post C001', async () => {
    const { body, decision } = await runToDecision({ cancel_url: `${SHOP}/api/kpg/shinhan/cancel?shop=a%20b` }, 'cancel');
    assert.equal(decision.status, 200);
    const calls = runDecideScript(decision.html);
    assert.equal(calls[0][0], 'postMessage');
    assert.equal(calls[0][1].ret_code, 'C001');
    assert.equal(calls[0][2], SHOP);
    assert.equal(calls[1][0], 'replace');
    const target = calls[1][1];
    assert.ok(target.startsWith(`${SHOP}/api/kpg/shinhan/cancel?shop=a%20b&order_no=`), target);
    assert.equal(new URL(target).searchParams.get('order_no'), body.order_no);
    // noscript fallback: GET form carrying the query as hidden inputs
    const form = returnForm(decision.html);
    assert.equal(form.method, 'get');
    assert.equal(form.action, `${SHOP}/api/kpg/shinhan/cancel`);
    assert.deepEqual(form.fields, { shop: 'a b', order_no: body.order_no });
  });

  test('fail -> navigate to fail_url with order_no, ret_code=F001, ret_msg and post F001', async () => {
    const { body, decision } = await runToDecision({}, 'fail');
    const calls = runDecideScript(decision.html);
    assert.equal(calls[0][1].ret_code, 'F001');
    assert.equal(calls[1][0], 'replace');
    const u = new URL(calls[1][1]);
    assert.equal(u.origin + u.pathname, body.fail_url);
    assert.equal(u.searchParams.get('order_no'), body.order_no);
    assert.equal(u.searchParams.get('ret_code'), 'F001');
    assert.equal(u.searchParams.get('ret_msg'), '카드사 승인 거절 (샌드박스)');
    assert.equal(calls[0][1].ret_msg, '카드사 승인 거절 (샌드박스)');
  });

  test('deciding twice for one payment is refused', async () => {
    const body = requestBody();
    const r = await requestPayment(body);
    const page = await getPage(r.json.redirect_url);
    const nonce = nonceOf(page.html);
    assert.equal((await decide(nonce, 'cancel')).status, 200);
    const again = await decide(nonce, 'approve');
    assert.equal(again.status, 409);
    assert.doesNotMatch(again.html, /confirm_token/);
  });

  test('unknown nonce or choice is refused', async () => {
    assert.equal((await decide('bogus', 'approve')).status, 404);
    const r = await requestPayment(requestBody());
    const page = await getPage(r.json.redirect_url);
    assert.equal((await decide(nonceOf(page.html), 'steal')).status, 400);
  });

  test('values in the decide page are escaped', async () => {
    const { decision } = await runToDecision({ custom_parameter: '"><script>alert(1)</script>' }, 'approve');
    assert.ok(!decision.html.includes('<script>alert(1)'));
    assert.equal(returnForm(decision.html).fields.custom_parameter, '"><script>alert(1)</script>');
  });
});

describe('POST /v1.0/payments/confirm', () => {
  /** @param {Record<string, any>} [overrides] */
  async function approved(overrides = {}) {
    const { body, decision } = await runToDecision(overrides, 'approve');
    return { body, token: returnForm(decision.html).fields.confirm_token };
  }

  test('confirms once with the documented fields and a verifiable pay_ispt_hash', async () => {
    const { body, token } = await approved({ taxfree_amount: 1000 });
    const r = await confirm(body, token);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.contentType, 'application/json; charset=utf-8');
    const j = r.json;
    assert.equal(j.ret_code, 0);
    assert.equal(j.ret_msg, 'OK');
    assert.equal(j.pay_type, 1);
    assert.equal(j.order_no, body.order_no);
    assert.equal(j.product_name, body.product_name);
    assert.equal(j.user_id, body.user_id);
    assert.equal(j.user_name, body.user_name);
    assert.equal(j.amount, 11000);
    assert.equal(j.discount_amount, 0);
    assert.equal(j.taxfree_amount, 1000);
    assert.equal(j.tax_amount, Math.round((11000 - 1000) / 11));
    assert.equal(typeof j.tid, 'string');
    assert.ok(j.tid.length > 0 && j.tid.length <= 50);
    assert.match(j.tx_date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const expected = sha256(`${body.user_id}${body.amount}${j.tid}${PAYMENT_KEY}`).toUpperCase();
    assert.equal(j.pay_ispt_hash, expected);
    assert.match(j.pay_ispt_hash, /^[0-9A-F]{64}$/);
    assert.equal(j.pay_info.length, 1);
    const info = j.pay_info[0];
    assert.equal(info.card_cpny_cd, 'S001');
    assert.equal(info.card_name, 'BC카드');
    assert.equal(info.install_month, '00');
    assert.match(info.card_no, /^\d{4}-\d{2}\*\*-\*\*\*\*-\d{4}$/);
    assert.equal(typeof info.card_aprv_no, 'string');
    assert.ok(info.card_aprv_no.length > 0);
  });

  test('tax_amount defaults to round(amount / 11); explicit tax_amount is echoed', async () => {
    let { body, token } = await approved({ amount: 1000 });
    assert.equal((await confirm(body, token)).json.tax_amount, 91);
    ({ body, token } = await approved({ amount: 1000, tax_amount: 90 }));
    assert.equal((await confirm(body, token)).json.tax_amount, 90);
  });

  test("uses the requested card company (its name from the card list) and installment months", async () => {
    let { body, token } = await approved({ card_cpny_cd: 'S005', install_month: '03' });
    let j = (await confirm(body, token)).json;
    assert.equal(j.pay_info[0].card_cpny_cd, 'S005');
    assert.equal(j.pay_info[0].card_name, '신한카드');
    assert.equal(j.pay_info[0].install_month, '03');
    ({ body, token } = await approved({ card_cpny_cd: 'S008' }));
    j = (await confirm(body, token)).json;
    assert.equal(j.pay_info[0].card_name, 'NH농협카드');
    ({ body, token } = await approved({ card_cpny_cd: 'Q77' }));
    j = (await confirm(body, token)).json;
    assert.equal(j.pay_info[0].card_name, '카드사 Q77');
  });

  test('tids are unique', async () => {
    const a = await approved();
    const b = await approved();
    const ta = (await confirm(a.body, a.token)).json.tid;
    const tb = (await confirm(b.body, b.token)).json.tid;
    assert.notEqual(ta, tb);
  });

  test('confirming twice -> 931', async () => {
    const { body, token } = await approved();
    assert.equal((await confirm(body, token)).json.ret_code, 0);
    const again = await confirm(body, token);
    assert.equal(again.status, 409);
    assert.equal(again.json.ret_code, 931);
  });

  test('a token of another order, or a made-up one -> 930', async () => {
    const a = await approved();
    const b = await approved();
    let r = await confirm(a.body, b.token);
    assert.equal(r.status, 400);
    assert.equal(r.json.ret_code, 930);
    r = await confirm(a.body, 'made-up');
    assert.equal(r.json.ret_code, 930);
    r = await confirm({ ...a.body, order_no: 'no-such-order' }, a.token);
    assert.equal(r.json.ret_code, 930);
    // the right token still works afterwards
    assert.equal((await confirm(a.body, a.token)).json.ret_code, 0);
  });

  test('cancelled or failed payments cannot be confirmed -> 933', async () => {
    for (const choice of ['cancel', 'fail']) {
      const { body } = await runToDecision({}, choice);
      const r = await confirm(body, 'anything');
      assert.equal(r.json.ret_code, 933, choice);
    }
  });

  test('more than 30 minutes after approval -> 932 (advance-clock); 29 minutes is fine', async () => {
    const late = await approved();
    const early = await approved();
    let adv = await postJson('/__sandbox/advance-clock', { ms: 29 * 60 * 1000 }, { key: null });
    assert.equal(adv.json.ret_code, 0);
    assert.equal((await confirm(early.body, early.token)).json.ret_code, 0);
    adv = await postJson('/__sandbox/advance-clock', { ms: 2 * 60 * 1000 }, { key: null });
    assert.equal(adv.json.ret_code, 0);
    const r = await confirm(late.body, late.token);
    assert.equal(r.status, 410);
    assert.equal(r.json.ret_code, 932);
  });

  test('confirm needs payment-key auth and all four fields', async () => {
    const { body, token } = await approved();
    const noKey = await postJson(
      '/v1.0/payments/confirm',
      { client_id: CLIENT_ID, order_no: body.order_no, confirm_token: token, ip_addr: '127.0.0.1' },
      { key: 'wrong' },
    );
    assert.equal(noKey.status, 401);
    assert.deepEqual(noKey.json, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    for (const field of ['client_id', 'order_no', 'confirm_token', 'ip_addr']) {
      /** @type {Record<string, any>} */
      const b = { client_id: CLIENT_ID, order_no: body.order_no, confirm_token: token, ip_addr: '127.0.0.1' };
      delete b[field];
      const r = await postJson('/v1.0/payments/confirm', b);
      assert.equal(r.json.ret_code, 910, field);
    }
    assert.equal((await confirm(body, token, { ip_addr: 'not-an-ip' })).json.ret_code, 913);
    const bad = await postJson('/v1.0/payments/confirm', null, { raw: '{oops' });
    assert.equal(bad.json.ret_code, 900);
    // refusals above did not spend the token
    assert.equal((await confirm(body, token)).json.ret_code, 0);
  });
});

describe('GET /businessPayment/unifiedPay/script', () => {
  /** @type {string} */
  let src;
  before(async () => {
    const res = await fetch(`${sb.origin}/businessPayment/unifiedPay/script`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    src = await res.text();
  });

  test('content type, no-store and defines openPopup; starts with the stand-in comment', () => {
    assert.ok(src.includes('openPopup'));
    assert.match(src, /^\/\*[\s\S]*SANDBOX STAND-IN[\s\S]*ASSUMPTIONS/);
    assert.ok(src.includes(JSON.stringify(sb.origin)), 'knows the sandbox origin');
  });

  /**
   * Runs the script in a fake window with controllable timers.
   * @param {() => any} openImpl
   */
  function load(openImpl) {
    /** @type {Set<Function>} */
    const listeners = new Set();
    /** @type {Map<number, { fn: Function, ms: number, repeat: boolean }>} */
    const timers = new Map();
    let nextId = 1;
    /** @type {any[][]} */
    const opened = [];
    /** @type {any} */
    const win = {
      open: (/** @type {any[]} */ ...args) => {
        opened.push(args);
        return openImpl();
      },
      addEventListener: (/** @type {string} */ t, /** @type {Function} */ f) => t === 'message' && listeners.add(f),
      removeEventListener: (/** @type {string} */ t, /** @type {Function} */ f) => t === 'message' && listeners.delete(f),
      setTimeout: (/** @type {Function} */ fn, /** @type {number} */ ms) => (timers.set(nextId, { fn, ms, repeat: false }), nextId++),
      setInterval: (/** @type {Function} */ fn, /** @type {number} */ ms) => (timers.set(nextId, { fn, ms, repeat: true }), nextId++),
      clearTimeout: (/** @type {number} */ id) => timers.delete(id),
      clearInterval: (/** @type {number} */ id) => timers.delete(id),
    };
    win.window = win;
    vm.runInNewContext(src, win);
    return {
      api: win.ShinhanBizPay,
      listeners,
      timers,
      opened,
      tick() {
        for (const [id, t] of [...timers]) {
          if (!t.repeat) timers.delete(id);
          t.fn();
        }
      },
      /** @param {any} ev */
      dispatch(ev) {
        for (const l of [...listeners]) l(ev);
      },
    };
  }

  test('RES_SUCCESS is "0000"; opens a window named ShinhanBizPay 480x720', () => {
    const popup = { closed: false };
    const w = load(() => popup);
    assert.equal(w.api.RES_SUCCESS, '0000');
    w.api.openPopup('http://x/pgsvc/pay?token=1', () => {});
    assert.deepEqual(w.opened, [['http://x/pgsvc/pay?token=1', 'ShinhanBizPay', 'width=480,height=720']]);
    assert.equal([...w.timers.values()].find((t) => t.repeat)?.ms, 300);
  });

  test('blocked popup -> P001, asynchronously, once', () => {
    const w = load(() => null);
    /** @type {any[]} */
    const calls = [];
    w.api.openPopup('u', (/** @type {any[]} */ ...a) => calls.push(a));
    assert.equal(calls.length, 0, 'not synchronous');
    w.tick();
    w.tick();
    assert.equal(calls.length, 1);
    assert.equal(calls[0][0], 'P001');
    assert.match(calls[0][1], /팝업이 차단되었습니다/);
  });

  test('only a message from the sandbox origin, from the popup, with the right source counts; once', () => {
    const popup = { closed: false };
    const w = load(() => popup);
    /** @type {any[]} */
    const calls = [];
    w.api.openPopup('u', (/** @type {any[]} */ ...a) => calls.push(a));
    const data = { source: 'kpg-sandbox-shinhan', ret_code: '0000', ret_msg: 'ok' };
    w.dispatch({ origin: 'http://evil.test', source: popup, data });
    w.dispatch({ origin: sb.origin, source: {}, data });
    w.dispatch({ origin: sb.origin, source: popup, data: { ...data, source: 'other' } });
    w.dispatch({ origin: sb.origin, source: popup, data: 'string' });
    assert.equal(calls.length, 0);
    w.dispatch({ origin: sb.origin, source: popup, data });
    assert.deepEqual(calls, [['0000', 'ok']]);
    w.dispatch({ origin: sb.origin, source: popup, data: { ...data, ret_code: 'F001' } });
    popup.closed = true;
    w.tick();
    assert.equal(calls.length, 1, 'at most once');
    assert.equal(w.listeners.size, 0, 'listener removed');
    assert.equal(w.timers.size, 0, 'poll timer cleared');
  });

  test('window closed before any message -> C002 on the next poll', () => {
    const popup = { closed: false };
    const w = load(() => popup);
    /** @type {any[]} */
    const calls = [];
    w.api.openPopup('u', (/** @type {any[]} */ ...a) => calls.push(a));
    w.tick();
    assert.equal(calls.length, 0);
    popup.closed = true;
    w.tick();
    assert.deepEqual(calls, [['C002', '결제창이 닫혔습니다']]);
    w.dispatch({ origin: sb.origin, source: popup, data: { source: 'kpg-sandbox-shinhan', ret_code: '0000', ret_msg: '' } });
    assert.equal(calls.length, 1);
  });

  test('a blocked popup superseded before its P001 fires never calls back', () => {
    const popup = { closed: false };
    const results = [null, popup];
    const w = load(() => results.shift());
    /** @type {any[]} */
    const a = [];
    /** @type {any[]} */
    const b = [];
    w.api.openPopup('u1', (/** @type {any[]} */ ...x) => a.push(x));
    w.api.openPopup('u2', (/** @type {any[]} */ ...x) => b.push(x));
    w.tick();
    assert.deepEqual(a, []);
    assert.deepEqual(b, []);
  });

  test('a new openPopup supersedes the previous one', () => {
    const first = { closed: false };
    const second = { closed: false };
    const popups = [first, second];
    const w = load(() => popups.shift());
    /** @type {any[]} */
    const a = [];
    /** @type {any[]} */
    const b = [];
    w.api.openPopup('u1', (/** @type {any[]} */ ...x) => a.push(x));
    w.api.openPopup('u2', (/** @type {any[]} */ ...x) => b.push(x));
    assert.equal(w.listeners.size, 1);
    assert.equal([...w.timers.values()].filter((t) => t.repeat).length, 1);
    first.closed = true;
    w.tick();
    w.dispatch({ origin: sb.origin, source: second, data: { source: 'kpg-sandbox-shinhan', ret_code: 'C001', ret_msg: 'c' } });
    assert.deepEqual(a, [], 'superseded callback never called');
    assert.deepEqual(b, [['C001', 'c']]);
  });
});

describe('control routes and routing', () => {
  test('GET /__sandbox/payments lists payments; POST /__sandbox/reset clears them', async () => {
    const body = requestBody();
    await requestPayment(body);
    /** @type {any} */
    let list = await (await fetch(`${sb.origin}/__sandbox/payments`)).json();
    assert.ok(list.payments.some((/** @type {any} */ p) => p.orderNo === body.order_no && p.status === 'requested'));
    const reset = await postJson('/__sandbox/reset', {}, { key: null });
    assert.equal(reset.json.ret_code, 0);
    list = await (await fetch(`${sb.origin}/__sandbox/payments`)).json();
    assert.deepEqual(list.payments, []);
    // the order_no can be used again after a reset
    assert.equal((await requestPayment(body)).json.ret_code, 0);
  });

  test('advance-clock refuses bad input and moves sandbox time forward', async () => {
    const bad = await postJson('/__sandbox/advance-clock', { ms: -5 }, { key: null });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.ret_code, 913);
    const before = sb.sandbox.clock.now();
    const r = await postJson('/__sandbox/advance-clock', { ms: 3_600_000 }, { key: null });
    assert.equal(r.json.ret_code, 0);
    assert.ok(sb.sandbox.clock.now() - before >= 3_600_000);
  });

  test('unknown routes -> 404 JSON; wrong method -> 405', async () => {
    let res = await fetch(`${sb.origin}/v1.0/payments/nope`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal((/** @type {any} */ (await res.json())).ret_code, 904);
    res = await fetch(`${sb.origin}/v1.0/payments/request`);
    assert.equal(res.status, 405);
    assert.equal((/** @type {any} */ (await res.json())).ret_code, 905);
    res = await fetch(`${sb.origin}/v1.0/payments/info/card-list`, { method: 'POST' });
    assert.equal(res.status, 405);
    res = await fetch(`${sb.origin}/srs/htdocs/publish/images/icon_card_nope.svg`);
    assert.equal(res.status, 404);
  });
});

describe('several merchants', () => {
  test("one merchant's payment key cannot be used for another client_id", async () => {
    const other = await startShinhanSandbox({
      port: 0,
      merchants: [
        DEFAULT_MERCHANT,
        { clientId: 'shop2', paymentApiKey: 'shop2-payment-key', searchApiKey: 'shop2-search-key' },
      ],
    });
    origin = other.origin;
    try {
      const body = requestBody(); // kpgdemo01, hash with kpgdemo01's key
      const r = await postJson('/v1.0/payments/request', body, { key: 'shop2-payment-key' });
      assert.equal(r.status, 401);
      assert.equal(r.json.ret_code, 998);
      const own = requestBody({ client_id: 'shop2' }, { rehash: false });
      own.param_ispt_hash = sha256(
        `shop2${own.user_id}${own.order_no}${own.pay_type}${own.amount}shop2-payment-key`,
      );
      const ok = await postJson('/v1.0/payments/request', own, { key: 'shop2-payment-key' });
      assert.equal(ok.json.ret_code, 0, JSON.stringify(ok.json));
      // the same order_no is independent per client
      const again = requestBody({ order_no: own.order_no });
      assert.equal((await requestPayment(again)).json.ret_code, 0);
    } finally {
      origin = sb.origin;
      await other.close();
    }
  });
});

describe('injected clock', () => {
  test('tx_date is the sandbox clock in Korea time', async () => {
    const fixed = Date.UTC(2024, 0, 1, 3, 4, 5); // 2024-01-01 12:04:05 KST
    const other = await startShinhanSandbox({ port: 0, now: () => fixed });
    origin = other.origin;
    try {
      const { body, decision } = await runToDecision({}, 'approve');
      const j = (await confirm(body, returnForm(decision.html).fields.confirm_token)).json;
      assert.equal(j.tx_date, '2024-01-01 12:04:05');
      assert.match(j.tid, /^SPG20240101120405/);
    } finally {
      origin = sb.origin;
      await other.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------ search APIs

/**
 * GET with `Authorization: SPGKEY {key}` (the search key unless told); parses JSON.
 * @param {string} path
 * @param {{ key?: string | null, authorization?: string, base?: string }} [opts]
 */
async function getJson(path, { key = SEARCH_KEY, authorization, base } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (authorization !== undefined) headers.authorization = authorization;
  else if (key !== null) headers.authorization = `SPGKEY ${key}`;
  const res = await fetch((base ?? origin) + path, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) };
}

/** @param {Record<string, string>} params */
const cardListPath = (params) => `/v1.0/payments/info/card-list?${new URLSearchParams(params)}`;

const CARD_FIELDS = [
  'card_cpny_cd', 'card_cpny_name', 'image_url', 'sort_no', 'istl_psbl_amt', 'istl_start_mnts', 'istl_finish_mnts',
  'nintr_istl_start_mnts', 'nintr_istl_finish_mnts', 'mult_part_nintr_istl_mnts', 'nintr_yn', 'point_use_yn',
  'notice_list', 'prmt_list',
].sort();
const PRMT_FIELDS = ['prmt_name', 'prmt_ctnt', 'prmt_cndi_amt', 'prmt_amt', 'id_max_aply_yn', 'max_cnt_aply_type', 'max_cnt'].sort();

/** @param {unknown} v */
const isInt = (v) => typeof v === 'number' && Number.isSafeInteger(v);

describe('GET /v1.0/payments/info/card-list: keys and parameters', () => {
  const good = { client_id: CLIENT_ID, pgcode: 'card' };

  for (const [label, opts] of /** @type {[string, { key?: string | null, authorization?: string }][]} */ ([
    ['missing', { key: null }],
    ['wrong', { key: 'not-the-key' }],
    ['the PAYMENT key instead of the search key', { key: PAYMENT_KEY }],
    ['another scheme than SPGKEY', { authorization: `Bearer ${SEARCH_KEY}` }],
  ])) {
    test(`SPGKEY ${label} -> 401 {ret_code: 998}`, async () => {
      const r = await getJson(cardListPath(good), opts);
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    });
  }

  test('the search key is accepted (scheme case-insensitive); JSON, no-store', async () => {
    let r = await getJson(cardListPath(good));
    assert.equal(r.status, 200);
    assert.equal(r.json.ret_code, 0);
    assert.equal(r.json.ret_msg, 'OK');
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    r = await getJson(cardListPath(good), { authorization: `spgkey ${SEARCH_KEY}` });
    assert.equal(r.json.ret_code, 0);
  });

  test('the search key does not open the payment APIs', async () => {
    const r = await postJson('/v1.0/payments/request', requestBody(), { key: SEARCH_KEY });
    assert.equal(r.status, 401);
    assert.equal(r.json.ret_code, 998);
  });

  test('client_id and pgcode are required (910), sized (912), pgcode known (913), client known (920)', async () => {
    /** @type {[Record<string, string>, number, number, RegExp][]} */
    const cases = [
      [{ pgcode: 'card' }, 400, 910, /client_id/],
      [{ client_id: CLIENT_ID }, 400, 910, /pgcode/],
      [{ client_id: '', pgcode: 'card' }, 400, 910, /client_id/],
      [{ client_id: CLIENT_ID, pgcode: '' }, 400, 910, /pgcode/],
      [{ client_id: 'x'.repeat(11), pgcode: 'card' }, 400, 912, /client_id/],
      [{ client_id: CLIENT_ID, pgcode: 'bank' }, 400, 913, /pgcode/],
      [{ client_id: 'nobody', pgcode: 'card' }, 400, 920, /client_id/],
    ];
    for (const [params, status, code, msg] of cases) {
      const r = await getJson(cardListPath(params));
      assert.equal(r.status, status, JSON.stringify(params));
      assert.equal(r.json.ret_code, code, JSON.stringify(params));
      assert.match(r.json.ret_msg, msg);
      assert.deepEqual(Object.keys(r.json).sort(), ['ret_code', 'ret_msg']);
    }
  });

  test("another merchant's search key cannot read this client's list", async () => {
    const other = await startShinhanSandbox({
      port: 0,
      merchants: [DEFAULT_MERCHANT, { clientId: 'shop2', paymentApiKey: 'shop2-payment-key', searchApiKey: 'shop2-search-key' }],
    });
    try {
      let r = await getJson(cardListPath(good), { key: 'shop2-search-key', base: other.origin });
      assert.equal(r.status, 401);
      assert.equal(r.json.ret_code, 998);
      r = await getJson(cardListPath({ client_id: 'shop2', pgcode: 'card' }), { key: 'shop2-search-key', base: other.origin });
      assert.equal(r.json.ret_code, 0);
    } finally {
      await other.close();
    }
  });
});

describe('GET /v1.0/payments/info/card-list: the list', () => {
  /** @type {any[]} */
  let list;
  before(async () => {
    list = (await getJson(cardListPath({ client_id: CLIENT_ID, pgcode: 'card' }))).json.list;
  });

  test('is an array of realistic Korean card companies; S001 = BC카드, S005 present', () => {
    assert.ok(Array.isArray(list));
    assert.ok(list.length >= 10);
    const names = list.map((c) => c.card_cpny_name);
    for (const name of ['BC카드', '국민카드', '하나카드', '삼성카드', '신한카드', '현대카드', '롯데카드', 'NH농협카드', '우리카드', '씨티카드']) {
      assert.ok(names.includes(name), name);
    }
    assert.equal(list.find((c) => c.card_cpny_cd === 'S001')?.card_cpny_name, 'BC카드');
    assert.ok(list.some((c) => c.card_cpny_cd === 'S005'));
    const codes = list.map((c) => c.card_cpny_cd);
    for (const code of codes) assert.match(code, /^S0\d\d$/);
    assert.equal(new Set(codes).size, codes.length, 'codes are unique');
    assert.equal(new Set(names).size, names.length, 'names are unique');
  });

  test('every field of the table is present with its type', () => {
    for (const c of list) {
      const at = c.card_cpny_cd;
      assert.deepEqual(Object.keys(c).sort(), CARD_FIELDS, at);
      assert.ok(typeof c.card_cpny_cd === 'string' && c.card_cpny_cd.length <= 10, at);
      assert.ok(typeof c.card_cpny_name === 'string' && c.card_cpny_name.length > 0 && [...c.card_cpny_name].length <= 20, at);
      assert.ok(typeof c.image_url === 'string' && c.image_url.length <= 100, at);
      assert.match(c.image_url, /^\/srs\/htdocs\/publish\/images\/icon_card_[a-z]+\.svg$/, `${at}: relative path`);
      assert.ok(isInt(c.sort_no), at);
      assert.ok(isInt(c.istl_psbl_amt) && c.istl_psbl_amt > 0, at);
      assert.match(c.istl_start_mnts, /^\d{2}$/, at);
      assert.match(c.istl_finish_mnts, /^\d{2}$/, at);
      assert.ok(Number(c.istl_start_mnts) <= Number(c.istl_finish_mnts) && Number(c.istl_finish_mnts) <= 12, at);
      assert.ok(c.nintr_yn === 'Y' || c.nintr_yn === 'N', at);
      assert.ok(c.point_use_yn === 'Y' || c.point_use_yn === 'N', at);
      for (const f of ['nintr_istl_start_mnts', 'nintr_istl_finish_mnts']) {
        assert.ok(c[f] === null || /^\d{2}$/.test(c[f]), `${at} ${f}`);
      }
      assert.equal(c.nintr_istl_start_mnts === null, c.nintr_istl_finish_mnts === null, `${at}: both or neither`);
      assert.ok(
        c.mult_part_nintr_istl_mnts === 0 || (typeof c.mult_part_nintr_istl_mnts === 'string' && /^\d{1,2}(,\d{1,2})*$/.test(c.mult_part_nintr_istl_mnts)),
        `${at} mult_part_nintr_istl_mnts`,
      );
      if (c.nintr_yn === 'N') {
        assert.equal(c.nintr_istl_start_mnts, null, at);
        assert.equal(c.mult_part_nintr_istl_mnts, 0, at);
      } else {
        assert.ok(c.nintr_istl_start_mnts !== null || c.mult_part_nintr_istl_mnts !== 0, `${at}: Y has some 무이자 months`);
      }
      assert.ok(Array.isArray(c.notice_list), at);
      for (const n of c.notice_list) {
        assert.deepEqual(Object.keys(n).sort(), ['notice_msg', 'notice_type'], at);
        assert.ok([1, 2, 3].includes(n.notice_type), at);
        assert.ok(typeof n.notice_msg === 'string' && n.notice_msg.length > 0, at);
      }
      assert.ok(Array.isArray(c.prmt_list), at);
      for (const p of c.prmt_list) {
        assert.deepEqual(Object.keys(p).sort(), PRMT_FIELDS, at);
        assert.ok(typeof p.prmt_name === 'string' && [...p.prmt_name].length <= 30, at);
        assert.equal(typeof p.prmt_ctnt, 'string', at);
        assert.ok(isInt(p.prmt_cndi_amt) && isInt(p.prmt_amt) && p.prmt_amt < p.prmt_cndi_amt, at);
        assert.ok(p.id_max_aply_yn === 'Y' || p.id_max_aply_yn === 'N', at);
        assert.ok([1, 2, 3, 4].includes(p.max_cnt_aply_type), at);
        assert.ok(isInt(p.max_cnt) && p.max_cnt > 0, at);
      }
    }
  });

  test('varied data: installment ranges, 무이자 forms, one notice of each type, two promotions', () => {
    assert.ok(list.filter((c) => c.istl_psbl_amt === 50000).length > list.length / 2, 'most from 50,000 won');
    assert.ok(list.some((c) => c.istl_finish_mnts === '06'), 'one card only up to 6 months');
    assert.ok(list.every((c) => c.istl_start_mnts === '02'));
    assert.ok(list.some((c) => c.nintr_istl_start_mnts === '02' && c.nintr_istl_finish_mnts === '03'));
    assert.ok(list.some((c) => c.mult_part_nintr_istl_mnts === '2,3,6'));
    assert.ok(list.some((c) => c.mult_part_nintr_istl_mnts === 0));
    assert.ok(list.some((c) => c.nintr_yn === 'N') && list.some((c) => c.nintr_yn === 'Y'));
    assert.ok(list.some((c) => c.point_use_yn === 'N') && list.some((c) => c.point_use_yn === 'Y'));
    const notices = list.flatMap((c) => c.notice_list.map((/** @type {any} */ n) => n.notice_type));
    for (const type of [1, 2, 3]) assert.equal(notices.filter((t) => t === type).length, 1, `notice_type ${type}`);
    const outage = list.find((c) => c.notice_list.some((/** @type {any} */ n) => n.notice_type === 2));
    assert.match(outage.notice_list[0].notice_msg, /장애/);
    const promos = list.filter((c) => c.prmt_list.length > 0);
    assert.ok(promos.length >= 2);
    const amounts = promos.flatMap((c) => c.prmt_list.map((/** @type {any} */ p) => p.prmt_cndi_amt));
    assert.ok(amounts.includes(30000) && amounts.includes(100000));
  });

  test('sort_no is unique but the array is NOT in sort_no order (clients must sort)', () => {
    const sortNos = list.map((c) => c.sort_no);
    assert.equal(new Set(sortNos).size, sortNos.length);
    const sorted = [...sortNos].sort((a, b) => a - b);
    assert.notDeepEqual(sortNos, sorted);
    assert.notEqual(list[0].sort_no, sorted[0], 'the first card is not the first to show');
  });

  test('is the exported cards.mjs data; nauthcard (and the other pgcodes) get the same list', async () => {
    assert.deepEqual(list, JSON.parse(JSON.stringify(CARD_COMPANIES)));
    assert.deepEqual(cardListFor('card'), JSON.parse(JSON.stringify(CARD_COMPANIES)));
    assert.equal(cardListFor('bank'), null);
    for (const pgcode of ['nauthcard', 'selpay', 'bizselpay']) {
      const r = await getJson(cardListPath({ client_id: CLIENT_ID, pgcode }));
      assert.equal(r.json.ret_code, 0, pgcode);
      assert.deepEqual(r.json.list, list, pgcode);
    }
  });

  test('every image_url is served as a distinct SVG, image/svg+xml, max-age=3600', async () => {
    assert.deepEqual([...CARD_IMAGES.keys()].sort(), list.map((c) => c.image_url).sort());
    /** @type {Set<string>} */
    const fills = new Set();
    for (const c of list) {
      const res = await fetch(origin + c.image_url);
      assert.equal(res.status, 200, c.image_url);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml', c.image_url);
      assert.equal(res.headers.get('cache-control'), 'max-age=3600', c.image_url);
      const svg = await res.text();
      assert.match(svg, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, /<\/svg>\s*$/);
      assert.ok(svg.includes(`>${CARD_SHORT_NAMES[c.card_cpny_cd]}</text>`), `${c.card_cpny_cd} shows its short name`);
      assert.match(CARD_SHORT_NAMES[c.card_cpny_cd], /^[A-Z]+$/);
      const fill = /<rect [^>]*fill="(#[0-9A-F]{6})"/.exec(svg);
      assert.ok(fill, c.image_url);
      fills.add(fill[1]);
    }
    assert.equal(fills.size, list.length, 'distinct colours');
    const head = await fetch(origin + list[0].image_url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'image/svg+xml');
  });
});

describe('GET /v1.0/receipt/info/{tid} and the 거래 확인서 page', () => {
  /**
   * A payment the buyer approved and the merchant confirmed.
   * @param {Record<string, any>} [overrides]
   */
  async function confirmedPayment(overrides = {}) {
    const { body, decision } = await runToDecision(overrides, 'approve');
    const c = await confirm(body, returnForm(decision.html).fields.confirm_token);
    assert.equal(c.json.ret_code, 0, JSON.stringify(c.json));
    return { body, answer: c.json };
  }

  /**
   * @param {string} tid
   * @param {Record<string, string>} params
   * @param {{ key?: string | null, base?: string }} [opts]
   */
  const receiptInfo = (tid, params, opts) =>
    getJson(`/v1.0/receipt/info/${encodeURIComponent(tid)}?${new URLSearchParams(params)}`, opts);

  /** @param {{ body: Record<string, any>, answer: any }} p */
  const goodParams = ({ body, answer }) => ({
    client_id: body.client_id,
    amunt: String(body.amount),
    tx_ymd: answer.tx_date.slice(0, 10),
  });

  test('happy path: redirect_url to the receipt page, which shows the payment', async () => {
    const p = await confirmedPayment({ card_cpny_cd: 'S005', install_month: '03', product_name: '영수증 테스트 상품', amount: 52000 });
    const r = await receiptInfo(p.answer.tid, goodParams(p));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(Object.keys(r.json).sort(), ['redirect_url', 'ret_code', 'ret_msg']);
    assert.equal(r.json.ret_code, 0);
    assert.equal(r.json.ret_msg, 'OK');
    assert.ok(r.json.redirect_url.startsWith(`${origin}/pgsvc/receipt?id=`), r.json.redirect_url);
    assert.ok(r.json.redirect_url.length <= 1000);

    const page = await getPage(r.json.redirect_url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.html, /<html lang="ko">/);
    assert.match(page.html, /<meta charset="utf-8">/);
    assert.match(page.html, /거래 확인서/);
    assert.equal(textById(page.html, 'receipt-tid'), p.answer.tid);
    assert.equal(textById(page.html, 'receipt-amount'), '52,000원');
    assert.equal(textById(page.html, 'receipt-product'), '영수증 테스트 상품');
    assert.equal(textById(page.html, 'receipt-merchant'), CLIENT_ID);
    assert.equal(textById(page.html, 'receipt-status'), '승인');
    assert.equal(textById(page.html, 'receipt-date'), p.answer.tx_date);
    assert.equal(textById(page.html, 'receipt-card-company'), '신한카드');
    assert.equal(textById(page.html, 'receipt-card-no'), p.answer.pay_info[0].card_no);
    assert.equal(textById(page.html, 'receipt-approval-no'), p.answer.pay_info[0].card_aprv_no);
    assert.equal(textById(page.html, 'receipt-install'), '3개월 할부');
    assert.equal(textById(page.html, 'receipt-tax'), `${p.answer.tax_amount.toLocaleString('en-US')}원`);

    // the id can be used again (unlike the payment token), and asking again works too
    assert.equal((await getPage(r.json.redirect_url)).status, 200);
    const again = await receiptInfo(p.answer.tid, goodParams(p));
    assert.equal(again.json.ret_code, 0);
    assert.equal(textById((await getPage(again.json.redirect_url)).html, 'receipt-tid'), p.answer.tid);
  });

  test('`amount` is accepted instead of `amunt`; both given and different -> 913', async () => {
    const p = await confirmedPayment();
    const { amunt, ...rest } = goodParams(p);
    let r = await receiptInfo(p.answer.tid, { ...rest, amount: amunt });
    assert.equal(r.json.ret_code, 0, JSON.stringify(r.json));
    r = await receiptInfo(p.answer.tid, { ...rest, amunt, amount: amunt });
    assert.equal(r.json.ret_code, 0);
    r = await receiptInfo(p.answer.tid, { ...rest, amunt, amount: '1' });
    assert.equal(r.status, 400);
    assert.equal(r.json.ret_code, 913);
  });

  test('wrong amount -> 942; amount not digits -> 911; missing -> 910', async () => {
    const p = await confirmedPayment();
    const good = goodParams(p);
    let r = await receiptInfo(p.answer.tid, { ...good, amunt: String(p.body.amount + 1) });
    assert.equal(r.status, 400);
    assert.equal(r.json.ret_code, 942);
    assert.equal(r.json.redirect_url, undefined);
    r = await receiptInfo(p.answer.tid, { ...good, amunt: '11,000' });
    assert.equal(r.json.ret_code, 911);
    const { amunt: _drop, ...noAmount } = good;
    r = await receiptInfo(p.answer.tid, noAmount);
    assert.equal(r.json.ret_code, 910);
    assert.match(r.json.ret_msg, /amunt/);
  });

  test('wrong date -> 943; not YYYY-MM-DD -> 913 / 912; missing -> 910', async () => {
    const p = await confirmedPayment();
    const good = goodParams(p);
    const next = new Date(Date.parse(`${good.tx_ymd}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
    let r = await receiptInfo(p.answer.tid, { ...good, tx_ymd: next });
    assert.equal(r.status, 400);
    assert.equal(r.json.ret_code, 943);
    for (const bad of [good.tx_ymd.replace(/-/g, ''), '2024-02-30', '2024/01/01']) {
      r = await receiptInfo(p.answer.tid, { ...good, tx_ymd: bad });
      assert.equal(r.json.ret_code, 913, bad);
    }
    r = await receiptInfo(p.answer.tid, { ...good, tx_ymd: `${good.tx_ymd} 00:00:00` });
    assert.equal(r.json.ret_code, 912);
    const { tx_ymd: _drop, ...noDate } = good;
    r = await receiptInfo(p.answer.tid, noDate);
    assert.equal(r.json.ret_code, 910);
  });

  test('the date is the Korea-time date of tx_date', async () => {
    const fixed = Date.UTC(2024, 0, 1, 15, 30, 0); // 2024-01-02 00:30:00 KST
    const other = await startShinhanSandbox({ port: 0, now: () => fixed });
    origin = other.origin;
    try {
      const p = await confirmedPayment();
      assert.equal(p.answer.tx_date, '2024-01-02 00:30:00');
      let r = await receiptInfo(p.answer.tid, { client_id: CLIENT_ID, amunt: '11000', tx_ymd: '2024-01-01' });
      assert.equal(r.json.ret_code, 943, 'the UTC date is not the transaction date');
      r = await receiptInfo(p.answer.tid, { client_id: CLIENT_ID, amunt: '11000', tx_ymd: '2024-01-02' });
      assert.equal(r.json.ret_code, 0);
    } finally {
      origin = sb.origin;
      await other.close();
    }
  });

  test('unknown tid -> 404 / 940; empty tid -> 910', async () => {
    let r = await receiptInfo('SPG20240101000000DEADBEEF00', { client_id: CLIENT_ID, amunt: '11000', tx_ymd: '2024-01-01' });
    assert.equal(r.status, 404);
    assert.equal(r.json.ret_code, 940);
    r = await getJson(`/v1.0/receipt/info/?${new URLSearchParams({ client_id: CLIENT_ID, amunt: '1', tx_ymd: '2024-01-01' })}`);
    assert.equal(r.json.ret_code, 910);
    assert.match(r.json.ret_msg, /tid/);
  });

  test('an approved but unconfirmed payment has no receipt -> 941; after confirm it has', async () => {
    const { body, decision } = await runToDecision({}, 'approve');
    /** @type {any} */
    const list = await (await fetch(`${origin}/__sandbox/payments`)).json();
    const rec = list.payments.find((/** @type {any} */ x) => x.orderNo === body.order_no);
    assert.equal(rec.status, 'approved');
    assert.equal(typeof rec.tid, 'string', 'the tid exists from approval on');
    const today = new Date(sb.sandbox.clock.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
    const params = { client_id: CLIENT_ID, amunt: String(body.amount), tx_ymd: today };
    let r = await receiptInfo(rec.tid, params);
    assert.equal(r.status, 400);
    assert.equal(r.json.ret_code, 941);
    const c = await confirm(body, returnForm(decision.html).fields.confirm_token);
    assert.equal(c.json.tid, rec.tid, 'confirm reports the same tid');
    r = await receiptInfo(rec.tid, { ...params, tx_ymd: c.json.tx_date.slice(0, 10) });
    assert.equal(r.json.ret_code, 0);
  });

  test('cancelled or failed payments have no tid to ask about', async () => {
    for (const choice of ['cancel', 'fail']) {
      const { body } = await runToDecision({}, choice);
      /** @type {any} */
      const list = await (await fetch(`${origin}/__sandbox/payments`)).json();
      assert.equal(list.payments.find((/** @type {any} */ x) => x.orderNo === body.order_no).tid, null, choice);
    }
  });

  test('keys: the search key only; client_id required and known', async () => {
    const p = await confirmedPayment();
    const good = goodParams(p);
    for (const key of [PAYMENT_KEY, null, 'nope']) {
      const r = await receiptInfo(p.answer.tid, good, { key });
      assert.equal(r.status, 401, String(key));
      assert.deepEqual(r.json, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    }
    const { client_id: _drop, ...noClient } = good;
    let r = await receiptInfo(p.answer.tid, noClient);
    assert.equal(r.json.ret_code, 910);
    r = await receiptInfo(p.answer.tid, { ...good, client_id: 'nobody' });
    assert.equal(r.json.ret_code, 920);
  });

  test("another client's tid is unknown to this client (940)", async () => {
    const shop2 = { clientId: 'shop2', paymentApiKey: 'shop2-payment-key', searchApiKey: 'shop2-search-key' };
    const other = await startShinhanSandbox({ port: 0, merchants: [DEFAULT_MERCHANT, shop2] });
    origin = other.origin;
    try {
      const p = await confirmedPayment(); // kpgdemo01's payment
      const r = await receiptInfo(p.answer.tid, { ...goodParams(p), client_id: 'shop2' }, { key: 'shop2-search-key' });
      assert.equal(r.status, 404);
      assert.equal(r.json.ret_code, 940);
    } finally {
      origin = sb.origin;
      await other.close();
    }
  });

  test('the receipt page escapes every value', async () => {
    const evil = '<b>"&\'</b><script>x</script>';
    const p = await confirmedPayment({ product_name: evil, user_name: '<i>홍</i>' });
    const r = await receiptInfo(p.answer.tid, goodParams(p));
    const page = await getPage(r.json.redirect_url);
    assert.equal(page.status, 200);
    assert.ok(!page.html.includes('<b>') && !page.html.includes('<script>x') && !page.html.includes('<i>'));
    assert.equal(textById(page.html, 'receipt-product'), '&lt;b&gt;&quot;&amp;&#39;&lt;/b&gt;&lt;script&gt;x&lt;/script&gt;');
    assert.equal(unescapeHtml(/** @type {string} */ (textById(page.html, 'receipt-product'))), evil);
    assert.equal(textById(page.html, 'receipt-buyer'), '&lt;i&gt;홍&lt;/i&gt;');
  });

  test('unknown receipt id -> 404 page; no id -> 400; a reset forgets receipts', async () => {
    let page = await getPage(`${origin}/pgsvc/receipt?id=not-a-receipt`);
    assert.equal(page.status, 404);
    assert.match(page.html, /<html lang="ko">/);
    assert.equal(textById(page.html, 'receipt-tid'), null);
    page = await getPage(`${origin}/pgsvc/receipt`);
    assert.equal(page.status, 400);

    const other = await startShinhanSandbox({ port: 0 });
    origin = other.origin;
    try {
      const p = await confirmedPayment();
      const url = (await receiptInfo(p.answer.tid, goodParams(p))).json.redirect_url;
      assert.equal((await getPage(url)).status, 200);
      await postJson('/__sandbox/reset', {}, { key: null });
      assert.equal((await getPage(url)).status, 404);
      assert.equal((await receiptInfo(p.answer.tid, goodParams(p))).json.ret_code, 940);
    } finally {
      origin = sb.origin;
      await other.close();
    }
  });
});

test('appendQuery keeps an existing query and fragment', () => {
  assert.equal(appendQuery('http://a/x', { o: '1' }), 'http://a/x?o=1');
  assert.equal(appendQuery('http://a/x?k=a%20b', { o: '1 2' }), 'http://a/x?k=a%20b&o=1+2');
  assert.equal(appendQuery('http://a/x?', { o: '1' }), 'http://a/x?o=1');
  assert.equal(appendQuery('http://a/x?k=v#h', { o: '1' }), 'http://a/x?k=v&o=1#h');
});

describe('issue 11: selpay\'s 가상계좌', () => {
  /** @param {string} nonce @param {Record<string, string>} form */
  async function decideWith(nonce, form) {
    const res = await fetch(`${origin}/pgsvc/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, ...form }) });
    return { status: res.status, html: await res.text() };
  }
  /** @param {Record<string, any>} [overrides] */
  async function issue(overrides = {}) {
    const body = requestBody({ pgcode: 'selpay', ...overrides });
    const r = await requestPayment(body);
    const page = await getPage(r.json.redirect_url);
    const d = await decideWith(nonceOf(page.html), { choice: 'approve', method: 'vbank' });
    return { body, page, d };
  }
  /** @param {string} orderNo */
  const confirmInfo = (orderNo) => getJson(`/v1.0/payments/confirm-info?client_id=${CLIENT_ID}&order_no=${orderNo}`);
  /** @param {unknown} body */
  const deposit = (body) => postJson('/__sandbox/vbank', body, { key: null });

  test('selpay and bizselpay offer 가상계좌; card does not', async () => {
    assert.match((await getPage((await requestPayment(requestBody({ pgcode: 'selpay' }))).json.redirect_url)).html, /id="method-vbank"/);
    assert.doesNotMatch((await getPage((await requestPayment(requestBody())).json.redirect_url)).html, /id="method-vbank"/);
  });

  test('the window shows the account and waits for 확인; it then posts the document\'s fields to return_url, without a confirm token or the account number', async () => {
    const { body, d } = await issue({ custom_parameter: 'nonce-1' });
    assert.equal(d.status, 200);
    const accountNo = textById(d.html, 'vbank-account-no');
    assert.match(accountNo ?? '', /^562\d{11}$/);
    assert.equal(textById(d.html, 'vbank-holder'), '(주)케이피지데모');
    assert.equal(pageData(d.html).confirm, true, 'the page waits for the buyer');
    const form = returnForm(d.html);
    assert.equal(form.action, body.return_url);
    assert.deepEqual(Object.keys(form.fields).sort(), ['bank_nm', 'custom_parameter', 'email', 'escr_yn', 'gods_nm', 'order_no', 'pay_amt', 'ret_code', 'ret_msg', 'tid', 'user_nm', 'user_tel_no', 'vald_dt'].sort());
    assert.deepEqual([form.fields.order_no, form.fields.custom_parameter, form.fields.pay_amt, form.fields.ret_code, form.fields.bank_nm], [body.order_no, 'nonce-1', '11000', '0', '신한은행']);
    assert.match(form.fields.vald_dt, /^\d{8}$/);
    assert.ok(!Object.values(form.fields).includes(/** @type {string} */ (accountNo)));
  });

  test('confirm-info: the issued account with tx_stat 0 (assumption, issue 19) until the deposit, then tx_stat 1 with the account\'s tid; one deposit only; none after the due day (advance-clock)', async () => {
    const { body, d } = await issue();
    const tid = returnForm(d.html).fields.tid;
    const waiting = (await confirmInfo(body.order_no)).json;
    assert.deepEqual([waiting.ret_code, waiting.tid, waiting.tx_stat, waiting.tx_amount, waiting.tx_date], [0, tid, 0, 11000, undefined]);
    assert.equal((await confirmInfo(`${body.order_no}x`)).json.ret_msg, 'there is no data.', 'an account the PG did not issue');
    const page = await getPage(`${origin}/__sandbox/vbank`);
    assert.match(page.html, new RegExp(`id="deposit-${tid}"`));
    assert.equal((await deposit({ tid })).status, 200);
    const info = (await confirmInfo(body.order_no)).json;
    assert.deepEqual([info.ret_code, info.tid, info.tx_stat, info.tx_amount], [0, tid, 1, 11000]);
    assert.equal((await deposit({ tid })).status, 409);
    const late = await issue();
    await postJson('/__sandbox/advance-clock', { ms: 4 * 86_400_000 }, { key: null });
    try {
      assert.equal((await deposit({ tid: returnForm(late.d.html).fields.tid })).status, 409);
    } finally {
      await postJson('/__sandbox/reset', {}, { key: null });
    }
  });
});
