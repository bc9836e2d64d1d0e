// @ts-check
/**
 * Issue 23, phase B: the staff console's routes (docs/staff-api.md) on the real server over the sandbox PGs,
 * on both engines. Every answer parses with the server's schema (dist/server/staff-schemas.js) and the
 * console's (dist/esm/kpg-admin/api.js). Search by every key, masked in lists; one order's story through a
 * partial and a full cancel; money owed back resolved once; a dead delivery re-queued; reconcile now; every
 * action in the audit table. Refusals: a buyer's session gets 403 on every staff route, a cross-site request
 * is refused, a staff route without authorizeStaff is 404. Run after the build.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { tickingClock } from './clock.mjs';
import { refundedEvents, transitionEvents } from '../../dist/server/payments/events.js';
import { forEachEngine, postForm, recordOwed, sandboxes, SANDBOX_SECRETS, SANDBOX_SMARTRO_CANCEL_PASSWORD, shinhanDecide, shopOrders, smartroDecide, startServer, storeWith, uid } from './server-helpers.mjs';
import { PROMOTIONS, STAFF } from './server-cancels-setup.mjs';

const server = await import('../../dist/server/staff-schemas.js');
const { openPglite } = await import('../../dist/server/store/pglite.js');
const { openPostgres } = await import('../../dist/server/store/postgres.js');
const { createSqlStore } = await import('../../dist/server/store/sql-store.js');

/** UPDATE and DELETE of kpg_staff_audit fail with the trigger's constraint. @param {any} sql */
async function refusedBoth(sql) {
  for (const statement of ['UPDATE kpg_staff_audit SET answer = $1', 'DELETE FROM kpg_staff_audit WHERE answer IS DISTINCT FROM $1']) {
    await assert.rejects(sql.query(statement, ['forged']), (/** @type {any} */ e) => {
      assert.equal(e.code, '23514', e.message);
      assert.match(String(e.constraint ?? e.message), /kpg_staff_audit_append_only|append-only/);
      return true;
    });
  }
  const { rows } = await sql.query('SELECT count(*)::int AS n FROM kpg_staff_audit');
  assert.ok(rows[0].n >= 1, 'the rows are still there');
}
const consoleSide = await import('../../dist/esm/kpg-admin/api.js');

/** Both sides' schemas accept `json`. @param {any} serverSchema @param {any} consoleSchema @param {unknown} json @param {string} what */
function parses(serverSchema, consoleSchema, json, what) {
  const s = serverSchema.safeParse(json);
  assert.ok(s.success, `${what}: the server's schema says ${JSON.stringify(s.error?.issues?.slice(0, 3))}`);
  if (consoleSchema) {
    const c = consoleSchema.safeParse(json);
    assert.ok(c.success, `${what}: the console's schema says ${JSON.stringify(c.error?.issues?.slice(0, 3))}`);
  }
}

/** Every staff route, as the console calls it. */
const GETS = ['/me', '/orders', '/orders/A-1', '/receipt?order_id=A-1', '/refunds-due', '/deliveries', '/audit', '/cancels?order_id=A-1'];
const POSTS = [
  ['/cancel', { order_id: 'A-1', reason: 'x', idempotency_key: 'k-1' }],
  ['/cancel-due', { tid: 'T1', reason: 'x', idempotency_key: 'k-2' }],
  ['/cancels/confirm', { cancel_id: 1, done: false }],
  ['/cancels/record', { order_id: 'A-1', amount: 100, reason: 'x', idempotency_key: 'k-3' }],
  ['/refunds-due/resolve', { provider: 'shinhan', tid: 'T1', note: 'x' }],
  ['/deliveries/retry', { dead: true }],
  ['/reconcile', {}],
];

forEachEngine('staff console routes', ({ engine, store, database }) => {
  // Korea noon: a test that takes minutes stays on one Korea day (2026-11-30).
  const clock = tickingClock('2026-11-30T12:00:00.000+09:00');
  const run = randomBytes(4).toString('hex');
  let keys = 0;
  const key = () => `sc-${engine}-${run}-${++keys}`;

  /** @param {import('node:test').TestContext} t @param {Record<string, any>} [extra] */
  async function setup(t, extra = {}) {
    const pgs = await sandboxes(t, { now: clock.now }, { promotions: PROMOTIONS });
    const shop = shopOrders();
    const s = await startServer(
      t,
      store(),
      {
        ...pgs.options,
        smartro: { ...pgs.options.smartro, cancelPassword: SANDBOX_SMARTRO_CANCEL_PASSWORD, payMethods: ['card', 'bank'] },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        authorizeStaff: (/** @type {{ request: Request }} */ { request }) => (request.headers.get('x-staff') === 'kim' ? { id: 'kim' } : false),
        cancelSettleMs: 0,
        recheckPaidDays: 0,
        rateLimit: false,
        reconcileOnStart: false,
        now: clock.date,
        ...extra,
      },
      { secrets: SANDBOX_SECRETS },
    );
    /** @param {string} path */
    const get = async (path) => s.call(`/api/kpg/staff${path}`, { headers: STAFF, buyer: null });
    /** @param {string} path @param {unknown} body */
    const post = (path, body) => s.call(`/api/kpg/staff${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...STAFF }, body: JSON.stringify(body), buyer: null });
    return { pgs, shop, ...s, get, post };
  }
  /** @typedef {Awaited<ReturnType<typeof setup>>} S */

  /** A fresh buyer: a unique name and phone. */
  const buyer = () => {
    const digits = String(10_000_000 + (randomBytes(4).readUInt32BE() % 89_999_999));
    return { id: 'buyer01', name: `김${uid('B').slice(0, 8)}`, tel: `010-${digits.slice(0, 4)}-${digits.slice(4)}`, email: 'b@example.com' };
  };

  /** @param {S} s @param {Partial<{ amount: number, buyer: any }>} [o] */
  async function payShinhan(s, o = {}) {
    const order = s.shop.add(o);
    const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, pgcode: 'card' });
    assert.equal(session.status, 200, session.text);
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
    const res = (await s.call(`/api/kpg/result?order_no=${session.json.order_no}`)).json;
    assert.equal(res.status, 'paid', JSON.stringify(res));
    return { order, orderNo: session.json.order_no, tid: res.tid };
  }

  /** @param {S} s @param {Partial<{ amount: number, buyer: any }>} [o] @param {'card' | 'bank'} [payMethod] */
  async function paySmartro(s, o = {}, payMethod = 'card') {
    const order = s.shop.add(o);
    const session = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2, pay_method: payMethod });
    assert.equal(session.status, 200, session.text);
    const result = await smartroDecide(session.json, 'approve');
    await postForm(/** @type {string} */ (result.action), result.fields);
    const res = (await s.call(`/api/kpg/result?order_no=${session.json.order_no}`)).json;
    assert.equal(res.status, 'paid', JSON.stringify(res));
    return { order, orderNo: session.json.order_no, tid: res.tid };
  }

  test('search: by order id, order_no, TID, the phone (whole or its last 4), the name\'s beginning; Korea days, status, provider, paging; masked in lists', async (t) => {
    const s = await setup(t);
    const who = buyer();
    const a = await payShinhan(s, { amount: 15000, buyer: who });
    const b = await paySmartro(s, { amount: 7000, buyer: who });
    const me = await s.get('/me');
    parses(server.MeSchema, consoleSide.MeSchema, me.json, 'me');
    assert.deepEqual(me.json, { staff: 'staff:kim', providers: ['shinhan', 'smartro'], engine });

    /** @param {string} query */
    const find = async (query) => {
      const r = await s.get(`/orders?${query}`);
      assert.equal(r.status, 200, r.text);
      parses(server.OrdersAnswerSchema, consoleSide.OrdersSchema, r.json, query);
      return r.json;
    };
    const phone = who.tel.replace(/-/g, '');
    for (const [q, expected] of [
      [a.order.order_id, [a.orderNo]],
      [b.orderNo, [b.orderNo]],
      [a.tid, [a.orderNo]],
      [b.tid, [b.orderNo]],
      [phone, [b.orderNo, a.orderNo]],
      [who.tel, [b.orderNo, a.orderNo]],
      [phone.slice(-4), null],
      [who.name.slice(0, 5), [b.orderNo, a.orderNo]],
      [who.name.slice(0, 5).toLowerCase(), [b.orderNo, a.orderNo]],
      [`${who.name.slice(0, 3)}%`, []],
    ]) {
      const found = await find(`q=${encodeURIComponent(/** @type {string} */ (q))}`);
      const mine = found.items.filter((/** @type {any} */ r) => r.order_no === a.orderNo || r.order_no === b.orderNo).map((/** @type {any} */ r) => r.order_no);
      if (expected === null) assert.deepEqual(mine.sort(), [a.orderNo, b.orderNo].sort(), 'the last 4 digits find both (and maybe others)');
      else {
        assert.deepEqual(mine, expected, `q=${q}`);
        if (expected.length) assert.equal(found.total, expected.length, `q=${q}: nothing else matches`);
      }
    }
    // LIKE's own characters in a name stand for themselves: a name with _ and % in it is found by its beginning.
    const odd = { ...buyer(), name: `김_${uid('B').slice(0, 6)}%\\` };
    const c = await paySmartro(s, { amount: 3000, buyer: odd });
    for (const q of [odd.name.slice(0, 2), odd.name.slice(0, 8), odd.name]) {
      assert.deepEqual((await find(`q=${encodeURIComponent(q)}`)).items.filter((/** @type {any} */ r) => r.order_no === c.orderNo).length, 1, `q=${q}`);
    }
    const both = await find(`q=${phone}`);
    const row = both.items.find((/** @type {any} */ r) => r.order_no === a.orderNo);
    assert.equal(row.buyer_name, `${[...who.name][0]}${'*'.repeat([...who.name].length - 2)}${[...who.name].at(-1)}`);
    assert.equal(row.buyer_phone, `010-****-${phone.slice(-4)}`);
    assert.deepEqual([row.status, row.amount, row.refunded_total, row.pay_method, row.tid, row.provider], ['paid', 15000, 0, 'card', a.tid, 'shinhan']);
    // Smartro's card (PayMethod CARD) is a card in the list too.
    const smartroRow = both.items.find((/** @type {any} */ r) => r.order_no === b.orderNo);
    assert.deepEqual([smartroRow.status, smartroRow.amount, smartroRow.pay_method, smartroRow.provider], ['paid', 7000, 'card', 'smartro']);
    // A Smartro bank transfer (PayMethod BANK) is "bank", in the list and in its story.
    const transfer = await paySmartro(s, { amount: 3000 }, 'bank');
    assert.deepEqual((await find(`q=${transfer.order.order_id}`)).items.map((/** @type {any} */ r) => r.pay_method), ['bank']);
    // A story's status steps: a paid attempt went pending -> processing -> paid; one being verified shows
    // its one step (pending -> processing), not a second entry for the same moment.
    const steps = async (/** @type {string} */ id) => (await s.get(`/orders/${id}`)).json.timeline.filter((/** @type {any} */ e) => e.kind === 'status').map((/** @type {any} */ e) => [e.from, e.to]);
    assert.deepEqual(await steps(a.order.order_id), [['pending', 'processing'], ['processing', 'paid']]);
    const verifying = s.shop.add();
    const opened = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: verifying.order_id, device_type: 2, pgcode: 'card' });
    assert.deepEqual(await steps(verifying.order_id), [], 'a pending attempt: its attempt entry only, no step yet');
    await store().transition(opened.json.order_no, 'claim', {}, clock.date().toISOString());
    assert.deepEqual(await steps(verifying.order_id), [['pending', 'processing']]);
    // An account issued and awaiting its deposit has no tid yet (a payment's, set when the money comes): the
    // list shows the account's own.
    const accountTid = `V${run}${engine}`;
    await store().transition(opened.json.order_no, 'issue', { claimed_tid: accountTid, bank_code: '088', bank_name: '신한은행', vbank_account_no: '56212345678901', vbank_holder: '(주)케이피지데모', vbank_due_date: '2026-12-03' }, clock.date().toISOString(), transitionEvents('issue'));
    assert.deepEqual((await find(`q=${verifying.order_id}`)).items.map((/** @type {any} */ r) => [r.status, r.tid]), [['awaiting_deposit', accountTid]]);
    assert.ok(!JSON.stringify(both).includes(who.name) && !JSON.stringify(both).includes(phone), 'no whole name or phone in a list');

    assert.deepEqual((await find(`q=${phone}&from=2026-11-30&to=2026-11-30`)).total, 2, 'today in Korea');
    assert.deepEqual((await find(`q=${phone}&to=2026-11-29`)).total, 0, 'before');
    assert.deepEqual((await find(`q=${phone}&from=2026-12-01`)).total, 0, 'after');
    assert.deepEqual((await find(`q=${phone}&status=paid&provider=smartro`)).items.map((/** @type {any} */ r) => r.order_no), [b.orderNo]);
    assert.deepEqual((await find(`q=${phone}&sort=amount&dir=asc`)).items.map((/** @type {any} */ r) => r.order_no), [b.orderNo, a.orderNo]);
    const p1 = await find(`q=${phone}&limit=1&page=1`);
    const p2 = await find(`q=${phone}&limit=1&page=2`);
    assert.deepEqual([p1.total, p1.items.length, p2.items.length, p1.page, p2.page], [2, 1, 1, 1, 2]);
    assert.notEqual(p1.items[0].order_no, p2.items[0].order_no, 'pages never overlap');

    for (const bad of ['limit=101', 'page=0', 'status=lost', 'from=2026-13-01', 'sort=name', `q=${'x'.repeat(101)}`, 'from=2026-11-30&to=2026-11-29']) {
      const r = await s.get(`/orders?${bad}`);
      assert.equal(r.status, 400, bad);
      assert.equal(r.json.code, 'invalid-field', bad);
    }
  });

  test('the story of an order nobody has paid: its attempt as it stands, no payment', async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    assert.equal(started.status, 200, started.text);
    const story = await s.get(`/orders/${order.order_id}`);
    assert.equal(story.status, 200, story.text);
    parses(server.StorySchema, consoleSide.StorySchema, story.json, 'story of an unpaid order');
    assert.equal(story.json.payment, null);
    // Shinhan's default pgcode (selpay: the buyer picks the method in its window): no method known yet.
    assert.deepEqual(story.json.attempts.map((/** @type {any} */ a) => [a.order_no, a.status, a.pay_method]), [[started.json.order_no, 'pending', null]]);
    // A return the server refused (another custom_parameter: not this attempt's window) is in its story.
    const forged = await s.call('/api/kpg/shinhan/return', { method: 'POST', body: new URLSearchParams({ order_no: started.json.order_no, custom_parameter: 'not-the-nonce', confirm_token: 'tok' }), buyer: null });
    assert.ok(forged.status < 500, forged.text);
    const told = (await s.get(`/orders/${order.order_id}`)).json;
    parses(server.StorySchema, consoleSide.StorySchema, told, 'story with a refusal');
    const refusals = told.timeline.filter((/** @type {any} */ e) => e.kind === 'refusal');
    assert.deepEqual(refusals.map((/** @type {any} */ e) => [e.order_no, e.route, e.code]), [[started.json.order_no, 'shinhan/return', 'bad-custom-parameter']]);
    assert.match(refusals[0].message, /custom_parameter/);
    assert.equal(told.attempts[0].status, 'pending', 'nothing moved');
    // A second session supersedes the first: the story lists the order's attempts newest first.
    const again = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    assert.equal(again.status, 200, again.text);
    const both = (await s.get(`/orders/${order.order_id}`)).json;
    assert.deepEqual(both.attempts.map((/** @type {any} */ a) => [a.order_no, a.status]), [[again.json.order_no, 'pending'], [started.json.order_no, 'cancelled']]);
  });

  test('one order\'s story: a partial cancel, the balance, the rest, refunded; the timeline, the audit table with the account masked', async (t) => {
    const s = await setup(t);
    const who = buyer();
    // The buyer chooses escrow in Shinhan's window (escr_yn Y on the return): the story says so (issue 25).
    const escrow = await fetch(`${s.pgs.shinhan.origin}/__sandbox/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ escr_yn: 'Y' }) });
    assert.equal(escrow.status, 200);
    const p = await payShinhan(s, { amount: 20000, buyer: who });
    const id = p.order.order_id;
    const first = await s.post('/cancel', { order_id: id, amount: 5000, reason: '부분 환불', idempotency_key: key() });
    assert.equal(first.status, 200, first.text);
    parses(server.CancelAnswerSchema, consoleSide.CancelAnswerSchema, first.json, 'cancel');
    let story = (await s.get(`/orders/${id}`)).json;
    parses(server.StorySchema, consoleSide.StorySchema, story, 'story after a partial cancel');
    assert.deepEqual([story.payment.status, story.payment.refunded_total, story.payment.balance], ['paid', 5000, 15000]);
    assert.equal(story.payment.escrow, true, 'escr_yn Y on the paid return');
    assert.deepEqual(story.buyer, { name: who.name, phone: who.tel }, 'whole in the story');
    const rest = await s.post('/cancel', { order_id: id, reason: '나머지 환불', idempotency_key: key() });
    assert.equal(rest.status, 200, rest.text);
    assert.deepEqual([rest.json.cancelled_amount, rest.json.balance], [15000, 0]);
    story = (await s.get(`/orders/${id}`)).json;
    parses(server.StorySchema, consoleSide.StorySchema, story, 'story after the rest');
    assert.deepEqual([story.payment.status, story.payment.refunded_total, story.payment.balance], ['refunded', 20000, 0]);
    assert.deepEqual(story.cancels.map((/** @type {any} */ c) => [c.kind, c.status, c.amount, c.requested_by]), [['partial', 'done', 5000, 'staff:kim'], ['full', 'done', 15000, 'staff:kim']]);
    assert.deepEqual(story.attempts.map((/** @type {any} */ a) => [a.order_no, a.status, a.tid]), [[p.orderNo, 'refunded', p.tid]]);
    const kinds = story.timeline.map((/** @type {any} */ e) => e.kind);
    for (const kind of ['attempt', 'status', 'cancel', 'event', 'staff']) assert.ok(kinds.includes(kind), `a ${kind} entry in ${kinds}`);
    assert.equal(kinds[0], 'attempt', 'oldest first');
    const ats = story.timeline.map((/** @type {any} */ e) => e.at);
    assert.deepEqual(ats, [...ats].sort(), 'in time order');
    // payment.paid, and payment.refunded where the cancels module writes it (another issue adds it).
    assert.ok(story.timeline.some((/** @type {any} */ e) => e.kind === 'event' && e.type === 'payment.paid' && e.deliveries.length >= 0));
    assert.deepEqual(story.timeline.filter((/** @type {any} */ e) => e.kind === 'status').map((/** @type {any} */ e) => e.to).at(-1), 'refunded');
    const staffRows = story.timeline.filter((/** @type {any} */ e) => e.kind === 'staff');
    assert.deepEqual(staffRows.map((/** @type {any} */ e) => [e.staff, e.action, e.http_status, e.answer]), [['staff:kim', 'cancel', 200, 'done 5000'], ['staff:kim', 'cancel', 200, 'done 15000']]);

    // A refused action is audited too, with its code; a refund account's number never whole.
    const again = await s.post('/cancel', { order_id: id, amount: 1000, reason: '또', idempotency_key: key(), refund_account: { bank_code: '088', account_no: '110123456789', holder: '홍길동' } });
    assert.equal(again.status, 409);
    const audit = await s.get(`/audit?order_id=${id}`);
    parses(server.AuditAnswerSchema, null, audit.json, 'audit');
    assert.deepEqual(audit.json.items.map((/** @type {any} */ e) => [e.action, e.http_status]), [['cancel', 409], ['cancel', 200], ['cancel', 200]]);
    assert.match(audit.json.items[0].answer, /^refused 0/);
    const raw = await (await s.kpg.store()).auditEntries({ orderId: id, limit: 10 });
    assert.match(raw[0].request, /"account_no":"\*{8}6789"/);
    assert.ok(!raw.some((/** @type {any} */ e) => e.request.includes('110123456789')));
    // The request is kept as sent up to 4,000 characters; a longer one is cut (3,990 and "...").
    for (const size of [4000, 4001]) {
      const sent = { order_id: id, amount: 1000, reason: '또', idempotency_key: key(), note: '' };
      sent.note = 'x'.repeat(size - JSON.stringify(sent).length);
      assert.equal((await s.post('/cancel', sent)).status, 409);
      const [row] = await (await s.kpg.store()).auditEntries({ orderId: id, limit: 1 });
      assert.equal(row.request, size === 4000 ? JSON.stringify(sent) : `${JSON.stringify(sent).slice(0, 3990)}...`, `a request of ${size} characters`);
    }
    // An order_id that is not one (a character past the rule after a real id) names no order in its audit row.
    const odd = `${id}!`;
    assert.equal((await s.post('/cancel', { order_id: odd, amount: 1000, reason: '또', idempotency_key: key() })).status, 400);
    const [latest] = await (await s.kpg.store()).auditEntries({ limit: 1 });
    assert.deepEqual([latest.action, latest.http_status, latest.order_id, latest.request.includes(odd)], ['cancel', 400, null, true]);
    const receipt = await s.get(`/receipt?order_id=${id}`);
    assert.equal(receipt.status, 200, receipt.text);
    parses(server.ReceiptAnswerSchema, consoleSide.ReceiptSchema, receipt.json, 'receipt');
    assert.equal((await s.get('/orders/NO-SUCH-ORDER')).status, 404);
    assert.equal((await s.get('/orders/bad%20id')).json.code, 'invalid-field');
  });

  test('a payment the PG cancelled whole for less than the ledger held (10,000 of 11,000, found at its admin site): the story says refunded, balance 0, not the 1,000 the ledger would compute', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s, { amount: 11000 });
    // 10,000 given back at the PG's admin site; what reconcile records when the PG's answer says nothing is
    // left (a discount the ledger never heard of: the sandbox itself knows none, so it keeps 1,000).
    const admin = await fetch(`${s.pgs.shinhan.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid, amount: 10000 }) });
    assert.equal(admin.status, 200, await admin.text());
    const store = await s.kpg.store();
    const r = await store.recordPgCancel(
      { provider: 'shinhan', tid: p.tid, idempotency_key: `pg:shinhan:${p.tid}:full`, fingerprint: '0'.repeat(64), kind: 'full', amount: 10000, reason: '관리자 취소', pg_cancel_id: null, pg_cancelled_at: null, pg_ref: 'full', nothing_left: true },
      clock.date().toISOString(),
      refundedEvents,
    );
    assert.ok(r.ok, JSON.stringify(r));
    const story = (await s.get(`/orders/${p.order.order_id}`)).json;
    parses(server.StorySchema, consoleSide.StorySchema, story, 'story of a payment refunded for less');
    assert.deepEqual([story.payment.status, story.payment.refunded_total, story.payment.balance], ['refunded', 10000, 0]);
  });

  test('Smartro too: staff find the order, give part back and then the rest through the staff routes; the story shows refunded, payment.refunded and the audit', async (t) => {
    const s = await setup(t);
    const who = buyer();
    const p = await paySmartro(s, { amount: 21000, buyer: who });
    const id = p.order.order_id;
    const found = (await s.get(`/orders?q=${p.tid}`)).json;
    assert.deepEqual(found.items.map((/** @type {any} */ r) => [r.order_id, r.provider, r.status]), [[id, 'smartro', 'paid']]);
    const part = await s.post('/cancel', { order_id: id, amount: 7000, reason: '부분 반품', idempotency_key: key() });
    assert.equal(part.status, 200, part.text);
    parses(server.CancelAnswerSchema, consoleSide.CancelAnswerSchema, part.json, 'smartro cancel');
    assert.deepEqual([part.json.status, part.json.cancelled_amount, part.json.balance], ['done', 7000, 14000]);
    const rest = await s.post('/cancel', { order_id: id, reason: '나머지', idempotency_key: key() });
    assert.equal(rest.status, 200, rest.text);
    assert.deepEqual([rest.json.cancelled_amount, rest.json.balance], [14000, 0]);
    const story = (await s.get(`/orders/${id}`)).json;
    parses(server.StorySchema, consoleSide.StorySchema, story, 'smartro story');
    assert.equal(story.payment.escrow, false, 'Smartro reports no escrow');
    assert.deepEqual([story.payment.status, story.payment.refunded_total, story.payment.balance], ['refunded', 21000, 0]);
    assert.deepEqual(story.cancels.map((/** @type {any} */ c) => [c.kind, c.status, c.amount]), [['partial', 'done', 7000], ['full', 'done', 14000]]);
    assert.deepEqual(story.timeline.filter((/** @type {any} */ e) => e.kind === 'event').map((/** @type {any} */ e) => e.type), ['payment.paid', 'payment.refunded', 'payment.refunded']);
    const audit = (await s.get(`/audit?order_id=${id}`)).json;
    assert.deepEqual(audit.items.map((/** @type {any} */ e) => [e.action, e.http_status]), [['cancel', 200], ['cancel', 200]]);
  });

  test('debts: listed, resolved once with a note (409 the second time), in the story and the audit table', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s, { amount: 9000 });
    const tid = `T${randomBytes(8).toString('hex')}`;
    const st = await s.kpg.store();
    assert.ok(await recordOwed(st, { provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: p.orderNo, order_id: p.order.order_id, amount: 9000, reason: 'duplicate' }, clock.date().toISOString()));
    const open = await s.get('/refunds-due');
    parses(server.RefundsDueAnswerSchema, consoleSide.RefundsDueSchema, open.json, 'refunds-due');
    assert.ok(open.json.items.some((/** @type {any} */ d) => d.tid === tid && d.resolved_at === null));
    const done = await s.post('/refunds-due/resolve', { provider: 'shinhan', tid, note: '계좌로 환불함' });
    assert.equal(done.status, 200, done.text);
    parses(server.ResolveAnswerSchema, consoleSide.ResolvedSchema, done.json, 'resolve');
    assert.equal((await s.post('/refunds-due/resolve', { provider: 'shinhan', tid, note: '다시' })).json.code, 'not-open');
    assert.ok(!(await s.get('/refunds-due')).json.items.some((/** @type {any} */ d) => d.tid === tid), 'resolved: off the open list');
    assert.ok((await s.get('/refunds-due?resolved=1')).json.items.some((/** @type {any} */ d) => d.tid === tid && d.resolution === '계좌로 환불함'));
    assert.equal((await s.post('/refunds-due/resolve', { provider: 'shinhan', tid, note: '' })).status, 400);
    // Given back at the PG once it is resolved: refused, and the audit still names its order.
    const late = await s.post('/cancel-due', { tid, reason: '환불', idempotency_key: key() });
    assert.deepEqual([late.status, late.json.code], [409, 'resolved']);
    const story = (await s.get(`/orders/${p.order.order_id}`)).json;
    parses(server.StorySchema, consoleSide.StorySchema, story, 'story with a debt');
    assert.deepEqual(story.timeline.filter((/** @type {any} */ e) => e.kind.startsWith('refund')).map((/** @type {any} */ e) => e.kind), ['refund-due', 'refund-resolved']);
    // At one instant the timeline keeps the story's order (attempt, status, refusal, debt, cancel, resolution,
    // event, staff), not the order the console read them in: a debt recorded at the instant a cancel was asked
    // comes before that cancel, and the debt's refund.due event after both.
    const part = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1000, reason: '부분 환불', idempotency_key: key() });
    const asked = /** @type {string} */ ((await st.getCancel(/** @type {number} */ (part.cancel_id)))?.requested_at);
    assert.ok(await recordOwed(st, { provider: 'shinhan', tid: `T${randomBytes(8).toString('hex')}`, merchant_id: 'kpgdemo01', order_no: p.orderNo, order_id: p.order.order_id, amount: 500, reason: 'duplicate' }, asked));
    const same = (await s.get(`/orders/${p.order.order_id}`)).json.timeline.filter((/** @type {any} */ e) => Date.parse(e.at) === Date.parse(asked));
    assert.deepEqual(same.map((/** @type {any} */ e) => [e.kind, e.type ?? null]), [['refund-due', null], ['cancel', null], ['event', 'refund.due']], JSON.stringify(same));
    const audit = (await s.get(`/audit?order_id=${p.order.order_id}`)).json.items;
    assert.deepEqual(audit.map((/** @type {any} */ e) => [e.action, e.http_status, e.answer]), [['cancel-due', 409, 'refused 0 resolved'], ['refunds-due/resolve', 400, 'invalid-field'], ['refunds-due/resolve', 409, 'not-open'], ['refunds-due/resolve', 200, 'resolved']]);
  });

  test('a staff action the server fails at (its database refuses the write) is a 500 and still in the audit table, as an error', async (t) => {
    const s = await setup(t, { database: storeWith(store(), { resolveRefund: async () => { throw new Error('database down'); } }) });
    const p = await payShinhan(s, { amount: 9000 });
    const tid = `T${randomBytes(8).toString('hex')}`;
    assert.ok(await recordOwed(await s.kpg.store(), { provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: p.orderNo, order_id: p.order.order_id, amount: 9000, reason: 'duplicate' }, clock.date().toISOString()));
    const failed = await s.post('/refunds-due/resolve', { provider: 'shinhan', tid, note: '계좌로 환불함' });
    assert.equal(failed.status, 500, failed.text);
    assert.doesNotMatch(failed.text, /database down/, 'the error itself is for the log, not the answer');
    const audit = (await s.get(`/audit?order_id=${p.order.order_id}`)).json.items;
    assert.deepEqual(audit.map((/** @type {any} */ e) => [e.action, e.http_status, e.answer]), [['refunds-due/resolve', 500, 'error']]);
  });

  test('deliveries: a dead one listed and re-queued by staff, then delivered; a webhook\'s listed with its url; reconcile now answers its report', async (t) => {
    let down = true;
    // A webhook receiver nobody listens on (a privileged port: refused at once), beside the shop's handler.
    const hook = 'http://127.0.0.1:2/kpg-hook';
    const s = await setup(t, {
      delivery: { background: false, retryForMs: 1 },
      webhooks: [{ url: hook, secret: `whsec_${randomBytes(32).toString('base64')}` }],
      onEvent: () => {
        if (down) throw new Error('warehouse API: 503');
      },
    });
    const p = await payShinhan(s);
    const report = await s.kpg.deliverEvents();
    assert.ok(report.dead >= 1, JSON.stringify(report));
    const dead = await s.get('/deliveries?status=dead');
    parses(server.DeliveriesAnswerSchema, consoleSide.DeliveriesSchema, dead.json, 'deliveries');
    const mine = dead.json.items.find((/** @type {any} */ d) => d.order_id === p.order.order_id && d.target === 'handler');
    assert.deepEqual([mine.type, mine.target, mine.status, mine.last_error, mine.url], ['payment.paid', 'handler', 'dead', 'warehouse API: 503', null]);
    const webhook = dead.json.items.find((/** @type {any} */ d) => d.order_id === p.order.order_id && d.target !== 'handler');
    assert.deepEqual([webhook?.type, webhook?.status, webhook?.url], ['payment.paid', 'dead', hook], 'a webhook is listed with its url (never its secret)');
    const failing = (await s.get('/deliveries?status=failing')).json;
    parses(server.DeliveriesAnswerSchema, consoleSide.DeliveriesSchema, failing, 'failing');
    assert.deepEqual(failing.items.filter((/** @type {any} */ d) => d.order_id === p.order.order_id), [], 'a dead delivery is not listed as failing (still being retried)');
    down = false;
    const retried = await s.post('/deliveries/retry', { event_id: mine.event_id });
    assert.equal(retried.status, 200, retried.text);
    parses(server.RetryAnswerSchema, consoleSide.RequeuedSchema, retried.json, 'retry');
    assert.equal(retried.json.requeued, 2, 'the event\'s two deliveries: the handler and the webhook');
    assert.equal((await s.kpg.deliverEvents()).delivered, 1, 'the handler; the webhook is still down');
    const after = (await s.get('/deliveries?status=dead')).json.items.filter((/** @type {any} */ d) => d.event_id === mine.event_id);
    assert.deepEqual(after.map((/** @type {any} */ d) => d.url), [hook], 'only the webhook is dead again');
    assert.equal((await s.post('/deliveries/retry', { event_id: 'nope' })).status, 400);
    const none = await s.post('/deliveries/retry', { event_id: `evt_${'a'.repeat(24)}` });
    assert.deepEqual([none.status, none.json.requeued], [200, 0], 'an event id of the right form that names no event: nothing to re-queue');
    const audit = (await s.get(`/audit?order_id=${p.order.order_id}`)).json.items;
    assert.deepEqual(audit.map((/** @type {any} */ e) => [e.action, e.answer]), [['deliveries/retry', 'requeued 2']]);

    const rec = await s.post('/reconcile', {});
    assert.equal(rec.status, 200, rec.text);
    parses(server.ReconcileAnswerSchema, consoleSide.ReportSchema, rec.json, 'reconcile');
    assert.equal(rec.json.ran, true);
    /** The newest audit entry's action and answer. */
    const lastAnswer = async () => {
      const e = (await s.get('/audit?limit=1')).json.items[0];
      return [e.action, e.answer];
    };
    assert.deepEqual(await lastAnswer(), ['reconcile', 'ran']);
    // A run already going (the reconcileEveryMs timer here, or another instance) holds the lock: this one does nothing.
    const busy = await (await s.kpg.store()).exclusive('kpg-checkout:reconcile', () => s.post('/reconcile', {}));
    assert.deepEqual([busy?.status, busy?.json.ran], [200, false]);
    // ...and says it did nothing: nothing settled, expired or found by this call.
    const j = busy?.json;
    assert.deepEqual([j.settled, j.unsettled, j.expired, j.pruned, j.cancels], [[], [], [], { refusals: 0, attempts: 0, events: 0 }, { settled: [], unknown: [], found: [], attention: [] }]);
    assert.deepEqual(await lastAnswer(), ['reconcile', 'not run: already running']);
    assert.equal((await s.post('/reconcile', { now: true })).status, 400);
    const last = (await s.get('/audit?limit=1')).json.items[0];
    assert.deepEqual([last.action, last.http_status, last.staff], ['reconcile', 400, 'staff:kim']);
  });

  test('refusals: a buyer\'s session gets 403 on every staff route; a cross-site request is refused; no staff header, no access; the ready page holds no data; without authorizeStaff, 404', async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s);
    const before = (await (await s.kpg.store()).auditEntries({ limit: 200 })).length;
    /** @param {string} path @param {unknown} body @param {Record<string, string>} headers @param {string | null} [buyer] */
    const as = (path, body, headers, buyer = null) =>
      s.call(`/api/kpg/staff${path}`, body === undefined ? { headers, buyer } : { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body), buyer });
    for (const [path, body] of [...GETS.map((g) => [g, undefined]), ...POSTS]) {
      const withId = String(path).replace('A-1', p.order.order_id);
      // The buyer who owns the order, with the header the console sends: the buyers' authorize opens nothing here.
      const buyer = await as(withId, body, { 'X-KPG-Staff': '1' }, 'alice');
      assert.deepEqual([buyer.status, buyer.json.code, buyer.json.message], [403, 'forbidden', 'Staff only.'], `buyer on ${path}`);
      const cross = await as(withId, body, { ...STAFF, Origin: 'https://evil.example' });
      assert.deepEqual([cross.status, cross.json.code], [403, 'cross-origin'], `cross-site on ${path}`);
      const site = await as(withId, body, { ...STAFF, 'Sec-Fetch-Site': 'cross-site' });
      assert.deepEqual([site.status, site.json.code], [403, 'cross-origin'], `Sec-Fetch-Site on ${path}`);
      const bare = await as(withId, body, { 'x-staff': 'kim' });
      assert.deepEqual([bare.status, bare.json.code], [403, 'staff-header-missing'], `no header on ${path}`);
    }
    // A cross-site form POST cannot send JSON with the header: it is refused before anything is read.
    const form = await s.call('/api/kpg/staff/reconcile', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' }, body: 'a=1', buyer: 'alice' });
    assert.equal(form.status, 403);
    const notJson = await s.call('/api/kpg/staff/reconcile', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'text/plain' }, body: '{}', buyer: null });
    assert.equal(notJson.status, 415);
    assert.equal((await s.call('/api/kpg/staff/orders', { method: 'POST', headers: STAFF, buyer: null })).status, 405);
    assert.equal((await s.call('/api/kpg/staff/reconcile', { headers: STAFF, buyer: null })).status, 405);
    // Every staff route the OpenAPI document lists answers the other method with 405 and its own in Allow.
    const { ROUTES } = await import('../../dist/server/openapi.js');
    for (const route of ROUTES.filter((r) => r.path.startsWith('/staff/') && !['/staff/', '/staff/kpg-admin.js'].includes(r.path))) {
      const path = `/api/kpg${route.path.replace(/\{\w+\}/g, 'x1')}`;
      const other = route.method === 'post' ? 'GET' : 'POST';
      const r = await s.call(path, { method: other, headers: STAFF, buyer: null });
      assert.deepEqual([r.status, r.res.headers.get('allow')], [405, route.method.toUpperCase()], `${other} ${path}`);
    }
    const after = await (await s.kpg.store()).auditEntries({ limit: 200 });
    assert.equal(after.length - before, 1, 'refused requests are not staff actions; the 415 of a staff member is');
    assert.deepEqual([after[0].action, after[0].http_status, after[0].answer], ['reconcile', 415, 'unsupported-media-type']);
    // JSON that is not JSON, and JSON that is not an object, are said as such; so is a confirm naming no cancel.
    const broken = await s.call('/api/kpg/staff/reconcile', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'application/json' }, body: '{"x":', buyer: null });
    assert.deepEqual([broken.status, broken.json.code], [400, 'bad-json']);
    for (const body of ['[1]', 'null', '"reconcile"', '7']) {
      for (const route of ['reconcile', 'cancel']) {
        const notObject = await s.call(`/api/kpg/staff/${route}`, { method: 'POST', headers: { ...STAFF, 'Content-Type': 'application/json' }, body, buyer: null });
        assert.deepEqual([notObject.status, notObject.json.code, notObject.json.message], [400, 'invalid-body', 'The body must be a JSON object.'], `${route} ${body}`);
      }
    }
    const confirm = await s.call('/api/kpg/staff/cancels/confirm', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'application/json' }, body: JSON.stringify({ cancel_id: 'seven', done: true }), buyer: null });
    assert.deepEqual([confirm.status, confirm.json.code, confirm.json.field], [400, 'invalid-field', 'cancel_id']);
    assert.match(confirm.json.message, /^cancel_id: cancel_id \(a number\), done \(true or false\)/);
    // Naming nothing that exists: a cancel, a refund_due entry.
    const nobody = await s.call('/api/kpg/staff/cancels/confirm', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'application/json' }, body: JSON.stringify({ cancel_id: 999999, done: true }), buyer: null });
    assert.deepEqual([nobody.status, nobody.json.code, nobody.json.field, nobody.json.message], [404, 'unknown-cancel', 'cancel_id', 'No cancel #999999.']);
    const noPayment = await s.call('/api/kpg/staff/cancels?order_id=NO-SUCH-ORDER-1', { headers: STAFF, buyer: null });
    assert.deepEqual([noPayment.status, noPayment.json.code, noPayment.json.field, noPayment.json.message], [404, 'no-payment', 'order_id', 'Order NO-SUCH-ORDER-1 has no payment.']);
    const noOrder = await s.call('/api/kpg/staff/orders/NO-SUCH-ORDER-1', { headers: STAFF, buyer: null });
    assert.deepEqual([noOrder.status, noOrder.json.code, noOrder.json.field, noOrder.json.message], [404, 'unknown-order', 'order_id', 'No attempt of order NO-SUCH-ORDER-1.']);
    const noDue = await s.call('/api/kpg/staff/refunds-due/resolve', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'shinhan', tid: 'NOSUCHTID01', note: '확인' }), buyer: null });
    assert.deepEqual([noDue.status, noDue.json.code, noDue.json.field], [409, 'not-open', 'tid']);

    // The ready page and its script: a browser's navigation, no header; no data in them.
    const pageRes = await fetch(`${s.base}/api/kpg/staff/`);
    const html = await pageRes.text();
    assert.equal(pageRes.status, 200);
    const bareRes = await fetch(`${s.base}/api/kpg/staff`, { redirect: 'manual' });
    assert.deepEqual([bareRes.status, await bareRes.text()], [200, html], '{base}/staff without its slash: the same page');
    assert.match(pageRes.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(pageRes.headers.get('cache-control'), 'no-store', 'the page names its API: never kept by a cache');
    assert.match(pageRes.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    // Its own script only, no one else frames it, never sniffed, and the staff page's address (its API path)
    // sent to no one it links to.
    assert.deepEqual(
      ['content-security-policy', 'x-content-type-options', 'referrer-policy'].map((name) => pageRes.headers.get(name)),
      ["default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'", 'nosniff', 'no-referrer'],
    );
    assert.match(html, /<kpg-admin api-url="\/api\/kpg\/staff"><\/kpg-admin>/);
    assert.match(html, /<script src="\/api\/kpg\/staff\/kpg-admin.js"><\/script>/);
    const script = await fetch(`${s.base}/api/kpg/staff/kpg-admin.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    // Revalidated on every load (after an upgrade the console runs the new script), never sniffed as another type.
    assert.deepEqual([script.headers.get('cache-control'), script.headers.get('x-content-type-options')], ['no-cache', 'nosniff']);
    const { readFile } = await import('node:fs/promises');
    assert.equal(await script.text(), await readFile(new URL('../../dist/kpg-admin.js', import.meta.url), 'utf8'), 'the package\'s dist/kpg-admin.js');

    const none = await startServer(t, store(), { ...(await sandboxes(t)).options, loadOrder: s.shop.loadOrder, authorize: s.shop.authorize, rateLimit: false, reconcileOnStart: false, now: clock.date });
    for (const path of [...GETS, '/', '/kpg-admin.js']) {
      const r = await none.call(`/api/kpg/staff${path}`, { headers: STAFF, buyer: null });
      assert.deepEqual([r.status, r.json?.code, r.json?.message], [404, 'not-found', 'No kpg-checkout staff routes here (authorizeStaff is not configured).'], path);
    }
  });

  test('the audit table is append-only: the database refuses UPDATE and DELETE, whoever sends them', async (t) => {
    const s = await setup(t);
    assert.equal((await s.post('/reconcile', {})).status, 200);
    const db = database();
    const sql = 'url' in db ? await openPostgres({ connectionString: db.url }) : undefined;
    if (!sql) {
      // PGlite is one process's: a second client of the same store opens the same migrations in memory.
      const mem = await openPglite(undefined);
      t.after(() => mem.close());
      await createSqlStore(mem).migrate();
      await mem.query(`INSERT INTO kpg_staff_audit (at, staff, action, http_status) VALUES (now(), 'staff', 'reconcile', 200)`);
      await refusedBoth(mem);
      return;
    }
    t.after(() => sql.close());
    await refusedBoth(sql);
  });
});
