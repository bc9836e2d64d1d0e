// @ts-check
/**
 * Issue 22 end to end: a Shinhan cancel that times out is unknown, blocks the next, and is settled by confirm-info
 * (or waits for staff where confirm-info cannot prove it); the promotion rule, the ledger recording what the PG answered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelsSuite } from './server-cancels-setup.mjs';
import { storeWith, until } from './server-helpers.mjs';
import { testClock } from './clock.mjs';

cancelsSuite('cancels: unknown, settled', ({ engine, store, database, setup, payShinhan, paySmartro, atPg, staff, key }) => {
  test('a Shinhan cancel that times out is unknown, the next one is refused, and reconcile() settles it from confirm-info (tx_stat 2): refunded', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() });
    assert.deepEqual([lost.status, lost.code], ['unknown', 'pg-unreachable'], JSON.stringify(lost));
    const next = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1000, reason: '다른 취소', idempotency_key: key() });
    assert.deepEqual([next.status, next.code], ['refused', 'cancel-in-flight']);
    // A whole cancel asked again meanwhile (nothing left to hold): refused before anything is written or sent.
    const whole = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소 다시', idempotency_key: key() });
    assert.deepEqual(whole, { status: 'refused', cancelled_amount: 0, refunded_total: 0, balance: 11000, code: 'cancel-in-flight', message: 'Another cancel of this payment is in flight: it must be settled first.' });
    assert.equal((await s.kpg.cancels(p.order.order_id))?.cancels.length, 1, 'no row for it');
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1, 'nothing sent twice');
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.settled, [{ cancel_id: lost.cancel_id, order_id: p.order.order_id, status: 'done' }]);
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
  });

  test('the same cancel asked again (same key, same arguments) while the first is still at the PG: unknown, in-progress, nothing sent twice; then the first\'s answer', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 4000 });
    const p = await payShinhan(s);
    // Shinhan answers this cancel after 1.5 s (made).
    await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid, delay_ms: 1500 });
    const args = { order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() };
    const first = s.kpg.cancel(args);
    await until(async () => (await s.kpg.cancels(p.order.order_id))?.cancels[0]?.status === 'requested', 5000, 'the first cancel to be sent');
    const again = await s.kpg.cancel(args);
    assert.deepEqual([again.status, again.code, again.cancelled_amount], ['unknown', 'in-progress', 0]);
    const done = await first;
    assert.deepEqual([done.status, done.cancelled_amount, done.balance], ['done', 11000, 0]);
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1, 'sent once');
  });

  test('a Shinhan partial cancel lost while confirm-info said tx_stat 1 is proven by tx_stat 3; one lost while it already said 3 waits for staff, who confirm it', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 502 });
    const first = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1000, reason: '부분', idempotency_key: key() });
    assert.equal(first.status, 'unknown');
    await s.kpg.reconcile();
    const provable = (await s.kpg.cancels(p.order.order_id))?.cancels[0];
    assert.deepEqual([provable?.status, provable?.amount], ['done', 1000], 'tx_stat 1 before, 3 after: this cancel');

    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 502 });
    const second = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분 2', idempotency_key: key() });
    assert.equal(second.status, 'unknown');
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.unknown.map((u) => [u.cancel_id, u.staff_check]), [[second.cancel_id, true]]);
    // What the staff read on the cancel: why the server cannot settle it itself.
    assert.equal((await store().getCancel(/** @type {number} */ (second.cancel_id)))?.pg_message, "confirm-info says tx_stat 3, as it did before this cancel: it cannot prove it. Check Shinhan's admin site.");
    const waiting = await s.kpg.cancel({ order_id: p.order.order_id, amount: 500, reason: 'x', idempotency_key: key() });
    assert.equal(waiting.code, 'cancel-in-flight');
    // The staff route: checked in Shinhan's admin site, it was made.
    const confirmed = await staff(s, '/cancels/confirm', { cancel_id: second.cancel_id, done: true, note: '관리자 사이트에서 확인' });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.deepEqual([confirmed.json.status, confirmed.json.refunded_total, confirmed.json.balance], ['done', 3000, 8000]);
    const row = (await s.kpg.cancels(p.order.order_id))?.cancels[1];
    assert.deepEqual([row?.settled_by, row?.settle_note], ['staff:kim', '관리자 사이트에서 확인']);
    // The audit table names the order the cancel belongs to (the body names only the cancel).
    const [audited] = await (await s.kpg.store()).auditEntries({ limit: 1 });
    assert.deepEqual([audited.action, audited.order_id], ['cancels/confirm', p.order.order_id]);
    assert.equal((await staff(s, '/cancels/confirm', { cancel_id: second.cancel_id, done: false })).json.code, 'cancel-settled');
  });

  test('a Shinhan partial cancel of everything left (with its tax-free part) lost, then confirm-info says tx_stat 2: it asked for the rest, so it is done and the payment refunded, no staff check', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s, { taxfree_amount: 2000 });
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 502 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, amount: 11000, taxfree_amount: 2000, reason: '전부 반품', idempotency_key: key() });
    assert.deepEqual([lost.status, (await store().getCancel(/** @type {number} */ (lost.cancel_id)))?.kind], ['unknown', 'partial'], JSON.stringify(lost));
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.settled, [{ cancel_id: lost.cancel_id, order_id: p.order.order_id, status: 'done' }], JSON.stringify(report.cancels));
    assert.deepEqual(report.cancels.unknown, []);
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
  });

  test('staff confirm a lost cancel was NOT made: refused not-cancelled-staff, the row failed with who and why, a warning in the log, and the balance is the buyer\'s again', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    // The PG fails before cancelling, and its answer is an error: the server cannot tell, the cancel is unknown.
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, applied: false, status: 503 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, amount: 3000, reason: '부분 취소', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    const answer = await staff(s, '/cancels/confirm', { cancel_id: lost.cancel_id, done: false, note: '관리자 사이트에 취소 내역 없음' });
    assert.deepEqual(
      [answer.status, answer.json.status, answer.json.code, answer.json.cancel_id, answer.json.cancelled_amount, answer.json.refunded_total, answer.json.balance],
      [409, 'refused', 'not-cancelled-staff', lost.cancel_id, 0, 0, 11000],
      answer.text,
    );
    const row = await store().getCancel(/** @type {number} */ (lost.cancel_id));
    assert.deepEqual([row?.status, row?.code, row?.settled_by, row?.settle_note, row?.staff_check], ['failed', 'not-cancelled-staff', 'staff:kim', '관리자 사이트에 취소 내역 없음', false]);
    const line = s.logs.find((l) => l.event === 'cancel' && l.cancel_id === lost.cancel_id && l.status === 'failed');
    assert.deepEqual([line?.level, line?.what, line?.code, line?.settled_by], ['warn', 'staff/confirm-not-done', 'not-cancelled-staff', 'staff:kim']);
    // Nothing is held any more: the whole payment can be given back now.
    const whole = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() });
    assert.deepEqual([whole.status, whole.cancelled_amount, whole.balance], ['done', 11000, 0], JSON.stringify(whole));
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1, 'the PG made one cancel: the whole one');
  });

  test('a lost cancel that waits for staff (confirm-info cannot prove it), confirmed NOT made: failed, and no longer waiting for staff', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    const first = await s.kpg.cancel({ order_id: p.order.order_id, amount: 1000, reason: '부분 1', idempotency_key: key() });
    assert.equal(first.status, 'done');
    // confirm-info says tx_stat 3 before this one as after it: it cannot tell, so staff must.
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, applied: false, status: 503 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분 2', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    await s.kpg.reconcile();
    assert.equal((await store().getCancel(/** @type {number} */ (lost.cancel_id)))?.staff_check, true);
    const answer = await staff(s, '/cancels/confirm', { cancel_id: lost.cancel_id, done: false, note: '취소 내역 없음' });
    assert.deepEqual([answer.status, answer.json.code, answer.json.refunded_total, answer.json.balance], [409, 'not-cancelled-staff', 1000, 10000], answer.text);
    const row = await store().getCancel(/** @type {number} */ (lost.cancel_id));
    assert.deepEqual([row?.status, row?.code, row?.staff_check], ['failed', 'not-cancelled-staff', false]);
  });

  test('two staff settle one unknown cancel at the same moment: the one whose write comes second is answered with the cancel as the first left it (no error), and the ledger holds one settlement', { timeout: 30_000 }, async (t) => {
    // The other staff's write lands between this one's read (the cancel is unknown) and its own write.
    /** @type {null | { status: 'done' | 'failed', amount?: number, code?: string }} */
    let other = null;
    const s = await setup(t, {
      pgTimeoutMs: 500,
      wrap: (/** @type {any} */ inner) =>
        storeWith(inner, {
          settleCancel: async (own, id, settlement, ...rest) => {
            const first = other;
            other = null;
            if (first) await own(id, { ...first, settled_by: 'staff:lee' }, ...rest);
            return own(id, settlement, ...rest);
          },
        }),
    });
    // The answer is the cancel as it is: done 200, failed 409 refused (as every cancel answer).
    for (const [done, first, status, http, answered] of /** @type {Array<[boolean, any, string, number, string]>} */ ([
      [false, { status: 'done', amount: 11000, nothing_left: true }, 'done', 200, 'done'],
      [true, { status: 'failed', code: 'not-cancelled-staff' }, 'failed', 409, 'refused'],
    ])) {
      const p = await payShinhan(s);
      // The PG made the cancel exactly when the first staff's word is "done" (the ledger and the PG agree:
      // pgAgrees, after the test), and its answer was lost either way.
      await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid, applied: first.status === 'done', status: 503 });
      const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '취소', idempotency_key: key() });
      assert.equal(lost.status, 'unknown');
      other = first;
      const answer = await staff(s, '/cancels/confirm', { cancel_id: lost.cancel_id, done });
      assert.deepEqual([answer.status, answer.json.status, answer.json.cancel_id], [http, answered, lost.cancel_id], answer.text);
      const row = await store().getCancel(/** @type {number} */ (lost.cancel_id));
      assert.deepEqual([row?.status, row?.settled_by], [status, 'staff:lee'], 'the first settlement stands');
    }
  });

  test("a cancel left requested (its instance died between the PG's answer and the ledger) is the staff's to settle at once: confirmed made, it is done and the payment refunded", { timeout: 30_000 }, async (t) => {
    let dies = true;
    const s = await setup(t, {
      pgTimeoutMs: 500,
      wrap: (/** @type {any} */ inner) =>
        storeWith(inner, {
          settleCancel: async (own, ...args) => {
            if (dies) {
              dies = false;
              throw new Error('the instance died');
            }
            return own(...args);
          },
        }),
    });
    const p = await payShinhan(s);
    await assert.rejects(s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() }), /the instance died/);
    const [row] = /** @type {any[]} */ ((await s.kpg.cancels(p.order.order_id))?.cancels ?? []);
    assert.equal(row?.status, 'requested');
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, 1, 'the PG made it');
    const answer = await staff(s, '/cancels/confirm', { cancel_id: row.id, done: true, note: '관리자 사이트에서 확인' });
    assert.deepEqual([answer.status, answer.json.status, answer.json.cancelled_amount, answer.json.balance], [200, 'done', 11000, 0], answer.text);
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
  });

  test('a lost cancel the PG did not make: reconcile() records it not done, and the balance is back', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid, applied: false, status: 503 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '취소', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    await s.kpg.reconcile();
    const row = (await s.kpg.cancels(p.order.order_id))?.cancels[0];
    assert.deepEqual([row?.status, row?.code], ['failed', 'not-cancelled']);
    const again = await s.kpg.cancel({ order_id: p.order.order_id, reason: '취소', idempotency_key: key() });
    assert.equal(again.status, 'done');
  });

  test('a lost cancel the PG does not show is not called "not made" while the PG may still be making it: unknown until cancelSettleMs has passed, then failed; one it shows is done at once', { timeout: 30_000 }, async (t) => {
    const clock = testClock();
    const s = await setup(t, { pgTimeoutMs: 500, cancelSettleMs: 60_000, now: clock.date });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: p.tid, applied: false, status: 503 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '취소', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    clock.advance(59_000);
    await s.kpg.reconcile();
    assert.equal((await store().getCancel(lost.cancel_id))?.status, 'unknown', 'young: the PG may not show it yet');
    clock.advance(1_000);
    await s.kpg.reconcile();
    const row = await store().getCancel(lost.cancel_id);
    assert.deepEqual([row?.status, row?.code], ['failed', 'not-cancelled']);
    // Proof works at any age: a lost cancel the PG shows made is done in the first run.
    const q = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel', tid: q.tid, status: 502 });
    const made = await s.kpg.cancel({ order_id: q.order.order_id, reason: '취소', idempotency_key: key() });
    assert.equal(made.status, 'unknown');
    await s.kpg.reconcile();
    assert.equal((await store().getCancel(made.cancel_id))?.status, 'done');
  });

  test('a Shinhan partial cancel lost, then the rest cancelled at its admin site: confirm-info says nothing is left, which this cancel cannot tell apart: staff look, nothing is recorded', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s);
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 502 }); // made, its answer lost
    const asked = { order_id: p.order.order_id, amount: 1000, reason: '부분', idempotency_key: key() };
    const lost = await s.kpg.cancel(asked);
    assert.equal(lost.status, 'unknown');
    const admin = await fetch(`${s.pgs.shinhan.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid, reason: '관리자 취소' }) });
    assert.equal(admin.status, 200, await admin.text());
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.unknown.filter((u) => u.cancel_id === lost.cancel_id).map((u) => u.staff_check), [true]);
    const row = (await s.kpg.cancels(p.order.order_id))?.cancels.find((c) => c.id === lost.cancel_id);
    assert.deepEqual([row?.status, row?.code, row?.pg_message], ['unknown', 'staff-check', 'confirm-info says tx_stat 2 (nothing left) after a partial cancel of 1000 of 11000: check Shinhan\'s admin site.']);
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'paid', 'nothing given back in the ledger until staff say what happened');
    // The shop asking again with its key is told the same: unknown, staff to look (not in progress, not refused).
    const again = await s.kpg.cancel(asked);
    assert.deepEqual([again.status, again.cancel_id, again.code, again.cancelled_amount, again.balance], ['unknown', lost.cancel_id, 'staff-check', 0, 11000], JSON.stringify(again));
  });

  test('Smartro cancels lost and not made: reconcile() finds no such cancel in the receipt and records each not done (full and partial), the balance back', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    for (const amount of [undefined, 2000]) {
      const p = await paySmartro(s);
      await s.pgs.fault('smartro', { api: 'cancel', tid: p.tid, applied: false, status: 503 });
      const lost = await s.kpg.cancel({ order_id: p.order.order_id, ...(amount ? { amount } : {}), reason: '취소', idempotency_key: key() });
      assert.equal(lost.status, 'unknown', JSON.stringify(lost));
      const report = await s.kpg.reconcile();
      assert.deepEqual(report.cancels.settled.filter((c) => c.cancel_id === lost.cancel_id).map((c) => c.status), ['failed']);
      const row = (await s.kpg.cancels(p.order.order_id))?.cancels[0];
      assert.deepEqual([row?.status, row?.code, row?.pg_message], ['failed', 'not-cancelled', amount ? 'Smartro shows no new partial cancel.' : 'Smartro shows no such cancel.']);
      assert.equal((await s.kpg.cancels(p.order.order_id))?.balance, 11000);
    }
  });

  test('Smartro cancels lost and made (their answers lost): reconcile() finds each in the receipt: the full one done for the balance, the payment refunded; the partial one done for what it asked', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    for (const amount of [undefined, 2000]) {
      const p = await paySmartro(s);
      await s.pgs.fault('smartro', { api: 'cancel', tid: p.tid, status: 502 }); // made, its answer lost
      const lost = await s.kpg.cancel({ order_id: p.order.order_id, ...(amount ? { amount } : {}), reason: '취소', idempotency_key: key() });
      assert.equal(lost.status, 'unknown', JSON.stringify(lost));
      const report = await s.kpg.reconcile();
      assert.deepEqual(report.cancels.settled.filter((c) => c.cancel_id === lost.cancel_id).map((c) => c.status), ['done']);
      const view = await s.kpg.cancels(p.order.order_id);
      assert.deepEqual(view?.cancels.map((c) => [c.source, c.kind, c.status, c.amount]), [['api', amount ? 'partial' : 'full', 'done', amount ?? 11000]], JSON.stringify(view?.cancels));
      assert.deepEqual([view?.status, view?.refunded_total, view?.balance], amount ? ['paid', 2000, 9000] : ['refunded', 11000, 0]);
      // What the receipt says of it is kept: the PG's own time of the cancel.
      assert.match(String(view?.cancels[0].pg_cancelled_at), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, JSON.stringify(view?.cancels));
    }
  });

  test('a Smartro partial cancel lost (made, its answer lost) while the rest was cancelled whole at the admin site: this cancel is done for what it asked, and the admin\'s cancel is recorded as found at the PG: the ledger gives back all 11,000, not 2,000', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500, recheckPaidDays: 1 });
    const p = await paySmartro(s);
    await s.pgs.fault('smartro', { api: 'cancel', tid: p.tid, status: 502 }); // made, its answer lost
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분 취소', idempotency_key: key() });
    assert.equal(lost.status, 'unknown', JSON.stringify(lost));
    const admin = await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid }) });
    assert.equal(admin.status, 200, await admin.text());
    await s.kpg.reconcile();
    const view = await s.kpg.cancels(p.order.order_id);
    assert.deepEqual(view?.cancels.map((c) => [c.source, c.kind, c.status, c.amount]), [['api', 'partial', 'done', 2000], ['pg', 'full', 'done', 9000]], JSON.stringify(view?.cancels));
    assert.deepEqual([view?.status, view?.refunded_total, view?.balance], ['refunded', 11000, 0]);
  });

  test('a Smartro full cancel lost while the whole payment was given back in parts at its admin site (two parts, or one part of the whole balance): Smartro shows it cancelled, but not as this cancel asked: staff look', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    // One partial cancel of the whole balance is not this full cancel either: Smartro lists a full cancel as its
    // final entry, never as a part (the receipt's partial entries are someone else's).
    for (const parts of [[2500, 8500], [11000]]) {
      const p = await paySmartro(s);
      await s.pgs.fault('smartro', { api: 'cancel', tid: p.tid, applied: false, status: 502 }); // not made, its answer lost
      const lost = await s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() });
      assert.equal(lost.status, 'unknown', JSON.stringify(lost));
      // Meanwhile someone gives the whole payment back at Smartro's admin site, in parts.
      for (const amount of parts) {
        const admin = await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid, amount }) });
        assert.equal(admin.status, 200, await admin.text());
      }
      await s.kpg.reconcile();
      const row = (await s.kpg.cancels(p.order.order_id))?.cancels.find((c) => c.id === lost.cancel_id);
      assert.deepEqual([row?.status, row?.code, row?.pg_message], ['unknown', 'staff-check', 'Smartro shows the payment cancelled, but not as this cancel asked: check its admin site.'], `parts ${parts}`);
      assert.equal((await store().getAttempt(p.orderNo))?.status, 'paid', 'nothing given back in the ledger until staff say what happened');
    }
  });

  test('a Smartro partial cancel lost while two other partial cancels were made at its admin site: which one is this cancel nobody can tell, so staff look', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await paySmartro(s);
    await s.pgs.fault('smartro', { api: 'cancel', tid: p.tid, applied: false, status: 502 }); // not made, its answer lost
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분 취소', idempotency_key: key() });
    assert.equal(lost.status, 'unknown', JSON.stringify(lost));
    for (const amount of [1000, 3000]) {
      const admin = await fetch(`${s.pgs.smartro.origin}/__sandbox/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tid: p.tid, amount }) });
      assert.equal(admin.status, 200, await admin.text());
    }
    await s.kpg.reconcile();
    const row = (await s.kpg.cancels(p.order.order_id))?.cancels.find((c) => c.id === lost.cancel_id);
    assert.deepEqual([row?.status, row?.code, row?.staff_check, row?.pg_message], ['unknown', 'staff-check', true, 'Smartro shows 2 new cancel(s) this one cannot be told from: check its admin site.']);
  });

  /**
   * A Shinhan payment whose whole cancel the PG made while the instance that sent it stopped before recording
   * the answer: the cancel is left `requested`, on a pinned clock. `beforeLost` runs as a reconcile marks it lost.
   * @param {import('node:test').TestContext} t @param {(own: any, id: number, rest: any[]) => Promise<unknown>} [beforeLost]
   */
  async function leftRequested(t, beforeLost) {
    let dying = false;
    const clock = testClock();
    const s = await setup(t, {
      cancelSettleMs: 60_000,
      now: clock.date,
      wrap: (/** @type {any} */ inner) =>
        storeWith(inner, {
          settleCancel: async (own, id, settlement, ...rest) => {
            if (dying) throw new Error('the instance stopped');
            if (beforeLost && settlement.code === 'instance-lost') await beforeLost(own, id, rest);
            return own(id, settlement, ...rest);
          },
        }),
    });
    const p = await payShinhan(s);
    dying = true;
    await assert.rejects(s.kpg.cancel({ order_id: p.order.order_id, reason: '전체 취소', idempotency_key: key() }), /the instance stopped/);
    dying = false;
    const [left] = (await s.kpg.cancels(p.order.order_id))?.cancels ?? [];
    assert.equal(left?.status, 'requested', 'the PG made it; nobody recorded its answer');
    return { s, clock, p, left };
  }

  test('a cancel whose instance died before it recorded the answer (left requested): left alone while its instance may still be calling (cancelSettleMs), then taken as lost and settled from the PG (made: done)', { timeout: 30_000 }, async (t) => {
    const { s, clock, p, left } = await leftRequested(t);
    clock.advance(59_000);
    const young = await s.kpg.reconcile();
    assert.deepEqual([[...young.cancels.settled, ...young.cancels.unknown].filter((c) => c.cancel_id === left.id).length, (await store().getCancel(left.id))?.status], [1, 'requested'], 'reported, not touched: its instance may still be calling');
    clock.advance(1_000);
    const report = await s.kpg.reconcile();
    assert.deepEqual(report.cancels.settled.filter((c) => c.cancel_id === left.id).map((c) => c.status), ['done']);
    const lost = s.logs.find((l) => l.event === 'cancel' && l.cancel_id === left.id && l.code === 'instance-lost');
    assert.deepEqual([lost?.status, lost?.pg_message], ['unknown', 'The instance that sent it did not record an answer.'], JSON.stringify(s.logs.filter((l) => l.event === 'cancel')));
    assert.equal((await store().getAttempt(p.orderNo))?.status, 'refunded');
  });

  test('a lost cancel another instance settles first (between this one\'s read and its write): this reconcile leaves it as that instance recorded it, no error', { timeout: 30_000 }, async (t) => {
    // Another instance's reconcile settles it from the PG just before this one marks it lost.
    const { s, clock, p, left } = await leftRequested(t, (own, id, rest) => own(id, { status: 'done', amount: 11000, pg_ref: 'full', nothing_left: true }, ...rest));
    clock.advance(60_000);
    await s.kpg.reconcile();
    assert.deepEqual(s.logs.filter((l) => l.event === 'error'), []);
    assert.deepEqual([(await store().getCancel(left.id))?.status, (await store().getAttempt(p.orderNo))?.status], ['done', 'refunded']);
  });

  test("the promotion rule: two partial cancels of 5,000 on 10,000 with 1,000 off: the ledger records 5,000 then 4,000, as the PG answered", async (t) => {
    const s = await setup(t);
    const p = await payShinhan(s, { amount: 10000 }, { card_cpny_cd: 'S009' });
    const first = await s.kpg.cancel({ order_id: p.order.order_id, amount: 5000, reason: '반품 1', idempotency_key: key() });
    assert.deepEqual([first.cancelled_amount, first.balance], [5000, 4000], 'the buyer paid 9,000');
    const second = await s.kpg.cancel({ order_id: p.order.order_id, amount: 5000, reason: '반품 2', idempotency_key: key() });
    assert.deepEqual([second.status, second.cancelled_amount, second.refunded_total, second.balance], ['done', 4000, 9000, 0]);
    const view = await s.kpg.cancels(p.order.order_id);
    assert.deepEqual(view?.cancels.map((c) => [c.requested_amount, c.amount]), [[5000, 5000], [5000, 4000]]);
    assert.equal(view?.status, 'refunded');
    // Below the threshold the PG cancels the whole balance: asked 3,000, given back 9,000.
    const q = await payShinhan(s, { amount: 10000 }, { card_cpny_cd: 'S009' });
    const small = await s.kpg.cancel({ order_id: q.order.order_id, amount: 3000, reason: '소액 반품', idempotency_key: key() });
    assert.deepEqual([small.status, small.cancelled_amount, small.balance], ['done', 9000, 0]);
    assert.equal((await store().getAttempt(q.orderNo))?.status, 'refunded');
  });

  test('the promotion rule\'s room above the balance is only for a payment with no cancel in doubt: while one is, any ask is refused (the PG may have given back the whole balance) and nothing is sent', { timeout: 30_000 }, async (t) => {
    const s = await setup(t, { pgTimeoutMs: 500 });
    const p = await payShinhan(s, { amount: 10000 }, { card_cpny_cd: 'S009' });
    await s.pgs.fault('shinhan', { api: 'cancel/partial', tid: p.tid, status: 502 });
    const lost = await s.kpg.cancel({ order_id: p.order.order_id, amount: 2000, reason: '부분', idempotency_key: key() });
    assert.equal(lost.status, 'unknown');
    const sent = (await atPg(s, 'shinhan', p.tid)).cancels.length;
    // On a promotion payment the PG may answer a partial cancel with the whole balance: while it is in doubt
    // nothing is left to ask for, and 500 won (inside the 1,000 won room) is refused as well.
    const over = await s.kpg.cancel({ order_id: p.order.order_id, amount: 500, reason: '나머지', idempotency_key: key() });
    assert.deepEqual([over.status, over.code], ['refused', 'cancel-in-flight']);
    assert.match(/** @type {string} */ (over.message), /more than what can be given back \(0\)/);
    assert.equal((await atPg(s, 'shinhan', p.tid)).cancels.length, sent, 'nothing sent');
  });

});
