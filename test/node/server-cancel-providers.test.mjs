// @ts-check
/**
 * Issue 22, the providers: `cancel()` and `cancelState()` of Shinhan and Smartro against the sandboxes (what each
 * sends, what it makes of the answer, and that a timeout or a 5xx is `unknown`, never a guess), the tax-free
 * amounts of Shinhan's session, the promotion discount its confirm reports, and vatOf at the document's edges.
 * Run (after `npm run build:server`): node --test test/node/server-cancel-providers.test.mjs
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createShinhanProvider, paramIsptHash } from '../../dist/server/providers/shinhan.js';
import { cancelHashData, createSmartroProvider, parseCancelAnswer } from '../../dist/server/providers/smartro.js';
import { encodeEucKr } from '../../dist/server/providers/euc-kr.js';
import { normalizeAuthDate } from '../../dist/server/providers/smartro-form.js';
import { vatOf } from '../../dist/server/tax.js';
import { startShinhanSandbox } from '../../demo/sandbox/shinhan/server.mjs';
import { encryptData, startSmartroSandbox } from '../../demo/sandbox/smartro/server.mjs';
import { SANDBOX_SHINHAN, SANDBOX_SMARTRO, TEST_CI } from './server-helpers.mjs';
import { kst, testClock } from './clock.mjs';

/** One pinned clock (issue 20) for the providers and both sandboxes. */
const clock = testClock();

const SMARTRO_PASSWORD = 'sandbox-cancel-pw-0001';
/** @type {Awaited<ReturnType<typeof startShinhanSandbox>>} */
let shinhanSb;
/** @type {Awaited<ReturnType<typeof startSmartroSandbox>>} */
let smartroSb;
let seq = 0;

before(async () => {
  shinhanSb = await startShinhanSandbox({ port: 0, now: clock.now, promotions: { S009: [{ prmt_name: '5천원 이상 1천원 할인', prmt_ctnt: '', prmt_cndi_amt: 5000, prmt_amt: 1000, id_max_aply_yn: 'N', max_cnt_aply_type: 4, max_cnt: 1 }] } });
  smartroSb = await startSmartroSandbox({ port: 0, now: clock.now });
});
after(() => Promise.all([shinhanSb.close(), smartroSb.close()]));

/** @param {number} [timeoutMs] */
const shinhan = (timeoutMs = 5000) => createShinhanProvider({ apiBase: `${shinhanSb.origin}/`, ...SANDBOX_SHINHAN }, { timeoutMs, now: clock.date });
/** @param {Record<string, unknown>} [o] @param {number} [timeoutMs] */
const smartro = (o = {}, timeoutMs = 5000) =>
  createSmartroProvider(
    { ...SANDBOX_SMARTRO, pcAction: `${smartroSb.origin}/interfaceURL.jsp`, mobileAction: `${smartroSb.origin}/pay/interfaceURL`, apiBase: `${smartroSb.origin}/`, ...o },
    { timeoutMs, now: clock.date },
  );

/**
 * The Smartro sandbox behind a proxy that passes every request on and gives back each answer's body (read as
 * latin1, so EUC-KR bytes pass unchanged) through `rewrite`; `before` runs as each request arrives, before it
 * is passed on (what happens at the PG meanwhile). Returns the proxy's origin.
 * @param {import('node:test').TestContext} t @param {(body: string) => string} rewrite
 */
async function rewritingProxy(t, rewrite, before = async (/** @type {string} */ _url, /** @type {Buffer} */ _body) => {}) {
  const proxy = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    await before(String(req.url), Buffer.concat(chunks));
    const upstream = await fetch(`${smartroSb.origin}${req.url}`, {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)).map(([k, v]) => [k, String(v)])),
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    });
    const body = rewrite(Buffer.from(await upstream.arrayBuffer()).toString('latin1'));
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(body, 'latin1'));
  });
  await new Promise((ok) => proxy.listen(0, '127.0.0.1', () => ok(undefined)));
  t.after(() => new Promise((ok) => proxy.close(() => ok(undefined))));
  return `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (proxy.address()).port}`;
}

/**
 * A Smartro provider whose cancel call reaches the cancel module only after a partial cancel of `amount` was
 * made at the sandbox's admin site (staff cancelling behind the shop's back while this call was on its way).
 * @param {import('node:test').TestContext} t @param {string} tid @param {number} amount
 */
async function adminCancelsFirst(t, tid, amount) {
  const origin = await rewritingProxy(
    t,
    (text) => text,
    async (url) => {
      if (!url.includes('payCancelNVProcess')) return;
      const admin = await fetch(`${smartroSb.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid, amount }) });
      assert.equal(admin.status, 200, await admin.text());
    },
  );
  return smartro({ cancelPassword: SMARTRO_PASSWORD, cancelUrl: `${origin}/cancel/payCancelNVProcess.jsp`, apiBase: `${origin}/` });
}

/** @param {'shinhan' | 'smartro'} pg @param {Record<string, unknown>} fault */
async function fault(pg, fault) {
  const origin = pg === 'shinhan' ? shinhanSb.origin : smartroSb.origin;
  const res = await fetch(`${origin}/__sandbox/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  assert.equal(res.status, 200, await res.text());
}

/** The attempt a provider is handed (only what it reads). @param {Record<string, unknown>} o */
const attemptOf = (o) => /** @type {any} */ ({ user_id: 'buyer01', amount: 11000, pay_method: null, claimed_tid: null, ...o });

/**
 * A Shinhan payment through the provider's own session and settle (payments/request, the page, payments/confirm).
 * @param {{ amount?: number, card?: string, taxfree?: number, tax?: number }} [o]
 */
async function shinhanPaid(o = {}) {
  const provider = shinhan();
  const attempt = attemptOf({ order_no: `P${randomBytes(6).toString('hex')}-${++seq}`, amount: o.amount ?? 11000, pgcode: 'card', device_type: 2, product_name: '취소 테스트', nonce: randomBytes(8).toString('hex') });
  const order = { order_id: 'O1', amount: attempt.amount, product_name: '취소 테스트', buyer: { id: 'buyer01', name: '홍길동' }, ...(o.taxfree !== undefined ? { taxfree_amount: o.taxfree } : {}), ...(o.tax !== undefined ? { tax_amount: o.tax } : {}) };
  const urls = { shinhanReturn: 'http://shop.test/r', shinhanCancel: 'http://shop.test/c', shinhanFail: 'http://shop.test/f' };
  const session = await provider.createSession(/** @type {any} */ ({ attempt, order, body: { provider: 'shinhan', order_id: 'O1', device_type: 2, ...(o.card ? { card_cpny_cd: o.card } : {}) }, urls }));
  assert.ok(session.ok, JSON.stringify(session));
  const url = /** @type {any} */ (session).answer.redirect_url;
  const page = await (await fetch(url)).text();
  const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const decided = await (await fetch(`${shinhanSb.origin}/pgsvc/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, choice: 'approve' }) })).text();
  const confirmToken = /name="confirm_token" value="([^"]+)"/.exec(decided)?.[1];
  const settled = await provider.settle(attempt, { confirmToken, clientIp: '203.0.113.7' });
  assert.equal(settled.kind, 'paid', JSON.stringify(settled));
  const tid = /** @type {any} */ (settled).details.tid;
  return { attempt, tid, details: /** @type {any} */ (settled).details };
}

/** A card approval at the Smartro sandbox (the payment interface and the page). @param {string} [payMethod] */
async function smartroPaid(payMethod = 'CARD') {
  const ediDate = kst.compact(clock.now());
  const moid = `P${randomBytes(6).toString('hex')}x${++seq}`;
  const fields = { PayMethod: payMethod, GoodsCnt: '1', GoodsName: 'cancel', Amt: '11000', Moid: moid, MID: SANDBOX_SMARTRO.mid, ReturnURL: 'http://shop.test/r', ediDate, MallResultFWD: 'Y', EncryptData: encryptData({ ediDate, mid: SANDBOX_SMARTRO.mid, amt: '11000', merchantKey: SANDBOX_SMARTRO.merchantKey }) };
  const page = await (await fetch(`${smartroSb.origin}/interfaceURL.jsp`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) })).text();
  const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const result = await (await fetch(`${smartroSb.origin}/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, choice: 'approve' }) })).text();
  const tid = /name="TID" value="([^"]+)"/.exec(result)?.[1] ?? '';
  /** The result form the buyer's browser posts to ReturnURL (hidden fields; values HTML-escaped, unescaped here). */
  const form = Object.fromEntries([...result.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&')]));
  return { attempt: attemptOf({ order_no: moid, pay_method: payMethod, tid }), tid, form };
}

/** The sandbox's record of a payment. @param {'shinhan' | 'smartro'} pg @param {string} tid */
async function recordOf(pg, tid) {
  const origin = pg === 'shinhan' ? shinhanSb.origin : smartroSb.origin;
  const { payments } = await (await fetch(`${origin}/__sandbox/payments`)).json();
  if (pg === 'shinhan') return payments.find((/** @type {any} */ p) => p.tid === tid);
  return payments.find((/** @type {any} */ p) => p.tid === tid);
}

const base = { reason: '고객 요청', clientIp: '203.0.113.7' };

describe('Shinhan: cancel and cancelState', () => {
  test('settle without a confirm_token takes no money and asks nothing: declined confirm-refused (what a caller of the provider interface gets)', async () => {
    const dead = createShinhanProvider({ apiBase: 'http://127.0.0.1:2/', ...SANDBOX_SHINHAN }, { timeoutMs: 2000, now: clock.date });
    const a = attemptOf({ order_no: `P${randomBytes(6).toString('hex')}-${++seq}` });
    assert.deepEqual(await dead.settle(a, { clientIp: '203.0.113.7' }), { kind: 'declined', code: 'confirm-refused', pgMessage: 'The PG sent no confirm_token.' });
  });

  test('cancelState says why it has no answer: Shinhan not reached, or confirm-info refusing (its ret_msg)', async () => {
    const dead = createShinhanProvider({ apiBase: 'http://127.0.0.1:2/', ...SANDBOX_SHINHAN }, { timeoutMs: 2000, now: clock.date });
    const nobody = attemptOf({ order_no: `P${randomBytes(6).toString('hex')}-${++seq}` });
    assert.deepEqual(await dead.cancelState(nobody, 'T1'), { ok: false, message: 'The PG could not be reached.' });
    assert.deepEqual(await shinhan().cancelState(nobody, 'T1'), { ok: false, message: 'confirm-info refused: there is no data.' });
  });

  test('a full cancel is done with the cid and tx_date; confirm-info then says cancelled', async () => {
    const p = await shinhanPaid();
    const provider = shinhan();
    assert.deepEqual(await provider.cancelState(p.attempt, p.tid), { ok: true, state: { state: 'approved', cancelledTotal: 0, entries: [] } });
    // Asked about another TID than the one confirm-info shows for this order_no: no answer, never its state.
    assert.deepEqual(await provider.cancelState(p.attempt, 'T-OTHER-1'), { ok: false, message: `confirm-info names tid ${p.tid} for this order_no, not T-OTHER-1.` });
    const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.equal(r.kind, 'done', JSON.stringify(r));
    assert.equal(/** @type {any} */ (r).amount, 11000);
    assert.equal(/** @type {any} */ (r).ref, 'full');
    assert.match(/** @type {any} */ (r).cancelId, /^\d+$/);
    const state = await provider.cancelState(p.attempt, p.tid);
    assert.ok(state.ok);
    assert.equal(state.state.state, 'cancelled');
    assert.deepEqual(state.state.entries.map((e) => [e.ref, e.reason]), [['full', '고객 요청']]);
    assert.equal(state.state.entries[0].at, /** @type {any} */ (r).cancelledAt);
  });

  test('a partial cancel sends taxfree_amount and tax_amount; confirm-info can only say "partial"', async () => {
    const p = await shinhanPaid();
    const provider = shinhan();
    const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 3000, taxfreeAmount: 1000, taxAmount: vatOf(3000, 1000), ...base });
    assert.equal(r.kind, 'done');
    const sent = (await recordOf('shinhan', p.tid)).cancels[0];
    assert.deepEqual([sent.amount, sent.taxfreeAmount, sent.taxAmount, sent.kind], [3000, 1000, 182, 'partial']);
    const state = await provider.cancelState(p.attempt, p.tid);
    assert.deepEqual(state, { ok: true, state: { state: 'partial', entries: [] } });
  });

  test('the PG answers what it cancelled: the promotion rule makes the second 5,000 a 4,000', async () => {
    const p = await shinhanPaid({ amount: 10000, card: 'S009' });
    assert.equal(p.details.discount_amount, 1000, 'confirm reports discount_amount and it is kept');
    const provider = shinhan();
    await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 5000, ...base });
    const second = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 5000, ...base });
    assert.equal(/** @type {any} */ (second).amount, 4000);
  });

  test('a refusal is refused (nothing given back); a timeout and a 5xx are unknown, whatever the PG did', async () => {
    const p = await shinhanPaid();
    const refused = await shinhan().cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 10000, ...base });
    assert.equal(refused.kind, 'refused');
    assert.match(/** @type {any} */ (refused).pgMessage, /remaining balance/);

    await fault('shinhan', { api: 'cancel', tid: p.tid });
    const timedOut = await shinhan(300).cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.equal(timedOut.kind, 'unknown');
    const state = await shinhan().cancelState(p.attempt, p.tid);
    assert.equal(state.ok && state.state.state, 'cancelled', 'the PG did cancel: only confirm-info tells');

    const q = await shinhanPaid();
    await fault('shinhan', { api: 'cancel/partial', status: 502, applied: false, tid: q.tid });
    const failed = await shinhan().cancel({ attempt: q.attempt, tid: q.tid, full: false, amount: 1000, ...base });
    assert.equal(failed.kind, 'unknown');
    const still = await shinhan().cancelState(q.attempt, q.tid);
    assert.equal(still.ok && still.state.state, 'approved');
  });

  test("a cancel answer with ret_code 0 is read through its schema: an amount written as text is that number; one without a positive amount or a tid is malformed, so unknown (the cancel may be made)", async (t) => {
    /** @type {Record<string, unknown>} */
    let body = {};
    const pg = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise((ok) => pg.listen(0, '127.0.0.1', () => ok(undefined)));
    t.after(() => new Promise((ok) => pg.close(() => ok(undefined))));
    const provider = createShinhanProvider({ apiBase: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (pg.address()).port}/`, ...SANDBOX_SHINHAN }, { timeoutMs: 5000, now: clock.date });
    const a = attemptOf({ order_no: `P${randomBytes(6).toString('hex')}-${++seq}`, tid: 'tpay_T1' });
    const cancel = () => provider.cancel({ attempt: a, tid: 'tpay_T1', full: false, amount: 3000, taxfreeAmount: 0, taxAmount: vatOf(3000, 0), ...base });
    body = { ret_code: 0, ret_msg: 'OK', tid: 'tpay_T1', cid: '30001234', amount: '3000', tx_date: '2026-12-01 10:00:00' };
    assert.deepEqual(await cancel(), { kind: 'done', amount: 3000, cancelId: '30001234', cancelledAt: '2026-12-01 10:00:00', ref: null });
    const malformed = { kind: 'unknown', message: 'The PG answered ret_code 0 with a malformed body.' };
    for (const bad of [{ tid: 'tpay_T1' }, { tid: 'tpay_T1', amount: 0 }, { tid: 'tpay_T1', amount: '3000원' }, { amount: 3000 }, { tid: '', amount: 3000 }]) {
      body = { ret_code: 0, ret_msg: 'OK', ...bad };
      assert.deepEqual(await cancel(), malformed, JSON.stringify(bad));
    }
  });

  test('a deposited virtual account: the refund account goes as bank_cd / bank_acct_no / bank_name', async () => {
    const order_no = `V${randomBytes(6).toString('hex')}-${++seq}`;
    const key = SANDBOX_SHINHAN.paymentApiKey;
    // selpay requires user_ci (the document's table, enforced by the sandbox since issue 25).
    const body = { pgcode: 'selpay', client_id: SANDBOX_SHINHAN.clientId, user_id: 'buyer01', user_name: '홍길동', order_no, pay_type: 1, device_type: 2, amount: 11000, product_name: 'v', return_url: 'http://shop.test/r', cancel_url: 'http://shop.test/c', fail_url: 'http://shop.test/f', user_ci: TEST_CI };
    const request = await (await fetch(`${shinhanSb.origin}/v1.0/payments/request`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `SPGKEY ${key}` }, body: JSON.stringify({ ...body, param_ispt_hash: paramIsptHash({ clientId: body.client_id, userId: 'buyer01', orderNo: order_no, payType: 1, amount: 11000, paymentApiKey: key }) }) })).json();
    const page = await (await fetch(request.redirect_url)).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const decided = await (await fetch(`${shinhanSb.origin}/pgsvc/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, choice: 'approve', method: 'vbank' }) })).text();
    const tid = /name="tid" value="([^"]+)"/.exec(decided)?.[1] ?? '';
    await fetch(`${shinhanSb.origin}/__sandbox/vbank`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid }) });
    const attempt = attemptOf({ order_no, pay_method: 'VBANK', claimed_tid: tid });
    const without = await shinhan().cancel({ attempt, tid, full: true, amount: 11000, ...base });
    assert.equal(without.kind, 'refused');
    const r = await shinhan().cancel({ attempt, tid, full: true, amount: 11000, ...base, refundAccount: { bank_code: '088', account_no: '110123456789', holder: '홍길동' } });
    assert.equal(r.kind, 'done', JSON.stringify(r));
    assert.deepEqual((await recordOf('shinhan', tid)).cancels[0].refundAccount, { bank_cd: '088', bank_acct_no: '110123456789', bank_name: '홍길동' });
  });

  test("the session sends the order's taxfree_amount and tax_amount (the document's default when absent, the shop's VAT alone when it gives only that)", async () => {
    const a = await shinhanPaid({ taxfree: 1000 });
    const ra = (await recordOf('shinhan', a.tid)).request;
    assert.deepEqual([ra.taxfree_amount, ra.tax_amount], [1000, 909], 'round((11000 - 1000) / 11) = 909.09 -> 909');
    const b = await shinhanPaid({ taxfree: 0, tax: 1000 });
    const rb = (await recordOf('shinhan', b.tid)).request;
    assert.deepEqual([rb.taxfree_amount, rb.tax_amount], [0, 1000]);
    const c = await shinhanPaid();
    const rc = (await recordOf('shinhan', c.tid)).request;
    assert.deepEqual([rc.taxfree_amount, rc.tax_amount], [undefined, undefined], 'nothing when the order says nothing');
    const d = await shinhanPaid({ tax: 900 });
    const rd = (await recordOf('shinhan', d.tid)).request;
    assert.deepEqual([rd.taxfree_amount, rd.tax_amount], [undefined, 900], 'a VAT the shop gives without a tax-free part is sent alone');
  });
});

describe('Smartro: cancel (payCancelNVProcess.jsp, an assumption) verified with the receipt API', () => {
  test('off without cancelPassword: refused before anything is sent', async () => {
    const p = await smartroPaid();
    const r = await smartro().cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([r.kind, /** @type {any} */ (r).code], ['refused', 'smartro-cancel-off']);
    assert.equal((await recordOf('smartro', p.tid)).cancel.log.length, 0);
  });

  test('a partial cancel, then the rest: done with the entries the receipt API shows; the Korean reason arrives in EUC-KR', async () => {
    const p = await smartroPaid();
    const provider = smartro({ cancelPassword: SMARTRO_PASSWORD });
    assert.ok(provider.cancels);
    const part = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 1500, ...base, reason: '한 개 반품 (3개 중 1개)' });
    assert.equal(part.kind, 'done', JSON.stringify(part));
    assert.deepEqual([/** @type {any} */ (part).amount, /** @type {any} */ (part).ref], [1500, 'part:1']);
    assert.match(/** @type {any} */ (part).cancelId, /^\d{8}$/, 'the answer\'s CancelNum');
    // When: the receipt's transDt and transTm of the entry (the pinned clock's Korean time).
    assert.equal(/** @type {any} */ (part).cancelledAt, normalizeAuthDate(kst.compact(clock.now())));
    assert.equal((await recordOf('smartro', p.tid)).cancel.log[0].msg, '한 개 반품 (3개 중 1개)');
    const rest = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 9500, ...base });
    assert.equal(rest.kind, 'done');
    assert.deepEqual([/** @type {any} */ (rest).amount, /** @type {any} */ (rest).ref], [9500, 'full']);
    const state = await provider.cancelState(p.attempt, p.tid);
    assert.ok(state.ok);
    assert.deepEqual([state.state.state, state.state.cancelledTotal, state.state.entries.map((e) => `${e.ref}=${e.amount}`)], ['cancelled', 11000, ['part:1=1500', 'full=9500']]);
    const again = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 9500, ...base });
    assert.deepEqual([again.kind, /** @type {any} */ (again).code, /** @type {any} */ (again).pgMessage], ['refused', 'already-cancelled', 'Smartro shows nothing left to cancel.']);
  });

  test("the cancel module's CancelNum is kept only when it is 1-30 letters or digits (the answer is not signed); else the cancel has no id, never the module's text", async (t) => {
    // The sandbox's cancel module behind a proxy that rewrites the CancelNum of each answer.
    /** @type {string[]} */
    const rewrites = ['CancelNum=%3Cb%3E1%3C%2Fb%3E', '', `CancelNum=${'1'.repeat(31)}`];
    const origin = await rewritingProxy(t, (text) => {
      const to = rewrites.shift() ?? '';
      return text.replace(/&?CancelNum=[^&\n]*/, to ? `&${to}` : '');
    });
    const provider = smartro({ cancelPassword: SMARTRO_PASSWORD, cancelUrl: `${origin}/cancel/payCancelNVProcess.jsp` });
    const p = await smartroPaid();
    for (const amount of [1000, 1100, 1200]) {
      const part = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount, ...base });
      assert.equal(part.kind, 'done', JSON.stringify(part));
      assert.strictEqual(/** @type {any} */ (part).cancelId, null, `cancel of ${amount}: no id`);
    }
    assert.equal(rewrites.length, 0, 'each answer went through the proxy');
  });

  test("a cancel module answer without a ResultCode, and then a receipt API that cannot answer: unknown (the cancel may be made), and the message says the module gave no ResultCode", async (t) => {
    let receipts = 0;
    const origin = await rewritingProxy(t, (text) => {
      // The receipt API (JSON): the look before the cancel answers, the look after it does not.
      if (text.trimStart().startsWith('{')) return ++receipts >= 2 ? 'not json' : text;
      return text.replace(/&?ResultCode=[^&\n]*/, ''); // the cancel module's answer, without its ResultCode
    });
    const provider = smartro({ cancelPassword: SMARTRO_PASSWORD, cancelUrl: `${origin}/cancel/payCancelNVProcess.jsp`, apiBase: `${origin}/` });
    const p = await smartroPaid();
    const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 1000, ...base });
    assert.equal(r.kind, 'unknown', JSON.stringify(r));
    assert.match(/** @type {any} */ (r).message, /^Smartro's cancel module answered no ResultCode; the receipt API could not confirm it \(/);
    assert.equal(receipts, 2, 'asked before and after');
  });

  test('a cancel module that answers success while the receipt API shows no new cancel: unknown (the cancel may be made), never refused', async (t) => {
    /** @type {string | undefined} */
    let before;
    const origin = await rewritingProxy(t, (text) => {
      if (!text.trimStart().startsWith('{')) return text; // the cancel module's answer, as Smartro sent it
      before ??= text;
      return before; // the receipt API: as it was before the cancel, at every look
    });
    const provider = smartro({ cancelPassword: SMARTRO_PASSWORD, cancelUrl: `${origin}/cancel/payCancelNVProcess.jsp`, apiBase: `${origin}/` });
    const p = await smartroPaid();
    const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 1000, ...base });
    assert.equal(r.kind, 'unknown', JSON.stringify(r));
    assert.match(/** @type {any} */ (r).message, /^Smartro's cancel module answered (2001|2211), but the receipt API shows no new cancel\.$/);
  });

  test("a cancel made at Smartro's admin site while this one was on its way (a partial of 1,000 just before it reached the cancel module): the receipt shows a cancel that is not only this one: unknown for staff, never done with the other's amount", async (t) => {
    for (const ask of [{ full: true, amount: 11000 }, { full: false, amount: 1000 }]) {
      const p = await smartroPaid();
      const provider = await adminCancelsFirst(t, p.tid, 1000);
      const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, ...ask, ...base });
      assert.equal(r.kind, 'unknown', `${JSON.stringify(ask)}: ${JSON.stringify(r)}`);
      assert.match(/** @type {any} */ (r).message, /^The receipt API shows [12] new cancel\(s\) that do not match this one: check Smartro's admin site\.$/);
    }
  });

  test("the cancel module is sent the samples' form: PartialCancelCode 0 for a whole cancel and 1 for a partial one, always sent (never left to a default)", async (t) => {
    /** @type {URLSearchParams[]} */
    const sent = [];
    const origin = await rewritingProxy(
      t,
      (text) => text,
      async (url, body) => {
        if (url.includes('payCancelNVProcess')) sent.push(new URLSearchParams(body.toString('latin1')));
      },
    );
    const provider = smartro({ cancelPassword: SMARTRO_PASSWORD, cancelUrl: `${origin}/cancel/payCancelNVProcess.jsp` });
    const p = await smartroPaid();
    for (const ask of [{ full: false, amount: 1000 }, { full: true, amount: 10000 }]) {
      const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, ...ask, ...base });
      assert.equal(r.kind, 'done', JSON.stringify(r));
    }
    // The samples' PartialCancelCode comment says "전체취소 0, 부분취소 1 [전체취소 Default]": the code is always sent,
    // never left to a default the real module may not have.
    assert.deepEqual(sent.map((f) => [f.get('TID'), f.get('CancelAmt'), f.get('PartialCancelCode'), f.get('Cancelpw')]), [
      [p.tid, '1000', '1', SMARTRO_PASSWORD],
      [p.tid, '10000', '0', SMARTRO_PASSWORD],
    ]);
  });

  test("a partial cancel the module refuses (more than is left) right after a partial of another amount made at Smartro's admin site: the receipt's one new entry is not this cancel: unknown for staff, never done with the other's 10,500", async (t) => {
    const p = await smartroPaid();
    const provider = await adminCancelsFirst(t, p.tid, 10500);
    const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 1000, ...base });
    assert.equal(r.kind, 'unknown', JSON.stringify(r));
    assert.equal(/** @type {any} */ (r).message, "The receipt API shows 1 new cancel(s) that do not match this one: check Smartro's admin site.");
    assert.deepEqual((await recordOf('smartro', p.tid)).cancel.log.map((/** @type {any} */ c) => c.amount), [10500], 'only the admin site\'s cancel was made');
  });

  test("a receipt without stateCd and stateNm says nothing of the payment's state (never read as cancelled): no answer, and nothing is sent", async (t) => {
    /** @param {unknown} v @returns {unknown} */
    const strip = (v) => (Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'stateCd' && k !== 'stateNm').map(([k, x]) => [k, strip(x)])) : v);
    const origin = await rewritingProxy(t, (text) => (text.trimStart().startsWith('{') ? JSON.stringify(strip(JSON.parse(text))) : text));
    const provider = smartro({ cancelPassword: SMARTRO_PASSWORD, cancelUrl: `${origin}/cancel/payCancelNVProcess.jsp`, apiBase: `${origin}/` });
    const p = await smartroPaid();
    assert.deepEqual(await provider.cancelState(p.attempt, p.tid), { ok: false, message: 'The receipt API answered something that is not a receipt (tid, goodsAmt, stateCd).' });
    const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([r.kind, /** @type {any} */ (r).code], ['refused', 'pg-unreachable']);
    assert.equal((await recordOf('smartro', p.tid)).cancel.log.length, 0, 'nothing was sent');
  });

  test("a receipt whose appDt and appTm are blank (a field the PG leaves empty): still the PG's word that it is paid, its time unknown (null), not 'not a receipt'", async (t) => {
    /** @param {unknown} v @returns {unknown} */
    const blank = (v) => (Array.isArray(v) ? v.map(blank) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'appDt' || k === 'appTm' ? '' : blank(x)])) : v);
    const origin = await rewritingProxy(t, (text) => (text.trimStart().startsWith('{') ? JSON.stringify(blank(JSON.parse(text))) : text));
    const provider = smartro({ apiBase: `${origin}/` });
    const p = await smartroPaid();
    const settled = /** @type {any} */ (await provider.lookup(p.attempt));
    assert.deepEqual([settled.kind, settled.details?.tid, settled.details?.approved_at], ['paid', p.tid, null], JSON.stringify(settled));
  });

  test("a receipt API that answers for another TID is no word on this payment's cancels: nothing is sent, and the lookup says which TID it named", async (t) => {
    const origin = await rewritingProxy(t, (text) => (text.trimStart().startsWith('{') ? text.replace(/"tid"\s*:\s*"[^"]*"/, '"tid":"kpgtest01m9999999999999999"') : text));
    const provider = smartro({ cancelPassword: SMARTRO_PASSWORD, cancelUrl: `${origin}/cancel/payCancelNVProcess.jsp`, apiBase: `${origin}/` });
    const p = await smartroPaid();
    const state = await provider.cancelState(p.attempt, p.tid);
    assert.deepEqual(state, { ok: false, message: `The receipt API answered for TID kpgtest01m9999999999999999, not ${p.tid}.` });
    const r = await provider.cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([r.kind, /** @type {any} */ (r).code], ['refused', 'pg-unreachable']);
    assert.equal((await recordOf('smartro', p.tid)).cancel.log.length, 0, 'nothing was sent');
  });

  test('the session form of an attempt that names no pay method is a card payment, and a buyer without phone or e-mail still fills the fields Smartro requires', async () => {
    const urls = { shinhanReturn: '', shinhanCancel: '', shinhanFail: '', smartroReturn: 'http://shop.test/r', smartroRetry: 'http://shop.test/retry', smartroStop: 'http://shop.test/stop' };
    const attempt = attemptOf({ order_no: `P${randomBytes(6).toString('hex')}x${++seq}`, device_type: 2, product_name: '기본값', pay_method: null });
    const made = await smartro().createSession({ attempt, order: /** @type {any} */ ({ buyer: { name: '홍길동' } }), body: /** @type {any} */ ({}), urls });
    assert.ok(made.ok);
    const { fields } = /** @type {any} */ (made.answer);
    // ASSUMPTION (as the samples): placeholders where the shop knows no phone or e-mail.
    assert.deepEqual([fields.PayMethod, fields.BuyerTel, fields.BuyerEmail, fields.VbankExpDate], ['CARD', '01000000000', 'buyer@example.com', undefined]);
    // The sandbox takes that form as a card payment.
    const page = await fetch(`${smartroSb.origin}/interfaceURL.jsp`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /name="nonce"/);
  });

  test("an approval's card details are Smartro's record (the receipt API), not the form's unsigned fields; the form fills in only what the receipt does not say", async (t) => {
    const p = await smartroPaid();
    const provider = smartro();
    const judged = provider.judge(p.form, p.attempt);
    assert.equal(judged.kind, 'approved', JSON.stringify(judged));
    const claim = /** @type {any} */ (judged);
    // No TID claimed: nothing to ask the receipt API about, so no word on the money either way.
    assert.deepEqual(await provider.settle(p.attempt, { clientIp: '' }), { kind: 'unknown', message: 'No TID to confirm.' });
    assert.deepEqual([claim.details.card_cpny_cd, claim.details.install_month], [p.form.fn_cd, p.form.CardQuota], 'the form, as the buyer posted it');
    // The form's AuthDate (YYMMDDhhmmss) is its approval time, what fills in a receipt without appDt; none, none.
    assert.match(p.form.AuthDate, /^\d{12}$/);
    assert.equal(claim.details.approved_at, normalizeAuthDate(p.form.AuthDate));
    assert.match(claim.details.approved_at, /^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const { AuthDate: _, ...undated } = p.form;
    assert.equal(/** @type {any} */ (provider.judge(undated, p.attempt)).details?.approved_at, null);
    // A form edited in the buyer's browser (SignValue covers TID and ResultCode only): Smartro's record decides.
    const forged = { ...claim.details, card_cpny_cd: 'ZZ', card_name: '위조', install_month: '36' };
    const paid = /** @type {any} */ (await provider.settle(p.attempt, { tid: p.tid, clientIp: '', details: forged }));
    assert.equal(paid.kind, 'paid');
    assert.deepEqual([paid.details.card_cpny_cd, paid.details.install_month], [p.form.fn_cd, p.form.CardQuota]);
    assert.notEqual(paid.details.card_name, '위조');
    // A receipt that names no card company: the form's (as judged) fills it in.
    const origin = await rewritingProxy(t, (text) => {
      const json = JSON.parse(text);
      delete json.appCo;
      return JSON.stringify(json);
    });
    const filled = /** @type {any} */ (await smartro({ apiBase: `${origin}/` }).settle(p.attempt, { tid: p.tid, clientIp: '', details: claim.details }));
    assert.equal(filled.details.card_cpny_cd, p.form.fn_cd);
  });

  test('a receipt the API answers for another TID than the one asked about is refuted, naming both (never read as this payment)', async (t) => {
    const p = await smartroPaid();
    const origin = await rewritingProxy(t, (text) => (text.trimStart().startsWith('{') ? JSON.stringify({ ...JSON.parse(text), tid: 'OTHERTID0001' }) : text));
    const s = /** @type {any} */ (await smartro({ apiBase: `${origin}/` }).settle(p.attempt, { tid: p.tid, clientIp: '' }));
    assert.deepEqual([s.kind, s.message], ['refuted', `The receipt API answered for TID OTHERTID0001, not ${p.tid}.`]);
  });

  test("a bank transfer's bank is Smartro's record; a receipt that names no bank leaves the form's fn_cd / fn_name", async (t) => {
    const p = await smartroPaid('BANK');
    assert.ok(p.form.fn_name && p.form.fn_cd, JSON.stringify(p.form));
    const claim = /** @type {any} */ (smartro().judge(p.form, p.attempt));
    assert.deepEqual([claim.kind, claim.details.bank_code, claim.details.bank_name], ['approved', p.form.fn_cd, p.form.fn_name]);
    const paid = /** @type {any} */ (await smartro().settle(p.attempt, { tid: p.tid, clientIp: '', details: { ...claim.details, bank_name: '위조은행' } }));
    assert.deepEqual([paid.kind, paid.details.bank_code, paid.details.bank_name], ['paid', p.form.fn_cd, p.form.fn_name], "the receipt's bank, not the edited form's");
    const origin = await rewritingProxy(t, (text) => {
      const json = JSON.parse(text);
      delete json.bankNm;
      delete json.bankCd;
      return JSON.stringify(json);
    });
    const filled = /** @type {any} */ (await smartro({ apiBase: `${origin}/` }).settle(p.attempt, { tid: p.tid, clientIp: '', details: claim.details }));
    assert.deepEqual([filled.kind, filled.details.bank_code, filled.details.bank_name], ['paid', p.form.fn_cd, p.form.fn_name]);
  });

  test("a receipt's cancel date and time written blank (as for a payment no cancel ended) are read as none; a time longer than HHmmss is no receipt", async (t) => {
    const p = await smartroPaid();
    /** @param {Record<string, string>} fields */
    const withFields = (fields) =>
      rewritingProxy(t, (text) => {
        if (!text.trimStart().startsWith('{')) return text;
        return JSON.stringify({ ...JSON.parse(text), ...fields });
      });
    const blank = await smartro({ apiBase: `${await withFields({ ccDt: '', ccTm: '' })}/` }).cancelState(p.attempt, p.tid);
    assert.deepEqual(blank.ok && [blank.state.state, blank.state.entries], ['approved', []], JSON.stringify(blank));
    const long = await smartro({ apiBase: `${await withFields({ ccTm: '1230000' })}/` }).cancelState(p.attempt, p.tid);
    assert.equal(long.ok, false, JSON.stringify(long));
    // Cancelled whole (as the admin site shows it) with no cancel number, or a blank one: the whole cancel,
    // without a cancel id (never an error reading it).
    for (const ccNo of [undefined, '  ']) {
      const noNumber = await smartro({ apiBase: `${await withFields(/** @type {any} */ ({ stateCd: '1', stateNm: '취소', ccDt: '20261201', ccTm: '103000', ccNo }))}/` }).cancelState(p.attempt, p.tid);
      assert.deepEqual(noNumber.ok && [noNumber.state.state, noNumber.state.entries.map((e) => [e.ref, e.amount, e.cancelId])], ['cancelled', [['full', p.attempt.amount, null]]], `ccNo ${JSON.stringify(ccNo)}: ${JSON.stringify(noNumber)}`);
    }
    // The state by stateCd alone, or by stateNm alone (the document lists both, without values).
    for (const drop of ['stateNm', 'stateCd']) {
      const one = await rewritingProxy(t, (text) => {
        if (!text.trimStart().startsWith('{')) return text;
        const json = JSON.parse(text);
        delete json[drop];
        return JSON.stringify(json);
      });
      const state = await smartro({ apiBase: `${one}/` }).cancelState(p.attempt, p.tid);
      assert.deepEqual(state.ok && [state.state.state, state.state.entries], ['approved', []], `without ${drop}: ${JSON.stringify(state)}`);
    }
    // stateNm alone, written with blanks around it (fixed-width fields are): still 승인, not a cancel.
    const padded = await rewritingProxy(t, (text) => {
      if (!text.trimStart().startsWith('{')) return text;
      const json = JSON.parse(text);
      delete json.stateCd;
      return JSON.stringify({ ...json, stateNm: ` ${json.stateNm} ` });
    });
    const state = await smartro({ apiBase: `${padded}/` }).cancelState(p.attempt, p.tid);
    assert.deepEqual(state.ok && [state.state.state, state.state.entries], ['approved', []], `stateNm " 승인 ": ${JSON.stringify(state)}`);
  });

  test('a receipt whose partCancelInfo is one object, not a list, is that one partial cancel', async (t) => {
    const p = await smartroPaid();
    const part = await smartro({ cancelPassword: SMARTRO_PASSWORD }).cancel({ attempt: p.attempt, tid: p.tid, full: false, amount: 1000, ...base });
    assert.equal(part.kind, 'done', JSON.stringify(part));
    const origin = await rewritingProxy(t, (text) => {
      const json = JSON.parse(text);
      if (Array.isArray(json.partCancelInfo) && json.partCancelInfo.length === 1) json.partCancelInfo = json.partCancelInfo[0];
      return JSON.stringify(json);
    });
    const state = await smartro({ apiBase: `${origin}/` }).cancelState(p.attempt, p.tid);
    assert.ok(state.ok, JSON.stringify(state));
    assert.deepEqual([state.state.state, state.state.cancelledTotal, state.state.entries.map((e) => `${e.ref}=${e.amount}`)], ['partial', 1000, ['part:1=1000']]);
    // A date the receipt writes in another form (not yyyyMMdd) is no date: left out, never stored as it came,
    // nor read with its time as another form of date and time (yyMMdd and HHmmss make yyMMddHHmmss).
    for (const transDt of ['26/12/05', '261205']) {
      const odd = await rewritingProxy(t, (text) => {
        const json = JSON.parse(text);
        for (const part of json.partCancelInfo) part.transDt = transDt;
        return JSON.stringify(json);
      });
      const undated = await smartro({ apiBase: `${odd}/` }).cancelState(p.attempt, p.tid);
      assert.deepEqual(undated.ok && undated.state.entries.map((e) => [e.ref, e.at]), [['part:1', null]], JSON.stringify(undated));
    }
  });

  test('refusals come back as smartro-<ResultCode>; a wrong password or a wrong balance changes nothing', async () => {
    const p = await smartroPaid();
    const wrong = await smartro({ cancelPassword: 'not-the-password' }).cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([wrong.kind, /** @type {any} */ (wrong).code], ['refused', 'smartro-E304']);
    const amount = await smartro({ cancelPassword: SMARTRO_PASSWORD }).cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 10000, ...base });
    assert.deepEqual([amount.kind, /** @type {any} */ (amount).code], ['refused', 'smartro-E305']);
    assert.equal((await recordOf('smartro', p.tid)).cancel.log.length, 0);
  });

  test('a refusal whose ResultCode is not 1-10 letters or digits is pg-refused (never put into our code); the slip\'s receipt API error says its first message that is a text', async (t) => {
    const p = await smartroPaid();
    const proxied = await rewritingProxy(t, (text) => text.replace('ResultCode=E304', 'ResultCode=E-304'));
    const odd = await smartro({ cancelPassword: 'not-the-password', cancelUrl: `${proxied}/cancel/payCancelNVProcess.jsp` }).cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([odd.kind, /** @type {any} */ (odd).code], ['refused', 'pg-refused']);
    // A refusal without ResultMsg is said by its ResultCode (or "(none)" when it has none either).
    for (const [to, words] of [['ResultCode=E304', 'ResultCode E304'], ['ResultCode=', 'ResultCode (none)']]) {
      const bare = await rewritingProxy(t, (text) => text.replace(/ResultCode=E304/, to).replace(/&?ResultMsg=[^&]*/, ''));
      const r = await smartro({ cancelPassword: 'not-the-password', cancelUrl: `${bare}/cancel/payCancelNVProcess.jsp` }).cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
      assert.deepEqual([r.kind, /** @type {any} */ (r).pgMessage], ['refused', words], to);
    }
    // An error answer's message: resultMsg, ResultMsg or message, the first that is a text that says something.
    await fault('smartro', { api: 'receipt', status: 503, moid: p.attempt.order_no });
    const said = await rewritingProxy(t, () => JSON.stringify({ resultMsg: 503, ResultMsg: '', message: 'under maintenance' }));
    assert.deepEqual(await smartro({ apiBase: `${said}/` }).receipt(p.tid), { ok: false, code: 'pg-refused', message: 'under maintenance' });
  });

  test('a receipt API answer that is not 2xx settles nothing, even when its body reads as the payment\'s receipt', async (t) => {
    const p = await smartroPaid();
    let genuine = '';
    const proxied = await rewritingProxy(t, (text) => (genuine ||= text));
    const provider = smartro({ apiBase: `${proxied}/` });
    assert.equal((await provider.settle(p.attempt, { tid: p.tid, clientIp: '' })).kind, 'paid');
    await fault('smartro', { api: 'receipt', status: 500 });
    assert.deepEqual(await provider.settle(p.attempt, { tid: p.tid, clientIp: '' }), { kind: 'unknown', message: 'The receipt API answered HTTP 500.' });
  });

  test('a timeout or a 5xx is unknown; the receipt API tells afterwards; no receipt API first: nothing sent', async () => {
    const p = await smartroPaid();
    await fault('smartro', { api: 'cancel', tid: p.tid });
    const silent = await smartro({ cancelPassword: SMARTRO_PASSWORD }, 400).cancel({ attempt: p.attempt, tid: p.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([silent.kind, /** @type {any} */ (silent).message], ['unknown', "Smartro's cancel module did not answer within 0.4 s."]);
    const state = await smartro().cancelState(p.attempt, p.tid);
    assert.equal(state.ok && state.state.state, 'cancelled');

    const q = await smartroPaid();
    await fault('smartro', { api: 'cancel', status: 500, applied: false, tid: q.tid });
    const failed = await smartro({ cancelPassword: SMARTRO_PASSWORD }).cancel({ attempt: q.attempt, tid: q.tid, full: false, amount: 1000, ...base });
    assert.equal(failed.kind, 'unknown');
    const still = await smartro().cancelState(q.attempt, q.tid);
    assert.equal(still.ok && still.state.state, 'approved');

    const r = await smartroPaid();
    await fault('smartro', { api: 'receipt', status: 503, moid: r.attempt.order_no });
    const notSent = await smartro({ cancelPassword: SMARTRO_PASSWORD }).cancel({ attempt: r.attempt, tid: r.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([notSent.kind, /** @type {any} */ (notSent).code], ['refused', 'pg-unreachable']);
    assert.equal(/** @type {any} */ (notSent).pgMessage, 'Nothing was sent: the receipt API could not be asked first (The receipt API answered HTTP 503.).');
    assert.equal((await recordOf('smartro', r.tid)).cancel.log.length, 0);
    // The receipt API that never answers: nothing sent either, and the staff read why.
    const u = await smartroPaid();
    await fault('smartro', { api: 'receipt', delay_ms: null, moid: u.attempt.order_no });
    const silentFirst = await smartro({ cancelPassword: SMARTRO_PASSWORD }, 400).cancel({ attempt: u.attempt, tid: u.tid, full: true, amount: 11000, ...base });
    assert.deepEqual([silentFirst.kind, /** @type {any} */ (silentFirst).code], ['refused', 'pg-unreachable']);
    assert.match(/** @type {any} */ (silentFirst).pgMessage, /^Nothing was sent: the receipt API could not be asked first \(Receipt API \(pg-[a-z-]+\): .+\)\.$/);
    assert.equal((await recordOf('smartro', u.tid)).cancel.log.length, 0);
  });

  test('hashData and the answer parser match the samples', () => {
    const tid = 'kpgtest01m01012611221200001234';
    const md5 = createHash('md5').update(`${tid}KEY11000` + '0', 'utf8').digest('hex');
    assert.equal(cancelHashData({ tid, merchantKey: 'KEY', cancelAmt: '11000', partialCancelCode: '0' }), Buffer.from(md5).toString('base64'));
    const parsed = parseCancelAnswer('PayMethod=CARD&PayName=%BD%C5%BF%EB%C4%AB%B5%E5&ResultCode=2001&ResultMsg=%C3%EB%BC%D2+%BC%BA%B0%F8&CancelNum=12345678\n');
    assert.deepEqual(parsed, { PayMethod: 'CARD', PayName: '신용카드', ResultCode: '2001', ResultMsg: '취소 성공', CancelNum: '12345678' });
    // A name without "=" is that name with no value; a one-letter name is a name; the first of a name twice wins.
    assert.deepEqual(parseCancelAnswer('X=1&Flag&&ResultCode=2001&ResultCode=3001&=orphan'), { X: '1', Flag: '', ResultCode: '2001' });
    assert.deepEqual([...encodeEucKr('가A똠😀')], [0xb0, 0xa1, 0x41, 0x3f, 0x3f], 'outside KS X 1001: "?"');
    // U+FFFD (what a mis-decoded reason carries) is no EUC-KR character either: "?", not the byte pair of
    // the first invalid sequence the decoder turned into U+FFFD while the table was built.
    assert.deepEqual([...encodeEucKr('취\uFFFD소')], [0xc3, 0xeb, 0x3f, 0xbc, 0xd2]);
    // ASCII ends at U+007F: U+0080 (a C1 control a pasted reason may carry) is no byte of its own in EUC-KR.
    assert.deepEqual([...encodeEucKr('\u007F\u0080')], [0x7f, 0x3f]);
  });
});

test('vatOf: the document\'s ((amount - taxfree_amount) / 11) rounded, at the edges', () => {
  for (const [x, tax] of [[0, 0], [5, 0], [6, 1], [11, 1], [16, 1], [17, 2], [1000, 91], [1005, 91], [1006, 91], [1007, 92], [11000, 1000]]) {
    assert.equal(vatOf(x), tax, `x = ${x}`);
    assert.equal(vatOf(x + 500, 500), tax, `x = ${x} with 500 tax-free`);
  }
  assert.equal(vatOf(11000, 0, 1000), 909, 'payments/request subtracts cup_return_deposit too');
  assert.throws(() => vatOf(1000, 1001), RangeError);
  assert.throws(() => vatOf(10.5), RangeError);
});
