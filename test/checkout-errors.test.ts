/**
 * Every bad input ends the attempt with the right event, sends nothing it should not, and leaves the
 * element ready for the next click. The PG script here is a stub served by the test server (listed in
 * pg-origins), so each callback shape can be driven exactly; the real sandbox flow is in
 * checkout-shinhan.test.ts.
 */
import { expect, fixture as mount, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../src/index.js';
import type { KpgCheckout } from '../src/index.js';
import {
  SESSION,
  SHINHAN_SANDBOX,
  fixture,
  fixtureCalls,
  payButton,
  realClick,
  recordEvents,
  stubScript,
  uniqueKey,
} from './helpers.js';

const ORIGIN = location.origin;

interface Setup {
  session?: string;
  result?: string;
  script?: string;
  attrs?: Record<string, string>;
}

async function checkout({ session, result, script, attrs = {} }: Setup = {}) {
  const el = await mount<KpgCheckout>(html`<kpg-checkout></kpg-checkout>`);
  const all: Record<string, string> = {
    provider: 'shinhan',
    'session-url': session ?? fixture({ body: SESSION }),
    'result-url': result ?? fixture({ body: { status: 'paid', order_no: 'T-1' } }),
    'order-id': 'A-1001',
    device: 'pc',
    'script-src': script ?? stubScript('OK', '정상'),
    'pg-origins': `${ORIGIN} ${SHINHAN_SANDBOX}`,
    'result-timeout': '1',
    ...attrs,
  };
  for (const [name, value] of Object.entries(all)) {
    if (value === '') el.removeAttribute(name);
    else el.setAttribute(name, value);
  }
  await el.updateComplete;
  return { el, rec: recordEvents(el) };
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
    expect(outcome.detail.message).to.contain('주문 DB 오류');
  });

  it('HTTP 409 (order already paid) -> session-failed with status 409', async () => {
    const { outcome } = await expectError(
      { session: fixture({ status: 409, body: { code: 'already-paid', message: 'already paid' } }) },
      'session-failed',
    );
    expect(outcome.detail.status).to.equal(409);
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
    expect(outcome.detail.message).to.match(/timed out/);
  });

  it('200 that is not JSON -> session-failed', async () => {
    const { outcome } = await expectError(
      { session: fixture({ body: '<html>login</html>', type: 'text/html' }) },
      'session-failed',
    );
    expect(outcome.detail.message).to.match(/did not answer JSON/);
  });

  it('JSON of the wrong shape -> invalid-session naming the field', async () => {
    await expectError(
      { session: fixture({ body: { provider: 'shinhan', order_no: 'T-1' } }) },
      'invalid-session',
      'redirect_url',
    );
    await expectError({ session: fixture({ body: [1, 2] }) }, 'invalid-session');
    await expectError(
      { session: fixture({ body: { ...SESSION, provider: 'smartro' } }) },
      'invalid-session',
      'provider',
    );
  });

  for (const [what, url] of [
    ['http on an origin not in pg-origins', 'http://pg.example/pgsvc/pay?token=t'],
    ['https on a foreign origin', 'https://evil.example/pgsvc/pay?token=t'],
    ['a look-alike host', 'https://payspg.shinhan.com.evil.example/pay'],
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
    );
    expect(outcome.detail.message).to.contain('ShinhanBizPay');
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
    await waitUntil(() => (window as { ShinhanBizPay?: unknown }).ShinhanBizPay !== undefined);
    expect(document.querySelectorAll(`script[src="${script}"]`)).to.have.length(1);
  });
});

describe('kpg-checkout: PG callback', () => {
  it('a code other than RES_SUCCESS with the backend still pending -> kpg-fail with that code and message', async () => {
    const { el, rec } = await checkout({
      script: stubScript('E42', '한도 초과'),
      result: fixture({ body: { status: 'pending', order_no: 'T-1' } }),
      attrs: { 'result-timeout': '0.5' },
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail).to.include({ provider: 'shinhan', order_no: 'T-1', code: 'E42', message: '한도 초과' });
    expect(el.state).to.equal('failed');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('한도 초과');
  });

  it('an empty message still gives kpg-fail with a message that names the code', async () => {
    const { el, rec } = await checkout({
      script: stubScript('E43', ''),
      result: fixture({ body: { status: 'pending', order_no: 'T-1' } }),
      attrs: { 'result-timeout': '0.5' },
    });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail.code).to.equal('E43');
    expect(outcome.detail.message).to.contain('E43');
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

  it('the backend is the truth: a failure code but a verified payment -> kpg-success', async () => {
    const { el, rec } = await checkout({
      script: stubScript('9999', 'window glitch'),
      result: fixture({ body: { status: 'paid', order_no: 'T-1' } }),
    });
    await realClick(payButton(el));
    expect((await rec.outcome()).type).to.equal('kpg-success');
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
    const { outcome } = await expectError(
      { result: fixture({ body: { status: 'pending', order_no: 'T-1' } }), attrs: { 'result-timeout': '0.6' } },
      'result-timeout',
    );
    expect(outcome.detail.order_no).to.equal('T-1');
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
      { result: fixture({ body: { status: 'refunded', order_no: 'T-1' } }) },
      'result-failed',
      'status',
    );
    expect(outcome.detail.message).to.contain('refunded');
  });

  it('not JSON, or a result for another order -> result-failed', async () => {
    await expectError({ result: fixture({ body: 'OK', type: 'text/plain' }) }, 'result-failed');
    fixtureCleanup();
    await expectError({ result: fixture({ body: { status: 'paid', order_no: 'T-2' } }) }, 'result-failed', 'order_no');
  });
});

describe('kpg-checkout: attributes', () => {
  it('missing session-url -> invalid-config naming it, nothing sent', async () => {
    await expectError({ session: '' as string, attrs: { 'session-url': '' } }, 'invalid-config', 'session-url');
  });

  it('unknown provider -> invalid-config naming provider', async () => {
    const key = uniqueKey('session');
    const { outcome } = await expectError(
      { session: fixture({ body: SESSION, key }), attrs: { provider: 'paypal' } },
      'invalid-config',
      'provider',
    );
    expect(outcome.detail.message).to.contain('paypal');
    expect(await fixtureCalls(key)).to.have.length(0);
  });

  it('a session-url on another origin -> invalid-config', async () => {
    await expectError({ session: 'https://api.evil.example/session' }, 'invalid-config', 'session-url');
  });

  it('missing result-url -> invalid-config (a payment is never reported without the backend verifying it)', async () => {
    await expectError({ attrs: { 'result-url': '' } }, 'invalid-config', 'result-url');
  });

  it('an invalid pg-origins entry -> invalid-config naming pg-origins', async () => {
    await expectError({ attrs: { 'pg-origins': 'https://ok.example not-an-origin' } }, 'invalid-config', 'pg-origins');
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
      expect(warnings.filter((w) => w.includes('main_color="red"'))).to.have.length(1);
      expect(warnings.filter((w) => w.includes('point_color="#12345G"'))).to.have.length(1);
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
    el.pay();
    expect((await rec.outcome()).type).to.equal('kpg-success');
    expect(await fixtureCalls(key)).to.have.length(1);
    expect(rec.events.filter((e) => e.type === 'kpg-session')).to.have.length(1);
  });

  it('two elements for the same order: while one pays, the other starts nothing', async () => {
    const key = uniqueKey('session');
    const first = await checkout({ session: fixture({ body: SESSION, key, delay: 400 }) });
    const second = await checkout({ session: fixture({ body: SESSION, key }) });
    await realClick(payButton(first.el));
    second.el.pay();
    expect((await first.rec.outcome()).type).to.equal('kpg-success');
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
    await waitUntil(() => rec.outcomes().length === 2, 'second attempt did not end');
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
    el.pay();
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.events).to.have.length(0);
    expect(await fixtureCalls(key)).to.have.length(0);
  });
});
