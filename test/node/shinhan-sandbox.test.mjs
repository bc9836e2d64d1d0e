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

const CLIENT_ID = 'kpgdemo01';
const PAYMENT_KEY = 'sandbox-payment-key-0001';
const SEARCH_KEY = 'sandbox-search-key-0001';
const SHOP = 'http://shop.test:8765';

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

  test('shows card company and installment months', async () => {
    let r = await requestPayment(requestBody({ card_cpny_cd: 'S001', install_month: '03' }));
    let page = await getPage(r.json.redirect_url);
    assert.equal(textById(page.html, 'card-company'), '카드사 S001');
    assert.equal(textById(page.html, 'install-month'), '할부 3개월');
    assert.match(page.html, /카드사 S001<\/span> · <span id="install-month">할부 3개월/);

    r = await requestPayment(requestBody({ install_month: '00' }));
    page = await getPage(r.json.redirect_url);
    assert.equal(textById(page.html, 'install-month'), '일시불');
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

  test('uses the requested card company and installment months', async () => {
    const { body, token } = await approved({ card_cpny_cd: 'S005', install_month: '03' });
    const j = (await confirm(body, token)).json;
    assert.equal(j.pay_info[0].card_cpny_cd, 'S005');
    assert.equal(j.pay_info[0].install_month, '03');
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
    // not yet built: search APIs
    res = await fetch(`${sb.origin}/v1.0/payments/info/card-list`);
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

test('appendQuery keeps an existing query and fragment', () => {
  assert.equal(appendQuery('http://a/x', { o: '1' }), 'http://a/x?o=1');
  assert.equal(appendQuery('http://a/x?k=a%20b', { o: '1 2' }), 'http://a/x?k=a%20b&o=1+2');
  assert.equal(appendQuery('http://a/x?', { o: '1' }), 'http://a/x?o=1');
  assert.equal(appendQuery('http://a/x?k=v#h', { o: '1' }), 'http://a/x?k=v&o=1#h');
});
