// @ts-check
/**
 * Issue 20: a model of the attempt state machine. fast-check (`fc.commands`, `fc.asyncModelRun`) drives the
 * REAL kpg-checkout/server (its HTTP handler and its store, PGlite or PostgreSQL) through random interleavings
 * of what happens to Shinhan payments: sessions (a retry, two tabs at once), the PG's returns (approved,
 * refused, timed out or the connection dropped after the approval, 503 after or before it), the same return
 * twice at once, a browser's cancel/fail report, a closed window, confirm-info lookups that fail (500, 401),
 * reconcile runs, the pinned clock moving (expiry, the 30-minute confirm window), cancels (whole, partial,
 * above the balance, the same key again; the PG's cancel refused, in doubt after or before giving the money
 * back) and receipts (the PG's receipt API failing).
 *
 * After every command the real system is compared with a small reference model (below): each attempt's
 * status in the store and as result-url answers it (what the widget is told), the money the PG took and gave
 * back against the ledger (refunded_total, balance, refund_due), never more given back than taken, at most one
 * paid attempt per order, one confirm call per claimed return, and exactly one event in the outbox per outcome.
 *
 * Not a test file: test/node/server-model-{pglite,postgres}.test.mjs run it, one engine each (each within
 * node --test's per-file bound). A fixed seed by default; KPG_MODEL_SEED, KPG_MODEL_RUNS and
 * KPG_MODEL_COMMANDS explore (README: "A model of the attempt state machine").
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { answerJson, ENGINES, onEngine, postForm, readAll, serve, shopOrders, startServer } from './server-helpers.mjs';
import { Advance, modelTests, racingStore } from './model-harness.mjs';
import { testClock } from './clock.mjs';

const CLIENT_ID = 'kpgmodel01';
const PAYMENT_KEY = 'model-payment-key-4c1e77';
const SEARCH_KEY = 'model-search-key-9a03f2';
const AMOUNT = 11000;
const MINUTE = 60_000;
/** The server's attemptTtlMs (its default) and Shinhan's confirm window (providers/shinhan.ts CONFIRM_WINDOW_MS). */
const TTL_MS = 30 * MINUTE;
const CONFIRM_WINDOW_MS = 30 * MINUTE;


/** @param {string} text */
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * @typedef {'approve' | 'refuse' | 'timeout' | 'dropped' | 'error500' | 'lost'} ConfirmMode
 *   approve: approved and answered; refuse: ret_code != 0; timeout: approved, the answer never comes (the
 *   server's pgTimeoutMs ends the wait); dropped: approved, the connection is closed without an answer (what a
 *   time-out leaves the server knowing, at once: the random runs use it, so that no wait decides a step);
 *   error500: approved, answered 503; lost: NOT approved, answered 503
 * @typedef {'real' | 'error500' | 'unauthorized'} LookupMode confirm-info: the PG's records, a 500, a 401 (wrong key)
 * @typedef {'ok' | 'refuse' | 'timeout' | 'dropped' | 'error500' | 'lost'} CancelMode
 *   ok: cancelled and answered; refuse: ret_code != 0, nothing cancelled; timeout: cancelled, the answer never
 *   comes; dropped: cancelled, the connection closed without an answer; error500: cancelled, answered 503;
 *   lost: NOT cancelled, answered 503
 */

/**
 * A fake Shinhan PG told per step how to answer: payments/request, confirm, confirm-info, cancel, cancel/partial.
 * @param {import('node:test').TestContext} t
 */
async function startFakePg(t) {
  const pg = {
    /** @type {ConfirmMode} */ confirmMode: 'approve',
    /** @type {LookupMode} */ lookupMode: 'real',
    refuseRequests: false,
    /** @type {CancelMode} */ cancelMode: 'ok',
    receiptFails: false,
    cancelCalls: 0,
    /** order_no -> the request body it accepted @type {Map<string, any>} */ accepted: new Map(),
    /** order_no -> what it approved: the PG's own record @type {Map<string, { tid: string, amount: number, user_id: string, cancelled: number }>} */ approved: new Map(),
    /** every confirm call, by order_no @type {string[]} */ confirms: [],
    /** every cancel call @type {Array<{ tid: string, amount: number, full: boolean }>} */ cancels: [],
    seq: 0,
    origin: '',
  };
  pg.origin = await serve(t, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://pg.invalid');
    /** @param {number} status @param {unknown} body */
    const answer = (status, body) => answerJson(res, status, body);
    if (req.method === 'GET') {
      if (req.headers.authorization !== `SPGKEY ${SEARCH_KEY}`) return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
      if (url.pathname === '/v1.0/payments/confirm-info') {
        if (pg.lookupMode === 'error500') return answer(500, { ret_code: 999, ret_msg: 'internal error' });
        if (pg.lookupMode === 'unauthorized') return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
        const done = pg.approved.get(url.searchParams.get('order_no') ?? '');
        if (!done) return answer(401, { ret_code: 998, ret_msg: 'there is no data.' });
        const txStat = done.cancelled === 0 ? 1 : done.cancelled >= done.amount ? 2 : 3;
        return answer(200, { ret_code: 0, ret_msg: 'OK', user_id: done.user_id, tid: done.tid, tx_amount: done.amount, tx_stat: txStat, tx_date: '2026-11-30 23:59:00', ...(txStat === 2 ? { cncl_date: '2026-11-30 23:59:00', cncl_rsn: 'model' } : {}) });
      }
      if (url.pathname.startsWith('/v1.0/receipt/info/')) {
        if (pg.receiptFails) return answer(500, { ret_code: 999, ret_msg: 'internal error' });
        const tid = decodeURIComponent(url.pathname.slice('/v1.0/receipt/info/'.length));
        if (![...pg.approved.values()].some((p) => p.tid === tid)) return answer(200, { ret_code: 3001, ret_msg: 'there is no data.' });
        return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: `https://pg.example/receipt/${tid}` });
      }
      // No terms for the pgcode ("there is no data."): consent is required by default only where the PG has
      // terms, so these sessions need none (server-terms.test.mjs covers the terms).
      if (url.pathname === '/v1.0/payments/info/terms-info-list') return answer(401, { ret_code: 998, ret_msg: 'there is no data.' });
      return answer(404, { ret_code: 404, ret_msg: 'no such API' });
    }
    const body = JSON.parse((await readAll(req)).toString('utf8'));
    if (req.headers.authorization !== `SPGKEY ${PAYMENT_KEY}`) return answer(401, { ret_code: 998, ret_msg: 'token is missing or incorrect.' });
    if (url.pathname === '/v1.0/payments/request') {
      if (pg.refuseRequests) return answer(200, { ret_code: 201, ret_msg: '결제 요청이 거절되었습니다.' });
      pg.accepted.set(body.order_no, body);
      return answer(200, { ret_code: 0, ret_msg: 'OK', redirect_url: `https://pg.example/pgsvc/pay?token=${body.order_no}` });
    }
    if (url.pathname === '/v1.0/payments/confirm') {
      pg.confirms.push(body.order_no);
      const requested = pg.accepted.get(body.order_no);
      if (!requested || body.confirm_token !== `tok-${body.order_no}`) return answer(200, { ret_code: 1001, ret_msg: 'invalid confirm_token' });
      const mode = pg.confirmMode;
      if (mode === 'refuse') return answer(200, { ret_code: 1002, ret_msg: '승인 거절' });
      if (mode === 'lost') return answer(503, { ret_code: 999, ret_msg: 'busy' });
      if (pg.approved.has(body.order_no)) return answer(200, { ret_code: 1003, ret_msg: '이미 승인된 거래' });
      const tid = `M${++pg.seq}${body.order_no.replace(/[^A-Za-z0-9]/g, '').slice(-10)}`;
      pg.approved.set(body.order_no, { tid, amount: requested.amount, user_id: requested.user_id, cancelled: 0 });
      if (mode === 'timeout') return; // approved; the answer never comes (the server's pgTimeoutMs ends the wait)
      if (mode === 'dropped') return void res.destroy();
      if (mode === 'error500') return answer(503, { ret_code: 999, ret_msg: 'busy' });
      return answer(200, {
        ret_code: 0,
        ret_msg: 'OK',
        pay_type: 1,
        order_no: body.order_no,
        product_name: requested.product_name,
        user_id: requested.user_id,
        amount: String(requested.amount),
        tid,
        pay_ispt_hash: sha256(`${requested.user_id}${requested.amount}${tid}${PAYMENT_KEY}`).toUpperCase(),
        tx_date: '2026-11-30 23:59:00',
        pay_info: [{ card_cpny_cd: 'S001', card_name: 'BC카드', card_no: '940912******1234', card_aprv_no: '30001234', install_month: '00' }],
      });
    }
    if (url.pathname === '/v1.0/payments/cancel' || url.pathname === '/v1.0/payments/cancel/partial') {
      const full = url.pathname.endsWith('/cancel');
      pg.cancelCalls++;
      const mode = pg.cancelMode;
      if (mode === 'refuse') return answer(200, { ret_code: 2003, ret_msg: '취소 거절' });
      if (mode === 'lost') return answer(503, { ret_code: 999, ret_msg: 'busy' });
      const done = [...pg.approved.values()].find((p) => p.tid === body.tid);
      if (!done) return answer(200, { ret_code: 2001, ret_msg: 'no such tid' });
      const left = done.amount - done.cancelled;
      const amount = Number(body.amount);
      if (!(amount > 0) || amount > left || (full && amount !== left)) return answer(200, { ret_code: 2002, ret_msg: 'cancel amount exceeds the balance' });
      done.cancelled += amount;
      pg.cancels.push({ tid: body.tid, amount, full });
      if (mode === 'timeout') return; // cancelled; the answer never comes
      if (mode === 'dropped') return void res.destroy();
      if (mode === 'error500') return answer(503, { ret_code: 999, ret_msg: 'busy' });
      return answer(200, { ret_code: 0, ret_msg: 'OK', tid: body.tid, cid: `C${pg.cancels.length}`, amount, tx_date: '2026-11-30 23:59:00' });
    }
    answer(404, { ret_code: 404, ret_msg: 'no such API' });
  });
  return pg;
}

// -----------------------------------------------------------------------------------------------
// The reference model
// -----------------------------------------------------------------------------------------------

/**
 * @typedef {{ order: number, order_no: string, status: 'pending' | 'unknown' | 'paid' | 'failed' | 'cancelled' | 'refunded',
 *   reported: null | { status: 'failed' | 'cancelled', code: string }, createdAt: number, claimedAt: number | null,
 *   pgApproved: boolean, code: string | null, reason: string | null, refunded: number, inflight?: InFlight | null }} Attempt
 * @typedef {{ id: number, status: 'done' | 'unknown' | 'failed', amount: number }} Keyed a cancel the server recorded under its key
 * @typedef {{ amount: number, full: boolean, made: boolean, before: 'approved' | 'partial', staff: boolean, record: Keyed }} InFlight
 *   a cancel whose outcome is not known: held against the balance; `made`: the PG did give it back
 * @typedef {{ orders: string[], attempts: Attempt[], events: Map<string, number>, owed: Set<string>, cancels: Array<{ order: number, args: any }>,
 *   keyed: Map<string, Keyed>, receiptOk: Map<string, number> }} Model
 * @typedef {{ s: Awaited<ReturnType<typeof startServer>>, pg: Awaited<ReturnType<typeof startFakePg>>, clock: ReturnType<typeof testClock>, store: import('../../dist/server/index.js').PaymentStore, race: Race }} Real
 * @typedef {{ on: boolean }} Race while `on`, another instance decides first (model-harness.mjs racingStore)
 */

/** @param {Model} m @param {string} orderNo @param {string} type */
function expectEvent(m, orderNo, type) {
  const key = `${orderNo} ${type}`;
  m.events.set(key, (m.events.get(key) ?? 0) + 1);
}

/**
 * A pending attempt ends (window closed, expired): as a browser reported it (failed / cancelled), else cancelled
 * for `reason`; one event.
 * @param {Model} m @param {Attempt} a @param {string} reason
 */
function endPending(m, a, reason) {
  const failed = a.reported?.status === 'failed';
  if (failed) Object.assign(a, { status: 'failed', code: a.reported?.code });
  else Object.assign(a, { status: 'cancelled', reason: a.reported ? a.reported.code : reason });
  a.reported = null;
  expectEvent(m, a.order_no, failed ? 'payment.failed' : 'payment.cancelled');
}

/** The status result-url shows (a pending attempt shows what a browser reported). @param {Attempt} a */
const visible = (a) => (a.status === 'pending' && a.reported ? a.reported.status : a.status);
/** The attempt of an order that took the money (paid or refunded). @param {Model} m @param {number} order */
const paidOf = (m, order) => m.attempts.find((a) => a.order === order && (a.status === 'paid' || a.status === 'refunded'));
/** @param {Model} m @param {number} order */
const openOf = (m, order) => m.attempts.find((a) => a.order === order && (a.status === 'pending' || a.status === 'unknown'));

/**
 * What the server does with a verified approval of `a` (settlement.ts apply, 'paid'): paid. No other attempt
 * of the order can have taken the money while `a` is open (one index holds both: migration 009).
 * @param {Model} m @param {Attempt} a
 */
function modelPaid(m, a) {
  const other = paidOf(m, a.order);
  assert.ok(!other || other === a, `order ${a.order}: an open attempt beside a paid one (kpg_attempts_one_per_order)`);
  a.status = 'paid';
  expectEvent(m, a.order_no, 'payment.paid');
}

/**
 * Every step ends here: the real system against the model.
 * @param {Model} m @param {Real} r @param {string} step
 */
async function compare(m, r, step) {
  const where = (/** @type {string} */ what) => `${step}: ${what}`;
  for (const a of m.attempts) {
    const row = await r.store.getAttempt(a.order_no);
    assert.ok(row, where(`${a.order_no} is in the store`));
    assert.equal(row.status, a.status, where(`${a.order_no}'s status in the store`));
    // What the widget is told (result-url).
    const res = await r.s.call(`/api/kpg/result?order_no=${encodeURIComponent(a.order_no)}`);
    assert.equal(res.status, 200, where(res.text));
    const v = res.json;
    assert.equal(v.status, visible(a), where(`${a.order_no}: result-url's status`));
    const approval = r.pg.approved.get(a.order_no);
    if (a.status === 'paid' || a.status === 'refunded') {
      assert.equal(v.tid, approval?.tid, where(`${a.order_no}: result-url names the TID the PG approved`));
      if (a.refunded > 0) assert.deepEqual([v.refunded_total, v.balance], [a.refunded, AMOUNT - a.refunded], where(`${a.order_no}: refunded_total and balance`));
      else assert.equal(v.refunded_total, undefined, where(`${a.order_no}: nothing given back yet`));
    } else {
      assert.equal(v.tid, undefined, where(`${a.order_no}: no TID shown for ${v.status}`));
    }
    if (visible(a) === 'failed') assert.equal(v.code, a.status === 'pending' ? a.reported?.code : a.code, where(`${a.order_no}: the failure's code`));
    if (visible(a) === 'cancelled') assert.equal(v.reason, a.status === 'pending' ? a.reported?.code : a.reason, where(`${a.order_no}: the cancel's reason`));
    // Money: the PG took it only where the model says so, and gave back exactly what the ledger holds.
    assert.equal(Boolean(approval), a.pgApproved, where(`${a.order_no}: the PG approved it`));
    if (approval) {
      const unrecorded = a.inflight?.made ? a.inflight.amount : 0;
      assert.equal(approval.cancelled, a.refunded + unrecorded, where(`${a.order_no}: given back at the PG (the ledger's done cancels, and one in doubt that the PG made)`));
      assert.ok(approval.cancelled <= approval.amount, where('never more given back than taken'));
    }
  }
  for (let order = 0; order < m.orders.length; order++) {
    // The order's state as the store reads it: the attempt that took the money and the open one are the
    // model's (no attempt the model does not know took money or is open; at most one of each).
    const state = await r.store.orderState(m.orders[order]);
    assert.deepEqual([state.paid?.order_no, state.open?.order_no], [paidOf(m, order)?.order_no, openOf(m, order)?.order_no], where(`order ${order}: its paid and open attempts`));
    // The outbox: exactly the events the model expects, once each.
    const events = await r.s.kpg.events({ orderId: m.orders[order], limit: 1000 });
    /** @type {Map<string, number>} */
    const seen = new Map();
    for (const e of events) seen.set(`${e.order_no} ${e.type}`, (seen.get(`${e.order_no} ${e.type}`) ?? 0) + 1);
    /** @type {Map<string, number>} */
    const expected = new Map();
    const mine = new Set(m.attempts.filter((a) => a.order === order).map((a) => a.order_no));
    for (const [key, n] of m.events) if (mine.has(key.split(' ')[0])) expected.set(key, n);
    assert.deepEqual(Object.fromEntries([...seen].sort()), Object.fromEntries([...expected].sort()), where(`order ${order}: its events in the outbox`));
  }
  // Money owed back: the approvals no payment stands for.
  const due = (await r.s.kpg.refundsDue()).filter((d) => m.orders.includes(d.order_id)).map((d) => d.tid).sort();
  assert.deepEqual(due, [...m.owed].sort(), where('refund_due'));
}

// -----------------------------------------------------------------------------------------------
// Commands
// -----------------------------------------------------------------------------------------------

/** @implements {fc.AsyncCommand<Model, Real>} */
class Session {
  /** @param {number} order @param {boolean} refused the PG refuses payments/request */
  constructor(order, refused) {
    this.order = order;
    this.refused = refused;
  }
  check() {
    return true;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    r.pg.refuseRequests = this.refused;
    const res = await r.s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: m.orders[this.order], device_type: 2, pgcode: 'card' });
    r.pg.refuseRequests = false;
    const paid = paidOf(m, this.order);
    const open = openOf(m, this.order);
    if (paid) {
      assert.deepEqual([res.status, res.json?.code, res.json?.order_no], [409, 'already-paid', paid.order_no], res.text);
    } else if (open?.status === 'unknown') {
      assert.deepEqual([res.status, res.json?.code, res.json?.order_no, res.json?.status], [409, 'attempt-in-progress', open.order_no, 'unknown'], res.text);
    } else {
      if (open) {
        // pending: superseded by the new attempt (a retry, a second tab).
        Object.assign(open, { status: 'cancelled', reason: 'superseded' });
        expectEvent(m, open.order_no, 'payment.cancelled');
      }
      /** @type {Attempt} */
      const a = { order: this.order, order_no: res.json?.order_no, status: 'pending', reported: null, createdAt: r.clock.now(), claimedAt: null, pgApproved: false, code: null, reason: null, refunded: 0 };
      if (this.refused) {
        assert.deepEqual([res.status, res.json?.code], [502, 'pg-refused'], res.text);
        Object.assign(a, { status: 'failed', code: 'pg-refused' });
        expectEvent(m, a.order_no, 'payment.failed');
      } else {
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.redirect_url, `https://pg.example/pgsvc/pay?token=${a.order_no}`);
      }
      assert.ok(typeof a.order_no === 'string' && a.order_no.startsWith(m.orders[this.order]), res.text);
      m.attempts.push(a);
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `Session(order ${this.order}${this.refused ? ', PG refuses' : ''})`;
  }
}

/**
 * Two sessions of one order at once (two tabs): the order ends with ONE open attempt; each other attempt either
 * was never inserted (409 attempt-in-progress) or was superseded (cancelled, one event each). Which tab wins is
 * the race's: the model takes the winner from the store and checks the rest.
 */
class TwoTabs {
  /** @param {number} order */
  constructor(order) {
    this.order = order;
  }
  check() {
    return true;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const body = { provider: 'shinhan', order_id: m.orders[this.order], device_type: 2, pgcode: 'card' };
    const answers = await Promise.all([r.s.postJson('/api/kpg/session', body), r.s.postJson('/api/kpg/session', body)]);
    const said = `${this}: ${answers.map((a) => a.text).join(' | ')}`;
    const paid = paidOf(m, this.order);
    const open = openOf(m, this.order);
    if (paid) {
      for (const a of answers) assert.deepEqual([a.status, a.json?.code], [409, 'already-paid'], said);
    } else if (open?.status === 'unknown') {
      for (const a of answers) assert.deepEqual([a.status, a.json?.code, a.json?.order_no], [409, 'attempt-in-progress', open.order_no], said);
    } else {
      if (open) {
        Object.assign(open, { status: 'cancelled', reason: 'superseded' });
        expectEvent(m, open.order_no, 'payment.cancelled');
      }
      const created = answers.filter((a) => a.status === 200).map((a) => /** @type {string} */ (a.json.order_no));
      assert.ok(created.length >= 1, said);
      for (const a of answers) if (a.status !== 200) assert.deepEqual([a.status, a.json?.code], [409, 'attempt-in-progress'], said);
      const statuses = await Promise.all(created.map(async (no) => (await r.store.getAttempt(no))?.status));
      assert.equal(statuses.filter((st) => st === 'pending').length, 1, `${said}: one open attempt`);
      created.forEach((no, i) => {
        /** @type {Attempt} */
        const a = { order: this.order, order_no: no, status: 'pending', reported: null, createdAt: r.clock.now(), claimedAt: null, pgApproved: false, code: null, reason: null, refunded: 0 };
        if (statuses[i] !== 'pending') {
          Object.assign(a, { status: 'cancelled', reason: 'superseded' });
          expectEvent(m, no, 'payment.cancelled');
        }
        m.attempts.push(a);
      });
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `TwoTabs(order ${this.order})`;
  }
}

/** The PG's return (return_url) for an attempt: the copy that claims it calls confirm, once. */
class Return {
  /** @param {number} pick @param {ConfirmMode} mode @param {number} copies 1, or 2 at once (a double post) @param {boolean} [raced] another instance decides first (Race) */
  constructor(pick, mode, copies, raced = false) {
    this.pick = pick;
    this.mode = mode;
    this.copies = copies;
    this.raced = raced;
  }
  /** @param {Model} m */
  check(m) {
    return m.attempts.length > 0;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const a = m.attempts[this.pick % m.attempts.length];
    const nonce = (await r.store.getAttempt(a.order_no))?.nonce ?? '';
    const confirmsBefore = r.pg.confirms.filter((n) => n === a.order_no).length;
    r.pg.confirmMode = this.mode;
    r.race.on = this.raced;
    const posts = await Promise.all(
      Array.from({ length: this.copies }, () => postForm(`${r.s.base}/api/kpg/shinhan/return`, { order_no: a.order_no, custom_parameter: nonce, confirm_token: `tok-${a.order_no}` })),
    );
    // The buyer's page: the result page (raced or not), never an error.
    for (const p of posts) assert.equal(p.status, 200, `${this}: the return page answered ${p.status}: ${await p.text()}`);
    for (const p of posts) await p.arrayBuffer().catch(() => undefined);
    r.race.on = false;
    r.pg.confirmMode = 'approve';
    const confirms = r.pg.confirms.filter((n) => n === a.order_no).length - confirmsBefore;
    if (a.status === 'pending') {
      assert.equal(confirms, 1, `${this}: one confirm call, whatever the copies`);
      a.claimedAt = r.clock.now();
      if (this.mode === 'approve') {
        a.pgApproved = true;
        modelPaid(m, a);
      } else if (this.mode === 'refuse') {
        Object.assign(a, { status: 'failed', code: 'confirm-refused' });
        expectEvent(m, a.order_no, 'payment.failed');
      } else {
        // timed out / 503: the outcome is not known (fault 2: never "failed"); reconcile learns it.
        a.pgApproved = this.mode !== 'lost';
        a.status = 'unknown';
      }
    } else {
      assert.equal(confirms, 0, `${this}: a return for a ${a.status} attempt is not confirmed`);
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `Return(#${this.pick}, ${this.mode}${this.copies > 1 ? ', twice at once' : ''}${this.raced ? ', raced' : ''})`;
  }
}

/** A browser at the PG's cancel_url / fail_url: noted on a pending attempt, never final. */
class Report {
  /** @param {number} pick @param {'cancelled' | 'failed'} kind */
  constructor(pick, kind) {
    this.pick = pick;
    this.kind = kind;
  }
  /** @param {Model} m */
  check(m) {
    return m.attempts.length > 0;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const a = m.attempts[this.pick % m.attempts.length];
    const path = this.kind === 'cancelled' ? `/api/kpg/shinhan/cancel?order_no=${encodeURIComponent(a.order_no)}` : `/api/kpg/shinhan/fail?order_no=${encodeURIComponent(a.order_no)}&ret_code=9999&ret_msg=x`;
    const res = await r.s.call(path, { buyer: null });
    assert.ok(res.status < 500, res.text);
    if (a.status === 'pending') a.reported = { status: this.kind, code: this.kind === 'cancelled' ? 'buyer-cancelled' : 'pg-failed' };
    await compare(m, r, this.toString());
  }
  toString() {
    return `Report(#${this.pick}, ${this.kind})`;
  }
}

/** The widget saw the buyer close the PG window (POST result-url): a pending Shinhan attempt ends. */
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
    if (a.status === 'pending') {
      endPending(m, a, 'popup-closed');
    }
    assert.equal(res.json.status, visible(a), `${this}: what the widget is told`);
    await compare(m, r, this.toString());
  }
  toString() {
    return `WindowClosed(#${this.pick})`;
  }
}

/** From now on confirm-info answers this way (reconcile's lookups, a partial cancel's check). */
class Lookups {
  /** @param {LookupMode} mode */
  constructor(mode) {
    this.mode = mode;
  }
  check() {
    return true;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    r.pg.lookupMode = this.mode;
  }
  toString() {
    return `Lookups(${this.mode})`;
  }
}

/**
 * reconcile(): unknown attempts asked about, pending ones past attemptTtlMs expired. `lookups`: confirm-info
 * answers this way during this run only (undefined: as the last Lookups command left it).
 */
class Reconcile {
  /** @param {LookupMode} [lookups] @param {boolean} [raced] another instance decides first (Race) */
  constructor(lookups, raced = false) {
    this.lookups = lookups;
    this.raced = raced;
  }
  check() {
    return true;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const mode = r.pg.lookupMode;
    if (this.lookups) r.pg.lookupMode = this.lookups;
    const lookups = r.pg.lookupMode;
    r.race.on = this.raced;
    const report = await r.s.kpg.reconcile().finally(() => (r.race.on = false));
    r.pg.lookupMode = mode;
    assert.equal(report.ran, true);
    const now = r.clock.now();
    for (const a of m.attempts) {
      if (a.status !== 'unknown') continue;
      if (lookups !== 'real') continue; // a lookup that failed proves nothing: still unknown
      if (a.pgApproved) modelPaid(m, a);
      else if (now - /** @type {number} */ (a.claimedAt) >= CONFIRM_WINDOW_MS) {
        // "there is no data." once the confirm window is over: no confirm can take money any more.
        Object.assign(a, { status: 'failed', code: 'not-charged' });
        expectEvent(m, a.order_no, 'payment.failed');
      }
    }
    for (const a of m.attempts) {
      if (a.status !== 'pending' || !(a.createdAt < now - TTL_MS)) continue;
      endPending(m, a, 'expired');
    }
    // Cancels in doubt, from confirm-info's tx_stat (cancelSettleMs 0: every one is old enough to judge).
    for (const a of m.attempts) {
      const c = a.inflight;
      if (!c || c.staff || lookups !== 'real') continue;
      const state = pgStateOf(r, a);
      if (c.full ? state === 'cancelled' : state === 'partial' && c.before === 'approved') {
        const amount = c.full ? AMOUNT - a.refunded : c.amount;
        a.refunded += amount;
        if (a.refunded === AMOUNT) a.status = 'refunded';
        Object.assign(c.record, { status: 'done', amount });
        a.inflight = null;
        expectEvent(m, a.order_no, 'payment.refunded');
      } else if (c.full || state === 'approved') {
        Object.assign(c.record, { status: 'failed' });
        a.inflight = null;
      } else {
        // tx_stat 3 before and after a partial cancel proves nothing: staff check Shinhan's admin site.
        c.staff = true;
      }
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `Reconcile(${[this.lookups ? `confirm-info ${this.lookups}` : '', this.raced ? 'raced' : ''].filter(Boolean).join(', ')})`;
  }
}

/**
 * kpg.cancel(): the whole balance, a part, more than the balance, or the previous call again (same key); the
 * PG's cancel answers as `pgMode` says (done, refused, timed out after cancelling, 503 after or before it).
 */
class Cancel {
  /** @param {number} order @param {'full' | number | 'again'} what @param {CancelMode} pgMode */
  constructor(order, what, pgMode = 'ok') {
    this.order = order;
    this.what = what;
    this.pgMode = pgMode;
  }
  /** @param {Model} m */
  check(m) {
    return this.what !== 'again' || m.cancels.length > 0;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const previous = this.what === 'again' ? m.cancels[m.cancels.length - 1] : undefined;
    const order = previous ? previous.order : this.order;
    const args = previous ? previous.args : { order_id: m.orders[order], reason: '모델 취소', idempotency_key: `model-${m.orders[order]}-${m.cancels.length}`, ...(this.what === 'full' ? {} : { amount: this.what }) };
    const pgCallsBefore = r.pg.cancelCalls;
    const paid = paidOf(m, order);
    const pgState = paid ? pgStateOf(r, paid) : undefined; // what confirm-info says before this cancel
    r.pg.cancelMode = this.pgMode;
    /** @type {any} */
    let answer;
    try {
      answer = await r.s.kpg.cancel(args);
    } catch (error) {
      answer = { thrown: /** @type {any} */ (error).status, code: /** @type {any} */ (error).code };
    }
    r.pg.cancelMode = 'ok';
    const pgCalls = r.pg.cancelCalls - pgCallsBefore;
    const said = `${this}: ${JSON.stringify(answer)}`;
    const recorded = m.keyed.get(args.idempotency_key);
    /** @param {string} code */
    const refusedAs = (code) => assert.deepEqual([answer.status, answer.code, pgCalls], ['refused', code, 0], said);
    if (recorded) {
      // The same key and arguments: the same cancel as it stands now, no second PG call.
      assert.deepEqual([answer.status, answer.cancel_id, pgCalls], [recorded.status === 'failed' ? 'refused' : recorded.status, recorded.id, 0], said);
      if (recorded.status === 'done') assert.equal(answer.cancelled_amount, recorded.amount, said);
    } else if (!paid) {
      assert.deepEqual([answer.thrown, answer.code], [404, 'no-payment'], said);
    } else {
      const held = paid.refunded + (paid.inflight?.amount ?? 0);
      const balance = AMOUNT - held;
      const asked = args.amount;
      const full = asked === undefined || asked === balance;
      if (AMOUNT - paid.refunded <= 0) refusedAs('nothing-left');
      else if (asked !== undefined && asked > balance) refusedAs(held > paid.refunded ? 'cancel-in-flight' : 'exceeds-balance');
      else if (balance <= 0) refusedAs('cancel-in-flight');
      // A Shinhan partial cancel asks confirm-info first: unasked, nothing is sent.
      else if (!full && r.pg.lookupMode !== 'real') refusedAs('pg-unreachable');
      else if (!full && pgState === 'cancelled') refusedAs('nothing-left');
      else if (!full && pgState === 'partial' && paid.refunded === 0) refusedAs('pg-cancel-unrecorded');
      else if (paid.inflight) refusedAs('cancel-in-flight');
      else {
        const amount = full ? balance : /** @type {number} */ (asked);
        assert.equal(pgCalls, 1, `${said}: one PG call`);
        assert.equal(typeof answer.cancel_id, 'number', said);
        if (this.pgMode === 'ok') {
          paid.refunded += amount;
          if (paid.refunded === AMOUNT) paid.status = 'refunded';
          expectEvent(m, paid.order_no, 'payment.refunded');
          assert.deepEqual([answer.status, answer.cancelled_amount, answer.refunded_total, answer.balance], ['done', amount, paid.refunded, AMOUNT - paid.refunded], said);
          m.keyed.set(args.idempotency_key, { id: answer.cancel_id, status: 'done', amount });
        } else if (this.pgMode === 'refuse') {
          assert.deepEqual([answer.status, answer.code], ['refused', 'pg-refused'], said);
          m.keyed.set(args.idempotency_key, { id: answer.cancel_id, status: 'failed', amount: 0 });
        } else {
          // Not known whether the PG gave it back: held against the balance, never sent again; reconcile asks.
          assert.deepEqual([answer.status, answer.code], ['unknown', 'pg-unreachable'], said);
          const record = { id: answer.cancel_id, status: /** @type {'unknown'} */ ('unknown'), amount };
          m.keyed.set(args.idempotency_key, record);
          paid.inflight = { amount, full, made: this.pgMode !== 'lost', before: pgState === 'partial' ? 'partial' : 'approved', staff: false, record };
        }
      }
    }
    m.cancels.push({ order, args });
    await compare(m, r, this.toString());
  }
  toString() {
    const what = this.what === 'again' ? 'the previous one again' : `order ${this.order}, ${this.what === 'full' ? 'everything left' : `${this.what} KRW`}`;
    return `Cancel(${what}${this.pgMode === 'ok' ? '' : `, PG ${this.pgMode}`})`;
  }
}

/**
 * What confirm-info's tx_stat says of a payment (its approval's cancels at the PG).
 * @param {Real} r @param {Attempt} a @returns {'approved' | 'partial' | 'cancelled'}
 */
function pgStateOf(r, a) {
  const p = /** @type {NonNullable<ReturnType<typeof r.pg.approved.get>>} */ (r.pg.approved.get(a.order_no));
  return p.cancelled === 0 ? 'approved' : p.cancelled >= p.amount ? 'cancelled' : 'partial';
}

/** The receipt of an attempt's TID (GET /api/kpg/receipt): the PG's receipt API answers, or fails (500). */
class Receipt {
  /** @param {number} pick @param {boolean} fails */
  constructor(pick, fails) {
    this.pick = pick;
    this.fails = fails;
  }
  /** @param {Model} m */
  check(m) {
    return m.attempts.length > 0;
  }
  /** @param {Model} m @param {Real} r */
  async run(m, r) {
    const a = m.attempts[this.pick % m.attempts.length];
    const tid = r.pg.approved.get(a.order_no)?.tid ?? `Mnone${this.pick}`;
    r.pg.receiptFails = this.fails;
    const res = await r.s.call(`/api/kpg/receipt?tid=${encodeURIComponent(tid)}`);
    r.pg.receiptFails = false;
    if (a.status !== 'paid' && a.status !== 'refunded') {
      // One answer for a TID that is no payment (an approval owed back, one still unknown, none).
      assert.deepEqual([res.status, res.json?.code], [404, 'unknown-tid'], `${this}: ${res.text}`);
    } else if (this.fails && m.receiptOk.get(tid) !== r.clock.now()) {
      assert.equal(res.status, 502, `${this}: ${res.text}`);
    } else {
      // A receipt answered within receiptCacheMs (30 s of the pinned clock) is not asked again.
      assert.deepEqual([res.status, res.json?.redirect_url], [200, `https://pg.example/receipt/${tid}`], `${this}: ${res.text}`);
      if (!m.receiptOk.has(tid) || m.receiptOk.get(tid) !== r.clock.now()) m.receiptOk.set(tid, r.clock.now());
    }
    await compare(m, r, this.toString());
  }
  toString() {
    return `Receipt(#${this.pick}${this.fails ? ', the PG answers 500' : ''})`;
  }
}

const ORDERS = 2;
const pick = fc.nat(7);
const order = fc.nat(ORDERS - 1);

/** Every command the model knows (fc.commands picks among these evenly: a command listed twice comes twice as often). */
export const commandArbitraries = [
  fc.tuple(order, fc.constantFrom(false, false, false, true)).map(([o, refused]) => new Session(o, refused)),
  order.map((o) => new TwoTabs(o)),
  fc
    .tuple(pick, fc.constantFrom(...(/** @type {const} */ (['approve', 'approve', 'refuse', 'dropped', 'error500', 'lost']))), fc.constantFrom(1, 1, 2), fc.constantFrom(false, false, true))
    .map(([p, mode, copies, raced]) => new Return(p, mode, copies, raced)),
  pick.map((p) => new Return(p, 'approve', 1)),
  fc.tuple(pick, fc.constantFrom(...(/** @type {const} */ (['cancelled', 'failed'])))).map(([p, kind]) => new Report(p, kind)),
  pick.map((p) => new WindowClosed(p)),
  fc.constantFrom(1, 10, 20, 30, 31).map((min) => new Advance(min)),
  fc.constant(new Reconcile()),
  fc.constantFrom(...(/** @type {const} */ (['real', 'real', 'error500', 'unauthorized']))).map((mode) => new Lookups(mode)),
  fc.constantFrom(...(/** @type {const} */ (['real', 'error500', 'unauthorized']))).map((mode) => new Reconcile(mode)),
  fc.constant(new Reconcile('real', true)),
  fc.tuple(order, fc.constantFrom(...(/** @type {const} */ (['full', 1000, 4000, 11000, 12000, 'again'])))).map(([o, what]) => new Cancel(o, what)),
  fc
    .tuple(order, fc.constantFrom(...(/** @type {const} */ (['full', 1000, 4000, 'again']))), fc.constantFrom(...(/** @type {const} */ (['ok', 'refuse', 'dropped', 'error500', 'lost']))))
    .map(([o, what, mode]) => new Cancel(o, what, mode)),
  fc.tuple(pick, fc.boolean()).map(([p, fails]) => new Receipt(p, fails)),
];

/**
 * Fixed sequences, run before the random ones: the paths where an error must not be read as absence, and
 * the edges of the clock (README: "A model of the attempt state machine").
 * @type {Record<string, Array<fc.AsyncCommand<Model, Real>>>}
 */
export const SEQUENCES = {
  'a confirm that timed out after the PG approved: a 401 or 500 from confirm-info past the confirm window proves nothing (still unknown, not "not charged"); the PG\'s records then make it paid':
    [new Session(0, false), new Return(0, 'timeout', 1), new Advance(31), new Reconcile('unauthorized'), new Reconcile('error500'), new Reconcile('real')],
  'a confirm lost before the approval: unknown until the 30-minute confirm window is over (exactly 30 minutes: not charged), never before':
    [new Session(0, false), new Return(0, 'lost', 1), new Advance(20), new Reconcile('real'), new Advance(10), new Reconcile('real'), new Session(0, false)],
  'expiry: a pending attempt is expired only once MORE than attemptTtlMs has passed; a browser\'s report becomes its outcome':
    [new Session(0, false), new Report(0, 'failed'), new Advance(30), new Reconcile(), new Advance(1), new Reconcile(), new Return(0, 'approve', 1)],
  'cancels: a part, more than the balance, the same key again, a part while confirm-info fails, the rest; the order takes no new payment':
    [new Session(0, false), new Return(0, 'approve', 2), new Cancel(0, 4000), new Cancel(0, 12000), new Cancel(0, 'again'), new Lookups('error500'), new Cancel(0, 1000), new Cancel(0, 'again'), new Cancel(0, 'full'), new Cancel(0, 'again'), new Session(0, false)],
  'a whole cancel that timed out after the PG gave the money back: held, its key answers unknown with no second call, other cancels are refused, and reconcile records it once confirm-info answers':
    [new Session(0, false), new Return(0, 'approve', 1), new Cancel(0, 'full', 'timeout'), new Cancel(0, 'again'), new Cancel(0, 1000), new Reconcile('error500'), new Reconcile('real'), new Cancel(0, 'full'), new Session(0, false)],
  'partial cancels in doubt: one the PG never made fails; one it made is proven by tx_stat 1 -> 3; one after that cannot be proven (staff) and holds the balance':
    [new Session(1, false), new Return(0, 'approve', 1), new Cancel(1, 4000, 'lost'), new Reconcile('real'), new Cancel(1, 'again'), new Cancel(1, 4000, 'error500'), new Cancel(1, 1000), new Reconcile('real'),
      new Cancel(1, 1000, 'dropped'), new Reconcile('real'), new Cancel(1, 'full'), new Cancel(1, 'again')],
  'another instance decides first (a second copy of the return, reconcile on another instance): the store refuses each of this server\'s decisions, which answers with the attempt as the other left it (expired, refused, in doubt then paid, lost then not charged, paid)':
    [new Session(0, false), new Advance(31), new Reconcile('real', true), new Session(0, false), new Return(1, 'refuse', 1, true), new Session(0, false), new Return(2, 'dropped', 1, true), new Reconcile('real', true),
      new Session(1, false), new Return(3, 'lost', 1, true), new Advance(31), new Reconcile('real', true), new Session(1, false), new Return(4, 'approve', 2, true)],
  'receipts: a 500 from the PG is a 502, an answer is kept for receiptCacheMs of the pinned clock, a TID that is no payment is 404':
    [new Session(0, false), new Receipt(0, false), new Return(0, 'dropped', 1), new Receipt(0, false), new Reconcile('real'), new Receipt(0, true), new Receipt(0, false), new Receipt(0, true), new Advance(1), new Receipt(0, true)],
};

/**
 * The model test on one engine.
 * @param {'pglite' | 'postgres'} engineName
 */
export function modelSuite(engineName) {
  const engine = /** @type {import('./server-helpers.mjs').Engine} */ (ENGINES.find((e) => e.name === engineName));
  onEngine(engine, 'a model of the attempt state machine (Shinhan)', ({ store: storeOf }) => {
    /**
     * The real system for one test: a fake PG, a shop, a pinned clock and a server over the suite's store.
     * pgTimeoutMs: long, so that no call but one the fake PG holds on purpose ever times out, however loaded
     * the machine; a sequence with a real time-out holds one for this long.
     * @param {import('node:test').TestContext} t
     */
    async function system(t, pgTimeoutMs = 10_000) {
      const pg = await startFakePg(t);
      const shop = shopOrders();
      // One clock for the whole test, only ever moved forward: attempts of earlier runs stay behind it.
      const clock = testClock();
      const { store, race } = racingStore(storeOf());
      const s = await startServer(
        t,
        store,
        {
          shinhan: { apiBase: `${pg.origin}/`, clientId: CLIENT_ID, paymentApiKey: PAYMENT_KEY, searchApiKey: SEARCH_KEY, pgcodes: ['card'] },
          loadOrder: shop.loadOrder,
          authorize: shop.authorize,
          pgTimeoutMs,
          rateLimit: false,
          recheckPaidDays: 0,
          cancelSettleMs: 0,
          // The clock only moves forward over all runs: no attempt of a long exploration is pruned under the model.
          retentionMs: 100 * 365 * 86_400_000,
          now: clock.date,
        },
        { secrets: [PAYMENT_KEY, SEARCH_KEY] },
      );
      /** A fresh model and its orders, the real system reset to its defaults. */
      const fresh = () => {
        pg.confirmMode = 'approve';
        pg.lookupMode = 'real';
        pg.refuseRequests = false;
        pg.cancelMode = 'ok';
        pg.receiptFails = false;
        const orders = Array.from({ length: ORDERS }, () => shop.add({ amount: AMOUNT }).order_id);
        /** @type {Model} */
        const model = { orders, attempts: [], events: new Map(), owed: new Set(), cancels: [], keyed: new Map(), receiptOk: new Map() };
        race.on = false;
        return { model, real: { s, pg, clock, store: storeOf(), race } };
      };
      return { fresh };
    }

    // Sequences worth keeping whatever the generator draws (and shrunk failures, as regression tests); one
    // with a real time-out gets a short pgTimeoutMs.
    modelTests({
      system: (t, sequence) => system(t, sequence?.some((c) => /timeout/.test(String(c))) ? 3000 : undefined),
      sequences: SEQUENCES,
      commands: commandArbitraries,
    });
  });
}
