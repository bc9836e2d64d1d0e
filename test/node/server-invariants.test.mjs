// @ts-check
/**
 * The invariants of issue 10, held by the DATABASE (constraints, conditional statements), on PGlite and on
 * PostgreSQL, tested on the store directly: racing writers, forbidden writes, and every (transition, status)
 * pair of state.ts's table.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { OPEN_STATUSES, STATUSES, TRANSITIONS } from '../../dist/server/index.js';
import { openPglite } from '../../dist/server/store/pglite.js';
import { openPostgres } from '../../dist/server/store/postgres.js';
import { createSqlStore } from '../../dist/server/store/sql-store.js';
import { ENGINES, uid } from './server-helpers.mjs';

const now = () => new Date().toISOString();
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

    /** An attempt in `status`, reached along the table. @param {string} status */
    async function inStatus(status) {
      const a = /** @type {NonNullable<Awaited<ReturnType<typeof store.insertAttempt>>>} */ (await store.insertAttempt(attempt(), now()));
      if (status === 'pending') return a;
      if (status === 'failed') return store.transition(a.order_no, 'fail', { code: 'x' }, now());
      if (status === 'cancelled') return store.transition(a.order_no, 'cancel', { reason: 'x' }, now());
      await store.transition(a.order_no, 'claim', {}, now());
      if (status === 'processing') return store.getAttempt(a.order_no);
      if (status === 'unknown') return store.transition(a.order_no, 'lose', {}, now());
      const paid = await store.pay(a.order_no, { tid: `T${uid()}` }, now());
      assert.ok(paid.ok);
      return paid.attempt;
    }

    test('states move only along state.ts: each transition from each status moves exactly when the table allows it', async () => {
      for (const [name, { from, to }] of Object.entries(TRANSITIONS)) {
        if (name === 'pay') continue;
        for (const status of STATUSES) {
          const a = await inStatus(status);
          assert.ok(a, status);
          const moved = await store.transition(a.order_no, /** @type {any} */ (name), {}, now());
          const allowed = /** @type {readonly string[]} */ (from).includes(status);
          assert.equal(Boolean(moved), allowed, `${name} from ${status}`);
          assert.equal((await store.getAttempt(a.order_no))?.status, allowed ? to : status, `${name} from ${status}`);
        }
      }
      for (const status of STATUSES) {
        const a = await inStatus(status);
        assert.ok(a);
        const r = await store.pay(a.order_no, { tid: `T${uid()}` }, now());
        const allowed = /** @type {readonly string[]} */ (TRANSITIONS.pay.from).includes(status);
        assert.equal(r.ok && !r.already, allowed, `pay from ${status}`);
      }
    });

    test('one open attempt per order: of 30 racing inserts exactly one lands; after it ends, the next one can', async () => {
      const orderId = uid('O');
      const results = await Promise.all(Array.from({ length: 30 }, () => store.insertAttempt(attempt({ order_id: orderId }), now())));
      const landed = results.filter(Boolean);
      assert.equal(landed.length, 1);
      assert.equal((await store.orderState(orderId)).open?.order_no, landed[0]?.order_no);
      for (const status of OPEN_STATUSES) assert.ok(['pending', 'processing', 'unknown'].includes(status));
      await store.transition(/** @type {any} */ (landed[0]).order_no, 'claim', {}, now());
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'processing is open too');
      await store.transition(/** @type {any} */ (landed[0]).order_no, 'lose', {}, now());
      assert.equal(await store.insertAttempt(attempt({ order_id: orderId }), now()), undefined, 'unknown is open too');
      await store.transition(/** @type {any} */ (landed[0]).order_no, 'decline', { code: 'x' }, now());
      assert.ok(await store.insertAttempt(attempt({ order_id: orderId }), now()));
    });

    test('one paid attempt per order: a second attempt\'s payment is refused by the unique index and rolled back whole', async () => {
      const orderId = uid('O');
      const a = await store.insertAttempt(attempt({ order_id: orderId }), now());
      await store.transition(/** @type {any} */ (a).order_no, 'claim', {}, now());
      assert.ok((await store.pay(/** @type {any} */ (a).order_no, { tid: `T${uid()}` }, now())).ok);
      const b = await store.insertAttempt(attempt({ order_id: orderId }), now());
      assert.ok(b, 'a paid attempt is not open');
      await store.transition(b.order_no, 'claim', {}, now());
      const tid = `T${uid()}`;
      const r = await store.pay(b.order_no, { tid }, now());
      assert.deepEqual(r, { ok: false, reason: 'order-paid' });
      assert.equal((await store.getAttempt(b.order_no))?.status, 'processing');
      assert.equal(await store.findByTid('shinhan', tid), undefined, 'the TID row was rolled back with it');
      assert.equal(await store.recordRefundDue({ provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: b.order_no, order_id: orderId, amount: 11000, reason: 'order-already-paid' }, now()), true);
    });

    test('a TID is recorded once: as one payment, or as money owed, never twice', async () => {
      const tid = `T${uid()}`;
      const a = await inStatus('processing');
      const b = await inStatus('processing');
      assert.ok(a && b);
      assert.ok((await store.pay(a.order_no, { tid }, now())).ok);
      assert.deepEqual((await store.pay(a.order_no, { tid }, now())).ok && 'already', 'already');
      const r = await store.pay(b.order_no, { tid }, now());
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'tid-taken');
      assert.equal(await store.recordRefundDue({ provider: 'shinhan', tid, merchant_id: 'kpgdemo01', order_no: b.order_no, order_id: b.order_id, amount: 1, reason: 'x' }, now()), false);
      assert.equal((await store.findByTid('shinhan', tid))?.order_no, a.order_no);
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
      await assert.rejects(sql.query("UPDATE kpg_attempts SET reported_status = 'failed' WHERE status = 'paid'"), /check constraint|violates/i);
      await assert.rejects(sql.query("UPDATE kpg_attempts SET status = 'paid', tid = NULL WHERE order_no = $1", [a.order_no]), /check constraint|violates/i);
      await assert.rejects(sql.query("UPDATE kpg_attempts SET status = 'approved' WHERE order_no = $1", [a.order_no]), /foreign key|violates/i);
    });

    test('fault 9: a TID is found through an index, not a scan; migrations are idempotent (and serialised by an advisory lock)', async () => {
      const { rows } = await sql.query("SELECT indexname FROM pg_indexes WHERE tablename = 'kpg_attempts' ORDER BY indexname");
      const names = rows.map((r) => /** @type {any} */ (r).indexname);
      for (const name of ['kpg_attempts_one_open_per_order', 'kpg_attempts_one_paid_per_order', 'kpg_attempts_tid']) assert.ok(names.includes(name), name);
      await store.migrate();
      if ('url' in database) {
        const others = await Promise.all([0, 1, 2].map(async () => createSqlStore(await openPostgres({ connectionString: /** @type {any} */ (database).url }))));
        await Promise.all(others.map((s) => s.migrate()));
        await Promise.all(others.map((s) => s.close()));
      }
      const applied = await sql.query('SELECT name FROM kpg_migrations');
      assert.deepEqual(applied.rows.map((r) => /** @type {any} */ (r).name), ['001_init.sql']);
    });

    test('fault 9: refusals and finished unpaid attempts are pruned after the retention; paid ones and money owed never', async () => {
      const old = new Date(Date.now() - 100 * 86400_000).toISOString();
      const a = await store.insertAttempt(attempt(), old);
      assert.ok(a);
      await store.transition(a.order_no, 'cancel', { reason: 'x' }, old);
      await store.recordRefusal({ at: old, route: 'x', order_no: a.order_no, order_id: null, code: 'x', message: 'x' });
      const paid = await inStatus('paid');
      const pruned = await store.prune(new Date(Date.now() - 90 * 86400_000).toISOString());
      assert.ok(pruned.attempts >= 1 && pruned.refusals >= 1);
      assert.equal(await store.getAttempt(a.order_no), undefined);
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
