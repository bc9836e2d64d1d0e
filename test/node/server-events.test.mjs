// @ts-check
/**
 * Issue 21: the shop is told every outcome, on PGlite and PostgreSQL, through the sandbox PGs at the HTTP
 * level. The outbox (an event written in the transition's own transaction), the relay (retries with backoff
 * on a fake clock, timeouts, dead after three days, re-queued by staff), signed webhooks verified with the
 * `standardwebhooks` library, kpg.payment() and kpg.events(). The multi-process tests (SIGKILL, two
 * instances) are in server-events-instances.test.mjs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Webhook, WebhookVerificationError as LibraryError } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from '../../dist/server/index.js';
import { testClock, tickingClock } from './clock.mjs';
import { deadOrigin, forEachEngine, hiddenFields, postForm, readAll, sandboxes, SANDBOX_SECRETS, serve, shinhanDecide, shopOrders, smartroDecide, startServer, storeWith, uid, until } from './server-helpers.mjs';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The shop's side of onEvent as the README shows it: dedupe by event.id, then act. `failFirst` calls throw
 * after the shop recorded the event (its follow-up failed): the event comes again, the dedupe holds. Events
 * of orders that are not this test's shop's (left pending by an earlier test on the suite's database) are
 * taken and ignored.
 * @param {{ shop: ReturnType<typeof shopOrders>, failFirst?: number, hang?: () => Promise<void> }} o
 */
function shopHandler(o) {
  /** @type {any[]} */
  const calls = [];
  /** event ids the shop has acted on (its own table, unique by id) */
  const seen = new Set();
  /** order_id -> how many times the shop marked it paid */
  const paid = new Map();
  /** @type {AbortSignal[]} */
  const signals = [];
  return {
    calls,
    paid,
    signals,
    /** @param {any} event @param {{ signal: AbortSignal }} context */
    async onEvent(event, context) {
      if (!o.shop.orders.has(event.order_id)) return;
      calls.push(event);
      signals.push(context.signal);
      if (o.hang && calls.length === 1) await o.hang();
      if (!seen.has(event.id)) {
        seen.add(event.id);
        if (event.type === 'payment.paid') paid.set(event.order_id, (paid.get(event.order_id) ?? 0) + 1);
      }
      if (calls.length <= (o.failFirst ?? 0)) throw new Error(`the shop's mailer is down (${calls.length})`);
    },
  };
}

/**
 * A webhook receiver: records every request with its raw body; answers `answer()` (default 200).
 * @param {import('node:test').TestContext} t
 */
async function receiver(t) {
  /** @type {Array<{ headers: import('node:http').IncomingHttpHeaders, body: Buffer, status: number }>} */
  const got = [];
  const state = { /** @type {(req: import('node:http').IncomingMessage) => { status: number, headers?: Record<string, string>, hang?: boolean, stall?: boolean, body?: string }} */ answer: () => ({ status: 200 }) };
  const url = await serve(t, async (req, res) => {
    const body = await readAll(req);
    const a = state.answer(req);
    got.push({ headers: req.headers, body, status: a.status });
    if (a.hang) return; // never answers (the server closes the socket at the end of the test)
    if (a.stall) {
      // An error page whose first 300 bytes come at once, and the rest never.
      res.writeHead(a.status, { 'Content-Type': 'text/plain', ...a.headers });
      res.write('E'.repeat(300));
      return;
    }
    res.writeHead(a.status, { 'Content-Type': 'text/plain', ...a.headers });
    res.end(a.body ?? (a.status >= 300 ? `receiver says ${a.status}` : 'ok'));
  });
  return { url: `${url}/hooks/kpg`, got, state };
}

forEachEngine('issue 21: the shop is told every outcome', ({ store }) => {
  /**
   * @param {import('node:test').TestContext} t
   * @param {Record<string, any>} [options] more createKpgServer options (onEvent, webhooks, delivery, now)
   * @param {{ lookup?: boolean, secrets?: string[], shop?: ReturnType<typeof shopOrders>, clock?: { now: () => number, date: () => Date } }} [o]
   *   clock: the one clock of the server and both sandboxes (test/node/clock.mjs); default a ticking clock on a
   *   known day
   */
  async function setup(t, options = {}, o = {}) {
    const clock = o.clock ?? tickingClock();
    const pgs = await sandboxes(t, { retryAttempts: 3, retryDelayMs: 100, now: clock.now });
    const shop = o.shop ?? shopOrders();
    const server = await startServer(
      t,
      store(),
      {
        ...pgs.options,
        smartro: { ...pgs.options.smartro, receiptLookupByMoid: o.lookup ?? false, payMethods: ['card', 'vbank'] },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        pgTimeoutMs: 6000,
        rateLimit: false,
        now: clock.date,
        ...options,
      },
      { secrets: [...SANDBOX_SECRETS, ...(o.secrets ?? [])] },
    );
    /** @param {string} orderNo */
    const result = async (orderNo) => (await server.call(`/api/kpg/result?order_no=${orderNo}`)).json;
    /** @param {string} orderId @param {Record<string, unknown>} [body] */
    const session = async (orderId, body = {}) => {
      const r = await server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: orderId, device_type: 2, ...body });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    /** A Shinhan card payment of a new order, approved at the sandbox and confirmed. */
    async function paidOrder() {
      const order = shop.add();
      const started = await session(order.order_id);
      const page = await shinhanDecide(started.redirect_url, 'approve');
      assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
      const res = await result(started.order_no);
      assert.equal(res.status, 'paid');
      return { order, orderNo: /** @type {string} */ (started.order_no), res };
    }
    /** @param {string} orderId */
    const eventsOf = async (orderId) => (await server.kpg.events({ orderId })).reverse();
    return { pgs, shop, ...server, result, session, paidOrder, eventsOf };
  }

  test('the outbox: a payment, a buyer\'s cancel and a failure tell payment.paid, payment.cancelled, payment.failed, one event each, carrying the result view; onEvent gets them right after the commit', async (t) => {
    const shop = shopOrders();
    const handler = shopHandler({ shop });
    const s = await setup(t, { onEvent: handler.onEvent }, { shop });
    const { order, orderNo, res } = await s.paidOrder();
    const paid = await s.eventsOf(order.order_id);
    assert.deepEqual(paid.map((e) => e.type), ['payment.paid']);
    const [event] = paid;
    assert.match(event.id, /^evt_[a-z2-7]{24}$/);
    assert.deepEqual([event.order_id, event.order_no, event.provider], [order.order_id, orderNo, 'shinhan']);
    assert.deepEqual(event.data, res, 'data is what GET result-url answers');
    assert.ok(!JSON.stringify(event).includes('nonce'), 'nothing beyond the view');
    // Delivered in the background, woken by the commit (no kpg.deliverEvents() here).
    await until(() => handler.calls.some((c) => c.id === event.id), 5000, 'onEvent to get payment.paid');
    const received = handler.calls.find((c) => c.id === event.id);
    assert.deepEqual(received, { id: event.id, type: event.type, created_at: event.created_at, order_id: event.order_id, order_no: event.order_no, provider: event.provider, data: event.data });
    await until(async () => (await s.eventsOf(order.order_id))[0].deliveries[0].status === 'delivered', 5000, 'the delivery recorded');
    const [delivery] = (await s.eventsOf(order.order_id))[0].deliveries;
    assert.deepEqual([delivery.target, delivery.url, delivery.attempts, delivery.last_error], ['handler', null, 1, null]);

    // The buyer cancels at Shinhan's window (a browser's word: noted, no event), then the widget reports the
    // closed window: the attempt ends, and that is an event.
    const b = s.shop.add();
    const cancelled = await s.session(b.order_id);
    const cancelPage = await shinhanDecide(cancelled.redirect_url, 'cancel');
    await fetch(`${cancelPage.action}?${new URLSearchParams(cancelPage.fields)}`, { redirect: 'manual' });
    assert.equal((await s.result(cancelled.order_no)).status, 'cancelled');
    assert.deepEqual(await s.eventsOf(b.order_id), [], 'a browser\'s report tells nothing');
    await s.postJson('/api/kpg/result', { order_no: cancelled.order_no, event: 'window-closed' });
    assert.deepEqual((await s.eventsOf(b.order_id)).map((e) => [e.type, e.data.status, e.data.reason]), [['payment.cancelled', 'cancelled', 'buyer-cancelled']]);

    const c = s.shop.add();
    const failed = await s.session(c.order_id);
    const failPage = await shinhanDecide(failed.redirect_url, 'fail');
    await fetch(`${failPage.action}?${new URLSearchParams(failPage.fields)}`, { redirect: 'manual' });
    assert.equal((await s.result(failed.order_no)).status, 'failed');
    assert.deepEqual(await s.eventsOf(c.order_id), [], 'a browser\'s report tells nothing');
    await s.postJson('/api/kpg/result', { order_no: failed.order_no, event: 'window-closed' });
    const [failEvent] = await s.eventsOf(c.order_id);
    assert.deepEqual([failEvent.type, failEvent.data.status, failEvent.data.code], ['payment.failed', 'failed', (await s.result(failed.order_no)).code]);
    await until(() => handler.calls.length === 3, 5000, 'all three delivered');
    assert.deepEqual(handler.calls.map((e) => e.type), ['payment.paid', 'payment.cancelled', 'payment.failed']);
  });

  test('a handler that throws three times is called four times (after 5 s, 30 s and 2 min, fake clock); the shop\'s dedupe by event.id records the order paid once', async (t) => {
    const spent = performance.now(); // elapsed time only, never a date: bounds each line's ms below
    const clock = testClock();
    const shop = shopOrders();
    const handler = shopHandler({ shop, failFirst: 3 });
    const s = await setup(t, { onEvent: handler.onEvent, delivery: { background: false } }, { shop, clock });
    const { order } = await s.paidOrder();
    const delivery = async () => (await s.eventsOf(order.order_id))[0].deliveries[0];
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    let d = await delivery();
    assert.deepEqual([d.status, d.attempts, d.last_error], ['pending', 1, "the shop's mailer is down (1)"]);
    const first = Date.parse(d.next_at);
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 0, dead: 0 }, 'not due yet: nothing is sent');
    for (const [wait, report] of /** @type {Array<[number, object]>} */ ([
      [5 * SECOND, { delivered: 0, failed: 1, dead: 0 }],
      [30 * SECOND, { delivered: 0, failed: 1, dead: 0 }],
      [2 * MINUTE, { delivered: 1, failed: 0, dead: 0 }],
    ])) {
      d = await delivery();
      if (wait === 5 * SECOND) assert.equal(Date.parse(d.next_at), first);
      clock.advance(wait - 1);
      assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 0, dead: 0 }, `not before ${wait / SECOND} s`);
      clock.advance(1);
      assert.equal(clock.now(), Date.parse(d.next_at));
      assert.deepEqual(await s.kpg.deliverEvents(), report);
    }
    d = await delivery();
    assert.deepEqual([d.status, d.attempts, d.last_error], ['delivered', 4, null]);
    assert.equal(handler.calls.length, 4);
    assert.equal(new Set(handler.calls.map((c) => c.id)).size, 1, 'the same event, the same id, every time');
    assert.deepEqual([...handler.paid], [[order.order_id, 1]], 'marked paid once');
    const lines = s.logs.filter((l) => l.event === 'delivery');
    assert.deepEqual(lines.map((l) => [l.outcome, l.attempt, l.level]), [['failed', 1, 'warn'], ['failed', 2, 'warn'], ['failed', 3, 'warn'], ['delivered', 4, 'info']]);
    // ms: how long each call took (a whole number of milliseconds, within this test's own time).
    const within = Math.ceil(performance.now() - spent);
    assert.ok(lines.every((l) => Number.isInteger(l.ms) && l.ms >= 0 && l.ms <= within), JSON.stringify(lines.map((l) => l.ms)));
    // The gaps between attempts: 5 s, 30 s, 2 min (by the pinned clock the relay reads).
    const times = lines.map((l) => Date.parse(l.t));
    assert.deepEqual(times.slice(1).map((x, i) => x - times[i]), [5 * SECOND, 30 * SECOND, 2 * MINUTE]);
  });

  test('only a commit that told something wakes the relay: a cancel record the ledger refuses does not, and what is due waits for the next pass', async (t) => {
    // From a generated mutant (mutate:full --sample, seed 1218) that woke the relay after every recordCancel.
    const clock = testClock();
    let down = true;
    /** @type {string[]} */
    const calls = [];
    const onEvent = (/** @type {{ type: string }} */ e) => {
      calls.push(e.type);
      if (down) throw new Error('warehouse API: 503');
    };
    const s = await setup(t, { onEvent, delivery: { pollEveryMs: false } }, { clock });
    const { order } = await s.paidOrder();
    // The payment's commit woke the relay: its one pass called the handler, which failed; retried in 5 s.
    const delivery = async () => (await s.eventsOf(order.order_id))[0].deliveries[0];
    await until(async () => (await delivery()).attempts === 1 && (await delivery()).last_error !== null, 5000, 'the first delivery to fail');
    assert.deepEqual(calls, ['payment.paid']);
    down = false;
    clock.advance(5 * SECOND); // due now, and nothing polls
    const refused = await s.kpg.recordCancel({ order_id: order.order_id, amount: 11001, reason: '초과', idempotency_key: `over-${uid()}` });
    assert.deepEqual([refused.status, refused.code], ['refused', 'exceeds-balance']);
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 1, failed: 0, dead: 0 }, 'this pass is the first since: the refusal woke none');
    assert.deepEqual(calls, ['payment.paid', 'payment.paid']);
  });

  test("a relay pass that fails (the database drops the connection as it claims deliveries) is an error of the relay in the log and the caller's rejection; the next pass delivers", async (t) => {
    const clock = testClock();
    const shop = shopOrders();
    const handler = shopHandler({ shop });
    let drop = false;
    const database = storeWith(store(), {
      claimDeliveries: async (own, ...args) => {
        if (!drop) return own(...args);
        drop = false;
        throw new Error('Connection terminated unexpectedly');
      },
    });
    const s = await setup(t, { onEvent: handler.onEvent, delivery: { background: false }, database }, { shop, clock });
    const { order } = await s.paidOrder();
    drop = true;
    await assert.rejects(s.kpg.deliverEvents(), /Connection terminated unexpectedly/);
    assert.deepEqual(s.logs.filter((l) => l.where === 'relay').map((l) => [l.event, l.level, l.message]), [['error', 'error', 'Connection terminated unexpectedly']]);
    assert.equal(handler.calls.length, 0);
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 1, failed: 0, dead: 0 });
    assert.deepEqual([...handler.paid], [[order.order_id, 1]]);
  });

  test('a handler slower than delivery.timeoutMs fails (its signal aborted) and is not called again while it still runs; once it returns, the retry is delivered', async (t) => {
    const clock = testClock();
    /** @type {() => void} */
    let release = () => {};
    const shop = shopOrders();
    const handler = shopHandler({ shop, hang: () => new Promise((resolve) => (release = () => resolve(undefined))) });
    const s = await setup(t, { onEvent: handler.onEvent, delivery: { background: false, timeoutMs: 300, leaseMs: 10 * MINUTE } }, { shop, clock });
    const { order } = await s.paidOrder();
    const started = performance.now();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    assert.ok(performance.now() - started >= 290, 'it waited for the timeout');
    assert.equal(handler.signals[0].aborted, true, 'the handler was told to stop');
    const [d] = (await s.eventsOf(order.order_id))[0].deliveries;
    assert.deepEqual([d.status, d.attempts, d.last_error], ['pending', 1, 'no answer within 300 ms']);
    clock.set(Date.parse(d.next_at));
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 0, dead: 0 }, 'due, but its first call still runs: not called again');
    assert.equal(handler.calls.length, 1);
    release();
    await until(async () => (await s.kpg.deliverEvents()).delivered === 1, 5000, 'the retry once the first call returned');
    assert.equal(handler.calls.length, 2);
    assert.deepEqual([...handler.paid], [[order.order_id, 1]]);
  });

  test('dead after three days of failures (15 attempts, the last at 72 h) with the last error; kpg.events lists it; kpg.retryEvents re-queues it and it is delivered', async (t) => {
    const clock = testClock();
    let down = true;
    /** @type {any[]} */
    const calls = [];
    const s = await setup(t, {
      delivery: { background: false },
      onEvent: (/** @type {any} */ event) => {
        calls.push(event);
        if (down) throw new Error('warehouse API: 503 Service Unavailable');
      },
    }, { clock });
    const { order } = await s.paidOrder();
    const [event] = await s.eventsOf(order.order_id);
    let attempts = 0;
    for (;;) {
      const report = await s.kpg.deliverEvents();
      attempts++;
      if (report.dead) break;
      assert.deepEqual(report, { delivered: 0, failed: 1, dead: 0 });
      const [d] = (await s.eventsOf(order.order_id))[0].deliveries;
      clock.set(Date.parse(d.next_at));
      assert.ok(attempts < 30, 'it ends');
    }
    assert.equal(attempts, 15);
    const deadLine = s.logs.find((l) => l.event === 'delivery' && l.outcome === 'dead');
    assert.equal(Date.parse(deadLine.t) - Date.parse(event.created_at), 3 * DAY, 'the last attempt at three days exactly');
    const dead = await s.kpg.events({ status: 'dead' });
    assert.deepEqual(dead.map((e) => e.id), [event.id]);
    assert.deepEqual([dead[0].deliveries[0].attempts, dead[0].deliveries[0].last_error], [15, 'warehouse API: 503 Service Unavailable']);
    assert.equal(s.logs.filter((l) => l.event === 'delivery' && l.outcome === 'dead' && l.level === 'error').length, 1);
    down = false;
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 0, dead: 0 }, 'dead stays dead until staff say otherwise');
    assert.equal(await s.kpg.retryEvents({ dead: true }), 1);
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 1, failed: 0, dead: 0 });
    assert.deepEqual(await s.kpg.events({ status: 'dead' }), []);
    assert.equal(calls.length, 16);
    assert.equal(await s.kpg.retryEvents(event.id), 0, 'a delivered event is not re-queued');
  });

  test('a webhook receiver down for hours gets the event when it is back: signed per Standard Webhooks; standardwebhooks and verifyWebhook accept it; a tampered body, a wrong secret and an old timestamp are refused', async (t) => {
    // The events happen three hours before the wall clock's time, by the server's pinned clock; the receiver
    // answers 503 meanwhile; it is back when the clock reaches the wall clock's time, so the last delivery is
    // signed with a timestamp the library (which checks it against the wall clock) takes as current.
    const clock = testClock(Date.now() - 3 * HOUR);
    const secret = newSecret();
    const hook = await receiver(t);
    hook.state.answer = () => ({ status: 503 });
    const s = await setup(t, { webhooks: [{ url: hook.url, secret }], delivery: { background: false } }, { secrets: [secret, secret.slice(6)], clock });
    const { order, res } = await s.paidOrder();
    const [event] = await s.eventsOf(order.order_id);
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
      const [d] = (await s.eventsOf(order.order_id))[0].deliveries;
      assert.match(d.last_error, /^HTTP 503: receiver says 503$/);
      assert.match(d.target, /^wh_[0-9a-f]{16}$/);
      assert.equal(d.url, hook.url);
      clock.set(Date.parse(d.next_at));
    }
    hook.state.answer = () => ({ status: 204 });
    clock.set(Date.now()); // the wall clock's time, which standardwebhooks compares webhook-timestamp with
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 1, failed: 0, dead: 0 });
    assert.equal(hook.got.length, 5);
    assert.deepEqual(new Set(hook.got.map((g) => g.headers['webhook-id'])), new Set([event.id]), 'one id for every attempt: receivers dedupe by it');

    const last = /** @type {(typeof hook.got)[number]} */ (hook.got.at(-1));
    assert.equal(last.headers['content-type'], 'application/json');
    const headers = /** @type {Record<string, string>} */ (last.headers);
    // The reference library, as a receiver in any language would verify it.
    const payload = /** @type {any} */ (new Webhook(secret).verify(last.body, headers));
    assert.deepEqual(payload, { type: 'payment.paid', timestamp: event.created_at, data: res });
    // Our helper: a Web Request, and Node's headers with the raw body; the same event onEvent would get.
    const request = new Request(hook.url, { method: 'POST', headers: new Headers(headers), body: last.body });
    const verified = await verifyWebhook(request, secret);
    assert.deepEqual(verified, { id: event.id, type: event.type, created_at: event.created_at, order_id: event.order_id, order_no: event.order_no, provider: 'shinhan', data: res });
    assert.deepEqual(await verifyWebhook({ headers: last.headers, body: last.body }, secret), verified);
    // Headers as a hand-built object names them (any case), a list as Node gives a repeated one.
    const spelled = { 'Webhook-Id': headers['webhook-id'], 'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'], 'Webhook-Signature': [headers['webhook-signature']] };
    assert.deepEqual(await verifyWebhook({ headers: spelled, body: last.body.toString('utf8') }, secret), verified);
    // A parsed body cannot be verified (its bytes are gone): said, with what to pass instead.
    await assert.rejects(verifyWebhook(/** @type {any} */ ({ headers, body: JSON.parse(last.body.toString('utf8')) }), secret), (/** @type {any} */ e) => e instanceof TypeError && /pass the raw body \(a string or bytes\), e\.g\. express\.raw/.test(e.message));

    const tampered = Buffer.from(last.body.toString('utf8').replace(`"amount":${res.amount}`, '"amount":1'));
    assert.notDeepEqual(tampered, last.body);
    assert.throws(() => new Webhook(secret).verify(tampered, headers), LibraryError);
    await assert.rejects(verifyWebhook({ headers, body: tampered }, secret), WebhookVerificationError);
    await assert.rejects(verifyWebhook({ headers, body: last.body }, newSecret()), /No matching signature/);
    // A genuine delivery of three hours ago, replayed now: its timestamp is too old.
    const old = hook.got[0];
    assert.ok(Number(old.headers['webhook-timestamp']) <= Number(headers['webhook-timestamp']) - 2 * 3600, 'signed hours before the last one');
    await assert.rejects(verifyWebhook({ headers: old.headers, body: old.body }, secret), /too old/);
    assert.throws(() => new Webhook(secret).verify(old.body, /** @type {Record<string, string>} */ (old.headers)), /too old/);
    const lines = s.logs.filter((l) => l.event === 'delivery');
    assert.deepEqual(lines.map((l) => l.outcome), ['failed', 'failed', 'failed', 'failed', 'delivered']);
    assert.ok(lines.every((l) => l.url === hook.url && l.target === event.deliveries[0].target));
  });

  test('webhooks: only a 2xx counts; a redirect is a failure and is never followed; a receiver that never answers fails after delivery.timeoutMs', async (t) => {
    const secret = newSecret();
    const hook = await receiver(t);
    const elsewhere = await receiver(t);
    hook.state.answer = () => ({ status: 302, headers: { Location: elsewhere.url } });
    const s = await setup(t, { webhooks: [{ url: hook.url, secret }], delivery: { background: false, timeoutMs: 400 } }, { secrets: [secret] });
    const { order } = await s.paidOrder();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    let [d] = (await s.eventsOf(order.order_id))[0].deliveries;
    assert.equal(d.last_error, 'HTTP 302 (a redirect: not followed): receiver says 302');
    assert.equal(elsewhere.got.length, 0, 'the redirect was not followed');
    // 304 has no body at all (fetch gives body null): a failure that says so, not a TypeError reading it.
    hook.state.answer = () => ({ status: 304 });
    const notModified = await s.paidOrder();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    assert.equal((await s.eventsOf(notModified.order.order_id))[0].deliveries[0].last_error, 'HTTP 304 (a redirect: not followed)');
    // 300, the first status past 2xx, is no delivery either.
    hook.state.answer = () => ({ status: 300 });
    const multiple = await s.paidOrder();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    assert.match(String((await s.eventsOf(multiple.order.order_id))[0].deliveries[0].last_error), /^HTTP 300 \(a redirect: not followed\)/);
    // 400, the first status past the redirects, is a failure that is not called a redirect.
    hook.state.answer = () => ({ status: 400 });
    const bad = await s.paidOrder();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    assert.equal((await s.eventsOf(bad.order.order_id))[0].deliveries[0].last_error, 'HTTP 400: receiver says 400');
    // An error page's line breaks, tabs and runs of blanks become one space each: one line for the console.
    hook.state.answer = () => ({ status: 500, body: '\r\n<h1>Internal\n\n   Error</h1>\r\n\t<p>DB  down</p>\n' });
    const page = await s.paidOrder();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    assert.equal((await s.eventsOf(page.order.order_id))[0].deliveries[0].last_error, 'HTTP 500: <h1>Internal Error</h1> <p>DB down</p>');

    // 200 with a 2xx body counts; so a second order is delivered at once, while the first waits for its retry.
    hook.state.answer = () => ({ status: 200 });
    const second = await s.paidOrder();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 1, failed: 0, dead: 0 });
    assert.equal((await s.eventsOf(second.order.order_id))[0].deliveries[0].status, 'delivered');

    hook.state.answer = () => ({ status: 200, hang: true });
    const third = await s.paidOrder();
    const started = performance.now();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    assert.ok(performance.now() - started < 5000);
    [d] = (await s.eventsOf(third.order.order_id))[0].deliveries;
    assert.equal(d.last_error, 'no answer within 400 ms');
  });

  test('webhooks: a receiver whose error page stalls after its first 300 bytes fails at once with those bytes, not after delivery.timeoutMs', async (t) => {
    const secret = newSecret();
    const hook = await receiver(t);
    hook.state.answer = () => ({ status: 500, stall: true });
    const s = await setup(t, { webhooks: [{ url: hook.url, secret }], delivery: { background: false, timeoutMs: 30_000 } }, { secrets: [secret] });
    const { order } = await s.paidOrder();
    const started = performance.now();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    assert.ok(performance.now() - started < 10_000, 'the 300 bytes are enough: the rest is not waited for');
    const [d] = (await s.eventsOf(order.order_id))[0].deliveries;
    assert.equal(d.last_error, `HTTP 500: ${'E'.repeat(300)}`);
  });

  test('webhooks: a receiver nobody listens on is a failure naming why (ECONNREFUSED), retried; the secret appears in no log line and no reply', async (t) => {
    const secret = newSecret();
    const url = `${await deadOrigin()}/hooks`;
    const s = await setup(t, { webhooks: [{ url, secret }], delivery: { background: false } }, { secrets: [secret, secret.slice(6)] });
    const { order } = await s.paidOrder();
    assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 0, failed: 1, dead: 0 });
    const [d] = (await s.eventsOf(order.order_id))[0].deliveries;
    assert.deepEqual([d.status, d.last_error], ['pending', 'could not reach the receiver: ECONNREFUSED']);
    assert.ok(s.logs.some((l) => l.event === 'delivery' && l.error === d.last_error));
    // A browser that sends the secret back (whole, or without its whsec_ prefix) finds it redacted in the log.
    const other = await s.session(s.shop.add().order_id);
    const fail = await s.call(`/api/kpg/shinhan/fail?order_no=${other.order_no}&ret_code=E1&ret_msg=${encodeURIComponent(`${secret} ${secret.slice(6)}`)}`, { buyer: null });
    assert.equal(fail.status, 200);
    const said = s.logs.find((l) => l.code === 'browser-text' && l.order_no === other.order_no);
    assert.ok(said && typeof said.message === 'string' && said.message.startsWith('ret_code E1: '), JSON.stringify(said));
    assert.ok(!said.message.includes(secret.slice(6)) && !said.message.includes(secret.slice(6, 30)), said.message);
  });

  test('kpg.payment(order_id) without an order id: a TypeError naming what to pass', async (t) => {
    const s = await setup(t);
    for (const bad of [undefined, '', 42]) await assert.rejects(s.kpg.payment(/** @type {any} */ (bad)), (/** @type {any} */ e) => e instanceof TypeError && e.message === 'kpg.payment(order_id): order_id must be a non-empty string');
  });

  test('kpg.payment(order_id): null for an order without attempts; the latest attempt; the paid one over any later; the same view result-url answers', async (t) => {
    const s = await setup(t);
    assert.equal(await s.kpg.payment('NO-SUCH-ORDER'), null);
    await assert.rejects(s.kpg.payment(/** @type {any} */ (undefined)), TypeError);
    const order = s.shop.add();
    const first = await s.session(order.order_id);
    assert.deepEqual(await s.kpg.payment(order.order_id), await s.result(first.order_no));
    // A second session supersedes the first (Shinhan): the latest attempt is the one that counts.
    const second = await s.session(order.order_id);
    const pending = await s.kpg.payment(order.order_id);
    assert.deepEqual([pending?.order_no, pending?.status], [second.order_no, 'pending']);
    const page = await shinhanDecide(second.redirect_url, 'approve');
    await postForm(/** @type {string} */ (page.action), page.fields);
    const paid = await s.kpg.payment(order.order_id);
    assert.deepEqual(paid, await s.result(second.order_no));
    assert.deepEqual([paid?.status, paid?.pay_method ?? 'card', typeof paid?.tid], ['paid', 'card', 'string']);
    assert.equal(paid?.amount, order.amount);
  });

  test('refund.due: the late approval of a superseded Smartro attempt tells the shop the TID and amount to give back, besides payment.cancelled and payment.paid', async (t) => {
    const shop = shopOrders();
    const handler = shopHandler({ shop });
    const s = await setup(t, { onEvent: handler.onEvent }, { lookup: true, shop });
    const order = shop.add();
    const first = await s.session(order.order_id, { provider: 'smartro' });
    // The buyer's PG window for the first attempt is open; they close another tab's window (the widget
    // reports it) and Smartro knows no approval yet: a new attempt supersedes the first.
    const pageOpen = await openSmartroPage(first);
    await s.postJson('/api/kpg/result', { order_no: first.order_no, event: 'window-closed' });
    const second = await s.session(order.order_id, { provider: 'smartro' });
    const late = await pageOpen.decide('approve'); // the first window approves after all
    assert.equal((await postForm(`${s.base}/api/kpg/smartro/retry`, late.fields)).status, 200);
    const paid = await smartroDecide(second, 'approve');
    await postForm(/** @type {string} */ (paid.action), paid.fields);
    assert.equal((await s.result(second.order_no)).status, 'paid', JSON.stringify(s.logs.slice(-6)));
    const events = await s.eventsOf(order.order_id);
    assert.deepEqual(events.map((e) => [e.type, e.order_no]), [
      ['payment.cancelled', first.order_no],
      ['refund.due', first.order_no],
      ['payment.paid', second.order_no],
    ]);
    assert.equal(events[0].data.reason, 'superseded');
    assert.deepEqual(events[1].data.refund, { tid: late.fields.TID, amount: order.amount, reason: 'superseded' });
    assert.equal(events[1].data.status, 'cancelled', 'the attempt the money came with, as it is');
    const owed = (await s.kpg.refundsDue()).filter((r) => r.order_no === first.order_no);
    assert.deepEqual(owed.map((r) => r.tid), [late.fields.TID]);
    await until(() => handler.calls.length === 3, 5000, 'the three events delivered');
    assert.deepEqual(handler.calls.map((e) => e.type), ['payment.cancelled', 'refund.due', 'payment.paid'], 'in order');
  });

  test('Smartro virtual account end to end: the deposit notice the sandbox posts to RetryURL, no browser open, reaches onEvent and a webhook: vbank.issued, then payment.paid, in order', async (t) => {
    const shop = shopOrders();
    const handler = shopHandler({ shop });
    const secret = newSecret();
    const hook = await receiver(t);
    // verifyWebhook checks webhook-timestamp against the wall clock (Standard Webhooks' five minutes), so this
    // server signs on a clock that starts at the wall clock's time.
    const clock = tickingClock(Date.now());
    const s = await setup(t, { onEvent: handler.onEvent, webhooks: [{ url: hook.url, secret }] }, { secrets: [secret], shop, clock });
    const order = s.shop.add();
    const started = await s.session(order.order_id, { provider: 'smartro', pay_method: 'vbank' });
    const issued = await smartroDecide(started, 'approve');
    assert.equal(issued.fields.ResultCode, '4100');
    await postForm(/** @type {string} */ (issued.action), issued.fields);
    await until(() => handler.calls.length === 1 && hook.got.length === 1, 5000, 'vbank.issued delivered');
    assert.equal(handler.calls[0].type, 'vbank.issued');
    assert.equal(handler.calls[0].data.vbank.account_no, issued.fields.VbankNum, 'the shop can show the buyer the account');
    // From here no browser: the buyer deposits at the bank; Smartro posts 4110 to RetryURL.
    const deposit = await fetch(`${s.pgs.smartro.origin}/payTest/vbank_deposit_notice.jsp`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tid: issued.fields.TID }) });
    assert.equal(deposit.status, 200);
    await until(() => handler.calls.length === 2 && hook.got.filter((g) => g.status === 200).length === 2, 8000, 'payment.paid delivered to both');
    assert.deepEqual(handler.calls.map((e) => e.type), ['vbank.issued', 'payment.paid']);
    assert.deepEqual([...handler.paid], [[order.order_id, 1]]);
    const bodies = await Promise.all(hook.got.map((g) => verifyWebhook({ headers: g.headers, body: g.body }, secret)));
    assert.deepEqual(bodies.map((e) => e.type), ['vbank.issued', 'payment.paid']);
    assert.deepEqual(bodies.map((e) => e.id), handler.calls.map((e) => e.id), 'the same events, the same ids, to both targets');
    assert.deepEqual(bodies[1].data, await s.result(started.order_no));
    assert.equal(bodies[1].data.status, 'paid');
  });

  test('kpg.events({ orderId, status }) for staff tools; a bad status is a TypeError; events of an order come newest first with every delivery', async (t) => {
    const hook = await receiver(t);
    const secret = newSecret();
    const shop = shopOrders();
    const handler = shopHandler({ shop });
    const s = await setup(t, { onEvent: handler.onEvent, webhooks: [{ url: hook.url, secret }], delivery: { background: false } }, { secrets: [secret], shop });
    const { order } = await s.paidOrder();
    let [e] = await s.kpg.events({ orderId: order.order_id });
    assert.deepEqual(e.deliveries.map((d) => [d.target, d.status]).sort(), [['handler', 'pending'], [e.deliveries.find((d) => d.url)?.target, 'pending']].sort());
    assert.deepEqual((await s.kpg.events({ orderId: order.order_id, status: 'pending' })).map((x) => x.id), [e.id]);
    assert.deepEqual(await s.kpg.events({ orderId: order.order_id, status: 'delivered' }), []);
    await s.kpg.deliverEvents();
    [e] = await s.kpg.events({ orderId: order.order_id, status: 'delivered' });
    assert.deepEqual(e.deliveries.map((d) => d.status), ['delivered', 'delivered']);
    assert.deepEqual(await s.kpg.events({ orderId: uid('none') }), []);
    // One event by its id (what the staff's retry names), also when another order's event is newer.
    const other = await s.paidOrder();
    const [newest] = await s.kpg.events({ limit: 1 });
    assert.equal(newest.order_id, other.order.order_id);
    assert.deepEqual((await s.kpg.events({ eventId: e.id })).map((x) => [x.id, x.order_id]), [[e.id, order.order_id]]);
    await assert.rejects(s.kpg.events({ status: /** @type {any} */ ('lost') }), TypeError);
  });
});

/**
 * Opens a Smartro payment page (the buyer's window) now and decides in it later.
 * @param {{ action: string, fields: Record<string, string> }} session
 */
async function openSmartroPage(session) {
  const { encodeEucKr } = await import('../../demo/sandbox/smartro/server.mjs');
  const pc = session.action.endsWith('.jsp');
  const body = Object.entries(session.fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${pc ? [...encodeEucKr(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('') : encodeURIComponent(v)}`)
    .join('&');
  const html = await (await fetch(session.action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })).text();
  const nonce = hiddenFields(html).nonce;
  assert.ok(nonce, 'the page has a nonce');
  const origin = new URL(session.action).origin;
  return {
    /** @param {'approve' | 'cancel' | 'fail'} choice */
    async decide(choice) {
      const page = await (await fetch(`${origin}/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce: /** @type {string} */ (nonce), choice }) })).text();
      return { fields: hiddenFields(page) };
    },
  };
}
