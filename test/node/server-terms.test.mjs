// @ts-check
/**
 * Issue 25 on the server, on PGlite and on PostgreSQL: GET {base}/terms (proxied, cached, the shop's pgcodes
 * only), the consent a session must carry where terms are on (400 without, 409 when the terms changed), the
 * consent recorded with the attempt (migration 007, never changed afterwards), selpay's user_ci (buyer.ci),
 * the buyer's contact sent as email_flag / email_addr / mobile_no, and escr_yn recorded, in the result view and
 * in the events' data.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openPglite } from '../../dist/server/store/pglite.js';
import { openPostgres } from '../../dist/server/store/postgres.js';
import { createSqlStore } from '../../dist/server/store/sql-store.js';
import { buyerContact } from '../../dist/server/providers/shinhan.js';
import { termsView } from '../../dist/server/payments/terms.js';
import { STANDARD_TERMS } from '../../demo/sandbox/shinhan/terms.mjs';
import { ENGINES, SANDBOX_SECRETS, sandboxes, shinhanDecide, shopOrders, startServer, TEST_CI } from './server-helpers.mjs';

const sha256 = (/** @type {string} */ s) => createHash('sha256').update(s, 'utf8').digest('hex');
const API = '/api/kpg';

test('termsView: the PG\'s terms in terms_no order whatever order it lists them in, so one set of terms has one terms_hash', () => {
  const shuffled = [STANDARD_TERMS[2], STANDARD_TERMS[0], STANDARD_TERMS[1]];
  const view = termsView('card', shuffled, true);
  assert.deepEqual(view.list.map((t) => t.terms_no), [1, 2, 3]);
  assert.equal(view.terms_hash, termsView('card', [...STANDARD_TERMS], true).terms_hash);
  assert.equal(view.terms_hash, termsView('card', [...STANDARD_TERMS].reverse(), true).terms_hash);
  assert.notEqual(view.terms_hash, termsView('card', STANDARD_TERMS.slice(0, 2), true).terms_hash, 'other terms, another hash');
});

test('buyerContact: email_flag Y with email_addr (<= 50), mobile_no as 10-11 digits, a +82 number written the Korean way', () => {
  assert.deepEqual(buyerContact({ email: 'a@b.kr', tel: '010-1234-5678' }), { email_flag: 'Y', email_addr: 'a@b.kr', mobile_no: '01012345678' });
  assert.deepEqual(buyerContact({ tel: '+82 10-1234-5678' }), { mobile_no: '01012345678' });
  assert.deepEqual(buyerContact({ email: `${'a'.repeat(45)}@b.com`, tel: '12345' }), {}, 'what does not fit the document is not sent');
  assert.deepEqual(buyerContact({}), {});
});

for (const engine of ENGINES) {
  describe(`terms, consent, user_ci, contact, escrow (issue 25) [${engine.name}]`, { skip: engine.skip }, () => {
    /** @type {import('../../dist/server/store/sql.js').SqlClient} */
    let sql;
    /** @type {import('../../dist/server/index.js').PaymentStore} */
    let store;
    /** @type {() => Promise<void>} */
    let drop;
    before(async () => {
      const db = await engine.create();
      drop = db.drop;
      sql = 'url' in db.database ? await openPostgres({ connectionString: db.database.url }) : await openPglite(undefined);
      store = createSqlStore(sql);
      await store.migrate();
    });
    after(async () => {
      await store?.close();
      await drop?.();
    });

    /**
     * The server over both sandboxes. `shinhan`: more shinhan options; `sandbox`: the Shinhan sandbox's options.
     * @param {import('node:test').TestContext} t
     * @param {{ shinhan?: Record<string, unknown>, sandbox?: Record<string, unknown>, options?: Record<string, unknown> }} [o]
     */
    async function setup(t, o = {}) {
      const pgs = await sandboxes(t, {}, /** @type {any} */ (o.sandbox ?? {}));
      // The server's own default (requireTerms on), not the sandboxes() helper's opt-out, unless a test says.
      const { requireTerms: _optOut, ...shinhanOptions } = pgs.options.shinhan;
      const shop = shopOrders();
      /** @type {any[]} */
      const events = [];
      const server = await startServer(
        t,
        store,
        {
          ...pgs.options,
          shinhan: { ...shinhanOptions, pgcodes: ['selpay', 'card', 'nauthcard'], ...o.shinhan },
          loadOrder: shop.loadOrder,
          authorize: shop.authorize,
          onEvent: (/** @type {any} */ e) => void events.push(e),
          ...o.options,
        },
        { secrets: SANDBOX_SECRETS },
      );
      /** @param {string} path @param {Record<string, unknown>} body */
      const settings = async (body) => {
        const res = await fetch(`${pgs.shinhan.origin}/__sandbox/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.equal(res.status, 200);
      };
      /** @param {string} orderId @param {Record<string, unknown>} [extra] */
      const session = (orderId, extra = {}) => server.postJson(`${API}/session`, { provider: 'shinhan', order_id: orderId, device_type: 2, pgcode: 'card', ...extra });
      return { pgs, shop, events, settings, session, ...server };
    }

    test('GET /terms: the PG\'s terms with a sha256 each and one terms_hash; cached; only the shop\'s pgcodes; none for a pgcode without terms', async (t) => {
      const s = await setup(t);
      const r = await s.call(`${API}/terms?pgcode=card`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.required, true);
      assert.deepEqual(r.json.list.map((/** @type {any} */ x) => [x.terms_no, x.terms_nm, x.terms_ctnt, x.sha256]), STANDARD_TERMS.map((x) => [x.terms_no, x.terms_nm, x.terms_ctnt, sha256(x.terms_ctnt)]));
      assert.equal(r.json.terms_hash, sha256(JSON.stringify(STANDARD_TERMS.map((x) => [x.terms_no, x.terms_nm, sha256(x.terms_ctnt)]))));
      assert.match(r.res.headers.get('cache-control') ?? '', /private/);
      // Cached like the card list: the PG answering nothing now does not change the answer within the TTL.
      await s.settings({ terms: 'none' });
      assert.deepEqual((await s.call(`${API}/terms?pgcode=card`)).json, r.json);
      // A pgcode with no terms at the PG ("there is no data."): an empty list, nothing required.
      const none = await s.call(`${API}/terms?pgcode=nauthcard`);
      assert.deepEqual(none.json, { pgcode: 'nauthcard', required: false, terms_hash: null, list: [] });
      const other = await s.call(`${API}/terms?pgcode=bizselpay`);
      assert.equal(other.status, 400);
      assert.equal(other.json.field, 'pgcode');
    });

    test('by default (no requireTerms option): no terms_agreed -> 400 naming it; some missing -> 400; a stale hash -> 409 terms-changed; all -> paid with the consent recorded', async (t) => {
      const s = await setup(t, { options: { cardListTtlMs: 0 } });
      const order = s.shop.add();
      const without = await s.session(order.order_id);
      assert.equal(without.status, 400, without.text);
      assert.equal(without.json.code, 'missing-field');
      assert.equal(without.json.field, 'terms_agreed');
      // Not a list of numbers: says what it must be.
      const notList = await s.session(order.order_id, { terms_agreed: 'all' });
      assert.deepEqual([notList.status, notList.json.code, notList.json.field, notList.json.message], [400, 'invalid-field', 'terms_agreed', 'terms_agreed must be a list of the terms_no the buyer agreed to, e.g. [1, 2, 3].']);
      const shown = (await s.call(`${API}/terms?pgcode=card`)).json;
      const some = await s.session(order.order_id, { terms_agreed: [1, 2], terms_hash: shown.terms_hash });
      assert.equal(some.status, 400);
      assert.equal(some.json.code, 'terms-not-agreed');
      assert.match(some.json.message, /lacks terms 3/);
      const noHash = await s.session(order.order_id, { terms_agreed: [1, 2, 3] });
      assert.equal(noHash.status, 400);
      assert.deepEqual([noHash.json.field, noHash.json.message], ['terms_hash', 'terms_hash is required with terms_agreed: send the terms_hash GET {base}/terms answered.']);
      assert.equal((await store.orderState(order.order_id)).open, undefined, 'no attempt was made by a refused session');

      // The terms change at the PG between display and payment: a clear 409, then agreeing again works.
      await s.settings({ terms: 'hostile' });
      const stale = await s.session(order.order_id, { terms_agreed: [1, 2, 3], terms_hash: shown.terms_hash });
      assert.equal(stale.status, 409, stale.text);
      assert.equal(stale.json.code, 'terms-changed');
      await s.settings({ terms: 'standard' });

      const ok = await s.session(order.order_id, { terms_agreed: [3, 2, 1], terms_hash: shown.terms_hash });
      assert.equal(ok.status, 200, ok.text);
      const attempt = await store.getAttempt(ok.json.order_no);
      assert.ok(attempt?.consent);
      assert.equal(attempt.consent.terms_hash, shown.terms_hash);
      assert.deepEqual(attempt.consent.terms, STANDARD_TERMS.map((x) => ({ terms_no: x.terms_no, terms_nm: x.terms_nm, sha256: sha256(x.terms_ctnt) })));
      assert.ok(Number.isFinite(Date.parse(attempt.consent.agreed_at)));

      // Paid: the result view and the event say which terms were agreed to.
      const page = await shinhanDecide(ok.json.redirect_url, 'approve');
      await fetch(/** @type {string} */ (page.action), { method: 'POST', body: new URLSearchParams(page.fields) });
      const result = await s.call(`${API}/result?order_no=${ok.json.order_no}`);
      assert.equal(result.json.status, 'paid');
      assert.deepEqual(result.json.terms_agreed, [1, 2, 3]);

      // The database keeps the consent as recorded: no UPDATE changes or removes it.
      for (const set of ["consent = NULL", "consent = jsonb_set(consent, '{terms_hash}', '\"x\"')"]) {
        await assert.rejects(sql.query(`UPDATE kpg_attempts SET ${set} WHERE order_no = $1`, [ok.json.order_no]), (/** @type {any} */ e) => e.code === '23514' || /consent_kept|never changed/.test(String(e.message)));
      }
      await assert.rejects(
        sql.query(`INSERT INTO kpg_attempts (order_no, order_id, provider, merchant_id, status, amount, product_name, user_id, device_type, nonce, created_at, updated_at, consent)
          VALUES ('X1', 'X1', 'shinhan', 'c', 'pending', 1, 'p', 'u', 2, 'n', now(), now(), '{"terms": []}'::jsonb)`),
        /consent_shape|check constraint/,
      );
    });

    test('requireTerms: false (the opt-out): no consent needed; a consent the widget sends is still checked and recorded; by default a pgcode without terms needs none', async (t) => {
      const s = await setup(t, { shinhan: { requireTerms: false } });
      const plain = await s.session(s.shop.add().order_id);
      assert.equal(plain.status, 200, plain.text);
      assert.equal((await store.getAttempt(plain.json.order_no))?.consent, null);
      const shown = (await s.call(`${API}/terms?pgcode=card`)).json;
      assert.equal(shown.required, false);
      const given = await s.session(s.shop.add().order_id, { terms_agreed: [1, 2, 3], terms_hash: shown.terms_hash });
      assert.equal(given.status, 200, given.text);
      assert.equal((await store.getAttempt(given.json.order_no))?.consent?.terms_hash, shown.terms_hash);
      assert.equal((await s.session(s.shop.add().order_id, { terms_agreed: [1], terms_hash: shown.terms_hash })).status, 400);

      const t2 = await setup(t);
      const nauth = await t2.session(t2.shop.add().order_id, { pgcode: 'nauthcard' });
      assert.equal(nauth.status, 200, nauth.text);
    });

    test('selpay: buyer.ci goes as user_ci; without it a clear 400 naming buyer.ci, unless the shop waives it (then the PG decides)', async (t) => {
      const s = await setup(t, { shinhan: { requireTerms: false } });
      const withCi = await s.session(s.shop.add().order_id, { pgcode: 'selpay' });
      assert.equal(withCi.status, 200, withCi.text);
      const noCi = s.shop.add({ buyer: { id: 'buyer09', name: '김철수' } });
      const refused = await s.session(noCi.order_id, { pgcode: 'selpay' });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.field, 'buyer.ci');
      assert.match(refused.json.message, /user_ci/);
      assert.equal((await s.session(noCi.order_id, { pgcode: 'card' })).status, 200, 'card has no such rule');

      const waived = await setup(t, { shinhan: { userCiWaived: true, requireTerms: false } });
      const noCi2 = waived.shop.add({ buyer: { id: 'buyer09', name: '김철수' } });
      const pgSays = await waived.session(noCi2.order_id, { pgcode: 'selpay' });
      assert.equal(pgSays.status, 502, 'the sandbox enforces the document: the PG refuses');
      assert.match(pgSays.json.message, /user_ci is required for selpay/);
      await waived.settings({ require_user_ci: false });
      assert.equal((await waived.session(waived.shop.add({ buyer: { id: 'buyer09', name: '김철수' } }).order_id, { pgcode: 'selpay' })).status, 200);

      const sent = await (await fetch(`${s.pgs.shinhan.origin}/__sandbox/payments`)).json();
      const request = sent.payments.find((/** @type {any} */ p) => p.orderNo === withCi.json.order_no).request;
      assert.equal(request.user_ci, TEST_CI);
      assert.equal(request.email_flag, 'Y');
      assert.equal(request.email_addr, 'buyer@example.com');
      assert.equal(request.mobile_no, '01012345678');
      assert.ok(!('terms_agreed' in request) && !('terms_hash' in request), 'the consent is ours: never sent to Shinhan');
    });

    test('escr_yn: recorded from return_url, in the result view and in the payment.paid event', async (t) => {
      const s = await setup(t, { sandbox: { escrYn: 'Y' }, shinhan: { requireTerms: false } });
      const ok = await s.session(s.shop.add().order_id);
      const page = await shinhanDecide(ok.json.redirect_url, 'approve');
      assert.equal(page.fields.escr_yn, 'Y');
      await fetch(/** @type {string} */ (page.action), { method: 'POST', body: new URLSearchParams(page.fields) });
      const attempt = await store.getAttempt(ok.json.order_no);
      assert.equal(attempt?.status, 'paid');
      assert.equal(attempt?.escrow, 'Y');
      assert.equal((await s.call(`${API}/result?order_no=${ok.json.order_no}`)).json.escrow, true);
      await s.kpg.deliverEvents?.();
      const { until } = await import('./server-helpers.mjs');
      await until(() => s.events.some((e) => e.type === 'payment.paid' && e.order_no === ok.json.order_no), 10_000, 'payment.paid');
      assert.equal(s.events.find((e) => e.type === 'payment.paid' && e.order_no === ok.json.order_no).data.escrow, true);

      await s.settings({ escr_yn: null });
      const plain = await s.session(s.shop.add().order_id);
      const p2 = await shinhanDecide(plain.json.redirect_url, 'approve');
      await fetch(/** @type {string} */ (p2.action), { method: 'POST', body: new URLSearchParams(p2.fields) });
      assert.equal((await store.getAttempt(plain.json.order_no))?.escrow, null);
      assert.equal((await s.call(`${API}/result?order_no=${plain.json.order_no}`)).json.escrow, undefined);
    });
  });
}
