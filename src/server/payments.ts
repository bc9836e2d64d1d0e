/**
 * The payment module: it owns the attempts and every transition of them (after Medusa's payment module;
 * the providers are stateless). Routes (app.ts) call it; it asks the providers, and moves records only
 * through the store's conditional transitions, logging each one and each refusal here, in one place.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { HttpError, clip, sameSecret } from './http.js';
import { createTtlCache, requestContext, type Limiter } from './limits.js';
import type { Logger } from './log.js';
import type { ShinhanProvider, ShinhanVbankClaim } from './providers/shinhan.js';
import { CONFIRM_WINDOW_MS } from './providers/shinhan.js';
import type { SmartroClaim, SmartroProvider } from './providers/smartro.js';
import { payMethodName, smartroPayMethod } from './providers/smartro.js';
import type { CallbackUrls, KpgOrder, PaymentProvider, Settlement } from './providers/types.js';
import {
  KpgOrderSchema,
  SLIP_FIELDS as SLIP_KEYS,
  SLIP_MERCHANT_FIELDS as MERCHANT_KEYS,
  SLIP_PART_CANCEL_FIELDS as PART_KEYS,
  type SessionBody,
  type ShinhanReturn,
  type SmartroResult,
} from './schemas.js';
import { TRANSITIONS, visibleStatus, type PayTransition, type Status, type TransitionName } from './state.js';
import type { Attempt, AttemptPatch, PaidDetails, PaymentStore, ProviderName, VbankAccount } from './store/types.js';
import { pastDue } from './vbank.js';
import { TEXTS, failText, reportedFailCode } from './texts.js';

export interface PaymentsConfig {
  publicBaseUrl: string;
  callbackUrls: CallbackUrls;
  pgTimeoutMs: number;
  /** A pending attempt nobody finished is over after this long (reconcile expires it). */
  attemptTtlMs: number;
  /** Smartro without receiptLookupByMoid: a closed or reported attempt may be replaced after this quiet time. */
  smartroQuietMs: number;
  /** A `processing` attempt older than this lost its instance: reconcile treats it as `unknown`. */
  staleProcessingMs: number;
  cardListTtlMs: number;
  /** result-url waits up to this long while an attempt is `processing`, so a quick verification is answered settled. */
  resultWaitMs: number;
  /** A receipt (per TID) and a window-closed Moid lookup (per attempt) are asked of the PG once per this long. */
  receiptCacheMs: number;
}

export interface PaymentsDeps<TOrder extends KpgOrder> {
  store: PaymentStore;
  shinhan?: ShinhanProvider;
  smartro?: SmartroProvider;
  log: Logger;
  now: () => Date;
  config: PaymentsConfig;
  /** The redactor: PG and caller text is redacted BEFORE it is clipped (issue 19, item 9). */
  redact?: (text: string) => string;
  /**
   * Per-BUYER limits (issue 19, item 1), counted once `authorize` has said who the buyer is (the order's
   * buyer.id): session starts, and the calls that make a PG call (receipts, the window-closed lookup).
   */
  limits?: { session?: Limiter; lookups?: Limiter };
  loadOrder?: (args: { request: Request; order_id: string }) => Promise<TOrder | null | undefined> | TOrder | null | undefined;
  authorize?: (args: { request: Request; order: TOrder }) => boolean | Promise<boolean>;
}

/** How a PG result posted to us was taken. RetryURL answers `OK` only when `recorded`. */
export type Outcome = { recorded: true } | { recorded: false; code: string; retryLater?: boolean };

/** What result-url answers (contract v2). */
export type ResultView = Record<string, unknown> & { status: Status; order_no: string; order_id: string };

export function createPayments<TOrder extends KpgOrder>(deps: PaymentsDeps<TOrder>) {
  const { store, log, config } = deps;
  const providers: Partial<Record<ProviderName, PaymentProvider>> = { shinhan: deps.shinhan, smartro: deps.smartro };
  const nowIso = () => deps.now().toISOString();
  const cards = createTtlCache<Awaited<ReturnType<ShinhanProvider['cardList']>>>(config.cardListTtlMs, () => deps.now().getTime());
  const clock = () => deps.now().getTime();
  /** Receipts per provider + TID, and window-closed Moid lookups per attempt (issue 19, item 10). */
  const receipts = createTtlCache<Awaited<ReturnType<SmartroProvider['receipt']>> | Awaited<ReturnType<ShinhanProvider['receiptUrl']>>>(config.receiptCacheMs, clock);
  const moidLookups = createTtlCache<Settlement>(config.receiptCacheMs, clock);
  const redact = deps.redact ?? ((text: string) => text);
  /** Outside words (a PG's, a caller's) for the log and the records: redacted first, then clipped. */
  const said = (text: string, max?: number) => clip(redact(text), max);

  /**
   * Counts a request against its buyer's limit (known once loadOrder + authorize accepted the caller) and,
   * with `address`, its address's (for a call app.ts does not count itself); the seconds to wait, or undefined.
   */
  function overLimit(limiter: Limiter | undefined, order: TOrder, options: { address?: boolean } = {}): number | undefined {
    if (!limiter) return undefined;
    let wait = limiter.hit(`buyer:${order.buyer.id}`);
    const source = options.address ? requestContext.getStore()?.source : undefined;
    if (source !== undefined) wait = Math.max(wait ?? 0, limiter.hit(`addr:${source}`) ?? 0) || undefined;
    return wait;
  }

  /** A per-buyer limit that refuses the request (429 rate-limited, Retry-After). */
  function admit(limiter: Limiter | undefined, order: TOrder) {
    const wait = overLimit(limiter, order);
    if (wait !== undefined) throw new HttpError(429, 'rate-limited', TEXTS.rateLimited, undefined, {}, { 'Retry-After': String(wait) });
  }

  // ---------------------------------------------------------------------------------------------
  // Records, transitions and refusals: logged here and nowhere else.
  // ---------------------------------------------------------------------------------------------

  async function move(attempt: Attempt, name: Exclude<TransitionName, PayTransition>, patch: AttemptPatch, why: string): Promise<Attempt | undefined> {
    const moved = await store.transition(attempt.order_no, name, patch, nowIso());
    log.write({
      event: 'transition',
      level: moved ? 'info' : 'warn',
      transition: name,
      order_no: attempt.order_no,
      order_id: attempt.order_id,
      provider: attempt.provider,
      from: attempt.status,
      to: moved ? moved.status : TRANSITIONS[name].to,
      moved: Boolean(moved),
      why,
      ...(patch.code ? { code: patch.code } : {}),
      // The PG's own words go to the log (redacted like every line), never to the buyer.
      ...(patch.pg_message ? { pg_message: patch.pg_message } : {}),
      ...(patch.reason ? { reason: patch.reason } : {}),
      ...(patch.reported_status ? { reported: patch.reported_status, reported_code: patch.reported_code } : {}),
    });
    return moved;
  }

  /**
   * A refusal: logged, and kept for the staff per source (issue 19, item 7): every refusal is counted per
   * hour, route, code and source (the caller's address key, "server" for reconcile, "unknown" when the
   * address is not known), and only the first few of each such count are kept as rows. A refusal also
   * counts against its source's limit on the PG-facing routes.
   */
  async function refuse(route: string, code: string, message: string, attempt?: { order_no: string; order_id?: string }, orderNo?: string) {
    const context = requestContext.getStore();
    const source = context ? (context.source ?? 'unknown') : 'server';
    const refusal = { at: nowIso(), route, order_no: attempt?.order_no ?? orderNo ?? null, order_id: attempt?.order_id ?? null, code, message: said(message, 500), source };
    context?.onRefusal?.();
    const { kept } = await store.recordRefusal(refusal);
    log.write({ event: 'refusal', level: 'warn', ...refusal, ...(kept ? {} : { kept: false }) });
  }

  async function owe(attempt: Attempt, details: PaidDetails, amount: number, reason: string) {
    const recorded = await store.recordRefundDue(
      { provider: attempt.provider, tid: details.tid, merchant_id: attempt.merchant_id, order_no: attempt.order_no, order_id: attempt.order_id, amount, reason },
      nowIso(),
    );
    log.write({ event: 'refund-due', level: 'error', order_no: attempt.order_no, order_id: attempt.order_id, provider: attempt.provider, tid: details.tid, amount, reason, new: recorded });
    return recorded;
  }

  /**
   * Applies what the PG said about an attempt that is `processing` or `unknown`, or a virtual account that
   * is `awaiting_deposit`. The only place a payment is recorded.
   */
  async function apply(attempt: Attempt, s: Settlement, route: string): Promise<Attempt> {
    const waiting = attempt.status === 'awaiting_deposit';
    const verifying = attempt.status === 'processing' || attempt.status === 'unknown';
    switch (s.kind) {
      case 'issued':
        return onIssued(attempt, s, route);
      case 'paid': {
        if (verifying && (s.account || attempt.pay_method === 'VBANK')) {
          // A virtual account whose deposit is there at the first look: issued, then deposited (both logged).
          const issued = await onIssued(attempt, { kind: 'issued', tid: s.details.tid, account: s.account ?? {} }, route);
          return issued.status === 'awaiting_deposit' ? apply(issued, { ...s, account: undefined }, route) : issued;
        }
        if (waiting && s.details.tid !== attempt.claimed_tid) {
          await refuse(route, 'vbank-mismatch', `A deposit with TID ${s.details.tid} for the account ${attempt.claimed_tid}: not recorded.`, attempt);
          return attempt;
        }
        const transition = waiting ? 'deposit' : 'pay';
        const paid = await store.pay(attempt.order_no, s.details, nowIso(), transition);
        if (paid.ok) {
          if (!paid.already) {
            log.write({ event: 'transition', transition, order_no: attempt.order_no, order_id: attempt.order_id, provider: attempt.provider, from: attempt.status, to: 'paid', moved: true, why: route, tid: s.details.tid });
          }
          return paid.attempt;
        }
        if (paid.reason === 'order-paid') {
          // Another attempt of the order is paid: this money goes back.
          await owe(attempt, s.details, attempt.amount, 'order-already-paid');
          if (waiting) return (await move(attempt, 'expire', { reason: 'duplicate-payment' }, route)) ?? (await reread(attempt));
          return (await move(attempt, 'decline', { code: 'duplicate-payment', pg_message: null }, route)) ?? (await reread(attempt));
        }
        if (paid.reason === 'tid-taken') {
          await refuse(route, 'duplicate-tid', `TID ${s.details.tid} is already recorded for another attempt or as money owed.`, attempt);
          if (attempt.status === 'processing') return (await move(attempt, 'lose', { code: 'duplicate-tid' }, route)) ?? (await reread(attempt));
        }
        return reread(attempt);
      }
      case 'wrong-amount':
        await owe(attempt, s.details, s.amount, 'wrong-amount');
        if (waiting) return (await move(attempt, 'expire', { reason: 'amount-mismatch' }, route)) ?? (await reread(attempt));
        return (await move(attempt, 'decline', { code: 'amount-mismatch', pg_message: `The PG took ${s.amount} KRW; the attempt is ${attempt.amount} KRW.` }, route)) ?? (await reread(attempt));
      case 'declined':
        if (waiting) return (await move(attempt, 'expire', { reason: 'vbank-cancelled', pg_message: s.pgMessage ? said(s.pgMessage) : null }, route)) ?? (await reread(attempt));
        return (await move(attempt, 'decline', { code: s.code, pg_message: s.pgMessage ? said(s.pgMessage) : null }, route)) ?? (await reread(attempt));
      case 'refuted':
        await refuse(route, 'receipt-mismatch', s.message, attempt);
        if (waiting) return attempt; // nothing recorded from it; the account keeps waiting
        // Issue 19, item 3: the PG contradicted ANOTHER TID than the one this attempt claimed (which the PG
        // may have charged): only the refusal is recorded; the claimed TID stays, to be settled.
        if (s.tid !== undefined && attempt.claimed_tid !== null && s.tid !== attempt.claimed_tid) return attempt;
        return (await move(attempt, 'refute', { claimed_tid: null }, route)) ?? (await reread(attempt));
      case 'unknown':
        log.write({ event: 'pg-call', level: 'warn', order_no: attempt.order_no, provider: attempt.provider, outcome: 'unknown', message: s.message, why: route });
        if (attempt.status === 'processing') return (await move(attempt, 'lose', {}, route)) ?? (await reread(attempt));
        return attempt;
      case 'nothing':
        // A waiting account the PG does not (or no longer) know: it closes at its due day like any other.
        if (waiting && pastDue(attempt.vbank_due_date, deps.now())) return (await move(attempt, 'expire', { reason: 'vbank-expired' }, route)) ?? (await reread(attempt));
        return attempt;
    }
  }

  /**
   * The PG's records show a virtual account for this attempt and no deposit. Being verified: the account
   * is issued (`issue`), with what the PG says about it over what the result said. Waiting: over once its
   * due day has passed (`expire`, vbank-expired), so the order can be paid again.
   */
  async function onIssued(attempt: Attempt, s: Extract<Settlement, { kind: 'issued' }>, route: string): Promise<Attempt> {
    if (attempt.status === 'processing' || attempt.status === 'unknown') {
      const account = { ...accountOf(attempt), ...definedOnly(s.account) };
      if (!account.bank_name || !account.vbank_holder || !account.vbank_due_date) {
        // Nothing to show the buyer: no account is recorded from a result that says too little.
        return apply(attempt, { kind: 'unknown', message: `The virtual account ${s.tid} is missing its bank, holder or due date.` }, route);
      }
      return (await move(attempt, 'issue', { claimed_tid: s.tid, pay_method: 'VBANK', ...account }, route)) ?? (await reread(attempt));
    }
    if (attempt.status === 'awaiting_deposit') {
      if (s.tid !== attempt.claimed_tid) {
        await refuse(route, 'vbank-mismatch', `The PG names account ${s.tid}; this attempt waits on ${attempt.claimed_tid}.`, attempt);
        return attempt;
      }
      if (pastDue(attempt.vbank_due_date, deps.now())) return (await move(attempt, 'expire', { reason: 'vbank-expired' }, route)) ?? (await reread(attempt));
    }
    return attempt;
  }

  /** Asks the PG about a virtual account awaiting its deposit and records what it says (reconcile, a late session). */
  async function checkAccount(attempt: Attempt, route: string): Promise<Attempt> {
    const provider = providers[attempt.provider];
    if (!provider || attempt.status !== 'awaiting_deposit') return attempt;
    return apply(attempt, await provider.lookup(attempt), route);
  }

  async function reread(attempt: Attempt): Promise<Attempt> {
    return (await store.getAttempt(attempt.order_no)) ?? attempt;
  }

  // ---------------------------------------------------------------------------------------------
  // The shop's order and the buyer binding
  // ---------------------------------------------------------------------------------------------

  async function orderOf(request: Request, orderId: string): Promise<TOrder | undefined> {
    if (!deps.loadOrder) throw new Error('kpg server: loadOrder is not configured');
    const order = await deps.loadOrder({ request, order_id: orderId });
    if (order === null || order === undefined) return undefined;
    const checked = KpgOrderSchema.safeParse(order);
    if (!checked.success) {
      const fields = checked.error.issues.map((i) => i.path.join('.')).join(', ');
      throw new Error(`kpg server: loadOrder returned an invalid order for ${orderId} (${fields}): amount (whole won), product_name (1-50), buyer.id, buyer.name (1-20) are required`);
    }
    if (order.order_id !== orderId) throw new Error(`kpg server: loadOrder(${orderId}) returned order ${order.order_id}`);
    return order;
  }

  async function authorized(request: Request, order: TOrder): Promise<void> {
    if (!deps.authorize) throw new Error('kpg server: authorize is not configured');
    if ((await deps.authorize({ request, order })) !== true) throw new HttpError(403, 'forbidden', TEXTS.forbidden);
  }

  /** The order behind an attempt, if the caller owns it (result-url, receipts, window-closed). */
  async function ownedAttempt(request: Request, attempt: Attempt | undefined, notFound: HttpError, owned?: (order: TOrder) => void): Promise<Attempt> {
    if (!attempt || !providers[attempt.provider]) throw notFound;
    const order = await orderOf(request, attempt.order_id);
    if (!order) throw notFound;
    await authorized(request, order);
    owned?.(order);
    return attempt;
  }

  // ---------------------------------------------------------------------------------------------
  // 1. POST session-url
  // ---------------------------------------------------------------------------------------------

  async function startSession(request: Request, body: SessionBody) {
    const provider = providers[body.provider];
    if (!provider) throw new HttpError(400, 'unsupported-provider', `This shop does not take payments with ${body.provider}.`, 'provider');
    const order = await orderOf(request, body.order_id);
    if (!order) throw new HttpError(404, 'unknown-order', `No order ${body.order_id}.`, 'order_id');
    await authorized(request, order);
    admit(deps.limits?.session, order);

    // Mobile: where the buyer comes back to (the shop's own origin only); PC needs none.
    const returnTo = body.device_type === 1 || body.return_to ? resolveReturnTo(body.return_to, config.publicBaseUrl) : null;
    const choices = await chooseOptions(body, order);

    let lastOpen: Attempt | undefined;
    for (let round = 0; round < 4; round++) {
      const { paid, open } = await store.orderState(order.order_id);
      if (paid) throw alreadyPaid(paid);
      lastOpen = open ?? lastOpen;
      const orderNo = newOrderNo(order.order_id, provider.name === 'smartro');
      if (open) {
        if (open.status === 'awaiting_deposit') {
          // A virtual account waits for its money: no new attempt, unless its due day is over (then the PG
          // is asked first: a deposit that arrived is recorded, an account without one is closed).
          const now = await checkAccountIfDue(open);
          if (now.status === 'awaiting_deposit') throw new HttpError(409, 'awaiting-deposit', TEXTS.awaitingDeposit, undefined, { order_no: open.order_no });
          continue; // paid (the next round answers already-paid) or expired (the next round starts anew)
        }
        const verdict = await mayReplace(open);
        if (verdict === 'settled') continue; // recorded just now: the next round answers already-paid or awaiting-deposit
        // `status` lets the widget tell "finish the other window" (pending) from "being verified" (processing, unknown).
        if (verdict !== 'replace') throw new HttpError(409, 'attempt-in-progress', TEXTS.attemptInProgress, undefined, { order_no: open.order_no, status: open.status });
        const superseded = await move(open, 'cancel', { reason: 'superseded', superseded_by: orderNo }, 'session');
        if (!superseded) continue; // it moved meanwhile: look again
      }
      const attempt = await store.insertAttempt(
        {
          order_no: orderNo,
          order_id: order.order_id,
          provider: provider.name,
          merchant_id: provider.merchantId,
          amount: order.amount,
          product_name: order.product_name,
          user_id: order.buyer.id,
          device_type: body.device_type,
          pgcode: choices.pgcode,
          pay_method: choices.payMethod,
          return_to: returnTo,
          app_scheme: body.app_scheme ?? null,
          nonce: randomBytes(24).toString('base64url'),
        },
        nowIso(),
      );
      if (!attempt) continue; // another session of this order got in first (the open-attempt index)
      log.write({ event: 'transition', transition: 'create', order_no: attempt.order_no, order_id: attempt.order_id, provider: attempt.provider, from: null, to: 'pending', moved: true, why: 'session' });
      const session = await provider.createSession({ attempt, order, body, urls: config.callbackUrls });
      if (!session.ok) {
        await move(attempt, 'fail', { code: session.code, pg_message: said(session.pgMessage) }, 'session');
        throw new HttpError(502, session.code, session.code === 'pg-refused' ? `The PG refused the payment request: ${said(session.pgMessage)}` : said(session.pgMessage), undefined, { order_no: attempt.order_no });
      }
      return session.answer;
    }
    // Other sessions of this order kept winning the race: one of them is the attempt in progress.
    lastOpen = (await store.orderState(order.order_id)).open ?? lastOpen;
    throw new HttpError(409, 'attempt-in-progress', TEXTS.attemptInProgress, undefined, lastOpen ? { order_no: lastOpen.order_no, status: lastOpen.status } : {});
  }

  /** A waiting account past its due day is asked about (and closed or paid); otherwise left as it is. */
  async function checkAccountIfDue(open: Attempt): Promise<Attempt> {
    if (!pastDue(open.vbank_due_date, deps.now())) return open;
    return checkAccount(open, 'session');
  }

  function alreadyPaid(paid: Attempt) {
    return new HttpError(409, 'already-paid', TEXTS.alreadyPaid, undefined, { order_no: paid.order_no });
  }

  /**
   * May a new attempt replace this open one? Only where the PG can no longer take money for it (issue 10):
   * Shinhan takes money only at our confirm, so a pending attempt is superseded at once; Smartro approves
   * before we hear, so its attempt must be over: the buyer closed its window (or the PG / a browser
   * reported it), and Smartro's receipt API knows no approval for its Moid, or, where Smartro cannot be
   * asked that, it has been quiet for `smartroQuietMs`. When in doubt: no (409 attempt-in-progress).
   */
  async function mayReplace(open: Attempt): Promise<'replace' | 'keep' | 'settled'> {
    if (open.status !== 'pending') return 'keep'; // processing / unknown: being verified, or the outcome is not known
    const provider = providers[open.provider];
    if (!provider) return 'keep';
    if (!provider.approvesWithoutServer) return 'replace';
    const now = deps.now().getTime();
    const ended = open.window_closed_at ?? open.reported_at;
    const expired = now - Date.parse(open.created_at) >= config.attemptTtlMs;
    if (!ended && !expired) return 'keep'; // its window may still be open in another tab (fault 1)
    if ((provider as SmartroProvider).receiptLookupByMoid) {
      const found = await settleFromLookup(open, 'session');
      return found === 'nothing' ? 'replace' : found === 'settled' ? 'settled' : 'keep';
    }
    return expired || (ended && now - Date.parse(ended) >= config.smartroQuietMs) ? 'replace' : 'keep';
  }

  /**
   * Asks the PG about a pending attempt (Smartro by Moid) and records an approval (or a virtual account) it
   * finds. 'nothing': the PG knows none; 'settled': recorded now (or it was): paid, or an account awaiting
   * its deposit; 'unknown': could not tell.
   */
  async function settleFromLookup(attempt: Attempt, route: string, options: { cached?: boolean } = {}): Promise<'nothing' | 'settled' | 'unknown'> {
    const provider = providers[attempt.provider];
    if (!provider) return 'unknown';
    // A buyer's request (window-closed) asks the PG at most once per receiptCacheMs for an attempt (item 10).
    const s = options.cached ? await moidLookups.get(attempt.order_no, () => provider.lookup(attempt), (v) => v.kind !== 'unknown') : await provider.lookup(attempt);
    if (s.kind === 'nothing') return 'nothing';
    if (s.kind === 'declined' || s.kind === 'refuted') return attempt.status === 'pending' ? 'nothing' : 'unknown';
    if (s.kind !== 'paid' && s.kind !== 'wrong-amount' && s.kind !== 'issued') return 'unknown';
    const tid = s.kind === 'issued' ? s.tid : s.details.tid;
    const claimed = await move(attempt, 'claim', { claimed_tid: tid }, route);
    if (!claimed) return 'unknown';
    const after = await apply(claimed, s, route);
    return after.status === 'paid' || after.status === 'awaiting_deposit' ? 'settled' : 'unknown';
  }

  /** The Shinhan pgcode and Smartro pay method the SHOP allows, and installments its card rules allow (fault 8). */
  async function chooseOptions(body: SessionBody, order: TOrder): Promise<{ pgcode: string | null; payMethod: string | null }> {
    if (body.provider === 'smartro') {
      const smartro = deps.smartro as SmartroProvider;
      const wanted = body.pay_method ?? smartro.payMethods[0];
      const payMethod = smartroPayMethod(wanted);
      if (!smartro.payMethods.includes(wanted) || !payMethod) {
        throw new HttpError(400, 'invalid-field', `pay_method must be one of ${smartro.payMethods.join(', ')} for this shop.`, 'pay_method');
      }
      return { pgcode: null, payMethod };
    }
    const shinhan = deps.shinhan as ShinhanProvider;
    const pgcode = body.pgcode ?? shinhan.pgcodes[0];
    if (!shinhan.pgcodes.includes(pgcode)) {
      throw new HttpError(400, 'invalid-field', `pgcode must be one of ${shinhan.pgcodes.join(', ')} for this shop.`, 'pgcode');
    }
    if (body.install_month !== undefined && body.install_month !== '00' && !body.card_cpny_cd) {
      throw new HttpError(400, 'missing-field', 'card_cpny_cd is required with an installment.', 'card_cpny_cd');
    }
    if (body.card_cpny_cd) await checkCard(pgcode, body.card_cpny_cd, body.install_month ?? '00', order.amount);
    return { pgcode, payMethod: null };
  }

  /** The chosen card and months against card-list's rules and the order's amount (as the picker shows them). */
  async function checkCard(pgcode: string, code: string, month: string, amount: number) {
    const list = await cardList(pgcode);
    if (!list.ok) throw new HttpError(502, list.code, `The card list could not be loaded to check the card: ${list.message}`);
    const entries = Array.isArray(list.json.list) ? list.json.list : list.json.list ? [list.json.list] : [];
    const card = entries.find((c): c is Record<string, unknown> => typeof c === 'object' && c !== null && (c as Record<string, unknown>).card_cpny_cd === code);
    if (!card) throw new HttpError(400, 'invalid-field', `Card company ${code} is not offered for ${pgcode}.`, 'card_cpny_cd');
    const notices = Array.isArray(card.notice_list) ? (card.notice_list as Array<Record<string, unknown>>) : [];
    if (notices.some((n) => Number(n.notice_type) === 2)) throw new HttpError(400, 'card-unavailable', `Card company ${code} reports an outage.`, 'card_cpny_cd');
    if (month === '00') return;
    const num = (v: unknown) => (v === null || v === undefined || String(v).trim() === '' ? null : Number(v));
    const minimum = num(card.istl_psbl_amt) ?? 50_000;
    const start = num(card.istl_start_mnts);
    const finish = num(card.istl_finish_mnts);
    const m = Number(month);
    if (amount < minimum) {
      throw new HttpError(400, 'invalid-field', `Installments with card ${code} need at least ${minimum} KRW; this order is ${amount} KRW.`, 'install_month');
    }
    if (start === null || finish === null || m < Math.max(2, start) || m > Math.min(12, finish)) {
      throw new HttpError(400, 'invalid-field', `Card ${code} does not offer ${m} months.`, 'install_month');
    }
  }

  function cardList(pgcode: string) {
    const shinhan = deps.shinhan;
    if (!shinhan) throw new HttpError(404, 'unsupported-provider', 'This shop does not take Shinhan payments.');
    // Only the pgcodes the shop offers are proxied (and cached): no upstream call for anything else.
    if (!shinhan.pgcodes.includes(pgcode)) throw new HttpError(400, 'invalid-field', `pgcode must be one of ${shinhan.pgcodes.join(', ')} for this shop.`, 'pgcode');
    return cards.get(pgcode, () => shinhan.cardList(pgcode), (v) => v.ok);
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Shinhan: return_url (approve), cancel_url, fail_url
  // ---------------------------------------------------------------------------------------------

  async function shinhanReturn(form: ShinhanReturn, clientIp: string): Promise<Attempt | undefined> {
    const route = 'shinhan/return';
    const attempt = await store.getAttempt(form.order_no);
    if (!attempt || attempt.provider !== 'shinhan') {
      await refuse(route, 'unknown-order', 'No Shinhan attempt with this order_no.', undefined, form.order_no);
      return undefined;
    }
    // Found by order_no + nonce, not by a session cookie: the PG's POST is cross-site.
    if (!sameSecret(form.custom_parameter ?? '', attempt.nonce)) {
      await refuse(route, 'bad-custom-parameter', 'custom_parameter is not the one sent with this order_no; nothing changed.', attempt);
      return attempt;
    }
    const confirmToken = form.confirm_token ?? form.confinm_token;
    if (!confirmToken) {
      // selpay's window can issue a virtual account: it comes back with the account, not a confirm token.
      const vbank = deps.shinhan!.judgeVbank(form, attempt);
      if (vbank) return shinhanVbank(route, attempt, vbank);
      await refuse(route, 'no-confirm-token', 'The return carries no confirm_token.', attempt);
      return attempt;
    }
    // The money moves at confirm, once: only the copy that moves pending -> processing confirms.
    const claimed = await move(attempt, 'claim', {}, route);
    if (!claimed) {
      const current = await reread(attempt);
      const why = current.status === 'cancelled' && current.reason === 'superseded' ? 'superseded' : 'not-pending';
      await refuse(route, why === 'superseded' ? 'superseded' : 'duplicate-return', `Return for an attempt that is ${current.status}${current.reason ? ` (${current.reason})` : ''}: not confirmed.`, current);
      return current;
    }
    const s = await deps.shinhan!.settle(claimed, { confirmToken, clientIp });
    return apply(claimed, s, route);
  }

  /**
   * A virtual account from Shinhan's window (issue 11). The post is signed by nothing: it is bound to this
   * attempt by custom_parameter (checked by the caller) and its amount, then checked against confirm-info,
   * which can contradict it (another tid, cancelled, already deposited) but, as documented, cannot confirm
   * an account before its deposit. What it cannot contradict is recorded as the return said (README).
   */
  async function shinhanVbank(route: string, attempt: Attempt, claim: ShinhanVbankClaim): Promise<Attempt> {
    if (claim.kind === 'refused') {
      await refuse(route, claim.code, claim.message, attempt);
      return attempt;
    }
    if (claim.kind === 'failed') {
      // Not issued, says the window: a browser's word, like fail_url (pending only, never final).
      const moved = await move(attempt, 'report', { reported_status: 'failed', reported_code: claim.code, reported_at: nowIso() }, route);
      if (!moved) await refuse(route, 'stale-report', `A browser reported ${claim.code} for an attempt that is ${attempt.status}; ignored.`, attempt);
      log.write({ event: 'refusal', level: 'info', route, order_no: attempt.order_no, code: 'browser-text', message: claim.said });
      return moved ?? attempt;
    }
    if ((attempt.status === 'awaiting_deposit' && attempt.claimed_tid === claim.tid) || (attempt.status === 'paid' && attempt.tid === claim.tid)) return attempt; // the same return again
    const claimed = await move(attempt, 'claim', { claimed_tid: claim.tid, pay_method: 'VBANK', ...definedOnly(claim.account) }, route);
    if (!claimed) {
      const current = await reread(attempt);
      const ended = current.status === 'cancelled' || current.status === 'failed';
      await refuse(
        route,
        ended ? 'vbank-for-ended-attempt' : 'duplicate-return',
        ended
          ? `Shinhan issued virtual account ${claim.tid} (due ${claim.account.vbank_due_date}) for an attempt that is ${current.status}${current.reason ? ` (${current.reason})` : ''}: nothing is recorded, and a deposit into it would not reach this server. Check it in Shinhan's admin.`
          : `A virtual account return for an attempt that is ${current.status}: ignored.`,
        current,
      );
      return current;
    }
    // Issue 19, item 2: the account must be one confirm-info knows (this order_no, its tid, amount and user).
    // One it does not know was never issued: nothing is recorded (a forged return cannot park an account);
    // one that cannot be asked now stays `unknown`, and reconcile() asks again.
    const s = await deps.shinhan!.lookup(claimed);
    if (s.kind === 'nothing') {
      await refuse(route, 'vbank-unverified', `confirm-info knows no virtual account for this order_no (the return named ${claim.tid}): not recorded.`, claimed);
      const forget = { claimed_tid: null, pay_method: attempt.pay_method, bank_name: attempt.bank_name, bank_code: attempt.bank_code, vbank_account_no: attempt.vbank_account_no, vbank_holder: attempt.vbank_holder, vbank_due_date: attempt.vbank_due_date };
      return (await move(claimed, 'refute', forget, route)) ?? (await reread(claimed));
    }
    return apply(claimed, s, route);
  }

  /** cancel_url / fail_url / StopURL / an unsigned decline: a browser's word, pending only, never final. */
  async function browserReport(route: string, orderNo: string, provider: ProviderName, report: { status: 'failed' | 'cancelled'; code: string; said?: string }) {
    const attempt = await store.getAttempt(orderNo);
    if (!attempt || attempt.provider !== provider) {
      await refuse(route, 'unknown-order', `No ${provider} attempt with this order_no.`, undefined, orderNo);
      return undefined;
    }
    const moved = await move(attempt, 'report', { reported_status: report.status, reported_code: report.code, reported_at: nowIso() }, route);
    if (!moved) await refuse(route, 'stale-report', `A browser reported ${report.status} for an attempt that is ${attempt.status}; ignored.`, attempt);
    if (report.said) log.write({ event: 'refusal', level: 'info', route, order_no: orderNo, code: 'browser-text', message: said(report.said) });
    return moved ?? attempt;
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Smartro: ReturnURL / RetryURL (the same result form)
  // ---------------------------------------------------------------------------------------------

  async function smartroResult(route: string, form: SmartroResult, options: { waitForOthers: boolean }): Promise<{ attempt?: Attempt; outcome: Outcome }> {
    const named = form.OID ?? form.Moid;
    if (!named || (form.OID && form.Moid && form.OID !== form.Moid)) {
      await refuse(route, 'bad-return', 'The result form names no attempt, or two.', undefined, named);
      return { outcome: { recorded: false, code: 'bad-return' } };
    }
    const attempt = await store.getAttempt(named);
    if (!attempt || attempt.provider !== 'smartro') {
      await refuse(route, 'unknown-order', 'No Smartro attempt with this Moid.', undefined, named);
      return { outcome: { recorded: false, code: 'unknown-order' } };
    }
    const claim: SmartroClaim = deps.smartro!.judge(form, attempt);
    switch (claim.kind) {
      case 'refused':
        await refuse(route, claim.code, claim.message, attempt);
        return { attempt, outcome: { recorded: false, code: claim.code } };
      case 'cancelled':
      case 'declined': {
        const code = claim.kind === 'cancelled' ? 'buyer-cancelled' : claim.code;
        let moved: Attempt | undefined;
        if (claim.signed) {
          // Signed by Smartro: final.
          moved =
            claim.kind === 'cancelled'
              ? await move(attempt, 'cancel', { reason: 'buyer-cancelled' }, route)
              : await move(attempt, 'fail', { code, pg_message: claim.pgMessage }, route);
        } else {
          // Unsigned: a browser's word, and its code one from the fixed list (issue 19, item 12).
          const reported = claim.kind === 'cancelled' ? code : reportedFailCode(code);
          moved = await move(attempt, 'report', { reported_status: claim.kind === 'cancelled' ? 'cancelled' : 'failed', reported_code: reported, reported_at: nowIso() }, route);
          if (claim.kind === 'declined') log.write({ event: 'refusal', level: 'info', route, order_no: attempt.order_no, code: 'browser-text', message: said(`ResultCode ${claim.code}: ${claim.pgMessage}`) });
        }
        if (!moved) await refuse(route, 'stale-result', `A ${claim.kind} result (${form.ResultCode}) for an attempt that is already ${attempt.status}; ignored.`, attempt);
        return { attempt: moved ?? attempt, outcome: { recorded: true } };
      }
      case 'approved':
      case 'issued':
      case 'deposited':
        return settleApproval(route, attempt, claim, options.waitForOthers, 0);
    }
  }

  type SignedClaim = Extract<SmartroClaim, { kind: 'approved' | 'issued' | 'deposited' }>;

  /**
   * A signed approval, a virtual account's issue (4100) or its deposit (4110): believed once Smartro's receipt
   * API confirms it for this Moid and amount (and, for an account, shows the deposit). Racing copies of one
   * result record one transition; a deposit notice for an account already paid with its TID is answered
   * OK again (recorded once).
   */
  async function settleApproval(route: string, attempt: Attempt, claim: SignedClaim, wait: boolean, depth: number): Promise<{ attempt: Attempt; outcome: Outcome }> {
    const smartro = deps.smartro!;
    if (attempt.status === 'paid') {
      if (attempt.tid === claim.tid) {
        // The same approval (or deposit) again; a copy whose unsigned Amt contradicts the verified record was
        // edited on the way: refused, nothing changes.
        if (claim.amt !== undefined && claim.amt !== attempt.amount) {
          await refuse(route, 'amount-mismatch', `A copy of the recorded TID ${claim.tid} says ${claim.amt} KRW; ${attempt.amount} KRW was verified and recorded.`, attempt);
          return { attempt, outcome: { recorded: false, code: 'amount-mismatch' } };
        }
        return { attempt, outcome: { recorded: true } };
      }
      return settleEnded(route, attempt, claim, 'second-approval');
    }
    if (attempt.status === 'cancelled' || attempt.status === 'failed') return settleEnded(route, attempt, claim, attempt.reason === 'superseded' ? 'superseded' : 'attempt-ended');

    let claimed: Attempt | undefined;
    if (attempt.status === 'awaiting_deposit') {
      if (claim.tid !== attempt.claimed_tid) {
        await refuse(route, 'vbank-mismatch', `A ${claim.kind} result with TID ${claim.tid} for an attempt whose account is ${attempt.claimed_tid}: not recorded.`, attempt);
        return { attempt, outcome: { recorded: false, code: 'vbank-mismatch' } };
      }
      if (claim.kind === 'issued') return { attempt, outcome: { recorded: true } }; // the issue again
      claimed = attempt; // a deposit notice: Smartro's records decide
    } else if (attempt.status === 'pending') {
      const account = claim.kind === 'approved' ? {} : definedOnly(claim.account);
      claimed = await move(attempt, 'claim', { claimed_tid: claim.tid, ...account }, route);
    } else if (attempt.status === 'unknown') {
      if (attempt.claimed_tid !== null && attempt.claimed_tid !== claim.tid) {
        // Issue 19, item 3: another TID for an attempt whose claimed TID the PG may have charged. That TID is
        // settled FIRST (never discarded); the other is then judged against whatever the attempt became.
        const first = await apply(attempt, await smartro.lookup(attempt), route);
        if (first.status !== 'unknown' && depth < 3) return settleApproval(route, first, claim, wait, depth + 1);
        const other = await smartro.settle(first, { tid: claim.tid, clientIp: '', details: claim.details });
        if (other.kind === 'refuted') {
          await refuse(route, 'receipt-mismatch', other.message, first);
          return { attempt: first, outcome: { recorded: false, code: 'receipt-mismatch' } };
        }
        // Genuine for this Moid too, or not learnt: asked again once the claimed TID is settled.
        return { attempt: first, outcome: { recorded: false, code: 'receipt-unverified', retryLater: true } };
      }
      claimed = attempt; // verified again (Smartro's next RetryURL), stays unknown meanwhile
    }
    if (!claimed) {
      // Another copy of this result is being verified (processing).
      if (depth > 0) return { attempt, outcome: { recorded: false, code: 'in-progress', retryLater: true } };
      const current = wait ? await waitWhileProcessing(attempt) : await reread(attempt);
      if (current.status === 'processing') return { attempt: current, outcome: wait ? { recorded: false, code: 'in-progress', retryLater: true } : { recorded: true } };
      return settleApproval(route, current, claim, wait, depth + 1);
    }
    const s = await smartro.settle(claimed, { tid: claim.tid, clientIp: '', details: claim.details, ...(claim.kind === 'approved' ? {} : { account: claim.account }) });
    const after = await apply(claimed, s, route);
    if (after.status === 'paid') return { attempt: after, outcome: after.tid === claim.tid ? { recorded: true } : { recorded: false, code: 'duplicate-payment' } };
    if (after.status === 'awaiting_deposit') {
      // Issued: recorded. A deposit notice the receipt API does not show yet: Smartro is asked to send it again.
      return { attempt: after, outcome: claim.kind === 'deposited' ? { recorded: false, code: 'deposit-unverified', retryLater: true } : { recorded: true } };
    }
    if (after.status === 'unknown') return { attempt: after, outcome: { recorded: false, code: 'receipt-unverified', retryLater: true } };
    if (s.kind === 'refuted') return { attempt: after, outcome: { recorded: false, code: 'receipt-mismatch' } };
    return { attempt: after, outcome: { recorded: true } };
  }

  /**
   * An approval for an attempt that is over (superseded, ended, or paid by another TID): if Smartro's records
   * confirm it, the money is owed back, never dropped silently. A virtual account issued for such an attempt
   * has taken no money: it is noted for the staff (a deposit into it would be owed back the same way).
   */
  async function settleEnded(route: string, attempt: Attempt, claim: SignedClaim, reason: string) {
    const s = await deps.smartro!.settle(attempt, { tid: claim.tid, clientIp: '', details: claim.details });
    if (s.kind === 'paid') {
      await owe(attempt, s.details, attempt.amount, reason);
      return { attempt, outcome: { recorded: true } as Outcome };
    }
    if (s.kind === 'wrong-amount') {
      // Money for this Moid at another amount (issue 19, item 5): owed back all the same, what Smartro shows.
      await owe(attempt, s.details, s.amount, 'wrong-amount');
      return { attempt, outcome: { recorded: true } as Outcome };
    }
    if (s.kind === 'issued') {
      await refuse(route, 'vbank-for-ended-attempt', `Smartro issued virtual account ${claim.tid} for an attempt that is ${attempt.status}: no money yet; a deposit into it will be owed back.`, attempt);
      return { attempt, outcome: { recorded: true } as Outcome };
    }
    if (s.kind === 'unknown') return { attempt, outcome: { recorded: false, code: 'receipt-unverified', retryLater: true } as Outcome };
    if (s.kind === 'refuted') {
      await refuse(route, 'receipt-mismatch', s.message, attempt);
      return { attempt, outcome: { recorded: false, code: 'receipt-mismatch' } as Outcome };
    }
    return { attempt, outcome: { recorded: true } as Outcome };
  }

  async function waitWhileProcessing(attempt: Attempt, forMs = config.pgTimeoutMs + 1000): Promise<Attempt> {
    const deadline = Date.now() + forMs;
    let current = attempt;
    while (Date.now() < deadline) {
      current = await reread(current);
      if (current.status !== 'processing') return current;
      await new Promise((r) => setTimeout(r, 25));
    }
    return current;
  }

  // ---------------------------------------------------------------------------------------------
  // 4. result-url: GET (what we recorded), POST window-closed
  // ---------------------------------------------------------------------------------------------

  async function result(request: Request, orderNo: string): Promise<ResultView> {
    const attempt = await ownedAttempt(request, await store.getAttempt(orderNo), unknownOrder(orderNo));
    return view(await settled(attempt));
  }

  /**
   * A verification in progress usually ends within a PG round trip: wait for it (at most resultWaitMs) rather
   * than answer `processing` and make the widget ask again. A slow one (fault 3) is still answered `processing`.
   */
  async function settled(attempt: Attempt): Promise<Attempt> {
    return attempt.status === 'processing' && config.resultWaitMs > 0 ? waitWhileProcessing(attempt, config.resultWaitMs) : attempt;
  }

  /**
   * The widget saw the buyer close the PG window before any result reached the page. Shinhan: nothing can
   * be charged without our confirm, so the attempt ends (a return that still comes is not confirmed).
   * Smartro: noted (a verified approval that still comes is recorded), and Smartro is asked when it can be.
   */
  async function windowClosed(request: Request, orderNo: string): Promise<ResultView> {
    let owner: TOrder | undefined;
    let attempt = await ownedAttempt(request, await store.getAttempt(orderNo), unknownOrder(orderNo), (order) => (owner = order));
    const route = 'result/window-closed';
    if (attempt.status === 'pending') {
      if (attempt.provider === 'shinhan') {
        const ended =
          attempt.reported_status === 'failed'
            ? await move(attempt, 'fail', { code: attempt.reported_code ?? 'pg-failed', reported_status: null }, route)
            : await move(attempt, 'cancel', { reason: attempt.reported_status === 'cancelled' ? (attempt.reported_code ?? 'buyer-cancelled') : 'popup-closed', reported_status: null }, route);
        attempt = ended ?? (await reread(attempt));
      } else {
        attempt = (await move(attempt, 'close', { window_closed_at: nowIso() }, route)) ?? (await reread(attempt));
        // The Moid lookup is the only PG call here: limited per buyer and address (issue 19, item 10). Over the
        // limit, the closed window is still noted; the lookup waits for the next ask (a new session asks too).
        if (attempt.status === 'pending' && (deps.smartro as SmartroProvider).receiptLookupByMoid && overLimit(deps.limits?.lookups, owner as TOrder, { address: true }) === undefined) {
          await settleFromLookup(attempt, route, { cached: true });
          attempt = await reread(attempt);
        }
      }
    }
    return view(await settled(attempt));
  }

  function unknownOrder(orderNo: string) {
    return new HttpError(404, 'unknown-order', `No payment with order_no ${orderNo}.`, 'order_no');
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Receipts
  // ---------------------------------------------------------------------------------------------

  /**
   * Issue 19, items 6 and 10: one answer (404 unknown-tid) for a TID that does not exist AND for one that is
   * not the caller's (no existence oracle); a limit per buyer (and per address, app.ts); and one PG call per
   * TID per receiptCacheMs, however many times it is asked.
   */
  async function receipt(request: Request, tid: string) {
    let found: Attempt | undefined;
    for (const name of ['shinhan', 'smartro'] as const) if (!found && providers[name]) found = await store.findByTid(name, tid);
    const notFound = new HttpError(404, 'unknown-tid', `No payment with tid ${tid}.`, 'tid');
    let attempt: Attempt;
    try {
      attempt = await ownedAttempt(request, found?.status === 'paid' ? found : undefined, notFound, (order) => admit(deps.limits?.lookups, order));
    } catch (error) {
      if (error instanceof HttpError && error.status === 403) throw notFound;
      throw error;
    }
    const key = `${attempt.provider}:${tid}`;
    if (attempt.provider === 'smartro') {
      const answer = (await receipts.get(key, () => deps.smartro!.receipt(tid), (v) => v.ok)) as Awaited<ReturnType<SmartroProvider['receipt']>>;
      if (!answer.ok) throw new HttpError(502, answer.code, answer.message);
      return { provider: 'smartro', receipt: slip(answer.receipt) };
    }
    const answer = (await receipts.get(key, () => deps.shinhan!.receiptUrl({ tid, amount: attempt.amount, txYmd: receiptDate(attempt) }), (v) => v.ok)) as Awaited<ReturnType<ShinhanProvider['receiptUrl']>>;
    if (!answer.ok) throw new HttpError(502, answer.code, answer.message);
    return { provider: 'shinhan', redirect_url: answer.redirect_url };
  }

  return {
    startSession,
    shinhanReturn,
    browserReport,
    smartroResult,
    result,
    windowClosed,
    receipt,
    cardList,
    apply,
    move,
    settleFromLookup,
    checkAccount,
    view,
    refuse,
  };
}

export type Payments = ReturnType<typeof createPayments>;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** What result-url answers for an attempt: the visible status and only what the buyer may see. */
export function view(a: Attempt): ResultView {
  const status = visibleStatus(a);
  const out: ResultView = { status, order_no: a.order_no, order_id: a.order_id, provider: a.provider, amount: a.amount, product_name: a.product_name };
  // How it is paid, as the widget names it (card, vbank, bank, phone), where the attempt knows it.
  const method = payMethodName(a.pay_method);
  if (method) out.pay_method = method;
  if (status === 'paid') {
    out.tid = a.tid;
    for (const key of ['approved_at', 'card_cpny_cd', 'card_name', 'install_month', 'bank_name'] as const) if (a[key]) out[key] = a[key];
    if (a.card_no) out.card_no = maskCardNo(a.card_no);
    if (a.pay_method === 'VBANK' && a.vbank_due_date) out.vbank = vbankView(a);
  } else if (status === 'awaiting_deposit') {
    // The account the buyer deposits into (contract v2): as text, never markup, on the widget's side.
    out.tid = a.claimed_tid;
    out.vbank = vbankView(a);
  } else if (status === 'failed') {
    const code = a.status === 'pending' ? (a.reported_code ?? 'pg-failed') : (a.code ?? 'pg-failed');
    out.code = code;
    out.message = failText(code);
    // The PG's own words, for developers (never shown to the buyer); a browser's words are never passed on.
    if (a.status === 'failed' && a.pg_message) out.pg_message = a.pg_message;
  } else if (status === 'cancelled') {
    out.reason = a.status === 'pending' ? (a.reported_code ?? 'buyer-cancelled') : (a.reason ?? 'cancelled');
  }
  return out;
}

/** `vbank: {bank_name, account_no?, holder, amount, due_date}` (account_no where the PG gives one: Shinhan does not). */
function vbankView(a: Attempt): Record<string, unknown> {
  return {
    bank_name: a.bank_name,
    ...(a.vbank_account_no ? { account_no: a.vbank_account_no } : {}),
    holder: a.vbank_holder,
    amount: a.amount,
    due_date: a.vbank_due_date,
  };
}

/** The columns of an issued account an attempt holds (what `issue` keeps when the PG says nothing new). */
function accountOf(a: Attempt): Partial<VbankAccount> {
  return definedOnly({ bank_code: a.bank_code, bank_name: a.bank_name, vbank_account_no: a.vbank_account_no, vbank_holder: a.vbank_holder, vbank_due_date: a.vbank_due_date });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** A card number with more than 4 digits visible is masked in the middle ("9410-12**-****-1234" stays). */
export function maskCardNo(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 10) return value;
  let seen = 0;
  const keepHead = 6;
  const keepTail = 4;
  return value.replace(/\d/g, (d) => {
    seen++;
    return seen <= keepHead || seen > digits.length - keepTail ? d : '*';
  });
}

/** "110123456789" -> "********6789": every digit but the last 4 masked. */
export function maskAccountNo(value: string): string {
  const digits = value.replace(/\D/g, '').length;
  let seen = 0;
  return value.replace(/\d/g, (d) => (++seen > digits - 4 ? d : '*'));
}

/** Only the fields the receipt slip shows pass to the browser. */
export function slip(receipt: Record<string, unknown>): Record<string, unknown> {
  const pick = (source: unknown, keys: readonly string[]) => {
    if (typeof source !== 'object' || source === null) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of keys) if ((source as Record<string, unknown>)[key] !== undefined) out[key] = (source as Record<string, unknown>)[key];
    return out;
  };
  const out = pick(receipt, SLIP_KEYS) ?? {};
  if (typeof out.cardNo === 'string') out.cardNo = maskCardNo(out.cardNo);
  // A bank transfer's acctNo is the buyer's own account: only its last 4 digits reach the browser.
  if (typeof out.acctNo === 'string') out.acctNo = maskAccountNo(out.acctNo);
  if (Array.isArray(receipt.merchantInfo)) out.merchantInfo = receipt.merchantInfo.map((m) => pick(m, MERCHANT_KEYS));
  else if (receipt.merchantInfo) out.merchantInfo = pick(receipt.merchantInfo, MERCHANT_KEYS);
  if (Array.isArray(receipt.partCancelInfo)) out.partCancelInfo = receipt.partCancelInfo.map((p) => pick(p, PART_KEYS));
  else if (receipt.partCancelInfo) out.partCancelInfo = pick(receipt.partCancelInfo, PART_KEYS);
  return out;
}


/** tx_ymd (YYYY-MM-DD) for a Shinhan receipt: the day the PG reported, else the Korean date of the record. */
export function receiptDate(attempt: Attempt): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(attempt.approved_at ?? '');
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  const kst = new Date(Date.parse(attempt.finished_at ?? attempt.created_at) + 9 * 3600_000);
  return kst.toISOString().slice(0, 10);
}

/**
 * return_to must stay on the shop's own origin, or the PG flow becomes an open redirect (a phishing link
 * could send buyers from the real payment to a fake "payment failed, pay again" page).
 */
export function resolveReturnTo(value: string | undefined, publicBaseUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value ?? '/', publicBaseUrl);
  } catch {
    url = undefined;
  }
  if (!url || url.origin !== new URL(publicBaseUrl).origin) {
    throw new HttpError(400, 'invalid-field', `return_to must be on ${new URL(publicBaseUrl).origin}.`, 'return_to');
  }
  return url.href;
}

/**
 * `${order_id}-${time base 36}${10 random base-36 chars}`: at most 50 characters of [A-Za-z0-9_-], unique
 * per attempt and not guessable from the order_id. Smartro's Moid takes letters and digits only.
 */
export function newOrderNo(orderId: string, alphanumeric: boolean): string {
  const time = Date.now().toString(36);
  let random = '';
  for (let i = 0; i < 10; i++) random += randomInt(36).toString(36);
  return alphanumeric ? `${orderId.replace(/[^A-Za-z0-9]/g, '')}${time}${random}` : `${orderId}-${time}${random}`;
}

export { CONFIRM_WINDOW_MS };
