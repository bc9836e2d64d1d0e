// @ts-check
/**
 * Issue 20: the model of the attempt state machine for Smartro (WEBLink), beside Shinhan's
 * (test/node/server-model-suite.mjs). Smartro approves in its own window, before the server hears of it:
 * what matters is the signed result that arrives late (after a retry superseded its attempt, after expiry,
 * twice) and the receipt API that confirms it, or fails. fast-check drives the real kpg-checkout/server over
 * the Smartro sandbox (demo/sandbox/smartro, its RetryURL notifications held back so that only the model
 * delivers results): sessions (a retry replaces a pending attempt only once its window was closed and
 * smartroQuietMs passed, or attemptTtlMs), the buyer approving in Smartro's window, the result form posted
 * (once, twice at once, late) while the receipt API answers or fails (500), the window closed, reconcile and
 * the pinned clock. After every command: each attempt's status in the store and at result-url, the TID,
 * the money the sandbox took against payments and refund_due (a late approval is owed back, never dropped),
 * the order's paid and open attempts, and one event per outcome in the outbox.
 *
 * Not a test file: test/node/server-model-smartro-{pglite,postgres}.test.mjs run it. receiptLookupByMoid is
 * off (the default): no Moid lookups.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ENGINES, onEngine, postForm, sandboxes, SANDBOX_SECRETS, shopOrders, smartroDecide, startServer } from './server-helpers.mjs';
import { testClock } from './clock.mjs';
import { Advance, modelTests, racingStore } from './model-harness.mjs';

const AMOUNT = 11000;
const MINUTE = 60_000;
const TTL_MS = 30 * MINUTE;
const QUIET_MS = 5 * MINUTE;

/**
 * @typedef {{ order: number, order_no: string, session: any, status: 'pending' | 'unknown' | 'paid' | 'failed' | 'cancelled',
 *   createdAt: number, closedAt: number | null, reason: string | null, code: string | null,
 *   form: { action: string, fields: Record<string, string> } | null, tid: string | null }} Attempt
 * @typedef {{ orders: string[], attempts: Attempt[], events: Map<string, number>, owed: Set<string> }} Model
 * @typedef {{ s: Awaited<ReturnType<typeof startServer>>, pgs: Awaited<ReturnType<typeof sandboxes>>, clock: ReturnType<typeof testClock>,
 *   store: import('../../dist/server/index.js').PaymentStore, race: { on: boolean } }} Real
 *   race.on: another instance decides first (model-harness.mjs racingStore)
 */

/** @param {Model} m @param {string} orderNo @param {string} type */
function expectEvent(m, orderNo, type) {
  const key = `${orderNo} ${type}`;
  m.events.set(key, (m.events.get(key) ?? 0) + 1);
}
/** @param {Model} m @param {number} order */
const paidOf = (m, order) => m.attempts.find((a) => a.order === order && a.status === 'paid');
/** @param {Model} m @param {number} order */
const openOf = (m, order) => m.attempts.find((a) => a.order === order && (a.status === 'pending' || a.status === 'unknown'));

/**
 * The receipt API answers 500 to every call (on) or as the sandbox's records say (off): set on the sandbox's
 * own fault list, in this process (/__sandbox/fault arms a number of calls; a command's count is the server's).
 * @param {Real} r @param {boolean} on
 */
function receiptFailing(r, on) {
  r.pgs.smartro.sandbox.state.faults.receipt = on ? [{ delayMs: 0, status: 500, remaining: Number.MAX_SAFE_INTEGER }] : [];
}

/** @param {Model} m @param {Real} r @param {string} step */
async function compare(m, r, step) {
  const where = (/** @type {string} */ what) => `${step}: ${what}`;
  for (const a of m.attempts) {
    const row = await r.store.getAttempt(a.order_no);
    assert.equal(row?.status, a.status, where(`${a.order_no}'s status in the store`));
    const v = (await r.s.call(`/api/kpg/result?order_no=${encodeURIComponent(a.order_no)}`)).json;
    assert.equal(v.status, a.status, where(`${a.order_no}: result-url's status`));
    assert.equal(v.tid, a.status === 'paid' ? a.tid : undefined, where(`${a.order_no}: result-url's TID`));
    if (a.status === 'cancelled') assert.equal(v.reason, a.reason, where(`${a.order_no}: the cancel's reason`));
  }
  for (let order = 0; order < m.orders.length; order++) {
    const state = await r.store.orderState(m.orders[order]);
    assert.deepEqual([state.paid?.order_no, state.open?.order_no], [paidOf(m, order)?.order_no, openOf(m, order)?.order_no], where(`order ${order}: its paid and open attempts`));
    const events = await r.s.kpg.events({ orderId: m.orders[order], limit: 1000 });
    /** @type {Map<string, number>} */
    const seen = new Map();
    for (const e of events) seen.set(`${e.order_no} ${e.type}`, (seen.get(`${e.order_no} ${e.type}`) ?? 0) + 1);
    const mine = new Set(m.attempts.filter((a) => a.order === order).map((a) => a.order_no));
    const expected = [...m.events].filter(([key]) => mine.has(key.split(' ')[0]));
    assert.deepEqual(Object.fromEntries([...seen].sort()), Object.fromEntries(expected.sort()), where(`order ${order}: its events in the outbox`));
  }
  // Money: every approval the sandbox made for these attempts is a paid attempt's TID, owed back, or in doubt.
  const due = (await r.s.kpg.refundsDue()).filter((d) => m.orders.includes(d.order_id)).map((d) => d.tid).sort();
  assert.deepEqual(due, [...m.owed].sort(), where('refund_due'));
  const { payments } = await (await fetch(`${r.pgs.smartro.origin}/__sandbox/payments`)).json();
  const taken = payments.filter((/** @type {any} */ p) => m.attempts.some((a) => a.order_no === p.moid)).map((/** @type {any} */ p) => p.tid).sort();
  assert.deepEqual(taken, m.attempts.filter((a) => a.tid).map((a) => a.tid).sort(), where('the approvals Smartro made'));
}

class Session {
  /** @param {number} order */
  constructor(order) {
    this.order = order;
  }
  check() {
    return true;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const res = await r.s.postJson('/api/kpg/session', { provider: 'smartro', order_id: m.orders[this.order], device_type: 2, pay_method: 'card' });
    const paid = paidOf(m, this.order);
    const open = openOf(m, this.order);
    const now = r.clock.now();
    const replaceable = open?.status === 'pending' && (now - open.createdAt >= TTL_MS || (open.closedAt !== null && now - open.closedAt >= QUIET_MS));
    if (paid) assert.deepEqual([res.status, res.json?.code], [409, 'already-paid'], res.text);
    else if (open && !replaceable) assert.deepEqual([res.status, res.json?.code, res.json?.order_no, res.json?.status], [409, 'attempt-in-progress', open.order_no, open.status], res.text);
    else {
      if (open) {
        Object.assign(open, { status: 'cancelled', reason: 'superseded' });
        expectEvent(m, open.order_no, 'payment.cancelled');
      }
      assert.equal(res.status, 200, res.text);
      m.attempts.push({ order: this.order, order_no: res.json.order_no, session: res.json, status: 'pending', createdAt: now, closedAt: null, reason: null, code: null, form: null, tid: null });
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `Session(order ${this.order})`;
  }
}

/** The buyer approves in Smartro's window (an old tab too): Smartro takes the money; the result form waits. */
class Approve {
  /** @param {number} pick */
  constructor(pick) {
    this.pick = pick;
  }
  /** @param {Model} m */
  check(m) {
    return m.attempts.some((a) => !a.form);
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const free = m.attempts.filter((a) => !a.form);
    const a = free[this.pick % free.length];
    const result = await smartroDecide(a.session, 'approve');
    assert.ok(result.action && result.fields.TID, `${this}: ${result.html.slice(0, 300)}`);
    a.form = { action: result.action, fields: result.fields };
    a.tid = result.fields.TID;
    await compare(m, r, this.toString());
  }
  toString() {
    return `Approve(#${this.pick})`;
  }
}

/** The signed result form reaches ReturnURL (once, or twice at once), the receipt API answering or failing. */
class Deliver {
  /** @param {number} pick @param {number} copies @param {boolean} fails @param {boolean} [raced] another instance decides first */
  constructor(pick, copies, fails, raced = false) {
    this.pick = pick;
    this.copies = copies;
    this.fails = fails;
    this.raced = raced;
  }
  /** @param {Model} m */
  check(m) {
    return m.attempts.some((a) => a.form);
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const sent = m.attempts.filter((a) => a.form);
    const a = sent[this.pick % sent.length];
    const form = /** @type {NonNullable<Attempt['form']>} */ (a.form);
    receiptFailing(r, this.fails);
    r.race.on = this.raced;
    const posts = await Promise.all(Array.from({ length: this.copies }, () => postForm(form.action, form.fields)));
    // The buyer's page: the result page (raced or not), never an error.
    for (const p of posts) assert.equal(p.status, 200, `${this}: ReturnURL answered ${p.status}: ${await p.text()}`);
    r.race.on = false;
    receiptFailing(r, false);
    const tid = /** @type {string} */ (a.tid);
    if (a.status === 'pending' || a.status === 'unknown') {
      if (this.fails) a.status = 'unknown';
      else {
        // No other attempt of the order can have taken the money while this one is open (migration 009).
        const other = paidOf(m, a.order);
        assert.ok(!other || other === a, `order ${a.order}: an open attempt beside a paid one (kpg_attempts_one_per_order)`);
        a.status = 'paid';
        expectEvent(m, a.order_no, 'payment.paid');
      }
    } else if ((a.status === 'cancelled' || a.status === 'failed') && !this.fails && !m.owed.has(tid)) {
      // A late approval for an attempt that is over: owed back, never dropped.
      m.owed.add(tid);
      expectEvent(m, a.order_no, 'refund.due');
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `Deliver(#${this.pick}${this.copies > 1 ? ', twice at once' : ''}${this.fails ? ', receipt API 500' : ''}${this.raced ? ', raced' : ''})`;
  }
}

/** The widget saw the buyer close Smartro's window: noted, not final (Smartro may have approved). */
class WindowClosed {
  /** @param {number} pick */
  constructor(pick) {
    this.pick = pick;
  }
  /** @param {Model} m */
  check(m) {
    return m.attempts.length > 0;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const a = m.attempts[this.pick % m.attempts.length];
    const res = await r.s.postJson('/api/kpg/result', { order_no: a.order_no, event: 'window-closed' });
    assert.equal(res.status, 200, res.text);
    if (a.status === 'pending') a.closedAt = r.clock.now();
    assert.equal(res.json.status, a.status, `${this}: what the widget is told`);
    await compare(m, r, this.toString());
  }
  toString() {
    return `WindowClosed(#${this.pick})`;
  }
}

/** reconcile(): attempts in doubt asked about by their TID; pending ones past attemptTtlMs expired. */
class Reconcile {
  /** @param {boolean} fails the receipt API answers 500 during this run @param {boolean} [raced] another instance decides first */
  constructor(fails, raced = false) {
    this.fails = fails;
    this.raced = raced;
  }
  check() {
    return true;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    receiptFailing(r, this.fails);
    r.race.on = this.raced;
    await r.s.kpg.reconcile().finally(() => (r.race.on = false));
    receiptFailing(r, false);
    const now = r.clock.now();
    for (const a of m.attempts) {
      if (a.status === 'unknown' && !this.fails) {
        const other = paidOf(m, a.order);
        assert.ok(!other || other === a, `order ${a.order}: an open attempt beside a paid one (kpg_attempts_one_per_order)`);
        a.status = 'paid';
        expectEvent(m, a.order_no, 'payment.paid');
      }
    }
    for (const a of m.attempts) {
      if (a.status !== 'pending' || !(a.createdAt < now - TTL_MS)) continue;
      Object.assign(a, { status: 'cancelled', reason: 'expired' });
      expectEvent(m, a.order_no, 'payment.cancelled');
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `Reconcile(${[this.fails ? 'receipt API 500' : '', this.raced ? 'raced' : ''].filter(Boolean).join(', ')})`;
  }
}

const ORDERS = 2;
const pick = fc.nat(7);
const order = fc.nat(ORDERS - 1);

export const smartroCommands = [
  order.map((o) => new Session(o)),
  pick.map((p) => new Approve(p)),
  pick.map((p) => new Approve(p)),
  fc.tuple(pick, fc.constantFrom(1, 1, 2), fc.constantFrom(false, false, true)).map(([p, copies, fails]) => new Deliver(p, copies, fails)),
  fc.tuple(pick, fc.constantFrom(1, 1, 2), fc.constantFrom(false, false, true), fc.boolean()).map(([p, copies, fails, raced]) => new Deliver(p, copies, fails, raced)),
  pick.map((p) => new WindowClosed(p)),
  fc.constantFrom(1, 4, 5, 10, 30, 31).map((min) => new Advance(min)),
  fc.tuple(fc.boolean(), fc.constantFrom(false, false, true)).map(([fails, raced]) => new Reconcile(fails, raced)),
];

/** @type {Record<string, Array<fc.AsyncCommand<Model, Real>>>} */
export const SMARTRO_SEQUENCES = {
  'a retry supersedes a closed window after smartroQuietMs; the old tab\'s approval that still arrives is owed back (refund_due), never dropped':
    [new Session(0), new WindowClosed(0), new Advance(4), new Session(0), new Advance(1), new Session(0), new Approve(0), new Deliver(0, 1, true), new Deliver(0, 1, false), new Deliver(0, 2, false)],
  'an approval the receipt API cannot confirm stays unknown (no second payment) until reconcile can ask; then paid, once':
    [new Session(1), new Approve(0), new Deliver(0, 2, true), new Session(1), new Reconcile(true), new Reconcile(false), new Deliver(0, 1, false), new Session(1)],
  'another instance decides first (a second copy of the result, reconcile on another instance): the store refuses each of this server\'s decisions, which answers with the attempt as the other left it (expired, paid, in doubt then paid; a late approval of the expired one owed back)':
    [new Session(0), new Advance(31), new Reconcile(false, true), new Session(0), new Approve(1), new Deliver(0, 1, false, true), new Session(1), new Approve(1), new Deliver(1, 1, true, true),
      new Reconcile(false, true), new Approve(0), new Deliver(2, 1, false, true)],
  'attemptTtlMs to the millisecond: at exactly 30 minutes reconcile does not expire a pending attempt yet (older than) but a new session replaces it (at least); its approval is then owed back':
    [new Session(0), new Advance(30), new Reconcile(false), new Session(0), new Approve(0), new Deliver(0, 1, false), new Reconcile(false)],
};

/** @param {'pglite' | 'postgres'} engineName */
export function smartroModelSuite(engineName) {
  const engine = /** @type {import('./server-helpers.mjs').Engine} */ (ENGINES.find((e) => e.name === engineName));
  onEngine(engine, 'a model of the attempt state machine (Smartro)', ({ store: storeOf }) => {
    /** @param {import('node:test').TestContext} t */
    async function system(t) {
      const clock = testClock();
      const pgs = await sandboxes(t, { now: clock.now });
      // Only the model delivers results: the sandbox's RetryURL notifications are held back.
      pgs.smartro.sandbox.state.faults.retry = { suppress: true, delayMs: 0 };
      const shop = shopOrders();
      const { store, race } = racingStore(storeOf());
      const s = await startServer(
        t,
        store,
        {
          smartro: { ...pgs.options.smartro, payMethods: ['card'] },
          loadOrder: shop.loadOrder,
          authorize: shop.authorize,
          rateLimit: false,
          recheckPaidDays: 0,
          retentionMs: 100 * 365 * 86_400_000,
          now: clock.date,
        },
        { secrets: SANDBOX_SECRETS },
      );
      const fresh = () => {
        receiptFailing(real, false);
        race.on = false;
        const orders = Array.from({ length: ORDERS }, () => shop.add({ amount: AMOUNT }).order_id);
        /** @type {Model} */
        const model = { orders, attempts: [], events: new Map(), owed: new Set() };
        return { model, real };
      };
      /** @type {Real} */
      const real = { s, pgs, clock, store: storeOf(), race };
      return { fresh };
    }

    modelTests({ system, sequences: SMARTRO_SEQUENCES, commands: smartroCommands });
  });
}
