import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { readAmount, readPgOrigins } from '../attributes.js';
import { KpgElement } from '../base-element.js';
import { readConfig, type ConfigResult } from '../config.js';
import { AttemptController, type CardChoice, type CheckoutState } from '../controllers/attempt.js';
import { ScriptController } from '../controllers/script-loader.js';
import { resolveDevice } from '../device.js';
import { checkMark } from '../icons.js';
import type { KpgCardSelectDetail, KpgErrorDetail, Outcome } from '../events.js';
import { emit } from '../events.js';
import { allowPgOrigins } from '../origins.js';
import { providerFor } from '../registry.js';
import { DeviceSchema } from '../schemas.js';
import { styles } from './kpg-checkout.styles.js';

export type { CheckoutState };

/**
 * A pay button that runs a whole payment with a Korean PG: asks the shop's backend for a signed session,
 * opens the PG (popup on PC, full page on mobile and in in-app browsers), then asks the backend for the
 * verified outcome.
 *
 * @tagname kpg-checkout
 * @summary Checkout button for Shinhan PG (SPG) and Smartro WEBLink.
 *
 * @fires kpg-card-select - (with `cards-url`) The buyer chose a card company or months.
 * @fires kpg-session - The backend returned a valid session. `detail: {provider, order_no}`
 * @fires kpg-success - The backend verified the payment. `detail: {provider, order_no, tid?, result}`
 * @fires kpg-fail - The payment failed. `detail: {provider, order_no, code, message, pg_message?}`
 * @fires kpg-cancel - The buyer cancelled. `detail: {provider, order_no, reason}`
 * @fires kpg-error - Anything else went wrong. `detail: {code, message, status?, field?, provider?, order_no?}`
 *
 * @csspart base - The wrapper, coloured with `main_color`.
 * @csspart picker - The card picker (with `cards-url`); its `list`, `card` and `installment` parts are exported.
 * @csspart button - The pay button (and the "open payment window" button).
 * @csspart window-button - The "결제창 보기" button that brings the open payment window to the front (PC).
 * @csspart status - The polite status line (in progress, paid, cancelled).
 * @csspart alert - The error line.
 *
 * @cssstate idle - Nothing in flight.
 * @cssstate busy - An attempt is in flight.
 * @cssstate continue - Waiting for the buyer's press to open the payment window.
 * @cssstate paid - The backend verified the payment (`:state(paid)`).
 * @cssstate failed - The payment failed.
 * @cssstate cancelled - The buyer cancelled.
 * @cssstate error - Something else went wrong.
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

  /**
   * Allow extra PG origins (a sandbox, a staging PG) for scripts, windows, forms and images, from your own
   * JavaScript only, before the elements connect: `KpgCheckout.allowPgOrigins(['http://127.0.0.1:5174'])`.
   * Markup cannot do this (the `pg-origins` attribute is ignored).
   */
  static allowPgOrigins = allowPgOrigins;

  /** `shinhan` or `smartro`. Required. */
  @property() provider?: string;
  /** Your backend endpoint that returns a signed session (same origin). Required. */
  @property({ attribute: 'session-url' }) sessionUrl?: string;
  /** Your backend endpoint that returns the verified outcome (same origin). Required. */
  @property({ attribute: 'result-url' }) resultUrl?: string;
  /** Your order reference, sent to the backend as is. Required. */
  @property({ attribute: 'order-id' }) orderId?: string | number;
  /** Shinhan payment method code; default `selpay`. */
  @property() pgcode?: string;
  /** Display only: whole won for the button text (text or a number). The backend never takes the amount from the browser. */
  @property() amount?: string | number;
  /** `auto` (default: full page on phones, tablets and in-app browsers), `pc` (popup) or `mobile` (full-page redirect). */
  @property() device?: string;
  /** URL of Shinhan's script: https on shinhan.com, or an origin allowed with `KpgCheckout.allowPgOrigins()`. */
  @property({ attribute: 'script-src' }) scriptSrc?: string;
  /** Ignored, with a console warning: PG origins are allowed from JavaScript only (`KpgCheckout.allowPgOrigins()`). */
  @property({ attribute: 'pg-origins' }) pgOrigins?: string;
  /** Seconds before a backend request is abandoned; default 15 (text or a number). */
  @property() timeout?: string | number;
  /** Seconds to keep asking result-url while it says `pending` or `processing`; default 60. */
  @property({ attribute: 'result-timeout' }) resultTimeout?: string | number;
  /** Your backend endpoint that proxies Shinhan's card-list: shows a card-company picker above the button. */
  @property({ attribute: 'cards-url' }) cardsUrl?: string;
  /** Base URL for the card images (see `<kpg-card-picker>`). */
  @property({ attribute: 'image-base' }) imageBase?: string;
  /** Your app's URL scheme (`myshop://`) when the shop runs in your app's WebView: PG apps return the buyer there. */
  @property({ attribute: 'app-scheme' }) appScheme?: string;
  /** No payment can start. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** The buyer's choice in the card picker. */
  @state() private _card: KpgCardSelectDetail | null = null;
  /** The attributes do not make a usable checkout: the button is disabled with a neutral message. */
  @state() private _configError: KpgErrorDetail | null = null;

  @query('button[part="button"]') private _button?: HTMLButtonElement;

  #attempt: AttemptController;
  #reported = '';

  constructor() {
    super();
    let internals: ElementInternals | null = null;
    try {
      internals = this.attachInternals();
    } catch {
      /* no ElementInternals: the `state` property still tells */
    }
    this.#attempt = new AttemptController(this, internals);
    new ScriptController(this, () => this.#preloadUrl());
  }

  /** Where the current or last attempt stands: `idle`, `busy`, `continue`, `paid`, `failed`, `cancelled` or `error`. For CSS: `:state(paid)`. */
  get state(): CheckoutState {
    return this.#attempt.state;
  }

  /** Read-only: setting it (a `state` attribute pasted into a framework template) does nothing. */
  set state(_value: unknown) {
    /* read-only */
  }

  /**
   * Start a payment, as a click on the button does. Resolves with `{type, detail}` of exactly the event
   * that ends the attempt (never rejects for a payment outcome). While an attempt for this order is in
   * flight on the page, returns that attempt's promise. Rejects (AbortError) only if the element is removed
   * before the end; on a full-page (mobile) payment the page leaves, and the outcome is fired on return.
   */
  pay(): Promise<Outcome> {
    if (this.disabled) return Promise.reject(new Error('kpg-checkout is disabled: nothing starts'));
    return this.#attempt.pay();
  }

  /** @internal */
  readConfig(): ConfigResult {
    return readConfig(this);
  }

  /** @internal */
  cardChoice(): CardChoice | null | undefined {
    if (!this.cardsUrl) return undefined;
    return this._card && { card_cpny_cd: this._card.card_cpny_cd, install_month: this._card.install_month };
  }

  /** @internal Put the focus where the buyer goes on, when it was lost (the button was disabled meanwhile). */
  restoreFocus(): void {
    const active = document.activeElement;
    if (!this.isConnected || (active && active !== document.body && active !== this)) return;
    const root = this.renderRoot as ShadowRoot;
    if (root.activeElement && root.activeElement !== this._button) return;
    const outcome = this.#attempt.outcome;
    if (outcome?.type === 'kpg-error' && outcome.detail.code === 'card-required') {
      const picker = root.querySelector('kpg-card-picker');
      const card = picker?.shadowRoot?.querySelector<HTMLElement>('[tabindex="0"]');
      (card ?? picker)?.focus();
    } else if (this.state === 'paid') {
      root.querySelector<HTMLElement>('[part="status"]')?.focus();
    } else {
      this._button?.focus();
    }
  }

  #preload?: { key: string; url: URL | null };

  /** The PG script to load now (before the buyer clicks), recomputed only when the attributes that decide it change. */
  #preloadUrl(): URL | null {
    const key = [this.provider, this.device, this.scriptSrc].join('\n');
    if (this.#preload?.key === key) return this.#preload.url;
    let url: URL | null = null;
    try {
      const provider = providerFor(this.provider);
      const device = DeviceSchema.safeParse(this.device || 'auto');
      if (provider.scriptUrl && device.success && resolveDevice(device.data) === 'pc') {
        url = provider.scriptUrl(this.scriptSrc || null, readPgOrigins(this.pgOrigins));
      }
    } catch {
      url = null; // reported on connect (invalid-config) or on the click (origin-not-allowed)
    }
    this.#preload = { key, url };
    return url;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('orderId') && changed.get('orderId') !== undefined) this.#attempt.orderChanged();
    const read = this.readConfig();
    this._configError = this.disabled || read.ok ? null : read.error;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // A configuration mistake shows up when the element connects or an attribute changes, not on the click.
    const error = this._configError;
    const key = error ? `${error.field}\n${error.message}` : '';
    if (key && key !== this.#reported) {
      console.error(`[kpg-checkout] invalid-config: ${error!.message}`);
      emit(this, 'kpg-error', error!);
    }
    this.#reported = key;
  }

  #onCardSelect = (event: CustomEvent<KpgCardSelectDetail>) => {
    this._card = event.detail;
  };

  #label(): string {
    const t = this.t;
    if (this.state === 'paid') return t.paidButton;
    if (this.state === 'continue') return t.openWindow;
    const amount = readAmount(this.amount);
    return t.pay(amount === null ? null : String(amount));
  }

  #message(): string {
    const t = this.t;
    const outcome = this.#attempt.outcome;
    if (this._configError && !this.#attempt.active) return t.unavailable;
    switch (outcome?.type) {
      case 'kpg-success':
        return t.paid;
      case 'kpg-fail':
        return t.failed(outcome.detail.message);
      case 'kpg-cancel':
        return t.cancelled;
      case 'kpg-error':
        return t.error(outcome.detail.code);
      default:
        return '';
    }
  }

  #renderPicker() {
    if (!this.cardsUrl) return nothing;
    const busy = this.state === 'busy' || this.state === 'continue' || this.state === 'paid';
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
      timeout=${this.timeout ?? nothing}
      ?disabled=${busy || this.disabled}
      @kpg-card-select=${this.#onCardSelect}
    ></kpg-card-picker>`;
  }

  override render() {
    const t = this.t;
    const state = this.state;
    const busy = state === 'busy';
    const alert = state === 'error' || state === 'failed';
    const needsCard = !!this.cardsUrl && !this._card;
    const message = this.#message();
    return html`
      <div part="base" class="base">
        ${this.#renderPicker()}
        ${state === 'continue' ? html`<p class="hint" id="hint">${t.continueHint}</p>` : nothing}
        <button
          part="button"
          class="pay ${state}"
          type="button"
          ?disabled=${this.disabled || busy || state === 'paid' || !!this._configError}
          aria-busy=${busy ? 'true' : 'false'}
          aria-describedby=${state === 'continue' ? 'hint' : needsCard ? 'card-hint' : nothing}
          @click=${() => this.#attempt.press()}
        >
          ${busy ? html`<span class="spin" aria-hidden="true"></span>` : state === 'paid' ? checkMark : nothing}
          <span>${this.#label()}</span>
        </button>
        ${busy && this.#attempt.popup.isOpen
          ? html`<button part="window-button" class="secondary" type="button" @click=${() => this.#attempt.focusWindow()}>
              ${t.viewWindow}
            </button>`
          : nothing}
        ${needsCard && !alert ? html`<p class="message" id="card-hint">${t.chooseCard}</p>` : nothing}
        <p part="status" class="message" role="status" tabindex="-1">${busy ? t.busy : alert ? '' : message}</p>
        <p part="alert" class="message" role="alert">${alert ? message : ''}</p>
      </div>
    `;
  }
}
