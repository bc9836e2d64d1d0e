/**
 * What every part of the payment module shares: its configuration, the store, the log, the clock, the
 * providers, the per-buyer limits and the caches, as ONE typed object that each module's functions take
 * first (rather than variables captured by one closure). createContext() derives the rest from the deps
 * index.ts passes.
 */
import { clip, HttpError } from '../http.js';
import { createTtlCache, type Limiter } from '../limits.js';
import type { Logger } from '../log.js';
import type { ShinhanProvider } from '../providers/shinhan.js';
import type { SmartroProvider } from '../providers/smartro.js';
import type { CallbackUrls, KpgOrder, PaymentProvider, Settlement } from '../providers/types.js';
import type { PaymentView } from '../events/types.js';
import type { PaymentStore, ProviderName } from '../store/types.js';
import type { termsOf } from './terms.js';

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
  loadOrder?(args: { request: Request; order_id: string }): Promise<TOrder | null | undefined> | TOrder | null | undefined;
  authorize?(args: { request: Request; order: TOrder }): boolean | Promise<boolean>;
  /** Called once events were committed (issue 21): the relay of this instance delivers them right away. */
  eventsWritten: () => void;
}

/** How a PG result posted to us was taken. RetryURL answers `OK` only when `recorded`. */
export type Outcome = { recorded: true } | { recorded: false; code: string; retryLater?: boolean };

/** What result-url answers (contract v2), kpg.payment() returns and every event carries as `data`. */
export type ResultView = PaymentView;

export interface PaymentsContext extends PaymentsDeps<KpgOrder> {
  providers: Partial<Record<ProviderName, PaymentProvider>>;
  nowIso(): string;
  /** Outside words (a PG's, a caller's) for the log and the records: redacted first, then clipped. */
  said(text: string, max?: number): string;
  caches: {
    /** Shinhan's card list per pgcode. */
    cards: ReturnType<typeof createTtlCache<Awaited<ReturnType<ShinhanProvider['cardList']>>>>;
    /** Shinhan's terms per pgcode (issue 25), with the card list's TTL. */
    terms: ReturnType<typeof createTtlCache<Awaited<ReturnType<typeof termsOf>>>>;
    /** Receipts per provider + TID (issue 19, item 10). */
    receipts: ReturnType<typeof createTtlCache<Awaited<ReturnType<SmartroProvider['receipt']>> | Awaited<ReturnType<ShinhanProvider['receiptUrl']>>>>;
    /** Window-closed Moid lookups per attempt (issue 19, item 10). */
    moidLookups: ReturnType<typeof createTtlCache<Settlement>>;
  };
}

export function createContext(deps: PaymentsDeps<KpgOrder>): PaymentsContext {
  const clock = () => deps.now().getTime();
  const redact = deps.redact ?? ((text: string) => text);
  return {
    ...deps,
    providers: { shinhan: deps.shinhan, smartro: deps.smartro },
    nowIso: () => deps.now().toISOString(),
    said: (text, max) => clip(redact(text), max),
    caches: {
      cards: createTtlCache(deps.config.cardListTtlMs, clock),
      terms: createTtlCache(deps.config.cardListTtlMs, clock),
      receipts: createTtlCache(deps.config.receiptCacheMs, clock),
      moidLookups: createTtlCache(deps.config.receiptCacheMs, clock),
    },
  };
}

/**
 * Shinhan, for a pgcode this shop offers (the session, the card list and the terms ask the same): 404 where
 * the shop takes no Shinhan payments, 400 naming the pgcodes it offers otherwise.
 */
export function shinhanFor(ctx: PaymentsContext, pgcode: string): ShinhanProvider {
  const shinhan = ctx.shinhan;
  if (!shinhan) throw new HttpError(404, 'unsupported-provider', 'This shop does not take Shinhan payments.');
  if (!shinhan.pgcodes.includes(pgcode)) throw new HttpError(400, 'invalid-field', `pgcode must be one of ${shinhan.pgcodes.join(', ')} for this shop.`, 'pgcode');
  return shinhan;
}
