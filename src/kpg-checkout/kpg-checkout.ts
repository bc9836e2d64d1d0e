import { html, nothing, type PropertyValues } from 'lit';
import { KpgElement } from '../base-element.js';
import { property, query, state } from 'lit/decorators.js';
import { resumeCheckout, runCheckout } from '../checkout-flow.js';
import { readConfig, type CheckoutConfig } from '../config.js';
import { PopupController } from '../controllers/popup.js';
import { ScriptController } from '../controllers/script-loader.js';
import { resolveDevice, type Device } from '../device.js';
import { emit, type KpgCardSelectDetail, type Outcome } from '../events.js';
import { clearPending, savePending, takePending } from '../pending.js';
import { AmountSchema } from '../schemas.js';
import { checkMark } from '../icons.js';
import { warnOnce } from '../theme.js';
import type { AttemptContext } from '../providers/types.js';
import { styles } from './kpg-checkout.styles.js';

/** Orders with an attempt in flight on this page (`provider:order-id`): one attempt per order at a time. */
const ordersInFlight = new Set<string>();

export type CheckoutState = 'idle' | 'busy' | 'continue' | 'paid' | 'failed' | 'cancelled' | 'error';

interface Attempt {
  controller: AbortController;
  /** The configuration the attempt started with: attributes changed mid-flight do not mix two orders. */
  config: CheckoutConfig;
  orderNo?: string;
  /** The page navigated to the PG (mobile); the outcome comes on return. */
  navigated?: boolean;
}

/**
 * A pay button that runs a whole payment with a Korean PG: asks the shop's backend for a signed session,
 * opens the PG (popup on PC, full page on mobile), then asks the backend for the verified outcome.
 *
 * @tagname kpg-checkout
 * @summary Checkout button for Shinhan PG (and more providers to come).
 *
 * @fires kpg-card-select - (with `cards-url`) The buyer chose a card company or months.
 * @fires kpg-session - The backend returned a valid session. `detail: {provider, order_no}`
 * @fires kpg-success - The backend verified the payment. `detail: {provider, order_no, result}`
 * @fires kpg-fail - The PG or the backend reports a failure. `detail: {provider, order_no, code, message}`
 * @fires kpg-cancel - The buyer cancelled. `detail: {provider, order_no, reason}`
 * @fires kpg-error - Anything else went wrong. `detail: {code, message, status?, field?, provider?, order_no?}`
 *
 * @csspart base - The wrapper, coloured with `main_color`.
 * @csspart picker - The card picker (with `cards-url`); its `list`, `card` and `installment` parts are exported.
 * @csspart button - The pay button (and the "open payment window" button).
 * @csspart status - The polite status line (in progress, paid, cancelled).
 * @csspart alert - The error line.
 *
 * @cssproperty --kpg-main-color - Surface colour (default: `main_color`).
 * @cssproperty --kpg-on-main-color - Text on the surface (default: black or white, whichever contrasts more).
 * @cssproperty --kpg-accent-color - Borders, the selection mark and the focus ring (default: `point_color` when it contrasts 3:1 with the surface, else the text colour).
 * @cssproperty --kpg-on-accent-color - The check mark on the accent.
 * @cssproperty --kpg-focus-color - The focus ring, drawn around a gap in the surface colour (default: the accent).
 * @cssproperty --kpg-error-color - Error accent (default #d92d20, #f97066 on a dark surface).
 * @cssproperty --kpg-color-scheme - `color-scheme` of native controls (default: `dark` on a dark surface, else `light`).
 * @cssproperty --kpg-radius - Corner radius (default 8px).
 * @cssproperty --kpg-font-family - Font (default: inherited).
 * @cssproperty --kpg-point-color - The pay button (default: `point_color`).
 * @cssproperty --kpg-on-point-color - The pay button's 14pt bold label (default: white when it meets WCAG AA for large text, 3:1, else black).
 * @cssproperty --kpg-shade-color - What hover and pressed lay over the pay button, 10% and 20% (default: chosen to keep the label's contrast).
 * @cssproperty --kpg-success-color - The paid button (default #067647).
 * @cssproperty --kpg-on-success-color - Its label and check mark (default white).
 * @cssproperty --kpg-padding - Space inside the surface (default 16px).
 * @cssproperty --kpg-max-width - Maximum width (default 100%).
 */
export class KpgCheckout extends KpgElement {
  static override styles = styles;

  /** `shinhan` or `smartro`. */
  @property() provider?: string;
  /** Your backend endpoint that returns a signed session (same origin). Required. */
  @property({ attribute: 'session-url' }) sessionUrl?: string;
  /** Your backend endpoint that returns the verified outcome (same origin). Required. */
  @property({ attribute: 'result-url' }) resultUrl?: string;
  /** Your order reference, sent to the backend as is. */
  @property({ attribute: 'order-id' }) orderId?: string;
  /** Shinhan payment method code; default `selpay`. */
  @property() pgcode?: string;
  /** Display only: whole won for the button text. The backend never takes the amount from the browser. */
  @property() amount?: string;
  /** `auto` (default), `pc` (popup) or `mobile` (full-page redirect). */
  @property() device?: string;
  /** URL of the PG script; default Shinhan's own. */
  @property({ attribute: 'script-src' }) scriptSrc?: string;
  /** Extra origins (space separated) allowed for PG scripts and windows, e.g. a sandbox. */
  @property({ attribute: 'pg-origins' }) pgOrigins?: string;
  /** Seconds before a backend request is abandoned; default 15. */
  @property() timeout?: string;
  /** Seconds to keep asking result-url while it says `pending`; default 60. */
  @property({ attribute: 'result-timeout' }) resultTimeout?: string;
  /** Your backend endpoint that proxies Shinhan's card-list: shows a card-company picker above the button. */
  @property({ attribute: 'cards-url' }) cardsUrl?: string;
  /** Base URL for the card images (see `<kpg-card-picker>`). */
  @property({ attribute: 'image-base' }) imageBase?: string;
  /** No payment can start. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Where the current or last attempt stands. Reflected as the `state` attribute. */
  @state() protected _state: CheckoutState = 'idle';
  @state() private _message = '';
  /** The buyer's choice in the card picker. */
  @state() private _card: KpgCardSelectDetail | null = null;

  @query('button') private _button?: HTMLButtonElement;

  #attempt?: Attempt;
  #continue?: () => void;
  #popup = new PopupController(this);

  constructor() {
    super();
    new ScriptController(this, () => this.#preloadUrl());
  }

  get state(): CheckoutState {
    return this._state;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pageshow', this.#onPageShow);
    void this.updateComplete.then(() => this.#resume());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pageshow', this.#onPageShow);
    // An element removed mid-attempt stops its work and fires nothing afterwards.
    this.#attempt?.controller.abort(new DOMException('kpg-checkout was removed from the page', 'AbortError'));
    this.#attempt = undefined;
    this.#continue = undefined;
    if (this._state === 'busy' || this._state === 'continue') this._state = 'idle';
  }

  /** Start a payment, as a click on the button does. Does nothing while one is in flight. */
  pay(): void {
    if (this.#attempt || this.disabled) return;
    const result = readConfig(this.#attributes());
    if (!result.ok) {
      this.#finish({ type: 'kpg-error', detail: result.error });
      return;
    }
    const config = result.config;
    const orderKey = config.orderId ? this.#pendingKey(config) : null;
    // Another element on this page is already paying this order: like a second click, nothing starts.
    if (orderKey && ordersInFlight.has(orderKey)) return;
    const attempt: Attempt = { controller: new AbortController(), config };
    if (orderKey) {
      ordersInFlight.add(orderKey);
      attempt.controller.signal.addEventListener('abort', () => ordersInFlight.delete(orderKey), { once: true });
    }
    this.#attempt = attempt;
    this._state = 'busy';
    this._message = '';
    const ctx = this.#context(config, resolveDevice(config.device), attempt);
    // Synchronous up to its first await: a provider's beforeSession runs inside this click.
    runCheckout(ctx, {
      onSession: (detail) => {
        attempt.orderNo = detail.order_no;
        emit(this, 'kpg-session', detail);
      },
    }).then(
      (outcome) => {
        if (this.#attempt !== attempt) return;
        if (outcome === null) {
          attempt.navigated = true; // stays busy: the page is leaving for the PG
          return;
        }
        this.#attempt = undefined;
        if (orderKey) ordersInFlight.delete(orderKey);
        clearPending(this.#pendingKey(config));
        this.#finish(outcome);
      },
      () => {
        /* aborted because the element was removed: fire nothing */
      },
    );
  }

  #attributes() {
    return {
      provider: this.provider,
      sessionUrl: this.sessionUrl,
      resultUrl: this.resultUrl,
      orderId: this.orderId,
      pgcode: this.pgcode,
      mainColor: this.mainColor,
      pointColor: this.pointColor,
      device: this.device,
      scriptSrc: this.scriptSrc,
      pgOrigins: this.pgOrigins,
      timeout: this.timeout,
      resultTimeout: this.resultTimeout,
      cardsUrl: this.cardsUrl,
      card: this._card && { card_cpny_cd: this._card.card_cpny_cd, install_month: this._card.install_month },
    };
  }

  #pendingKey(config: CheckoutConfig): string {
    return `${config.provider.id}:${config.orderId ?? ''}`;
  }

  #context(config: CheckoutConfig, device: Device, attempt: Attempt): AttemptContext {
    const signal = attempt.controller.signal;
    return {
      config,
      device,
      signal,
      userGesture: () => this.#userGesture(signal),
      popup: this.#popup,
      leavingPage: () => {
        if (attempt.orderNo) {
          savePending(this.#pendingKey(config), {
            provider: config.provider.id,
            order_no: attempt.orderNo,
            order_id: config.orderId ?? '',
            result_url: config.resultUrl.href,
            started_at: Date.now(),
          });
        }
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
        this._state = 'busy';
        resolve();
      };
      this._state = 'continue';
      void this.updateComplete.then(() => this._button?.focus());
    });
  }

  /**
   * Back from a full-page PG visit: on a fresh load the attempt comes from sessionStorage; from the
   * back/forward cache this element still holds it in memory (another page may have taken the stored one).
   */
  #resume(fromCache = false): void {
    const left = this.#attempt;
    if (left && !left.navigated) return;
    let config: CheckoutConfig;
    let orderNo: string;
    if (fromCache && left?.orderNo) {
      config = left.config;
      orderNo = left.orderNo;
      clearPending(this.#pendingKey(config));
    } else {
      const result = readConfig(this.#attributes());
      if (!result.ok) return;
      config = result.config;
      const pending = takePending(this.#pendingKey(config));
      if (!pending || pending.provider !== config.provider.id || pending.result_url !== config.resultUrl.href) {
        return;
      }
      orderNo = pending.order_no;
    }
    left?.controller.abort();
    const attempt: Attempt = { controller: new AbortController(), config, orderNo };
    this.#attempt = attempt;
    this._state = 'busy';
    this._message = '';
    const ctx = this.#context(config, 'mobile', attempt);
    resumeCheckout(ctx, orderNo).then(
      (outcome) => {
        if (this.#attempt !== attempt) return;
        this.#attempt = undefined;
        this.#finish(outcome);
      },
      () => {
        /* aborted: fire nothing */
      },
    );
  }

  #onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.#resume(true);
  };

  #finish(outcome: Outcome): void {
    const t = this.t;
    switch (outcome.type) {
      case 'kpg-success':
        this._state = 'paid';
        this._message = t.paid;
        break;
      case 'kpg-fail':
        this._state = 'failed';
        this._message = t.failed(outcome.detail.message);
        break;
      case 'kpg-cancel':
        this._state = 'cancelled';
        this._message = t.cancelled;
        break;
      case 'kpg-error':
        this._state = 'error';
        this._message = t.error(outcome.detail.code);
        console.error(`[kpg-checkout] ${outcome.detail.code}: ${outcome.detail.message}`);
        break;
    }
    emit(this, outcome.type, outcome.detail as never);
  }

  #preload?: { key: string; url: URL | null };

  /** The PG script to load now, recomputed only when the attributes that decide it change. */
  #preloadUrl(): URL | null {
    const key = [this.provider, this.device, this.scriptSrc, this.pgOrigins, this.sessionUrl, this.resultUrl].join('\n');
    if (this.#preload?.key === key) return this.#preload.url;
    let url: URL | null = null;
    // Load the PG script before the buyer has chosen a card: only where it comes from matters here.
    const result = readConfig({ ...this.#attributes(), cardsUrl: null });
    if (result.ok && result.config.provider.scriptUrl && resolveDevice(result.config.device) === 'pc') {
      try {
        url = result.config.provider.scriptUrl(result.config);
      } catch (error) {
        warnOnce(error instanceof Error ? error.message : String(error));
      }
    }
    this.#preload = { key, url };
    return url;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new order starts fresh: "paid" belonged to the previous one.
    if (changed.has('orderId') && changed.get('orderId') !== undefined && !this.#attempt) {
      this._state = 'idle';
      this._message = '';
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.setAttribute('state', this._state);
  }

  #onClick = () => {
    if (this.#continue) this.#continue();
    else this.pay();
  };

  #label(): string {
    const t = this.t;
    if (this._state === 'paid') return t.paidButton;
    if (this._state === 'continue') return t.openWindow;
    if (this.amount && !AmountSchema.safeParse(this.amount).success) {
      warnOnce(`amount="${this.amount}" is not whole won (digits only); the button shows no amount.`);
      return t.pay(null);
    }
    return t.pay(this.amount || null);
  }

  #onCardSelect = (event: CustomEvent<KpgCardSelectDetail>) => {
    this._card = event.detail;
  };

  #renderPicker() {
    if (!this.cardsUrl) return nothing;
    const busy = this._state === 'busy' || this._state === 'continue' || this._state === 'paid';
    return html`<kpg-card-picker
      part="picker"
      exportparts="list, card, installment"
      cards-url=${this.cardsUrl}
      amount=${this.amount ?? nothing}
      pgcode=${this.pgcode ?? nothing}
      main_color=${this.mainColor ?? nothing}
      point_color=${this.pointColor ?? nothing}
      lang=${this.lang || nothing}
      image-base=${this.imageBase ?? nothing}
      pg-origins=${this.pgOrigins ?? nothing}
      timeout=${this.timeout ?? nothing}
      ?disabled=${busy || this.disabled}
      @kpg-card-select=${this.#onCardSelect}
    ></kpg-card-picker>`;
  }

  override render() {
    const t = this.t;
    const busy = this._state === 'busy';
    const alert = this._state === 'error' || this._state === 'failed';
    const needsCard = !!this.cardsUrl && !this._card;
    return html`
      <div part="base" class="base">
        ${this.#renderPicker()}
        ${this._state === 'continue' ? html`<p class="hint" id="hint">${t.continueHint}</p>` : nothing}
        <button
          part="button"
          class="pay ${this._state}"
          type="button"
          ?disabled=${this.disabled || busy || this._state === 'paid' || needsCard}
          aria-busy=${busy ? 'true' : 'false'}
          aria-describedby=${this._state === 'continue' ? 'hint' : needsCard ? 'card-hint' : nothing}
          @click=${this.#onClick}
        >
          ${busy ? html`<span class="spin" aria-hidden="true"></span>` : this._state === 'paid' ? checkMark : nothing}
          <span>${this.#label()}</span>
        </button>
        ${needsCard ? html`<p class="message" id="card-hint">${t.chooseCard}</p>` : nothing}
        <p part="status" class="message" role="status">${busy ? t.busy : alert ? '' : this._message}</p>
        <p part="alert" class="message" role="alert">${alert ? this._message : ''}</p>
      </div>
    `;
  }
}
