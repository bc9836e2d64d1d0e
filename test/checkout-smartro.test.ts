/**
 * <kpg-checkout provider="smartro">: the form the browser really posts, captured byte for byte by the test
 * server (its origin is allowed with allowPgOrigins and stands in for Smartro here; the sandbox flow is in
 * smartro-sandbox.test.ts). PC posts EUC-KR into a window opened inside the click; mobile posts UTF-8 as
 * the whole page.
 */
import { aTimeout, expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { expectSaid, FULL_MESSAGES } from './elements.js';
import type { KpgCheckout } from '../src/index.js';
import {
  consumeUserActivation,
  fixture,
  fixtureCalls,
  formBytes,
  SHOP_DIST_SCRIPTS,
  SHOP_MODULE,
  payButton,
  pgWindow,
  realClick,
  recordEvents,
  trackWindows,
  uniqueKey,
  waitFor,
} from './helpers.js';

const ORIGIN = location.origin;
const OTHER_ORIGIN = `http://127.0.0.1:${location.port}`;
const eucKr = new TextDecoder('euc-kr');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/** The return page a ReturnURL answers: the shipped dist/kpg-return.js, served by the shop's server. */
const returnPage = (orderNo: string, extra = '') =>
  `<!doctype html><html lang="ko"><meta charset="utf-8"><title>return</title><script src="/kpg-return.js" data-order-no="${orderNo}" ${extra}></script>`;

function fields(over: Record<string, string | number | undefined> = {}) {
  const base: Record<string, string | number | undefined> = {
    PayMethod: 'CARD',
    GoodsCnt: '1',
    GoodsName: '테스트 상품',
    Amt: 11000,
    Moid: 'T1',
    MID: 'kpgtest01m',
    ReturnURL: `${ORIGIN}/api/kpg/smartro/return`,
    mallUserID: 'buyer01',
    BuyerName: '홍길동',
    ediDate: '20261121120000',
    EncryptData: 'MzI3ZmQ5ZDQ4ZWQ5YjNhNDk3MTg2ZGY0ZGE1N2I3Y2U=',
    ...over,
  };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined));
}

interface Setup {
  fieldOver?: Record<string, string | number | undefined>;
  device?: 'pc' | 'mobile';
  result?: unknown;
  page?: string;
  sessionKey?: string;
  resultKey?: string;
}

/** A checkout whose session posts to a capturing action on this test server. */
async function smartro({ fieldOver, device = 'pc', result = { status: 'paid', order_no: 'T1', tid: 'kpgtest01m0101261121120000' }, page, sessionKey, resultKey }: Setup = {}) {
  const key = uniqueKey('capture');
  const action = `${ORIGIN}/__fixture/capture?${new URLSearchParams({ key, page: page ?? returnPage('T1') })}`;
  const session = { provider: 'smartro', order_no: 'T1', action, fields: fields(fieldOver) };
  const el = await mount<KpgCheckout>(html`
    <kpg-checkout provider="smartro" order-id="A-1001" amount="11000" device=${device}
      session-url=${fixture({ body: session, key: sessionKey })}
      result-url=${fixture({ body: result, key: resultKey })}></kpg-checkout>`);
  return { el, rec: recordEvents(el), key };
}

async function captured(key: string, count = 1) {
  await waitFor(async () => (await fixtureCalls(key)).length >= count, 'nothing was posted', { timeout: 5000 });
  const calls = await fixtureCalls(key);
  return { calls, form: formBytes(calls[0].raw!) };
}

let windows: ReturnType<typeof trackWindows>;
beforeEach(() => {
  windows = trackWindows();
});
afterEach(() => {
  fixtureCleanup();
  windows.restore(); // leave no payment window behind for the next test
});

describe('smartro on PC: the posted form', () => {
  it('posts EUC-KR into the window opened in the click, with MallResultFWD=Y and the UTF-8 return fields, then kpg-success', async () => {
    const { el, rec, key } = await smartro();
    await realClick(payButton(el));
    const { calls, form } = await captured(key);
    expect(calls[0].method).to.equal('POST');
    expect(calls[0].contentType).to.equal('application/x-www-form-urlencoded');
    expect(hex(form.get('GoodsName')!)).to.equal('C5 D7 BD BA C6 AE 20 BB F3 C7 B0'); // 테스트 상품 in EUC-KR
    expect(eucKr.decode(form.get('BuyerName')!)).to.equal('홍길동');
    expect(new TextDecoder().decode(form.get('MallResultFWD')!)).to.equal('Y');
    expect(new TextDecoder().decode(form.get('EncodingType')!)).to.equal('utf8'); // this page is UTF-8
    expect(new TextDecoder().decode(form.get('UrlEncode')!)).to.equal('Y');
    expect(new TextDecoder().decode(form.get('Amt')!)).to.equal('11000');
    // The return page (dist/kpg-return.js) told this page; the backend's result decides.
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.provider).to.equal('smartro');
    expect(rec.events[0]).to.deep.include({ type: 'kpg-session' });
  });

  it('keeps a MallResultFWD the backend chose', async () => {
    const { el, rec, key } = await smartro({ fieldOver: { MallResultFWD: 'N' } });
    await realClick(payButton(el));
    const { form } = await captured(key);
    expect(new TextDecoder().decode(form.get('MallResultFWD')!)).to.equal('N');
    await rec.outcome();
  });

  it('Hangul outside KS X 1001 (똠, 햏, 걾) goes as the browser encodes it (CP949), not as &#NNNNN;, with a warning', async () => {
    // CP949 8C63, C164, 81A1: outside KS X 1001 by both bytes, by the trail byte only, by the lead byte only;
    // 가 (B0A1) is KS X 1001's first syllable, its trail byte the range's first.
    const { el, rec, key } = await smartro({ fieldOver: { GoodsName: '똠방각하 햏걾가' } });
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      await realClick(payButton(el));
      await rec.outcome();
    } finally {
      console.warn = original;
    }
    expect(warnings.filter((w) => w.includes(FULL_MESSAGES ? 'GoodsName has 똠햏걾, outside KS X 1001' : 'kpg-checkout outside-ks-x-1001: GoodsName 똠햏걾 '))).to.have.length(1);
    const { form } = await captured(key);
    const bytes = form.get('GoodsName')!;
    expect(bytes.length).to.equal(15); // 7 syllables x 2 bytes + a space
    expect(eucKr.decode(bytes)).to.equal('똠방각하 햏걾가');
    expect(new TextDecoder('latin1').decode(bytes)).to.not.contain('&#');
  });

  it('GoodsName of exactly 80 EUC-KR bytes (40 syllables) is posted; 81 bytes is refused with nothing posted', async () => {
    let { el, rec, key } = await smartro({ fieldOver: { GoodsName: '가'.repeat(40) } });
    await realClick(payButton(el));
    expect((await captured(key)).form.get('GoodsName')!.length).to.equal(80);
    await rec.outcome();
    fixtureCleanup();
    ({ el, rec, key } = await smartro({ fieldOver: { GoodsName: `${'가'.repeat(40)}a` } }));
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-error');
    expect(outcome.detail).to.include({ code: 'invalid-field', field: 'GoodsName' });
    expectSaid(outcome.detail.message, 'field-bytes', '81 bytes in EUC-KR', ['81', 'EUC-KR']);
    await aTimeout(200);
    expect(await fixtureCalls(key)).to.have.length(0);
    expect(windows.opened.at(-1)!.closed).to.equal(true); // the pre-opened window was closed
  });

  it('mallUserID over its PC limit (10 bytes: the mobile form takes 20) is refused naming it, nothing posted', async () => {
    const { el, rec, key } = await smartro({ fieldOver: { mallUserID: 'buyer012345' } });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-error');
    expect(outcome.detail).to.include({ code: 'invalid-field', field: 'mallUserID' });
    expectSaid(outcome.detail.message, 'field-bytes', '11 bytes in EUC-KR', ['11', 'EUC-KR']);
    expect(await fixtureCalls(key)).to.have.length(0);
  });

  it('a character EUC-KR cannot hold (an emoji) is refused naming the field, nothing posted, window closed', async () => {
    const { el, rec, key } = await smartro({ fieldOver: { BuyerName: '홍길동😀' } });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-error');
    expect(outcome.detail).to.include({ code: 'invalid-field', field: 'BuyerName', order_no: 'T1' });
    expectSaid(outcome.detail.message, 'field-charset', 'the browser would send it as the text &#128512;', ['&#128512;']);
    expect(el.state).to.equal('error');
    await aTimeout(200);
    expect(await fixtureCalls(key)).to.have.length(0);
    expect(windows.opened).to.have.length(1);
    expect(windows.open()).to.have.length(0);
  });

  /**
   * A session whose `fieldOver` fields are wrong: the click ends in one invalid-field error naming `field`
   * (and saying `said`, when given), the pre-opened window is closed and nothing is posted.
   */
  async function refusedBeforePosting(fieldOver: Record<string, string | undefined>, field: string, said?: [id: string, sentence: string, values?: string[]]) {
    const { el, rec, key } = await smartro({ fieldOver });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.detail).to.include({ code: 'invalid-field', field });
    if (said) expectSaid(outcome.detail.message, said[0], said[1], said[2]);
    await waitFor(() => windows.open().length === 0, 'the window was not closed'); // nothing can be posted into it now
    expect(await fixtureCalls(key)).to.have.length(0);
    fixtureCleanup();
  }

  it('missing required fields are refused before posting', async () => {
    for (const name of ['MID', 'EncryptData', 'ReturnURL', 'GoodsName']) await refusedBeforePosting({ [name]: undefined }, name);
  });

  it('a ReturnURL, RetryURL or StopURL that is not an absolute http(s) URL is refused before posting, saying so', async () => {
    for (const [field, value] of [
      ['ReturnURL', 'javascript:alert(1)'],
      ['ReturnURL', '/api/kpg/smartro/return'],
      ['RetryURL', 'ftp://shop.example/retry'],
      ['StopURL', 'data:text/html,stop'],
    ]) {
      await refusedBeforePosting({ [field]: value }, field, ['field-url', `${field} must be an absolute http(s) URL`, [field]]);
    }
  });

  it('a form field that is neither text nor a number -> invalid-session naming it by its path, fields.<name>; nothing posted', async () => {
    const { el, rec, key } = await smartro({ fieldOver: { GoodsName: { name: '상품' } as unknown as string } });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.detail).to.include({ code: 'invalid-session', field: 'fields.GoodsName' });
    expect(outcome.detail.message).to.contain('fields.GoodsName');
    expect(await fixtureCalls(key)).to.have.length(0);
  });

  it('a Moid other than the session\'s order_no is refused before posting (the widget would ask about another order)', async () => {
    await refusedBeforePosting({ Moid: 'T2' }, 'Moid', ['field-moid-order', 'Moid "T2" is not the session\'s order_no', ['T2']]);
  });

  it('a Moid with other than letters and digits (a dash, Hangul) is refused before posting, saying so', async () => {
    await refusedBeforePosting({ Moid: '주문-2' }, 'Moid', ['field-moid', 'Moid may hold only letters and digits']);
  });

  it('an ediDate that is not yyyyMMddHHmmss is refused before posting (Smartro signs the form with it)', async () => {
    for (const ediDate of ['2026120612000', '2026-12-06 12:00']) await refusedBeforePosting({ ediDate }, 'ediDate', ['field-edidate', 'ediDate must be yyyyMMddHHmmss']);
  });

  it('an action on a foreign origin is refused (origin-not-allowed) and the window closed', async () => {
    const el = await mount<KpgCheckout>(html`
      <kpg-checkout provider="smartro" device="pc" order-id="A-1001"
        session-url=${fixture({ body: { provider: 'smartro', order_no: 'T1', action: 'https://evil.example/interfaceURL.jsp', fields: fields() } })}
        result-url=${fixture({ body: {} })}></kpg-checkout>`);
    const rec = recordEvents(el);
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.detail).to.include({ code: 'origin-not-allowed', field: 'action' });
    expect(windows.opened).to.have.length(1);
    expect(windows.open()).to.have.length(0);
  });
});

describe('smartro on PC: the payment window', () => {
  it('popup blocked: kpg-error popup-blocked, no session created; the next (real) click works', async () => {
    const sessionKey = uniqueKey('session');
    const { el, rec, key } = await smartro({ sessionKey });
    consumeUserActivation();
    el.pay(); // no click: the browser's popup blocker refuses the window
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-error');
    expect(outcome.detail.code).to.equal('popup-blocked');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('팝업');
    expect(await fixtureCalls(sessionKey)).to.have.length(0);
    await realClick(payButton(el));
    await captured(key);
    await waitFor(() => rec.outcomes().length === 2);
    expect(rec.outcomes()[1].type).to.equal('kpg-success');
  });

  it('the buyer closes the window: reported to the backend, kpg-cancel popup-closed within a second', async () => {
    const resultKey = uniqueKey('result');
    const { el, rec, key } = await smartro({ page: '<p>paying...</p>', result: { status: 'pending', order_no: 'T1' }, resultKey });
    await realClick(payButton(el));
    await captured(key);
    await pgWindow({ url: `${ORIGIN}/__fixture/capture`, action: 'close' });
    const closedAt = performance.now();
    await waitFor(() => rec.outcomes().length > 0, 'no outcome after closing', { timeout: 1000 });
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-cancel');
    expect(outcome.detail).to.deep.equal({ provider: 'smartro', order_no: 'T1', reason: 'popup-closed' });
    expect(performance.now() - closedAt).to.be.below(1000);
    const calls = await fixtureCalls(resultKey);
    expect(calls).to.have.length(1);
    expect(calls[0].method).to.equal('POST');
    expect(JSON.parse(calls[0].body)).to.deep.equal({ order_no: 'T1', event: 'window-closed' });
  });

  it('closed 1.5 s after approving while the backend still verifies (processing): the payment, never a cancel', async () => {
    const resultKey = uniqueKey('result');
    const verifying = { status: 'processing', order_no: 'T1' };
    const key = uniqueKey('capture');
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" order-id="A-1001" device="pc"
      session-url=${fixture({ body: { provider: 'smartro', order_no: 'T1', action: `${ORIGIN}/__fixture/capture?key=${key}&page=wait`, fields: fields() } })}
      result-url=${fixture({ key: resultKey, sequence: [{ body: verifying }, { body: verifying }, { body: verifying }, { body: { status: 'paid', order_no: 'T1', tid: 'kpgtest01m0101261121120000' } }] })}></kpg-checkout>`);
    const rec = recordEvents(el);
    await realClick(payButton(el));
    await captured(key);
    await pgWindow({ url: `${ORIGIN}/__fixture/capture`, action: 'close' });
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect((await fixtureCalls(resultKey)).length).to.equal(4);
  });

  it('a return message from another window is ignored', async () => {
    const resultKey = uniqueKey('result');
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" order-id="A-1001"
        session-url=${fixture({ body: { provider: 'smartro', order_no: 'T1', action: `${ORIGIN}/__fixture/capture?key=${uniqueKey('c')}&page=wait`, fields: fields() } })}
        result-url=${fixture({ body: { status: 'paid', order_no: 'T1' }, key: resultKey })}></kpg-checkout>`);
    const rec = recordEvents(el);
    await realClick(payButton(el));
    await pgWindow({ url: `${ORIGIN}/__fixture/capture`, action: 'wait' });
    window.postMessage({ type: 'kpg-return', order_no: 'T1' }, ORIGIN); // right origin, wrong window
    await aTimeout(400);
    expect(rec.outcomes()).to.have.length(0);
    expect(await fixtureCalls(resultKey)).to.have.length(0);
    await pgWindow({ url: `${ORIGIN}/__fixture/capture`, action: 'close' });
    await rec.outcome();
  });

  it('a return message from the right window but the wrong origin is ignored (the buyer then closes it)', async () => {
    // The popup ends on another origin whose kpg-return targets this page: the message arrives, from the wrong origin.
    const foreign = `${OTHER_ORIGIN}/__fixture/page?body=${encodeURIComponent(returnPage('T1', `data-target-origin="${ORIGIN}"`).replace('/kpg-return.js', `${ORIGIN}/kpg-return.js`))}`;
    const { el, rec, key } = await smartro({
      page: `<script>location.replace(${JSON.stringify(foreign)})</script>`,
      result: { status: 'pending', order_no: 'T1' },
    });
    const seen: string[] = [];
    window.addEventListener('message', (e) => seen.push(e.origin));
    await realClick(payButton(el));
    await captured(key);
    const outcome = await rec.outcome(5000);
    expect(seen).to.include(OTHER_ORIGIN); // the message did arrive...
    expect(outcome.type).to.equal('kpg-cancel'); // ...and was not taken as a return
    expect(outcome.detail.reason).to.equal('popup-closed');
  });

  it('a double click opens one window, creates one session and posts one form', async () => {
    const sessionKey = uniqueKey('session');
    const { el, rec, key } = await smartro({ sessionKey });
    // The second press lands in the same task as the first, before the busy render disables the button:
    // only the element's in-flight guard stands between it and a second payment.
    const presses: Promise<unknown>[] = [];
    payButton(el).addEventListener('click', () => presses.push(el.pay(), el.pay()), { once: true });
    await realClick(payButton(el));
    await realClick(payButton(el)); // and one more on the (now disabled) button
    const outcome = await rec.outcome();
    expect(presses).to.have.length(2);
    for (const press of presses) expect(await press).to.deep.equal({ type: outcome.type, detail: outcome.detail });
    expect(rec.outcomes()).to.have.length(1);
    expect(await fixtureCalls(sessionKey)).to.have.length(1);
    expect(await fixtureCalls(key)).to.have.length(1);
    expect(windows.opened).to.have.length(1);
  });

  it('a return message for another order_no, from the right window and origin, is ignored', async () => {
    // The popup's return page names another order: not this attempt's return. The window closes itself,
    // so this attempt ends as the closed window it is (the backend says pending: a cancel), never as T2's return.
    const resultKey = uniqueKey('result');
    const capture = uniqueKey('capture');
    const action = `${ORIGIN}/__fixture/capture?${new URLSearchParams({ key: capture, page: returnPage('T2') })}`;
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" order-id="A-1001" result-timeout="1"
        session-url=${fixture({ body: { provider: 'smartro', order_no: 'T1', action, fields: fields() } })}
        result-url=${fixture({ body: { status: 'pending', order_no: 'T1' }, key: resultKey })}></kpg-checkout>`);
    const rec = recordEvents(el);
    const seen: unknown[] = [];
    const onMessage = (e: MessageEvent) => seen.push(e.data);
    window.addEventListener('message', onMessage);
    try {
      await realClick(payButton(el));
      const outcome = await rec.outcome(12000);
      expect(seen).to.deep.include({ type: 'kpg-return', order_no: 'T2' }); // the message did arrive...
      expect(outcome.type, JSON.stringify(outcome.detail)).to.equal('kpg-cancel'); // ...and was not taken as this order's return
      expect(outcome.detail).to.include({ order_no: 'T1', reason: 'popup-closed' });
      const calls = await fixtureCalls(resultKey);
      expect(calls[0].method).to.equal('POST'); // the closed window was reported, as for any close
    } finally {
      window.removeEventListener('message', onMessage);
    }
  });

  it('the return page (dist/kpg-return.js) posts to exactly the shop page\'s origin (or data-target-origin), never "*"', async () => {
    const targets: string[] = [];
    const original = window.postMessage;
    // The return page calls opener.postMessage on this (same-origin) window: record the target origin it names.
    window.postMessage = function (this: Window, message: unknown, target: string) {
      targets.push(String(target));
      return (original as (message: unknown, target: string) => void).call(this, message, target);
    } as typeof window.postMessage;
    const opener = document.createElement('button');
    opener.textContent = 'open';
    let page = returnPage('T7');
    opener.onclick = () => void window.open(`${ORIGIN}/__fixture/page?body=${encodeURIComponent(page)}`, 'returnTest', 'width=300,height=300');
    document.body.append(opener);
    try {
      await realClick(opener);
      await waitFor(() => targets.length === 1, 'the return page sent nothing', { timeout: 8000 });
      expect(targets).to.deep.equal([ORIGIN]);
      page = returnPage('T8', `data-target-origin="${OTHER_ORIGIN}/some/path"`);
      await realClick(opener);
      await waitFor(() => targets.length === 2, 'the return page sent nothing', { timeout: 8000 });
      expect(targets[1]).to.equal(OTHER_ORIGIN);
    } finally {
      window.postMessage = original;
      opener.remove();
    }
  });
});

describe('smartro on mobile: full-page UTF-8 post', () => {
  // Each shop page pays its own order: a page that finds a pending mobile attempt for its order resumes it.
  async function mobileShop(session: unknown, charset = 'utf-8', script = SHOP_MODULE) {
    const page = `<!doctype html><html><head><meta charset="${charset}"><title>m</title>${script}</head><body>
      <kpg-checkout provider="smartro" device="mobile" order-id="${uniqueKey('M')}"
        session-url="${fixture({ body: session }).replace(/&/g, '&amp;')}"
        result-url="${fixture({ body: { status: 'pending', order_no: 'T1' } }).replace(/&/g, '&amp;')}"></kpg-checkout></body></html>`;
    const frame = document.createElement('iframe');
    frame.src = `/__fixture/page?charset=${charset}&body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    await waitFor(() => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'shop page did not render', { timeout: 5000 });
    // Count any window the shop page would open (mobile must not open one). The count lives here, in the
    // test page: the shop page's own globals are gone as soon as it has navigated to the PG.
    const opened = { count: 0 };
    frame.contentWindow!.open = () => {
      opened.count++;
      return null;
    };
    return Object.assign(frame, { opened });
  }

  const mobileSession = (key: string, over: Record<string, string | number | undefined> = {}) => ({
    provider: 'smartro',
    order_no: 'T1',
    action: `${ORIGIN}/__fixture/capture?key=${key}`,
    fields: fields({ StopURL: `${ORIGIN}/api/kpg/smartro/stop?order_no=T1`, ...over }),
  });

  it('posts UTF-8 as the whole page (no window, no iframe of its own); 80 bytes pass, emoji and fullwidth forms (U+FF01) allowed', async () => {
    const key = uniqueKey('capture');
    const frame = await mobileShop(mobileSession(key, { GoodsName: `${'가'.repeat(26)}ab`, BuyerName: '홍😀！', mallUserID: 'u'.repeat(20) }));
    try {
      await realClick(frame.contentDocument!.querySelector('kpg-checkout')!.shadowRoot!.querySelector('button')!);
      const { form } = await captured(key);
      expect(frame.opened.count).to.equal(0);
      expect(utf8.decode(form.get('GoodsName')!)).to.equal(`${'가'.repeat(26)}ab`);
      expect(form.get('GoodsName')!.length).to.equal(80);
      expect(hex(form.get('BuyerName')!)).to.equal('ED 99 8D F0 9F 98 80 EF BC 81');
      expect(utf8.decode(form.get('mallUserID')!)).to.equal('u'.repeat(20), "mobile's limit is 20 bytes, not PC's 10");
      expect(new TextDecoder().decode(form.get('StopURL')!)).to.contain('/api/kpg/smartro/stop');
      expect(frame.contentWindow!.location.pathname).to.equal('/__fixture/capture');
      expect(windows.opened).to.have.length(0); // the page itself went; no window was opened here either
    } finally {
      frame.remove();
    }
  });

  it('81 UTF-8 bytes, a lone surrogate (UTF-8 cannot send it), or no StopURL, is refused before posting', async () => {
    for (const [over, field] of [
      [{ GoodsName: `${'가'.repeat(27)}` }, 'GoodsName'],
      [{ BuyerName: '홍\ud800' }, 'BuyerName'],
      [{ mallUserID: 'u'.repeat(21) }, 'mallUserID'],
      [{ StopURL: undefined }, 'StopURL'],
    ] as const) {
      const key = uniqueKey('capture');
      const frame = await mobileShop(mobileSession(key, over));
      try {
        const inner = frame.contentDocument!.querySelector('kpg-checkout')!;
        const errors: any[] = [];
        inner.addEventListener('kpg-error', (e) => errors.push((e as CustomEvent).detail));
        await realClick(inner.shadowRoot!.querySelector('button')!);
        await waitFor(() => errors.length === 1, 'no error');
        expect(errors[0]).to.include({ code: 'invalid-field', field });
        expect(await fixtureCalls(key)).to.have.length(0);
      } finally {
        frame.remove();
      }
    }
  });

  it('on an EUC-KR shop page (the shipped script): UTF-8 form, and no EncodingType/UrlEncode added', async () => {
    const key = uniqueKey('capture');
    const frame = await mobileShop(mobileSession(key), 'euc-kr', SHOP_DIST_SCRIPTS);
    try {
      expect(frame.contentDocument!.characterSet).to.equal('EUC-KR');
      await realClick(frame.contentDocument!.querySelector('kpg-checkout')!.shadowRoot!.querySelector('button')!);
      const { form } = await captured(key);
      expect(utf8.decode(form.get('GoodsName')!)).to.equal('테스트 상품');
      expect(form.has('EncodingType')).to.equal(false);
      expect(form.has('UrlEncode')).to.equal(false);
      expect(new TextDecoder().decode(form.get('MallResultFWD')!)).to.equal('Y');
    } finally {
      frame.remove();
    }
  });
});
