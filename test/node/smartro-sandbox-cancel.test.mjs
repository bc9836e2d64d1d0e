// @ts-check
/**
 * The sandbox Smartro PG's cancels (issue 22): payCancelNVProcess.jsp as Smartro's public sample code shows it
 * (EUC-KR form, hashData, Cancelpw, a `Key=Value` answer, 2001 / 2211), the receipt API reporting what was
 * cancelled (stateCd / stateNm, ccNo / ccDt / ccTm, partCancelInfo, refundAmt), the faults armed per call, and
 * the admin page that cancels behind the shop's back.
 * Run: node --test test/node/smartro-sandbox-cancel.test.mjs
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_MERCHANT, encodeEucKr, encryptData, startSmartroSandbox } from '../../demo/sandbox/smartro/server.mjs';

const MID = DEFAULT_MERCHANT.mid;
const KEY = DEFAULT_MERCHANT.merchantKey;
const PASSWORD = 'sandbox-cancel-pw-0001';

/** @type {Awaited<ReturnType<typeof startSmartroSandbox>>} */
let sb;
let seq = 0;
before(async () => {
  sb = await startSmartroSandbox({ port: 0 });
});
after(() => sb.close());

/** An independent hashData: base64(md5_hex(TID + MerchantKey + CancelAmt + PartialCancelCode)). @param {string} s */
const hashData = (s) => Buffer.from(createHash('md5').update(s, 'utf8').digest('hex'), 'utf8').toString('base64');

/** PHP's urlencode() of EUC-KR bytes (space "+", upper-case escapes). @param {string} text */
const phpUrlencodeEucKr = (text) =>
  [.../** @type {Uint8Array} */ (encodeEucKr(text))]
    .map((b) => (/[A-Za-z0-9_.-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : b === 0x20 ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');

/**
 * An approved payment through the payment interface (PC, EUC-KR). VBANK: issued, and deposited when asked.
 * @param {{ payMethod?: string, amount?: number, deposit?: boolean }} [o]
 */
async function approved(o = {}) {
  const ediDate = '20261201120000'; // any valid moment: the payment interface checks its form, not its freshness
  const amt = String(o.amount ?? 11000);
  const fields = {
    PayMethod: o.payMethod ?? 'CARD', GoodsCnt: '1', GoodsName: 'cancel test', Amt: amt, Moid: `C${randomBytes(6).toString('hex')}x${++seq}`, MID,
    ReturnURL: 'http://shop.test/r', BuyerName: 'buyer', ediDate, MallResultFWD: 'Y', EncryptData: encryptData({ ediDate, mid: MID, amt, merchantKey: KEY }),
  };
  const page = await (await fetch(`${sb.origin}/interfaceURL.jsp`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) })).text();
  const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const result = await (await fetch(`${sb.origin}/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, choice: 'approve' }) })).text();
  const tid = /name="TID" value="([^"]+)"/.exec(result)?.[1] ?? '';
  assert.equal(tid.length, 30, result.slice(0, 300));
  if (o.deposit) {
    const d = await fetch(`${sb.origin}/payTest/vbank_deposit_notice.jsp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid }) });
    assert.equal(d.status, 200);
  }
  return { tid, moid: fields.Moid, amount: Number(amt) };
}

/**
 * Posts a cancel as CancelPayUrlCallSample.php does: CancelMSG urlencode()d in EUC-KR, then the whole array
 * through http_build_query (so the message is encoded twice).
 * @param {Record<string, string>} o @param {{ inQuery?: boolean, contentType?: string }} [how]
 */
async function cancel(o, how = {}) {
  const params = {
    TID: o.TID,
    CancelAmt: o.CancelAmt,
    Cancelpw: o.Cancelpw ?? PASSWORD,
    CancelMSG: phpUrlencodeEucKr(o.CancelMSG ?? '고객 요청'),
    PartialCancelCode: o.PartialCancelCode ?? '0',
    DivideInfo: '',
    hashData: o.hashData ?? hashData(`${o.TID}${KEY}${o.CancelAmt}${o.PartialCancelCode ?? '0'}`),
  };
  const body = new URLSearchParams(params).toString();
  const res = how.inQuery
    ? await fetch(`${sb.origin}/cancel/payCancelNVProcess.jsp?${body}`, { method: 'POST', headers: { 'content-type': 'application/json' } })
    : await fetch(`${sb.origin}/cancel/payCancelNVProcess.jsp`, { method: 'POST', headers: { 'content-type': how.contentType ?? 'application/x-www-form-urlencoded' }, body });
  const text = await res.text();
  /** @type {Record<string, string>} the samples' parseMessage, then urldecode() of the three texts */
  const out = {};
  for (const pair of text.trim().split('&')) {
    const [k, v = ''] = pair.split('=');
    out[k.trim()] = v.trim();
  }
  const eucKr = new TextDecoder('euc-kr');
  for (const k of ['PayName', 'CancelMSG', 'ResultMsg']) {
    if (out[k] !== undefined) out[k] = eucKr.decode(urldecodeBytes(out[k]));
  }
  return { status: res.status, type: res.headers.get('content-type'), text, answer: out };
}

/** PHP's urldecode() to bytes. @param {string} v */
function urldecodeBytes(v) {
  /** @type {number[]} */
  const bytes = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '+') bytes.push(0x20);
    else if (v[i] === '%') {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(v.charCodeAt(i));
  }
  return Uint8Array.from(bytes);
}

/** @param {string} tid */
async function receipt(tid) {
  const res = await fetch(`${sb.origin}/receipt`, { method: 'POST', headers: { 'content-type': 'application/json', apikey: KEY }, body: JSON.stringify({ mid: MID, tid }) });
  return res.json();
}

describe('payCancelNVProcess.jsp (public sample code: an assumption)', () => {
  test('a full cancel of a card: 2001 with CancelNum, CancelDate, CancelTime; the receipt API shows stateCd 1 and ccNo', async () => {
    const p = await approved();
    const r = await cancel({ TID: p.tid, CancelAmt: '11000', CancelMSG: '고객 변심 반품' });
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/html; charset=EUC-KR');
    assert.match(r.text, /^[\x20-\x7e]+$/, 'the body is ASCII: the texts are URL-encoded EUC-KR');
    assert.deepEqual(Object.keys(r.answer), ['PayMethod', 'PayName', 'MID', 'TID', 'CancelAmt', 'CancelMSG', 'ResultCode', 'ResultMsg', 'CancelDate', 'CancelTime', 'CancelNum', 'Moid']);
    assert.equal(r.answer.ResultCode, '2001');
    assert.equal(r.answer.ResultMsg, '취소 성공');
    assert.equal(r.answer.PayName, '신용카드');
    assert.equal(r.answer.CancelMSG, '고객 변심 반품', 'the twice-encoded EUC-KR message arrived whole');
    assert.deepEqual([r.answer.MID, r.answer.TID, r.answer.CancelAmt, r.answer.Moid], [MID, p.tid, '11000', p.moid]);
    assert.match(r.answer.CancelNum, /^\d{8}$/);
    assert.match(r.answer.CancelDate, /^\d{8}$/);
    assert.match(r.answer.CancelTime, /^\d{6}$/);
    const j = await receipt(p.tid);
    assert.deepEqual([j.stateCd, j.stateNm, j.ccNo, j.ccDt, j.ccTm], ['1', '취소', r.answer.CancelNum, r.answer.CancelDate, r.answer.CancelTime]);
    const again = await cancel({ TID: p.tid, CancelAmt: '11000' });
    assert.equal(again.answer.ResultCode, '2013');
  });

  test('partial cancels (PartialCancelCode 1) reduce the balance and appear in partCancelInfo; the JSP form (parameters in the query) works too', async () => {
    const p = await approved();
    const first = await cancel({ TID: p.tid, CancelAmt: '1000', PartialCancelCode: '1' }, { inQuery: true });
    assert.equal(first.answer.ResultCode, '2001', first.text);
    assert.equal(first.answer.CancelAmt, '1000');
    assert.equal((await cancel({ TID: p.tid, CancelAmt: '10001', PartialCancelCode: '1' })).answer.ResultCode, 'E305');
    assert.equal((await cancel({ TID: p.tid, CancelAmt: '11000' })).answer.ResultCode, 'E305', 'a full cancel names the balance');
    let j = await receipt(p.tid);
    assert.equal(j.stateCd, '0');
    assert.deepEqual(j.partCancelInfo.map((/** @type {any} */ c) => c.transAmt), ['1000']);
    assert.equal(j.ccNo, undefined);
    const rest = await cancel({ TID: p.tid, CancelAmt: '10000' });
    assert.equal(rest.answer.ResultCode, '2001');
    j = await receipt(p.tid);
    assert.deepEqual([j.stateCd, j.ccNo, j.goodsAmt, j.partCancelInfo.length], ['1', rest.answer.CancelNum, '11000', 1]);
  });

  test('refusals: hashData, Cancelpw, fields, the TID; answered as key=value with a ResultCode, nothing cancelled', async () => {
    const p = await approved();
    assert.equal((await cancel({ TID: p.tid, CancelAmt: '11000', hashData: hashData(`${p.tid}${KEY}11000`) })).answer.ResultCode, 'E303', 'the code is part of the hash');
    assert.equal((await cancel({ TID: p.tid, CancelAmt: '11000', Cancelpw: 'wrong' })).answer.ResultCode, 'E304');
    assert.equal((await cancel({ TID: p.tid, CancelAmt: '11,000' })).answer.ResultCode, 'E301');
    assert.equal((await cancel({ TID: p.tid, CancelAmt: '11000', PartialCancelCode: '2' })).answer.ResultCode, 'E301');
    // Another TID of the same shape: its last digit changed (a TID ending in 9 once made this 'another' TID the same one).
    assert.equal((await cancel({ TID: `${p.tid.slice(0, 29)}${p.tid.endsWith('9') ? '8' : '9'}`, CancelAmt: '11000' })).answer.ResultCode, 'E302');
    assert.equal((await cancel({ TID: 'short', CancelAmt: '11000' })).answer.ResultCode, 'E301');
    // A body that is not application/x-www-form-urlencoded is not read as parameters (a servlet's getParameter): no TID.
    const plain = await cancel({ TID: p.tid, CancelAmt: '11000' }, { contentType: 'text/plain;charset=UTF-8' });
    assert.deepEqual([plain.answer.ResultCode, plain.answer.ResultMsg], ['E301', 'TID 값이 없습니다.']);
    assert.equal((await receipt(p.tid)).stateCd, '0');
  });

  test('a phone payment has no partial cancel; a bank transfer is refunded (2211, refundAmt in the receipt)', async () => {
    const phone = await approved({ payMethod: 'CELLPHONE' });
    assert.equal((await cancel({ TID: phone.tid, CancelAmt: '1000', PartialCancelCode: '1' })).answer.ResultCode, 'E306');
    const bank = await approved({ payMethod: 'BANK' });
    const r = await cancel({ TID: bank.tid, CancelAmt: '3000', PartialCancelCode: '1' });
    assert.deepEqual([r.answer.ResultCode, r.answer.ResultMsg, r.answer.PayName], ['2211', '환불 성공', '계좌이체']);
    const j = await receipt(bank.tid);
    assert.equal(j.refundAmt, '3000');
    assert.match(j.refundReqDt, /^\d{8}$/);
  });

  test('a virtual account: before its deposit a cancel closes it (2001, the deposit page refuses it); after it, a refund (2211)', async () => {
    const waiting = await approved({ payMethod: 'VBANK' });
    assert.equal((await cancel({ TID: waiting.tid, CancelAmt: '1000', PartialCancelCode: '1' })).answer.ResultCode, 'E306');
    assert.equal((await cancel({ TID: waiting.tid, CancelAmt: '11000' })).answer.ResultCode, '2001');
    assert.equal((await receipt(waiting.tid)).stateCd, '1');
    const d = await fetch(`${sb.origin}/payTest/vbank_deposit_notice.jsp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: waiting.tid }) });
    assert.equal(d.status, 400);
    const deposited = await approved({ payMethod: 'VBANK', deposit: true });
    assert.equal((await cancel({ TID: deposited.tid, CancelAmt: '11000' })).answer.ResultCode, '2211');
  });
});

describe('faults armed per call', () => {
  test('made, then 5xx / late / never; applied:false fails before cancelling; a fault for one TID touches no other', async () => {
    const broken = await approved();
    const other = await approved();
    await fetch(`${sb.origin}/__sandbox/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'cancel', status: 502, tid: broken.tid }) });
    assert.equal((await cancel({ TID: other.tid, CancelAmt: '11000' })).answer.ResultCode, '2001');
    assert.equal((await cancel({ TID: broken.tid, CancelAmt: '11000' })).status, 502);
    assert.equal((await receipt(broken.tid)).stateCd, '1', 'the cancel was made');

    const notMade = await approved();
    await fetch(`${sb.origin}/__sandbox/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'cancel', status: 503, applied: false, tid: notMade.tid }) });
    assert.equal((await cancel({ TID: notMade.tid, CancelAmt: '11000' })).status, 503);
    assert.equal((await receipt(notMade.tid)).stateCd, '0', 'nothing was cancelled');

    const silent = await approved();
    await fetch(`${sb.origin}/__sandbox/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'cancel', tid: silent.tid }) });
    const controller = new AbortController();
    const body = new URLSearchParams({ TID: silent.tid, CancelAmt: '11000', Cancelpw: PASSWORD, PartialCancelCode: '0', hashData: hashData(`${silent.tid}${KEY}110000`) });
    const never = fetch(`${sb.origin}/cancel/payCancelNVProcess.jsp`, { method: 'POST', body, signal: controller.signal });
    let state = '0';
    for (let i = 0; i < 250 && state !== '1'; i++) {
      state = (await receipt(silent.tid)).stateCd;
      if (state !== '1') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(state, '1', 'cancelled while the answer never comes');
    controller.abort();
    await never.catch(() => {});
  });
});

describe('the admin page', () => {
  test('cancels behind the shop\'s back (partial, then the rest); the receipt API shows it', async () => {
    const p = await approved();
    const page = await (await fetch(`${sb.origin}/__sandbox/admin`)).text();
    assert.match(page, new RegExp(`data-tid="${p.tid}" data-state="approved"`));
    const part = await fetch(`${sb.origin}/__sandbox/admin`, { method: 'POST', body: new URLSearchParams({ tid: p.tid, amount: '2500' }) });
    assert.match(await part.text(), /2500원 취소했습니다/);
    assert.deepEqual((await receipt(p.tid)).partCancelInfo.map((/** @type {any} */ c) => c.transAmt), ['2500']);
    const rest = await fetch(`${sb.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid }) });
    const j = await rest.json();
    assert.deepEqual([j.cancelAmt, j.stateCd, j.remainAmt], ['8500', '1', '0']);
    assert.equal((await receipt(p.tid)).ccNo, j.ccNo);
    const again = await fetch(`${sb.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid }) });
    assert.equal(again.status, 409);
    assert.match(await (await fetch(`${sb.origin}/__sandbox/admin`)).text(), new RegExp(`data-tid="${p.tid}" data-state="cancelled"`));
  });
});
