// @ts-check
/**
 * Issue 20, "errors are not absence": every lookup the server makes, answered with each failure a PG can
 * give (401, 404, 500, 503, a timeout, a malformed body), and the DECISION taken, not only that nothing
 * crashed. A lookup that failed says nothing about the money, so it must never be read as "no payment"
 * (which would let a second payment start, or close an account that was paid):
 *
 * | lookup                          | on a failure, the server...                                                        |
 * |---------------------------------|------------------------------------------------------------------------------------|
 * | Shinhan payments/confirm        | keeps the attempt `unknown` (money may have moved), the order takes no new attempt  |
 * |                                 | (409); a refusal the PG states (ret_code, HTTP < 500) is a decline: no money moved  |
 * | Shinhan confirm-info            | `unknown`: reconcile leaves the attempt as it was; only the documented              |
 * |                                 | "there is no data." (HTTP < 500) is "no payment"                                   |
 * | Shinhan card-list               | 502 to the browser, never an empty list                                           |
 * | Shinhan receipt                 | 502, never "no receipt"                                                           |
 * | Shinhan terms-info-list         | 502 to the browser and no session (no attempt, nothing asked of the PG), never     |
 * |                                 | "no terms"; only the documented "there is no data." (HTTP < 500) is "no terms"     |
 * | Smartro receipt API by TID      | `unknown` (settle and lookup), 502 for a slip                                       |
 * | Smartro receipt API by Moid     | `unknown`: a closed window is not replaced (409); only Smartro's own 404            |
 * |                                 | {resultCd: "E221"} is "no approval" (an assumption, like the by-Moid call itself)  |
 *
 * The providers are asked directly against a fake PG (every failure, both PGs), and the server's decisions
 * are checked end to end on PGlite and PostgreSQL (forEachEngine).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createShinhanProvider } from '../../dist/server/providers/shinhan.js';
import { createSmartroProvider, signValue } from '../../dist/server/providers/smartro.js';
import { transitionEvents } from '../../dist/server/payments/events.js';
import { answerJson, forEachEngine, readAll, serve, shopOrders, startServer, storeWith, until } from './server-helpers.mjs';
import { testClock } from './clock.mjs';
import { racingStore } from './model-harness.mjs';

const TIMEOUT_MS = 1500; // the PG timeout given to the providers and the server here
const HANG_BOUND = { timeout: 20_000 };

/**
 * The failures, as a fake PG answers them. `shinhanNoData`: a 5xx that says "there is no data." is still a
 * failure (a 5xx is never a statement about the payment).
 * @type {Record<string, (res: import('node:http').ServerResponse, pg: 'shinhan' | 'smartro') => void>}
 */
const FAILURES = {
  '401': (res, pg) => answerJson(res, 401, pg === 'shinhan' ? { ret_code: 998, ret_msg: 'token is missing or incorrect.' } : { resultCd: 'E001', resultMsg: 'apikey가 mid의 merchantKey와 일치하지 않습니다.' }),
  '404 (HTML)': (res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>Not Found</body></html>');
  },
  '500': (res, pg) => answerJson(res, 500, pg === 'shinhan' ? { ret_code: 998, ret_msg: 'there is no data.' } : { resultCd: 'E999', resultMsg: 'there is no data.' }),
  '503 (HTML)': (res) => {
    res.writeHead(503, { 'content-type': 'text/html' });
    res.end('<html>Service Unavailable</html>');
  },
  timeout: () => {}, // never answers
  'malformed (200, not JSON)': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ret_code": 0, "ret_msg": "OK", "tid": ');
  },
  'malformed (200, JSON of another shape)': (res) => answerJson(res, 200, [{ ret_code: 0 }]),
};

/** A fake PG whose every answer is `mode` (a FAILURES key) or a handler. @param {import('node:test').TestContext} t */
async function fakePg(t, /** @type {'shinhan' | 'smartro'} */ pg) {
  const state = { /** @type {string | ((req: any, res: any, body: string) => void)} */ mode: 'timeout', calls: /** @type {string[]} */ ([]) };
  const origin = await serve(t, async (req, res) => {
    const body = (await readAll(req)).toString('utf8');
    state.calls.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
    if (typeof state.mode === 'function') return state.mode(req, res, body);
    FAILURES[state.mode](res, pg);
  });
  return { origin, state };
}

const attempt = (/** @type {Record<string, unknown>} */ over = {}) =>
  /** @type {any} */ ({ order_no: 'O1-abc', order_id: 'O1', user_id: 'buyer01', amount: 11000, provider: 'shinhan', status: 'unknown', pay_method: null, tid: null, claimed_tid: null, ...over });

// ------------------------------------------------------------------------------------------------
// The providers: each lookup, each failure
// ------------------------------------------------------------------------------------------------

test('Shinhan: confirm, confirm-info, card-list and receipt read every failure as a failure, never as "no payment"', HANG_BOUND, async (t) => {
  const pg = await fakePg(t, 'shinhan');
  const shinhan = createShinhanProvider({ apiBase: `${pg.origin}/`, clientId: 'kpgtest01', paymentApiKey: 'pk', searchApiKey: 'sk' }, { timeoutMs: TIMEOUT_MS });
  for (const mode of Object.keys(FAILURES)) {
    pg.state.mode = mode;
    // payments/confirm: the call that takes the money. A refusal the PG states (401 with ret_code) is a
    // decline; anything else may hide an approval.
    const confirm = await shinhan.settle(attempt({ status: 'processing' }), { confirmToken: 'tok', clientIp: '127.0.0.1' });
    assert.equal(confirm.kind, mode === '401' ? 'declined' : 'unknown', `confirm, ${mode}: ${JSON.stringify(confirm)}`);
    // confirm-info about a card attempt, and about a virtual account waiting for its deposit.
    const info = await shinhan.lookup(attempt());
    assert.equal(info.kind, 'unknown', `confirm-info, ${mode}: ${JSON.stringify(info)}`);
    const vbank = await shinhan.lookup(attempt({ status: 'awaiting_deposit', pay_method: 'VBANK', claimed_tid: 'V1' }));
    assert.equal(vbank.kind, 'unknown', `confirm-info (account), ${mode}: ${JSON.stringify(vbank)}`);
    // card-list: a refusal the PG states (401 with its ret_code) is passed on as sent (the card picker shows
    // cards-failed for any ret_code but 0); every other failure is no answer at all (502 below).
    const cards = await shinhan.cardList('selpay');
    if (mode === '401') assert.deepEqual([cards.ok, /** @type {any} */ (cards).json?.ret_code], [true, 998], `card-list, ${mode}`);
    else assert.equal(cards.ok, false, `card-list, ${mode}: ${JSON.stringify(cards)}`);
    const receipt = await shinhan.receiptUrl({ tid: 'T1', amount: 11000, txYmd: '2026-12-01' });
    assert.equal(receipt.ok, false, `receipt, ${mode}`);
    // terms-info-list (issue 25): a failure is never "this pgcode has no terms" (which would let a payment
    // start without the buyer's consent); the code says which failure (unreachable, refused, unreadable).
    const terms = await shinhan.terms('card');
    const termsCode = mode === 'timeout' ? 'pg-unreachable' : mode === '401' ? 'pg-refused' : 'pg-bad-response';
    assert.deepEqual([terms.ok, /** @type {any} */ (terms).code], [false, termsCode], `terms, ${mode}: ${JSON.stringify(terms)}`);
  }
  // The control: the documented "there is no data." (HTTP 401, ret_code 998) IS the PG saying "no payment".
  pg.state.mode = (_req, res) => answerJson(res, 401, { ret_code: 998, ret_msg: 'there is no data.' });
  assert.equal((await shinhan.lookup(attempt())).kind, 'nothing');
  // ...and, for terms-info-list, "this pgcode has no terms" (the same words with HTTP 500 were a failure above).
  assert.deepEqual(await shinhan.terms('card'), { ok: true, list: [] });
  // Since issue 19, confirm-info shows an issued account (tx_stat 0) until its deposit: one it does not know
  // at all was never issued.
  assert.equal((await shinhan.lookup(attempt({ status: 'awaiting_deposit', pay_method: 'VBANK', claimed_tid: 'V1' }))).kind, 'nothing');
});

test('Shinhan: confirm-info about a waiting virtual account, by tx_stat: issued (waiting), deposited (1, and 3: partly cancelled since at the admin site), cancelled (2), another amount', HANG_BOUND, async (t) => {
  const pg = await fakePg(t, 'shinhan');
  const shinhan = createShinhanProvider({ apiBase: `${pg.origin}/`, clientId: 'kpgtest01', paymentApiKey: 'pk', searchApiKey: 'sk' }, { timeoutMs: TIMEOUT_MS });
  const waiting = attempt({ status: 'awaiting_deposit', pay_method: 'VBANK', claimed_tid: 'V1' });
  const says = (/** @type {Record<string, unknown>} */ info) => (pg.state.mode = (_req, res) => answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', tid: 'V1', user_id: 'buyer01', tx_amount: 11000, tx_date: '2026-12-01 10:00:00', ...info }));
  says({ tx_stat: 0 });
  assert.deepEqual(await shinhan.lookup(waiting), { kind: 'issued', tid: 'V1', account: {} });
  says({ tx_stat: 0, tx_amount: 9000 });
  assert.deepEqual(await shinhan.lookup(waiting), { kind: 'refuted', message: 'confirm-info shows the account V1 for 9000 KRW; the attempt is 11000 KRW.' }, 'an account for another amount is not this one');
  says({ tx_stat: 0, tid: 'V2' });
  assert.deepEqual(await shinhan.lookup(waiting), { kind: 'refuted', message: 'confirm-info names tid V2 for this order_no; its virtual account is V1.' }, 'nor one of another tid');
  // An answer about another buyer's account is no evidence either way: unknown, asked again (never issued, paid or refuted).
  for (const txStat of [0, 1, 2]) {
    says({ tx_stat: txStat, user_id: 'buyer02' });
    assert.deepEqual(await shinhan.lookup(waiting), { kind: 'unknown', message: 'confirm-info answered for another user_id.' }, `tx_stat ${txStat}, another user_id`);
  }
  for (const txStat of [1, 3]) {
    says({ tx_stat: txStat });
    assert.deepEqual(await shinhan.lookup(waiting), { kind: 'paid', details: { tid: 'V1', approved_at: '2026-12-01 10:00:00' } }, `tx_stat ${txStat}: the money came`);
  }
  says({ tx_stat: 1, tx_amount: 9000 });
  assert.deepEqual(await shinhan.lookup(waiting), { kind: 'wrong-amount', details: { tid: 'V1', approved_at: '2026-12-01 10:00:00' }, amount: 9000 });
  // A deposit whose amount confirm-info does not say (neither tx_amount nor amount) proves nothing: unknown,
  // never "another amount" (which would close the account and owe back money nobody measured); `amount` alone will do.
  for (const txStat of [1, 3]) {
    says({ tx_stat: txStat, tx_amount: undefined });
    assert.deepEqual(await shinhan.lookup(waiting), { kind: 'unknown', message: 'confirm-info answered a deposit without an amount.' }, `tx_stat ${txStat} without an amount`);
  }
  // An amount that is not an integer in digits ("11,000", "KRW11000") is a malformed answer: unknown, never "another amount".
  for (const said of ['11,000', 'KRW11000', '11000원']) {
    says({ tx_stat: 1, tx_amount: said });
    const answer = await shinhan.lookup(waiting);
    assert.equal(answer.kind, 'unknown', `tx_amount ${said}: ${JSON.stringify(answer)}`);
  }
  says({ tx_stat: 1, tx_amount: undefined, amount: 11000 });
  assert.equal((await shinhan.lookup(waiting)).kind, 'paid', 'the amount under its other name');
  says({ tx_stat: 2 });
  assert.deepEqual(await shinhan.lookup(waiting), { kind: 'declined', code: 'pg-cancelled', pgMessage: 'confirm-info tx_stat 2: the virtual account was cancelled.' });
});

test('Smartro: the receipt API by TID and by Moid reads every failure as a failure, never as "no approval"', HANG_BOUND, async (t) => {
  const pg = await fakePg(t, 'smartro');
  const clock = testClock();
  const options = { mid: 'kpgtest01m', merchantKey: 'key', apiBase: `${pg.origin}/`, pcAction: `${pg.origin}/pc`, mobileAction: `${pg.origin}/m` };
  const byTid = createSmartroProvider(options, { timeoutMs: TIMEOUT_MS, now: clock.date });
  const byMoid = createSmartroProvider({ ...options, receiptLookupByMoid: true }, { timeoutMs: TIMEOUT_MS, now: clock.date });
  const tid = 'kpgtest01m01012612011200001234';
  const smartro = (/** @type {Record<string, unknown>} */ over = {}) => attempt({ provider: 'smartro', order_no: 'O1abc', ...over });
  /** @type {Record<string, (req: any, res: any) => void>} */
  const more = {
    '404 (JSON, Smartro\'s "no approval for this Moid")': (_req, res) => answerJson(res, 404, { resultCd: 'E221', resultMsg: '이 주문번호(Moid)로 승인된 거래가 없습니다' }),
    '404 (JSON, another error)': (_req, res) => answerJson(res, 404, { resultCd: 'E990', resultMsg: 'not found' }),
  };
  for (const mode of [...Object.keys(FAILURES), ...Object.keys(more)]) {
    pg.state.mode = more[mode] ?? mode;
    const settle = await byTid.settle(smartro({ status: 'processing' }), { tid, clientIp: '127.0.0.1' });
    assert.equal(settle.kind, 'unknown', `settle by TID, ${mode}: ${JSON.stringify(settle)}`);
    const lookup = await byTid.lookup(smartro({ tid }));
    assert.equal(lookup.kind, 'unknown', `lookup by TID, ${mode}: ${JSON.stringify(lookup)}`);
    // The log says which failure it was: no answer or no JSON object, or an HTTP error, by name.
    const why = mode === 'timeout' ? /^Receipt API \(pg-unreachable\): .* did not answer within/ : mode.startsWith('404 (HTML)') || mode.startsWith('503 (HTML)') || mode.startsWith('malformed') ? /^Receipt API \(pg-bad-response\): / : undefined;
    if (why) for (const s of [settle, lookup]) assert.match(/** @type {any} */ (s).message, why, `${mode}: ${JSON.stringify(s)}`);
    const account = await byTid.lookup(smartro({ status: 'awaiting_deposit', pay_method: 'VBANK', claimed_tid: tid }));
    assert.equal(account.kind, 'unknown', `lookup of an account, ${mode}: ${JSON.stringify(account)}`);
    const moid = await byMoid.lookup(smartro({ status: 'pending' }));
    // Smartro's own 404 {resultCd: "E221"} by Moid is "no approval for this Moid" (assumption:
    // demo/sandbox/smartro/README.md); any other 404 is not.
    assert.equal(moid.kind, mode.includes('E221') || mode.includes('"no approval') ? 'nothing' : 'unknown', `lookup by Moid, ${mode}: ${JSON.stringify(moid)}`);
    const slip = await byTid.receipt(tid);
    assert.equal(slip.ok, false, `receipt, ${mode}`);
  }
  // A waiting virtual account's receipt: its holder from merchantInfo (an object, a list of one, or null: then
  // '-'), and a receipt that says its state only by name (stateNm, no stateCd) is read all the same.
  const account = smartro({ status: 'awaiting_deposit', pay_method: 'VBANK', claimed_tid: tid });
  const receipt = (/** @type {Record<string, unknown>} */ over) => (pg.state.mode = (_req, res) => answerJson(res, 200, { tid, moid: 'O1abc', goodsAmt: '11000', stateNm: '승인', svcCd: '03', bankCd: '088', bankNm: '신한은행', vacctNo: '56211122233344', vacctDueDt: '20261210', ...over }));
  for (const [merchantInfo, holder] of /** @type {Array<[unknown, string]>} */ ([[null, '-'], [[null], '-'], [[{ mallNm: '데모샵' }], '데모샵'], [{ coNm: ' 데모상점 ' }, '데모상점'], [{ mallNm: '   ', coNm: '데모상점' }, '데모상점']])) {
    receipt({ merchantInfo });
    const issued = await byTid.lookup(account);
    assert.deepEqual([issued.kind, /** @type {any} */ (issued).account?.vbank_holder], ['issued', holder], `merchantInfo ${JSON.stringify(merchantInfo)}: ${JSON.stringify(issued)}`);
  }
  // A receipt that names no account number (vacctNo absent or blank): issued all the same, the number the
  // result gave kept (nothing contradicts it).
  for (const vacctNo of [undefined, '  ']) {
    receipt({ vacctNo });
    const issued = await byTid.lookup({ ...account, vbank_account_no: '56211122233344' });
    assert.deepEqual([issued.kind, /** @type {any} */ (issued).account?.vbank_account_no, /** @type {any} */ (issued).account?.bank_name], ['issued', undefined, '신한은행'], `vacctNo ${vacctNo}: ${JSON.stringify(issued)}`);
  }
  // The result form's own account (judge): the due day its VbankExpDate gives is the claim's, kept where no
  // receipt names another (the attempt cannot wait for a deposit without one).
  const issuedForm = { MID: options.mid, ResultCode: '4100', PayMethod: 'VBANK', TID: tid, Amt: '11000', VbankNum: '56211122233344', VbankName: '신한은행', VbankExpDate: '20261210', fn_cd: '088' };
  const claim = /** @type {any} */ (byTid.judge({ ...issuedForm, SignValue: signValue({ tid, resultCode: '4100', merchantKey: 'key' }) }, smartro({ pay_method: 'VBANK' })));
  assert.deepEqual([claim.kind, claim.account?.vbank_due_date, claim.account?.vbank_account_no, claim.account?.bank_name], ['issued', '2026-12-10', '56211122233344', '신한은행'], JSON.stringify(claim));
  receipt({ stateNm: undefined });
  assert.equal((await byTid.lookup(account)).kind, 'unknown', 'a receipt that gives no state at all is no receipt');
  // An account's receipt for another amount than the attempt's is not this attempt's account (a card paid
  // another amount is money owed back; an account for another amount was never this order's to pay into).
  receipt({ goodsAmt: '12000' });
  assert.equal((await byTid.lookup(account)).kind, 'refuted', 'an account for 12000 KRW is not the 11000 KRW attempt\'s');
  // Without the by-Moid lookup, an attempt with no TID is never "nothing".
  assert.deepEqual(await byTid.lookup(smartro({ status: 'pending' })), { kind: 'unknown', message: "Smartro's receipt API is not asked by Moid (receiptLookupByMoid is off)." });
});

// ------------------------------------------------------------------------------------------------
// The server's decisions, end to end, on both engines
// ------------------------------------------------------------------------------------------------

const CLIENT_ID = 'kpgtest01';
const PAYMENT_KEY = 'test-payment-key-lookup';
const SEARCH_KEY = 'test-search-key-lookup';
const sha256 = (/** @type {string} */ s) => createHash('sha256').update(s, 'utf8').digest('hex');

forEachEngine('issue 20: a failed lookup is not "no payment"', ({ store }) => {
  /**
   * A fake Shinhan PG: payments/request and payments/confirm work unless `confirm` is a failure mode;
   * confirm-info, card-list and receipt answer `search` (a failure mode, or 'ok').
   * @param {import('node:test').TestContext} t
   * @param {(store: any) => any} [wrap] what the server is given: the suite's store, or a wrapper of it
   * @param {Record<string, unknown>} [more] more createKpgServer options
   */
  async function setup(t, wrap = (st) => st, more = {}) {
    const pg = { confirm: 'ok', search: 'ok', /** terms-info-list: 'none' ("there is no data."), 'ok' (one terms) or a failure mode */ terms: 'none', /** @type {Map<string, any>} */ requests: new Map(), approved: new Map(), /** @type {string | null} */ tid: null, /** @type {number | null} */ cancelAmount: null, /** confirm-info's fields over what it knows */ info: /** @type {Record<string, unknown>} */ ({}), /** what confirm says it took (null: the amount asked) */ took: /** @type {number | null} */ (null) };
    const origin = await serve(t, async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://pg.invalid');
      const text = (await readAll(req)).toString('utf8');
      if (url.pathname === '/v1.0/payments/request') {
        const body = JSON.parse(text);
        pg.requests.set(body.order_no, body);
        return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', redirect_url: `https://pg.example/pay?t=${body.order_no}` });
      }
      if (url.pathname === '/v1.0/payments/confirm') {
        const body = JSON.parse(text);
        const r = pg.requests.get(body.order_no);
        const tid = pg.tid ?? `T${body.order_no.slice(-12)}`;
        pg.approved.set(body.order_no, { tid, amount: r.amount, user_id: r.user_id }); // the money moved...
        if (pg.confirm !== 'ok') return FAILURES[pg.confirm](res, 'shinhan'); // ...and the answer was lost
        const took = pg.took ?? r.amount;
        return answerJson(res, 200, {
          ret_code: 0, ret_msg: 'OK', order_no: body.order_no, amount: String(took), tid, user_id: r.user_id,
          pay_ispt_hash: sha256(`${r.user_id}${took}${tid}${PAYMENT_KEY}`), tx_date: '2026-11-30 23:59:00', pay_info: [{ card_cpny_cd: 'S001' }],
        });
      }
      // No terms for any pgcode (issue 25's default needs consent only where terms exist); before the
      // failure modes: this file is about lookups, not about terms the PG cannot give.
      if (url.pathname === '/v1.0/payments/info/terms-info-list') {
        const one = { terms_no: 1, terms_nm: '전자금융거래 이용약관', terms_ctnt: '<p>약관</p>' };
        if (pg.terms === 'ok') return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', list: [one] });
        // ASSUMPTION (shinhan.ts ShinhanTermsSchema): a list of one written as the object itself.
        if (pg.terms === 'object') return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', list: one });
        // Two terms under one terms_no: a consent to "terms 1" would not say which.
        if (pg.terms === 'twice') return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', list: [one, { ...one, terms_nm: '개인정보 수집 및 이용 동의' }] });
        // ret_code 0 over a list that is not the document's (a terms_no that is no number, no name).
        if (pg.terms === 'malformed') return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', list: [{ terms_no: 'first', terms_ctnt: '<p>약관</p>' }] });
        if (pg.terms !== 'none') return FAILURES[pg.terms](res, 'shinhan');
        return answerJson(res, 401, { ret_code: 998, ret_msg: 'there is no data.' });
      }
      if (pg.search !== 'ok') return FAILURES[pg.search](res, 'shinhan');
      if (url.pathname === '/v1.0/payments/confirm-info') {
        const done = pg.approved.get(url.searchParams.get('order_no') ?? '');
        if (!done) return answerJson(res, 401, { ret_code: 998, ret_msg: 'there is no data.' });
        return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', user_id: done.user_id, tid: done.tid, tx_amount: done.amount, tx_stat: 1, tx_date: '2026-11-30 23:59:00', ...pg.info });
      }
      if (url.pathname === '/v1.0/payments/cancel') {
        // The whole balance, as this PG counts it (`cancelAmount`: what it says it gave back).
        const body = JSON.parse(text);
        return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', tid: body.tid, amount: pg.cancelAmount ?? body.amount, cid: 'C0001', tx_date: '2026-12-01 10:00:00' });
      }
      if (url.pathname === '/v1.0/payments/info/card-list') return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', list: [{ card_cpny_cd: 'S001', card_cpny_name: 'BC카드' }] });
      if (url.pathname.startsWith('/v1.0/receipt/info/')) return answerJson(res, 200, { ret_code: 0, ret_msg: 'OK', redirect_url: 'https://pg.example/receipt?id=1' });
      answerJson(res, 404, { ret_code: 904, ret_msg: 'no route' });
    });
    const clock = testClock();
    const shop = shopOrders();
    const server = await startServer(
      t,
      wrap(store()),
      {
        shinhan: { apiBase: `${origin}/`, clientId: CLIENT_ID, paymentApiKey: PAYMENT_KEY, searchApiKey: SEARCH_KEY },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        pgTimeoutMs: TIMEOUT_MS,
        rateLimit: false,
        now: clock.date,
        ...more,
      },
      { secrets: [PAYMENT_KEY, SEARCH_KEY] },
    );
    const order = shop.add();
    const session = () => server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    /** The buyer approved at the PG; the PG's return reaches the server, which calls confirm. @param {string} orderNo */
    const approve = async (orderNo) =>
      server.call('/api/kpg/shinhan/return', { method: 'POST', body: new URLSearchParams({ order_no: orderNo, custom_parameter: (await store().getAttempt(orderNo))?.nonce ?? '', confirm_token: `tok-${orderNo}` }), buyer: null });
    const status = async (/** @type {string} */ orderNo) => (await server.call(`/api/kpg/result?order_no=${orderNo}`)).json.status;
    /** The setup's order paid (session, return, confirm): its order_no. */
    const paid = async () => {
      const orderNo = /** @type {string} */ ((await session()).json.order_no);
      await approve(orderNo);
      assert.equal(await status(orderNo), 'paid');
      return orderNo;
    };
    return { pg, clock, shop, order, session, approve, status, paid, ...server };
  }

  /**
   * setup() over the models' racing store (model-harness.mjs): while `racing.on`, another instance makes each
   * decision but the claim first, and the store refuses ours. @param {import('node:test').TestContext} t
   */
  async function racedSetup(t) {
    let racing = { on: false };
    const s = await setup(t, (inner) => {
      const raced = racingStore(inner);
      racing = raced.race;
      return raced.store;
    });
    return { s, racing };
  }

  for (const mode of Object.keys(FAILURES).filter((m) => m !== '401')) {
    test(`Shinhan: a confirm answered "${mode}" leaves the payment unknown: no second payment starts, and confirm-info answering "${mode}" too changes nothing`, HANG_BOUND, async (t) => {
      const s = await setup(t);
      s.pg.confirm = mode;
      const started = await s.session();
      assert.equal(started.status, 200, started.text);
      const orderNo = started.json.order_no;
      await s.approve(orderNo);
      assert.equal(await s.status(orderNo), 'unknown', 'the PG may have taken the money');
      s.pg.search = mode; // and confirm-info fails the same way
      const again = await s.session();
      assert.deepEqual([again.status, again.json.code], [409, 'attempt-in-progress'], 'no second payment while the first is in doubt');
      s.clock.advance(31 * 60_000); // past the 30-minute confirm window
      const report = await s.kpg.reconcile();
      assert.equal(await s.status(orderNo), 'unknown', 'a failed confirm-info is no "no payment"');
      // Staff read why (report.unsettled[].why): what went wrong in asking, never a refusal it was not.
      const why = {
        '500': 'The PG answered HTTP 500 without a usable ret_code.',
        '404 (HTML)': 'The PG answered HTTP 404 without JSON.',
        '503 (HTML)': 'The PG answered HTTP 503 without JSON.',
        timeout: 'The PG did not answer within 1.5 s.',
        'malformed (200, not JSON)': 'The PG answered HTTP 200 without JSON.',
        'malformed (200, JSON of another shape)': 'The PG answered HTTP 200 without a usable ret_code.',
      }[mode];
      assert.deepEqual(report.unsettled.filter((u) => u.order_no === orderNo).map((u) => u.why), [why]);
      assert.equal((await s.session()).status, 409);
      // Once confirm-info answers, the money found is recorded (and only then may the order move on).
      s.pg.search = 'ok';
      await s.kpg.reconcile();
      assert.equal(await s.status(orderNo), 'paid');
    });
  }

  test('reconcile: an item whose step throws (the database refused it) is logged with what it is and left as it was, at every step (outcomes, expiry, cancels, cancels made elsewhere); the rest go on, and the next run does it', HANG_BOUND, async (t) => {
    // A dropped database connection, for some orders only: their writes (pay, transition) and their
    // payment's money (read first by both cancel steps) throw; the money read throws a bare string, as a
    // driver or a shop's wrapper may (the log line says it all the same).
    const failing = new Set();
    const refuse = (/** @type {string} */ key, bare = false) => {
      const text = `Connection terminated unexpectedly (${key})`;
      if (failing.has(key)) throw bare ? text : new Error(text);
    };
    const write = async (/** @type {(...args: any[]) => any} */ own, /** @type {string} */ orderNo, /** @type {any[]} */ ...rest) => (refuse(orderNo), own(orderNo, ...rest));
    const s = await setup(t, (inner) =>
      storeWith(inner, {
        pay: write,
        transition: write,
        paymentMoney: async (own, provider, tid) => (refuse(tid, true), own(provider, tid)),
      }),
    );
    const start = async () => {
      const order = s.shop.add();
      const r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      assert.equal(r.status, 200, r.text);
      return { order, orderNo: /** @type {string} */ (r.json.order_no) };
    };
    s.pg.confirm = '500'; // A and B: both taken, both answers lost: unknown
    const a = await start();
    await s.approve(a.orderNo);
    const b = await start();
    await s.approve(b.orderNo);
    s.pg.confirm = 'ok'; // C: paid, then a cancel whose answer is lost: unknown
    const c = await start();
    await s.approve(c.orderNo);
    const tidC = (await s.call(`/api/kpg/result?order_no=${c.orderNo}`)).json.tid;
    s.pg.search = '500';
    const cancel = await s.kpg.cancel({ order_id: c.order.order_id, reason: '전체 취소', idempotency_key: `throws-${c.orderNo}` });
    assert.equal(cancel.status, 'unknown', JSON.stringify(cancel));
    s.pg.search = 'ok';
    const d = await start(); // D: never returns, expires
    s.clock.advance(31 * 60_000);
    assert.deepEqual([await s.status(a.orderNo), await s.status(b.orderNo), await s.status(d.orderNo)], ['unknown', 'unknown', 'pending']);

    failing.add(a.orderNo).add(d.orderNo).add(tidC);
    const report = await s.kpg.reconcile();
    assert.deepEqual([await s.status(a.orderNo), await s.status(b.orderNo), await s.status(d.orderNo)], ['unknown', 'paid', 'pending'], 'one item failing does not stop the run');
    const mine = new Set([a.orderNo, d.orderNo, c.order.order_id]);
    const errors = s.logs.filter((l) => l.event === 'error' && (mine.has(l.order_no) || mine.has(l.order_id)));
    const said = (/** @type {string} */ key) => `Connection terminated unexpectedly (${key})`;
    assert.deepEqual(
      errors.map((l) => [l.level, l.where, l.order_no ?? l.order_id, l.message]),
      [
        ['error', 'reconcile', a.orderNo, said(a.orderNo)],
        ['error', 'reconcile/expire', d.orderNo, said(d.orderNo)],
        ['error', 'reconcile/cancels', c.order.order_id, said(tidC)],
        ['error', 'reconcile/recheck', c.order.order_id, said(tidC)],
      ],
    );
    assert.deepEqual(report.unsettled.filter((u) => u.order_no === a.orderNo).map((u) => [u.order_id, u.status]), [[a.order.order_id, 'unknown']]);
    assert.deepEqual(report.settled.filter((u) => u.order_no === b.orderNo).map((u) => [u.from, u.to]), [['unknown', 'paid']]);
    assert.deepEqual(report.expired.filter((e) => e.order_no === d.orderNo), []);
    assert.deepEqual([...report.cancels.settled, ...report.cancels.unknown].filter((x) => x.order_id === c.order.order_id), [], 'the cancel is not reported as looked at');

    failing.clear();
    const next = await s.kpg.reconcile();
    assert.deepEqual([await s.status(a.orderNo), await s.status(d.orderNo)], ['paid', 'cancelled']);
    assert.equal([...next.cancels.settled, ...next.cancels.unknown].filter((x) => x.order_id === c.order.order_id).length, 1, 'the cancel is looked at');
    assert.equal(s.logs.filter((l) => l.event === 'error' && (mine.has(l.order_no) || mine.has(l.order_id))).length, 4, 'nothing more failed');
  });

  test('reconcileEveryMs: reconcile runs on its own; a run that fails (the database is gone for a moment) is logged, and the next run settles what it could not', HANG_BOUND, async (t) => {
    let down = false;
    const s = await setup(
      t,
      (inner) =>
        storeWith(inner, {
          exclusive: async (own, ...args) => {
            if (down) throw new Error('Connection terminated unexpectedly');
            return own(...args);
          },
        }),
      { reconcileEveryMs: 50 },
    );
    s.pg.confirm = '500';
    down = true;
    const started = await s.session();
    const orderNo = started.json.order_no;
    await s.approve(orderNo);
    await until(() => s.logs.some((l) => l.event === 'error' && l.where === 'reconcile' && l.order_no === undefined), 5000, 'a failed run logged');
    const failed = s.logs.find((l) => l.event === 'error' && l.where === 'reconcile' && l.order_no === undefined);
    assert.deepEqual([failed.level, failed.message], ['error', 'Connection terminated unexpectedly']);
    assert.equal(await s.status(orderNo), 'unknown');
    down = false;
    await until(async () => (await s.status(orderNo)) === 'paid', 5000, 'the next run to settle it');
  });

  test("a shop's loadOrder answering an order the schema refuses: 500 with the fixed text for the buyer, the fields to fix in the shop's log, nothing sent to the PG; the same order id from loadOrder must be the one asked", HANG_BOUND, async (t) => {
    const s = await setup(t);
    const bad = s.shop.add();
    s.shop.orders.set(bad.order_id, { ...bad, amount: '11000', product_name: '' });
    const before = s.pg.requests.size;
    const r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: bad.order_id, device_type: 2 });
    assert.deepEqual([r.status, r.json.code], [500, 'internal-error'], r.text);
    assert.ok(!r.text.includes('loadOrder'), 'the buyer is not shown the shop\'s mistake');
    const line = s.logs.find((l) => l.event === 'error' && /loadOrder returned an invalid order/.test(l.message));
    assert.match(line?.message ?? '', new RegExp(`for ${bad.order_id} \\(amount, product_name\\): order_id \\(the one asked for\\), amount \\(whole won\\), product_name \\(1-200\\)`));
    // A field inside the buyer is named by its path.
    const nobody = s.shop.add();
    s.shop.orders.set(nobody.order_id, { ...nobody, buyer: { ...nobody.buyer, id: '' } });
    assert.equal((await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: nobody.order_id, device_type: 2 })).status, 500);
    assert.ok(s.logs.some((l) => l.event === 'error' && l.message.includes(`for ${nobody.order_id} (buyer.id):`)), 'buyer.id named');
    // A rule between fields is named with its field: the tax-free part and its VAT within the amount.
    const taxfree = s.shop.add();
    s.shop.orders.set(taxfree.order_id, { ...taxfree, taxfree_amount: 12000 });
    assert.equal((await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: taxfree.order_id, device_type: 2 })).status, 500);
    assert.ok(s.logs.some((l) => l.event === 'error' && l.message.includes(`for ${taxfree.order_id} (taxfree_amount: taxfree_amount must not exceed amount, `)), 'the taxfree rule named');
    const vat = s.shop.add();
    s.shop.orders.set(vat.order_id, { ...vat, taxfree_amount: 1000, tax_amount: 10001 });
    assert.equal((await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: vat.order_id, device_type: 2 })).status, 500);
    assert.ok(s.logs.some((l) => l.event === 'error' && l.message.includes(`for ${vat.order_id} (tax_amount: tax_amount must not exceed amount - taxfree_amount):`)), 'the VAT rule named');
    const other = s.shop.add();
    s.shop.orders.set(other.order_id, { ...other, order_id: bad.order_id });
    assert.equal((await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: other.order_id, device_type: 2 })).status, 500);
    assert.ok(s.logs.some((l) => l.event === 'error' && l.message === `kpg server: loadOrder(${other.order_id}) returned order ${bad.order_id}`));
    assert.equal(s.pg.requests.size, before, 'nothing reached the PG');
  });

  test("Shinhan: confirm-info answering for another user_id is no evidence: the payment in doubt stays unknown (no second payment), until it answers for this buyer", HANG_BOUND, async (t) => {
    const s = await setup(t);
    s.pg.confirm = '500';
    const started = await s.session();
    const orderNo = started.json.order_no;
    await s.approve(orderNo);
    assert.equal(await s.status(orderNo), 'unknown');
    s.pg.info = { user_id: 'someone-else' };
    const report = await s.kpg.reconcile();
    assert.equal(await s.status(orderNo), 'unknown', 'not paid on another buyer\'s record');
    assert.deepEqual(report.unsettled.filter((u) => u.order_no === orderNo).map((u) => [u.status, u.why]), [['unknown', 'confirm-info answered for another user_id.']], 'staff read why');
    assert.equal((await s.session()).status, 409, 'and no second payment starts');
    s.pg.info = {};
    await s.kpg.reconcile();
    assert.equal(await s.status(orderNo), 'paid');
  });

  test("reconcile: a Shinhan partial cancel made at its admin site (tx_stat 3, no amount) is put to the staff (attention, logged), nothing recorded; a tx_stat the document does not list records nothing either", HANG_BOUND, async (t) => {
    const s = await setup(t);
    const orderNo = await s.paid();
    s.pg.info = { tx_stat: 9 };
    const odd = await s.kpg.reconcile();
    assert.deepEqual([odd.cancels.found, odd.cancels.attention].map((l) => l.filter((x) => x.order_id === s.order.order_id)), [[], []]);
    s.clock.advance(25 * 3600_000); // a paid payment is looked at again a day later
    s.pg.info = { tx_stat: 3 };
    const report = await s.kpg.reconcile();
    const attention = report.cancels.attention.filter((a) => a.order_id === s.order.order_id);
    assert.equal(attention.length, 1, JSON.stringify(report.cancels));
    assert.match(attention[0].message, /partial cancel .* kpg\.recordCancel\(\)/);
    assert.deepEqual(report.cancels.found.filter((f) => f.order_id === s.order.order_id), [], 'no amount: nothing recorded');
    const line = s.logs.find((l) => l.event === 'cancel' && l.what === 'attention' && l.order_no === orderNo);
    assert.deepEqual([line?.level, line?.order_id, line?.provider, line?.message], ['error', s.order.order_id, 'shinhan', attention[0].message]);
    assert.equal((await s.kpg.cancels(s.order.order_id))?.refunded_total ?? 0, 0);
  });

  test('Shinhan: a confirm naming a TID already recorded for another payment is never recorded twice: the attempt stays in doubt (unknown, duplicate-tid), refused and logged', HANG_BOUND, async (t) => {
    const s = await setup(t);
    s.pg.tid = 'TSAMETID0000001';
    const first = await s.session();
    await s.approve(first.json.order_no);
    assert.equal(await s.status(first.json.order_no), 'paid');
    const other = s.shop.add();
    const second = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: other.order_id, device_type: 2 });
    assert.equal(second.status, 200, second.text);
    const orderNo = second.json.order_no;
    await s.approve(orderNo);
    const attempt = await s.kpg.store().then((st) => st.getAttempt(orderNo));
    assert.deepEqual([attempt?.status, attempt?.code, attempt?.tid ?? null], ['unknown', 'duplicate-tid', null]);
    assert.deepEqual((await s.kpg.refusals({ orderNo })).map((r) => r.code), ['duplicate-tid']);
    assert.equal((await s.kpg.store().then((st) => st.findByTid('shinhan', 'TSAMETID0000001')))?.order_no, first.json.order_no, 'the TID stays with the first payment');
  });

  test('Shinhan: a whole cancel the PG answers with less than the ledger\'s balance (part given back at its admin site) leaves nothing: refunded, and nothing more is asked of the PG', HANG_BOUND, async (t) => {
    const s = await setup(t);
    const orderNo = await s.paid();
    s.pg.cancelAmount = 9000; // 2,000 of the 11,000 went back at Shinhan's admin site, unknown to the ledger yet
    const all = await s.kpg.cancel({ order_id: s.order.order_id, reason: '전체 취소', idempotency_key: `all-${orderNo}` });
    assert.deepEqual([all.status, all.cancelled_amount], ['done', 9000], JSON.stringify(all));
    assert.equal(await s.status(orderNo), 'refunded', 'the PG holds nothing more of it');
    const more = await s.kpg.cancel({ order_id: s.order.order_id, amount: 1000, reason: '더', idempotency_key: `more-${orderNo}` });
    assert.deepEqual([more.status, more.code], ['refused', 'nothing-left']);
  });

  test('Shinhan: a confirm the PG refuses (401 with its ret_code) is a decline: no money moved, the buyer may pay again', HANG_BOUND, async (t) => {
    const s = await setup(t);
    s.pg.confirm = '401';
    const started = await s.session();
    await s.approve(started.json.order_no);
    assert.equal(await s.status(started.json.order_no), 'failed');
    assert.equal((await s.session()).status, 200);
  });

  test('Shinhan: card-list and receipt lookups that fail are 502, never a list or "no receipt"; a 5xx is not cached as the list', HANG_BOUND, async (t) => {
    const s = await setup(t);
    const started = await s.session();
    await s.approve(started.json.order_no);
    const paid = (await s.call(`/api/kpg/result?order_no=${started.json.order_no}`)).json;
    assert.equal(paid.status, 'paid');
    for (const mode of Object.keys(FAILURES)) {
      s.pg.search = mode;
      s.clock.advance(6 * 60_000); // past the card list's cache time: each answer is asked afresh
      const cards = await s.call('/api/kpg/cards?pgcode=selpay');
      if (mode === '401') assert.deepEqual([cards.status, cards.json.ret_code, cards.json.list], [200, 998, undefined], 'the refusal as the PG sent it, no list');
      else assert.deepEqual([cards.status, cards.json.list], [502, undefined], `cards, ${mode}: ${cards.text}`);
      const receipt = await s.call(`/api/kpg/receipt?tid=${encodeURIComponent(paid.tid)}`);
      assert.equal(receipt.status, 502, `receipt, ${mode}: ${receipt.text}`);
    }
    // A 5xx is no answer: not cached, the next call asks again and gets the list.
    s.clock.advance(6 * 60_000);
    s.pg.search = '500';
    assert.equal((await s.call('/api/kpg/cards?pgcode=selpay')).status, 502);
    s.pg.search = 'ok';
    const list = await s.call('/api/kpg/cards?pgcode=selpay');
    assert.deepEqual([list.status, list.json.list?.length], [200, 1]);
  });

  test('Shinhan: a result settled by another instance between our read and our write (decline, lose, wrong amount) is answered as that instance left it: one transition, one event, no error', HANG_BOUND, async (t) => {
    // Another instance (a second copy of the return, reconcile) makes the same transition first: the store
    // refuses ours (the attempt is no longer in the state we read), and the answer is the attempt as it is now.
    // The models' racing store: while on, each decision but the claim is made first by "another instance".
    const { s, racing } = await racedSetup(t);
    /** @param {() => void} pgSays @param {boolean} race */
    const run = async (pgSays, race) => {
      const order = s.shop.add();
      const r = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      const orderNo = /** @type {string} */ (r.json.order_no);
      pgSays();
      racing.on = race;
      const page = await s.approve(orderNo).finally(() => (racing.on = false));
      s.pg.confirm = 'ok';
      s.pg.took = null;
      const result = (await s.call(`/api/kpg/result?order_no=${orderNo}`)).json;
      const moves = s.logs.filter((l) => l.event === 'transition' && l.order_no === orderNo && l.from === 'processing');
      return { page: [page.status, page.res.headers.get('location')?.replace(orderNo, 'ORDER')], result: [result.status, result.code], moves: moves.map((l) => [l.transition, l.moved]) };
    };
    for (const [what, pgSays] of /** @type {Array<[string, () => void]>} */ ([
      ['declined', () => (s.pg.confirm = '401')],
      ['unknown', () => (s.pg.confirm = '500')],
      ['wrong amount', () => (s.pg.took = 9000)],
    ])) {
      const alone = await run(pgSays, false);
      const raced = await run(pgSays, true);
      assert.ok(alone.page[0] < 500, `${what}: ${alone.page}`);
      assert.deepEqual(raced.page, alone.page, `${what}: the buyer's page`);
      assert.deepEqual(raced.result, alone.result, `${what}: the result`);
      assert.equal(alone.moves.length, 1, `${what}: ${JSON.stringify(alone.moves)}`);
      assert.deepEqual(raced.moves, [[alone.moves[0][0], false]], `${what}: ours refused (the other instance's is its own)`);
    }
  });

  test('reconcile: an attempt left processing by an instance that died before confirm (no record at the PG yet, or confirm-info unreachable) becomes unknown once stale, never failed inside the confirm window, and no second payment starts', HANG_BOUND, async (t) => {
    const s = await setup(t);
    for (const search of ['ok', '500']) {
      s.pg.search = search;
      const order = s.shop.add();
      const orderNo = /** @type {string} */ ((await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 })).json.order_no);
      // The instance claimed the return, then died before calling confirm: processing, and nothing at the PG.
      const claimedAt = s.clock.date().toISOString();
      const claimed = await store().transition(orderNo, 'claim', {}, claimedAt);
      assert.equal(claimed?.processing_since ? new Date(claimed.processing_since).toISOString() : null, claimedAt, 'the store notes when it began processing');
      await s.kpg.reconcile();
      assert.equal(await s.status(orderNo), 'processing', `${search}: not stale yet: its instance may still be confirming`);
      s.clock.advance(3 * TIMEOUT_MS - 1); // staleProcessingMs: 3 x pgTimeoutMs; a millisecond short of it
      await s.kpg.reconcile();
      assert.equal(await s.status(orderNo), 'processing', `${search}: a millisecond before staleProcessingMs: not stale yet`);
      s.clock.advance(1); // staleProcessingMs to the millisecond: stale
      await s.kpg.reconcile();
      assert.equal(await s.status(orderNo), 'unknown', `${search}: stale, and confirm may still take the money: in doubt, not failed`);
      s.pg.search = 'ok';
      const again = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      assert.deepEqual([again.status], [409], `${search}: no second payment while it is in doubt`);
    }
  });

  test("reconcile: an attempt another instance is still verifying (processing, not stale) is settled at once only by positive evidence: an account confirm-info shows issued is issued; a cancel it shows waits for the attempt's own instance", HANG_BOUND, async (t) => {
    const s = await setup(t);
    /** @param {Record<string, unknown>} claim @param {Record<string, unknown>} info */
    const processing = async (claim, info) => {
      const orderNo = /** @type {string} */ ((await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add().order_id, device_type: 2 })).json.order_no);
      const asked = s.pg.requests.get(orderNo);
      s.pg.approved.set(orderNo, { tid: `V${orderNo.slice(-12)}`, amount: asked.amount, user_id: asked.user_id });
      assert.ok(await store().transition(orderNo, 'claim', { claimed_tid: `V${orderNo.slice(-12)}`, ...claim }, s.clock.date().toISOString()));
      s.pg.info = info;
      return orderNo;
    };
    const account = await processing({ pay_method: 'VBANK', bank_name: '신한은행', vbank_holder: '데모상점', vbank_due_date: '2099-12-31' }, { tx_stat: 0 });
    await s.kpg.reconcile();
    assert.equal(await s.status(account), 'awaiting_deposit', 'issued: recorded at once');
    const cancelled = await processing({}, { tx_stat: 2 });
    await s.kpg.reconcile();
    assert.equal(await s.status(cancelled), 'processing', 'a cancel is not settled while its own instance may still be confirming');
    // A contradiction waits the same way, and the report says what the PG said.
    const contradicted = await processing({ pay_method: 'VBANK', bank_name: '신한은행', vbank_holder: '데모상점', vbank_due_date: '2099-12-31' }, { tx_stat: 0, tid: 'VOTHER0000001' });
    const report = await s.kpg.reconcile();
    assert.equal(await s.status(contradicted), 'processing');
    assert.deepEqual(report.unsettled.filter((u) => u.order_no === contradicted).map((u) => u.why), [`confirm-info names tid VOTHER0000001 for this order_no; its virtual account is V${contradicted.slice(-12)}.`]);
    s.clock.advance(3 * TIMEOUT_MS + 1);
    await s.kpg.reconcile();
    assert.equal(await s.status(cancelled), 'failed', 'stale: settled from confirm-info');
  });

  test('reconcile: a waiting account confirm-info does not know ("there is no data.") closes at its due day like any other: left waiting before it, expired (vbank-expired) after it; closed first by another instance, reported as closed', HANG_BOUND, async (t) => {
    const { s, racing } = await racedSetup(t);
    /** An account issued for a new attempt, due `due` (Korea's day), that the PG's confirm-info does not know. @param {string} due */
    const waiting = async (due) => {
      const orderNo = /** @type {string} */ ((await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.shop.add().order_id, device_type: 2 })).json.order_no);
      const now = s.clock.date().toISOString();
      assert.ok(await store().transition(orderNo, 'claim', { claimed_tid: `V${orderNo.slice(-12)}` }, now));
      assert.ok(await store().transition(orderNo, 'issue', { claimed_tid: `V${orderNo.slice(-12)}`, pay_method: 'VBANK', bank_name: '신한은행', vbank_holder: '데모상점', vbank_due_date: due }, now, transitionEvents('issue')));
      return orderNo;
    };
    // The pinned clock is 2026-11-30 23:59 in Korea: the 29th is over, the 30th is not.
    const over = await waiting('2026-11-29');
    const today = await waiting('2026-11-30');
    await s.kpg.reconcile();
    const closed = await store().getAttempt(over);
    assert.deepEqual([closed?.status, closed?.reason], ['cancelled', 'vbank-expired']);
    assert.equal(await s.status(today), 'awaiting_deposit');
    // Another instance's reconcile closes the next one between our read and our write: ours is refused, and
    // the run reports the account as that instance left it (closed), with no error.
    const lost = await waiting('2026-11-28');
    racing.on = true;
    const report = await s.kpg.reconcile().finally(() => (racing.on = false));
    assert.deepEqual(report.settled.filter((x) => x.order_no === lost).map((x) => [x.from, x.to]), [['awaiting_deposit', 'cancelled']]);
    assert.deepEqual(s.logs.filter((l) => l.order_no === lost && (l.event === 'error' || l.transition === 'expire')).map((l) => [l.event, l.moved ?? null]), [['transition', false]], 'ours refused (the other instance logs its own); no error');
    assert.deepEqual([(await store().getAttempt(lost))?.status, await s.status(today)], ['cancelled', 'awaiting_deposit']);
  });

  test('Shinhan: terms-info-list failing is 502 for GET /terms and for a session (no attempt, nothing asked of the PG), never "no terms to agree to"; a failure is not cached', HANG_BOUND, async (t) => {
    const s = await setup(t);
    const requests = () => s.pg.requests.size;
    for (const mode of Object.keys(FAILURES)) {
      s.pg.terms = mode;
      s.clock.advance(6 * 60_000); // past the cache time: each answer is asked afresh
      const code = mode === 'timeout' ? 'pg-unreachable' : mode === '401' ? 'pg-refused' : 'pg-bad-response';
      const terms = await s.call('/api/kpg/terms?pgcode=card');
      assert.deepEqual([terms.status, terms.json.code, terms.json.list], [502, code, undefined], `GET /terms, ${mode}: ${terms.text}`);
      const before = requests();
      const session = await s.session();
      assert.deepEqual([session.status, session.json.code], [502, mode === 'timeout' ? 'pg-unreachable' : 'terms-unavailable'], `session, ${mode}: ${session.text}`);
      assert.match(session.json.message, /^The PG's terms could not be loaded: /);
      assert.equal(requests(), before, `session, ${mode}: nothing asked of the PG`);
      assert.ok(!(await store().orderState(s.order.order_id)).open, `session, ${mode}: no attempt`);
    }
    // The PG answers again: the failure was not kept, the terms are asked for and a consent is required.
    s.pg.terms = 'ok';
    const terms = await s.call('/api/kpg/terms?pgcode=card');
    assert.deepEqual([terms.status, terms.json.required, terms.json.list.map((/** @type {any} */ x) => x.terms_no)], [200, true, [1]]);
    const without = await s.session();
    assert.deepEqual([without.status, without.json.field], [400, 'terms_agreed']);
    const agreed = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: s.order.order_id, device_type: 2, terms_agreed: [1], terms_hash: terms.json.terms_hash });
    assert.equal(agreed.status, 200, agreed.text);
    // A list of one written as the object itself (not the document's array): the same one terms.
    s.pg.terms = 'object';
    s.clock.advance(6 * 60_000);
    const object = await s.call('/api/kpg/terms?pgcode=card');
    assert.deepEqual([object.status, object.json.terms_hash, object.json.list.map((/** @type {any} */ x) => [x.terms_no, x.terms_nm])], [200, terms.json.terms_hash, [[1, '전자금융거래 이용약관']]]);
    // One terms_no for two terms: no list to agree to (which one would terms_agreed [1] mean?), so no payment.
    s.pg.terms = 'twice';
    s.clock.advance(6 * 60_000);
    const twice = await s.call('/api/kpg/terms?pgcode=card');
    assert.deepEqual([twice.status, twice.json.code, twice.json.list], [502, 'pg-bad-response', undefined], twice.text);
    assert.match(twice.json.message, /terms_no twice/);
    // Said OK over a list that is not one: no terms (never an empty list, which would need no consent), no payment.
    s.pg.terms = 'malformed';
    s.clock.advance(6 * 60_000);
    const malformed = await s.call('/api/kpg/terms?pgcode=card');
    assert.deepEqual([malformed.status, malformed.json.code, malformed.json.list], [502, 'pg-bad-response', undefined], malformed.text);
    assert.match(malformed.json.message, /malformed list/);
  });
});

// Smartro's receipt API, end to end through its sandbox: test/node/server-lookup-errors-smartro.test.mjs.
