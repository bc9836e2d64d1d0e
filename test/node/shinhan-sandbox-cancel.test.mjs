// @ts-check
/**
 * The sandbox Shinhan PG's cancels (issue 22): v1.0/payments/cancel and v1.0/payments/cancel/partial as
 * shinhan-spg-api.txt gives them (lines 373-454), the promotion rule exactly as the document's example,
 * confirm-info reporting tx_stat 2 / 3 with cncl_date / cncl_rsn, the faults armed per call, and the admin
 * page that cancels behind the shop's back.
 * Run: node --test test/node/shinhan-sandbox-cancel.test.mjs
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startShinhanSandbox } from '../../demo/sandbox/shinhan/server.mjs';
import { defaultTaxAmount, processedPartialAmount } from '../../demo/sandbox/shinhan/cancel.mjs';

const CLIENT_ID = 'kpgdemo01';
const PAYMENT_KEY = 'sandbox-payment-key-0001';
const SEARCH_KEY = 'sandbox-search-key-0001';
const SHOP = 'http://shop.test:8765';
/** The document's example (line 414): "5천원 이상일 때 1천원 할인". */
const DOC_PROMOTION = { prmt_name: '5천원 이상 1천원 할인', prmt_ctnt: '(샌드박스)', prmt_cndi_amt: 5000, prmt_amt: 1000, id_max_aply_yn: 'N', max_cnt_aply_type: 4, max_cnt: 1000 };

/** @type {Awaited<ReturnType<typeof startShinhanSandbox>>} */
let sb;
let seq = 0;

before(async () => {
  sb = await startShinhanSandbox({ port: 0, promotions: { S009: [DOC_PROMOTION] } });
});
after(() => sb.close());

/** @param {string} s */
const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

/** @param {string} path @param {unknown} body @param {string | null} [key] */
async function post(path, body, key = PAYMENT_KEY) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (key) headers.authorization = `SPGKEY ${key}`;
  const res = await fetch(sb.origin + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

/** @param {string} orderNo */
async function confirmInfo(orderNo) {
  const res = await fetch(`${sb.origin}/v1.0/payments/confirm-info?client_id=${CLIENT_ID}&order_no=${encodeURIComponent(orderNo)}`, {
    headers: { authorization: `SPGKEY ${SEARCH_KEY}` },
  });
  return { status: res.status, json: await res.json() };
}

/**
 * A confirmed card payment (or, with method vbank on selpay, an issued virtual account, deposited when asked).
 * @param {Record<string, any>} [o] payments/request fields
 * @param {{ vbank?: boolean, deposit?: boolean }} [how]
 */
async function paid(o = {}, how = {}) {
  const body = {
    pgcode: how.vbank ? 'selpay' : 'card',
    ...(how.vbank ? { user_ci: 'C'.repeat(86) + '==' } : {}), // selpay requires user_ci (issue 25)
    client_id: CLIENT_ID,
    user_id: 'buyer01',
    user_name: '홍길동',
    order_no: `C${randomBytes(6).toString('hex')}-${++seq}`,
    pay_type: 1,
    device_type: 2,
    amount: 11000,
    product_name: '취소 테스트',
    return_url: `${SHOP}/r`,
    cancel_url: `${SHOP}/c`,
    fail_url: `${SHOP}/f`,
    ...o,
  };
  body.param_ispt_hash = sha256(`${body.client_id}${body.user_id}${body.order_no}${body.pay_type}${body.amount}${PAYMENT_KEY}`);
  const r = await post('/v1.0/payments/request', body);
  assert.equal(r.json.ret_code, 0, r.text);
  const page = await (await fetch(r.json.redirect_url)).text();
  const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const decided = await (await fetch(`${sb.origin}/pgsvc/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, choice: 'approve', ...(how.vbank ? { method: 'vbank' } : {}) }) })).text();
  const fields = Object.fromEntries([...decided.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  if (how.vbank) {
    if (how.deposit) assert.equal((await post('/__sandbox/vbank', { tid: fields.tid }, null)).status, 200);
    return { body, tid: fields.tid, confirm: undefined };
  }
  const c = await post('/v1.0/payments/confirm', { client_id: CLIENT_ID, order_no: body.order_no, confirm_token: fields.confirm_token, ip_addr: '203.0.113.7' });
  assert.equal(c.json.ret_code, 0, c.text);
  return { body, tid: c.json.tid, confirm: c.json };
}

/** @param {{ body: any, tid: string }} p @param {Record<string, any>} [o] */
const cancelBody = (p, o = {}) => ({ client_id: CLIENT_ID, user_id: p.body.user_id, tid: p.tid, amount: p.body.amount, cncl_rsn: '고객 요청', ip_addr: '203.0.113.7', ...o });

describe('v1.0/payments/cancel (전체 취소)', () => {
  test('answers the documented fields; confirm-info then says tx_stat 2 with cncl_date and cncl_rsn', async () => {
    const p = await paid();
    assert.equal((await confirmInfo(p.body.order_no)).json.tx_stat, 1);
    const r = await post('/v1.0/payments/cancel', cancelBody(p));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['amount', 'cid', 'ret_code', 'ret_msg', 'tid', 'tx_date']);
    assert.equal(r.json.ret_code, 0);
    assert.equal(r.json.tid, p.tid);
    assert.equal(r.json.amount, 11000);
    assert.match(r.json.cid, /^\d{1,50}$/);
    assert.match(r.json.tx_date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const info = (await confirmInfo(p.body.order_no)).json;
    assert.equal(info.tx_stat, 2);
    assert.equal(info.cncl_date, r.json.tx_date);
    assert.equal(info.cncl_rsn, '고객 요청');
    assert.equal(info.tx_amount, 11000, 'tx_amount stays the approved amount');
    const again = await post('/v1.0/payments/cancel', cancelBody(p));
    assert.deepEqual([again.status, again.json.ret_code], [409, 962]);
  });

  test('refusals: the payment key only, the tid of this client, the payment user_id, the whole balance as amount', async () => {
    const p = await paid();
    assert.deepEqual((await post('/v1.0/payments/cancel', cancelBody(p), SEARCH_KEY)).json, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { tid: 'SPGnope' }))).json.ret_code, 960);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { user_id: 'someone' }))).json.ret_code, 964);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { amount: 10000 }))).json.ret_code, 963);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { cncl_rsn: '' }))).json.ret_code, 910);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { cncl_rsn: '가'.repeat(101) }))).json.ret_code, 912);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { ip_addr: 'localhost' }))).json.ret_code, 913);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { amount: '11000' }))).json.ret_code, 911);
    assert.equal((await confirmInfo(p.body.order_no)).json.tx_stat, 1, 'nothing was cancelled by a refusal');
  });

  test('a virtual account: before its deposit a cancel closes it; after it, the refund account is required', async () => {
    const waiting = await paid({}, { vbank: true });
    assert.equal((await confirmInfo(waiting.body.order_no)).json.tx_stat, 0, 'waiting for its deposit (the sandbox\'s tx_stat 0)');
    const closed = await post('/v1.0/payments/cancel', cancelBody(waiting));
    assert.equal(closed.json.ret_code, 0, closed.text);
    assert.equal((await confirmInfo(waiting.body.order_no)).json.tx_stat, 2);
    assert.equal((await post('/__sandbox/vbank', { tid: waiting.tid }, null)).status, 409, 'a closed account takes no deposit');

    const deposited = await paid({}, { vbank: true, deposit: true });
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(deposited))).json.ret_code, 966);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(deposited, { bank_cd: '088' }))).json.ret_code, 910, 'the three go together');
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(deposited, { bank_cd: '088', bank_acct_no: '110-123-456', bank_name: '홍길동' }))).json.ret_code, 913, 'digits only');
    const refunded = await post('/v1.0/payments/cancel', cancelBody(deposited, { bank_cd: '088', bank_acct_no: '110123456789', bank_name: '홍길동' }));
    assert.equal(refunded.json.ret_code, 0, refunded.text);
    const record = (await (await fetch(`${sb.origin}/__sandbox/payments`)).json()).payments.find((/** @type {any} */ x) => x.tid === deposited.tid);
    assert.deepEqual(record.cancels[0].refundAccount, { bank_cd: '088', bank_acct_no: '110123456789', bank_name: '홍길동' });
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(deposited, { amount: 1000 }))).json.ret_code, 962);
    const other = await paid({}, { vbank: true, deposit: true });
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(other, { amount: 1000 }))).json.ret_code, 967, 'cancel/partial has no refund account');
  });
});

describe('v1.0/payments/cancel/partial (부분 취소)', () => {
  test('reduces the balance; confirm-info says tx_stat 3 without amount or date; the last part makes it 2', async () => {
    const p = await paid();
    const first = await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 3000, taxfree_amount: 1000 }));
    assert.equal(first.json.ret_code, 0, first.text);
    assert.equal(first.json.amount, 3000);
    const info = (await confirmInfo(p.body.order_no)).json;
    assert.equal(info.tx_stat, 3);
    assert.equal(info.cncl_date, undefined, 'cncl_date only with tx_stat 2');
    assert.equal(info.cncl_rsn, undefined);
    const record = (await (await fetch(`${sb.origin}/__sandbox/payments`)).json()).payments.find((/** @type {any} */ x) => x.tid === p.tid);
    assert.equal(record.cancels[0].taxAmount, 182, 'tax_amount default: round((3000 - 1000) / 11) = 181.8 -> 182');
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 8001 }))).json.ret_code, 963, 'more than the balance');
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p, { amount: 11000 }))).json.ret_code, 963, 'a full cancel names the balance');
    const rest = await post('/v1.0/payments/cancel', cancelBody(p, { amount: 8000 }));
    assert.equal(rest.json.amount, 8000);
    const end = (await confirmInfo(p.body.order_no)).json;
    assert.equal(end.tx_stat, 2);
    assert.equal(end.cncl_date, rest.json.tx_date);
  });

  test('tax_amount as sent; taxfree_amount / tax_amount bounded by the amount', async () => {
    const p = await paid();
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 1000, taxfree_amount: 1001 }))).json.ret_code, 913);
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 1000, taxfree_amount: 500, tax_amount: 501 }))).json.ret_code, 913);
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 1000, tax_amount: 90 }))).json.ret_code, 0);
  });

  test('a payment with cup_return_deposit cannot be partially cancelled (document line 414)', async () => {
    const p = await paid({ cup_return_deposit: 1000 });
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 1000 }))).json.ret_code, 965);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(p))).json.ret_code, 0, 'the full cancel still works');
  });

  test("the promotion rule, exactly the document's example: 10,000 with 1,000 off, two partial cancels of 5,000 process 5,000 then 4,000", async () => {
    const p = await paid({ amount: 10000, card_cpny_cd: 'S009' });
    assert.equal(p.confirm.discount_amount, 1000, "confirm reports the card-list promotion as discount_amount");
    const first = await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 5000 }));
    assert.equal(first.json.amount, 5000);
    const second = await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 5000 }));
    assert.equal(second.json.ret_code, 0, second.text);
    assert.equal(second.json.amount, 4000, 'the PG processed the balance, not what was asked');
    assert.equal((await confirmInfo(p.body.order_no)).json.tx_stat, 2);
  });

  test('the promotion rule: a partial cancel below the threshold cancels the whole remaining balance', async () => {
    const p = await paid({ amount: 10000, card_cpny_cd: 'S009' });
    const r = await post('/v1.0/payments/cancel/partial', cancelBody(p, { amount: 3000 }));
    assert.equal(r.json.amount, 9000);
    assert.equal((await confirmInfo(p.body.order_no)).json.tx_stat, 2);
    // Below the threshold the card earns no promotion at confirm.
    const small = await paid({ amount: 4000, card_cpny_cd: 'S009' });
    assert.equal(small.confirm.discount_amount, 0);
    assert.equal((await post('/v1.0/payments/cancel/partial', cancelBody(small, { amount: 1000 }))).json.amount, 1000);
  });

  test('processedPartialAmount and defaultTaxAmount at their edges', () => {
    const promotion = { threshold: 5000, discount: 1000 };
    assert.equal(processedPartialAmount({ asked: 4999, balance: 9000, promotion }), 9000);
    assert.equal(processedPartialAmount({ asked: 5000, balance: 9000, promotion }), 5000);
    assert.equal(processedPartialAmount({ asked: 9001, balance: 9000, promotion }), 9000);
    assert.equal(processedPartialAmount({ asked: 9001, balance: 9000, promotion: null }), null);
    assert.equal(processedPartialAmount({ asked: 9000, balance: 9000, promotion: null }), 9000);
    for (const [x, tax] of [[5, 0], [6, 1], [11, 1], [16, 1], [17, 2], [1000, 91], [1005, 91], [1006, 91], [1007, 92], [11000, 1000]]) {
      assert.equal(defaultTaxAmount(x, 0), tax, `x = ${x}`);
    }
  });
});

describe('faults armed per call', () => {
  test('the cancel is made and the answer comes late, as 5xx, or never; applied:false fails before cancelling', async () => {
    const late = await paid();
    await post('/__sandbox/fault', { api: 'cancel', delay_ms: 300, status: 504, tid: late.tid }, null);
    const other = await paid();
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(other))).json.ret_code, 0, 'a fault armed for one tid touches no other');
    const answered = await post('/v1.0/payments/cancel', cancelBody(late));
    assert.deepEqual([answered.status, answered.json.ret_code], [504, 990], 'late, then an error');
    assert.equal((await confirmInfo(late.body.order_no)).json.tx_stat, 2);

    const broken = await paid();
    await post('/__sandbox/fault', { api: 'cancel/partial', status: 503, tid: broken.tid }, null);
    const r = await post('/v1.0/payments/cancel/partial', cancelBody(broken, { amount: 1000 }));
    assert.deepEqual([r.status, r.json.ret_code], [503, 990]);
    assert.equal((await confirmInfo(broken.body.order_no)).json.tx_stat, 3, 'the cancel was made');

    const silent = await paid();
    await post('/__sandbox/fault', { api: 'cancel', tid: silent.tid }, null);
    const controller = new AbortController();
    const never = fetch(`${sb.origin}/v1.0/payments/cancel`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `SPGKEY ${PAYMENT_KEY}` }, body: JSON.stringify(cancelBody(silent)), signal: controller.signal });
    let status = 0;
    for (let i = 0; i < 250 && status !== 2; i++) {
      status = (await confirmInfo(silent.body.order_no)).json.tx_stat;
      if (status !== 2) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(status, 2, 'cancelled while the answer never comes');
    controller.abort();
    await never.catch(() => {});

    const unapplied = await paid();
    await post('/__sandbox/fault', { api: 'cancel', status: 502, applied: false, tid: unapplied.tid }, null);
    assert.equal((await post('/v1.0/payments/cancel', cancelBody(unapplied))).status, 502);
    assert.equal((await confirmInfo(unapplied.body.order_no)).json.tx_stat, 1, 'nothing was cancelled');
    assert.equal((await post('/__sandbox/fault', { api: 'confirm', applied: false }, null)).status, 400);
  });
});

describe('the admin page (취소 behind the shop\'s back)', () => {
  test('lists the payments and cancels fully or partly; confirm-info shows it', async () => {
    const p = await paid();
    const page = await (await fetch(`${sb.origin}/__sandbox/admin`)).text();
    assert.match(page, new RegExp(`data-tid="${p.tid}" data-tx-stat="1"`));
    assert.match(page, new RegExp(`id="partial-${p.tid}"`));
    const part = await fetch(`${sb.origin}/__sandbox/admin`, { method: 'POST', body: new URLSearchParams({ tid: p.tid, amount: '2000' }) });
    assert.equal(part.status, 200);
    assert.match(await part.text(), /2000원 취소했습니다/);
    assert.equal((await confirmInfo(p.body.order_no)).json.tx_stat, 3);
    const full = await post('/__sandbox/admin', { tid: p.tid, reason: '관리자 전체 취소' }, null);
    assert.equal(full.json.amount, 9000);
    const info = (await confirmInfo(p.body.order_no)).json;
    assert.deepEqual([info.tx_stat, info.cncl_rsn], [2, '관리자 전체 취소']);
    assert.equal((await post('/__sandbox/admin', { tid: p.tid }, null)).json.ret_code, 962);
    const after = await (await fetch(`${sb.origin}/__sandbox/admin`)).text();
    assert.match(after, new RegExp(`data-tid="${p.tid}" data-tx-stat="2"`));
    assert.doesNotMatch(after, new RegExp(`id="partial-${p.tid}"`));
    assert.equal((await post('/__sandbox/admin', { tid: p.tid, amount: '1,000' }, null)).status, 400);
  });

  test('the receipt page shows 부분취소 and the cancelled amount', async () => {
    const p = await paid();
    await post('/__sandbox/admin', { tid: p.tid, amount: 1000 }, null);
    const res = await fetch(`${sb.origin}/v1.0/receipt/info/${p.tid}?client_id=${CLIENT_ID}&amunt=11000&tx_ymd=${p.confirm.tx_date.slice(0, 10)}`, { headers: { authorization: `SPGKEY ${SEARCH_KEY}` } });
    const html = await (await fetch((await res.json()).redirect_url)).text();
    assert.match(html, /id="receipt-status">부분취소</);
    assert.match(html, /id="receipt-cancelled">1,000원</);
  });
});
