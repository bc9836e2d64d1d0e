// @ts-check
/**
 * settlement.ts against the provider interface, on PGlite and on PostgreSQL: what the payment module does
 * with a Settlement a provider hands it, whatever provider it is. Both providers of today refute a lookup
 * that names another TID than the attempt's themselves; a provider added later might not, and the money
 * code does not take its word for it. The settlements are written here, the store and its transitions are
 * the real ones.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createPayments } from '../../dist/server/payments/index.js';
import { forEachEngine, uid } from './server-helpers.mjs';
import { DAY, kst, testClock } from './clock.mjs';

const MID = 'kpgtest01m';
/** MID (10) + "0101" + yyMMddHHmmss (12) + 4 digits = 30, as Smartro makes them. */
const smartroTid = () => `${MID}0101261130${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;

forEachEngine('settlement: a provider naming another TID than a waiting account\'s', ({ store }) => {
  const clock = testClock();

  function setup() {
    /** @type {Record<string, unknown>[]} */
    const logs = [];
    const woken = { times: 0 };
    const payments = createPayments({
      store: store(),
      log: { write: (line) => void logs.push(line) },
      // The relay's wake-up: called once events were committed.
      eventsWritten: () => void woken.times++,
      now: () => clock.date(),
      config: {
        publicBaseUrl: 'https://shop.example',
        callbackUrls: /** @type {any} */ ({}),
        pgTimeoutMs: 1000,
        attemptTtlMs: 30 * 60_000,
        smartroQuietMs: 60_000,
        staleProcessingMs: 120_000,
        cardListTtlMs: 60_000,
        resultWaitMs: 0,
        receiptCacheMs: 0,
      },
    });
    return { payments, logs, woken };
  }

  /** A Smartro VBANK attempt awaiting its deposit on account `tid`, due `due` (YYYY-MM-DD). @param {string} tid @param {string} due */
  async function waiting(tid, due) {
    const s = store();
    const a = await s.insertAttempt(
      { order_no: uid('N'), order_id: uid('O'), provider: 'smartro', merchant_id: MID, amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: null, pay_method: 'VBANK', return_to: null, app_scheme: null, nonce: randomBytes(12).toString('hex') },
      clock.date().toISOString(),
    );
    assert.ok(a);
    await s.transition(a.order_no, 'claim', { claimed_tid: tid }, clock.date().toISOString());
    const issued = await s.transition(a.order_no, 'issue', { claimed_tid: tid, pay_method: 'VBANK', bank_code: '088', bank_name: '신한은행', vbank_account_no: '56212345678901', vbank_holder: '(주)케이피지데모', vbank_due_date: due }, clock.date().toISOString());
    assert.equal(issued?.status, 'awaiting_deposit');
    return /** @type {NonNullable<typeof issued>} */ (issued);
  }

  test('an account issued under another TID, past the waiting account\'s due day: refused (vbank-mismatch), the account is not closed on its word', async () => {
    const { payments, logs } = setup();
    const account = await waiting(smartroTid(), kst.date(clock.now() - 2 * DAY));
    const other = smartroTid();
    const after = await payments.apply(account, { kind: 'issued', tid: other, account: {} }, 'test');
    assert.equal(after.status, 'awaiting_deposit');
    assert.equal((await store().getAttempt(account.order_no))?.status, 'awaiting_deposit');
    assert.deepEqual((await store().refusals({ orderNo: account.order_no })).map((r) => r.code), ['vbank-mismatch']);
    assert.equal(logs.filter((l) => l.transition === 'expire').length, 0);
    // The account's own TID, past due and not deposited, does close it.
    const closed = await payments.apply(account, { kind: 'issued', tid: /** @type {string} */ (account.claimed_tid), account: {} }, 'test');
    assert.deepEqual([closed.status, closed.reason], ['cancelled', 'vbank-expired']);
  });

  test('a deposit under another TID than the account\'s: refused (vbank-mismatch), nothing paid, no money recorded', async () => {
    const { payments } = setup();
    const account = await waiting(smartroTid(), kst.date(clock.now() + 2 * DAY));
    const other = smartroTid();
    const after = await payments.apply(account, { kind: 'paid', details: { tid: other, approved_at: '2026-11-30 12:00:00' } }, 'test');
    assert.equal(after.status, 'awaiting_deposit');
    const row = await store().getAttempt(account.order_no);
    assert.deepEqual([row?.status, row?.tid], ['awaiting_deposit', null]);
    assert.equal(await store().findByTid('smartro', other), undefined);
    assert.deepEqual((await store().refusals({ orderNo: account.order_no })).map((r) => r.code), ['vbank-mismatch']);
  });

  test('a deposit of another amount into a waiting account: owed back and the account closed (cancelled, amount-mismatch), never paid', async () => {
    const { payments, woken } = setup();
    const account = await waiting(smartroTid(), kst.date(clock.now() + 2 * DAY));
    const tid = /** @type {string} */ (account.claimed_tid);
    const after = await payments.apply(account, { kind: 'wrong-amount', details: { tid, approved_at: '2026-11-30 12:00:00' }, amount: 1100 }, 'test');
    assert.deepEqual([after.status, after.reason], ['cancelled', 'amount-mismatch']);
    const due = (await store().refundsDue()).filter((r) => r.order_no === account.order_no);
    assert.deepEqual(due.map((r) => [r.tid, r.amount, r.reason]), [[tid, 1100, 'wrong-amount']]);
    // refund.due, then the account's close (vbank.expired): the relay is woken for each.
    assert.equal(woken.times, 2);
  });

  test('a refutation that names no TID sends a claimed attempt back to pending (nothing recorded); one naming another TID than the claim leaves the claim to be settled', async () => {
    const { payments } = setup();
    const claim = async () => {
      const s = store();
      const a = await s.insertAttempt(
        { order_no: uid('N'), order_id: uid('O'), provider: 'smartro', merchant_id: MID, amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: null, pay_method: null, return_to: null, app_scheme: null, nonce: randomBytes(12).toString('hex') },
        clock.date().toISOString(),
      );
      assert.ok(a);
      return /** @type {NonNullable<Awaited<ReturnType<typeof s.transition>>>} */ (await s.transition(a.order_no, 'claim', { claimed_tid: smartroTid() }, clock.date().toISOString()));
    };
    const untold = await claim();
    const back = await payments.apply(untold, { kind: 'refuted', message: 'The receipt API shows another Moid.' }, 'test');
    // Back to pending as if never claimed: no claimed TID, and no processing step (the staff console's story
    // draws one from processing_since: a pending attempt shows none).
    assert.equal(typeof untold.processing_since, 'string');
    assert.deepEqual([back.status, back.claimed_tid, back.processing_since], ['pending', null, null]);
    const told = await claim();
    const kept = await payments.apply(told, { kind: 'refuted', tid: smartroTid(), message: 'Another TID is not this Moid\'s.' }, 'test');
    assert.deepEqual([kept.status, kept.claimed_tid], ['processing', told.claimed_tid]);
    assert.deepEqual((await store().refusals({ orderNo: told.order_no })).map((r) => r.code), ['receipt-mismatch']);
  });

  test('an account issued without its bank, holder or due date: nothing is recorded from it (nothing to show the buyer): the attempt being verified is in doubt (unknown), with a warning that says why', async () => {
    const whole = { bank_name: '신한은행', vbank_holder: '(주)케이피지데모', vbank_due_date: '2026-12-03', vbank_account_no: '56212345678901' };
    for (const missing of /** @type {const} */ (['bank_name', 'vbank_holder', 'vbank_due_date'])) {
      const { payments, logs } = setup();
      const s = store();
      const a = await s.insertAttempt(
        { order_no: uid('N'), order_id: uid('O'), provider: 'smartro', merchant_id: MID, amount: 11000, product_name: '테스트 상품', user_id: 'buyer01', device_type: 2, pgcode: null, pay_method: 'VBANK', return_to: null, app_scheme: null, nonce: randomBytes(12).toString('hex') },
        clock.date().toISOString(),
      );
      assert.ok(a);
      const tid = smartroTid();
      const claimed = /** @type {NonNullable<Awaited<ReturnType<typeof s.transition>>>} */ (await s.transition(a.order_no, 'claim', { claimed_tid: tid }, clock.date().toISOString()));
      const { [missing]: _, ...account } = whole;
      const after = await payments.apply(claimed, { kind: 'issued', tid, account }, 'test');
      assert.deepEqual([after.status, after.claimed_tid, after.vbank_account_no ?? null], ['unknown', tid, null], `without ${missing}`);
      assert.deepEqual(logs.filter((l) => l.event === 'pg-call' && l.order_no === a.order_no).map((l) => [l.level, l.outcome, l.message]), [['warn', 'unknown', `The virtual account ${tid} is missing its bank, holder or due date.`]], `without ${missing}`);
    }
  });
});
