/**
 * The payment attempt of a `<kpg-checkout>`, as one reactive controller: one attempt per order on a page,
 * the buyer's gesture for the PG window, resuming after a full-page visit (sessionStorage, the back/forward
 * cache, or `kpg_order_no` in another browser) and after the element was moved (SPA route change, Vue
 * `<KeepAlive>`), the outcome event, and the promise `pay()` returns.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CheckoutConfig, ConfigResult } from '../config.js';
import { resolveDevice, type Device } from '../device.js';
import { emit, type KpgErrorDetail, type Outcome } from '../events.js';
import { clearPending, hasPending, savePending } from '../pending.js';
import { remember } from '../refusals.js';
import type { AttemptContext } from '../providers/types.js';
import { loaded, more, type More } from '../stage.js';
import { errorOutcome, runCheckout, RETURN_PARAM } from '../start.js';
import { PopupController } from './popup.js';
import { views } from '../registry.js';
import type { TermsHost } from '../kpg-terms/step.js';
import { idle } from '../reactive.js';
import { say } from '../messages.js';

export type CheckoutState = 'idle' | 'busy' | 'continue' | 'paid' | 'failed' | 'cancelled' | 'error' | 'awaiting-deposit' | 'refunded';

export type CardChoice = { card_cpny_cd: string; install_month: string };
/** Issue 25: the buyer's consent to the PG's terms, as the session carries it. */
export type TermsChoice = { terms_agreed: number[]; terms_hash: string };

/** What the controller needs from its element. */
export interface AttemptHost extends ReactiveControllerHost, HTMLElement {
  /** The element's attributes, validated. */
  readConfig(): ConfigResult;
  /** With a card picker: the buyer's choice, or null. `undefined` when there is no picker. */
  cardChoice(): CardChoice | null | undefined;
  /** Move the focus where the buyer continues after an outcome (only when the focus was lost). */
  restoreFocus(): void;
  /** Render in idle time (reactive.ts). */
  requestIdleUpdate(): void;
}

export interface Attempt {
  controller: AbortController;
  /** The configuration the attempt started with: attributes changed mid-flight do not mix two orders. */
  config: CheckoutConfig;
  key: string;
  orderNo?: string;
  /** The page navigated to the PG (mobile); the outcome comes on return. */
  navigated?: boolean;
  promise: Promise<Outcome>;
  resolve(outcome: Outcome): void;
  reject(reason: unknown): void;
}

/** Orders with an attempt in flight on this page (`provider:order-id`) -> what that attempt resolves with. */
export const inFlight = new Map<string, Promise<Outcome>>();

/** Attempts whose element left the page mid-flight (its window was closed): resumed by the next element for that order. */
export const detached = new Map<string, { config: CheckoutConfig; orderNo: string; at: number }>();
/** A detached attempt older than this is not resumed (Shinhan's confirm token lives 30 minutes). */
export const DETACHED_MAX_AGE_MS = 30 * 60 * 1000;

export const keyOf = (config: CheckoutConfig) => `${config.provider}:${config.orderId}`;

/** A promise whose rejection (the element was removed) never counts as unhandled, though `await` still sees it. */
function settled<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * A step of an attempt that runs on the second stage (resuming after a return, a closed window): its
 * outcome, or `kpg-error script-load-failed` when the second stage cannot be loaded.
 */
const later = (ctx: AttemptContext, orderNo: string, step: (more: More) => Promise<Outcome | null>): Promise<Outcome | null> =>
  more().then(step, (error: unknown) => errorOutcome(error, { provider: ctx.config.provider, order_no: orderNo }));

const STATES: Record<Outcome['type'], CheckoutState> = {
  'kpg-success': 'paid',
  'kpg-fail': 'failed',
  'kpg-cancel': 'cancelled',
  'kpg-error': 'error',
  'kpg-vbank-issued': 'awaiting-deposit',
  'kpg-refunded': 'refunded',
};

export class AttemptController implements ReactiveController {
  /** Where the current or last attempt stands. */
  state: CheckoutState = 'idle';
  /** The outcome that ended the last attempt (for the element's message). */
  outcome: Outcome | null = null;
  /** The payment window this element watches. */
  readonly popup: PopupController;

  #attempt?: Attempt;
  #continue?: () => void;
  /** A return being looked up (resume.ts): a press waits for it. */
  #resuming?: Promise<void>;
  /** The look for a return, until idle time runs it (or a press does). */
  #look?: () => void;

  constructor(
    private readonly host: AttemptHost,
    /** Custom states (`:state(paid)`) are set here when the browser has them. */
    private readonly internals: ElementInternals | null,
  ) {
    host.addController(this);
    this.popup = new PopupController(host);
    this.#setState('idle');
  }

  /** An attempt is in flight (or waiting for the buyer's press). */
  get active(): boolean {
    return !!this.#attempt;
  }

  /** The buyer's press on the button: continues a waiting attempt, or starts one. */
  press(): void {
    if (this.#continue) this.#continue();
    else void this.pay();
  }

  /**
   * Start a payment, as a click on the button does. Resolves with the outcome event's `{type, detail}`;
   * while an attempt for this order is in flight on the page, returns that attempt's promise.
   */
  pay(): Promise<Outcome> {
    return this.#pay();
  }

  /**
   * `pressed`: the configuration read at the press, kept through a wait (a resume in progress, terms loading):
   * the payment that starts is for the order the buyer pressed for, even if the page changed `order-id` meanwhile.
   */
  #pay(pressed?: ConfigResult): Promise<Outcome> {
    if (this.#attempt) return this.#attempt.promise;
    this.#look?.();
    const read = pressed ?? this.host.readConfig();
    if (this.#resuming) return this.#resuming.then(() => this.#pay(read));
    if (!read.ok) return this.#refuse(read.error);
    const config = read.config;
    const key = keyOf(config);
    // Another element on this page is paying this order: like a second click, nothing new starts.
    const running = inFlight.get(key);
    if (running) return running;
    const card = this.host.cardChoice();
    if (card === null) {
      return this.#refuse({ code: 'card-required', field: 'card_cpny_cd', message: say('card-required') });
    }
    // Issue 25: the consent step (the second stage's; nothing to agree to before it is here) gives the
    // consent, or the kpg-error that refuses the press (terms-required). A press while its terms are loading
    // waits for them, then is decided like any other.
    const step = views.terms;
    const loading = step?.loaded(this.host as unknown as TermsHost);
    if (loading) return loading.then(() => this.#pay(read));
    const terms = step?.choice(this.host as unknown as TermsHost);
    if (terms && 'code' in terms) return this.#refuse(terms);
    const attempt = this.#begin(config, key, undefined, false);
    const device = resolveDevice(config.device);
    // Synchronous up to its first await: a provider's beforeSession runs inside this click, and the session
    // request leaves before anything is rendered.
    this.#run(
      attempt,
      runCheckout(this.#context(attempt, device, card ?? null, terms), {
        onSession: (detail) => {
          attempt.orderNo = detail.order_no;
          emit(this.host, 'kpg-session', detail);
        },
      }),
    );
    // Busy at once for the code (`state`, a second click), rendered when the page is idle or when the PG
    // window has opened (the popup controller asks for it): nothing of the busy render lies between the
    // click and the window.
    this.#setState('busy', true);
    return attempt.promise;
  }

  /** The buyer did what a refusal asked (chose a card: `card-required`): its message goes, the element is idle again. */
  dismiss(code: KpgErrorDetail['code']): void {
    const outcome = this.outcome;
    if (this.#attempt || outcome?.type !== 'kpg-error' || outcome.detail.code !== code) return;
    this.outcome = null;
    this.#setState('idle');
  }

  /** Bring the watched payment window to the front ("결제창 보기"). */
  focusWindow(): void {
    this.popup.focus();
  }

  hostConnected(): void {
    window.addEventListener('pageshow', this.#onPageShow);
    void this.host.updateComplete.then(() => {
      if (this.host.isConnected) this.#resume(false);
    });
  }

  hostDisconnected(): void {
    window.removeEventListener('pageshow', this.#onPageShow);
    const attempt = this.#attempt;
    if (attempt) {
      // An element removed mid-attempt stops its work, closes its window (the popup controller) and fires
      // nothing afterwards. The backend hears of the closed window at once (a Smartro order can take a new
      // attempt); the next element for this order (the same one re-attached, or a new one after a route
      // change) resumes the attempt from the backend's answer instead of starting a new one.
      if (attempt.orderNo && !attempt.navigated) {
        const { config, orderNo } = attempt;
        detached.set(attempt.key, { config, orderNo, at: Date.now() });
        const once = { signal: new AbortController().signal, timeoutMs: config.timeoutMs, keepalive: true };
        more()
          .then((m) => m.reportWindowClosed(config.resultUrl, orderNo, once))
          .catch(() => {
            /* the element that resumes asks again */
          });
      }
      const reason = new DOMException('kpg-checkout was removed from the page', 'AbortError');
      attempt.controller.abort(reason);
      attempt.reject(reason);
      this.#attempt = undefined;
    }
    this.#continue = undefined;
    this.#look = undefined;
    if (this.state === 'busy' || this.state === 'continue') this.#setState('idle');
  }

  /** A new order: its state starts fresh ("paid" belonged to the previous one). */
  orderChanged(): void {
    if (this.#attempt) return; // the running attempt ends for its own order, then the element is idle
    this.outcome = null;
    this.#setState('idle');
    void this.host.updateComplete.then(() => this.#resume(false));
  }

  #setState(state: CheckoutState, whenIdle = false): void {
    this.state = state;
    if (whenIdle) this.host.requestIdleUpdate();
    else this.host.requestUpdate();
  }

  /** The element renders: its custom states (`:state(paid)`) follow `state`. */
  showState(): void {
    const states = (this.internals as (ElementInternals & { states?: Set<string> }) | null)?.states;
    if (states && !states.has(this.state)) {
      try {
        states.clear();
        states.add(this.state);
      } catch {
        /* a browser with only the old `--state` syntax: the `state` property still tells */
      }
    }
  }

  #refuse(detail: KpgErrorDetail): Promise<Outcome> {
    const outcome: Outcome = { type: 'kpg-error', detail };
    this.#show(outcome, 'error');
    return Promise.resolve(outcome);
  }

  #begin(config: CheckoutConfig, key: string, orderNo?: string, busy = true): Attempt {
    const { promise, resolve, reject } = settled<Outcome>();
    const attempt: Attempt = { controller: new AbortController(), config, key, orderNo, promise, resolve, reject };
    inFlight.set(key, promise);
    attempt.controller.signal.addEventListener('abort', () => inFlight.delete(key), { once: true });
    this.#attempt = attempt;
    this.outcome = null;
    if (busy) this.#setState('busy');
    return attempt;
  }

  #run(attempt: Attempt, running: Promise<Outcome | null>): void {
    running.then(
      (outcome) => {
        if (this.#attempt !== attempt) return;
        if (outcome === null) {
          attempt.navigated = true; // stays busy: the page is leaving for the PG
          return;
        }
        this.#finish(attempt, outcome);
      },
      () => {
        /* aborted because the element was removed: fire nothing */
      },
    );
  }

  #finish(attempt: Attempt, outcome: Outcome): void {
    this.#attempt = undefined;
    inFlight.delete(attempt.key);
    clearPending(attempt.key);
    this.popup.forget();
    const now = this.host.readConfig();
    // The order changed while this attempt ran: the event is for the old order, the element shows the new one.
    const sameOrder = now.ok && keyOf(now.config) === attempt.key;
    // A virtual account is remembered until the backend's answer about it is final (a later visit asks again).
    if (outcome.type === 'kpg-vbank-issued') {
      const { config } = attempt;
      savePending(attempt.key, { provider: config.provider, order_no: outcome.detail.order_no, order_id: config.orderId, result_url: config.resultUrl.href, started_at: Date.now() }, 'vbank');
    } else if (outcome.type !== 'kpg-error') clearPending(attempt.key, 'vbank');
    else {
      // A pay-method / pgcode the backend refused: no window opens for it again on this page (refusals.ts).
      const refused = loaded()?.refusal(attempt.config, outcome.detail);
      if (refused) remember(attempt.config, refused);
    }
    this.#show(outcome, sameOrder ? STATES[outcome.type] : 'idle');
    attempt.resolve(outcome);
  }

  #show(outcome: Outcome, state: CheckoutState): void {
    this.outcome = state === 'idle' ? null : outcome;
    this.#setState(state);
    if (outcome.type === 'kpg-error') console.error(`[kpg-checkout] ${outcome.detail.code}: ${outcome.detail.message}`);
    emit(this.host, outcome.type, outcome.detail as never);
    void this.host.updateComplete.then(() => this.host.restoreFocus());
  }

  #context(attempt: Attempt, device: Device, card: CardChoice | null, terms?: TermsChoice): AttemptContext {
    const { config } = attempt;
    const signal = attempt.controller.signal;
    return {
      config,
      device,
      signal,
      card,
      terms,
      userGesture: () => this.#userGesture(signal),
      popup: this.popup,
      leavingPage: () => {
        if (!attempt.orderNo) return;
        savePending(attempt.key, {
          provider: config.provider,
          order_no: attempt.orderNo,
          order_id: config.orderId,
          result_url: config.resultUrl.href,
          started_at: Date.now(),
        });
      },
    };
  }

  /**
   * Popups may only open while the page holds the buyer's click (about 5 s in Chromium). When the backend
   * took longer, ask for one more press instead of letting the popup blocker eat the window.
   */
  #userGesture(signal: AbortSignal): Promise<void> | null {
    const activation = (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation;
    if (!activation || activation.isActive) return null;
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      this.#continue = () => {
        this.#continue = undefined;
        this.#setState('busy');
        resolve();
      };
      this.#setState('continue');
      void this.host.updateComplete.then(() => this.host.restoreFocus());
    });
  }

  /**
   * Pick up an attempt this page cannot see finishing by itself: one the back/forward cache restored (held
   * in memory) here; one that left the page in this tab (sessionStorage), a waiting virtual account, one
   * whose element was removed mid-flight, or one named by `kpg_order_no` in the URL on the second stage
   * (resume.ts), once this stage has seen there may be one. A press meanwhile waits for its answer.
   */
  #resume(fromCache: boolean): void {
    const left = this.#attempt;
    if (left && !left.navigated) return;
    if (fromCache && left?.orderNo) {
      // Restored from the back/forward cache, still holding the attempt (and its promise) in memory.
      clearPending(left.key);
      left.navigated = false;
      const ctx = this.#context(left, 'mobile', null);
      this.#run(left, later(ctx, left.orderNo, (m) => m.resumeCheckout(ctx, left.orderNo!)));
      return;
    }
    if (left) return;
    // Looking in storage opens it (a synchronous round trip to the browser, milliseconds): in idle time,
    // after the first paint, unless the URL says the buyer is back from the PG (then at once: the element
    // shows that attempt, never an idle button); a press before then looks first.
    const look = (this.#look = () => {
      if (this.#look !== look) return; // done, or superseded by a newer look
      this.#look = undefined;
      this.#lookForReturn();
    });
    if (new URLSearchParams(location.search).has(RETURN_PARAM)) look();
    else idle(look);
  }

  /** Anything to pick up for this order? The second stage decides (resume.ts); a press meanwhile waits. */
  #lookForReturn(): void {
    if (this.#attempt || !this.host.isConnected) return;
    const read = this.host.readConfig();
    if (!read.ok) return;
    const key = keyOf(read.config);
    if (inFlight.has(key) || !(detached.has(key) || hasPending(key) || hasPending(key, 'vbank') || new URLSearchParams(location.search).has(RETURN_PARAM))) return;
    const resuming: Promise<void> = (this.#resuming = more()
      .then((m) =>
        m.resume({
          host: this.host,
          current: () => this.#attempt,
          begin: (config, key, orderNo) => this.#begin(config, key, orderNo),
          run: (attempt, running) => this.#run(attempt, running),
          context: (attempt, device) => this.#context(attempt, device, null),
          abandon: (attempt) => this.#abandon(attempt),
        }),
      )
      .catch(() => {
        /* no second stage: the record stays for the next page load */
      })
      .finally(() => {
        if (this.#resuming === resuming) this.#resuming = undefined;
      }));
  }

  /** Not this element's attempt after all: back to idle, nothing fired. */
  #abandon(attempt: Attempt): void {
    this.#attempt = undefined;
    attempt.controller.abort();
    attempt.reject(new DOMException(`${RETURN_PARAM} in the URL names another order's attempt`, 'AbortError'));
    this.#setState('idle');
  }

  #onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.#resume(true);
  };
}
