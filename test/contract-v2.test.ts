/**
 * The widget side of contract v2 (issues 10 and 12), driven through fixture backends: `processing` keeps
 * polling and is never a cancel, `unknown` ends with result-timeout, a closed window is reported with
 * `POST result-url {event: "window-closed"}` and its answer decides, `kpg_order_no` brings the outcome
 * back in another browser, and `app-scheme` reaches the session request.
 * The PG window here is the sandbox's real one (its script, its page); only the backend is a fixture.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { expectSaid } from './elements.js';
import type { KpgCheckout } from '../src/index.js';
import {
  SESSION,
  SHINHAN_PAY_PAGE,
  SHINHAN_SCRIPT,
  SHOP_MODULE,
  closeSandboxWindows,
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

type Step = { status?: number; body: unknown };
const result = (status: string, extra: Record<string, unknown> = {}): Step => ({ body: { status, order_no: 'T-1', ...extra } });

/** A PC Shinhan checkout whose result-url answers `steps` in order (GET or POST alike), recorded under a key. */
async function shinhan(steps: Step[], { script = SHINHAN_SCRIPT, attrs = {} as Record<string, string> } = {}) {
  const resultKey = uniqueKey('result');
  const sessionKey = uniqueKey('session');
  const el = document.createElement('kpg-checkout');
  const all: Record<string, string> = {
    provider: 'shinhan',
    device: 'pc',
    'order-id': uniqueKey('A'),
    'session-url': fixture({ body: SESSION, key: sessionKey }),
    'result-url': fixture({ key: resultKey, sequence: steps }),
    'script-src': script,
    'result-timeout': '3',
    ...attrs,
  };
  for (const [k, v] of Object.entries(all)) el.setAttribute(k, v);
  const rec = recordEvents(el);
  await mount(html`${el}`);
  return { el, rec, resultKey, sessionKey, calls: () => fixtureCalls(resultKey) };
}

/** Click pay, wait for the sandbox's PG window, close it as the buyer does. */
async function payThenClose(el: KpgCheckout) {
  await realClick(payButton(el));
  await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'wait' });
  await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'close' });
}

beforeEach(() => closeSandboxWindows());
afterEach(() => fixtureCleanup());

describe('a closed payment window is reported, and the backend\'s answer decides', () => {
  it('the report is POST result-url {order_no, event: "window-closed"}; pending -> kpg-cancel popup-closed', async () => {
    const { el, rec, calls } = await shinhan([result('pending')]);
    await payThenClose(el);
    const outcome = await rec.outcome();
    expect(outcome).to.deep.include({ type: 'kpg-cancel' });
    expect(outcome.detail).to.deep.equal({ provider: 'shinhan', order_no: 'T-1', reason: 'popup-closed' });
    const [report] = await calls();
    expect(report.method).to.equal('POST');
    expect(JSON.parse(report.body)).to.deep.equal({ order_no: 'T-1', event: 'window-closed' });
    expect(await calls()).to.have.length(1); // sent once
  });

  it('the backend already recorded the payment: kpg-success, not a cancel', async () => {
    const { el, rec } = await shinhan([result('paid', { tid: 'TID-1' })]);
    await payThenClose(el);
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.tid).to.equal('TID-1');
  });

  it('processing (the backend is verifying): keeps asking, never a cancel, then the verified payment', async () => {
    const { el, rec, calls } = await shinhan([result('processing'), result('processing'), result('processing'), result('paid')]);
    await payThenClose(el);
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-success');
    const sent = await calls();
    expect(sent.map((c) => c.method)).to.deep.equal(['POST', 'GET', 'GET', 'GET']);
    expect(rec.outcomes().some((e) => e.type === 'kpg-cancel')).to.equal(false);
  });

  it('processing until result-timeout: kpg-error result-timeout with the order_no (neither success nor cancel)', async () => {
    const { el, rec } = await shinhan([result('processing')], { attrs: { 'result-timeout': '1' } });
    await payThenClose(el);
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-error');
    expect(outcome.detail).to.include({ code: 'result-timeout', order_no: 'T-1' });
    expectSaid(outcome.detail.message, 'result-still', 'The backend still said "processing" for order T-1 after 1 s', ['processing', 'T-1']);
  });

  it('a backend without the report (405) is asked once with GET instead', async () => {
    const { el, rec, calls } = await shinhan([{ status: 405, body: { code: 'method-not-allowed', message: 'GET only' } }, result('pending')]);
    await payThenClose(el);
    expect((await rec.outcome()).detail.reason).to.equal('popup-closed');
    expect((await calls()).map((c) => c.method)).to.deep.equal(['POST', 'GET']);
  });

  it('a backend that cannot be reached at all: kpg-error result-failed with the order_no, not a cancel', async () => {
    const { el, rec } = await shinhan([{ status: 404, body: { code: 'unknown-order' } }]);
    await payThenClose(el);
    const outcome = await rec.outcome();
    expect(outcome.detail).to.include({ code: 'result-failed', order_no: 'T-1' });
  });
});

describe('result states after the PG reported back', () => {
  it('processing, processing, paid -> kpg-success', async () => {
    const { el, rec, calls } = await shinhan([result('processing'), result('processing'), result('paid')], { script: stubScript('OK', '') });
    await realClick(payButton(el));
    expect((await rec.outcome()).type).to.equal('kpg-success');
    expect(await calls()).to.have.length(3);
  });

  it('a failure code from the PG while the backend says processing: waited for, never a failure on the PG\'s word', async () => {
    const { el, rec } = await shinhan([result('processing'), result('processing'), result('paid')], { script: stubScript('F001', 'declined') });
    await realClick(payButton(el));
    expect((await rec.outcome()).type).to.equal('kpg-success');
  });

  it('a failure code from the PG, then the backend verifies longer than a decline is waited for (4 s): processing is waited for up to result-timeout, then the payment', async () => {
    // Asked at about 0, 0.25, 0.75, 1.75, 3.75 and 6.75 s (the backoff): the sixth answer comes after the 4 s a
    // PG's "no" with a pending backend is given, inside the 10 s result-timeout that processing is given.
    const steps = [...Array.from({ length: 5 }, () => result('processing')), result('paid', { tid: 'TID-1' })];
    const { el, rec, calls } = await shinhan(steps, { script: stubScript('F001', 'declined'), attrs: { 'result-timeout': '10' } });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect([outcome.type, outcome.detail.tid]).to.deep.equal(['kpg-success', 'TID-1']);
    expect(await calls()).to.have.length(6);
  });

  it('unknown (the backend could not learn the outcome) -> kpg-error result-timeout at once, with the order_no', async () => {
    const { el, rec, calls } = await shinhan([result('unknown'), result('paid')], { script: stubScript('OK', '') });
    await realClick(payButton(el));
    const outcome = await rec.outcome();
    expect(outcome.type).to.equal('kpg-error');
    expect(outcome.detail).to.include({ code: 'result-timeout', order_no: 'T-1', provider: 'shinhan' });
    expectSaid(outcome.detail.message, 'result-unknown', 'could not learn the outcome of order T-1 yet (status "unknown")', ['T-1']);
    expect(await calls()).to.have.length(1);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('주문 내역을 확인');
  });
});

describe('app-scheme', () => {
  it('is sent as app_scheme in the session request', async () => {
    const { el, rec, sessionKey } = await shinhan([result('paid')], { script: stubScript('OK', ''), attrs: { 'app-scheme': 'myshop://' } });
    await realClick(payButton(el));
    await rec.outcome();
    expect(JSON.parse((await fixtureCalls(sessionKey))[0].body)).to.include({ app_scheme: 'myshop://' });
  });

  it('is left out when not set', async () => {
    const { el, rec, sessionKey } = await shinhan([result('paid')], { script: stubScript('OK', '') });
    await realClick(payButton(el));
    await rec.outcome();
    expect(JSON.parse((await fixtureCalls(sessionKey))[0].body)).to.not.have.property('app_scheme');
  });
});

describe('back in another browser: kpg_order_no in the URL, nothing in sessionStorage', () => {
  const shopPage = <T>(payload: Record<string, unknown>) => executeServerCommand<T, Record<string, unknown>>('shop-page', payload);
  const shopEval = async <T>(id: number, expression: string) =>
    (await shopPage<{ value: T | null }>({ action: 'eval', id, expression })).value;

  /** A shop page opened in a new tab (its own, empty sessionStorage), as Safari opening the return URL. */
  async function returnTab(orderId: string, steps: Step[], query = 'kpg_order_no=T-9&from=pg') {
    const resultKey = uniqueKey('result');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>return</title>
      <script>window.kpgLog=[];['kpg-success','kpg-fail','kpg-cancel','kpg-error','kpg-session'].forEach(function(t){document.addEventListener(t,function(e){kpgLog.push({type:t,detail:e.detail})})});</script>
      ${SHOP_MODULE}</head><body>
      <kpg-checkout provider="shinhan" device="mobile" order-id="${orderId}" session-url="${fixture({ body: SESSION }).replace(/&/g, '&amp;')}"
        result-url="${fixture({ key: resultKey, sequence: steps }).replace(/&/g, '&amp;')}"></kpg-checkout></body></html>`;
    const url = `${location.origin}/__fixture/page?${query}&body=${encodeURIComponent(page)}`;
    const id = await shopPage<number>({ action: 'open', url });
    return { id, resultKey };
  }

  it('the element for that order shows the outcome, then removes kpg_order_no from the address', async () => {
    const { id, resultKey } = await returnTab('A-9', [{ body: { status: 'paid', order_no: 'T-9', order_id: 'A-9', tid: 'TID-9' } }]);
    try {
      expect(await shopEval<number>(id, 'sessionStorage.length')).to.equal(0);
      await waitFor(async () => ((await shopEval<unknown[]>(id, 'kpgLog')) ?? []).length > 0, 'no outcome on return', { timeout: 8000 });
      const log = (await shopEval<Array<{ type: string; detail: any }>>(id, 'kpgLog'))!;
      expect(log.map((e) => e.type)).to.deep.equal(['kpg-success']);
      expect(log[0].detail).to.include({ order_no: 'T-9', tid: 'TID-9' });
      expect(await shopEval<string>(id, "document.querySelector('kpg-checkout').state")).to.equal('paid');
      const address = new URL((await shopEval<string>(id, 'location.href'))!);
      expect(address.searchParams.has('kpg_order_no')).to.equal(false);
      expect(address.searchParams.get('from')).to.equal('pg'); // the rest of the query stays
      expect((await fixtureCalls(resultKey))[0].query.order_no).to.equal('T-9');
    } finally {
      await shopPage({ action: 'close', id });
    }
  });

  it('back without having paid (the attempt is still pending after the short wait): a cancel, reason returned-unpaid', async () => {
    const pending = { body: { status: 'pending', order_no: 'T-9', order_id: 'A-9' } };
    const { id } = await returnTab('A-9', Array.from({ length: 40 }, () => pending));
    try {
      await waitFor(async () => ((await shopEval<unknown[]>(id, 'kpgLog')) ?? []).length > 0, 'no outcome', { timeout: 12000 });
      const log = (await shopEval<Array<{ type: string; detail: any }>>(id, 'kpgLog'))!;
      expect(log.map((e) => e.type)).to.deep.equal(['kpg-cancel']);
      expect(log[0].detail).to.include({ provider: 'shinhan', order_no: 'T-9', reason: 'returned-unpaid' });
    } finally {
      await shopPage({ action: 'close', id });
    }
  });

  it('while the backend is still verifying, no new payment can start; then the outcome', async () => {
    const steps = [
      { body: { status: 'processing', order_no: 'T-9', order_id: 'A-9' } },
      { body: { status: 'processing', order_no: 'T-9', order_id: 'A-9' } },
      { body: { status: 'processing', order_no: 'T-9', order_id: 'A-9' } },
      { body: { status: 'failed', order_no: 'T-9', order_id: 'A-9', code: 'card-declined', message: '카드 승인이 거절되었습니다.' } },
    ];
    const { id } = await returnTab('A-9', steps);
    try {
      await waitFor(async () => (await shopEval<string>(id, "document.querySelector('kpg-checkout').state")) === 'busy', 'not busy while verifying');
      // Busy: aria-disabled (a press joins the attempt in flight, it starts nothing).
      expect(await shopEval<string>(id, "document.querySelector('kpg-checkout').shadowRoot.querySelector('button').getAttribute('aria-disabled')")).to.equal('true');
      await waitFor(async () => ((await shopEval<unknown[]>(id, 'kpgLog')) ?? []).length > 0, 'no outcome', { timeout: 8000 });
      const log = (await shopEval<Array<{ type: string; detail: any }>>(id, 'kpgLog'))!;
      expect(log.map((e) => e.type)).to.deep.equal(['kpg-fail']);
      expect(log[0].detail).to.include({ code: 'card-declined', message: '카드 승인이 거절되었습니다.' });
    } finally {
      await shopPage({ action: 'close', id });
    }
  });

  it('while it is being verified the backend answers a status the widget does not know: one kpg-error naming the order and the field, never silence', async () => {
    const steps = [
      { body: { status: 'processing', order_no: 'T-9', order_id: 'A-9' } },
      { body: { status: 'processing', order_no: 'T-9', order_id: 'A-9' } },
      { body: { status: 'exploded', order_no: 'T-9', order_id: 'A-9' } },
    ];
    const { id } = await returnTab('A-9', steps);
    try {
      await waitFor(async () => ((await shopEval<unknown[]>(id, 'kpgLog')) ?? []).length > 0, 'no outcome', { timeout: 8000 });
      const log = (await shopEval<Array<{ type: string; detail: any }>>(id, 'kpgLog'))!;
      expect(log.map((e) => e.type)).to.deep.equal(['kpg-error']);
      expect(log[0].detail).to.include({ code: 'result-failed', order_no: 'T-9', field: 'status' });
    } finally {
      await shopPage({ action: 'close', id });
    }
  });

  it('a kpg_order_no of another order is ignored: nothing fired, the element stays ready, the address untouched', async () => {
    const { id, resultKey } = await returnTab('A-10', [{ body: { status: 'paid', order_no: 'T-9', order_id: 'A-9' } }]);
    try {
      await waitFor(async () => (await fixtureCalls(resultKey)).length > 0, 'the backend was not asked');
      await waitFor(async () => (await shopEval<string>(id, "document.querySelector('kpg-checkout').state")) === 'idle', 'not idle');
      expect(await shopEval<unknown[]>(id, 'kpgLog')).to.deep.equal([]);
      expect(await shopEval<string>(id, 'location.search')).to.contain('kpg_order_no=T-9');
      expect(await shopEval<boolean>(id, "document.querySelector('kpg-checkout').shadowRoot.querySelector('button').disabled")).to.equal(false);
    } finally {
      await shopPage({ action: 'close', id });
    }
  });

  it('pay() called while a kpg_order_no of another order is asked about rejects with an AbortError that says so; nothing fired, the element ready', async () => {
    // In a frame of this page (the shop's own sessionStorage holds nothing for A-10), so the widget's code runs
    // where this test can call pay() on it. The backend holds its answer until pay() has joined the lookup.
    const resultKey = uniqueKey('result');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>return</title>${SHOP_MODULE}</head><body>
      <kpg-checkout provider="shinhan" device="mobile" order-id="A-10" session-url="${fixture({ body: SESSION }).replace(/&/g, '&amp;')}"
        result-url="${fixture({ key: resultKey, delay: 3000, body: { status: 'paid', order_no: 'T-9', order_id: 'A-9' } }).replace(/&/g, '&amp;')}"></kpg-checkout></body></html>`;
    const frame = document.createElement('iframe');
    frame.src = `/__fixture/page?kpg_order_no=T-9&body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      const inner = () => frame.contentDocument?.querySelector('kpg-checkout') as KpgCheckout | null | undefined;
      await waitFor(() => inner()?.state === 'busy', 'not busy while the backend is asked');
      const fired: string[] = [];
      for (const type of ['kpg-success', 'kpg-fail', 'kpg-cancel', 'kpg-error']) inner()!.addEventListener(type, () => fired.push(type));
      const error = await inner()!.pay().then(
        () => null,
        (e: unknown) => e as DOMException,
      );
      expect([error?.name, error?.message]).to.deep.equal(['AbortError', "kpg_order_no in the URL names another order's attempt"]);
      expect(inner()!.state).to.equal('idle');
      expect(fired).to.deep.equal([]);
      expect(await fixtureCalls(resultKey)).to.have.length(1);
    } finally {
      frame.remove();
    }
  });

  it('a kpg_order_no the backend refuses (another buyer\'s, 403) is ignored with a warning', async () => {
    const { id } = await returnTab('A-9', [{ status: 403, body: { code: 'forbidden', message: 'not yours' } }]);
    try {
      await waitFor(async () => (await shopEval<string>(id, "document.querySelector('kpg-checkout').state")) === 'idle', 'not idle');
      expect(await shopEval<unknown[]>(id, 'kpgLog')).to.deep.equal([]);
    } finally {
      await shopPage({ action: 'close', id });
    }
  });
});
