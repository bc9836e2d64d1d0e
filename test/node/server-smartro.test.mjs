// @ts-check
/**
 * kpg-checkout/server with Smartro WEBLink, on PGlite and on PostgreSQL. The PG is played by this file:
 * result forms built here (EUC-KR bytes by hand, UTF-8, UrlEncode=Y) and signed with hashes recomputed
 * here; a fake receipt API answers from this file's ledger of what "Smartro" really approved (by TID, and by
 * Moid for the lookup the server may be allowed to make). Issue 10's faults 1, 3, 4 and 6 have tests here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createKpgServer } from '../../dist/server/index.js';
import { transitionEvents } from '../../dist/server/payments/events.js';
import { answerJson, forEachEngine, readAll, serve, shopOrders, startServer, storeWith, until } from './server-helpers.mjs';
import { testClock } from './clock.mjs';

const MID = 'tstmid001m';
const MERCHANT_KEY = 'dGVzdC1tZXJjaGFudC1rZXktZm9yLXNtYXJ0cm8tOTk=';
const PC_ACTION = 'https://tpay.example/interfaceURL.jsp';
const MOBILE_ACTION = 'https://tspay.example/pay/interfaceURL';

const md5Hex = (/** @type {string} */ text) => createHash('md5').update(text, 'utf8').digest('hex');
const b64 = (/** @type {string} */ text) => Buffer.from(text, 'utf8').toString('base64');
/** base64(md5_hex(TID[0:10] + ResultCode + TID[10:15] + MerchantKey + TID[15:30])) */
const sign = (/** @type {string} */ tid, /** @type {string} */ code, key = MERCHANT_KEY) =>
  b64(md5Hex(`${tid.slice(0, 10)}${code}${tid.slice(10, 15)}${key}${tid.slice(15, 30)}`));

let tidCounter = 0;
/** MID (10) + "0101" + yyMMddHHmmss (12) + 4 digits = 30, as Smartro makes them. */
const newTid = () => `${MID}0101261122${String(Math.floor(tidCounter / 10000)).padStart(6, '0')}${String(++tidCounter % 10000).padStart(4, '0')}`;

/**
 * What "Smartro" really approved, by TID. resultFields() enters an approval the first time it builds one;
 * a form edited afterwards (another OID, another Amt) does not change what was approved.
 * @type {Map<string, { moid: string, amount: number, cancelled?: boolean }>}
 */
const LEDGER = new Map();

/**
 * @param {{ orderNo: string, tid?: string, code?: string, amt?: string, mid?: string, key?: string, msg?: string,
 *   unsigned?: boolean, extra?: Record<string, string> }} p
 * @returns {Record<string, string>}
 */
function resultFields(p) {
  const code = p.code ?? '3001';
  const approval = code === '3001';
  const tid = p.tid ?? (approval ? newTid() : '');
  if (approval && !LEDGER.has(tid)) LEDGER.set(tid, { moid: p.orderNo, amount: Number(p.amt ?? '11000') });
  /** @type {Record<string, string>} */
  const fields = {
    PayMethod: 'CARD',
    MID: p.mid ?? MID,
    Amt: p.amt ?? '11000',
    BuyerName: '홍길동',
    GoodsName: '테스트',
    OID: p.orderNo,
    ResultCode: code,
    ResultMsg: p.msg ?? (approval ? '정상 승인' : '카드 승인 거절'),
    ...(tid ? { TID: tid, AuthDate: '261122153012', AuthCode: '30001234', fn_cd: '01', fn_name: 'BC카드', CardQuota: '03' } : {}),
    ...(p.unsigned || !tid ? {} : { SignValue: sign(tid, code, p.key) }),
    VbankNum: '',
    ...p.extra,
  };
  return fields;
}

/** EUC-KR bytes of the Hangul texts used here, written out by hand. */
const EUC_KR = /** @type {Record<string, string>} */ ({
  테스트: 'C5D7BDBAC6AE',
  BC카드: '4243C4ABB5E5',
  홍길동: 'C8ABB1E6B5BF',
  '카드 승인 거절': 'C4ABB5E520BDC2C0CE20B0C5C0FD',
  '정상 승인': 'C1A4BBF320BDC2C0CE',
});

/** Form-encodes bytes as a browser does. @param {Buffer} bytes */
function escapeBytes(bytes) {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9*._-]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
/** The PC result form: EUC-KR. @param {Record<string, string>} fields */
const eucKrBody = (fields) =>
  Object.entries(fields)
    .map(([name, value]) => {
      const hex = EUC_KR[value];
      if (!hex && /[^\x00-\x7f]/.test(value)) throw new Error(`no EUC-KR bytes for ${value}`);
      return `${name}=${escapeBytes(hex ? Buffer.from(hex, 'hex') : Buffer.from(value, 'latin1'))}`;
    })
    .join('&');
/** @param {Record<string, string>} fields */
const utf8Body = (fields) => Object.entries(fields).map(([n, v]) => `${n}=${escapeBytes(Buffer.from(v, 'utf8'))}`).join('&');
/** UrlEncode=Y: percent-encoded once more by the PG, then form-encoded. @param {Record<string, string>} fields */
const doubleEncodedBody = (fields) => Object.entries(fields).map(([n, v]) => `${n}=${escapeBytes(Buffer.from(escapeBytes(Buffer.from(v, 'utf8')), 'latin1'))}`).join('&');

/** @param {string} tid @param {{ moid: string, amount: number, cancelled?: boolean }} p */
const receiptOf = (tid, p) => ({
  tid,
  moid: p.moid,
  stateCd: p.cancelled ? '1' : '0',
  stateNm: p.cancelled ? '취소' : '승인',
  svcCd: '01',
  svcNm: '신용카드',
  ordNm: '홍길동',
  goodsNm: '테스트',
  goodsAmt: String(p.amount),
  appNo: '30001234',
  appDt: '20261122',
  appTm: '153012',
  cardNo: '5361481234561234',
  appNm: 'BC카드',
  fnNo: '0104512378',
  partCancelInfo: [],
  merchantInfo: { coNo: '1234567890', coNm: '데모상점', bossNm: '김대표', mallNm: '데모샵', addr: '서울', secret: 'x' },
});

/** The receipt API: POST /api/receipt, apikey = MerchantKey, JSON {mid, tid} or {mid, moid}. @param {import('node:test').TestContext} t */
async function startFakeReceiptApi(t) {
  const api = { /** @type {any[]} */ calls: [], down: false, delayMs: 0, /** @type {unknown} */ answer: undefined, origin: '' };
  api.origin = await serve(t, async (req, res) => {
    if (api.down) return void req.socket.destroy();
    const body = (await readAll(req)).toString('utf8');
    if (api.delayMs) await new Promise((r) => setTimeout(r, api.delayMs));
    if (req.headers.apikey !== MERCHANT_KEY) return answerJson(res, 401, { resultCd: 'E210', resultMsg: 'apikey 불일치' });
    const asked = JSON.parse(body);
    api.calls.push(asked);
    if (api.answer !== undefined) return answerJson(res, 200, api.answer);
    if (asked.tid === undefined && asked.moid) {
      const found = [...LEDGER].find(([, p]) => p.moid === asked.moid && !p.cancelled);
      return found ? answerJson(res, 200, receiptOf(found[0], found[1])) : answerJson(res, 404, { resultCd: 'E221', resultMsg: 'no approval for this Moid' });
    }
    const payment = LEDGER.get(asked.tid);
    if (asked.mid !== MID || !payment) return answerJson(res, 404, { resultCd: 'E220', resultMsg: `거래 내역이 없습니다: ${asked.tid}` });
    answerJson(res, 200, receiptOf(asked.tid, payment));
  });
  return api;
}

/**
 * The suite's store with `wrap` over it (storeWith), whose next read of `race.orderNo` first runs
 * `race.beforeRead` once: another copy's step, played on the database at the moment a race would put it.
 * @param {any} inner @param {{ orderNo: string, beforeRead: null | (() => Promise<unknown>) }} race
 * @param {Record<string, (own: (...args: any[]) => any, ...args: any[]) => any>} wrap
 */
function racingReads(inner, race, wrap) {
  return storeWith(inner, {
    ...wrap,
    getAttempt: async (own, orderNo) => {
      const before = orderNo === race.orderNo ? race.beforeRead : null;
      race.beforeRead = null;
      await before?.();
      return own(orderNo);
    },
  });
}

forEachEngine('kpg-checkout/server with Smartro', ({ store }) => {
  /**
   * @param {import('node:test').TestContext} t
   * @param {{ lookup?: boolean, options?: Record<string, any>, store?: any }} [o] store: the suite's store, or a wrapper of it
   */
  async function setup(t, o = {}) {
    const api = await startFakeReceiptApi(t);
    const shop = shopOrders();
    const server = await startServer(
      t,
      o.store ?? store(),
      {
        smartro: { mid: MID, merchantKey: MERCHANT_KEY, pcAction: PC_ACTION, mobileAction: MOBILE_ACTION, apiBase: `${api.origin}/api`, receiptLookupByMoid: o.lookup ?? false },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        pgTimeoutMs: 1000,
        rateLimit: false,
        ...o.options,
      },
      { secrets: [MERCHANT_KEY, Buffer.from(MERCHANT_KEY, 'base64').toString('utf8')] },
    );
    const order = shop.add();
    /** @param {Record<string, unknown>} [over] @param {{ buyer?: string | null }} [as] */
    const session = (over = {}, as = {}) => server.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2, ...over }, as);
    /** @param {Record<string, unknown>} [over] */
    async function started(over) {
      const r = await session(over);
      assert.equal(r.status, 200, r.text);
      return /** @type {string} */ (r.json.order_no);
    }
    /** @param {'return' | 'retry'} route @param {string} body @param {Record<string, string>} [headers] */
    const post = (route, body, headers = {}) =>
      server.call(`/api/kpg/smartro/${route}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body, buyer: null });
    /** @param {string} orderNo */
    const result = async (orderNo) => (await server.call(`/api/kpg/result?order_no=${orderNo}`)).json;
    /** @param {string} orderNo */
    const closeWindow = (orderNo) => server.postJson('/api/kpg/result', { order_no: orderNo, event: 'window-closed' });
    return { api, shop, order, ...server, session, started, post, result, closeWindow };
  }

  test('session (PC): the WEBLink form with EncryptData, amount and buyer from the shop order, no key; fault 5: nothing for another buyer', async (t) => {
    const s = await setup(t);
    const r = await s.session({ amount: 1, pgcode: 'card' });
    assert.equal(r.status, 200, r.text);
    const { fields } = r.json;
    assert.equal(r.json.action, PC_ACTION);
    assert.equal(fields.Moid, r.json.order_no);
    assert.match(fields.Moid, /^[A-Za-z0-9]+$/);
    assert.deepEqual(
      { Amt: fields.Amt, MID: fields.MID, GoodsCnt: fields.GoodsCnt, GoodsName: fields.GoodsName, BuyerName: fields.BuyerName, BuyerTel: fields.BuyerTel, BuyerEmail: fields.BuyerEmail, PayMethod: fields.PayMethod, MallResultFWD: fields.MallResultFWD, TransType: fields.TransType, OpenType: fields.OpenType },
      { Amt: '11000', MID, GoodsCnt: '1', GoodsName: '테스트 상품', BuyerName: '홍길동', BuyerTel: '01012345678', BuyerEmail: 'buyer@example.com', PayMethod: 'CARD', MallResultFWD: 'Y', TransType: '0', OpenType: 'KR' },
    );
    assert.equal(fields.EncryptData, b64(md5Hex(`${fields.ediDate}${MID}11000${MERCHANT_KEY}`)));
    assert.equal(fields.ReturnURL, `${s.base}/api/kpg/smartro/return`);
    assert.equal(fields.RetryURL, `${s.base}/api/kpg/smartro/retry`);
    assert.ok(!('StopURL' in fields) && !('clientType' in fields));
    const other = s.shop.add({ owner: 'bob' });
    const denied = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 });
    assert.equal(denied.status, 403);
    assert.ok(!denied.text.includes('홍길동') && !denied.text.includes('01012345678') && !denied.text.includes('buyer@example.com'));
  });

  test('session (mobile): StopURL with the order_no, byte limits per charset; app_scheme -> clientType HYB + urlScheme (issue 12)', async (t) => {
    const s = await setup(t);
    const long = s.shop.add({ product_name: '가'.repeat(50) });
    const r = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: long.order_id, device_type: 1, return_to: '/shop?x=1', app_scheme: 'myshop://' });
    assert.equal(r.json.action, MOBILE_ACTION);
    assert.equal(r.json.fields.StopURL, `${s.base}/api/kpg/smartro/stop?order_no=${r.json.order_no}`);
    assert.equal(Buffer.byteLength(r.json.fields.GoodsName, 'utf8'), 78, '26 syllables of 3 bytes fit 80');
    assert.deepEqual([r.json.fields.clientType, r.json.fields.urlScheme], ['HYB', 'myshop://']);
    const pc = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: s.shop.add({ product_name: '가'.repeat(50) }).order_id, device_type: 2, app_scheme: 'myshop://' });
    assert.equal(pc.json.fields.GoodsName.length, 40, 'EUC-KR: 40 syllables of 2 bytes');
    assert.ok(!('clientType' in pc.json.fields));
  });

  test('session: a character the browser cannot send in the form\'s charset is sent as "?" (PC, EUC-KR: an emoji; Hangul outside KS X 1001 such as 똠 kept, as the browser sends it; mobile, UTF-8: the emoji kept), so the widget posts the form; byte limits counted after', async (t) => {
    const s = await setup(t);
    const buyer = { id: 'buyer01', name: '홍길동😀', tel: '01012345678', email: 'buyer@example.com' };
    const start = async (/** @type {1 | 2} */ device_type, /** @type {string} */ product_name) => {
      const r = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: s.shop.add({ product_name, buyer }).order_id, device_type });
      assert.equal(r.status, 200, r.text);
      return r.json.fields;
    };
    const pc = await start(2, '🎁 선물세트 똠방각하');
    assert.deepEqual([pc.GoodsName, pc.BuyerName], ['? 선물세트 똠방각하', '홍길동?']);
    const mobile = await start(1, '🎁 선물세트 똠방각하');
    assert.deepEqual([mobile.GoodsName, mobile.BuyerName], ['🎁 선물세트 똠방각하', '홍길동😀']);
    // 79 bytes of Hangul, then an emoji: as "?" it takes the 80th byte (2 bytes as an emoji's place would not fit).
    const full = await start(2, `${'가'.repeat(39)}a😀😀`);
    assert.equal(full.GoodsName, `${'가'.repeat(39)}a?`);
  });

  test('session: a buyer phone and email the shop gives as null or "" are absent (Smartro\'s placeholders go instead); a phone with spaces and brackets goes as its digits', async (t) => {
    const s = await setup(t);
    const fields = async (/** @type {any} */ buyer) => {
      const r = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: s.shop.add({ buyer }).order_id, device_type: 2 });
      assert.equal(r.status, 200, r.text);
      return [r.json.fields.BuyerTel, r.json.fields.BuyerEmail];
    };
    assert.deepEqual(await fields({ id: 'buyer01', name: '홍길동', tel: '', email: null }), ['01000000000', 'buyer@example.com']);
    assert.deepEqual(await fields({ id: 'buyer01', name: '홍길동', tel: '(010) 1234-5678', email: 'hong@example.com' }), ['01012345678', 'hong@example.com']);
    // A +82 number, written the Korean way here as for Shinhan and the staff console's column.
    assert.deepEqual(await fields({ id: 'buyer01', name: '홍길동', tel: '+82 10-1234-5678' }), ['01012345678', 'buyer@example.com']);
  });

  test('return (PC): an EUC-KR result form is decoded, verified with the receipt API and recorded; the page loads the return script', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    const r = await s.post('return', eucKrBody(fields));
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`<script src="/kpg-return.js" data-order-no="${orderNo}"></script>`));
    assert.equal(r.res.headers.get('content-security-policy'), "default-src 'none'; script-src 'self'");
    assert.deepEqual(s.api.calls.at(-1), { mid: MID, tid: fields.TID });
    const res = await s.result(orderNo);
    assert.deepEqual(
      { status: res.status, tid: res.tid, card_name: res.card_name, install_month: res.install_month, approved_at: res.approved_at, card_no: res.card_no },
      { status: 'paid', tid: fields.TID, card_name: 'BC카드', install_month: '03', approved_at: '2026-11-22 15:30:12', card_no: '536148******1234' },
    );
  });

  test('return (mobile): a UTF-8 form -> 303 to return_to with kpg_order_no; UrlEncode=Y values are decoded twice', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started({ device_type: 1, return_to: '/m/checkout?step=2' });
    let r = await s.post('return', utf8Body(resultFields({ orderNo })));
    assert.equal(r.status, 303);
    assert.equal(r.res.headers.get('location'), `${s.base}/m/checkout?step=2&kpg_order_no=${orderNo}`);
    assert.equal((await s.result(orderNo)).status, 'paid');
    const second = s.shop.add();
    const o2 = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: second.order_id, device_type: 2 })).json.order_no;
    const fields = resultFields({ orderNo: o2, extra: { UrlEncode: 'Y', EncodingType: 'utf8' } });
    r = await s.post('return', doubleEncodedBody(fields));
    assert.equal(r.status, 200);
    const res = await s.result(o2);
    assert.deepEqual([res.status, res.card_name], ['paid', 'BC카드']);
  });

  test('return: a forged SignValue (on an approval, a decline or a cancel) or a signed result with another MID is refused; the attempt is untouched', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    await s.post('return', utf8Body({ ...resultFields({ orderNo }), SignValue: b64('0'.repeat(32)) }));
    await s.post('return', utf8Body(resultFields({ orderNo, key: 'not-the-key' })));
    await s.post('return', utf8Body(resultFields({ orderNo, mid: 'othermid0m' })));
    // An approval with no SignValue at all (its TID genuine at "Smartro"): refused at the door, never looked up.
    const calls = s.api.calls.length;
    await s.post('return', utf8Body(resultFields({ orderNo, unsigned: true })));
    assert.equal(s.api.calls.length, calls, 'an unsigned approval never reaches the receipt API');
    assert.equal((await s.result(orderNo)).status, 'pending');
    assert.deepEqual((await store().refusals({ orderNo })).map((r) => r.code), ['sign-mismatch', 'sign-mismatch', 'mid-mismatch', 'sign-mismatch']);
    // A signed approval that names no MID at all is not taken for ours either.
    const { MID: _mid, ...noMid } = resultFields({ orderNo });
    await s.post('return', utf8Body(noMid));
    assert.equal((await s.result(orderNo)).status, 'pending');
    assert.deepEqual((await store().refusals({ orderNo })).slice(-1).map((r) => [r.code, r.message]), [['mid-mismatch', 'The approval carries no MID.']]);
    // A decline or a cancel signed with another key is no more trusted than an approval: refused, nothing
    // ended (a forged decline must not close the buyer's payment).
    for (const code of ['3011', 'C001']) {
      await s.post('return', utf8Body(resultFields({ orderNo, code, tid: newTid(), key: 'not-the-key' })));
      assert.equal((await s.result(orderNo)).status, 'pending', code);
      assert.deepEqual((await store().refusals({ orderNo })).slice(-1).map((r) => r.code), ['sign-mismatch'], code);
    }
    await s.post('return', utf8Body(resultFields({ orderNo })));
    assert.equal((await s.result(orderNo)).status, 'paid');
  });

  test('fault 4: one approval cannot pay another order: a TID with "X" appended (SignValue signs only TID[0:30]) is refused; there is no switch to skip the receipt check', async (t) => {
    const s = await setup(t);
    const first = await s.started();
    const genuine = resultFields({ orderNo: first });
    await s.post('return', utf8Body(genuine));
    assert.equal((await s.result(first)).status, 'paid');
    for (const suffix of ['X', 'XY']) {
      const other = s.shop.add();
      const o = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 })).json.order_no;
      const replay = { ...genuine, TID: `${genuine.TID}${suffix}`, OID: o };
      assert.equal(sign(replay.TID, '3001'), genuine.SignValue, 'the same SignValue verifies');
      const r = await s.post('retry', utf8Body(replay));
      assert.deepEqual([r.status, r.text], [400, 'REFUSED bad-tid']);
      assert.equal((await s.result(o)).status, 'pending');
    }
    const notOurs = `othermid0m${genuine.TID.slice(10)}`;
    const o3 = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: s.shop.add().order_id, device_type: 2 })).json.order_no;
    assert.equal((await s.post('retry', utf8Body({ ...resultFields({ orderNo: o3 }), TID: notOurs, SignValue: sign(notOurs, '3001') }))).text, 'REFUSED bad-tid');
    // An approval with no TID at all, signed over the empty TID: refused, and the refusal says there was none.
    const { TID: _none, ...noTid } = resultFields({ orderNo: o3 });
    assert.equal((await s.post('retry', utf8Body({ ...noTid, SignValue: sign('', '3001') }))).text, 'REFUSED bad-tid');
    assert.match((await store().refusals({ orderNo: o3 })).at(-1)?.message ?? '', /beginning with our MID: \(none\)\.$/);
    assert.equal((await s.result(o3)).status, 'pending');
    assert.throws(
      () => createKpgServer({ publicBaseUrl: 'http://x', smartro: { mid: MID, merchantKey: MERCHANT_KEY, pcAction: PC_ACTION, mobileAction: MOBILE_ACTION, apiBase: 'http://x/', verifyWithReceiptApi: false }, loadOrder: () => undefined, authorize: () => true }),
      /cannot be switched off/,
    );
  });

  test('fault 4: a genuine approval replayed onto another attempt (OID and Amt edited) is refuted by the receipt API: back to pending, never paid', async (t) => {
    const s = await setup(t);
    const cheap = s.shop.add({ amount: 1000 });
    const cheapNo = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: cheap.order_id, device_type: 2 })).json.order_no;
    const genuine = resultFields({ orderNo: cheapNo, amt: '1000' });
    const dear = await s.started();
    const replay = { ...genuine, OID: dear, Amt: '11000' };
    const r = await s.post('retry', utf8Body(replay));
    assert.deepEqual([r.status, r.text], [400, 'REFUSED receipt-mismatch']);
    const attempt = await store().getAttempt(dear);
    assert.deepEqual([attempt?.status, attempt?.claimed_tid, attempt?.tid], ['pending', null, null]);
    assert.ok(s.logs.some((l) => l.transition === 'refute' && l.order_no === dear));
    await s.post('return', utf8Body(genuine));
    assert.equal((await s.result(cheapNo)).status, 'paid', 'the genuine approval is recorded where it belongs');
    await s.post('return', utf8Body(resultFields({ orderNo: dear })));
    assert.equal((await s.result(dear)).status, 'paid');
  });

  test('fault 4: a genuine approval replayed onto another attempt of the same amount (only OID edited) is refuted: that order is never paid', async (t) => {
    const s = await setup(t);
    const first = await s.started();
    const genuine = resultFields({ orderNo: first });
    const other = s.shop.add();
    const second = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 })).json.order_no;
    const r = await s.post('retry', utf8Body({ ...genuine, OID: second }));
    assert.deepEqual([r.status, r.text], [400, 'REFUSED receipt-mismatch']);
    const attempt = await store().getAttempt(second);
    assert.deepEqual([attempt?.status, attempt?.tid], ['pending', null]);
    await s.post('return', utf8Body(genuine));
    assert.equal((await s.result(first)).status, 'paid', 'the approval pays the order it belongs to');
    assert.equal((await store().orderState(other.order_id)).paid, undefined);
    // Another order's approval is not this order's money to give back: nothing on refund_due for it.
    assert.deepEqual((await s.kpg.refundsDue()).filter((x) => x.order_no === second), []);
  });

  test('the receipt API shows another amount for this Moid than the order (the form\'s Amt edited): never paid, and the money Smartro took is owed back', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const cheap = resultFields({ orderNo, amt: '1000' }); // what Smartro really approved: 1,000 won for this Moid
    const r = await s.post('retry', utf8Body({ ...cheap, Amt: '11000' }));
    assert.equal(r.text, 'OK', 'recorded (as a failure and money owed): Smartro must stop retrying');
    const attempt = await store().getAttempt(orderNo);
    assert.deepEqual([attempt?.status, attempt?.tid], ['failed', null]);
    const res = await s.result(orderNo);
    assert.deepEqual([res.status, res.code], ['failed', 'amount-mismatch']);
    const owed = (await s.kpg.refundsDue()).filter((x) => x.order_no === orderNo);
    assert.deepEqual(owed.map((x) => [x.amount, x.reason, x.tid]), [[1000, 'wrong-amount', cheap.TID]]);
  });

  test('fault 6: an unsigned cancel (C001) or decline only notes a pending attempt, with fixed texts; a verified approval afterwards is paid', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    await s.post('return', eucKrBody(resultFields({ orderNo, code: '3011', msg: '카드 승인 거절' })));
    let res = await s.result(orderNo);
    assert.deepEqual([res.status, res.code], ['failed', '3011']);
    assert.ok(!JSON.stringify(res).includes('카드 승인 거절'), 'the PG page\'s (unsigned) text is not passed on');
    await s.post('return', utf8Body(resultFields({ orderNo, code: 'C001', msg: '사용자 취소' })));
    res = await s.result(orderNo);
    assert.deepEqual([res.status, res.reason], ['cancelled', 'buyer-cancelled']);
    assert.equal((await store().getAttempt(orderNo))?.status, 'pending', 'noted beside the status, never final');
    // The decline's text goes to the log (redacted, as the browser's word); a cancel carries none.
    assert.deepEqual(s.logs.filter((l) => l.code === 'browser-text' && l.order_no === orderNo).map((l) => l.message), ['ResultCode 3011: 카드 승인 거절']);
    const retry = await s.post('retry', utf8Body(resultFields({ orderNo })));
    assert.equal(retry.text, 'OK');
    assert.equal((await s.result(orderNo)).status, 'paid');
  });

  test('a decline or a cancel Smartro signed (TID and SignValue) is final: failed or cancelled in the store, not only noted beside a pending attempt; the same again is a stale result', async (t) => {
    const s = await setup(t);
    const declined = await s.started();
    const back = await s.post('return', utf8Body(resultFields({ orderNo: declined, code: '3011', tid: newTid() })));
    assert.equal(back.status, 200, 'the buyer gets the return page (the shop page asks result-url)');
    const a = await store().getAttempt(declined);
    assert.deepEqual([a?.status, a?.code, a?.reported_status ?? null], ['failed', '3011', null]);
    const cancelled = await s.started();
    await s.post('return', utf8Body(resultFields({ orderNo: cancelled, code: 'C001', tid: newTid() })));
    const b = await store().getAttempt(cancelled);
    assert.deepEqual([b?.status, b?.reason, b?.reported_status ?? null], ['cancelled', 'buyer-cancelled', null]);
    assert.deepEqual([(await s.result(declined)).status, (await s.result(cancelled)).status], ['failed', 'cancelled']);
    assert.deepEqual((await store().refusals({ orderNo: declined })).map((x) => x.code), [], 'a decline that ends a pending attempt is no refusal');
    // The same results again, onto attempts they already ended: nothing changes, and each is recorded as stale.
    await s.post('return', utf8Body(resultFields({ orderNo: declined, code: '3011', tid: newTid() })));
    await s.post('return', utf8Body(resultFields({ orderNo: cancelled, code: 'C001', tid: newTid() })));
    assert.deepEqual([(await store().getAttempt(declined))?.status, (await store().getAttempt(cancelled))?.status], ['failed', 'cancelled']);
    assert.deepEqual([...(await store().refusals({ orderNo: declined })), ...(await store().refusals({ orderNo: cancelled }))].map((x) => x.code), ['stale-result', 'stale-result']);
    // Smartro's copy at RetryURL is answered OK (it is on record: Smartro stops sending it).
    const copy = await s.post('retry', utf8Body(resultFields({ orderNo: declined, code: '3011', tid: newTid() })));
    assert.deepEqual([copy.status, copy.text, (await store().getAttempt(declined))?.status], [200, 'OK', 'failed']);
  });

  test('nothing overwrites a paid attempt; a second approval for it is money owed back (refund_due)', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const first = resultFields({ orderNo });
    await s.post('return', utf8Body(first));
    await s.post('return', utf8Body(resultFields({ orderNo, code: '3011' })));
    await s.post('return', utf8Body(resultFields({ orderNo, code: 'C001' })));
    await s.call(`/api/kpg/smartro/stop?order_no=${orderNo}`, { buyer: null });
    const second = resultFields({ orderNo });
    assert.equal((await s.post('retry', utf8Body(second))).text, 'OK', 'Smartro must stop retrying: it is on the list');
    const res = await s.result(orderNo);
    assert.deepEqual([res.status, res.tid], ['paid', first.TID]);
    const owed = (await s.kpg.refundsDue()).filter((r) => r.order_no === orderNo);
    assert.deepEqual(owed.map((r) => [r.tid, r.reason, r.amount]), [[second.TID, 'second-approval', 11000]]);
  });

  test('an approval being verified while another instance pays the attempt by another TID (reconcile finding that one by Moid): not OK to Smartro, which sends it again, and that copy is owed back; nothing paid twice', async (t) => {
    // The buyer paid twice at Smartro for one Moid (two windows). While this instance verifies the first TID,
    // another records the second (its own copy, or reconcile's lookup by Moid): our payment is refused by the
    // store. RetryURL must not read OK then (the first TID's money is not on the refund list yet): Smartro's
    // next copy finds the attempt paid by another TID and owes it back.
    /** @type {string | undefined} */
    let otherTid;
    const s = await setup(t, {
      store: storeWith(store(), {
        pay: async (own, orderNo, details, ...rest) => {
          if (otherTid) {
            const tid = otherTid;
            otherTid = undefined;
            assert.equal((await own(orderNo, { ...details, tid }, ...rest)).ok, true, 'the other instance pays first');
          }
          return own(orderNo, details, ...rest);
        },
      }),
    });
    const orderNo = await s.started();
    const other = resultFields({ orderNo });
    const mine = resultFields({ orderNo });
    otherTid = other.TID;
    const first = await s.post('retry', utf8Body(mine));
    assert.deepEqual([first.status, first.text], [400, 'REFUSED duplicate-payment'], 'not OK: Smartro sends it again');
    assert.deepEqual([(await s.result(orderNo)).status, (await store().getAttempt(orderNo))?.tid], ['paid', other.TID]);
    assert.deepEqual((await s.kpg.refundsDue()).filter((r) => r.order_no === orderNo), [], 'not owed yet: the next copy does it');
    const again = await s.post('retry', utf8Body(mine));
    assert.equal(again.text, 'OK');
    const owed = (await s.kpg.refundsDue()).filter((r) => r.order_no === orderNo);
    assert.deepEqual(owed.map((r) => [r.tid, r.reason, r.amount]), [[mine.TID, 'second-approval', 11000]]);
    assert.equal(s.logs.filter((l) => l.transition === 'pay' && l.order_no === orderNo).length, 0, 'ours recorded no payment (the other instance\'s is logged by it)');
  });

  test('return + retry: the same approval (either order, and 20 racing copies) is recorded once; every RetryURL copy answers OK', async (t) => {
    const s = await setup(t);
    s.api.delayMs = 100;
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => s.post(i % 2 ? 'retry' : 'return', utf8Body(fields))));
    for (const [i, r] of replies.entries()) {
      if (i % 2) assert.deepEqual([r.status, r.text], [200, 'OK']);
      else assert.equal(r.status, 200);
    }
    assert.equal((await s.result(orderNo)).status, 'paid');
    const pays = s.logs.filter((l) => l.transition === 'pay' && l.order_no === orderNo);
    assert.equal(pays.length, 1);
    assert.equal((await s.post('retry', utf8Body(fields))).text, 'OK');
    // A copy of the approval that paid is that payment again, not a second one: no money on the refund list.
    assert.deepEqual((await s.kpg.refundsDue()).filter((r) => r.order_no === orderNo), []);
    assert.equal(s.logs.filter((l) => l.event === 'refund-due' && l.order_no === orderNo).length, 0);
  });

  test('a RetryURL copy that loses the claim twice (another copy claimed, was refuted, a third claimed) answers RETRY at once: one wait per request, and the next RetryURL settles it', async (t) => {
    // The other copies are played on the database itself, at the moments a race would put them: a store
    // wrapper runs them just before this copy's claims and just before its next read. Real transitions,
    // real conditional UPDATEs; only their timing is chosen.
    const inner = store();
    const race = { orderNo: '', claims: 0, /** @type {null | (() => Promise<unknown>)} */ beforeRead: null };
    const clock = testClock(); // the server's and the other copies' time
    const at = () => clock.date().toISOString();
    const wrapped = racingReads(inner, race, {
      transition: async (own, orderNo, name, ...rest) => {
        if (name !== 'claim' || orderNo !== race.orderNo) return own(orderNo, name, ...rest);
        const n = ++race.claims;
        // Copy Y claims first (1), then copy Z (2).
        await inner.transition(orderNo, 'claim', { claimed_tid: n === 1 ? 'YCOPYTID' : 'ZCOPYTID' }, at());
        const mine = await own(orderNo, name, ...rest);
        // Y's receipt check refutes it (back to pending) as this copy waits; Z's ends declined.
        // (Each tells the shop what its transition tells, as the instance playing it would.)
        race.beforeRead = n === 1 ? () => inner.transition(orderNo, 'refute', { claimed_tid: null }, at()) : () => inner.transition(orderNo, 'decline', { code: 'pg-declined' }, at(), transitionEvents('decline'));
        return mine;
      },
    });
    const s = await setup(t, { store: wrapped, options: { now: clock.date } });
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    race.orderNo = orderNo;
    const first = await s.post('retry', utf8Body(fields));
    // Lost to Y (waited, saw Y refuted), lost to Z: Smartro is asked to come back, not kept waiting again.
    assert.deepEqual([first.status, first.text], [503, 'RETRY in-progress']);
    assert.equal(race.claims, 2, 'both claims of this copy were lost');
    assert.equal((await inner.getAttempt(orderNo))?.status, 'processing', 'Z still holds it: this copy did not wait for Z');
    await race.beforeRead?.(); // Z ends (declined)
    race.beforeRead = null;
    // Smartro's next RetryURL: the attempt is over, and this approval is real: owed back, and OK.
    const next = await s.post('retry', utf8Body(fields));
    assert.deepEqual([next.status, next.text], [200, 'OK']);
    const owed = (await s.kpg.refundsDue()).filter((r) => r.order_no === orderNo);
    assert.deepEqual(owed.map((r) => [r.tid, r.reason, r.amount]), [[fields.TID, 'attempt-ended', 11000]]);
  });

  test('the receipt API down: unknown (not pending, not failed), RetryURL 503; the next retry records it once; reconcile can too', async (t) => {
    const s = await setup(t);
    s.api.down = true;
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    let r = await s.post('retry', utf8Body(fields));
    assert.deepEqual([r.status, r.text], [503, 'RETRY receipt-unverified']);
    assert.equal((await s.result(orderNo)).status, 'unknown');
    assert.equal((await s.session()).json.code, 'attempt-in-progress');
    r = await s.post('retry', utf8Body(fields));
    assert.equal(r.status, 503, 'still down: still unknown');
    s.api.down = false;
    const other = s.shop.add();
    const o2 = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 })).json.order_no;
    s.api.down = true;
    await s.post('return', utf8Body(resultFields({ orderNo: o2 })));
    s.api.down = false;
    r = await s.post('retry', utf8Body(fields));
    assert.deepEqual([r.status, r.text], [200, 'OK']);
    assert.equal((await s.result(orderNo)).status, 'paid');
    const report = await s.kpg.reconcile();
    assert.ok(report.settled.some((x) => x.order_no === o2 && x.to === 'paid'), 'reconcile asks about the claimed TID');
    assert.equal((await s.result(o2)).status, 'paid');
  });

  test('a payment Smartro shows cancelled (stateCd 1) is failed pg-cancelled, not paid', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    /** @type {any} */ (LEDGER.get(fields.TID)).cancelled = true;
    await s.post('retry', utf8Body(fields));
    const res = await s.result(orderNo);
    assert.deepEqual([res.status, res.code], ['failed', 'pg-cancelled']);
  });

  test('fault 1: two tabs on one order: the second session is 409 attempt-in-progress while the first window may still take money', async (t) => {
    const s = await setup(t);
    const first = await s.started();
    const r = await s.session();
    assert.deepEqual([r.status, r.json.code, r.json.order_no], [409, 'attempt-in-progress', first]);
    assert.match(r.json.message, /결제창/);
    // The first tab pays: the second tab's next try is already-paid with that order_no.
    await s.post('return', utf8Body(resultFields({ orderNo: first })));
    const again = await s.session();
    assert.deepEqual([again.status, again.json.code, again.json.order_no], [409, 'already-paid', first]);
  });

  test('fault 1 with the Moid lookup: the buyer closed the window, Smartro knows no approval: a new attempt at once; the old one\'s late approval is owed back, never a second payment', async (t) => {
    const s = await setup(t, { lookup: true });
    const first = await s.started();
    const closed = await s.closeWindow(first);
    assert.equal(closed.json.status, 'pending', 'nothing was approved: the widget fires kpg-cancel popup-closed');
    assert.deepEqual(s.api.calls.at(-1), { mid: MID, moid: first });
    const second = await s.started();
    assert.notEqual(second, first);
    const old = await store().getAttempt(first);
    assert.deepEqual([old?.status, old?.reason, old?.superseded_by], ['cancelled', 'superseded', second]);
    const late = resultFields({ orderNo: first });
    assert.equal((await s.post('retry', utf8Body(late))).text, 'OK');
    assert.equal((await s.result(first)).status, 'cancelled');
    const owed = (await s.kpg.refundsDue()).filter((x) => x.order_no === first);
    assert.deepEqual(owed.map((x) => [x.tid, x.reason]), [[late.TID, 'superseded']]);
    await s.post('return', utf8Body(resultFields({ orderNo: second })));
    assert.equal((await s.result(second)).status, 'paid');
    const paid = await store().orderState(s.order.order_id);
    assert.equal(paid.paid?.order_no, second);
  });

  test('fault 1 with the Moid lookup: the window closed while the receipt API was down; the next session finds Smartro\'s approval, records it and answers 409 already-paid naming it (never attempt-in-progress, never a second attempt)', async (t) => {
    const s = await setup(t, { lookup: true });
    const first = await s.started();
    // The buyer approved; neither the return nor RetryURL reached the server; the receipt API is down when the
    // widget reports the closed window: nothing can be told, the attempt stays pending.
    resultFields({ orderNo: first });
    s.api.down = true;
    assert.equal((await s.closeWindow(first)).json.status, 'pending');
    s.api.down = false;
    const next = await s.session();
    assert.deepEqual([next.status, next.json.code, next.json.order_no], [409, 'already-paid', first], next.text);
    assert.equal((await s.result(first)).status, 'paid');
    const attempts = (await store().attemptsIn(['pending', 'paid', 'cancelled'], { limit: 500 })).filter((a) => a.order_id === s.order.order_id);
    assert.deepEqual(attempts.map((a) => a.order_no), [first], 'no second attempt');
  });

  test('fault 1 under load: 12 racing sessions for one order (tabs, instances) open exactly one payment; the rest are 409 attempt-in-progress naming it', async (t) => {
    // The shop's loadOrder holds every session until all 12 are in, so all of them look for an open attempt
    // before any inserts one: only the one-open-attempt index can then say no (the code's own check cannot).
    /** @type {Array<() => void>} */
    const held = [];
    const release = () => held.splice(0).forEach((go) => go());
    const timer = setTimeout(release, 5000); // bounded: never hang if fewer arrive
    t.after(() => clearTimeout(timer));
    /** @type {any} */
    let shop;
    const s = await setup(t, {
      options: {
        loadOrder: async (/** @type {{ order_id: string }} */ args) => {
          await new Promise((/** @type {(v?: unknown) => void} */ go) => {
            held.push(go);
            if (held.length === 12) release();
          });
          return shop.loadOrder(args);
        },
      },
    });
    shop = s.shop;
    const replies = await Promise.all(Array.from({ length: 12 }, () => s.session()));
    const opened = replies.filter((r) => r.status === 200);
    assert.equal(opened.length, 1, replies.map((r) => r.status).join(','));
    for (const r of replies) {
      if (r.status !== 200) assert.deepEqual([r.status, r.json.code, r.json.order_no], [409, 'attempt-in-progress', opened[0].json.order_no]);
    }
    const open = (await store().attemptsIn(['pending'], { limit: 500 })).filter((a) => a.order_id === s.order.order_id);
    assert.deepEqual(open.map((a) => a.order_no), [opened[0].json.order_no]);
  });

  test('fault 1 with the Moid lookup: two tabs: the second session is 409 while the first window is open, though Smartro knows no approval yet', async (t) => {
    const s = await setup(t, { lookup: true });
    const first = await s.started();
    const r = await s.session();
    assert.deepEqual([r.status, r.json.code, r.json.order_no], [409, 'attempt-in-progress', first]);
    assert.equal((await store().getAttempt(first))?.status, 'pending', 'the first window can still take money: it is not superseded');
    assert.equal(s.api.calls.length, 0, 'a window still open is not replaced on the strength of "nothing approved yet"');
  });

  test('fault 1 without the Moid lookup: a closed window is replaced only after smartroQuietMs (when in doubt, 409)', async (t) => {
    let now = Date.parse('2026-11-30T23:59:00+09:00'); // pinned (test/node/clock.mjs)
    const s = await setup(t, { options: { now: () => new Date(now), smartroQuietMs: 60_000 } });
    const first = await s.started();
    await s.closeWindow(first);
    assert.equal((await s.session()).json.code, 'attempt-in-progress');
    assert.equal(s.api.calls.length, 0, 'Smartro is not asked by Moid');
    // To the millisecond: 1 ms before smartroQuietMs after the close it is still in doubt; at it, replaced.
    now += 59_999;
    assert.equal((await s.session()).json.code, 'attempt-in-progress');
    now += 1;
    const second = await s.started();
    assert.equal((await store().getAttempt(first))?.reason, 'superseded');
    assert.notEqual(second, first);
  });

  test('fault 3: the receipt API answers slowly and the buyer closes the window: processing (never cancel), then paid', async (t) => {
    const s = await setup(t, { options: { resultWaitMs: 100, pgTimeoutMs: 5000 } });
    s.api.delayMs = 1500;
    const orderNo = await s.started();
    const returned = s.post('return', eucKrBody(resultFields({ orderNo })));
    await until(async () => (await store().getAttempt(orderNo))?.status === 'processing', 3000, 'the return to be claimed');
    const closed = await s.closeWindow(orderNo);
    assert.equal(closed.json.status, 'processing', 'the widget keeps polling');
    assert.equal((await s.result(orderNo)).status, 'processing');
    await returned;
    assert.equal((await s.result(orderNo)).status, 'paid');
  });

  test('result-url waits (resultWaitMs) for a verification that ends quickly, and answers it settled', async (t) => {
    const s = await setup(t, { options: { resultWaitMs: 3000 } });
    s.api.delayMs = 400;
    const orderNo = await s.started();
    const returned = s.post('return', eucKrBody(resultFields({ orderNo })));
    await until(async () => (await store().getAttempt(orderNo))?.status === 'processing', 3000, 'the return to be claimed');
    const asked = Date.now();
    assert.equal((await s.result(orderNo)).status, 'paid', 'no "processing" for a verification of 0.4 s');
    assert.ok(Date.now() - asked < 2500);
    await returned;
  });

  test('fault 3: the window closed before ReturnURL arrived; the Moid lookup finds the approval and records it at once', async (t) => {
    const s = await setup(t, { lookup: true });
    const orderNo = await s.started();
    const fields = resultFields({ orderNo }); // approved at Smartro; the browser never posted it
    const closed = await s.closeWindow(orderNo);
    assert.deepEqual([closed.json.status, closed.json.tid], ['paid', fields.TID]);
    assert.equal((await s.post('retry', utf8Body(fields))).text, 'OK', 'the RetryURL copy that follows changes nothing');
    assert.equal(s.logs.filter((l) => l.transition === 'pay' && l.order_no === orderNo).length, 1);
  });

  test('a pending attempt nobody finished expires at reconcile (Smartro asked first when it can be); its late approval is owed back', async (t) => {
    let now = Date.parse('2026-11-30T23:59:00+09:00'); // pinned (test/node/clock.mjs)
    const s = await setup(t, { lookup: true, options: { now: () => new Date(now), attemptTtlMs: 60_000 } });
    const orderNo = await s.started();
    now += 61_000;
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.expired.filter((e) => e.order_no === orderNo), [{ order_no: orderNo, order_id: s.order.order_id, to: 'cancelled' }]);
    assert.equal((await s.result(orderNo)).reason, 'expired');
    await s.post('retry', utf8Body(resultFields({ orderNo })));
    assert.equal((await s.kpg.refundsDue()).filter((x) => x.order_no === orderNo)[0]?.reason, 'attempt-ended');
  });

  test("a late approval for an attempt that is over, whose receipt says it is cancelled at Smartro, owes nothing: OK, no refund due, no refusal", async (t) => {
    let now = Date.parse('2026-11-30T23:59:00+09:00'); // pinned (test/node/clock.mjs)
    const s = await setup(t, { options: { now: () => new Date(now), attemptTtlMs: 60_000 } });
    const orderNo = await s.started();
    now += 61_000;
    await s.kpg.reconcile();
    assert.equal((await s.result(orderNo)).reason, 'expired');
    const fields = resultFields({ orderNo });
    LEDGER.get(fields.TID).cancelled = true; // approved, then cancelled at Smartro (its network cancel, say)
    const r = await s.post('retry', utf8Body(fields));
    assert.deepEqual([r.status, r.text], [200, 'OK']);
    assert.deepEqual((await s.kpg.refundsDue()).filter((x) => x.order_no === orderNo), []);
    assert.deepEqual((await s.kpg.refusals({ orderNo })).map((x) => x.code), []);
    assert.equal((await s.result(orderNo)).status, 'cancelled');
  });

  test('a pending attempt nobody finished whose approval Smartro shows (its return and RetryURL never came) is recorded paid at reconcile, never expired; while Smartro cannot be asked it is left as it is', async (t) => {
    let now = Date.parse('2026-11-30T23:59:00+09:00'); // pinned (test/node/clock.mjs)
    const s = await setup(t, { lookup: true, options: { now: () => new Date(now), attemptTtlMs: 60_000 } });
    const orderNo = await s.started();
    const fields = resultFields({ orderNo }); // approved at Smartro; nothing reached the server
    now += 61_000;
    s.api.down = true;
    const blind = await s.kpg.reconcile();
    assert.deepEqual([blind.expired.filter((e) => e.order_no === orderNo), (await store().getAttempt(orderNo))?.status], [[], 'pending'], 'not expired while Smartro cannot be asked');
    s.api.down = false;
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.settled.filter((x) => x.order_no === orderNo).map((x) => [x.from, x.to]), [['pending', 'paid']]);
    assert.deepEqual(report.expired.filter((e) => e.order_no === orderNo), []);
    assert.deepEqual([(await s.result(orderNo)).status, (await s.result(orderNo)).tid], ['paid', fields.TID]);
  });

  test('stop (StopURL): GET or POST notes a cancel of a pending attempt and sends the buyer back with kpg_order_no', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started({ device_type: 1, return_to: '/back' });
    const r = await s.call(`/api/kpg/smartro/stop?order_no=${orderNo}`, { method: 'POST', body: 'ResultCode=C001', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, buyer: null });
    assert.equal(r.status, 303);
    assert.equal(r.res.headers.get('location'), `${s.base}/back?kpg_order_no=${orderNo}`);
    assert.deepEqual([(await s.result(orderNo)).status, (await s.result(orderNo)).reason], ['cancelled', 'buyer-cancelled']);
    assert.equal((await s.call('/api/kpg/smartro/stop?order_no=nope', { buyer: null })).status, 400);
  });

  test('return: malformed forms, an unknown Moid, OID and Moid that differ -> 400 page, recorded', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    assert.equal((await s.post('return', 'ResultCode=3001')).status, 400);
    assert.equal((await s.post('return', utf8Body(resultFields({ orderNo: 'Nope123' })))).status, 400);
    assert.equal((await s.post('return', utf8Body({ ...resultFields({ orderNo }), Moid: 'Other1' }))).status, 400);
    assert.equal((await s.post('retry', 'garbage')).text, 'REFUSED bad-return');
    // Smartro is told why: a form naming two attempts (OID and Moid differ) is refused as such, not sent again.
    assert.equal((await s.post('retry', utf8Body({ ...resultFields({ orderNo }), Moid: 'Other1' }))).text, 'REFUSED bad-return');
    // An Amt that is not whole digits (a sign, a thousands separator) is a malformed form, refused as such.
    for (const Amt of ['-11000', '11,000']) assert.equal((await s.post('retry', utf8Body({ ...resultFields({ orderNo }), Amt }))).text, 'REFUSED bad-return', Amt);
    // So is a ResultCode that is not 1-10 letters and digits, whatever it ends with.
    for (const ResultCode of ['-3001', 'x.3001', '30010000000']) assert.equal((await s.post('retry', utf8Body({ ...resultFields({ orderNo }), ResultCode }))).text, 'REFUSED bad-return', ResultCode);
    assert.equal((await s.result(orderNo)).status, 'pending');
  });

  test('return: the fields Smartro posts empty or blank (its form posts every field, filled or not) are absent, not malformed: such an approval pays', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const r = await s.post('return', utf8Body({ ...resultFields({ orderNo }), CardQuota: '', Moid: ' ', VbankName: '', VbankExpDate: '', AuthCode: '  ' }));
    assert.equal(r.status, 200, r.text);
    const paid = await s.result(orderNo);
    assert.deepEqual([paid.status, paid.install_month ?? null], ['paid', null]);
  });

  test('fault 5: receipts only for the buyer who paid, and only the fields the slip shows', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    await s.post('return', utf8Body(fields));
    const r = await s.call(`/api/kpg/receipt?tid=${fields.TID}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.provider, 'smartro');
    assert.deepEqual(Object.keys(r.json.receipt).sort(), ['appDt', 'appNm', 'appNo', 'appTm', 'cardNo', 'goodsAmt', 'goodsNm', 'merchantInfo', 'moid', 'ordNm', 'partCancelInfo', 'stateCd', 'stateNm', 'svcCd', 'svcNm', 'tid']);
    assert.equal(r.json.receipt.cardNo, '536148******1234');
    assert.ok(!('secret' in r.json.receipt.merchantInfo) && !('fnNo' in r.json.receipt));
    const denied = await s.call(`/api/kpg/receipt?tid=${fields.TID}`, { buyer: 'mallory' });
    assert.equal(denied.status, 404, 'another buyer\'s TID: the same answer as an unknown one (issue 19, item 6)');
    assert.ok(!denied.text.includes('30001234'));
    const unknown = await s.call(`/api/kpg/receipt?tid=${MID}01012611220000009999`);
    assert.deepEqual([unknown.status, unknown.json.code], [404, 'unknown-tid']);
  });

  // ------------------------------------------------------------------------------- issue 19
  /**
   * An attempt in doubt: the buyer's approval (Smartro took the money) reached RetryURL while the receipt API
   * was down, so it is unknown, holding that approval's TID. The receipt API answers again afterwards.
   * @param {Awaited<ReturnType<typeof setup>>} s
   */
  async function unknownWithClaim(s) {
    s.api.down = true;
    const orderNo = await s.started();
    const mine = resultFields({ orderNo });
    assert.equal((await s.post('retry', utf8Body(mine))).status, 503);
    const held = await store().getAttempt(orderNo);
    assert.deepEqual([held?.status, held?.claimed_tid], ['unknown', mine.TID]);
    s.api.down = false;
    return { orderNo, mine };
  }

  test('issue 19 item 3: another genuine approval posted onto an unknown attempt never discards its claimed TID: that TID is settled first (paid), the other only refused', async (t) => {
    const s = await setup(t);
    const { orderNo, mine } = await unknownWithClaim(s);
    // An attacker's own genuine approval (another order), its OID edited to name this attempt.
    const other = s.shop.add({ owner: 'mallory' });
    const otherNo = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 }, { buyer: 'mallory' })).json.order_no;
    const theirs = resultFields({ orderNo: otherNo });
    const r = await s.post('retry', utf8Body({ ...theirs, OID: orderNo }));
    assert.deepEqual([r.status, r.text], [400, 'REFUSED receipt-mismatch']);
    const attempt = await store().getAttempt(orderNo);
    assert.deepEqual([attempt?.status, attempt?.tid], ['paid', mine.TID], 'the claimed TID was settled, not erased');
    assert.ok(!s.logs.some((l) => l.transition === 'refute' && l.order_no === orderNo), 'never back to pending');
    assert.deepEqual((await store().refusals({ orderNo })).map((x) => x.code), ['receipt-mismatch']);
  });

  test('issue 19 item 3: a second genuine approval of the same Moid onto an unknown attempt (the buyer paid twice): the claimed TID is settled first (paid), and the second is owed back at once, OK to Smartro', async (t) => {
    const s = await setup(t);
    const { orderNo, mine } = await unknownWithClaim(s);
    const twice = resultFields({ orderNo }); // Smartro took the money a second time for this Moid
    const r = await s.post('retry', utf8Body(twice));
    assert.deepEqual([r.status, r.text], [200, 'OK'], 'recorded now: Smartro need not send it again');
    const attempt = await store().getAttempt(orderNo);
    assert.deepEqual([attempt?.status, attempt?.tid], ['paid', mine.TID]);
    assert.deepEqual((await s.kpg.refundsDue()).filter((x) => x.order_no === orderNo).map((x) => [x.tid, x.reason, x.amount]), [[twice.TID, 'second-approval', 11000]]);
  });

  test('issue 19 item 3: once the claimed TID is refuted (back to pending), a copy that then loses the claim of its own TID answers RETRY at once, as any copy that went round once: it does not wait again', async (t) => {
    // The other copy is played on the database at the moment a race would put it (as above): it claims just
    // before this copy's claim, and ends (declined) just before this copy's next read, if it reads again.
    const inner = store();
    const race = { orderNo: '', tid: '', /** @type {null | (() => Promise<unknown>)} */ beforeRead: null };
    const clock = testClock();
    const at = () => clock.date().toISOString();
    const wrapped = racingReads(inner, race, {
      transition: async (own, orderNo, name, patch, ...rest) => {
        if (name !== 'claim' || orderNo !== race.orderNo || patch?.claimed_tid !== race.tid) return own(orderNo, name, patch, ...rest);
        await inner.transition(orderNo, 'claim', { claimed_tid: 'ZCOPYTID' }, at());
        race.beforeRead = () => inner.transition(orderNo, 'decline', { code: 'pg-declined' }, at(), transitionEvents('decline'));
        return own(orderNo, name, patch, ...rest);
      },
    });
    const s = await setup(t, { store: wrapped, options: { now: clock.date } });
    const { orderNo, mine } = await unknownWithClaim(s);
    LEDGER.set(mine.TID, { moid: 'O-ANOTHER-ORDER', amount: 11000 }); // the claimed TID is not this Moid's
    const own = resultFields({ orderNo });
    Object.assign(race, { orderNo, tid: own.TID });
    const r = await s.post('retry', utf8Body(own));
    assert.deepEqual([r.status, r.text], [503, 'RETRY in-progress']);
    assert.ok(s.logs.some((l) => l.transition === 'refute' && l.order_no === orderNo), 'the claimed TID was refuted first');
    assert.deepEqual([(await inner.getAttempt(orderNo))?.status, (await inner.getAttempt(orderNo))?.claimed_tid], ['processing', 'ZCOPYTID'], 'the other copy still holds it: this one did not wait for it');
  });

  test("the buyer's return does not wait for another copy being verified: its page at once, the other copy still holding the attempt (Smartro's RetryURL is the copy that waits)", { timeout: 20_000 }, async (t) => {
    // The other copy claims just before this one and never ends. A return that waited for it would take
    // pgTimeoutMs + 1 s (61 s here): past this test's 20 s bound.
    const inner = store();
    const race = { orderNo: '', tid: '', /** @type {null | (() => Promise<unknown>)} */ beforeRead: null };
    const clock = testClock();
    const wrapped = racingReads(inner, race, {
      transition: async (own, orderNo, name, patch, ...rest) => {
        if (name !== 'claim' || orderNo !== race.orderNo || patch?.claimed_tid !== race.tid) return own(orderNo, name, patch, ...rest);
        await inner.transition(orderNo, 'claim', { claimed_tid: 'ZCOPYTID' }, clock.date().toISOString());
        return own(orderNo, name, patch, ...rest);
      },
    });
    const s = await setup(t, { store: wrapped, options: { now: clock.date, pgTimeoutMs: 60_000 } });
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    Object.assign(race, { orderNo, tid: fields.TID });
    const r = await s.post('return', utf8Body(fields));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([(await inner.getAttempt(orderNo))?.status, (await inner.getAttempt(orderNo))?.claimed_tid], ['processing', 'ZCOPYTID']);
  });

  test('issue 19 item 3: while the claimed TID still cannot be settled, another TID\'s refutation changes nothing (the attempt stays unknown with its TID; reconcile settles it)', async (t) => {
    const s = await setup(t);
    const { orderNo, mine } = await unknownWithClaim(s);
    const other = s.shop.add();
    const otherNo = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 })).json.order_no;
    const theirs = resultFields({ orderNo: otherNo });
    // The receipt API answers for other TIDs only: the claimed one still cannot be asked.
    const realLedger = LEDGER.get(mine.TID);
    LEDGER.delete(mine.TID);
    s.api.answer = undefined;
    const asked = s.api.calls.length;
    const r = await s.post('retry', utf8Body({ ...theirs, OID: orderNo }));
    assert.deepEqual([r.status, r.text], [400, 'REFUSED receipt-mismatch'], 'Smartro (and the log) told why: the other TID is not this Moid\'s');
    assert.equal(s.api.calls.slice(asked).filter((c) => c.tid === mine.TID).length, 1, 'the claimed TID asked about once, not again and again');
    let attempt = await store().getAttempt(orderNo);
    assert.deepEqual([attempt?.status, attempt?.claimed_tid], ['unknown', mine.TID]);
    LEDGER.set(mine.TID, /** @type {any} */ (realLedger));
    await s.kpg.reconcile();
    attempt = await store().getAttempt(orderNo);
    assert.deepEqual([attempt?.status, attempt?.tid], ['paid', mine.TID]);
  });

  test('issue 19 item 3: while the claimed TID still cannot be settled, a second genuine approval of the same Moid is neither refused nor dropped: Smartro is asked to send it again (RETRY), and once the claimed TID is paid, it is owed back', async (t) => {
    const s = await setup(t);
    const { orderNo, mine } = await unknownWithClaim(s);
    const realLedger = LEDGER.get(mine.TID);
    LEDGER.delete(mine.TID); // the receipt API cannot answer for the claimed TID yet
    s.api.answer = undefined;
    const twice = resultFields({ orderNo });
    const r = await s.post('retry', utf8Body(twice));
    assert.deepEqual([r.status, r.text], [503, 'RETRY receipt-unverified']);
    assert.deepEqual((await store().refusals({ orderNo })).map((x) => x.code), [], 'a genuine approval is not refused');
    assert.deepEqual([(await store().getAttempt(orderNo))?.status, (await store().getAttempt(orderNo))?.claimed_tid], ['unknown', mine.TID]);
    LEDGER.set(mine.TID, /** @type {any} */ (realLedger));
    assert.equal((await s.post('retry', utf8Body(twice))).text, 'OK', "Smartro's next try");
    assert.equal((await store().getAttempt(orderNo))?.tid, mine.TID);
    assert.deepEqual((await s.kpg.refundsDue()).filter((x) => x.order_no === orderNo).map((x) => [x.tid, x.reason]), [[twice.TID, 'second-approval']]);
  });

  test('a late approval for a superseded attempt at another amount is owed back at what Smartro took (wrong-amount), never recorded as the payment', async (t) => {
    const s = await setup(t, { lookup: true });
    const first = await s.started();
    await s.closeWindow(first);
    const second = await s.started();
    assert.equal((await store().getAttempt(first))?.reason, 'superseded');
    const late = resultFields({ orderNo: first, amt: '1000' }); // Smartro took 1,000 won for the old Moid
    assert.deepEqual([(await s.post('retry', utf8Body(late))).text, (await s.result(first)).status], ['OK', 'cancelled']);
    const owed = (await s.kpg.refundsDue()).filter((x) => x.order_no === first);
    assert.deepEqual(owed.map((x) => [x.tid, x.reason, x.amount]), [[late.TID, 'wrong-amount', 1000]]);
    assert.equal((await s.result(second)).status, 'pending', 'the new attempt is untouched');
  });

  test('issue 19 item 5: a signed approval whose Amt differs is not refused at the door: the receipt API shows the money Smartro took for this Moid, and it is owed back (wrong-amount, level error)', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const cheap = resultFields({ orderNo, amt: '1000' }); // Smartro approved 1,000 won for this Moid, signed
    const r = await s.post('retry', utf8Body(cheap));
    assert.deepEqual([r.status, r.text], [200, 'OK'], 'recorded as money owed: Smartro stops retrying');
    const attempt = await store().getAttempt(orderNo);
    assert.deepEqual([attempt?.status, attempt?.code], ['failed', 'amount-mismatch']);
    const owed = (await s.kpg.refundsDue()).filter((x) => x.order_no === orderNo);
    assert.deepEqual(owed.map((x) => [x.amount, x.reason, x.tid]), [[1000, 'wrong-amount', cheap.TID]]);
    assert.ok(s.logs.some((l) => l.event === 'refund-due' && l.level === 'error' && l.order_no === orderNo && l.reason === 'wrong-amount'));
    // The buyer cannot be charged twice unnoticed: the order takes a new attempt, the 1,000 won stays owed.
    assert.equal((await s.session()).status, 200);
  });

  test('issue 19 item 5: a copy of the recorded approval with its unsigned Amt edited is refused (amount-mismatch); the payment stands, nothing is owed', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    assert.equal((await s.post('retry', utf8Body(fields))).text, 'OK');
    const r = await s.post('retry', utf8Body({ ...fields, Amt: '110' }));
    assert.deepEqual([r.status, r.text], [400, 'REFUSED amount-mismatch']);
    assert.deepEqual([(await s.result(orderNo)).status, (await s.kpg.refundsDue()).filter((x) => x.order_no === orderNo).length], ['paid', 0]);
    assert.deepEqual((await store().refusals({ orderNo })).map((x) => x.code), ['amount-mismatch']);
    // A copy without Amt says no amount at all: nothing contradicts the record, so it is the same approval again (OK).
    const { Amt: _, ...noAmt } = fields;
    assert.equal((await s.post('retry', utf8Body(noAmt))).text, 'OK');
    assert.equal((await store().refusals({ orderNo })).length, 1);
  });

  test('issue 19 item 10: receipts are asked of Smartro once per TID (cached), however often the buyer asks; the window-closed Moid lookup once per attempt', async (t) => {
    const s = await setup(t, { lookup: true });
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    await s.post('return', utf8Body(fields));
    const before = s.api.calls.length;
    for (let i = 0; i < 20; i++) assert.equal((await s.call(`/api/kpg/receipt?tid=${fields.TID}`)).status, 200);
    assert.equal(s.api.calls.length - before, 1, 'one receipt-API call for 20 receipts');
    // window-closed with receiptLookupByMoid: 20 posts, one lookup.
    const other = s.shop.add();
    const o2 = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 })).json.order_no;
    const start = s.api.calls.length;
    for (let i = 0; i < 20; i++) assert.equal((await s.closeWindow(o2)).status, 200);
    assert.equal(s.api.calls.filter((c, i) => i >= start && c.moid === o2).length, 1, 'one Moid lookup for 20 window-closed posts');
  });

  test('window-closed: an attempt another copy claims as the closed window is noted (its return being verified) is not looked up by Moid; that return settles it', async (t) => {
    // The other copy is played on the database itself, just before this request's `close`: a real claim.
    const inner = store();
    const race = { orderNo: '' };
    const clock = testClock(); // the server's and the other copy's time
    const wrapped = storeWith(inner, {
      transition: async (own, orderNo, name, ...rest) => {
        if (name === 'close' && orderNo === race.orderNo) await inner.transition(orderNo, 'claim', { claimed_tid: 'OTHERCOPYTID' }, clock.date().toISOString());
        return own(orderNo, name, ...rest);
      },
    });
    const s = await setup(t, { lookup: true, store: wrapped, options: { resultWaitMs: 0, now: clock.date } });
    const orderNo = await s.started();
    // Smartro approved it (the return the other copy holds): a lookup would find it paid.
    resultFields({ orderNo });
    race.orderNo = orderNo;
    const asked = s.api.calls.length;
    const closed = await s.closeWindow(orderNo);
    assert.deepEqual([closed.status, closed.json.status], [200, 'processing']);
    assert.equal(s.api.calls.length, asked, 'no Moid lookup for an attempt that is no longer pending');
    assert.deepEqual(s.logs.filter((l) => l.order_no === orderNo && l.transition === 'close').map((l) => l.moved), [false]);
  });

  test('issue 19 item 10: receipts (429 with Retry-After) and the window-closed lookup (skipped) are limited per buyer, whatever the address', async (t) => {
    const s = await setup(t, { lookup: true, options: { rateLimit: { lookups: { limit: 3, windowMs: 60_000 } }, receiptCacheMs: 0 } });
    const orderNo = await s.started();
    const fields = resultFields({ orderNo });
    await s.post('return', utf8Body(fields));
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await s.kpg.fetch(new Request(`${s.base}/api/kpg/receipt?tid=${fields.TID}`, { headers: { 'x-buyer': 'alice' } }), { clientIp: `10.0.${i}.1` }));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 429, 429]);
    assert.match(replies[3].headers.get('retry-after') ?? '', /^\d+$/);
    // The window-closed lookup counts against the same buyer's budget: over it, the closed window is still
    // noted, and Smartro is not asked.
    const other = s.shop.add();
    const o2 = (await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: other.order_id, device_type: 2 })).json.order_no;
    const asked = s.api.calls.length;
    const closed = await s.kpg.fetch(new Request(`${s.base}/api/kpg/result`, { method: 'POST', headers: { 'x-buyer': 'alice', 'Content-Type': 'application/json' }, body: JSON.stringify({ order_no: o2, event: 'window-closed' }) }), { clientIp: '10.9.9.9' });
    assert.equal(closed.status, 200);
    assert.equal(s.api.calls.length, asked, 'no Moid lookup over the limit');
    assert.ok((await store().getAttempt(o2))?.window_closed_at, 'the closed window is noted all the same');
  });

  test('issue 19 item 10: the window-closed lookup is limited per address too: two buyers behind one address share its budget, two addresses have one each', async (t) => {
    const s = await setup(t, { lookup: true, options: { rateLimit: { lookups: { limit: 3, windowMs: 60_000 } }, receiptCacheMs: 0 } });
    /** A closed window of a new pending attempt of `buyer`'s, from `ip`: did Smartro get asked? @param {string} buyer @param {string} ip */
    async function close(buyer, ip) {
      const order = s.shop.add({ owner: buyer, buyer: { id: `id-${buyer}`, name: '홍길동', tel: '01012345678', email: 'b@example.com' } });
      const started = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 }, { buyer });
      assert.equal(started.status, 200, started.text);
      const asked = s.api.calls.length;
      const r = await s.kpg.fetch(new Request(`${s.base}/api/kpg/result`, { method: 'POST', headers: { 'x-buyer': buyer, 'Content-Type': 'application/json' }, body: JSON.stringify({ order_no: started.json.order_no, event: 'window-closed' }) }), { clientIp: ip });
      assert.equal(r.status, 200);
      return s.api.calls.length > asked;
    }
    // Two addresses: two buyers, two lookups each, all asked.
    assert.deepEqual([await close('alice', '10.1.0.1'), await close('alice', '10.1.0.1'), await close('bob', '10.1.0.2'), await close('bob', '10.1.0.2')], [true, true, true, true]);
    // One address: carol and dave share it; its fourth lookup waits.
    assert.deepEqual([await close('carol', '10.1.0.3'), await close('carol', '10.1.0.3'), await close('dave', '10.1.0.3'), await close('dave', '10.1.0.3')], [true, true, true, false]);
  });

  test('issue 19 item 12: an unsigned decline\'s ResultCode is never echoed: only a code from the fixed list (else pg-failed)', async (t) => {
    const s = await setup(t);
    const orderNo = await s.started();
    await s.post('return', utf8Body(resultFields({ orderNo, code: 'PHISH9', unsigned: true, msg: '고객센터 010-0000-0000' })));
    const res = await s.result(orderNo);
    assert.deepEqual([res.status, res.code], ['failed', 'pg-failed']);
    assert.ok(!JSON.stringify(res).includes('PHISH9'));
    assert.ok(s.logs.some((l) => l.code === 'browser-text' && String(l.message).includes('PHISH9')), 'the caller\'s code goes to the log');
    const o2 = await s.started({ order_id: s.shop.add().order_id });
    await s.post('return', utf8Body(resultFields({ orderNo: o2, code: '3011', unsigned: true })));
    assert.equal((await s.result(o2)).code, '3011', 'a code from the fixed list is kept');
  });
});
