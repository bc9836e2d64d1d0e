/**
 * Every bad input ends the attempt with the right event, sends nothing it should not, and leaves the
 * element ready for the next click. The PG script here is a stub served by the test server (its origin is
 * allowed with allowPgOrigins in helpers.ts), so each callback shape can be driven exactly; the real
 * sandbox flow is in checkout-shinhan.test.ts.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { allowPgOrigins, expectSaid, FULL_MESSAGES } from './elements.js';
import { readSeconds } from '../src/attributes.js';
import {
  SESSION,
  SHINHAN_PAY_PAGE,
  fixture,
  fixtureCalls,
  payButton,
  pgWindow,
  realClick,
  recordEvents,
  stubScript,
  uniqueKey,
  waitFor,
} from './helpers.js';

const ORIGIN = location.origin;

interface Setup {
  session?: string;
  result?: string;
  script?: string;
  attrs?: Record<string, string>;
}

/** A checkout with its attributes set before it connects (as markup or a framework does), events recorded from the start. */
async function checkout({ session, result, script, attrs = {} }: Setup = {}) {
  const el = document.createElement('kpg-checkout');
  const all: Record<string, string> = {
    provider: 'shinhan',
    'session-url': session ?? fixture({ body: SESSION }),
    'result-url': result ?? fixture({ body: { status: 'paid', order_no: 'T-1' } }),
    'order-id': 'A-1001',
    device: 'pc',
    'script-src': script ?? stubScript('OK', '정상'),
    'result-timeout': '1',
    ...attrs,
  };
  for (const [name, value] of Object.entries(all)) {
    if (value !== '') el.setAttribute(name, value);
  }
  const rec = recordEvents(el);
  await mount(html`${el}`);
  await el.updateComplete;
  return { el, rec };
}

async function expectError(setup: Setup, code: string, field?: string) {
  const { el, rec } = await checkout(setup);
  await realClick(payButton(el));
  const outcome = await rec.outcome();
  expect(outcome.type, JSON.stringify(outcome.detail)).to.equal('kpg-error');
  expect(outcome.detail.code).to.equal(code);
  expect(outcome.detail.message).to.be.a('string').and.not.equal('');
  if (field) expect(outcome.detail.field).to.equal(field);
  // Ready for the next click: not busy, button enabled, an alert shown.
  expect(el.state).to.equal('error');
  expect(payButton(el).disabled).to.equal(false);
  expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.not.equal('');
  return { el, rec, outcome };
}

afterEach(() => {
  fixtureCleanup();
  delete (window as { ShinhanBizPay?: unknown }).ShinhanBizPay;
});

describe('kpg-checkout: session endpoint errors', () => {
  it('HTTP 500 with a JSON message -> session-failed with status and the backend message', async () => {
    const { outcome } = await expectError(
      { session: fixture({ status: 500, body: { code: 'db', message: '주문 DB 오류' } }) },
      'session-failed',
    );
    expect(outcome.detail.status).to.equal(500);
    expectSaid(outcome.detail.message, 'request-http', 'The session request failed with HTTP 500: 주문 DB 오류', ['500', '주문 DB 오류']);
  });

  it('HTTP 409 of another kind (or already-paid without the paying attempt\'s order_no) -> session-failed with status 409', async () => {
    for (const body of [{ code: 'order-closed', message: 'closed' }, { code: 'already-paid', message: 'already paid' }]) {
      const { outcome } = await expectError({ session: fixture({ status: 409, body }) }, 'session-failed');
      expect(outcome.detail.status).to.equal(409);
      fixtureCleanup();
    }
  });

  it('409 attempt-in-progress -> kpg-error attempt-in-progress with the order_no, a clear message, the button enabled again', async () => {
    const { el, outcome } = await expectError(
      { session: fixture({ status: 409, body: { code: 'attempt-in-progress', order_no: 'T-0', message: 'busy' } }) },
      'attempt-in-progress',
    );
    expect(outcome.detail).to.include({ status: 409, order_no: 'T-0', provider: 'shinhan' });
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('다른 결제가 아직 진행 중');
    el.setAttribute('lang', 'en');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Another payment for this order is still in progress');
  });

  it('409 attempt-in-progress for an attempt being verified (processing, then paid) -> its outcome, not "finish the other window"', async () => {
    const resultKey = uniqueKey('result');
    const { el, rec } = await checkout({
      session: fixture({ status: 409, body: { code: 'attempt-in-progress', order_no: 'T-V', status: 'processing' } }),
      result: fixture({
        key: resultKey,
        sequence: [
          { body: { status: 'processing', order_no: 'T-V' } },
          { body: { status: 'paid', order_no: 'T-V', order_id: 'A-1001', tid: 'TID-V' } },
        ],
      }),
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail).to.include({ order_no: 'T-V', tid: 'TID-V' });
    expect((await fixtureCalls(resultKey)).map((c) => c.query.order_no)).to.deep.equal(['T-V', 'T-V']);
    expect(rec.events.filter((e) => e.type === 'kpg-session')).to.have.length(0);
  });

  it('409 attempt-in-progress for an attempt whose outcome is unknown -> kpg-error result-timeout with its order_no', async () => {
    const { el, outcome } = await expectError(
      {
        session: fixture({ status: 409, body: { code: 'attempt-in-progress', order_no: 'T-U', status: 'unknown' } }),
        result: fixture({ body: { status: 'unknown', order_no: 'T-U' } }),
      },
      'result-timeout',
    );
    expect(outcome.detail).to.include({ order_no: 'T-U' });
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('다시 결제하기 전에 주문 내역을 확인해 주세요');
  });

  it('409 already-paid -> GET result-url for the paying attempt -> kpg-success with that result; nothing opens', async () => {
    const resultKey = uniqueKey('result');
    delete (window as { __openedWith?: string }).__openedWith;
    const { el, rec } = await checkout({
      session: fixture({ status: 409, body: { code: 'already-paid', order_no: 'T-PAID', message: 'paid' } }),
      result: fixture({ key: resultKey, body: { status: 'paid', order_no: 'T-PAID', order_id: 'A-1001', tid: 'TID-PAID' } }),
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail).to.include({ order_no: 'T-PAID', tid: 'TID-PAID' });
    expect((await fixtureCalls(resultKey))[0].query.order_no).to.equal('T-PAID');
    expect(el.state).to.equal('paid');
    expect(rec.events.filter((e) => e.type === 'kpg-session')).to.have.length(0);
    expect((window as { __openedWith?: string }).__openedWith).to.equal(undefined);
  });

  it('409 already-paid whose payment was given back since (refunded) -> kpg-refunded: the fixed text, no pay button, never paid', async () => {
    const { el, rec } = await checkout({
      session: fixture({ status: 409, body: { code: 'already-paid', order_no: 'T-PAID', message: 'paid' } }),
      result: fixture({ body: { status: 'refunded', order_no: 'T-PAID', order_id: 'A-1001', tid: 'TID-PAID', refunded_total: 11000, balance: 0, message: '<b>PG text</b>' } }),
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-refunded');
    expect(outcome.detail).to.include({ provider: 'shinhan', order_no: 'T-PAID', tid: 'TID-PAID' });
    expect((outcome.detail as { result: { refunded_total: number } }).result.refunded_total).to.equal(11000);
    expect(el.state).to.equal('refunded');
    expect(el.matches(':state(refunded)')).to.equal(true);
    expect(el.matches(':state(paid)')).to.equal(false);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('[part="button"]'), 'no pay button for an order given back').to.equal(null);
    expect(root.querySelector('[part="status"]')!.textContent).to.equal('결제가 취소되었습니다.');
    expect(root.textContent).to.not.contain('PG text');
    expect(root.textContent).to.not.contain('결제 완료');
    el.lang = 'en';
    await el.updateComplete;
    expect(root.querySelector('[part="status"]')!.textContent).to.equal('Payment refunded.');
  });

  it('409 already-paid whose result is not paid -> kpg-error result-failed', async () => {
    await expectError(
      {
        session: fixture({ status: 409, body: { code: 'already-paid', order_no: 'T-PAID' } }),
        result: fixture({ body: { status: 'failed', order_no: 'T-PAID' } }),
      },
      'result-failed',
    );
  });

  it('the session POST is never retried (a second POST could start a second payment), even on 503 or a timeout', async () => {
    for (const session of [
      (key: string) => fixture({ status: 503, body: {}, key }),
      (key: string) => fixture({ body: SESSION, delay: 1500, key }),
    ]) {
      const key = uniqueKey('session');
      await expectError({ session: session(key), attrs: { timeout: '0.3' } }, 'session-failed');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await fixtureCalls(key)).to.have.length(1);
      fixtureCleanup();
    }
  });

  it('a backend slower than `timeout` -> session-failed saying it timed out', async () => {
    const { outcome } = await expectError(
      { session: fixture({ body: SESSION, delay: 2000 }), attrs: { timeout: '0.3' } },
      'session-failed',
    );
    expectSaid(outcome.detail.message, 'request-timeout', 'The session request timed out after 0.3 s', ['0.3']);
  });

  it('200 that is not JSON -> session-failed', async () => {
    const { outcome } = await expectError(
      { session: fixture({ body: '<html>login</html>', type: 'text/html' }) },
      'session-failed',
    );
    expectSaid(outcome.detail.message, 'request-not-json', 'The session request did not answer JSON (content-type text/html', ['text/html']);
  });

  it('JSON of the wrong shape -> invalid-session naming the field', async () => {
    await expectError(
      { session: fixture({ body: { provider: 'shinhan', order_no: 'T-1' } }) },
      'invalid-session',
      'redirect_url',
    );
    await expectError({ session: fixture({ body: [1, 2] }) }, 'invalid-session');
    // What is wrong with the field is said in words a developer can act on: its limit, not just "invalid".
    for (const [order_no, said] of [
      ['T'.repeat(51), 'order_no: too long or too large (maximum 50)'],
      ['', 'order_no: too short or too small (minimum 1)'],
    ]) {
      const { outcome } = await expectError({ session: fixture({ body: { ...SESSION, order_no } }) }, 'invalid-session', 'order_no');
      expectSaid(outcome.detail.message, 'bad-json', said, [said]);
    }
    // Another PG's session (a shop's server answering for the wrong element): the PG this element expects.
    const { outcome } = await expectError({ session: fixture({ body: { ...SESSION, provider: 'smartro' } }) }, 'invalid-session', 'provider');
    expectSaid(outcome.detail.message, 'bad-json', 'provider: expected one of "shinhan"', ['provider: expected one of "shinhan"']);
  });

  for (const [what, url] of [
    ['http on an origin not in pg-origins', 'http://pg.example/pgsvc/pay?token=t'],
    ['https on a foreign origin', 'https://evil.example/pgsvc/pay?token=t'],
    ['a look-alike host', 'https://payspg.shinhan.com.evil.example/pay'],
    ['a host that merely ends in the domain', 'https://evilshinhan.com/pay'],
    ['a Shinhan host with credentials', 'https://user:pw@payspg.shinhan.com/pay'],
    ['http on a Shinhan host', 'http://payspg.shinhan.com/pay'],
    ['javascript:', 'javascript:alert(1)'],
    ['a relative URL', '/pgsvc/pay?token=t'],
  ] as const) {
    it(`redirect_url ${what} -> origin-not-allowed, and nothing is opened`, async () => {
      delete (window as { __openedWith?: string }).__openedWith;
      await expectError(
        { session: fixture({ body: { ...SESSION, redirect_url: url } }) },
        'origin-not-allowed',
        'redirect_url',
      );
      expect((window as { __openedWith?: string }).__openedWith).to.equal(undefined);
    });
  }
});

describe('kpg-checkout: PG script errors', () => {
  it('a script that fails to load -> script-load-failed, and no session is created', async () => {
    const key = uniqueKey('session');
    await expectError(
      {
        script: ORIGIN + fixture({ status: 404, body: 'nope', type: 'text/javascript', key: uniqueKey('s') }),
        session: fixture({ body: SESSION, key }),
      },
      'script-load-failed',
    );
    expect(await fixtureCalls(key)).to.have.length(0);
  });

  it('a script that loads without ShinhanBizPay -> script-load-failed', async () => {
    const { outcome } = await expectError(
      { script: ORIGIN + fixture({ type: 'text/javascript', body: 'window.somethingElse = 1;', key: uniqueKey('s') }) },
      'script-load-failed',
      'script-src',
    );
    expectSaid(outcome.detail.message, 'script-api', "did not define the PG's API (its openPopup and RES_SUCCESS)");
  });

  it("a script whose openPopup throws -> script-load-failed saying what it threw; the buyer can click again", async () => {
    const body = "window.ShinhanBizPay={RES_SUCCESS:'OK',openPopup:function(){throw new Error('팝업 모듈 오류 E77')}};";
    const { outcome } = await expectError({ script: ORIGIN + fixture({ type: 'text/javascript', body, key: uniqueKey('s') }) }, 'script-load-failed');
    expectSaid(outcome.detail.message, 'open-popup-threw', "The PG script's openPopup threw: 팝업 모듈 오류 E77", ['팝업 모듈 오류 E77']);
  });

  it('script-src on an origin that is not allowed -> origin-not-allowed, no script inserted', async () => {
    await expectError({ script: 'https://cdn.evil.example/script.js' }, 'origin-not-allowed', 'script-src');
    expect(document.querySelector('script[src^="https://cdn.evil.example"]')).to.equal(null);
  });

  it('the script is inserted once for many elements', async () => {
    const script = stubScript('OK', '');
    await checkout({ script });
    await checkout({ script });
    await checkout({ script });
    await waitFor(() => (window as { ShinhanBizPay?: unknown }).ShinhanBizPay !== undefined);
    expect(document.querySelectorAll(`script[src="${script}"]`)).to.have.length(1);
  });
});

describe('kpg-checkout: PG callback', () => {
  it('a code other than RES_SUCCESS with the backend still pending -> kpg-fail with that code; the PG\'s words only in pg_message, never shown', async () => {
    const pgText = '카드사 점검중입니다. 010-1234-5678 로 계좌이체 해주세요';
    const { el, rec } = await checkout({
      script: stubScript('E42', `\n  ${pgText} `), // as a PG pads it: passed on trimmed
      result: fixture({ body: { status: 'pending', order_no: 'T-1' } }),
      attrs: { 'result-timeout': '0.5' },
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail).to.deep.equal({ provider: 'shinhan', order_no: 'T-1', code: 'E42', message: '', pg_message: pgText });
    expect(el.state).to.equal('failed');
    const shown = el.shadowRoot!.textContent!;
    expect(shown).to.contain('결제에 실패했습니다.');
    expect(shown).to.not.contain('010-1234-5678');
  });

  it('a blank PG message: kpg-fail with the code and no pg_message', async () => {
    const { el, rec } = await checkout({
      script: stubScript('E43', ' \n '),
      result: fixture({ body: { status: 'pending', order_no: 'T-1' } }),
      attrs: { 'result-timeout': '0.5' },
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail.code).to.equal('E43');
    expect(outcome.detail).to.not.have.property('pg_message');
  });

  it('the backend\'s failure: its fixed message is shown as text, its code passed on', async () => {
    const { el, rec } = await checkout({
      script: stubScript('E44', 'PG words'),
      result: fixture({ body: { status: 'failed', order_no: 'T-1', code: 'card-declined', message: '카드사에서 승인을 거절했습니다. <b>x</b>' } }),
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.detail).to.include({ code: 'card-declined', message: '카드사에서 승인을 거절했습니다. <b>x</b>' });
    const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('카드사에서 승인을 거절했습니다. <b>x</b>');
    expect(alert.querySelector('b')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.not.contain('PG words');
  });

  it('compares only with ShinhanBizPay.RES_SUCCESS (a script whose success code is 0)', async () => {
    const { el, rec } = await checkout({
      script: stubScript(0, 'ok', 0),
      result: fixture({ body: { status: 'paid', order_no: 'T-1', tid: 'TID-9' } }),
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.result).to.include({ status: 'paid', tid: 'TID-9' });
  });

  it('code 0 = RES_SUCCESS 0 is a success report: a backend still pending is waited for (result-timeout), never a kpg-fail', async () => {
    // The success path and the failure path differ only while the backend has no record: a success is
    // waited for up to result-timeout, a failure code ends as kpg-fail. So this is where the comparison shows.
    const { el, rec } = await checkout({
      script: stubScript(0, 'ok', 0),
      result: fixture({ body: { status: 'pending', order_no: 'T-1' } }),
      attrs: { 'result-timeout': '0.5' },
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type, JSON.stringify(outcome.detail)).to.equal('kpg-error');
    expect(outcome.detail).to.include({ code: 'result-timeout', order_no: 'T-1' });
  });

  it('the backend is the truth: a failure code but a verified payment -> kpg-success', async () => {
    const { el, rec } = await checkout({
      script: stubScript('9999', 'window glitch'),
      result: fixture({ body: { status: 'paid', order_no: 'T-1' } }),
    });
    await realClick(payButton(el));
    expect((await rec.outcome()).type).to.equal('kpg-success');
  });

  it('a script that opens the window and never calls back: the buyer closing it is noticed by the widget itself (kpg-cancel popup-closed)', async () => {
    // What Shinhan's real script does when its window is closed is not documented: the widget watches the
    // window the script opened, so a silent script cannot leave the buyer on a busy button.
    // A window name of its own, never one an earlier run of this test (another built file's page) left.
    const name = `${uniqueKey('silent')}_${Math.random().toString(36).slice(2)}`.replace(/\W/g, '_');
    const body = `window.ShinhanBizPay={RES_SUCCESS:'OK',openPopup:function(u,cb){window.__silentWin=window.open(u,'${name}','width=300,height=300')}};`;
    const script = location.origin + fixture({ type: 'text/javascript', body, key: uniqueKey('script') });
    const resultKey = uniqueKey('result');
    const { el, rec } = await checkout({ script, result: fixture({ body: { status: 'pending', order_no: 'T-1' }, key: resultKey }) });
    await realClick(payButton(el));
    const opened = () => (window as { __silentWin?: Window | null }).__silentWin;
    await waitFor(opened, 'the script opened no window');
    expect(el.state).to.equal('busy');
    // The buyer closes the PG's page once it is there (a close while the window is still navigating to
    // another origin can be lost: that is not what a buyer does).
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
    const win = opened()!;
    win.close();
    await waitFor(() => win.closed, 'the window did not close');
    await waitFor(async () => (await fixtureCalls(resultKey)).length > 0, `no window-closed report (state ${el.state}, outcomes ${rec.outcomes().length}, name ${name})`, { timeout: 8000 });
    const outcome = await rec.outcome(); // up to 8 s: the close is seen within 250 ms, the report is one POST
    expect(outcome.type, JSON.stringify(outcome.detail)).to.equal('kpg-cancel');
    expect(outcome.detail).to.include({ order_no: 'T-1', reason: 'popup-closed' });
    expect((await fixtureCalls(resultKey))[0].method).to.equal('POST'); // reported, and the backend's answer decided
    delete (window as { __silentWin?: unknown }).__silentWin;
  });

  it('a callback with a non-text code is a failure, not a crash', async () => {
    const { el, rec } = await checkout({
      script: stubScript({ weird: true }, 42),
      result: fixture({ body: { status: 'pending', order_no: 'T-1' } }),
      attrs: { 'result-timeout': '0.5' },
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail.code).to.equal('invalid-callback');
  });
});

describe('kpg-checkout: result endpoint', () => {
  it('pending, pending, then paid -> kpg-success (asked again with backoff)', async () => {
    const key = uniqueKey('result');
    const { el, rec } = await checkout({
      result: fixture({
        key,
        sequence: [
          { body: { status: 'pending', order_no: 'T-1' } },
          { body: { status: 'pending', order_no: 'T-1' } },
          { body: { status: 'paid', order_no: 'T-1', tid: 'T' } },
        ],
      }),
      attrs: { 'result-timeout': '5' },
    });
    await realClick(payButton(el));
    expect((await rec.outcome()).type).to.equal('kpg-success');
    const calls = await fixtureCalls(key);
    expect(calls).to.have.length(3);
    expect(calls[0].query.order_no).to.equal('T-1');
  });

  it('failed and cancelled results -> kpg-fail / kpg-cancel with the backend fields', async () => {
    let { el, rec } = await checkout({
      result: fixture({ body: { status: 'failed', order_no: 'T-1', code: 'hash-mismatch', message: '검증 실패' } }),
    });
    await realClick(payButton(el));
    let outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail).to.include({ code: 'hash-mismatch', message: '검증 실패' });
    fixtureCleanup();
    ({ el, rec } = await checkout({
      result: fixture({ body: { status: 'cancelled', order_no: 'T-1', reason: 'buyer-cancelled' } }),
    }));
    await realClick(payButton(el));
    outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-cancel');
    expect(outcome.detail.reason).to.equal('buyer-cancelled');
    expect(el.state).to.equal('cancelled');
  });

  it('pending forever -> result-timeout within the bound, with the order_no to reconcile', async () => {
    const key = uniqueKey('result');
    const { outcome } = await expectError(
      { result: fixture({ body: { status: 'pending', order_no: 'T-1' }, key }), attrs: { 'result-timeout': '0.6' } },
      'result-timeout',
    );
    expect(outcome.detail.order_no).to.equal('T-1');
    // Asked at 0 and after 250 ms; the next wait (500 ms) would pass the 600 ms bound, so no wait runs past it
    // (a slow answer can only make it fewer).
    const asked = (await fixtureCalls(key)).length;
    expect(asked).to.be.within(1, 2);
  });

  it('HTTP 500 on every try -> result-failed once the bound runs out', async () => {
    const key = uniqueKey('result');
    const { outcome } = await expectError(
      { result: fixture({ status: 500, body: {}, key }), attrs: { 'result-timeout': '0.6' } },
      'result-failed',
    );
    expect(outcome.detail.status).to.equal(500);
    expect((await fixtureCalls(key)).length).to.be.greaterThan(1);
  });

  it('HTTP 404 -> result-failed at once (not retried)', async () => {
    const key = uniqueKey('result');
    await expectError({ result: fixture({ status: 404, body: { message: 'unknown' }, key }) }, 'result-failed');
    expect(await fixtureCalls(key)).to.have.length(1);
  });

  it('an unknown status -> result-failed naming it', async () => {
    const { outcome } = await expectError(
      { result: fixture({ body: { status: 'chargeback', order_no: 'T-1' } }) },
      'result-failed',
      'status',
    );
    expectSaid(outcome.detail.message, 'result-status', 'The result has an unknown status "chargeback"', ['chargeback']);
  });

  it('awaiting_deposit without the account -> result-failed naming vbank (never "deposit into" nothing)', async () => {
    const { el } = await expectError({ result: fixture({ body: { status: 'awaiting_deposit', order_no: 'T-1' } }) }, 'result-failed', 'vbank');
    expect(el.shadowRoot!.querySelector('[part~="vbank"], .vbank')).to.equal(null);
  });

  it('not JSON, or a result for another order -> result-failed', async () => {
    await expectError({ result: fixture({ body: 'OK', type: 'text/plain' }) }, 'result-failed');
    fixtureCleanup();
    await expectError({ result: fixture({ body: { status: 'paid', order_no: 'T-2' } }) }, 'result-failed', 'order_no');
  });
});

describe('kpg-checkout: configuration mistakes show up on connect, not on the buyer\'s click', () => {
  /** A misconfigured checkout: one kpg-error invalid-config when it connects, a disabled button, a neutral message. */
  async function expectConfigError(setup: Setup, field: string) {
    const errors = console.error;
    const logged: string[] = [];
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      const { el, rec } = await checkout(setup);
      await waitFor(() => rec.outcomes().length > 0, 'no kpg-error on connect');
      expect(rec.outcomes()).to.have.length(1);
      const [error] = rec.outcomes();
      expect(error.type).to.equal('kpg-error');
      expect(error.detail).to.include({ code: 'invalid-config', field });
      expect(logged.some((l) => l.includes(error.detail.message))).to.equal(true); // the fix, in the console
      expect(payButton(el).disabled).to.equal(true);
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('지금은 결제할 수 없습니다.');
      expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('');
      // A re-render does not fire it again; pay() from code gets the same error as its outcome.
      el.requestUpdate();
      await el.updateComplete;
      expect(rec.outcomes()).to.have.length(1);
      const outcome = await el.pay();
      expect(outcome).to.deep.equal({ type: 'kpg-error', detail: error.detail });
      return { el, rec, error };
    } finally {
      console.error = errors;
    }
  }

  it('missing session-url -> invalid-config naming it, nothing sent', async () => {
    await expectConfigError({ session: '' as string, attrs: { 'session-url': '' } }, 'session-url');
  });

  it('unknown provider -> invalid-config naming provider', async () => {
    const key = uniqueKey('session');
    const { error } = await expectConfigError({ session: fixture({ body: SESSION, key }), attrs: { provider: 'paypal' } }, 'provider');
    expectSaid(error.detail.message, 'provider', 'provider="paypal" is not supported; use one of: shinhan, smartro', ['paypal']);
    expect(await fixtureCalls(key)).to.have.length(0);
  });

  it('a session-url on another origin -> invalid-config', async () => {
    await expectConfigError({ session: 'https://api.evil.example/session' }, 'session-url');
  });

  it('a result-url on another origin -> invalid-config (another site must not say "paid")', async () => {
    const key = uniqueKey('session');
    await expectConfigError({ session: fixture({ body: SESSION, key }), result: 'https://api.evil.example/result' }, 'result-url');
    expect(await fixtureCalls(key)).to.have.length(0);
  });

  it('missing result-url -> invalid-config (a payment is never reported without the backend verifying it)', async () => {
    await expectConfigError({ attrs: { 'result-url': '' } }, 'result-url');
  });

  it('missing order-id -> invalid-config naming order-id', async () => {
    await expectConfigError({ attrs: { 'order-id': '' } }, 'order-id');
  });

  it('an attribute that breaks later fires it then; fixing it enables the button again', async () => {
    const { el, rec } = await checkout();
    expect(rec.outcomes()).to.have.length(0);
    el.setAttribute('device', 'tablet');
    await waitFor(() => rec.outcomes().length === 1);
    expect(rec.outcomes()[0].detail).to.include({ code: 'invalid-config', field: 'device' });
    expect(payButton(el).disabled).to.equal(true);
    el.setAttribute('device', 'pc');
    await el.updateComplete;
    expect(payButton(el).disabled).to.equal(false);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('');
  });

  it('a disabled checkout (no order yet) reports nothing until it is enabled', async () => {
    const { el, rec } = await checkout({ attrs: { 'order-id': '' } });
    await waitFor(() => rec.outcomes().length === 1);
    const quiet = await checkout({ attrs: { 'order-id': '', disabled: 'true' } });
    await quiet.el.updateComplete;
    expect(quiet.rec.outcomes()).to.have.length(0);
    quiet.el.setAttribute('order-id', 'A-7');
    quiet.el.removeAttribute('disabled');
    await quiet.el.updateComplete;
    expect(quiet.rec.outcomes()).to.have.length(0);
    expect(payButton(quiet.el).disabled).to.equal(false);
    void el;
  });

  it('app-scheme must be a lower-case scheme and ://', async () => {
    await expectConfigError({ attrs: { 'app-scheme': 'MyShop://' } }, 'app-scheme');
    fixtureCleanup();
    await expectConfigError({ attrs: { 'app-scheme': 'javascript:alert(1)//' } }, 'app-scheme');
  });

  it('timeout and result-timeout: seconds (text or a number) as milliseconds; empty is the default; text, 0 or more than an hour warns naming the attribute and uses the default', () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      expect([readSeconds('timeout', '2.5', 15), readSeconds('timeout', 3600, 15), readSeconds('timeout', '', 15), readSeconds('timeout', null, 15)]).to.deep.equal([2500, 3_600_000, 15_000, 15_000]);
      expect(warnings).to.have.length(0);
      expect([readSeconds('timeout', 'soon', 15), readSeconds('result-timeout', 0, 60), readSeconds('timeout', '3601', 15)]).to.deep.equal([15_000, 60_000, 15_000]);
    } finally {
      console.warn = warn;
    }
    // (readSeconds is imported from the source here, whose messages are the development build's or the
    // production one's whatever script the page tests: the attribute, the value and the default, either way.)
    expect(warnings.filter((w) => /\btimeout\b/.test(w) && !w.includes('result-timeout') && w.includes('soon') && w.includes('15'))).to.have.length(1);
    expect(warnings.filter((w) => w.includes('result-timeout') && w.includes('60'))).to.have.length(1);
  });

  it('pg-origins in markup is ignored (one warning): it cannot allow a payment window on another origin', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      await expectError(
        { session: fixture({ body: { ...SESSION, redirect_url: 'http://pg.example/pgsvc/pay' } }), attrs: { 'pg-origins': 'http://pg.example' } },
        'origin-not-allowed',
        'redirect_url',
      );
    } finally {
      console.warn = warn;
    }
    // The development build says the whole sentence; the production files the id and the values (src/messages.ts).
    expect(warnings.filter((w) => w.includes(FULL_MESSAGES ? 'pg-origins="http://pg.example" is ignored' : 'kpg-checkout pg-origins: http://pg.example'))).to.have.length(1);
    expect(warnings.find((w) => w.includes('pg-origins'))).to.contain(FULL_MESSAGES ? 'KpgCheckout.allowPgOrigins(["http://pg.example"])' : '["http://pg.example"] (kpg-checkout/docs/errors.md#pg-origins)');
  });

  it('allowPgOrigins takes origins only: each entry with a path, a query, a fragment, credentials or another scheme (one that merely ends in https too) is refused by name, and a refused call allows none of its entries', async () => {
    const refused = ['http://pg.example/pgsvc', 'http://pg.example/?mid=1', 'http://pg.example/#pay', 'http://kpg:secret@pg.example', 'ftp://pg.example', 'xhttps://pg.example/', 'pg.example'];
    for (const entry of refused) {
      expect(() => allowPgOrigins([entry]), entry).to.throw(TypeError, entry);
    }
    // All or nothing: the valid entry beside a refused one is not allowed either.
    expect(() => allowPgOrigins(['http://pg.example', 'http://pg.example/pgsvc'])).to.throw(TypeError, 'http://pg.example/pgsvc');
    await expectError({ session: fixture({ body: { ...SESSION, redirect_url: 'http://pg.example/pgsvc/pay' } }) }, 'origin-not-allowed', 'redirect_url');
  });

  it('colours: valid ones reach the CSS and the session request; invalid ones fall back with one warning', async () => {
    const key = uniqueKey('session');
    const { el, rec } = await checkout({
      session: fixture({ body: SESSION, key }),
      attrs: { main_color: '#101828', point_color: 'e11d48' },
    });
    const button = payButton(el);
    expect(getComputedStyle(button).backgroundColor).to.equal('rgb(225, 29, 72)');
    expect(getComputedStyle(el.shadowRoot!.querySelector('.base')!).backgroundColor).to.equal('rgb(16, 24, 40)');
    await realClick(button);
    await rec.outcome();
    const body = JSON.parse((await fixtureCalls(key))[0].body);
    expect(body).to.include({ main_color: '101828', point_color: 'E11D48', provider: 'shinhan', order_id: 'A-1001', device_type: 2, pgcode: 'selpay' });

    fixtureCleanup();
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      const key2 = uniqueKey('session');
      const bad = await checkout({
        session: fixture({ body: SESSION, key: key2 }),
        attrs: { main_color: 'red', point_color: '#12345G' },
      });
      bad.el.requestUpdate();
      await bad.el.updateComplete;
      expect(getComputedStyle(payButton(bad.el)).backgroundColor).to.equal('rgb(83, 121, 255)');
      await realClick(payButton(bad.el));
      await bad.rec.outcome();
      const sent = JSON.parse((await fixtureCalls(key2))[0].body);
      expect(sent).to.include({ main_color: 'FFFFFF', point_color: '5379FF' });
      expect(JSON.stringify(sent)).to.not.contain('red').and.not.contain('12345G');
      expect(warnings.filter((w) => w.includes(FULL_MESSAGES ? 'main_color="red"' : 'hex-color: main_color red '))).to.have.length(1);
      expect(warnings.filter((w) => w.includes(FULL_MESSAGES ? 'point_color="#12345G"' : 'hex-color: point_color #12345G '))).to.have.length(1);
    } finally {
      console.warn = original;
    }
  });
});

describe('kpg-checkout: one attempt at a time', () => {
  it('a double click creates one session and ends with one outcome', async () => {
    const key = uniqueKey('session');
    const { el, rec } = await checkout({ session: fixture({ body: SESSION, key, delay: 300 }) });
    await realClick(payButton(el));
    await realClick(payButton(el));
    const third = el.pay();
    expect((await rec.outcome()).type).to.equal('kpg-success');
    expect(await third).to.deep.equal(rec.outcomes()[0]); // the same attempt's outcome
    expect(await fixtureCalls(key)).to.have.length(1);
    expect(rec.events.filter((e) => e.type === 'kpg-session')).to.have.length(1);
  });

  it('two elements for the same order: while one pays, the other starts nothing', async () => {
    const key = uniqueKey('session');
    const first = await checkout({ session: fixture({ body: SESSION, key, delay: 400 }) });
    const second = await checkout({ session: fixture({ body: SESSION, key }) });
    await realClick(payButton(first.el));
    const shared = second.el.pay(); // resolves with the outcome of the attempt already paying this order
    expect((await first.rec.outcome()).type).to.equal('kpg-success');
    expect((await shared).type).to.equal('kpg-success');
    expect(second.rec.events).to.have.length(0);
    expect(await fixtureCalls(key)).to.have.length(1);
    // Once the first attempt has ended, the order can be paid from the other element again.
    await realClick(payButton(second.el));
    expect((await second.rec.outcome()).type).to.equal('kpg-success');
    expect(await fixtureCalls(key)).to.have.length(2);
  });

  it('after an error the next click starts a new attempt', async () => {
    const key = uniqueKey('session');
    const { el, rec } = await checkout({ session: fixture({ status: 503, body: {}, key }) });
    await realClick(payButton(el));
    await rec.outcome();
    await realClick(payButton(el));
    await waitFor(() => rec.outcomes().length === 2, 'second attempt did not end');
    expect(await fixtureCalls(key)).to.have.length(2);
  });

  it('an element removed mid-attempt fires nothing afterwards', async () => {
    const { el, rec } = await checkout({ session: fixture({ body: SESSION, delay: 400 }) });
    await realClick(payButton(el));
    el.remove();
    await new Promise((r) => setTimeout(r, 800));
    expect(rec.outcomes()).to.have.length(0);
  });

  it('disabled: neither the button nor pay() start anything', async () => {
    const key = uniqueKey('session');
    const { el, rec } = await checkout({ session: fixture({ body: SESSION, key }), attrs: { disabled: '' } });
    el.setAttribute('disabled', '');
    await el.updateComplete;
    expect(payButton(el).disabled).to.equal(true);
    const refused = await el.pay().then(
      () => null,
      (error: Error) => error,
    );
    expectSaid(refused!.message, 'disabled', 'kpg-checkout is disabled: nothing starts');
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.events).to.have.length(0);
    expect(await fixtureCalls(key)).to.have.length(0);
  });
});
