/**
 * POST session-url: a new attempt for the shop's order (amount, product and buyer from loadOrder), the
 * options the SHOP allows (Shinhan pgcode and installments, Smartro pay method), and the rule for an order
 * that already has an open attempt: replaced only where the PG can no longer take money for it (issue 10).
 * Also Shinhan's card list (cached per pgcode).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { HttpError } from '../http.js';
import type { ShinhanProvider } from '../providers/shinhan.js';
import type { SmartroProvider } from '../providers/smartro.js';
import { smartroPayMethod } from '../providers/smartro.js';
import type { KpgOrder } from '../providers/types.js';
import { phoneDigits, type SessionBody } from '../schemas.js';
import type { Attempt } from '../store/types.js';
import { TEXTS } from '../texts.js';
import { pastDue } from '../vbank.js';
import { admit, authorized, orderOf } from './buyers.js';
import { shinhanFor, type PaymentsContext } from './context.js';
import { move } from './ledger.js';
import { checkAccount, settleFromLookup } from './settlement.js';
import { consentFor } from './terms.js';

export async function startSession(ctx: PaymentsContext, request: Request, body: SessionBody) {
  const { store, config } = ctx;
  const provider = ctx.providers[body.provider];
  if (!provider) throw new HttpError(400, 'unsupported-provider', `This shop does not take payments with ${body.provider}.`, 'provider');
  const order = await orderOf(ctx, request, body.order_id);
  if (!order) throw new HttpError(404, 'unknown-order', `No order ${body.order_id}.`, 'order_id');
  await authorized(ctx, request, order);
  admit(ctx.limits?.session, order);

  // Where a mobile buyer comes back to (the shop's own origin only; default its root). Checked and kept for
  // every device alike: a PC flow ends in its popup and never goes there.
  const returnTo = resolveReturnTo(body.return_to, config.publicBaseUrl);
  const choices = await chooseOptions(ctx, body, order);
  // Issue 25: the buyer's consent to the PG's terms, checked before any attempt exists, recorded with it.
  const consent = choices.pgcode ? await consentFor(ctx, choices.pgcode, body) : undefined;

  // One statement when nothing is in the way (issue 26): the insert itself fails on the index of the order's
  // one attempt open or paid (migration 009), and only then is the order's state read to learn why.
  let lastOpen: Attempt | undefined;
  const orderNo = newOrderNo(order.order_id, provider.name === 'smartro');
  for (let round = 0; round < 5; round++) {
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
        // Issue 23: staff find the order by the buyer's name or phone (digits only).
        buyer_name: order.buyer.name,
        buyer_phone: phoneDigits(order.buyer.tel) || null,
        consent: consent ?? null,
      },
      ctx.nowIso(),
    );
    if (attempt) {
      ctx.log.write({ event: 'transition', transition: 'create', order_no: attempt.order_no, order_id: attempt.order_id, provider: attempt.provider, from: null, to: 'pending', moved: true, why: 'session' });
      const session = await provider.createSession({ attempt, order, body, urls: config.callbackUrls });
      if (!session.ok) {
        await move(ctx, attempt, 'fail', { code: session.code, pg_message: ctx.said(session.pgMessage) }, 'session');
        throw new HttpError(502, session.code, session.code === 'pg-refused' ? `The PG refused the payment request: ${ctx.said(session.pgMessage)}` : ctx.said(session.pgMessage), undefined, { order_no: attempt.order_no });
      }
      return session.answer;
    }
    // Nothing inserted: the order took its money, or has an open attempt (or had one a moment ago).
    const { paid, open } = await store.orderState(order.order_id);
    if (paid) throw alreadyPaid(paid);
    if (!open) continue; // it ended meanwhile: insert again
    lastOpen = open;
    if (open.status === 'awaiting_deposit') {
      // A virtual account waits for its money: no new attempt, unless its due day is over (then the PG
      // is asked first: a deposit that arrived is recorded, an account without one is closed).
      const now = await checkAccountIfDue(ctx, open);
      if (now.status === 'awaiting_deposit') throw new HttpError(409, 'awaiting-deposit', TEXTS.awaitingDeposit, undefined, { order_no: open.order_no });
      continue; // paid (the next round answers already-paid) or expired (the next round starts anew)
    }
    const verdict = await mayReplace(ctx, open);
    if (verdict === 'settled') continue; // recorded just now: the next round answers already-paid or awaiting-deposit
    // `status` lets the widget tell "finish the other window" (pending) from "being verified" (processing, unknown).
    if (verdict !== 'replace') throw new HttpError(409, 'attempt-in-progress', TEXTS.attemptInProgress, undefined, { order_no: open.order_no, status: open.status });
    // Superseded by the attempt the next round inserts (under this order_no).
    await move(ctx, open, 'cancel', { reason: 'superseded', superseded_by: orderNo }, 'session');
  }
  // Other sessions of this order kept winning the race: one of them is the attempt in progress.
  lastOpen = (await store.orderState(order.order_id)).open ?? lastOpen;
  throw new HttpError(409, 'attempt-in-progress', TEXTS.attemptInProgress, undefined, lastOpen ? { order_no: lastOpen.order_no, status: lastOpen.status } : {});
}

/** A waiting account past its due day is asked about (and closed or paid); otherwise left as it is. */
async function checkAccountIfDue(ctx: PaymentsContext, open: Attempt): Promise<Attempt> {
  if (!pastDue(open.vbank_due_date, ctx.now())) return open;
  return checkAccount(ctx, open, 'session');
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
async function mayReplace(ctx: PaymentsContext, open: Attempt): Promise<'replace' | 'keep' | 'settled'> {
  if (open.status !== 'pending') return 'keep'; // processing / unknown: being verified, or the outcome is not known
  const provider = ctx.providers[open.provider];
  if (!provider) return 'keep';
  if (!provider.approvesWithoutServer) return 'replace';
  const now = ctx.now().getTime();
  const ended = open.window_closed_at ?? open.reported_at;
  const expired = now - Date.parse(open.created_at) >= ctx.config.attemptTtlMs;
  if (!ended && !expired) return 'keep'; // its window may still be open in another tab (fault 1)
  if ((provider as SmartroProvider).receiptLookupByMoid) {
    const found = await settleFromLookup(ctx, open, 'session');
    return found === 'nothing' ? 'replace' : found === 'settled' ? 'settled' : 'keep';
  }
  return expired || (ended && now - Date.parse(ended) >= ctx.config.smartroQuietMs) ? 'replace' : 'keep';
}

/** The Shinhan pgcode and Smartro pay method the SHOP allows, and installments its card rules allow (fault 8). */
async function chooseOptions(ctx: PaymentsContext, body: SessionBody, order: KpgOrder): Promise<{ pgcode: string | null; payMethod: string | null }> {
  if (body.provider === 'smartro') {
    const smartro = ctx.smartro as SmartroProvider;
    const wanted = body.pay_method ?? smartro.payMethods[0];
    const payMethod = smartroPayMethod(wanted);
    if (!smartro.payMethods.includes(wanted) || !payMethod) {
      throw new HttpError(400, 'invalid-field', `pay_method must be one of ${smartro.payMethods.join(', ')} for this shop.`, 'pay_method');
    }
    return { pgcode: null, payMethod };
  }
  const pgcode = body.pgcode ?? (ctx.shinhan as ShinhanProvider).pgcodes[0];
  const shinhan = shinhanFor(ctx, pgcode);
  if (body.install_month !== undefined && body.install_month !== '00' && !body.card_cpny_cd) {
    throw new HttpError(400, 'missing-field', 'card_cpny_cd is required with an installment.', 'card_cpny_cd');
  }
  if (body.card_cpny_cd) await checkCard(ctx, pgcode, body.card_cpny_cd, body.install_month ?? '00', order.amount);
  // Issue 25: selpay's table marks user_ci 필수 ("통합결제창(개인)전용"); the CI comes from loadOrder only.
  if (pgcode === 'selpay' && !order.buyer.ci && !shinhan.userCiWaived) {
    throw new HttpError(400, 'missing-field', "buyer.ci is required for selpay: Shinhan requires the buyer's CI (user_ci, 88 characters). Return buyer.ci from loadOrder, offer another pgcode, or set shinhan.userCiWaived if your contract with Shinhan waives it.", 'buyer.ci');
  }
  return { pgcode, payMethod: null };
}

/** The chosen card and months against card-list's rules and the order's amount (as the picker shows them). */
async function checkCard(ctx: PaymentsContext, pgcode: string, code: string, month: string, amount: number) {
  const list = await cardList(ctx, pgcode);
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

/** Shinhan's card list for a pgcode the shop offers, fetched once per cardListTtlMs (async: a pgcode it refuses rejects, never throws). */
export async function cardList(ctx: PaymentsContext, pgcode: string) {
  // Only the pgcodes the shop offers are proxied (and cached): no upstream call for anything else.
  const shinhan = shinhanFor(ctx, pgcode);
  return ctx.caches.cards.get(pgcode, () => shinhan.cardList(pgcode), (v) => v.ok);
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
 * per attempt and not guessable from the order_id. Smartro's Moid takes letters and digits only. The time is
 * the real time in ms (8 base-36 digits until 2059), not the server's `now`: it orders attempts of one order
 * created at the same `created_at` (the store breaks ties by order_no), which a pinned test clock makes common.
 */
export function newOrderNo(orderId: string, alphanumeric: boolean): string {
  const time = Date.now().toString(36);
  let random = '';
  for (let i = 0; i < 10; i++) random += randomInt(36).toString(36);
  // At most 30 characters of the order id: with the time and the random part, Shinhan's 50 (Smartro's Moid: 64).
  return alphanumeric ? `${orderId.replace(/[^A-Za-z0-9]/g, '').slice(0, 30)}${time}${random}` : `${orderId.slice(0, 30)}-${time}${random}`;
}
