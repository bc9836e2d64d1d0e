/**
 * The cancels module (결제취소, issue 22): giving money back, exactly once, where the PGs take no idempotency
 * key. It owns the cancels ledger's writes (store/cancels.ts, migration 005) and asks the providers; a route,
 * the CLI and `kpg.cancel` call it.
 *
 * The order of things, for one cancel:
 *   1. The arguments are checked (one zod schema) and the key looked up: the same key with the same arguments
 *      answers what that cancel came to, with no PG call; with other arguments it is refused.
 *   2. What may be sent is decided here (the balance, a virtual account's refund account, what each PG's
 *      request can carry), before anything is written.
 *   3. A `requested` row is written BEFORE the PG is called: the database refuses it if another cancel of the
 *      payment is in flight, or if it would give back more than the buyer paid.
 *   4. The PG is called once. Its answer settles the row: `done` with the amount the PG ANSWERED, `failed`, or
 *      `unknown` (a timeout, a 5xx): never retried blindly, and no further cancel of that payment until it is
 *      settled, from the PG's records (`settle`, reconcile) or by staff (confirmDone / confirmNotDone).
 *   5. A payment whose whole amount is given back moves to `refunded` in the same transaction.
 *   6. Every cancel recorded `done` (here, by reconcile, by staff, found at the PG) writes one `payment.refunded`
 *      event in that same transaction (payments/events.ts refundedEvents; the outbox of issue 21).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { HttpError, clip } from './http.js';
import { refundedEvents, transitionEvents } from './payments/events.js';
import { errorText, type Logger } from './log.js';
import type { CancelInput, CancelOutcome, PaymentProvider, PgCancelEntry, PgCancelState, RefundAccount } from './providers/types.js';
import { ORDER_ID, ORDER_ID_RULE } from './schemas.js';
import type { CancelRecord, CancelSettlement, NewCancel, PaymentMoney, RecordPgCancel, SettledCancel } from './store/cancels.js';
import type { Attempt, PaymentStore, ProviderName } from './store/types.js';
import { vatOf } from './tax.js';
import { lastFour } from './redact.js';

// ---------------------------------------------------------------------------------------------
// What callers send (kpg.cancel, the staff route, the CLI)
// ---------------------------------------------------------------------------------------------

const Won = z.number().int().positive().max(999_999_999_999);
/**
 * A key the caller chooses: printable ASCII. "pg:..." is the server's own (cancels found at the PG).
 * (No message on the refine: parseArgs answers every issue of a field with that field's RULES text.)
 */
const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/)
  .refine((k) => !k.startsWith('pg:'));

export const RefundAccountSchema = z.object({
  bank_code: z.string().regex(/^\d{3}$/),
  account_no: z.string().regex(/^\d{6,14}$/),
  holder: z.string().trim().min(1).max(20),
});

export const CancelArgsSchema = z.object({
  order_id: z.string().regex(ORDER_ID),
  /** Absent: everything left. */
  amount: Won.optional(),
  taxfree_amount: z.number().int().nonnegative().max(999_999_999_999).optional(),
  reason: z.string().trim().min(1).max(100),
  refund_account: RefundAccountSchema.optional(),
  idempotency_key: IdempotencyKey,
  requested_by: z.string().trim().min(1).max(100).optional(),
  /** Shinhan's ip_addr: the staff member's address (the staff route passes it); default 127.0.0.1. */
  client_ip: z.string().refine((v) => isIP(v) !== 0).optional(),
});
export type CancelArgs = z.input<typeof CancelArgsSchema>;

export const CancelDueArgsSchema = CancelArgsSchema.pick({ reason: true, refund_account: true, idempotency_key: true, requested_by: true, client_ip: true });
export type CancelDueArgs = z.input<typeof CancelDueArgsSchema>;

/** The reference of a cancel the shop recorded with kpg.recordCancel (a PG's own references never start so). */
const SHOP_REF = 'staff:';

/** kpg.recordCancel / POST staff/cancels/record: a cancel made elsewhere, with the amount from the PG's admin site. */
/** A staff record's key is stored as `pg:staff:<key>`, and kpg_cancels keeps keys of 255 characters at most. */
const STAFF_KEY_PREFIX = 'pg:staff:';
export const RecordCancelArgsSchema = z.object({ order_id: z.string().regex(ORDER_ID), amount: Won, reason: z.string().trim().min(1).max(100), idempotency_key: IdempotencyKey.max(255 - STAFF_KEY_PREFIX.length), requested_by: z.string().trim().min(1).max(100).optional(), pg_cancel_id: z.string().trim().min(1).max(50).optional() });

/** Every field a cancel's arguments can name (the compiler keeps RULES complete). */
type Field = keyof typeof CancelArgsSchema.shape | keyof typeof RecordCancelArgsSchema.shape | 'tid';

/** What each field must look like, for the 400 message. */
const RULES: Record<Field, string> = {
  order_id: ORDER_ID_RULE,
  amount: 'amount must be a whole number of won above 0 (absent: everything left).',
  taxfree_amount: 'taxfree_amount must be a whole number of won, 0 or more, at most amount.',
  reason: 'reason is required: 1-100 characters.',
  refund_account: 'refund_account must be {bank_code: 3 digits, account_no: 6-14 digits, holder: 1-20 characters}.',
  idempotency_key: 'idempotency_key is required: 1-255 printable ASCII characters (1-246 for recordCancel), not beginning with "pg:".',
  requested_by: 'requested_by must be 1-100 characters.',
  client_ip: 'client_ip must be an IPv4 or IPv6 address.',
  tid: 'tid must be 1-50 characters of A-Z a-z 0-9 _ -.',
  pg_cancel_id: 'pg_cancel_id must be 1-50 characters (the reference the PG\'s admin site or the bank gave).',
};

/** Checks kpg.cancel's / kpg.cancelDue's arguments without a database (the CLI, before it opens one). */
export function checkCancelArgs(input: unknown, due = false): void {
  parseArgs(due ? CancelDueArgsSchema : CancelArgsSchema, input);
}

function parseArgs<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? String(issue.path[0]) : undefined;
  if (field === undefined) throw new HttpError(400, 'invalid-body', 'The cancel must be an object.');
  const given = input && typeof input === 'object' ? (input as Record<string, unknown>)[field] : undefined;
  throw new HttpError(400, given === undefined ? 'missing-field' : 'invalid-field', RULES[field as Field], field);
}

// ---------------------------------------------------------------------------------------------
// What it answers
// ---------------------------------------------------------------------------------------------

export interface CancelAnswer {
  /** done: given back; unknown: the PG's outcome is not known yet (settled later, never retried blindly); refused: nothing was given back. */
  status: 'done' | 'unknown' | 'refused';
  /** The ledger row (the staff route settles an unknown one by it). */
  cancel_id?: number;
  /** The PG's cancel id (Shinhan cid, Smartro CancelNum / ccNo). */
  pg_cancel_id?: string;
  /** What THIS cancel gave back (what the PG answered). */
  cancelled_amount: number;
  /** Given back so far on this payment, every cancel done. */
  refunded_total: number;
  /** What can still be given back. */
  balance: number;
  /** Why (refused), or what is awaited (unknown: "pg-unreachable", "staff-check"). */
  code?: string;
  message?: string;
}

// ---------------------------------------------------------------------------------------------

export interface CancelsDeps {
  store: PaymentStore;
  providers: Partial<Record<ProviderName, PaymentProvider>>;
  log: Logger;
  now: () => Date;
  /**
   * A negative answer from the PG's records (nothing new cancelled) settles an `unknown` cancel as not done
   * only once it is this old; a `requested` one this old lost its instance and is treated as unknown
   * (default 3 x pgTimeoutMs).
   */
  settleAfterMs: number;
  /** Events were committed (payment.refunded): this instance's relay delivers them now. */
  eventsWritten: () => void;
}

export function createCancels(deps: CancelsDeps) {
  const { store, log } = deps;
  const nowIso = () => deps.now().toISOString();

  const refused = (money: PaymentMoney | undefined, code: string, message: string): CancelAnswer => ({
    status: 'refused',
    cancelled_amount: 0,
    refunded_total: money?.refunded ?? 0,
    balance: money ? left(money) : 0,
    code,
    message,
  });

  /** What can still be given back, as the buyer sees it (done cancels only); nothing once the PG has nothing left (money.closed). */
  const left = (m: PaymentMoney) => (m.closed ? 0 : Math.max(0, m.amount - m.discount - m.refunded));

  function answerOf(cancel: CancelRecord, money: PaymentMoney | undefined, refundedNow?: boolean): CancelAnswer {
    const status = cancel.status === 'done' ? 'done' : cancel.status === 'failed' ? 'refused' : 'unknown';
    const nothingLeft = refundedNow === true;
    return {
      status,
      cancel_id: cancel.id,
      ...(cancel.pg_cancel_id ? { pg_cancel_id: cancel.pg_cancel_id } : {}),
      cancelled_amount: cancel.status === 'done' ? cancel.amount : 0,
      refunded_total: money?.refunded ?? 0,
      balance: money && !nothingLeft ? left(money) : 0,
      ...(status === 'refused' ? { code: cancel.code ?? 'pg-refused', ...(cancel.pg_message ? { message: cancel.pg_message } : {}) } : {}),
      ...(status === 'unknown' ? { code: cancel.staff_check ? 'staff-check' : cancel.status === 'requested' ? 'in-progress' : (cancel.code ?? 'pg-unreachable'), ...(cancel.pg_message ? { message: cancel.pg_message } : {}) } : {}),
    };
  }

  function fingerprint(parts: unknown[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  function logCancel(cancel: CancelRecord, what: string, extra: Record<string, unknown> = {}) {
    log.write({
      event: 'cancel',
      level: cancel.status === 'unknown' ? 'warn' : cancel.status === 'failed' ? 'warn' : 'info',
      what,
      cancel_id: cancel.id,
      order_id: cancel.order_id,
      order_no: cancel.order_no,
      provider: cancel.provider,
      tid: cancel.tid,
      kind: cancel.kind,
      source: cancel.source,
      status: cancel.status,
      amount: cancel.amount,
      ...(cancel.requested_amount !== null && cancel.requested_amount !== cancel.amount ? { requested_amount: cancel.requested_amount } : {}),
      ...(cancel.code ? { code: cancel.code } : {}),
      ...(cancel.pg_message ? { pg_message: cancel.pg_message } : {}),
      ...(cancel.requested_by ? { requested_by: cancel.requested_by } : {}),
      ...(cancel.settled_by ? { settled_by: cancel.settled_by } : {}),
      ...extra,
    });
  }

  async function settle(cancel: CancelRecord, s: CancelSettlement, why: string): Promise<SettledCancel | undefined> {
    const settled = await store.settleCancel(cancel.id, s, nowIso(), refundedEvents);
    if (settled?.told) deps.eventsWritten();
    if (settled) logSettled(settled.cancel, why, settled.refunded, settled.resolvedDue ? { refund_due_resolved: true } : {});
    return settled;
  }

  /**
   * A cancel's line, and when it gave back the rest of its payment, the payment's `refund` transition after
   * it (`refunded: true` on the cancel's line says the transition follows): however the cancel was recorded
   * (settled, found at the PG, recorded by staff).
   */
  function logSettled(cancel: CancelRecord, why: string, refunded: Attempt | undefined, extra: Record<string, unknown> = {}) {
    logCancel(cancel, why, refunded ? { ...extra, refunded: true } : extra);
    if (refunded) log.write({ event: 'transition', transition: 'refund', order_no: refunded.order_no, order_id: refunded.order_id, provider: refunded.provider, from: 'paid', to: 'refunded', moved: true, why, tid: refunded.tid });
  }

  /** What a provider's outcome makes of the row: done (the PG's amount), failed, or unknown. */
  function settlementOf(outcome: CancelOutcome, cancel: CancelRecord): CancelSettlement {
    if (outcome.kind === 'done') {
      return {
        status: 'done',
        amount: outcome.amount,
        pg_cancel_id: outcome.cancelId ? clip(outcome.cancelId, 50) : null,
        pg_cancelled_at: outcome.cancelledAt ? clip(outcome.cancelledAt, 30) : null,
        pg_ref: outcome.ref,
        // A full cancel leaves nothing; so does a partial one the PG processed as more than was asked (Shinhan's
        // promotion rule cancels the whole balance).
        nothing_left: cancel.kind === 'full' || (cancel.requested_amount !== null && outcome.amount > cancel.requested_amount),
      };
    }
    if (outcome.kind === 'refused') return { status: 'failed', code: clip(outcome.code, 100), pg_message: clip(outcome.pgMessage, 500) };
    return { status: 'unknown', code: 'pg-unreachable', pg_message: clip(outcome.message, 500) };
  }

  // -------------------------------------------------------------------------------------------
  // kpg.cancel / the staff route / the CLI
  // -------------------------------------------------------------------------------------------

  async function cancel(input: unknown): Promise<CancelAnswer> {
    const args = parseArgs(CancelArgsSchema, input);
    const print = fingerprint(['cancel', args.order_id, args.amount ?? null, args.taxfree_amount ?? null, args.reason, args.refund_account ?? null]);
    const existing = await sameKey(args.idempotency_key, print);
    if (existing) return existing;

    const attempt = await store.paymentOfOrder(args.order_id);
    if (!attempt) return closeAccount(args);
    if (attempt.status === 'refunded') {
      return refused(await store.paymentMoney(attempt.provider, attempt.tid as string), 'nothing-left', 'The whole payment has been given back.');
    }
    return send({
      attempt,
      tid: attempt.tid as string,
      source: 'api',
      amount: args.amount,
      taxfreeAmount: args.taxfree_amount,
      reason: args.reason,
      refundAccount: args.refund_account,
      key: args.idempotency_key,
      fingerprint: print,
      requestedBy: args.requested_by,
      clientIp: args.client_ip,
    });
  }

  /** A refund_due entry given back at the PG with one call: the whole amount, resolved when done. */
  async function cancelDue(tid: unknown, input: unknown): Promise<CancelAnswer> {
    const t = parseArgs(z.object({ tid: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/) }), { tid }).tid;
    const args = parseArgs(CancelDueArgsSchema, input);
    const print = fingerprint(['due', t, args.reason, args.refund_account ?? null]);
    const existing = await sameKey(args.idempotency_key, print);
    if (existing) return existing;
    let money: PaymentMoney | undefined;
    for (const name of ['shinhan', 'smartro'] as const) if (!money && deps.providers[name]) money = await store.paymentMoney(name, t);
    if (!money || money.disposition !== 'refund_due') throw new HttpError(404, 'unknown-refund', `No money owed back with tid ${t}.`, 'tid');
    if (money.resolved_at) return refused(money, 'resolved', 'This refund_due entry is resolved already.');
    // (Its attempt is there: kpg_transactions.order_no references it, and the database refuses to delete it.)
    const attempt = (await store.getAttempt(money.order_no)) as Attempt;
    return send({
      attempt,
      tid: t,
      source: 'due',
      amount: undefined,
      reason: args.reason,
      refundAccount: args.refund_account,
      key: args.idempotency_key,
      fingerprint: print,
      requestedBy: args.requested_by,
      clientIp: args.client_ip,
    });
  }

  /** The same key again: the same arguments get what that cancel came to (no PG call); others are refused. */
  async function sameKey(key: string, print: string): Promise<CancelAnswer | undefined> {
    const found = await store.cancelByKey(key);
    if (!found) return undefined;
    if (found.fingerprint !== print) {
      throw new HttpError(409, 'idempotency-key-reused', `idempotency_key ${key} names another cancel (cancel #${found.id}, other arguments).`, 'idempotency_key');
    }
    return answerOf(found, await store.paymentMoney(found.provider, found.tid));
  }

  interface Ask {
    attempt: Attempt;
    tid: string;
    source: 'api' | 'due';
    amount: number | undefined;
    taxfreeAmount?: number;
    reason: string;
    refundAccount?: RefundAccount;
    key: string;
    fingerprint: string;
    requestedBy?: string;
    clientIp?: string;
  }

  async function send(ask: Ask): Promise<CancelAnswer> {
    const { attempt, tid } = ask;
    const provider = deps.providers[attempt.provider];
    if (!provider) throw new HttpError(409, 'unsupported-provider', `This server has no ${attempt.provider} configuration to cancel with.`);
    const money = await store.paymentMoney(attempt.provider, tid);
    if (!money) throw new HttpError(404, 'no-payment', `No PG transaction ${tid} is recorded.`, 'order_id');
    const balance = money.amount - money.discount - money.held;
    if (left(money) <= 0) return refused(money, 'nothing-left', 'The whole payment has been given back.');
    // On a promotion payment Shinhan processes a partial cancel above the balance as the balance (the document's
    // own example: a second 5,000 on a 4,000 balance gives back 4,000), so such an ask is sent as it is, up to
    // what the payment was before its discount.
    // (Only a Shinhan payment records a discount: its confirm's promotion; anywhere else the room is 0.)
    const promotionRoom = money.held === money.refunded ? money.discount : 0;
    if (ask.amount !== undefined && ask.amount > balance + promotionRoom) {
      return refused(money, money.held > money.refunded ? 'cancel-in-flight' : 'exceeds-balance', `amount ${ask.amount} is more than what can be given back (${balance}).`);
    }
    if (balance <= 0) return refused(money, 'cancel-in-flight', 'Another cancel of this payment is in flight: it must be settled first.');
    const full = ask.amount === undefined || (ask.amount === balance && ask.taxfreeAmount === undefined);
    const amount = full ? balance : (ask.amount as number);
    if (full && ask.taxfreeAmount !== undefined) {
      throw new HttpError(400, 'invalid-field', "taxfree_amount goes with a partial cancel (amount); a whole cancel gives back the payment's own split.", 'taxfree_amount');
    }
    if (ask.taxfreeAmount !== undefined && ask.taxfreeAmount > amount) {
      throw new HttpError(400, 'invalid-field', 'taxfree_amount must not be more than amount.', 'taxfree_amount');
    }

    // What each PG's request can carry (docs/cancels.md).
    const vbank = attempt.pay_method === 'VBANK';
    if (vbank && attempt.provider === 'smartro') {
      // Guide 6.27: a deposited account's money goes back by a refund the shop makes itself or through Smartro's
      // refund service; the cancel module's samples carry no refund account. Nothing is sent.
      return refused(money, 'refund-by-shop', "Smartro's cancel has no refund account for a deposited virtual account (guide 6.27): refund the buyer yourself or through Smartro's refund service, then record it with kpg.recordCancel().");
    }
    if (vbank && attempt.provider === 'shinhan') {
      if (!full) {
        throw new HttpError(400, 'partial-refund-unsupported', "Shinhan's cancel/partial has no refund-account field: a deposited virtual account can only be refunded whole (omit amount), or refunded in part by the shop itself and recorded with kpg.recordCancel().", 'amount');
      }
      if (!ask.refundAccount) throw new HttpError(400, 'missing-field', 'refund_account is required to refund a deposited virtual account: {bank_code, account_no, holder}, where the buyer gets the money back.', 'refund_account');
    }
    if (attempt.provider === 'smartro') {
      if (!(provider as PaymentProvider & { cancels?: boolean }).cancels) {
        return refused(money, 'smartro-cancel-off', "Smartro cancels are off (smartro.cancelPassword is not set): cancel it in Smartro's admin site; reconcile() records it.");
      }
      if (!full && !['01', '02', '03'].includes(tid.slice(10, 12))) {
        return refused(money, 'partial-unsupported', 'Smartro takes partial cancels of card, bank transfer and virtual-account payments only (its samples check TID[10:12]).');
      }
    }

    // A Shinhan partial cancel is proven afterwards by confirm-info moving from tx_stat 1 to 3: what it said
    // before is kept. Nothing is sent when it cannot be asked.
    let before: PgCancelState | undefined;
    if (!full && attempt.provider === 'shinhan') {
      const state = await provider.cancelState(attempt, tid);
      if (!state.ok) return refused(money, 'pg-unreachable', `Nothing was sent: Shinhan's confirm-info could not be asked first (${state.message}).`);
      before = state.state;
      if (before.state === 'cancelled') {
        await recordFound(attempt, tid, money, before.entries[0] ?? { ref: 'full', at: null, cancelId: null, reason: null }, 'full');
        return refused(await store.paymentMoney(attempt.provider, tid), 'nothing-left', 'Shinhan shows the payment cancelled already (recorded now).');
      }
      if (before.state === 'partial' && money.refunded === 0) {
        return refused(money, 'pg-cancel-unrecorded', "Shinhan shows a partial cancel this server has no record of (made in Shinhan's admin site?): record it with kpg.recordCancel() first.");
      }
    }

    const taxfree = full ? 0 : (ask.taxfreeAmount ?? 0);
    const vat = full ? null : vatOf(amount, taxfree);
    const row: NewCancel = {
      provider: attempt.provider,
      tid,
      idempotency_key: ask.key,
      fingerprint: ask.fingerprint,
      source: ask.source,
      kind: full ? 'full' : 'partial',
      requested_amount: amount,
      // Held against the balance while in flight: what the PG may give back. A promotion payment's partial
      // cancel may give back the whole balance (Shinhan's promotion rule).
      amount: !full && money.discount > 0 ? balance : amount,
      taxfree_amount: taxfree,
      vat_amount: vat,
      reason: ask.reason,
      refund_account: ask.refundAccount ?? null,
      pg_state_before: before?.state ?? null,
      requested_by: ask.requestedBy ?? null,
    };
    const begun = await store.beginCancel(row, nowIso());
    if (!begun.ok) {
      if (begun.reason === 'key-used') {
        // Another caller with this key got there first.
        if (begun.cancel.fingerprint !== ask.fingerprint) throw new HttpError(409, 'idempotency-key-reused', `idempotency_key ${ask.key} names another cancel.`, 'idempotency_key');
        return answerOf(begun.cancel, await store.paymentMoney(begun.cancel.provider, begun.cancel.tid));
      }
      if (begun.reason === 'in-flight') return { ...refused(money, 'cancel-in-flight', `Cancel #${begun.cancel.id} of this payment is ${begun.cancel.status}: it must be settled first.`), cancel_id: begun.cancel.id };
      if (begun.reason === 'exceeds') return refused(begun.money, 'exceeds-balance', `amount ${amount} is more than what can be given back (${begun.money.balance}).`);
      throw new HttpError(404, 'no-payment', `No PG transaction ${tid} is recorded.`, 'order_id');
    }
    logCancel(begun.cancel, 'requested');

    const input: CancelInput = {
      attempt,
      tid,
      full,
      amount,
      ...(full ? {} : { taxfreeAmount: taxfree, taxAmount: vat as number }),
      reason: ask.reason,
      clientIp: ask.clientIp ?? '127.0.0.1',
      ...(ask.refundAccount ? { refundAccount: ask.refundAccount } : {}),
    };
    let outcome: CancelOutcome;
    try {
      outcome = await provider.cancel(input);
    } catch (error) {
      outcome = { kind: 'unknown', message: `The cancel call failed inside this server: ${errorText(error)}` };
    }
    const settled = await settle(begun.cancel, settlementOf(outcome, begun.cancel), `cancel/${ask.source}`);
    if (!settled) {
      const now = (await store.getCancel(begun.cancel.id)) as CancelRecord;
      return answerOf(now, await store.paymentMoney(now.provider, now.tid));
    }
    return answerOf(settled.cancel, settled.money, Boolean(settled.refunded) || settled.resolvedDue === true);
  }

  /**
   * No payment: an order whose virtual account still waits for its deposit. A cancel closes the account (no
   * money moved, nothing for the ledger); the attempt ends (`expire`, cancelled-by-shop).
   */
  async function closeAccount(args: z.infer<typeof CancelArgsSchema>): Promise<CancelAnswer> {
    const { open } = await store.orderState(args.order_id);
    if (!open || open.status !== 'awaiting_deposit' || !open.claimed_tid) {
      throw new HttpError(404, 'no-payment', `Order ${args.order_id} has no payment to cancel.`, 'order_id');
    }
    if (args.amount !== undefined && args.amount !== open.amount) {
      throw new HttpError(400, 'invalid-field', 'A virtual account waiting for its deposit is closed whole: omit amount.', 'amount');
    }
    const provider = deps.providers[open.provider];
    if (!provider) throw new HttpError(409, 'unsupported-provider', `This server has no ${open.provider} configuration to cancel with.`);
    if (open.provider === 'smartro' && !(provider as PaymentProvider & { cancels?: boolean }).cancels) {
      return refused(undefined, 'smartro-cancel-off', "Smartro cancels are off (smartro.cancelPassword is not set): close it in Smartro's admin site.");
    }
    const outcome = await provider.cancel({ attempt: open, tid: open.claimed_tid, full: true, amount: open.amount, reason: args.reason, clientIp: args.client_ip ?? '127.0.0.1' });
    log.write({ event: 'cancel', level: outcome.kind === 'done' ? 'info' : 'warn', what: 'close-account', order_id: open.order_id, order_no: open.order_no, provider: open.provider, tid: open.claimed_tid, outcome: outcome.kind, ...(outcome.kind === 'refused' ? { code: outcome.code, pg_message: outcome.pgMessage } : outcome.kind === 'unknown' ? { pg_message: outcome.message } : {}) });
    if (outcome.kind === 'done') {
      // Told as every account's close is (vbank.expired), in the transition's own transaction.
      const moved = await store.transition(open.order_no, 'expire', { reason: 'cancelled-by-shop' }, nowIso(), transitionEvents('expire'));
      if (moved) deps.eventsWritten();
      log.write({ event: 'transition', level: moved ? 'info' : 'warn', transition: 'expire', order_no: open.order_no, order_id: open.order_id, provider: open.provider, from: 'awaiting_deposit', to: 'cancelled', moved: Boolean(moved), why: 'cancel/close-account', reason: 'cancelled-by-shop' });
      return { status: 'done', cancelled_amount: 0, refunded_total: 0, balance: 0, code: 'account-closed', message: 'The virtual account was closed before any deposit: no money to give back.' };
    }
    // A refusal: the account may have taken its deposit meanwhile (reconcile records it; cancel again then).
    if (outcome.kind === 'refused') return refused(undefined, outcome.code, outcome.pgMessage);
    return { status: 'unknown', cancelled_amount: 0, refunded_total: 0, balance: 0, code: 'pg-unreachable', message: `${outcome.message} reconcile() asks the PG about the account again.` };
  }

  // -------------------------------------------------------------------------------------------
  // Settling what is unknown: the PG's records, or staff
  // -------------------------------------------------------------------------------------------

  /**
   * Asks the PG's records about an unknown (or stale requested) cancel and settles it where they prove it;
   * a Shinhan partial cancel they cannot prove is left for staff (staff_check). Returns the row as it is now.
   */
  async function settleFromPg(cancel: CancelRecord, route: string): Promise<CancelRecord> {
    const provider = deps.providers[cancel.provider];
    const money = await store.paymentMoney(cancel.provider, cancel.tid);
    const attempt = money ? await store.getAttempt(money.order_no) : undefined;
    if (!provider || !money || !attempt) return cancel;
    const age = deps.now().getTime() - Date.parse(cancel.requested_at);
    const old = age >= deps.settleAfterMs;
    if (cancel.status === 'requested') {
      if (!old) return cancel; // its own instance is still calling the PG
      const lost = await settle(cancel, { status: 'unknown', code: 'instance-lost', pg_message: 'The instance that sent it did not record an answer.' }, route);
      cancel = lost?.cancel ?? cancel;
      if (cancel.status !== 'unknown') return cancel;
    }
    if (cancel.status !== 'unknown' || cancel.staff_check) return cancel;
    const state = await provider.cancelState(attempt, cancel.tid);
    if (!state.ok) return cancel;
    const verdict = judge(cancel, money, state.state, await store.cancelsOf(cancel.provider, cancel.tid));
    // One case per verdict, none a fallback: a verdict of no known kind settles nothing (and fails tsc).
    switch (verdict.kind) {
      case 'done':
        return (
          (await settle(cancel, { status: 'done', amount: verdict.amount, pg_ref: verdict.entry?.ref ?? null, pg_cancel_id: verdict.entry?.cancelId ?? null, pg_cancelled_at: verdict.entry?.at ?? null, nothing_left: verdict.nothingLeft }, route))?.cancel ?? cancel
        );
      case 'staff':
        return (await settle(cancel, { status: 'unknown', staff_check: true, code: 'staff-check', pg_message: verdict.why }, route))?.cancel ?? cancel;
      case 'not-done':
        // A young cancel the PG does not show yet may still be on its way: failed only once it is old.
        if (!old) return cancel;
        return (await settle(cancel, { status: 'failed', code: 'not-cancelled', pg_message: verdict.why }, route))?.cancel ?? cancel;
    }
  }

  type Verdict =
    | { kind: 'done'; amount: number; entry?: PgCancelEntry; nothingLeft: boolean }
    | { kind: 'not-done'; why: string }
    | { kind: 'staff'; why: string };

  /** What the PG's records prove about an unknown cancel. */
  function judge(cancel: CancelRecord, money: PaymentMoney, pg: PgCancelState, ledger: CancelRecord[]): Verdict {
    const asked = cancel.requested_amount ?? cancel.amount;
    const balanceBefore = money.amount - money.discount - money.refunded;
    if (cancel.provider === 'smartro') {
      const fresh = unrecorded(pg.entries, ledger);
      // Smartro's receipt lists every partial cancel (transAmt) and the final one.
      if (cancel.kind === 'full') {
        const full = fresh.find((e) => e.ref === 'full');
        if (pg.state === 'cancelled' && full && full.amount === balanceBefore) return { kind: 'done', amount: balanceBefore, entry: full, nothingLeft: true };
        if (pg.state === 'cancelled') return { kind: 'staff', why: 'Smartro shows the payment cancelled, but not as this cancel asked: check its admin site.' };
        return fresh.length ? { kind: 'staff', why: 'Smartro shows other new cancels: check its admin site.' } : { kind: 'not-done', why: 'Smartro shows no such cancel.' };
      }
      const parts = fresh.filter((e) => e.ref.startsWith('part:'));
      // Nothing left only when this part is all that is new: a full cancel made at the admin site meanwhile is
      // not this one's to count, and is recorded as found at the PG (recheck), not swallowed by it.
      if (parts.length === 1 && parts[0].amount === asked) return { kind: 'done', amount: asked, entry: parts[0], nothingLeft: pg.state === 'cancelled' && fresh.length === 1 };
      if (fresh.length === 0) return { kind: 'not-done', why: 'Smartro shows no new partial cancel.' };
      return { kind: 'staff', why: `Smartro shows ${fresh.length} new cancel(s) this one cannot be told from: check its admin site.` };
    }
    // Shinhan's confirm-info: tx_stat 1, 2 (nothing left) or 3 (some cancelled, no amount, no list).
    if (cancel.kind === 'full') {
      if (pg.state === 'cancelled') return { kind: 'done', amount: balanceBefore, entry: pg.entries[0], nothingLeft: true };
      return { kind: 'not-done', why: `confirm-info says ${pg.state === 'approved' ? 'tx_stat 1 (nothing cancelled)' : 'tx_stat 3 (not everything cancelled)'}.` };
    }
    if (pg.state === 'approved') return { kind: 'not-done', why: 'confirm-info says tx_stat 1: nothing cancelled.' };
    if (pg.state === 'cancelled') {
      // Nothing left: this cancel took the rest, if it asked for the rest (or the promotion rule made it so).
      if (asked >= balanceBefore || money.discount > 0) return { kind: 'done', amount: balanceBefore, entry: pg.entries[0], nothingLeft: true };
      return { kind: 'staff', why: `confirm-info says tx_stat 2 (nothing left) after a partial cancel of ${asked} of ${balanceBefore}: check Shinhan's admin site.` };
    }
    if (cancel.pg_state_before === 'approved' && money.discount === 0) return { kind: 'done', amount: asked, nothingLeft: false };
    return {
      kind: 'staff',
      why:
        money.discount > 0
          ? "confirm-info says tx_stat 3, but a promotion payment's partial cancel may give back more than asked: check the amount in Shinhan's admin site."
          : "confirm-info says tx_stat 3, as it did before this cancel: it cannot prove it. Check Shinhan's admin site.",
    };
  }

  /** Staff checked the PG's admin site: the cancel was made (for `amount`, default what was asked). */
  async function confirmDone(id: number, args: { amount?: number; by: string; note?: string }): Promise<CancelAnswer> {
    const c = await unknownCancel(id);
    const amount = args.amount ?? c.requested_amount ?? c.amount;
    const settled = await settle(c, { status: 'done', amount, settled_by: clip(args.by, 100), settle_note: args.note ? clip(args.note, 500) : null, nothing_left: c.kind === 'full' }, 'staff/confirm-done');
    const now = settled?.cancel ?? ((await store.getCancel(id)) as CancelRecord);
    return answerOf(now, settled?.money ?? (await store.paymentMoney(now.provider, now.tid)), Boolean(settled?.refunded));
  }

  /** Staff checked the PG's admin site: the cancel was NOT made (the money is still the buyer's charge). */
  async function confirmNotDone(id: number, args: { by: string; note?: string }): Promise<CancelAnswer> {
    const c = await unknownCancel(id);
    const settled = await settle(c, { status: 'failed', code: 'not-cancelled-staff', settled_by: clip(args.by, 100), settle_note: args.note ? clip(args.note, 500) : null }, 'staff/confirm-not-done');
    const now = settled?.cancel ?? ((await store.getCancel(id)) as CancelRecord);
    return answerOf(now, settled?.money ?? (await store.paymentMoney(now.provider, now.tid)));
  }

  async function unknownCancel(id: number): Promise<CancelRecord> {
    const c = await store.getCancel(id);
    if (!c) throw new HttpError(404, 'unknown-cancel', `No cancel #${id}.`, 'cancel_id');
    if (c.status !== 'unknown' && c.status !== 'requested') throw new HttpError(409, 'cancel-settled', `Cancel #${id} is ${c.status} already.`, 'cancel_id');
    return c;
  }

  // -------------------------------------------------------------------------------------------
  // Cancels made elsewhere (the PG's admin site): reconcile
  // -------------------------------------------------------------------------------------------

  /**
   * The PG's cancels the ledger does not hold: not recorded under their ref, nor by a done cancel without one
   * (staff confirmed it from the admin site) of the same amount, each such row standing for one. Not of the
   * same kind: staff record the cancel of a payment's rest as partial when they record it before the cancels
   * made ahead of it, and the receipt lists it as the whole cancel of what was left.
   */
  function unrecorded(entries: PgCancelEntry[], ledger: CancelRecord[]): PgCancelEntry[] {
    const done = ledger.filter((c) => c.status === 'done');
    // A cancel the shop recorded (kpg.recordCancel) carries a reference of its own, not one of the PG's.
    const pgRef = (c: CancelRecord) => (c.pg_ref && !c.pg_ref.startsWith(SHOP_REF) ? c.pg_ref : null);
    const refs = new Set(done.map(pgRef).filter((ref) => ref !== null));
    const unreffed = done.filter((c) => pgRef(c) === null);
    return entries.filter((e) => {
      if (refs.has(e.ref)) return false;
      // (Smartro's receipt gives every entry its amount; an entry without one matches no row.)
      const i = unreffed.findIndex((c) => c.amount === e.amount);
      if (i === -1) return true;
      unreffed.splice(i, 1);
      return false;
    });
  }

  /** Records one cancel the PG shows and the ledger does not, with source 'pg' (nothing when it gave back 0 won). */
  async function recordFound(attempt: Attempt, tid: string, money: PaymentMoney, entry: PgCancelEntry, kind: 'full' | 'partial'): Promise<RecordPgCancel | { ok: false; reason: 'nothing' }> {
    const amount = entry.amount ?? money.amount - money.discount - money.held;
    if (amount <= 0) return { ok: false, reason: 'nothing' };
    const r = await store.recordPgCancel(
      {
        provider: attempt.provider,
        tid,
        idempotency_key: `pg:${attempt.provider}:${tid}:${entry.ref}`,
        fingerprint: fingerprint(['pg', attempt.provider, tid, entry.ref]),
        kind,
        amount,
        reason: clip(entry.reason ?? "cancelled at the PG (its admin site)", 100),
        pg_cancel_id: entry.cancelId ? clip(entry.cancelId, 50) : null,
        pg_cancelled_at: entry.at ? clip(entry.at, 30) : null,
        pg_ref: entry.ref,
        nothing_left: kind === 'full',
      },
      nowIso(),
      refundedEvents,
    );
    if (r.ok && r.told) deps.eventsWritten();
    if (r.ok) {
      logSettled(r.cancel, 'found-at-pg', r.refunded);
    } else if (r.reason === 'exceeds') {
      log.write({ event: 'cancel', level: 'error', what: 'found-at-pg', outcome: 'ledger-mismatch', order_id: attempt.order_id, provider: attempt.provider, tid, amount, pg_ref: entry.ref });
    }
    return r;
  }

  /**
   * A paid payment re-checked against the PG's records: every cancel the PG shows and the ledger does not is
   * recorded (source 'pg'). Returns what was found, and what staff must look at (a Shinhan partial cancel of
   * unknown amount).
   */
  async function recheck(attempt: Attempt): Promise<{ recorded: CancelRecord[]; attention?: string }> {
    const provider = deps.providers[attempt.provider];
    const tid = attempt.tid;
    if (!provider || !tid || attempt.status !== 'paid') return { recorded: [] };
    const money = await store.paymentMoney(attempt.provider, tid);
    if (!money || money.held > money.refunded) return { recorded: [] }; // a cancel in flight is settled first
    const state = await provider.cancelState(attempt, tid);
    if (!state.ok) return { recorded: [] };
    const ledger = await store.cancelsOf(attempt.provider, tid);
    const recorded: CancelRecord[] = [];
    if (attempt.provider === 'smartro') {
      for (const entry of unrecorded(state.state.entries, ledger)) {
        const now = (await store.paymentMoney(attempt.provider, tid)) as PaymentMoney;
        const r = await recordFound(attempt, tid, now, entry, entry.ref === 'full' ? 'full' : 'partial');
        if (r.ok) recorded.push(r.cancel);
      }
      return { recorded };
    }
    // Cancelled whole at the PG: what is left is recorded (recordFound records nothing when nothing is left).
    if (state.state.state === 'cancelled') {
      const r = await recordFound(attempt, tid, money, state.state.entries[0] ?? { ref: 'full', at: null, cancelId: null, reason: null }, 'full');
      if (r.ok) recorded.push(r.cancel);
    } else if (state.state.state === 'partial' && money.refunded === 0) {
      return { recorded, attention: `Shinhan shows a partial cancel of ${tid} (tx_stat 3) that this server has no record of, and confirm-info gives no amount: record it with kpg.recordCancel() from Shinhan's admin site.` };
    }
    return { recorded };
  }

  /**
   * Staff record a cancel made elsewhere, with the amount from the PG's admin site (a Shinhan partial cancel
   * confirm-info cannot measure; a refund the shop made itself). Source 'pg': no PG call.
   */
  async function recordCancel(input: unknown): Promise<CancelAnswer> {
    const args = parseArgs(RecordCancelArgsSchema, input);
    const attempt = await store.paymentOfOrder(args.order_id);
    if (!attempt || !attempt.tid) throw new HttpError(404, 'no-payment', `Order ${args.order_id} has no payment.`, 'order_id');
    const money = (await store.paymentMoney(attempt.provider, attempt.tid)) as PaymentMoney;
    const r = await store.recordPgCancel(
      {
        provider: attempt.provider,
        tid: attempt.tid,
        idempotency_key: `${STAFF_KEY_PREFIX}${args.idempotency_key}`,
        fingerprint: fingerprint(['record', args.order_id, args.amount, args.reason]),
        kind: args.amount >= money.amount - money.discount - money.held ? 'full' : 'partial',
        amount: args.amount,
        reason: args.reason,
        pg_cancel_id: args.pg_cancel_id ?? null,
        pg_cancelled_at: null,
        pg_ref: `${SHOP_REF}${createHash('sha256').update(args.idempotency_key).digest('hex').slice(0, 12)}`,
      },
      nowIso(),
      refundedEvents,
    );
    if (r.ok && r.told) deps.eventsWritten();
    if (!r.ok) {
      if (r.reason === 'recorded') {
        const found = (await store.cancelByKey(`${STAFF_KEY_PREFIX}${args.idempotency_key}`)) as CancelRecord;
        return answerOf(found, await store.paymentMoney(found.provider, found.tid));
      }
      return refused(r.money ?? money, r.reason === 'in-flight' ? 'cancel-in-flight' : r.reason === 'exceeds' ? 'exceeds-balance' : 'no-payment', `Not recorded: ${r.reason}.`);
    }
    logSettled(r.cancel, 'recorded-by-staff', r.refunded, { requested_by: args.requested_by ?? null });
    return answerOf(r.cancel, r.money, Boolean(r.refunded));
  }

  /**
   * For staff: the order's payment and every cancel of it, as recorded (a refund account's number masked to
   * its last 4 digits), with what is in flight and what waits for staff.
   */
  async function orderView(orderId: string) {
    const attempt = await store.paymentOfOrder(orderId);
    if (!attempt?.tid) return undefined;
    const money = (await store.paymentMoney(attempt.provider, attempt.tid)) as PaymentMoney;
    const cancels = await store.cancelsOfOrder(orderId);
    return {
      order_id: attempt.order_id,
      order_no: attempt.order_no,
      provider: attempt.provider,
      tid: attempt.tid,
      status: attempt.status,
      pay_method: attempt.pay_method,
      amount: money.amount,
      discount: money.discount,
      refunded_total: money.refunded,
      balance: attempt.status === 'refunded' ? 0 : left(money),
      cancels: cancels.map((c) => ({
        id: c.id,
        tid: c.tid,
        status: c.status,
        staff_check: c.staff_check,
        source: c.source,
        kind: c.kind,
        requested_amount: c.requested_amount,
        amount: c.amount,
        taxfree_amount: c.taxfree_amount,
        vat_amount: c.vat_amount,
        reason: c.reason,
        refund_account: c.refund_account ? { bank_code: c.refund_account.bank_code, account_no: lastFour(c.refund_account.account_no), holder: c.refund_account.holder } : null,
        pg_cancel_id: c.pg_cancel_id,
        pg_cancelled_at: c.pg_cancelled_at,
        code: c.code,
        pg_message: c.pg_message,
        requested_by: c.requested_by,
        settled_by: c.settled_by,
        settle_note: c.settle_note,
        requested_at: c.requested_at,
        settled_at: c.settled_at,
      })),
    };
  }

  return { cancel, cancelDue, settleFromPg, confirmDone, confirmNotDone, recheck, recordCancel, orderView, answerOf };
}

export type Cancels = ReturnType<typeof createCancels>;
