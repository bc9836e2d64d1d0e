// @ts-check
/**
 * kpg-checkout/server's pure pieces: reading Smartro's result form in every charset it may come in, the
 * redactor, card-number masking, PG order numbers, the options it refuses, the environment it reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine, createKpgServer, createRedactor, openStore, optionsFromEnv } from '../../dist/server/index.js';
import { clip, returnPageHtml, withOrderNo } from '../../dist/server/http.js';
import { maskCardNo, newOrderNo, slip } from '../../dist/server/payments/index.js';
import { fitBytes, normalizeAuthDate, parseResultForm } from '../../dist/server/providers/smartro-form.js';
import { KpgOrderSchema, ShinhanCancelSchema, ShinhanConfirmInfoSchema, ShinhanStatusSchema, SmartroReceiptCancelSchema } from '../../dist/server/schemas.js';
import { encodeEucKr, phpUrlencode, urldecodeEucKr } from '../../dist/server/providers/euc-kr.js';
import { formatPhone, maskName, maskPhone } from '../../dist/server/staff-console.js';
import { checkWebhooks, webhookTarget } from '../../dist/server/events/webhooks.js';
import { checkCancelArgs } from '../../dist/server/cancels.js';
import { createLimiter, createTtlCache } from '../../dist/server/limits.js';
import { fetchPgJson, isPlainObject } from '../../dist/server/providers/pg-fetch.js';
import { isCheckViolation, isUniqueViolation } from '../../dist/server/store/sql.js';
import { resolveReturnTo } from '../../dist/server/payments/sessions.js';
import { receiptDate } from '../../dist/server/payments/views.js';
import { deadOrigin, serve, storeWith } from './server-helpers.mjs';
import { testClock } from './clock.mjs';

const hex = (/** @type {string} */ h) => h.replace(/../g, (b) => `%${b}`);

/** A Smartro configuration whose PG is never asked (the tests that use it stop before any PG call). */
const smartro = { mid: 'kpgtest01m', merchantKey: 'k'.repeat(20), pcAction: 'https://pg.example/pc', mobileAction: 'https://pg.example/m', apiBase: 'https://pg.example/' };

test("Shinhan's numbers as the document shows them: JSON numbers, or text with blanks around; anything else is no number", () => {
  assert.deepEqual(ShinhanStatusSchema.parse({ ret_code: ' 0 ' }).ret_code, 0);
  const info = ShinhanConfirmInfoSchema.parse({ tid: 'T1', tx_stat: '1\n', tx_amount: ' 11000' });
  assert.deepEqual([info.tx_stat, info.tx_amount], [1, 11000]);
  assert.equal(ShinhanCancelSchema.parse({ tid: 'T1', amount: '1000 ' }).amount, 1000);
  for (const bad of ['', ' ', '11,000', '1e3', '11000원', '0x10', null]) assert.equal(ShinhanConfirmInfoSchema.safeParse({ tid: 'T1', tx_stat: 1, tx_amount: bad }).success, false, JSON.stringify(bad));
});

test('parseResultForm: EUC-KR, UTF-8, a lone syllable that is valid UTF-8, UrlEncode=Y twice, SignValue kept', () => {
  assert.equal(parseResultForm(Buffer.from(`GoodsName=${hex('C5D7BDBAC6AE')}&fn_name=BC${hex('C4ABB5E5')}`)).GoodsName, '테스트');
  assert.equal(parseResultForm(Buffer.from(`GoodsName=${encodeURIComponent('똠방각하')}`)).GoodsName, '똠방각하');
  // "표" in EUC-KR is C7 A5, which is also valid UTF-8 ("ǥ"): the form's EncodingType or the charset decides.
  assert.equal(parseResultForm(Buffer.from(`GoodsName=${hex('C7A5')}`)).GoodsName, 'ǥ');
  assert.equal(parseResultForm(Buffer.from(`EncodingType=euckr&GoodsName=${hex('C7A5')}`)).GoodsName, '표');
  assert.equal(parseResultForm(Buffer.from(`GoodsName=${hex('C7A5')}`), 'application/x-www-form-urlencoded; charset=EUC-KR').GoodsName, '표');
  const twice = `UrlEncode=Y&GoodsName=${encodeURIComponent(encodeURIComponent('테스트'))}&SignValue=${encodeURIComponent(encodeURIComponent('ab+c/d=='))}&ResultMsg=${encodeURIComponent(encodeURIComponent('Approved OK'))}`;
  const f = parseResultForm(Buffer.from(twice));
  assert.deepEqual([f.GoodsName, f.SignValue, f.ResultMsg], ['테스트', 'ab+c/d==', 'Approved OK']);
  // Without UrlEncode, a GoodsName still full of escapes gives it away; so does the card company's name alone
  // (fn_name: Smartro's text, where an ASCII GoodsName says nothing).
  assert.equal(parseResultForm(Buffer.from(`GoodsName=${encodeURIComponent(encodeURIComponent('테스트'))}`)).GoodsName, '테스트');
  assert.deepEqual(Object.entries(parseResultForm(Buffer.from(`GoodsName=Book&fn_name=${encodeURIComponent(encodeURIComponent('BC카드'))}`))), [['GoodsName', 'Book'], ['fn_name', 'BC카드']]);
  // ...and so do the buyer's name alone, and the result message alone (a refusal carries no card name).
  assert.deepEqual(Object.entries(parseResultForm(Buffer.from(`GoodsName=Book&BuyerName=${encodeURIComponent(encodeURIComponent('홍길동'))}`))), [['GoodsName', 'Book'], ['BuyerName', '홍길동']]);
  assert.deepEqual(Object.entries(parseResultForm(Buffer.from(`GoodsName=Book&ResultMsg=${encodeURIComponent(encodeURIComponent('카드 한도 초과'))}`))), [['GoodsName', 'Book'], ['ResultMsg', '카드 한도 초과']]);
  // UrlEncode=Y alone says so, in each spelling the guide and the samples use, when no Korean text gives it
  // away (an ASCII GoodsName, no fn_name): the base64 SignValue is decoded the second time.
  for (const flag of ['UrlEncode=Y', 'URLEncode=Y', 'urlEncode=y']) {
    const ascii = parseResultForm(Buffer.from(`${flag}&GoodsName=Book&SignValue=${encodeURIComponent(encodeURIComponent('ab+c/d=='))}`));
    assert.deepEqual([ascii.GoodsName, ascii.SignValue], ['Book', 'ab+c/d=='], flag);
  }
  // Neither said nor given away: a value with a literal "+" (sent once, %2B) keeps it.
  assert.deepEqual(Object.entries(parseResultForm(Buffer.from(`GoodsName=Book&ResultMsg=OK&MallReserved=${encodeURIComponent('x+y')}`))), [['GoodsName', 'Book'], ['ResultMsg', 'OK'], ['MallReserved', 'x+y']]);
  // A value that is not URL-encoded text (a "%" with one hex digit after it) is not decoded again: its "+" stays.
  assert.equal(parseResultForm(Buffer.from(`UrlEncode=Y&GoodsName=Book&MallReserved=${encodeURIComponent('%4+x')}`)).MallReserved, '%4+x');
  // A form that was not encoded twice is left alone even with UrlEncode=Y.
  assert.equal(parseResultForm(Buffer.from(`UrlEncode=Y&GoodsName=${encodeURIComponent('100% 정품')}&SignValue=${encodeURIComponent('a+b/c=')}`)).SignValue, 'a+b/c=');
  const odd = parseResultForm(Buffer.from('A=1&A=2&=x&B'));
  assert.equal(odd.A, '1', 'the first of a repeated name wins');
  // A name without "=" is there with an empty value (as URLSearchParams reads it), never a value of our own.
  assert.equal(odd.B, '');
  assert.deepEqual(Object.keys(odd).sort(), ['A', 'B'], 'a value without a name is dropped');
  // A body written with line breaks between its fields (a server-to-server post built by hand) is read by its
  // names; a name that is only blanks is no name.
  assert.deepEqual(Object.entries(parseResultForm(Buffer.from('MID=kpgtest01m&\r\nTID=T1&\nResultCode=3001&+=x'))), [['MID', 'kpgtest01m'], ['TID', 'T1'], ['ResultCode', '3001']]);
});

test('normalizeAuthDate: Smartro\'s yyMMddHHmmss and yyyyMMddHHmmss as Korean time; anything else (a date without its time, a text in the unsigned form\'s AuthDate) is no time, never shown as one', () => {
  assert.equal(normalizeAuthDate('261122153012'), '2026-11-22 15:30:12');
  assert.equal(normalizeAuthDate('20261122153012'), '2026-11-22 15:30:12');
  for (const odd of ['20261122', '2026112215301', '', '승인시각', '261122 153012']) assert.equal(normalizeAuthDate(odd), null, odd);
});

test("urldecodeEucKr (the cancel module's ResultMsg, as the samples' urldecode() reads it): %XX and + decoded, plain letters as they are, a % that starts no escape kept", () => {
  // Smartro answers what its PHP sends: urlencode() of EUC-KR bytes; the samples read it with urldecode().
  assert.equal(urldecodeEucKr(phpUrlencode(encodeEucKr('취소 성공 (부분취소) OK-1.5_x'))), '취소 성공 (부분취소) OK-1.5_x');
  assert.equal(urldecodeEucKr('%C1%A4%BB%F3+OK'), '정상 OK');
  assert.equal(urldecodeEucKr('Cancel OK'), 'Cancel OK');
  assert.equal(urldecodeEucKr('100%+%2x%4'), '100% %2x%4');
  assert.equal(urldecodeEucKr('%c1%a4%bb%f3'), '정상', 'lower-case hex too');
});

test("phpUrlencode (Smartro's CancelMSG, as its PHP sample sends it): letters, digits and -_. stay, a space is +, every other byte of the 256 is %XX in capitals", () => {
  // PHP's urlencode(): RFC 1738's unreserved set less ~ (PHP encodes it), application/x-www-form-urlencoded's space.
  const keep = new Set([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'].map((c) => c.charCodeAt(0)));
  for (let b = 0; b < 256; b++) {
    const expected = keep.has(b) ? String.fromCharCode(b) : b === 0x20 ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    assert.equal(phpUrlencode(Uint8Array.of(b)), expected, `byte 0x${b.toString(16)}`);
  }
  // PHP 8: urlencode(iconv('UTF-8', 'EUC-KR', "고객 요청 0-9_.~*'")).
  assert.equal(phpUrlencode(encodeEucKr("고객 요청 0-9_.~*'")), '%B0%ED%B0%B4+%BF%E4%C3%BB+0-9_.%7E%2A%27');
  // The last column of a row (trail byte 0xFE) is in the table too: 괆 B0FE, 힝 C8FE; 똠 is not in KS X 1001.
  assert.equal(phpUrlencode(encodeEucKr('괆힝똠')), '%B0%FE%C8%FE%3F');
  // U+FFFD (what a bad decode leaves in a text) is no EUC-KR character either, though the decoder the table
  // is built from answers it for every pair it cannot read: "?" too, never one of those pairs.
  assert.equal(phpUrlencode(encodeEucKr('가\uFFFD나')), '%B0%A1%3F%B3%AA');
});

test("staff lists mask names: every character but the first and the last of each word, a two-character name's last (이* for 이산), one character as it is", () => {
  const cases = /** @type {const} */ ([
    ['홍길동', '홍*동'],
    ['이산', '이*'],
    ['남궁민수', '남**수'],
    ['김', '김'],
    ['John Smith', 'J**n S***h'],
    ['Al Li', 'A* L*'],
    ['𠀀𠀁', '𠀀*'], // a syllable outside the BMP is one character, not two halves
    ['', null],
    [null, null],
  ]);
  for (const [name, masked] of cases) assert.equal(maskName(name), masked, String(name));
});

test('a buyer\'s phone for staff: Korean numbers grouped (whole in an order\'s story, the middle masked in lists); anything else as it is, or its last 4', () => {
  const cases = [
    ['01012345678', '010-1234-5678', '010-****-5678'],
    ['0212345678', '02-1234-5678', '02-****-5678'],
    ['0311234567', '031-123-4567', '031-***-4567'],
    ['12345', '12345', '*2345'],
    ['821012345678', '821012345678', '********5678'],
  ];
  for (const [digits, whole, masked] of cases) assert.deepEqual([formatPhone(digits), maskPhone(digits)], [whole, masked], digits);
  for (const none of [null, undefined, '']) assert.deepEqual([formatPhone(none), maskPhone(none)], [null, null]);
});

test('the redactor: every key, percent-encoded, JSON-escaped, base64-decoded, and whatever follows SPGKEY or apikey', () => {
  const redact = createRedactor(['payment-key-123', 'c2FuZGJveC1rZXktZm9yLXRlc3Rz', undefined, 'short']);
  assert.equal(redact('Authorization: SPGKEY payment-key-123'), 'Authorization: SPGKEY [redacted]');
  assert.equal(redact('key=payment-key-123&x'), 'key=[redacted]&x');
  assert.equal(redact('{"apikey":"c2FuZGJveC1rZXktZm9yLXRlc3Rz"}'), '{"apikey":"[redacted]"}');
  assert.equal(redact('decoded: sandbox-key-for-tests'), 'decoded: [redacted]');
  assert.equal(redact('SPGKEY some-other-key was wrong'), 'SPGKEY [redacted] was wrong');
  // The labels in any case, with or without blanks around their "=" / ":" (a PG or a proxy echoing a header).
  assert.equal(redact('spgkey some-other-key, Apikey=another-key-0001, APIKEY : "third-key-0001"'), 'spgkey [redacted], Apikey=[redacted], APIKEY : "[redacted]"');
  assert.equal(redact('nothing secret, and short stays'), 'nothing secret, and short stays');
  // The shortest key hidden has 6 characters ('short' above, 5, would hide ordinary words).
  assert.equal(createRedactor(['k3y-06'])('x k3y-06 y'), 'x [redacted] y');
  // One key the beginning of another (a search key that extends the payment key, in any order given): the
  // longer is hidden whole, not the shorter with the rest of the longer left showing.
  for (const keys of [['shop-key-01', 'shop-key-0199', 'shop-key-019'], ['shop-key-0199', 'shop-key-01', 'shop-key-019']]) {
    const hide = createRedactor(keys);
    assert.equal(hide('a shop-key-0199 b shop-key-019 c shop-key-01 d'), 'a [redacted] b [redacted] c [redacted] d', keys.join(' '));
  }
});

test('card numbers show at most the first 6 and the last 4 digits; the slip keeps only its own fields', () => {
  assert.equal(maskCardNo('5361481234561234'), '536148******1234');
  assert.equal(maskCardNo('9410-12**-****-1234'), '9410-12**-****-1234');
  assert.equal(maskCardNo('9410-1234-5678-1234'), '9410-12**-****-1234');
  // 10 digits or fewer hide nothing (6 + 4); the 11th digit is the first hidden.
  assert.deepEqual(['1234567890', '12345678901'].map(maskCardNo), ['1234567890', '123456*8901']);
  // Issue 11: a bank transfer's acctNo (the buyer's own account) passes with only its last 4 digits.
  assert.deepEqual(slip({ tid: 'T', fnNo: 'x', refundAmt: '1', acctNo: '110-123-456789', merchantInfo: [{ coNm: 'a', extra: 1 }], partCancelInfo: { transAmt: '1', x: 2 } }), {
    tid: 'T',
    acctNo: '***-***-**6789',
    merchantInfo: [{ coNm: 'a' }],
    partCancelInfo: { transAmt: '1' },
  });
  // Several partial cancels come as a list: each entry keeps only its own fields, none is dropped.
  const parts = slip({ tid: 'T', partCancelInfo: [{ transAmt: '1000', x: 1 }, { transAmt: '2000', acctNo: '1' }] }).partCancelInfo;
  assert.deepEqual(parts, [{ transAmt: '1000' }, { transAmt: '2000' }]);
  // What is not an object where one belongs (the receipt API's JSON is the PG's) passes as nothing, never as {}.
  // (As the browser gets it: JSON.)
  assert.deepEqual(JSON.parse(JSON.stringify(slip({ tid: 'T', merchantInfo: ['상점', null, { coNm: 'a' }], partCancelInfo: '1000' }))), { tid: 'T', merchantInfo: [null, null, { coNm: 'a' }] });
});

test('PG order numbers: the order id, the time (8 base-36 digits until 2059), 10 random characters; unique, at most 50 characters, Smartro Moids letters and digits only', () => {
  const numbers = new Set(Array.from({ length: 200 }, () => newOrderNo('A-1001_x', false)));
  assert.equal(numbers.size, 200);
  for (const n of numbers) assert.match(n, /^A-1001_x-[a-z0-9]{18}$/);
  assert.match(newOrderNo('A-1001_x', true), /^A1001x[a-z0-9]{18}$/);
  assert.equal(newOrderNo('x'.repeat(30), false).length, 49);
  // A UUID (36) or the longest order id (64): its first 30 characters begin the number, which still fits.
  const uuid = '0b4f5c1e-7d2a-4c3b-9e8f-1a2b3c4d5e6f';
  for (const id of [uuid, 'y'.repeat(64)]) {
    const no = newOrderNo(id, false);
    assert.ok(no.startsWith(`${id.slice(0, 30)}-`) && no.length === 49, no);
    const m = newOrderNo(id, true);
    assert.ok(m.startsWith(id.replace(/-/g, '').slice(0, 30)) && /^[A-Za-z0-9]{1,64}$/.test(m) && m.length === 48, m);
  }
});

test("a Shinhan receipt's tx_ymd: the day the PG reported; without it the Korean date the attempt finished (not the UTC one, not the day it started), else the day it started", () => {
  // Started 23:50 KST on 1 December, finished 00:30 KST on the 2nd (both still the 1st in UTC).
  const a = /** @type {any} */ ({ approved_at: null, created_at: '2026-12-01T14:50:00.000Z', finished_at: '2026-12-01T15:30:00.000Z' });
  assert.equal(receiptDate(a), '2026-12-02');
  assert.equal(receiptDate({ ...a, finished_at: null }), '2026-12-01', 'not finished: the day it started');
  for (const approved of ['2026-12-03 10:00:00', '20261203100000']) assert.equal(receiptDate({ ...a, approved_at: approved }), '2026-12-03', approved);
});

test('return pages: the order_no is escaped; kpg_order_no replaces one already in return_to', () => {
  const html = returnPageHtml('a"><script>alert(1)</script>&', '/js/kpg-return.js?v="1"');
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.ok(html.includes('<script src="/js/kpg-return.js?v=&#34;1&#34;" data-order-no="a&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#38;"></script>'), html);
  assert.equal(withOrderNo('https://s.example/p?a=1&kpg_order_no=old#top', 'N1'), 'https://s.example/p?a=1&kpg_order_no=N1#top');
});

test('basePath: the routes answer under it, and the PG is sent back under it ("/pay/kpg/" and "//pay/kpg//" as /pay/kpg; "/" at the root, no double slash)', async () => {
  const order = { order_id: 'A-1', amount: 1000, product_name: '상품', buyer: { id: 'b1', name: '김철수' } };
  for (const [basePath, prefix] of [['/pay/kpg/', '/pay/kpg'], ['//pay/kpg//', '/pay/kpg'], ['/', '']]) {
    const kpg = createKpgServer({ publicBaseUrl: 'https://shop.example', basePath, smartro, loadOrder: () => order, authorize: () => true, database: { memory: true }, reconcileOnStart: false, log: false });
    try {
      assert.equal(kpg.basePath, prefix || '/');
      const r = await kpg.fetch(new Request(`https://shop.example${prefix}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'smartro', order_id: 'A-1', device_type: 2 }) }));
      assert.equal(r.status, 200, basePath);
      const { fields } = await r.json();
      assert.deepEqual([fields.ReturnURL, fields.RetryURL], [`https://shop.example${prefix}/smartro/return`, `https://shop.example${prefix}/smartro/retry`], basePath);
      assert.equal((await kpg.fetch(new Request(`https://shop.example${prefix}/nope`))).status, 404);
    } finally {
      await kpg.close();
    }
  }
});

test('a session whose insert keeps losing to attempts that end before it can read them gives up after its five rounds: 409 attempt-in-progress, naming no attempt', async () => {
  const order = { order_id: 'A-1', amount: 1000, product_name: '상품', buyer: { id: 'b1', name: '김철수' } };
  const inner = await openStore({ memory: true });
  let inserts = 0;
  // Each round another session's attempt takes the order's one open place, and is gone when this one looks.
  const database = storeWith(inner, {
    insertAttempt: async () => {
      inserts++;
      return undefined;
    },
    orderState: async () => ({}),
  });
  const kpg = createKpgServer({ publicBaseUrl: 'https://shop.example', smartro, loadOrder: () => order, authorize: () => true, database, reconcileOnStart: false, log: false });
  try {
    const r = await kpg.fetch(new Request('https://shop.example/api/kpg/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'smartro', order_id: 'A-1', device_type: 2 }) }));
    const body = await r.json();
    assert.deepEqual([r.status, body.code, body.order_no, inserts], [409, 'attempt-in-progress', undefined, 5]);
  } finally {
    await kpg.close();
    await inner.close();
  }
});

test('a server closed before it was ready neither reconciles nor starts its relay once ready: close() waits for the start and leaves nothing running', async () => {
  /** @type {Record<string, unknown>[]} */
  const logs = [];
  const intervals = [];
  const realSetInterval = globalThis.setInterval;
  // The relay's poll is the one interval a started relay sets (no reconcileEveryMs here).
  globalThis.setInterval = /** @type {any} */ ((/** @type {any[]} */ ...args) => {
    const timer = realSetInterval(...args);
    intervals.push(timer);
    return timer;
  });
  try {
    const kpg = createKpgServer({ publicBaseUrl: 'https://shop.example', smartro, loadOrder: () => undefined, authorize: () => true, database: { memory: true }, onEvent: () => {}, log: (line) => void logs.push(JSON.parse(line)) });
    await kpg.close();
  } finally {
    globalThis.setInterval = realSetInterval;
  }
  assert.deepEqual(logs.filter((l) => l.event === 'reconcile' || l.event === 'error'), []);
  assert.equal(intervals.length, 0, 'no relay polling');
});

test('an engine with loadOrder but without authorize starts no payment either: it says what is missing', async () => {
  const order = { order_id: 'A-1', amount: 11000, product_name: '테스트 상품', buyer: { id: 'buyer01', name: '홍길동' } };
  const engine = createEngine({ publicBaseUrl: 'https://shop.example', smartro, database: { memory: true }, log: false, loadOrder: () => order });
  try {
    const payments = await engine.paymentsOf();
    await assert.rejects(payments.startSession(new Request('https://shop.example/api/kpg/session'), { provider: 'smartro', order_id: 'A-1', device_type: 2 }), /^Error: kpg server: authorize is not configured$/);
  } finally {
    await (await engine.store()).close();
  }
});

test('an engine without loadOrder (the command line\'s) starts no payment: a session asked of it says what is missing', async () => {
  const engine = createEngine({ publicBaseUrl: 'https://shop.example', smartro, database: { memory: true }, log: false });
  try {
    const payments = await engine.paymentsOf();
    await assert.rejects(payments.startSession(new Request('https://shop.example/api/kpg/session'), { provider: 'smartro', order_id: 'A-1', device_type: 2 }), /^Error: kpg server: loadOrder is not configured$/);
  } finally {
    await (await engine.store()).close();
  }
});

test("an engine without Shinhan asked for Shinhan's card list or terms (its own code, not a route: the routes check first) says the shop does not take Shinhan payments, a 404, not a TypeError", async () => {
  const engine = createEngine({ publicBaseUrl: 'https://shop.example', smartro, database: { memory: true }, log: false });
  try {
    const payments = await engine.paymentsOf();
    for (const ask of [() => payments.cardList('card'), () => payments.terms('card')]) {
      await assert.rejects(ask(), (/** @type {any} */ e) => {
        assert.deepEqual([e.status, e.code, e.message], [404, 'unsupported-provider', 'This shop does not take Shinhan payments.']);
        return true;
      });
    }
  } finally {
    await (await engine.store()).close();
  }
});

test('createKpgServer refuses what it cannot run safely, saying what to fix', async () => {
  // The servers it does start share one store (a store passed in is the caller's to close): one PGlite, not seven.
  const shared = await openStore({ memory: true });
  try {
    const base = { publicBaseUrl: 'https://shop.example', shinhan: { apiBase: 'https://spg.example/', clientId: 'c', paymentApiKey: 'p', searchApiKey: 's' }, loadOrder: () => undefined, authorize: () => true };
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, authorize: undefined })), /authorize\(\{ request, order \}\) is required/);
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, loadOrder: undefined })), /loadOrder/);
    assert.throws(() => createKpgServer({ ...base, publicBaseUrl: 'shop.example' }), /publicBaseUrl/);
    assert.throws(() => createKpgServer({ ...base, shinhan: undefined }), /at least one PG/);
    // onEvent given as something else (a URL meant for webhooks, an object) would drop every event silently.
    for (const onEvent of ['https://shop.example/hook', { url: 'x' }]) {
      assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, onEvent })), /^Error: kpg server: onEvent must be a function \(event\) => \.\.\.$/, String(onEvent));
    }
    // A base path is a path: anything else anywhere in it (not only in its last segment) is refused.
    for (const basePath of ['api kpg/v1', 'api/k?g/v1', 'https://shop.example/api']) {
      assert.throws(() => createKpgServer({ ...base, basePath }), /basePath must be a path such as "\/api\/kpg"/, basePath);
    }
    for (const basePath of ['/api/kpg/', 'pay', '/']) await createKpgServer({ ...base, basePath, database: shared, reconcileOnStart: false, log: false }).close();
    // A database option that names no engine (a misspelt key, an empty URL or folder, a store missing a method,
    // a bare connection string) is refused at start: it would otherwise open an in-memory PGlite, and every
    // payment would be gone at the next restart. The error names its keys or its type, never its values.
    for (const database of [{}, { dataDIR: '.data/shop' }, { url: '' }, { dataDir: ' ' }, { memory: false }, { transition() {} }, { migrate() {} }, 'postgres://shop:pw@db/shop', null]) {
      assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, database })), /^Error: kpg server: database must be \{ url \} \(PostgreSQL\), \{ dataDir \} or \{ memory: true \} \(PGlite\), or a PaymentStore with migrate\(\) and transition\(\) \(got /, JSON.stringify(database));
    }
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, database: { dataDIR: '.data/shop' } })), /\(got an object with dataDIR\)$/);
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, database: 'postgres://shop:secret-pw@db/shop' })), (/** @type {Error} */ e) => /\(got a string\)$/.test(e.message) && !e.message.includes('secret-pw'));
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, database: null })), /\(got null\)$/);
    // openStore, which shops may call themselves, refuses the same (it names no store: it opens one).
    await assert.rejects(openStore(/** @type {any} */ ({ dataDIR: '.data/shop' })), /^Error: kpg server: database must be \{ url \} \(PostgreSQL\), \{ dataDir \} or \{ memory: true \} \(PGlite\) \(got an object with dataDIR\)$/);
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, shinhan: { ...base.shinhan, searchApiKey: '' } })), /shinhan\.searchApiKey is required/);
    // A key of blanks (a template's empty variable, a stray space) is no key either.
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, shinhan: { ...base.shinhan, paymentApiKey: ' \t ' } })), /shinhan\.paymentApiKey is required/);
    // Where the server sends keys and buyers: http(s) only, never a scheme that would leak them elsewhere or run.
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, shinhan: { ...base.shinhan, apiBase: 'ftp://pg.example/' } })), /shinhan\.apiBase must be an http\(s\) URL/);
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, smartro: { mid: 'short', merchantKey: 'k', pcAction: 'https://a/', mobileAction: 'https://a/', apiBase: 'https://a/' } })), /smartro\.mid/);
    const smartro = { mid: 'kpgtest01m', merchantKey: 'k', pcAction: 'https://a/', mobileAction: 'https://a/', apiBase: 'https://a/' };
    // A cancel password the redactor could not find in every reply and log line (too short: it would mangle
    // amounts and dates; too long for Smartro) is refused; so are due days outside 0-60 and missing hosts.
    for (const cancelPassword of ['12345', 'x'.repeat(65), 123456]) {
      assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, smartro: { ...smartro, cancelPassword } })), /smartro\.cancelPassword must be 6 to 64 characters/, String(cancelPassword));
    }
    for (const vbankDueDays of [-1, 61, 1.5]) {
      assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, smartro: { ...smartro, vbankDueDays } })), /smartro\.vbankDueDays must be a whole number of days from 0 \(today\) to 60/, String(vbankDueDays));
    }
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, smartro: { ...smartro, pcAction: undefined, mobileAction: undefined } })), /smartro\.pcAction, smartro\.mobileAction required: set smartro\.env to "test" or "real".* give the URLs/);
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, smartro: { ...smartro, apiBase: undefined } })), /smartro\.apiBase required: .* give the URL$/);
    assert.throws(() => createKpgServer(/** @type {any} */ ({ ...base, smartro: { ...smartro, mobileAction: 'javascript:alert(1)' } })), /smartro\.mobileAction must be an http\(s\) URL/);
    // The bounds themselves are taken.
    for (const ok of [{ cancelPassword: '123456' }, { cancelPassword: 'x'.repeat(64) }, { vbankDueDays: 0 }, { vbankDueDays: 60 }]) {
      const kpg = createKpgServer({ ...base, smartro: { ...smartro, ...ok }, database: shared, reconcileOnStart: false, log: false });
      await kpg.close();
    }
  } finally {
    await shared.close();
  }
});

test('optionsFromEnv: a PG when all its variables are set, an error naming the missing ones, strict flags', () => {
  assert.deepEqual(optionsFromEnv({}), {});
  const env = {
    DATABASE_URL: 'postgres://x/y',
    SHINHAN_API_BASE: 'https://spg.example/',
    SHINHAN_CLIENT_ID: 'c',
    SHINHAN_PAYMENT_API_KEY: 'p',
    SHINHAN_SEARCH_API_KEY: 's',
    SHINHAN_PGCODES: 'card, selpay',
  };
  const o = optionsFromEnv(env);
  assert.deepEqual(o.database, { url: 'postgres://x/y' });
  assert.deepEqual(o.shinhan?.pgcodes, ['card', 'selpay']);
  assert.equal(o.shinhan?.requireTerms, undefined, 'unset: the provider default (on)');
  assert.equal(optionsFromEnv({ ...env, SHINHAN_REQUIRE_TERMS: 'false' }).shinhan?.requireTerms, false);
  assert.equal(optionsFromEnv({ ...env, SHINHAN_REQUIRE_TERMS: 'TRUE' }).shinhan?.requireTerms, true);
  assert.throws(() => optionsFromEnv({ ...env, SHINHAN_REQUIRE_TERMS: 'no' }), /SHINHAN_REQUIRE_TERMS must be true or false/);
  assert.throws(() => optionsFromEnv({ SMARTRO_MID: 'kpgtest01m' }), /SMARTRO_MERCHANT_KEY.*must be set too/);
  assert.throws(
    () => optionsFromEnv({ SMARTRO_MID: 'a', SMARTRO_MERCHANT_KEY: 'b', SMARTRO_PC_ACTION: 'c', SMARTRO_MOBILE_ACTION: 'd', SMARTRO_API_BASE: 'e', SMARTRO_RECEIPT_LOOKUP_BY_MOID: 'yes' }),
    /true or false/,
  );
});

// A mutant of the generated set (mutate:full --sample, seed 2026) showed the webhooks option's checks untested.
test('webhooks option: each wrong entry refused naming what to fix (never printing the secret); 24 and 64 random bytes are the bounds; one URL twice is refused', () => {
  const bytes = (/** @type {number} */ n) => `whsec_${Buffer.alloc(n, 7).toString('base64')}`;
  const ok = { url: 'https://hooks.example/kpg', secret: bytes(32) };
  assert.deepEqual(checkWebhooks(undefined), []);
  assert.deepEqual(checkWebhooks([ok, { url: 'http://other.example/in', secret: bytes(24) }, { url: 'https://hooks.example/kpg?b', secret: bytes(64) }]), [ok, { url: 'http://other.example/in', secret: bytes(24) }, { url: 'https://hooks.example/kpg?b', secret: bytes(64) }]);
  assert.throws(() => checkWebhooks(ok), /webhooks must be a list of \{ url, secret \}/);
  for (const [hook, message] of /** @type {const} */ ([
    [{ ...ok, url: 'ftp://hooks.example/kpg' }, /webhooks\[1\]\.url must be an http\(s\) URL/],
    [{ ...ok, url: 'hooks.example/kpg' }, /webhooks\[1\]\.url must be an http\(s\) URL/],
    [{ ...ok, url: 42 }, /webhooks\[1\]\.url must be an http\(s\) URL/],
    [{ ...ok, url: 'https://user:pw@hooks.example/kpg' }, /webhooks\[1\]\.url must not carry credentials/],
    [{ ...ok, secret: bytes(23) }, /webhooks\[1\]\.secret must be "whsec_" \+ base64 of 24 to 64 random bytes/],
    [{ ...ok, secret: bytes(65) }, /webhooks\[1\]\.secret must be/],
    [{ ...ok, secret: bytes(32).slice(6) }, /webhooks\[1\]\.secret must be/],
    [{ ...ok, secret: `${bytes(32)}!` }, /webhooks\[1\]\.secret must be/],
    [{ ...ok, secret: `my_${bytes(32)}` }, /webhooks\[1\]\.secret must be/],
    [{ url: ok.url }, /webhooks\[1\]\.secret must be/],
    [null, /webhooks\[1\]\.url must be/],
    [{ ...ok }, /webhooks\[1\]\.url is listed twice/],
  ])) {
    assert.throws(() => checkWebhooks([ok, hook]), (/** @type {Error} */ e) => message.test(e.message) && !e.message.includes(ok.secret.slice(6)), JSON.stringify(hook));
  }
});

test('kpg.cancel arguments: a field that is there but wrong is invalid-field, one that is absent missing-field, each naming the field and its rule; a non-object is invalid-body', () => {
  const args = { order_id: 'A-1001', reason: '반품', idempotency_key: 'k-0001-abcdefgh' };
  const refused = (/** @type {unknown} */ input, due = false) => {
    try {
      checkCancelArgs(input, due);
    } catch (/** @type {any} */ e) {
      return [e.status, e.code, e.field, e.message];
    }
    return 'accepted';
  };
  assert.equal(refused(args), 'accepted');
  assert.equal(refused({ ...args, amount: 1100 }), 'accepted');
  assert.deepEqual(refused({ ...args, amount: '1100' }), [400, 'invalid-field', 'amount', 'amount must be a whole number of won above 0 (absent: everything left).']);
  assert.deepEqual(refused({ ...args, amount: 0 }), [400, 'invalid-field', 'amount', 'amount must be a whole number of won above 0 (absent: everything left).']);
  assert.deepEqual(refused({ ...args, order_id: 'A 1001' }), [400, 'invalid-field', 'order_id', 'order_id must be 1-64 characters of A-Z a-z 0-9 _ -.']);
  const { reason, ...noReason } = args;
  assert.deepEqual(refused(noReason), [400, 'missing-field', 'reason', 'reason is required: 1-100 characters.']);
  assert.deepEqual(refused({ ...args, idempotency_key: undefined }), [400, 'missing-field', 'idempotency_key', 'idempotency_key is required: 1-255 printable ASCII characters (1-246 for recordCancel), not beginning with "pg:".']);
  assert.deepEqual(refused({ ...args, reason: '' }).slice(1), ['invalid-field', 'reason', 'reason is required: 1-100 characters.']);
  // "pg:..." keys are the server's own (cancels found at the PG): a caller's is refused with the field's rule.
  assert.deepEqual(refused({ ...args, idempotency_key: 'pg:staff:1' }), [400, 'invalid-field', 'idempotency_key', 'idempotency_key is required: 1-255 printable ASCII characters (1-246 for recordCancel), not beginning with "pg:".']);
  assert.equal(refused({ ...args, idempotency_key: 'shop:pg:1' }), 'accepted');
  assert.deepEqual(refused({ reason, idempotency_key: args.idempotency_key }, true), 'accepted');
  assert.deepEqual(refused(null).slice(0, 2), [400, 'invalid-body']);
  assert.deepEqual(refused('A-1001').slice(0, 2), [400, 'invalid-body']);
});

test('the PG-answer cache (card list, terms): one call per key per TTL; an answer it may not keep, and a call that throws, are asked again', async () => {
  let at = 0;
  const cache = createTtlCache(1000, () => at, 2);
  let calls = 0;
  const ok = () => cache.get('card', async () => (++calls, { ok: true }), (v) => v.ok);
  await Promise.all([ok(), ok()]);
  assert.equal(calls, 1, 'two askers, one call');
  at = 999;
  await ok();
  assert.equal(calls, 1, 'within the TTL');
  at = 1000;
  await ok();
  assert.equal(calls, 2, 'expired');
  let failing = 0;
  const refused = () => cache.get('selpay', async () => (++failing, { ok: false }), (v) => v.ok);
  await refused();
  await refused();
  assert.equal(failing, 2, 'an answer it may not keep is not kept');
  let thrown = 0;
  const throwing = () => cache.get('bank', async () => Promise.reject(new Error(`down ${++thrown}`)), () => true);
  await assert.rejects(throwing(), /down 1/);
  await assert.rejects(throwing(), /down 2/, 'a failure is not kept');
  // At most maxKeys keys: the oldest goes.
  for (const key of ['a', 'b', 'c']) await cache.get(key, async () => ({ ok: true, key }), () => true);
  // ...and only the oldest: the two newest (maxKeys 2) are both still kept.
  for (const key of ['b', 'c']) assert.deepEqual(await cache.get(key, async () => ({ ok: false, key: 'asked again' }), () => true), { ok: true, key }, key);
  let again = 0;
  await cache.get('a', async () => (++again, { ok: true }), () => true);
  assert.equal(again, 1, 'the oldest key was dropped');

  // An answer it may not keep (or a failure) for a key pushed out while its call was in flight: nothing to
  // drop, no error (not even an unhandled rejection), and the keys that took its place stay kept.
  /** @type {unknown[]} */
  const unhandled = [];
  const onUnhandled = (/** @type {unknown} */ reason) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    for (const settle of ['refused', 'thrown']) {
      /** @type {(v: { ok: boolean }) => void} */
      let answer = () => {};
      /** @type {(e: Error) => void} */
      let fail = () => {};
      const slow = cache.get(`slow-${settle}`, () => new Promise((resolve, reject) => ((answer = resolve), (fail = reject))), (v) => v.ok);
      for (const key of ['d', 'e']) await cache.get(key, async () => ({ ok: true, key }), () => true);
      if (settle === 'refused') {
        answer({ ok: false });
        assert.deepEqual(await slow, { ok: false });
      } else {
        fail(new Error('down'));
        await assert.rejects(slow, /down/);
      }
      await new Promise((resolve) => setImmediate(resolve)); // past the turn an unhandled rejection is reported in
      for (const key of ['d', 'e']) assert.deepEqual(await cache.get(key, async () => ({ ok: false, key: 'asked again' }), () => true), { ok: true, key }, `${settle}: ${key}`);
    }
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});

test('rate limits: a fixed window per key; Retry-After is the seconds left of the window, rounded up, at least 1', () => {
  let t = 1_000_000;
  const limiter = createLimiter({ limit: 2, windowMs: 60_000 }, () => t);
  assert.deepEqual([limiter.hit('a'), limiter.hit('a'), limiter.peek('a')], [undefined, undefined, 60]);
  assert.equal(limiter.hit('a'), 60, 'over the limit: the whole window left');
  assert.equal(limiter.hit('b'), undefined, 'another key has its own window');
  t += 15_500;
  assert.deepEqual([limiter.peek('a'), limiter.hit('a')], [45, 45], '44.5 s left: 45');
  t += 44_499;
  assert.equal(limiter.hit('a'), 1, 'a millisecond left: 1, never 0');
  t += 1;
  assert.deepEqual([limiter.peek('a'), limiter.hit('a')], [undefined, undefined], 'a new window');
});

test("a webhook send: an unreachable receiver is named by the network error's cause; a send the relay gave up on (its signal aborted) rejects with the relay's own reason, whatever that carries", async () => {
  const target = webhookTarget({ url: `${await deadOrigin()}/hook`, secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` }, () => new Date(0));
  const event = { id: 'evt_1', type: 'payment.paid', created_at: '2026-01-01T00:00:00.000Z', data: {} };
  await assert.rejects(target.send(event, new AbortController().signal), { message: 'could not reach the receiver: ECONNREFUSED' });
  // The relay aborts with its GivenUp reason; even one with a cause of its own is not taken for a network error.
  const reason = Object.assign(new Error('no answer within 400 ms'), { cause: { code: 'ETIMEDOUT' } });
  const controller = new AbortController();
  controller.abort(reason);
  await assert.rejects(target.send(event, controller.signal), (e) => e === reason);
});

test('a PG answer is read as an object only when it is one: JSON null, a string, a number, true or an array is "without a JSON object"', () => {
  for (const json of [null, 'OK', 0, 1, true, [], [{ code: '0000' }]]) assert.equal(isPlainObject(json), false, JSON.stringify(json));
  for (const json of [{}, { code: '0000' }, JSON.parse('{"rsp_cd":"0000"}')]) assert.equal(isPlainObject(json), true, JSON.stringify(json));
});

test('a server whose database cannot be opened says so once in its log, as an error of its start (where: start), and kpg.ready rejects', async () => {
  /** @type {any[]} */
  const lines = [];
  const kpg = createKpgServer({
    publicBaseUrl: 'https://shop.example',
    shinhan: { apiBase: 'https://spg.example/', clientId: 'c', paymentApiKey: 'p', searchApiKey: 's' },
    loadOrder: () => undefined,
    authorize: () => true,
    database: { url: 'postgres://kpg:kpg@127.0.0.1:1/nowhere' },
    reconcileOnStart: false,
    log: (/** @type {string} */ line) => lines.push(JSON.parse(line)),
  });
  await assert.rejects(kpg.ready);
  await new Promise((r) => setImmediate(r));
  const errors = lines.filter((l) => l.event === 'error');
  assert.deepEqual(errors.map((l) => [l.level, l.where]), [['error', 'start']], JSON.stringify(lines));
  assert.ok(typeof errors[0].message === 'string' && errors[0].message.length > 0);
  await kpg.close().catch(() => {});
});

test('clip: a text of exactly the limit is kept whole; one character more is cut to the limit and marked …', () => {
  assert.equal(clip('x'.repeat(200)), 'x'.repeat(200));
  assert.equal(clip('x'.repeat(201)), `${'x'.repeat(200)}…`);
  assert.equal(clip('취소 사유', 5), '취소 사유');
  assert.equal(clip('취소 사유입니다', 5), '취소 사유…');
});

test('delivery options out of range are refused at start, naming the option and its floor: leaseMs must outlast the delivery time-out by a second', () => {
  const base = { publicBaseUrl: 'https://shop.example', shinhan: { apiBase: 'https://spg.example/', clientId: 'c', paymentApiKey: 'p', searchApiKey: 's' }, loadOrder: () => undefined, authorize: () => true, database: /** @type {const} */ ({ memory: true }), log: false };
  assert.throws(() => createKpgServer({ ...base, delivery: { timeoutMs: 2000, leaseMs: 2999 } }), /^Error: kpg server: delivery\.leaseMs must be a whole number of milliseconds, at least 3000$/);
  assert.throws(() => createKpgServer({ ...base, delivery: { timeoutMs: 0 } }), /delivery\.timeoutMs must be a whole number of milliseconds, at least 1$/);
  assert.throws(() => createKpgServer({ ...base, delivery: { pollEveryMs: 9 } }), /delivery\.pollEveryMs must be a whole number of milliseconds, at least 10$/);
  assert.throws(() => createKpgServer({ ...base, delivery: { retryForMs: 0 } }), /^Error: kpg server: delivery\.retryForMs must be a whole number of milliseconds, at least 1$/);
  assert.throws(() => createKpgServer({ ...base, delivery: { retryForMs: 1.5 } }), /delivery\.retryForMs must be a whole number/);
});

test('a PG call: late headers and a body that stops half way are both "did not answer within" (the PG may have acted); a refused connection "could not be reached"; not JSON is pg-bad-response', async (t) => {
  // Each answer is held until the call gave up (its socket closed): no timer decides the order.
  const base = await serve(t, (req, res) => {
    if (req.url === '/late') return void req.socket.on('close', () => res.destroy());
    if (req.url === '/half') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.write('{"ret_code":');
    }
    res.writeHead(200).end('<html>');
  });
  const call = (/** @type {string} */ path) => fetchPgJson(new URL(path, base), {}, { timeoutMs: 200, name: 'Shinhan' });
  assert.deepEqual(await call('/late'), { ok: false, code: 'pg-unreachable', message: 'Shinhan did not answer within 0.2 s.' });
  assert.deepEqual(await call('/half'), { ok: false, code: 'pg-unreachable', message: 'Shinhan did not answer within 0.2 s.' });
  assert.deepEqual(await call('/html'), { ok: false, code: 'pg-bad-response', message: 'Shinhan answered HTTP 200 without JSON.', status: 200 });
  assert.deepEqual(await fetchPgJson(new URL(await deadOrigin()), {}, { timeoutMs: 2000 }), { ok: false, code: 'pg-unreachable', message: 'The PG could not be reached.' });
});

test('fitBytes: bytes of the form\'s charset, never a character cut; what the browser cannot send in it is "?" (EUC-KR: neither KS X 1001 nor a Hangul syllable; UTF-8: a lone surrogate)', () => {
  assert.equal(fitBytes('ab가나', 5, 'euc-kr'), 'ab가', 'ASCII 1 byte, Hangul 2: 나 would make 6');
  assert.equal(fitBytes('ab가나', 6, 'euc-kr'), 'ab가나');
  assert.equal(fitBytes('ab가나', 7, 'utf-8'), 'ab가', 'Hangul 3 bytes in UTF-8: 나 would make 8');
  assert.equal(fitBytes('\u007f\u00a0', 2, 'euc-kr'), '\u007f?', 'U+00A0 is no EUC-KR character: "?" (1 byte)');
  assert.equal(fitBytes('괆힝똠햏😀', 20, 'euc-kr'), '괆힝똠햏?', 'KS X 1001 (its last column: 괆, 힝) and the Hangul Windows-949 adds (똠, 햏) kept; an emoji is neither');
  assert.equal(fitBytes('韓①丂☕', 20, 'euc-kr'), '韓①??', 'hanja and symbols of KS X 1001 kept; others are "?"');
  assert.equal(fitBytes('가\ud7a3\ud7a4', 20, 'euc-kr'), '가\ud7a3?', 'the last Hangul syllable (U+D7A3) is the end of the range');
  assert.equal(fitBytes('a\ud800b\udc00', 20, 'utf-8'), 'a?b?', 'lone surrogates');
  assert.equal(fitBytes('😀가', 7, 'utf-8'), '😀가', 'an emoji is 4 bytes in UTF-8');
  assert.equal(fitBytes('😀가', 6, 'utf-8'), '😀');
});

test("Smartro's amounts in a receipt's cancels: digits (blanks around) or a whole number; a sign, a text before the digits, a decimal or a thousands separator is no amount", () => {
  const parse = (/** @type {unknown} */ goodsAmt, /** @type {unknown} */ transAmt = '1000') => SmartroReceiptCancelSchema.safeParse({ tid: 'T1', goodsAmt, stateCd: '0', partCancelInfo: [{ transAmt }] });
  const ok = parse(' 11000 ', 2500);
  assert.deepEqual(ok.success && [ok.data.goodsAmt, /** @type {any} */ (ok.data.partCancelInfo)[0].transAmt], [11000, 2500]);
  for (const bad of ['-11000', 'x11000', '11,000', '11000.5', '1'.repeat(13), '', -1, 1.5]) {
    assert.equal(parse(bad).success, false, `goodsAmt ${JSON.stringify(bad)}`);
    assert.equal(parse('11000', bad).success, false, `transAmt ${JSON.stringify(bad)}`);
  }
});

test("the database's answers the store reads (SQLSTATE 23505 unique, 23514 check) are told from anything else thrown: null, a string, another code", () => {
  assert.deepEqual([isUniqueViolation({ code: '23505', constraint: 'kpg_cancels_key' }), isCheckViolation({ code: '23514' })], [true, true]);
  for (const thrown of [null, undefined, '23505', 23505, { code: '23503' }, new Error('23505')]) {
    assert.deepEqual([isUniqueViolation(thrown), isCheckViolation(thrown)], [false, false], String(thrown));
  }
  assert.deepEqual([isUniqueViolation({ code: '23514' }), isCheckViolation({ code: '23505' })], [false, false]);
});

test("return_to: the shop's own origin only; without one, the origin's root (whatever path publicBaseUrl has)", () => {
  assert.equal(resolveReturnTo(undefined, 'https://shop.example/mall/'), 'https://shop.example/');
  assert.equal(resolveReturnTo('/orders/1?x=1', 'https://shop.example/mall/'), 'https://shop.example/orders/1?x=1');
  assert.equal(resolveReturnTo('done', 'https://shop.example/mall/'), 'https://shop.example/mall/done');
  for (const other of ['https://evil.example/', '//evil.example/x', 'javascript:alert(1)']) {
    assert.throws(() => resolveReturnTo(other, 'https://shop.example/mall/'), (/** @type {any} */ e) => e.status === 400 && e.field === 'return_to' && e.message === 'return_to must be on https://shop.example.', other);
  }
});

test("an order's buyer email is one bare address: a display name, blanks, quotes, angle brackets or a second @ anywhere refuse it; none (null, \"\") is absent", () => {
  const accepts = (/** @type {unknown} */ email) => KpgOrderSchema.safeParse({ order_id: 'A-1', amount: 1000, product_name: '상품', buyer: { id: 'b1', name: '김철수', email } }).success;
  for (const good of ['hong@example.com', 'hong.gil-dong+shop@mail.example.co.kr', null, '']) assert.equal(accepts(good), true, String(good));
  for (const bad of ['홍길동 <hong@example.com>', 'a b@example.com', '"hong"@example.com', 'hong@example.com ', ' hong@example.com', 'a@b@example.com', 'hong', `${'a'.repeat(50)}@example.com`]) assert.equal(accepts(bad), false, bad);
});

test("reconcile leaves alone an attempt of a PG this server is no longer configured for: nothing to ask, no error line, not reported as unsettled", async () => {
  const store = await openStore({ memory: true });
  try {
    await store.migrate();
    const clock = testClock();
    const at = clock.date().toISOString();
    const a = await store.insertAttempt(
      { order_no: 'N-moved-1', order_id: 'O-moved-1', provider: 'smartro', merchant_id: smartro.mid, amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: null, pay_method: 'CARD', return_to: null, app_scheme: null, nonce: 'ab'.repeat(12) },
      at,
    );
    assert.ok(a);
    assert.ok(await store.transition(a.order_no, 'claim', {}, at));
    /** @type {Record<string, unknown>[]} */
    const logs = [];
    const shinhan = { apiBase: 'https://spg.example/', clientId: 'c', paymentApiKey: 'payment-key-1', searchApiKey: 'search-key-1' };
    const kpg = createKpgServer({ publicBaseUrl: 'https://shop.example', shinhan, loadOrder: () => undefined, authorize: () => true, database: store, now: clock.date, reconcileOnStart: false, log: (line) => void logs.push(JSON.parse(line)) });
    try {
      const report = await kpg.reconcile();
      assert.deepEqual(report.unsettled, []);
      assert.deepEqual(logs.filter((l) => l.level === 'error'), []);
      assert.equal((await store.getAttempt(a.order_no))?.status, 'processing');
    } finally {
      await kpg.close();
    }
  } finally {
    await store.close();
  }
});
