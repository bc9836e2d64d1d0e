// @ts-check
/**
 * The relay's own life (src/server/events/relay.ts), with a store written here so each moment can be held:
 * stop() gives up the send in flight and claims nothing more, a handler that returns after the stop leaves
 * its lease alone (the database may be closed by then), and start() polls once at most: never twice, never
 * after stop(), never with no targets; a failed send's record and line (next_at); a store that cannot record
 * an outcome; a handler that outlives its time (its lease released once it returns). What the relay does
 * with a real store (claims, leases, retries, two instances) is in server-events*.test.mjs.
 */
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { createRelay, nextAttempt } from '../../dist/server/events/relay.js';
import { testClock } from './clock.mjs';

const clock = testClock();
const CONFIG = { timeoutMs: 60_000, leaseMs: 120_000, pollEveryMs: 1000, retryForMs: 3 * 86_400_000, batch: 1 };

/** @param {string} id */
function claimed(id) {
  const event = { id, type: 'payment.paid', created_at: clock.date().toISOString(), order_id: 'A-1', order_no: 'N-1', provider: 'shinhan', data: {} };
  return { event, target: 'handler', attempts: 1, queued_at: event.created_at };
}

/** A store that hands out `due` one claim at a time and records what the relay tells it. */
function fakeStore(/** @type {ReturnType<typeof claimed>[]} */ due) {
  const calls = { claims: 0, finished: /** @type {any[]} */ ([]), released: 0 };
  const store = {
    calls,
    async claimDeliveries() {
      calls.claims++;
      const next = due.shift();
      return next ? [next] : [];
    },
    async finishDelivery(/** @type {any} */ args) {
      calls.finished.push(args);
      return true;
    },
    async releaseLease() {
      calls.released++;
    },
  };
  return store;
}

/** @param {ReturnType<typeof fakeStore>} store @param {(id: string, signal: AbortSignal) => Promise<void>} send */
function relayWith(store, send, targets = true, config = CONFIG) {
  const logs = /** @type {Record<string, unknown>[]} */ ([]);
  const relay = createRelay({
    store: /** @type {any} */ (store),
    log: { write: (line) => void logs.push(line) },
    redact: (text) => text,
    now: () => clock.date(),
    targets: targets ? [{ id: 'handler', url: null, send: (event, signal) => send(event.id, signal) }] : [],
    config,
  });
  return { relay, logs };
}

test('stop() while a handler runs: the send is given up (recorded failed, to be tried again), nothing more is claimed or sent, and the handler returning later leaves the lease alone', async () => {
  const store = fakeStore([claimed('evt_1'), claimed('evt_2')]);
  /** @type {string[]} */
  const sent = [];
  /** @type {() => void} */
  let finish = () => {};
  let entered = () => {};
  const inHandler = new Promise((resolve) => (entered = () => resolve(undefined)));
  const { relay } = relayWith(store, (id) => {
    sent.push(id);
    entered();
    // A handler that ignores its signal: it returns when the test says so, after the stop.
    return new Promise((resolve) => (finish = () => resolve(undefined)));
  });
  const pass = relay.deliver();
  await inHandler;
  await relay.stop();
  const report = await pass;
  assert.deepEqual(report, { delivered: 0, failed: 1, dead: 0 });
  assert.deepEqual(sent, ['evt_1'], 'evt_2 is not claimed after stop()');
  assert.equal(store.calls.claims, 1);
  assert.deepEqual(store.calls.finished.map((f) => [f.eventId, f.outcome.status, f.outcome.error, f.outcome.keepLease]), [['evt_1', 'pending', 'the server closed while it ran', true]]);
  finish();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.calls.released, 0, 'the lease passes by itself: a stopped relay writes nothing more');
  assert.deepEqual(await relay.deliver(), { delivered: 0, failed: 0, dead: 0 }, 'a pass after stop() does nothing');
  assert.equal(store.calls.claims, 1);
});

test('start() polls once at most: a second start() adds no timer; a stopped relay is not started again; one without targets neither polls nor claims', async (t) => {
  const intervals = t.mock.method(globalThis, 'setInterval');
  const started = relayWith(fakeStore([]), async () => {}).relay;
  started.start();
  started.start();
  assert.equal(intervals.mock.callCount(), 1);
  await started.stop();

  const stopped = relayWith(fakeStore([]), async () => {}).relay;
  await stopped.stop();
  stopped.start();
  assert.equal(intervals.mock.callCount(), 1, 'no timer for a stopped relay');

  const store = fakeStore([claimed('evt_3')]);
  const none = relayWith(store, async () => {}, false).relay;
  none.start();
  none.wake();
  await none.deliver();
  assert.equal(intervals.mock.callCount(), 1, 'no timer without targets');
  assert.equal(store.calls.claims, 0);
  await none.stop();
  mock.restoreAll();
});

test('a store that cannot record the outcome (finishDelivery rejects): the error is logged with the event, the delivery line says it was not recorded, and the pass goes on to the next', async () => {
  const store = fakeStore([claimed('evt_4'), claimed('evt_5')]);
  let first = true;
  const finish = store.finishDelivery;
  store.finishDelivery = async (/** @type {any} */ args) => {
    if (first) {
      first = false;
      throw new Error('connection terminated');
    }
    return finish(args);
  };
  const { relay, logs } = relayWith(store, async () => {});
  assert.deepEqual(await relay.deliver(), { delivered: 2, failed: 0, dead: 0 });
  const errors = logs.filter((l) => l.event === 'error');
  assert.deepEqual(errors, [{ event: 'error', level: 'error', where: 'relay', event_id: 'evt_4', message: 'connection terminated' }]);
  const deliveries = logs.filter((l) => l.event === 'delivery').map((l) => [l.event_id, l.outcome, l.recorded]);
  assert.deepEqual(deliveries, [
    ['evt_4', 'delivered', false],
    ['evt_5', 'delivered', undefined],
  ]);
  await relay.stop();
});

test('a send that fails: recorded pending with the next try (the first retry delay after now), and its delivery line says so: failed, the error, next_at', async () => {
  const store = fakeStore([claimed('evt_6')]);
  const { relay, logs } = relayWith(store, async () => {
    throw new Error('HTTP 503');
  });
  assert.deepEqual(await relay.deliver(), { delivered: 0, failed: 1, dead: 0 });
  const [finished] = store.calls.finished;
  assert.deepEqual([finished.outcome.status, finished.outcome.error, finished.outcome.keepLease], ['pending', 'HTTP 503', false]);
  assert.equal(finished.outcome.next_at, nextAttempt(1, clock.date().toISOString(), clock.date(), CONFIG.retryForMs));
  assert.ok(Date.parse(finished.outcome.next_at) > clock.now());
  const line = logs.find((l) => l.event === 'delivery');
  assert.deepEqual([line?.outcome, line?.level, line?.error, line?.next_at], ['failed', 'warn', 'HTTP 503', finished.outcome.next_at]);
  await relay.stop();
});

test('a handler that outlives its time: given up (recorded pending, its lease kept while it runs), and the lease released once it returns, so the retry need not wait for the lease to pass', async () => {
  const store = fakeStore([claimed('evt_7')]);
  /** @type {() => void} */
  let finish = () => {};
  const { relay } = relayWith(store, () => new Promise((resolve) => (finish = () => resolve(undefined))), true, { ...CONFIG, timeoutMs: 20 });
  assert.deepEqual(await relay.deliver(), { delivered: 0, failed: 1, dead: 0 });
  assert.deepEqual([store.calls.finished[0].outcome.error, store.calls.finished[0].outcome.keepLease], ['no answer within 20 ms', true]);
  assert.equal(store.calls.released, 0, 'kept while the handler runs');
  finish();
  for (let i = 0; i < 5 && store.calls.released === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.calls.released, 1);
  await relay.stop();
});
