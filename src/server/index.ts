/**
 * kpg-checkout/server: the shop's side of <kpg-checkout>, as a module to install and mount.
 *
 *   import { createKpgServer } from 'kpg-checkout/server';
 *   const kpg = createKpgServer({
 *     publicBaseUrl: 'https://shop.example',
 *     shinhan: { apiBase, clientId, paymentApiKey, searchApiKey },
 *     smartro: { env: 'test', mid, merchantKey },            // env: Smartro's test or real hosts
 *     loadOrder: async ({ order_id }) => db.orders.find(order_id),      // amount, product_name, buyer
 *     authorize: async ({ request, order }) => order.buyerId === (await session(request)).userId,
 *     onEvent: async (event) => { if (event.type === 'payment.paid') await ship(event.order_id, event.id) },
 *   });
 *   // Web standard: Hono, Next.js route handlers, Bun, Deno
 *   export const GET = kpg.fetch, POST = kpg.fetch;
 *   // node:http, Express, Connect, Vite:  app.use(toNodeHandler(kpg))  (from 'kpg-checkout/server/node')
 *
 * Storage: PostgreSQL through `pg` when `database.url` (or DATABASE_URL) is set, else PGlite in
 * `database.dataDir` (default `.data/kpg-checkout`). Migrations run on first use.
 */
import { createApp, type KpgEnv } from './app.js';
import { createRelay, type DeliveryReport, type Relay, type RelayTarget } from './events/relay.js';
import { DELIVERY_STATUSES, type DeliveryStatus, type EventRecord, type KpgEvent, type PaymentView } from './events/types.js';
import { checkWebhooks, webhookTarget, type WebhookOptions } from './events/webhooks.js';
import { createCancels, type CancelAnswer, type CancelArgs, type CancelDueArgs, type Cancels } from './cancels.js';
import { builtText } from './http.js';
import { createLimiter, type RateLimit } from './limits.js';
import { createLogger, type LogSink, errorText } from './log.js';
import { createPayments, resultView, type Payments } from './payments/index.js';
import { createShinhanProvider, type ShinhanOptions } from './providers/shinhan.js';
import { PAY_METHODS, createSmartroProvider, smartroEndpoints, smartroPayMethod, type SmartroOptions } from './providers/smartro.js';
import type { CallbackUrls, KpgOrder, PaymentProvider } from './providers/types.js';
import { openApiDocument } from './openapi.js';
import { createRedactor } from './redact.js';
import { reconcile, type ReconcileReport } from './reconcile.js';
import { checkDatabaseOptions, openStore, type DatabaseOptions } from './store/open.js';
import type { StaffAnswer } from './staff.js';
import type { PaymentStore, ProviderName, RefundDue, Refusal, RefusalCount } from './store/types.js';

export type { KpgEnv } from './app.js';
export type { ShinhanOptions } from './providers/shinhan.js';
export type { SmartroOptions } from './providers/smartro.js';
export { SMARTRO_HOSTS } from './providers/smartro.js';
export type { KpgOrder, SessionAnswer } from './providers/types.js';
export type { ReconcileReport } from './reconcile.js';
export type { CancelAnswer, CancelArgs, CancelDueArgs } from './cancels.js';
export type { CancelRecord, PaymentMoney } from './store/cancels.js';
export type { RefundAccount } from './providers/types.js';
export type { StaffAnswer } from './staff.js';
export { HttpError } from './http.js';
export { vatOf } from './tax.js';
export type { DatabaseOptions } from './store/open.js';
export type { Attempt, PaymentStore, RefundDue, Refusal, RefusalCount } from './store/types.js';
export { REFUSAL_SAMPLES } from './store/types.js';
export { clientKey } from './limits.js';
export type { DeliveryReport } from './events/relay.js';
export type { Delivery, DeliveryStatus, EventData, EventRecord, EventType, KpgEvent, PaymentView, VbankView } from './events/types.js';
export { EVENT_TYPES } from './events/types.js';
export { verifyWebhook, WebhookVerificationError, type WebhookOptions, type WebhookRequest } from './events/webhooks.js';
export { openApiDocument, type OpenApiOptions } from './openapi.js';
export { STATUSES, OPEN_STATUSES, TRANSITIONS, type Status } from './state.js';
export { createRedactor } from './redact.js';
export { openStore } from './store/open.js';
export { optionsFromEnv } from './env.js';
export { toNodeHandler, type NodeMiddleware, type NodeHandlerOptions } from './node.js';

export interface KpgServerOptions<TOrder extends KpgOrder = KpgOrder> {
  /** Where the routes are mounted on the shop's origin; default "/api/kpg". */
  basePath?: string;
  /** The shop's public origin, e.g. "https://shop.example": the PGs send the buyer (and RetryURL) back there. */
  publicBaseUrl: string;
  /** PostgreSQL `{ url }`, PGlite `{ dataDir }` / `{ memory: true }`, or a PaymentStore of your own. */
  database?: DatabaseOptions | PaymentStore;
  shinhan?: ShinhanOptions;
  smartro?: SmartroOptions;
  /** The shop's order: amount, product and buyer come from here, never from the browser. undefined: no such order. */
  loadOrder(args: { request: Request; order_id: string }): Promise<TOrder | null | undefined> | TOrder | null | undefined;
  /**
   * Whether the caller of this request owns the order (buyer binding). Session, result, window-closed and
   * receipt answer 403 otherwise. Return true for everyone only if your orders are not tied to buyers.
   */
  authorize(args: { request: Request; order: TOrder }): boolean | Promise<boolean>;
  /**
   * The shop's code, told every outcome (issue 21): `payment.paid`, `payment.failed`, `payment.cancelled`,
   * `vbank.issued`, `vbank.expired`, `refund.due`. Called at least once per event, in order per order, from
   * an outbox written in the same transaction as the payment; retried with backoff for three days when it
   * throws or takes longer than `delivery.timeoutMs` (its `signal` is aborted then). Dedupe by `event.id`,
   * and ask `kpg.payment(event.order_id)` before you ship. Every instance should have the same one.
   */
  onEvent?: (event: KpgEvent, context: { signal: AbortSignal }) => unknown;
  /** Signed webhooks (Standard Webhooks) for every event, from the same outbox: `[{ url, secret: 'whsec_...' }]`. */
  webhooks?: WebhookOptions[];
  /** How events are delivered (onEvent and webhooks). */
  delivery?: DeliveryOptions;
  /**
   * Issue 22: who may use the staff routes ({base}/staff/...: cancels, settling an unknown cancel). Return
   * false (403), true, or `{ id }` (kept on each cancel as requested_by / settled_by). Separate from the buyers'
   * `authorize`. Without it the staff routes answer 404.
   */
  authorizeStaff?(args: { request: Request }): StaffAnswer | Promise<StaffAnswer>;
  /**
   * A cancel the PG did not answer is settled as "not cancelled" from the PG's records only once it is this
   * old, and a `requested` one this old lost its instance (default 3 x pgTimeoutMs).
   */
  cancelSettleMs?: number;
  /**
   * reconcile() asks the PG about the cancels of paid payments recorded in the last this many days (made in
   * the PG's admin site, say), `recheckBatch` per run, the least recently asked first. Default 30 days, 50 per run.
   */
  recheckPaidDays?: number;
  recheckBatch?: number;
  /** JSON log lines (one per transition, refusal, amount owed, delivery, cancel, error); default stdout; false: none. */
  log?: LogSink | false;
  /** Each call to a PG (default 10 s). */
  pgTimeoutMs?: number;
  /** A request body must arrive within this (default 10 s): a slow client cannot hold a connection. */
  bodyTimeoutMs?: number;
  /**
   * Limits per instance (docs/server.md "Rate limits"); false turns one (or all) off. Each is kept per client address
   * (IPv6 per /64) when the address is known, and `session` / `lookups` also per buyer (the order's buyer.id)
   * once authorize has accepted the caller; no request is ever counted in a bucket shared by everyone.
   * - session: session starts (default 20 / minute);
   * - cards: card-list requests (default 60 / minute);
   * - lookups: receipts and the window-closed Moid lookup, the calls that reach a PG (default 30 / minute);
   * - refusals: REFUSED requests per source on the PG routes (return, cancel, fail, retry, stop), after which
   *   that source is answered 429 for the rest of the window (default 60 / minute; accepted results never count).
   */
  rateLimit?: false | { session?: RateLimit | false; cards?: RateLimit | false; lookups?: RateLimit | false; refusals?: RateLimit | false };
  /** Shinhan's card list is fetched once per pgcode per this long (default 5 minutes). */
  cardListTtlMs?: number;
  /**
   * A receipt is asked of the PG once per TID per this long, and the window-closed Moid lookup once per
   * attempt (default 30 s; 0: every time).
   */
  receiptCacheMs?: number;
  /** A pending attempt nobody finished expires after this (default 30 minutes). */
  attemptTtlMs?: number;
  /**
   * Smartro without `receiptLookupByMoid`: a new attempt may replace one whose window was closed (or that a
   * browser reported over) after this quiet time, during which a late approval would have arrived through
   * RetryURL (default 5 minutes). Set it above your RetryURL interval in Smartro's admin site.
   */
  smartroQuietMs?: number;
  /** A processing attempt older than this lost its instance (default 3 x pgTimeoutMs). */
  staleProcessingMs?: number;
  /**
   * result-url waits up to this long while an attempt is `processing` (default 1 s): a verification that
   * ends within it is answered settled; a slower one is answered `processing` and the widget polls on.
   */
  resultWaitMs?: number;
  /** Refusals and finished unpaid attempts are deleted after this (default 90 days). */
  retentionMs?: number;
  /** Run reconcile() once the store is ready (default true) and then every N ms (default: never). */
  reconcileOnStart?: boolean;
  reconcileEveryMs?: number | false;
  /** Where the shop serves dist/kpg-return.js (Smartro's PC return page loads it); default "/kpg-return.js". */
  returnScriptUrl?: string;
  /**
   * The client's address (rate limits, refusal sources, Shinhan's ip_addr). Default: what the adapter passes
   * (`env.clientIp`: the socket's address in the Node adapter). On Hono, Next.js, Bun or Deno, pass it (docs/server.md
   * "Rate limits and the client's address"); behind your own proxy, read the header IT sets. Without an
   * address the server says so once in the log and limits by buyer only.
   */
  clientIp?: (request: Request, env: KpgEnv | undefined) => string | undefined;
  /** The clock (tests). */
  now?: () => Date;
}

export interface DeliveryOptions {
  /** One onEvent call or webhook POST may take this long; longer counts as failed (default 30 s). */
  timeoutMs?: number;
  /**
   * A delivery claimed by an instance is another's to take once this has passed (an instance that crashed);
   * at least timeoutMs + 1 s (default 2 x timeoutMs).
   */
  leaseMs?: number;
  /** Look for due deliveries this often: events other instances wrote, retries (default 2 s; false: never). */
  pollEveryMs?: number | false;
  /** Retries stop this long after an event was queued: it is `dead` then (default 3 days). */
  retryForMs?: number;
  /** false: deliver only when `kpg.deliverEvents()` is called (a cron job, a serverless platform). Default true. */
  background?: boolean;
}

export interface KpgServer {
  /** The Web-standard handler: mount it under `basePath`. */
  fetch(request: Request, env?: KpgEnv): Promise<Response>;
  readonly basePath: string;
  /** Resolves once the store is open and migrated (every request waits for it anyway). */
  readonly ready: Promise<void>;
  /** Settles processing/unknown attempts, expires old ones, prunes, and lists money owed back. */
  reconcile(): Promise<ReconcileReport>;
  /**
   * Gives money back (결제취소, issue 22): `amount` absent = everything left. Exactly once per
   * `idempotency_key` (the same key and arguments answer the same cancel, with no second PG call). Answers
   * `{status: 'done' | 'unknown' | 'refused', cancel_id?, cancelled_amount, refunded_total, balance, code?}`;
   * throws HttpError (status 400, `field`) for arguments that are not valid.
   */
  cancel(args: CancelArgs): Promise<CancelAnswer>;
  /** Gives a refund_due entry's money back at the PG with one call; the entry is resolved when done. */
  cancelDue(tid: string, args: CancelDueArgs): Promise<CancelAnswer>;
  /** Staff checked the PG's admin site about an unknown cancel: it was made (`done`, for `amount`) or not. */
  confirmCancel(cancelId: number, args: { done: boolean; amount?: number; by: string; note?: string }): Promise<CancelAnswer>;
  /** Records a cancel made elsewhere (the PG's admin site, a refund the shop made itself), with its amount: no PG call. */
  recordCancel(args: { order_id: string; amount: number; reason: string; idempotency_key: string; requested_by?: string; pg_cancel_id?: string }): Promise<CancelAnswer>;
  /** An order's payment and its cancels (staff tools). */
  cancels(orderId: string): Promise<Awaited<ReturnType<Cancels['orderView']>>>;
  /** Money the PGs took that the shop must give back (superseded or duplicate attempts, wrong amounts). */
  refundsDue(options?: { includeResolved?: boolean }): Promise<RefundDue[]>;
  resolveRefund(provider: ProviderName, tid: string, resolution: string): Promise<boolean>;
  refusals(options?: { orderNo?: string; limit?: number }): Promise<Refusal[]>;
  /** Refusals counted per hour, route, code and source (each kept as a row only up to REFUSAL_SAMPLES). */
  refusalCounts(options?: { since?: string; limit?: number }): Promise<RefusalCount[]>;
  /**
   * The order's verified state: the result view of its paid attempt, else of its latest attempt; null when
   * the order has none. The call to make before you ship (an event says what happened; this says what holds).
   */
  payment(orderId: string): Promise<PaymentView | null>;
  /**
   * Events with their deliveries (newest first, at most `limit`, default 100): of one order, or those with a
   * delivery `pending`, `delivered` or `dead`. For staff tools.
   */
  events(options?: { orderId?: string; status?: DeliveryStatus; eventId?: string; limit?: number }): Promise<EventRecord[]>;
  /** Re-queues one event's undelivered deliveries (by its id), or every dead one: due now, for three more days. */
  retryEvents(which: string | { dead: true }): Promise<number>;
  /** Delivers every due event now, in this instance (after a pass that is running); what happened. */
  deliverEvents(): Promise<DeliveryReport>;
  /** The store, once ready (for staff tools and tests). */
  store(): Promise<PaymentStore>;
  close(): Promise<void>;
}

const DEFAULTS = {
  basePath: '/api/kpg',
  pgTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  cardListTtlMs: 5 * 60_000,
  attemptTtlMs: 30 * 60_000,
  smartroQuietMs: 5 * 60_000,
  retentionMs: 90 * 24 * 3600_000,
  resultWaitMs: 1000,
  recheckPaidDays: 30,
  recheckBatch: 50,
  receiptCacheMs: 30_000,
  session: { limit: 20, windowMs: 60_000 },
  cards: { limit: 60, windowMs: 60_000 },
  lookups: { limit: 30, windowMs: 60_000 },
  refusals: { limit: 60, windowMs: 60_000 },
  deliveryTimeoutMs: 30_000,
  pollEveryMs: 2_000,
  retryForMs: 3 * 24 * 3600_000,
};

/** Checks the options and builds the pieces both the server and the CLI use. */
export function createEngine<TOrder extends KpgOrder>(options: Omit<KpgServerOptions<TOrder>, 'loadOrder' | 'authorize'> & Partial<Pick<KpgServerOptions<TOrder>, 'loadOrder' | 'authorize'>>) {
  let publicBaseUrl: string;
  try {
    const url = new URL(options.publicBaseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    publicBaseUrl = url.origin;
  } catch {
    throw new Error(`kpg server: publicBaseUrl must be the shop's http(s) origin, e.g. "https://shop.example" (got ${JSON.stringify(options.publicBaseUrl)})`);
  }
  const basePath = `/${(options.basePath ?? DEFAULTS.basePath).replace(/^\/+|\/+$/g, '')}`;
  if (!/^\/[A-Za-z0-9/_.-]*$/.test(basePath)) throw new Error(`kpg server: basePath must be a path such as "/api/kpg" (got ${JSON.stringify(options.basePath)})`);
  if (!options.shinhan && !options.smartro) throw new Error('kpg server: configure at least one PG: shinhan and/or smartro');
  checkStrings('shinhan', options.shinhan, ['apiBase', 'clientId', 'paymentApiKey', 'searchApiKey']);
  checkStrings('smartro', options.smartro, ['mid', 'merchantKey']);
  // A store of the shop's own, or options that name an engine (a misspelt one would open an in-memory database).
  if (options.database !== undefined && !isStore(options.database)) checkDatabaseOptions(options.database, ', or a PaymentStore with migrate() and transition()');
  if (options.smartro) smartroEndpoints(options.smartro); // env's hosts or explicit URLs: an error names what is missing
  if (options.smartro && !/^[A-Za-z0-9]{10}$/.test(options.smartro.mid)) throw new Error('kpg server: smartro.mid must be 10 letters/digits (guide 1.2)');
  const cancelPassword = options.smartro?.cancelPassword;
  if (cancelPassword !== undefined && (typeof cancelPassword !== 'string' || cancelPassword.length < 6 || cancelPassword.length > 64)) {
    // Shorter secrets cannot be redacted from replies and logs without mangling ordinary text (amounts, dates).
    throw new Error('kpg server: smartro.cancelPassword must be 6 to 64 characters (the redactor must be able to find it in every reply and log line)');
  }
  for (const method of options.smartro?.payMethods ?? []) {
    if (!smartroPayMethod(method)) throw new Error(`kpg server: smartro.payMethods: "${method}" is not one of ${Object.keys(PAY_METHODS).join(', ')}`);
  }
  const maxDue = options.shinhan?.vbankMaxDueDays;
  if (maxDue !== undefined && !(Number.isInteger(maxDue) && maxDue >= 0 && maxDue <= 60)) {
    throw new Error('kpg server: shinhan.vbankMaxDueDays must be a whole number of days from 0 (today) to 60');
  }
  const dueDays = options.smartro?.vbankDueDays;
  if (dueDays !== undefined && !(Number.isInteger(dueDays) && dueDays >= 0 && dueDays <= 60)) {
    throw new Error('kpg server: smartro.vbankDueDays must be a whole number of days from 0 (today) to 60');
  }
  if ('smartroVerifyWithReceiptApi' in (options as Record<string, unknown>) || 'verifyWithReceiptApi' in ((options.smartro ?? {}) as object)) {
    // Fault 4: that switch does not exist any more; an approval is always confirmed with the receipt API.
    throw new Error('kpg server: the receipt-API check of Smartro approvals cannot be switched off');
  }

  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw new Error('kpg server: onEvent must be a function (event) => ...');
  const webhooks = checkWebhooks(options.webhooks);
  const delivery = deliveryConfig(options.delivery);

  const now = options.now ?? (() => new Date());
  const pgTimeoutMs = options.pgTimeoutMs ?? DEFAULTS.pgTimeoutMs;
  // Webhook secrets too, whole and without their whsec_ prefix (fault 7: no secret in a reply or a log line).
  const redact = createRedactor([
    options.shinhan?.paymentApiKey,
    options.shinhan?.searchApiKey,
    options.smartro?.merchantKey,
    options.smartro?.cancelPassword,
    ...webhooks.flatMap((w) => [w.secret, w.secret.slice('whsec_'.length)]),
  ]);
  const log = createLogger(options.log, redact, now);
  const limits = createLimits(options, () => now().getTime());
  const shinhan = options.shinhan ? createShinhanProvider(options.shinhan, { timeoutMs: pgTimeoutMs, redact, now }) : undefined;
  const smartro = options.smartro ? createSmartroProvider(options.smartro, { timeoutMs: pgTimeoutMs, now, redact }) : undefined;
  const providers: Partial<Record<ProviderName, PaymentProvider>> = { shinhan, smartro };
  const url = (path: string) => `${publicBaseUrl}${basePath === '/' ? '' : basePath}${path}`;
  const callbackUrls: CallbackUrls = {
    shinhanReturn: url('/shinhan/return'),
    shinhanCancel: url('/shinhan/cancel'),
    shinhanFail: url('/shinhan/fail'),
    smartroReturn: url('/smartro/return'),
    smartroRetry: url('/smartro/retry'),
    smartroStop: url('/smartro/stop'),
  };
  const attemptTtlMs = options.attemptTtlMs ?? DEFAULTS.attemptTtlMs;
  const staleProcessingMs = options.staleProcessingMs ?? pgTimeoutMs * 3;

  let opened: Promise<PaymentStore> | undefined;
  const store = () => {
    opened ??= (async () => {
      const s = isStore(options.database) ? options.database : await openStore(options.database);
      await s.migrate();
      log.write({ event: 'migrate', engine: s.engine });
      return s;
    })();
    return opened;
  };

  // Where events go: the shop's onEvent ('handler') and each webhook.
  const onEvent = options.onEvent;
  const targets: RelayTarget[] = [
    ...(onEvent
      ? [{ id: 'handler', url: null, send: async (event: KpgEvent, signal: AbortSignal) => void (await onEvent(event, { signal })) }]
      : []),
    ...webhooks.map((hook) => webhookTarget(hook, now)),
  ];
  let relay: Relay | undefined;
  const relayOf = async () => {
    const s = await store();
    relay ??= createRelay({ store: s, log, redact, now, targets, config: delivery });
    return relay;
  };

  let payments: Payments | undefined;
  const paymentsOf = async () => {
    if (!payments) {
      const s = await store();
      payments ??= createPayments<TOrder>({
        store: s,
        shinhan,
        smartro,
        log,
        now,
        eventsWritten: () => relay?.wake(),
        redact,
        limits: { session: limits.session, lookups: limits.lookups },
        loadOrder: options.loadOrder,
        authorize: options.authorize,
        config: {
          publicBaseUrl,
          callbackUrls,
          pgTimeoutMs,
          attemptTtlMs,
          smartroQuietMs: options.smartroQuietMs ?? DEFAULTS.smartroQuietMs,
          staleProcessingMs,
          cardListTtlMs: options.cardListTtlMs ?? DEFAULTS.cardListTtlMs,
          resultWaitMs: options.resultWaitMs ?? DEFAULTS.resultWaitMs,
          receiptCacheMs: options.receiptCacheMs ?? DEFAULTS.receiptCacheMs,
        },
      });
    }
    return payments;
  };

  let cancels: Cancels | undefined;
  const cancelsOf = async () => {
    const s = await store();
    cancels ??= createCancels({ store: s, providers, log, now, settleAfterMs: options.cancelSettleMs ?? staleProcessingMs, eventsWritten: () => relay?.wake() });
    return cancels;
  };

  const runReconcile = async () =>
    reconcile({
      store: await store(),
      payments: await paymentsOf(),
      providers,
      log,
      now,
      attemptTtlMs,
      staleProcessingMs,
      retentionMs: options.retentionMs ?? DEFAULTS.retentionMs,
      cancels: await cancelsOf(),
      recheckPaidDays: options.recheckPaidDays ?? DEFAULTS.recheckPaidDays,
      recheckBatch: options.recheckBatch ?? DEFAULTS.recheckBatch,
    });

  return { publicBaseUrl, basePath, now, log, redact, providers, shinhan, smartro, store, paymentsOf, cancelsOf, reconcile: runReconcile, pgTimeoutMs, limits, targets, relayOf, delivery };
}

export function createKpgServer<TOrder extends KpgOrder = KpgOrder>(options: KpgServerOptions<TOrder>): KpgServer {
  if (typeof options?.loadOrder !== 'function') {
    throw new Error('kpg server: loadOrder({ request, order_id }) is required: it returns the shop\'s order (amount, product_name, buyer)');
  }
  if (typeof options.authorize !== 'function') {
    throw new Error('kpg server: authorize({ request, order }) is required: return whether the caller owns the order (return true only if orders are not tied to buyers)');
  }
  const engine = createEngine<TOrder>(options);
  const limits = engine.limits;

  let payments: Payments | undefined;
  let closed = false;
  let cancels: Cancels | undefined;
  const ready = (async () => {
    payments = await engine.paymentsOf();
    cancels = await engine.cancelsOf();
    // This instance's targets: every event written from now on is queued for them (by any process).
    const store = await engine.store();
    await store.registerTargets(engine.targets.map((t) => ({ target: t.id, url: t.url })), engine.now().toISOString());
    const relay = await engine.relayOf();
    if (engine.delivery.background && !closed) relay.start();
  })();
  ready.catch((error) => engine.log.write({ event: 'error', level: 'error', where: 'start', message: errorText(error) }));

  let timer: ReturnType<typeof setInterval> | undefined;
  let closing: Promise<void> | undefined;
  const reconcileLogged = () =>
    engine.reconcile().catch((error) => {
      engine.log.write({ event: 'error', level: 'error', where: 'reconcile', message: errorText(error) });
      return undefined;
    });
  let startup: Promise<unknown> = Promise.resolve();
  if (options.reconcileOnStart !== false) startup = ready.then(() => (closed ? undefined : reconcileLogged()), () => undefined);
  if (options.reconcileEveryMs) {
    timer = setInterval(() => void reconcileLogged(), options.reconcileEveryMs);
    timer.unref?.();
  }

  const app = createApp({
    basePath: engine.basePath,
    publicBaseUrl: engine.publicBaseUrl,
    get payments() {
      if (!payments) throw new Error('kpg server: not ready');
      return payments;
    },
    log: engine.log,
    redact: engine.redact,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
    returnScriptUrl: options.returnScriptUrl ?? '/kpg-return.js',
    limits,
    // No made-up address (it was "0.0.0.0": one bucket every client shared, issue 19, item 1).
    clientIp: (request, env) => options.clientIp?.(request, env) ?? env?.clientIp ?? undefined,
    ready: () => ready,
    providers: { shinhan: Boolean(engine.shinhan), smartro: Boolean(engine.smartro) },
    openApi: () => openApiDocument({ basePath: engine.basePath }),
    staff: {
      publicBaseUrl: engine.publicBaseUrl,
      authorizeStaff: options.authorizeStaff,
      cancels: () => {
        if (!cancels) throw new Error('kpg server: not ready');
        return cancels;
      },
      // Issue 23: the staff console's routes (staff-console.ts).
      store: engine.store,
      now: engine.now,
      reconcile: engine.reconcile,
      retryEvents: (which) => kpg.retryEvents(which),
      providers: { shinhan: Boolean(engine.shinhan), smartro: Boolean(engine.smartro) },
      shinhanReceipt: engine.shinhan ? (p) => engine.shinhan!.receiptUrl(p) : undefined,
    },
  });

  const kpg: KpgServer = {
    basePath: engine.basePath,
    ready,
    async fetch(request, env) {
      const response = await app.fetch(request, env ?? {});
      return redactResponse(response, engine.redact);
    },
    reconcile: engine.reconcile,
    cancel: async (args) => (await engine.cancelsOf()).cancel(args),
    cancelDue: async (tid, args) => (await engine.cancelsOf()).cancelDue(tid, args),
    async confirmCancel(cancelId, args) {
      const c = await engine.cancelsOf();
      return args.done ? c.confirmDone(cancelId, args) : c.confirmNotDone(cancelId, args);
    },
    recordCancel: async (args) => (await engine.cancelsOf()).recordCancel(args),
    cancels: async (orderId) => (await engine.cancelsOf()).orderView(orderId),
    refundsDue: async (o) => (await engine.store()).refundsDue(o),
    resolveRefund: async (provider, tid, resolution) => (await engine.store()).resolveRefund(provider, tid, resolution, engine.now().toISOString()),
    refusals: async (o) => (await engine.store()).refusals(o),
    refusalCounts: async (o) => (await engine.store()).refusalCounts(o),
    async payment(orderId) {
      if (typeof orderId !== 'string' || orderId === '') throw new TypeError('kpg.payment(order_id): order_id must be a non-empty string');
      await ready;
      const store = await engine.store();
      const attempt = await store.latestAttempt(orderId);
      return attempt ? resultView(store, attempt) : null;
    },
    async events(o = {}) {
      if (o.status !== undefined && !DELIVERY_STATUSES.includes(o.status)) throw new TypeError(`kpg.events: status must be one of ${DELIVERY_STATUSES.join(', ')}`);
      await ready;
      return (await engine.store()).events(o);
    },
    async retryEvents(which) {
      await ready;
      const store = await engine.store();
      const count = await store.retryDeliveries(typeof which === 'string' ? { eventId: which } : { dead: true }, engine.now().toISOString());
      if (count) (await engine.relayOf()).wake();
      return count;
    },
    async deliverEvents() {
      await ready;
      return (await engine.relayOf()).deliver();
    },
    store: engine.store,
    close() {
      // Once, however often it is called (a shop's shutdown hook and a test's cleanup may both call it).
      closing ??= (async () => {
        closed = true;
        clearInterval(timer); // undefined (no reconcileEveryMs) is a no-op
        await startup.catch(() => {});
        await ready.catch(() => {});
        // Sends still running are given up (recorded as failed, retried later) before the store closes.
        await (await engine.relayOf().catch(() => undefined))?.stop();
        // A store passed in belongs to the caller: it stays open.
        if (!isStore(options.database)) await (await engine.store()).close();
      })();
      return closing;
    },
  };
  return kpg;
}

/**
 * Every text reply leaves through the redactor: no key reaches a browser (fault 7). The replies http.ts
 * builds were redacted as they were built and pass as they are (issue 26); any other is read and redacted.
 */
async function redactResponse(response: Response, redact: (text: string) => string): Promise<Response> {
  if (builtText(response) !== undefined) return response;
  const type = response.headers.get('content-type') ?? '';
  if (!response.body || !/^(application\/json|text\/)/.test(type)) return response;
  const body = await response.text();
  const clean = redact(body);
  if (clean === body) return new Response(body, { status: response.status, headers: response.headers });
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(clean, { status: response.status, headers });
}

/** The limiters of one server (in this instance's memory: docs/server.md "Rate limits" says what N instances mean). */
function createLimits(options: Pick<KpgServerOptions, 'rateLimit'>, clock: () => number) {
  const rate = options.rateLimit === false ? { session: false as const, cards: false as const, lookups: false as const, refusals: false as const } : (options.rateLimit ?? {});
  const make = (rule: RateLimit | false | undefined, fallback: RateLimit) => (rule === false ? undefined : createLimiter(rule ?? fallback, clock));
  return {
    session: make(rate.session, DEFAULTS.session),
    cards: make(rate.cards, DEFAULTS.cards),
    lookups: make(rate.lookups, DEFAULTS.lookups),
    refusals: make(rate.refusals, DEFAULTS.refusals),
  };
}

function deliveryConfig(o: DeliveryOptions = {}) {
  const ms = (name: string, value: number | undefined, fallback: number, min = 1) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min) throw new Error(`kpg server: delivery.${name} must be a whole number of milliseconds, at least ${min}`);
    return value;
  };
  const timeoutMs = ms('timeoutMs', o.timeoutMs, DEFAULTS.deliveryTimeoutMs);
  const leaseMs = ms('leaseMs', o.leaseMs, 2 * timeoutMs, timeoutMs + 1000);
  const pollEveryMs: number | false = o.pollEveryMs === false ? false : ms('pollEveryMs', o.pollEveryMs, DEFAULTS.pollEveryMs, 10);
  const retryForMs = ms('retryForMs', o.retryForMs, DEFAULTS.retryForMs);
  return { timeoutMs, leaseMs, pollEveryMs, retryForMs, batch: 20, background: o.background !== false };
}

function isStore(value: unknown): value is PaymentStore {
  return typeof value === 'object' && value !== null && typeof (value as PaymentStore).migrate === 'function' && typeof (value as PaymentStore).transition === 'function';
}

function checkStrings(name: string, value: object | undefined, keys: string[]) {
  if (!value) return;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'string' || v.trim() === '') throw new Error(`kpg server: ${name}.${key} is required`);
  }
  for (const key of ['apiBase', 'pcAction', 'mobileAction', 'cancelUrl']) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string' && !/^https?:\/\//.test(v)) throw new Error(`kpg server: ${name}.${key} must be an http(s) URL`);
  }
}
