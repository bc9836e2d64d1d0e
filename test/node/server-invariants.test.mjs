// @ts-check
/**
 * The invariants of issue 10, held by the DATABASE (constraints, conditional statements), on PGlite and on
 * PostgreSQL, tested on the store directly: racing writers, forbidden writes, and every (transition, status)
 * pair of state.ts's table.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { OPEN_STATUSES, STATUSES, TRANSITIONS } from '../../dist/server/index.js';
import { LEDGER_TRANSITIONS, PAY_TRANSITIONS } from '../../dist/server/state.js';
import { readFile } from 'node:fs/promises';
import { openPglite } from '../../dist/server/store/pglite.js';
import { openPostgres } from '../../dist/server/store/postgres.js';
import { createSqlStore } from '../../dist/server/store/sql-store.js';
import { ENGINES, uid, until } from './server-helpers.mjs';
import { tickingClock } from './clock.mjs';

const clock = tickingClock(); // one pinned day (test/node/clock.mjs)
const now = () => clock.date().toISOString();
const MID = 'kpgtest01m';
const smartroTid = () => `${MID}0101261122${String(Date.now()).slice(-6)}${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`;

for (const engine of ENGINES) {
  describe(`invariants in the database [${engine.name}]`, { skip: engine.skip }, () => {
    /** @type {import('../../dist/server/store/sql.js').SqlClient} */
    let sql;
    /** @type {import('../../dist/server/index.js').PaymentStore} */
    let store;
    /** @type {() => Promise<void>} */
    let drop;
    /** @type {import('../../dist/server/index.js').DatabaseOptions} */
    let database;
    before(async () => {
      const db = await engine.create();
      drop = db.drop;
      database = db.database;
      sql = 'url' in database ? await openPostgres({ connectionString: database.url }) : await openPglite(undefined);
      store = createSqlStore(sql);
      await store.migrate();
    });
    after(async () => {
      await store?.close();
      await drop?.();
    });

    /** @param {Partial<import('../../dist/server/index.js').Attempt>} [o] */
    const attempt = (o = {}) => ({
      order_no: uid('N'),
      order_id: o.order_id ?? uid('O'),
      provider: o.provider ?? 'shinhan',
      merchant_id: o.provider === 'smartro' ? MID : 'kpgdemo01',
      amount: 11000,
      product_name: '테스트 상품',
      user_id: 'buyer01',
      device_type: /** @type {1 | 2} */ (2),
      pgcode: 'card',
      pay_method: null,
      return_to: null,
      app_scheme: null,
      nonce: randomBytes(12).toString('hex'),
      ...o,
    });

    /** What `issue` records: an account with its own TID. */
    const account = () => ({ claimed_tid: `V${uid()}`, pay_method: 'VBANK', bank_code: '088', bank_name: '신한은행', vbank_account_no: '56212345678901', vbank_holder: '(주)케이피지데모', vbank_due_date: '2026-12-03' });
    /** The patch each transition needs to be legal beside its status (issue names its account). @param {string} name */
    const patchFor = (name) => (name === 'issue' ? account() : {});

    /** An attempt in `status`, reached along the table. @param {string} status @param {Partial<import('../../dist/server/index.js').Attempt>} [o] */
    async function inStatus(status, o = {}) {
      const a = /** @type {NonNullable<Awaited<ReturnType<typeof store.insertAttempt>>>} */ (await store.insertAttempt(attempt(o), now()));
      if (status === 'pending') return a;
      if (status === 'failed') return store.transition(a.order_no, 'fail', { code: 'x' }, now());
      if (status === 'cancelled') return store.transition(a.order_no, 'cancel', { reason: 'x' }, now());
      await store.transition(a.order_no, 'claim', {}, now());
      if (status === 'processing') return store.getAttempt(a.order_no);
      if (status === 'unknown') return store.transition(a.order_no, 'lose', {}, now());
      if (status === 'awaiting_deposit') return store.transition(a.order_no, 'issue', account(), now());
      const paid = await store.pay(a.order_no, { tid: `T${uid()}` }, now());
      assert.ok(paid.ok);
      if (status !== 'refunded') return paid.attempt;
      // Issue 22: refunded only through the cancels ledger, once the whole amount is given back.
      const tid = /** @type {string} */ (paid.attempt.tid);
      const c = await store.beginCancel({ provider: paid.attempt.provider, tid, idempotency_key: uid('K'), fingerprint: 'f'.repeat(64), source: 'api', kind: 'full', requested_amount: paid.attempt.amount, amount: paid.attempt.amount, taxfree_amount: 0, vat_amount: null, reason: 'x' }, now());
      assert.ok(c.ok);
      return (await store.settleCancel(c.cancel.id, { status: 'done', amount: paid.attempt.amount }, now()))?.refunded;
    }

    test('states move only along state.ts: each transition from each status moves exactly when the table allows it', async () => {
      for (const [name, { from, to }] of Object.entries(TRANSITIONS)) {
        if (/** @type {readonly string[]} */ (PAY_TRANSITIONS).includes(name)) {
          await assert.rejects(store.transition(uid('N'), /** @type {any} */ (name), {}, now()), /records money: use pay/);
          continue;
        }
        if (/** @type {readonly string[]} */ (LEDGER_TRANSITIONS).includes(name)) {
          await assert.rejects(store.transition(uid('N'), /** @type {any} */ (name), {}, now()), /records money: use the cancels ledger/);
          continue;
        }
        for (const status of STATUSES) {
          const a = await inStatus(status);
          assert.ok(a, status);
          const moved = await store.transition(a.order_no, /** @type {any} */ (name), patchFor(name), now());
          const allowed = /** @type {readonly string[]} */ (from).includes(status);
          assert.equal(Boolean(moved), allowed, `${name} from ${status}`);
          assert.equal((await store.getAttempt(a.order_no))?.status, allowed ? to : status, `${name} from ${status}`);
        }
      }
      for (const name of PAY_TRANSITIONS) {
        for (const status of STATUSES) {
          const a = await inStatus(status);
          assert.ok(a);
          const r = await store.pay(a.order_no, { tid: `T${uid()}` }, now(), name);
          const allowed = /** @type {readonly string[]} */ (TRANSITIONS[name].from).includes(status);
          assert.equal(r.ok && !r.already, allowed, `${name} from ${status}`);
          assert.equal((await store.getAttempt(a.order_no))?.status, allowed ? 'paid' : status, `${name} from ${status}`);
        }
      }
    });

    test('finished attempts never move backwards: no transition and no payment moves paid, failed or cancelled (spelled out here, not read from state.ts)', async () => {
      // The spec of issue 10, independent of the table under test: paid, failed and cancelled are final (issue 22:
      // refunded too; paid moves on to refunded only through the cancels ledger, never store.transition).
      for (const status of ['paid', 'failed', 'cancelled', 'refunded']) {
        for (const name of Object.keys(TRANSITIONS)) {
          const a = await inStatus(status);
          assert.ok(a, status);
          if (/** @type {readonly string[]} */ (LEDGER_TRANSITIONS).includes(name)) {
            await assert.rejects(store.transition(a.order_no, /** @type {any} */ (name), {}, now()), /cancels ledger/);
          } else if (/** @type {readonly string[]} */ (PAY_TRANSITIONS).includes(name)) {
            const r = await store.pay(a.order_no, { tid: `T${uid()}` }, now(), /** @type {any} */ (name));
            assert.equal(r.ok && !r.already, false, `${name} from ${status}`);
          } else {
            assert.equal(await store.transition(a.order_no, /** @type {any} */ (name), patchFor(name), now()), undefined, `${name} from ${status}`);
          }
          const after = await store.getAttempt(a.order_no);
          assert.deepEqual([after?.status, after?.tid], [status, a.tid], `${name} from ${status}`);
        }
      }
      // Back to pending only by refute, and only from processing / unknown; a browser's report never leaves pending.
      for (const [name, { from, to }] of Object.entries(TRANSITIONS)) {
        if (to === 'pending') assert.ok(name === 'refute' || /** @type {readonly string[]} */ (from).every((f) => f === 'pending'), name);
      }
      assert.deepEqual([...TRANSITIONS.refute.from].sort(), ['processing', 'unknown']);
      assert.deepEqual([TRANSITIONS.report.to, TRANSITIONS.close.to], ['pending', 'pending']);
    });

    test('the database and state.ts agree: kpg_attempt_statuses lists exactly OPEN_STATUSES, and the one-attempt-per-order index those and the two that took the money', async () => {
      const { rows } = await sql.query('SELECT status, open FROM kpg_attempt_statuses ORDER BY status');
      assert.deepEqual(rows.map((r) => /** @type {any} */ (r).status).sort(), [...STATUSES].sort());
      assert.deepEqual(rows.filter((r) => /** @type {any} */ (r).open).map((r) => /** @type {any} */ (r).status).sort(), [...OPEN_STATUSES].sort());
      const index = await sql.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'kpg_attempts_one_per_order'");
      const def = String(/** @type {any} */ (index.rows[0]).indexdef);
      assert.match(def, /^CREATE UNIQUE INDEX/, def);
      const listed = [...def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
      assert.deepEqual(listed, [...OPEN_STATUSES, 'paid', 'refunded'].sort(), def);
    });

    test('virtual accounts: awaiting_deposit is open (no second attempt), names its account, and one TID waits on one attempt only', async () => {
      const a = await inStatus('awaiting_deposit');
      assert.ok(a);
      assert.equal(a.status, 'awaiting_deposit');
      assert.deepEqual({ bank: a.bank_name, holder: a.vbank_holder, due: a.vbank_due_date, no: a.vbank_account_no, method: a.pay_method }, { bank: '신한은행', holder: '(주)케이피지데모', due: '2026-12-03', no: '56212345678901', method: 'VBANK' });
      assert.equal(await store.insertAttempt(attempt({ order_id: a.order_id }), now()), undefined, 'awaiting_deposit is open');
      assert.equal((await store.orderState(a.order_id)).open?.order_no, a.order_no);
      // Without its account the status is refused by the CHECK.
      const b = await inStatus('processing');
      assert.ok(b);
      await assert.rejects(store.transition(b.order_no, 'issue', { claimed_tid: `V${uid()}` }, now()), /check constraint|violates/i);
      // The same account's TID cannot wait on a second attempt.
      await assert.rejects(store.transition(b.order_no, 'issue', { ...account(), claimed_tid: a.claimed_tid }, now()), /unique|duplicate/i);
      assert.equal((await store.getAttempt(b.order_no))?.status, 'processing');
      // Expired: the order can take a new attempt.
      const expired = await store.transition(a.order_no, 'expire', { reason: 'vbank-expired' }, now());
      assert.equal(expired?.status, 'cancelled');
      assert.equal(expired?.reason, 'vbank-expired');
      assert.ok(expired?.finished_at);
      assert.ok(await store.insertAttempt(attempt({ order_id: a.order_id }), now()), 'after expiry the order can be paid again');
    });

    test('20 racing deposits of one account: one records the TID (with the bank), the rest see it recorded; a second TID is refused', async () => {
      const a = await inStatus('awaiting_deposit');
      assert.ok(a);
      const tid = /** @type {string} */ (a.claimed_tid);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.pay(a.order_no, { tid, approved_at: '2026-12-01 10:00:00', bank_name: '신한은행' }, now(), 'deposit')));
      assert.equal(results.filter((r) => r.ok && !r.already).length, 1);
      assert.equal(results.filter((r) => r.ok && r.already).length, 19);
      const paid = await store.getAttempt(a.order_no);
      assert.deepEqual({ status: paid?.status, tid: paid?.tid, bank: paid?.bank_name, account: paid?.vbank_account_no }, { status: 'paid', tid, bank: '신한은행', account: '56212345678901' });
      const second = await store.pay(a.order_no, { tid: `T${uid()}` }, now(), 'deposit');
      assert.equal(second.ok, false);
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM kpg_transactions WHERE order_no = $1', [a.order_no]);
      assert.equal(/** @type {any} */ (rows[0]).n, 1);
    });

    test('one open attempt per order: of 30 racing inserts exactly one lands; after it ends, the next one can', async () => {
      const orderId = uid('O');
      const results = await Promise.all(Array.from({ length: 30 }, () => store.insertAttempt(attempt({ order_id: orderId }), now())));
      const landed = results.filter(Boolean);
      assert.equal(landed.length, 1);
      assert.equal((await store.orderState(orderId)).open?.order_no, landed[0]?.order_no);
      for (const status of OPEN_STATUSES) assert.ok(['pending', 'processing', 'unknown', 'awaiting_deposit'].includes(status));
      await store.transition(/** @type {any} */ (landed[0]).order_no, 'claim', {}, now());
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'processing is open too');
      await store.transition(/** @type {any} */ (landed[0]).order_no, 'lose', {}, now());
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'unknown is open too');
      await store.transition(/** @type {any} */ (landed[0]).order_no, 'decline', { code: 'x' }, now());
      assert.ok(await store.insertAttempt(attempt({ order_id: orderId }), now()));
    });

    test('issue 26: a session\'s one insert: of 30 racing exactly one lands; none while an attempt is open; none once the order is paid or refunded', async () => {
      const orderId = uid('O');
      const results = await Promise.all(Array.from({ length: 30 }, () => store.insertAttempt(attempt({ order_id: orderId }), now())));
      const landed = results.filter(Boolean);
      assert.equal(landed.length, 1);
      const a = /** @type {any} */ (landed[0]);
      assert.equal(a.status, 'pending');
      assert.equal((await store.orderState(orderId)).open?.order_no, a.order_no);
      await store.transition(a.order_no, 'claim', {}, now());
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'processing is open');
      assert.ok((await store.pay(a.order_no, { tid: `T${uid()}` }, now())).ok);
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'the order is paid (nothing is open)');
      await sql.query(`UPDATE kpg_attempts SET status = 'refunded' WHERE order_no = $1`, [a.order_no]);
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'a refunded order still took its money');
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM kpg_attempts WHERE order_id = $1', [orderId]);
      assert.equal(/** @type {any} */ (rows[0]).n, 1, 'nothing else was written');
      // An order whose attempts all ended without money takes a new one.
      const other = uid('O');
      const failed = /** @type {any} */ (await store.insertAttempt(attempt({ order_id: other }), now()));
      await store.transition(failed.order_no, 'fail', { code: 'x' }, now());
      assert.ok(await store.insertAttempt(attempt({ order_id: other }), now()));
    });

    test('one paid attempt per order, and none open beside it: the index itself refuses a second attempt of a paid order, and paying one, however the row is written', async () => {
      const orderId = uid('O');
      const a = /** @type {any} */ (await inStatus('paid', { order_id: orderId }));
      assert.equal(a.status, 'paid');
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'a paid order takes no new attempt');
      // Written by hand, past every check of the store's statements: the index alone says no.
      const b = attempt({ order_id: orderId });
      const raw = (/** @type {string} */ status) =>
        sql.query(
          `INSERT INTO kpg_attempts (order_no, order_id, provider, merchant_id, status, amount, product_name, user_id, device_type, pgcode, nonce, created_at, updated_at, processing_since)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'card', $10, $11, $11, $12)`,
          [uid('N'), b.order_id, b.provider, b.merchant_id, status, b.amount, b.product_name, b.user_id, b.device_type, b.nonce, now(), status === 'processing' ? now() : null],
        );
      for (const status of ['pending', 'processing']) await assert.rejects(raw(status), /unique|duplicate/i, `a ${status} attempt beside the paid one`);
      // An attempt of the order that ended before the payment cannot be made paid beside it either.
      await raw('failed');
      await assert.rejects(sql.query(`UPDATE kpg_attempts SET status = 'paid', tid = $1 WHERE order_id = $2 AND status = 'failed'`, [`T${uid()}`, orderId]), /unique|duplicate/i);
      const { rows } = await sql.query(`SELECT status FROM kpg_attempts WHERE order_id = $1 ORDER BY status`, [orderId]);
      assert.deepEqual(rows.map((r) => /** @type {any} */ (r).status), ['failed', 'paid']);
    });

    if (engine.name === 'postgres') {
      test('a session racing a payment of the order\'s open attempt on another instance: the insert waits for the payment and then lands nothing (one index holds open and paid: migration 009)', async () => {
        const url = /** @type {{ url: string }} */ (database).url;
        const { default: pg } = await import('pg');
        const other = new pg.Client({ connectionString: url });
        // Watched from outside the paying transaction (inside one, pg_stat_activity is its first read's snapshot).
        const watch = new pg.Client({ connectionString: url });
        await Promise.all([other.connect(), watch.connect()]);
        try {
          const orderId = uid('O');
          const open = /** @type {any} */ (await inStatus('processing', { order_id: orderId }));
          const tid = `T${uid()}`;
          // Another instance pays the open attempt: the store's own pay statements, held open in its transaction.
          await other.query('BEGIN');
          await other.query(`INSERT INTO kpg_transactions (provider, tid, merchant_id, order_no, order_id, amount, disposition, recorded_at, discount) VALUES ('shinhan', $1, 'kpgdemo01', $2, $3, 11000, 'paid', now(), 0)`, [tid, open.order_no, orderId]);
          await other.query(`UPDATE kpg_attempts SET status = 'paid', tid = $1, finished_at = now(), updated_at = now() WHERE order_no = $2`, [tid, open.order_no]);
          // This instance starts a session for the order meanwhile: its insert meets the open attempt's row...
          const inserting = store.insertAttempt(attempt({ order_id: orderId }), now());
          await until(async () => (await watch.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'transactionid' AND query LIKE 'INSERT INTO kpg_attempts%'`)).rows[0].n === 1, 10_000, 'the session\'s insert to wait on the paying transaction');
          await other.query('COMMIT');
          // ...and once that row is paid, it is still the order's one attempt: nothing lands. (With an index of open
          // attempts only, the insert landed here: its NOT EXISTS had read the order unpaid on its snapshot.)
          assert.equal(await inserting, undefined, 'no second attempt of a paid order');
          const { rows } = await sql.query('SELECT status FROM kpg_attempts WHERE order_id = $1', [orderId]);
          assert.deepEqual(rows.map((r) => /** @type {any} */ (r).status), ['paid']);
        } finally {
          await Promise.all([other.end(), watch.end()]);
        }
      });
    }

    test('a TID is recorded once: as one payment, or as money owed, never twice', async () => {
      const tid = `T${uid()}`;
      const a = await inStatus('processing');
      const b = await inStatus('processing');
      assert.ok(a && b);
      const first = await store.pay(a.order_no, { tid }, now());
      assert.deepEqual(first.ok && [first.already, first.attempt.status, first.attempt.tid], [false, 'paid', tid], 'recorded now: the caller logs it and wakes the relay');
      const again = await store.pay(a.order_no, { tid }, now());
      assert.deepEqual(again.ok && [again.already, again.attempt.tid], [true, tid], 'the same TID again: already, nothing new to tell');
      // An order number no attempt has: nothing to pay, and no attempt to show.
      assert.deepEqual(await store.pay(`N${uid()}`, { tid: `T${uid()}` }, now()), { ok: false, reason: 'not-in-state' });
      // The paid attempt again with ANOTHER TID: not a state pay starts from (it is paid with the first one).
      const other = await store.pay(a.order_no, { tid: `T${uid()}` }, now());
      assert.deepEqual(!other.ok && [other.reason, other.attempt?.tid], ['not-in-state', tid]);
      const r = await store.pay(b.order_no, { tid }, now());
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'tid-taken');
      assert.equal(await store.recordRefundDue({ provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: b.order_no, order_id: b.order_id, amount: 1, reason: 'x' }, now()), false);
      assert.equal((await store.findByTid('shinhan', tid))?.order_no, a.order_no);
    });

    test('the TID index alone holds: two attempts cannot hold one TID, even written past the store with plain SQL', async () => {
      const a = await inStatus('paid');
      const b = await inStatus('processing');
      assert.ok(a?.tid && b);
      // pay() records the TID in kpg_transactions first; this bypasses it, so only kpg_attempts_tid can say no.
      await assert.rejects(sql.query("UPDATE kpg_attempts SET status = 'paid', tid = $1 WHERE order_no = $2", [a.tid, b.order_no]), /unique|duplicate/i);
      assert.equal((await store.findByTid('shinhan', a.tid))?.order_no, a.order_no);
      assert.equal((await store.getAttempt(b.order_no))?.tid, null);
    });

    test('20 racing payments of one attempt with one TID: one records it, the rest see it recorded', async () => {
      const a = await inStatus('processing');
      assert.ok(a);
      const tid = `T${uid()}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.pay(a.order_no, { tid }, now())));
      assert.equal(results.filter((r) => r.ok && !r.already).length, 1);
      assert.equal(results.filter((r) => r.ok && r.already).length, 19);
    });

    test('20 racing claims of one attempt: exactly one moves it', async () => {
      const a = await inStatus('pending');
      assert.ok(a);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.transition(a.order_no, 'claim', {}, now())));
      assert.equal(results.filter(Boolean).length, 1);
    });

    test('fault 4 in the database: a Smartro TID must be 30 letters/digits beginning with the MID (CHECK)', async () => {
      for (const bad of [`${smartroTid()}X`, smartroTid().slice(0, 29), `othermid0m${smartroTid().slice(10)}`]) {
        const a = await store.insertAttempt(attempt({ provider: 'smartro' }), now());
        assert.ok(a);
        await store.transition(a.order_no, 'claim', {}, now());
        await assert.rejects(store.pay(a.order_no, { tid: bad }, now()), /check constraint|violates/i, bad);
        assert.equal((await store.getAttempt(a.order_no))?.status, 'processing');
        await assert.rejects(
          store.recordRefundDue({ provider: 'smartro', tid: bad, merchant_id: MID, order_no: a.order_no, order_id: a.order_id, amount: 1, reason: 'x' }, now()),
          /check constraint|violates/i,
        );
        // Past the store (pay() writes kpg_transactions first, whose own CHECK would answer): the attempt's CHECK.
        await assert.rejects(sql.query('UPDATE kpg_attempts SET tid = $1 WHERE order_no = $2', [bad, a.order_no]), /check constraint|violates/i, bad);
      }
      const ok = await store.insertAttempt(attempt({ provider: 'smartro' }), now());
      assert.ok(ok);
      await store.transition(ok.order_no, 'claim', {}, now());
      assert.ok((await store.pay(ok.order_no, { tid: smartroTid() }, now())).ok);
    });

    test('forbidden columns cannot be written by a transition; a browser report lives only beside a pending status', async () => {
      const a = await inStatus('pending');
      assert.ok(a);
      await assert.rejects(store.transition(a.order_no, 'report', /** @type {any} */ ({ amount: 1 }), now()), /cannot be set/);
      // A claim's age is the store's own clock: reconcile decides by it, so no caller writes it.
      await assert.rejects(store.transition(a.order_no, 'claim', /** @type {any} */ ({ processing_since: '2000-01-01T00:00:00.000Z' }), now()), /processing_since cannot be set/);
      await assert.rejects(sql.query("UPDATE kpg_attempts SET reported_status = 'failed' WHERE status = 'paid'"), /check constraint|violates/i);
      await assert.rejects(sql.query("UPDATE kpg_attempts SET status = 'paid', tid = NULL WHERE order_no = $1", [a.order_no]), /check constraint|violates/i);
      await assert.rejects(sql.query("UPDATE kpg_attempts SET status = 'approved' WHERE order_no = $1", [a.order_no]), /foreign key|violates/i);
    });

    test('fault 9: a TID is found through an index, not a scan; migrations are idempotent (and serialised by an advisory lock)', async () => {
      const { rows } = await sql.query("SELECT indexname FROM pg_indexes WHERE tablename = 'kpg_attempts' ORDER BY indexname");
      const names = rows.map((r) => /** @type {any} */ (r).indexname);
      for (const name of ['kpg_attempts_one_per_order', 'kpg_attempts_tid']) assert.ok(names.includes(name), name);
      for (const gone of ['kpg_attempts_one_open_per_order', 'kpg_attempts_one_paid_per_order']) assert.ok(!names.includes(gone), `${gone}: replaced by kpg_attempts_one_per_order (009)`);
      await store.migrate();
      if ('url' in database) {
        const others = await Promise.all([0, 1, 2].map(async () => createSqlStore(await openPostgres({ connectionString: /** @type {any} */ (database).url }))));
        await Promise.all(others.map((s) => s.migrate()));
        await Promise.all(others.map((s) => s.close()));
      }
      const applied = await sql.query('SELECT name FROM kpg_migrations');
      // Every migration shipped, each once (read from the folder: numbers may have gaps, e.g. 007 without 006).
      const shipped = readdirSync(new URL('../../dist/server/store/migrations/', import.meta.url)).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
      assert.ok(shipped.length >= 6 && shipped.includes('001_init.sql') && shipped.includes('007_terms_consent.sql'), shipped.join());
      assert.deepEqual(applied.rows.map((r) => /** @type {any} */ (r).name).sort(), shipped);
    });

    test('002_vbank upgrades a database made by 001 that holds open attempts: the index is re-created with awaiting_deposit', async () => {
      const old = await engine.create();
      const client = 'url' in old.database ? await openPostgres({ connectionString: old.database.url }) : await openPglite(undefined);
      const upgraded = createSqlStore(client);
      try {
        // Beside the store module that runs it (dist/server/store/, or src/ under the mutation suite's loader).
        const first = await readFile(new URL('./migrations/001_init.sql', import.meta.resolve('../../dist/server/store/sql-store.js')), 'utf8');
        await client.exec(first);
        await client.exec("CREATE TABLE kpg_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); INSERT INTO kpg_migrations (name) VALUES ('001_init.sql')");
        // An attempt as the 001 schema holds it (today's store writes columns later migrations add).
        const open = attempt();
        await client.query(
          `INSERT INTO kpg_attempts (order_no, order_id, provider, merchant_id, status, amount, product_name, user_id, device_type, pgcode, nonce, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, 'card', $9, $10, $10)`,
          [open.order_no, open.order_id, open.provider, open.merchant_id, open.amount, open.product_name, open.user_id, open.device_type, open.nonce, now()],
        );
        await upgraded.migrate();
        const applied = await client.query('SELECT name FROM kpg_migrations ORDER BY name');
        const shipped = readdirSync(new URL('../../dist/server/store/migrations/', import.meta.url)).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
        assert.deepEqual(applied.rows.map((r) => /** @type {any} */ (r).name), shipped);
        if ('url' in old.database) {
          // Committed, not only seen by the connection that ran them (the pool hands that one out again): another
          // instance's connection sees every migration, and no connection is left inside a transaction.
          const other = await openPostgres({ connectionString: old.database.url });
          try {
            const seen = await other.query('SELECT name FROM kpg_migrations ORDER BY name');
            assert.deepEqual(seen.rows.map((r) => /** @type {any} */ (r).name), shipped, 'seen from another connection');
            const inTx = await other.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'");
            assert.equal(/** @type {any} */ (inTx.rows[0]).n, 0, 'no connection left in a transaction');
          } finally {
            await other.close();
          }
        }
        assert.equal((await upgraded.getAttempt(open.order_no))?.status, 'pending', 'rows survive the upgrade');
        assert.equal(await upgraded.insertAttempt(attempt({ order_id: open.order_id }), now()), undefined, 'the re-created index still holds');
      } finally {
        await upgraded.close();
        await old.drop();
      }
    });

    test('009 refuses to upgrade a database where an order has a paid attempt and an open one (the race it closes), naming the orders; nothing is changed', async () => {
      const old = await engine.create();
      const client = 'url' in old.database ? await openPostgres({ connectionString: old.database.url }) : await openPglite(undefined);
      const upgraded = createSqlStore(client);
      try {
        const dir = new URL('./migrations/', import.meta.resolve('../../dist/server/store/sql-store.js'));
        const before = readdirSync(dir).filter((f) => /^\d+_.*\.sql$/.test(f) && f < '009').sort();
        await client.exec('CREATE TABLE kpg_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
        for (const name of before) {
          await client.exec(await readFile(new URL(name, dir), 'utf8'));
          await client.query('INSERT INTO kpg_migrations (name) VALUES ($1)', [name]);
        }
        // What the race left behind under 008's indexes: the order's paid attempt and an open one.
        const orderId = uid('O');
        const paid = /** @type {any} */ (await upgraded.insertAttempt(attempt({ order_id: orderId }), now()));
        await upgraded.transition(paid.order_no, 'claim', {}, now());
        assert.ok((await upgraded.pay(paid.order_no, { tid: `T${uid()}` }, now())).ok);
        const second = attempt({ order_id: orderId });
        await client.query(
          `INSERT INTO kpg_attempts (order_no, order_id, provider, merchant_id, status, amount, product_name, user_id, device_type, pgcode, nonce, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, 'card', $9, $10, $10)`,
          [second.order_no, orderId, second.provider, second.merchant_id, second.amount, second.product_name, second.user_id, second.device_type, second.nonce, now()],
        );
        await assert.rejects(upgraded.migrate(), (/** @type {any} */ e) => new RegExp(`kpg migration 009: .*paid attempt and an open one.*${orderId}.*Run the previous version`).test(String(e.message)));
        const applied = await client.query('SELECT name FROM kpg_migrations ORDER BY name');
        assert.deepEqual(applied.rows.map((r) => /** @type {any} */ (r).name), before, '009 not applied');
        const { rows } = await client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'kpg_attempts' AND indexname LIKE 'kpg_attempts_one_%' ORDER BY indexname");
        assert.deepEqual(rows.map((r) => /** @type {any} */ (r).indexname), ['kpg_attempts_one_open_per_order', 'kpg_attempts_one_paid_per_order'], 'the indexes as they were');
        // Once the open attempt has ended, the upgrade goes through.
        await upgraded.transition(second.order_no, 'cancel', { reason: 'x' }, now());
        await upgraded.migrate();
        assert.equal(await upgraded.insertAttempt(attempt({ order_id: orderId }), now()), undefined);
      } finally {
        await upgraded.close();
        await old.drop();
      }
    });

    test('fault 9: refusals and finished unpaid attempts are pruned after the retention; paid ones and money owed never', async () => {
      const old = new Date(clock.now() - 100 * 86400_000).toISOString();
      const a = await store.insertAttempt(attempt(), old);
      assert.ok(a);
      await store.transition(a.order_no, 'cancel', { reason: 'x' }, old);
      // A failed one too: failing stamps finished_at, which the retention counts from.
      const f = await store.insertAttempt(attempt(), old);
      assert.ok(f);
      assert.equal((await store.transition(f.order_no, 'fail', { code: 'pg-refused' }, old))?.finished_at, old);
      await store.recordRefusal({ at: old, route: 'x', order_no: a.order_no, order_id: null, code: 'x', message: 'x' });
      const paid = await inStatus('paid');
      const pruned = await store.prune(new Date(clock.now() - 90 * 86400_000).toISOString());
      assert.ok(pruned.attempts >= 2 && pruned.refusals >= 1);
      assert.equal(await store.getAttempt(a.order_no), undefined);
      assert.equal(await store.getAttempt(f.order_no), undefined, 'the failed attempt is pruned too');
      assert.ok(await store.getAttempt(/** @type {any} */ (paid).order_no));
    });

    test('exclusive(): one holder of the reconcile lock at a time', async () => {
      let inside = 0;
      let max = 0;
      const run = () =>
        store.exclusive('kpg-test-lock', async () => {
          inside++;
          max = Math.max(max, inside);
          await new Promise((r) => setTimeout(r, 50));
          inside--;
          return true;
        });
      const results = await Promise.all([run(), run(), run()]);
      assert.equal(max, 1);
      if (engine.name === 'postgres') assert.ok(results.includes(undefined), 'the others were told it was held');
    });
  });
}
