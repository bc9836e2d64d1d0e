import { html, nothing, type PropertyValues } from 'lit';
import { readAmount } from '../attributes.js';
import { KpgElement } from '../base-element.js';
import { readConfig, type ConfigResult } from '../config.js';
import { AttemptController, type CardChoice, type CheckoutState } from '../controllers/attempt.js';
import { checkMark } from '../icons.js';
import type { KpgCardSelectDetail, KpgErrorCode, KpgErrorDetail, KpgVbank, Outcome } from '../events.js';
import { emit } from '../events.js';
import { popupBlockedText, won } from '../i18n.js';
import { allowPgOrigins } from '../origins.js';
import { providerFor } from '../registry.js';
import { DeviceSchema } from '../schemas.js';
import { warnOnce } from '../warn.js';
import { styles } from './kpg-checkout.styles.js';

/** "2026-12-03" -> [2026, 12, 3]: the date as the PG meant it (Korea time), never shifted by a time zone. */
const ymd = (date: string) => date.split('-').map(Number);

/** The checkout's own words (Korean, English). */
const KO = {
  pay: (amount: number | null) => (amount === null ? '결제하기' : `${won(amount, false)} 결제하기`),
  busy: '결제 진행 중',
  continueHint: '결제창을 열려면 아래 버튼을 눌러 주세요.',
  openWindow: '결제창 열기',
  paid: '결제가 완료되었습니다.',
  paidButton: '결제 완료',
  cancelled: '결제를 취소했습니다.',
  superseded: '새 결제가 다른 창에서 시작되어 이 결제는 진행되지 않았습니다.',
  failed: (message: string) => (message ? `결제에 실패했습니다: ${message}` : '결제에 실패했습니다.'),
  cardRequired: '결제할 카드사를 먼저 선택해 주세요.',
  inProgress: '이 주문의 다른 결제가 아직 진행 중입니다. 열려 있는 결제창에서 결제를 마치거나 결제창을 닫은 뒤 다시 시도해 주세요.',
  unconfirmed: '결제 결과를 아직 확인하지 못했습니다. 다시 결제하기 전에 주문 내역을 확인해 주세요.',
  misconfigured: '결제 설정에 문제가 있어 결제할 수 없습니다. 상점에 문의해 주세요.',
  notStarted: '결제를 시작하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  unavailable: '지금은 결제할 수 없습니다.',
  viewWindow: '결제창 보기',
  awaiting: '입금하면 결제가 완료됩니다.',
  vbank: {
    title: '입금 대기 중',
    bank: '은행',
    accountNo: '계좌번호',
    holder: '예금주',
    amount: '입금액',
    due: '입금기한',
    noAccountNo: '결제창에서 안내된 번호',
    copy: '복사',
    copyLabel: '계좌번호 복사',
    copied: '계좌번호를 복사했습니다.',
    select: '복사하지 못했습니다. 계좌번호를 직접 복사해 주세요.',
  },
  dueBy: (date: string) => {
    const [y, m, d] = ymd(date);
    return `${y}년 ${m}월 ${d}일까지`;
  },
};
const EN: typeof KO = {
  pay: (amount) => (amount === null ? 'Pay' : `Pay ${won(amount, true)}`),
  busy: 'Payment in progress',
  continueHint: 'Press the button below to open the payment window.',
  openWindow: 'Open payment window',
  paid: 'Payment complete.',
  paidButton: 'Paid',
  cancelled: 'Payment cancelled.',
  superseded: 'A newer payment started in another window; this one did not go through.',
  failed: (message) => (message ? `Payment failed: ${message}` : 'Payment failed.'),
  cardRequired: 'Choose a card company first.',
  inProgress: 'Another payment for this order is still in progress. Finish it in its payment window, or close that window, then try again.',
  unconfirmed: 'We could not confirm the payment yet. Check your order before paying again.',
  misconfigured: 'This checkout is misconfigured. Please contact the shop.',
  notStarted: 'The payment could not start. Please try again in a moment.',
  unavailable: 'Payment is not available right now.',
  viewWindow: 'Show payment window',
  awaiting: 'The payment completes when the money arrives.',
  vbank: {
    title: 'Awaiting your deposit',
    bank: 'Bank',
    accountNo: 'Account no.',
    holder: 'Holder',
    amount: 'Amount',
    due: 'Deposit by',
    noAccountNo: 'As shown in the payment window',
    copy: 'Copy',
    copyLabel: 'Copy the account number',
    copied: 'Account number copied.',
    select: 'Could not copy: please copy the account number yourself.',
  },
  dueBy: (date) => {
    const [y, m, d] = ymd(date);
    return `by ${new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d))}`;
  },
};

/** What the buyer reads for a `kpg-error` code. */
function errorText(t: typeof KO, code: KpgErrorCode, en: boolean): string {
  switch (code) {
    case 'popup-blocked':
      return popupBlockedText(en);
    case 'card-required':
      return t.cardRequired;
    case 'attempt-in-progress':
      return t.inProgress;
    case 'result-timeout':
    case 'result-failed':
      return t.unconfirmed;
    case 'invalid-config':
    case 'origin-not-allowed':
      return t.misconfigured;
    default:
      return t.notStarted;
  }
}

/** The attributes that make the configuration (a change re-reads it; state changes do not). */
const NOT_CONFIG = new Set<PropertyKey>(['_card', '_configError', '_copy']);

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
 * @fires kpg-vbank-issued - A virtual account (가상계좌) was issued; the money is not there yet. The element shows the account. `detail: {provider, order_no, vbank: {bank_name, account_no?, holder, amount, due_date}, result}`
 * @attribute pg-origins - Ignored, with a console warning: PG origins are allowed from JavaScript only (`KpgCheckout.allowPgOrigins()`).
 *
 * @csspart base - The wrapper, coloured with `main_color`.
 * @csspart picker - The card picker (with `cards-url`); its `list`, `card` and `installment` parts are exported.
 * @csspart button - The pay button (and the "open payment window" button).
 * @csspart window-button - The "결제창 보기" button that brings the open payment window to the front (PC).
 * @csspart status - The polite status line (in progress, paid, cancelled).
 * @csspart alert - The error line.
 * @csspart vbank - The virtual account block (bank, account number, holder, amount, due date), shown instead of the button while the deposit is awaited.
 * @csspart copy-button - The button that copies the account number.
 *
 * @cssstate idle - Nothing in flight.
 * @cssstate busy - An attempt is in flight.
 * @cssstate continue - Waiting for the buyer's press to open the payment window.
 * @cssstate paid - The backend verified the payment (`:state(paid)`).
 * @cssstate failed - The payment failed.
 * @cssstate cancelled - The buyer cancelled.
 * @cssstate error - Something else went wrong.
 * @cssstate awaiting-deposit - A virtual account was issued and waits for the money (`:state(awaiting-deposit)`).
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

  static override properties = {
    provider: {},
    sessionUrl: { attribute: 'session-url' },
    resultUrl: { attribute: 'result-url' },
    orderId: { attribute: 'order-id' },
    pgcode: {},
    amount: {},
    device: {},
    scriptSrc: { attribute: 'script-src' },
    timeout: {},
    resultTimeout: { attribute: 'result-timeout' },
    cardsUrl: { attribute: 'cards-url' },
    imageBase: { attribute: 'image-base' },
    appScheme: { attribute: 'app-scheme' },
    payMethod: { attribute: 'pay-method' },
    disabled: { type: Boolean, reflect: true },
    _card: { attribute: false },
    _configError: { attribute: false },
    _copy: { attribute: false },
  };

  /**
   * Allow extra PG origins (a sandbox, a staging PG) for scripts, windows, forms and images, from your own
   * JavaScript only, before the elements connect: `KpgCheckout.allowPgOrigins(['http://127.0.0.1:5174'])`.
   * Markup cannot do this (the `pg-origins` attribute is ignored).
   */
  static allowPgOrigins = allowPgOrigins;

  /** `shinhan` or `smartro`. Required. */
  declare provider?: string;
  /** Your backend endpoint that returns a signed session (same origin). Required. */
  declare sessionUrl?: string;
  /** Your backend endpoint that returns the verified outcome (same origin). Required. */
  declare resultUrl?: string;
  /** Your order reference, sent to the backend as is. Required. */
  declare orderId?: string | number;
  /** Shinhan payment method code; default `selpay`. */
  declare pgcode?: string;
  /** Display only: whole won for the button text (text or a number). The backend never takes the amount from the browser. */
  declare amount?: string | number;
  /** `auto` (default: full page on phones, tablets and in-app browsers), `pc` (popup) or `mobile` (full-page redirect). */
  declare device?: string;
  /** URL of Shinhan's script: https on shinhan.com, or an origin allowed with `KpgCheckout.allowPgOrigins()`. */
  declare scriptSrc?: string;
  /** Seconds before a backend request is abandoned; default 15 (text or a number). */
  declare timeout?: string | number;
  /** Seconds to keep asking result-url while it says `pending` or `processing`; default 60. */
  declare resultTimeout?: string | number;
  /** Your backend endpoint that proxies Shinhan's card-list: shows a card-company picker above the button. */
  declare cardsUrl?: string;
  /** Base URL for the card images (see `<kpg-card-picker>`). */
  declare imageBase?: string;
  /** Your app's URL scheme (`myshop://`) when the shop runs in your app's WebView: PG apps return the buyer there. */
  declare appScheme?: string;
  /** Smartro: `card` (default), `vbank` (가상계좌), `bank` (계좌이체) or `phone` (휴대폰), sent as `pay_method`; your backend allows it or not. Shinhan's window lets the buyer choose (ignored, with a warning). */
  declare payMethod?: string;
  /** No payment can start. */
  declare disabled: boolean;

  /** The buyer's choice in the card picker. */
  declare private _card: KpgCardSelectDetail | null;
  /** The attributes do not make a usable checkout: the button is disabled with a neutral message. */
  declare private _configError: KpgErrorDetail | null;
  /** The account number's copy button: what the last press did. */
  declare private _copy: '' | 'copied' | 'select';

  #attempt: AttemptController;
  #reported = '';
  /** The configuration as the attributes last made it (read when one of them changes, not on the click). */
  #config?: ConfigResult;

  constructor() {
    super();
    this.disabled = false;
    this._card = null;
    this._configError = null;
    this._copy = '';
    let internals: ElementInternals | null = null;
    try {
      internals = this.attachInternals();
    } catch {
      /* no ElementInternals: the `state` property still tells */
    }
    this.#attempt = new AttemptController(this, internals);
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

  /** @internal The configuration validated when the attributes last changed (read afresh when a change is not rendered yet). */
  readConfig(): ConfigResult {
    return this.isUpdatePending || !this.#config ? readConfig(this) : this.#config;
  }

  /** @internal */
  cardChoice(): CardChoice | null | undefined {
    if (!this.#picker()) return undefined;
    return this._card && { card_cpny_cd: this._card.card_cpny_cd, install_month: this._card.install_month };
  }

  /** With `cards-url`, and only where this script has the card picker (kpg-smartro.js has none). */
  #picker(): boolean {
    if (!this.cardsUrl) return false;
    if (customElements.get('kpg-card-picker')) return true;
    warnOnce('cards-url needs <kpg-card-picker>, which this script does not have: load kpg-shinhan.js or kpg-checkout.js.');
    return false;
  }

  /** @internal Put the focus where the buyer goes on, when it was lost (the button was disabled meanwhile). */
  restoreFocus(): void {
    const active = document.activeElement;
    if (!this.isConnected || (active && active !== document.body && active !== this)) return;
    const root = this.renderRoot as ShadowRoot;
    const button = root.querySelector<HTMLElement>('[part="button"]');
    if (root.activeElement && root.activeElement !== button) return;
    const outcome = this.#attempt.outcome;
    if (outcome?.type === 'kpg-error' && outcome.detail.code === 'card-required') {
      const picker = root.querySelector('kpg-card-picker');
      (picker?.shadowRoot?.querySelector<HTMLElement>('[tabindex="0"]') ?? picker)?.focus();
    } else {
      (this.state === 'paid'
        ? root.querySelector<HTMLElement>('[part="status"]')
        : this.state === 'awaiting-deposit'
          ? root.querySelector<HTMLElement>('[part="vbank"]')
          : button
      )?.focus();
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('orderId') && changed.get('orderId') !== undefined) this.#attempt.orderChanged();
    if (this.state !== 'awaiting-deposit') this._copy = '';
    if (!this.#config || [...changed.keys()].some((key) => !NOT_CONFIG.has(key))) {
      this.#config = readConfig(this);
      // Ready before the click (Shinhan's script on PC), even while the order is still to be set: the
      // click then sends the session request at once.
      const device = DeviceSchema.safeParse(this.device || 'auto');
      try {
        if (device.success) providerFor(this.provider).preload?.(device.data, this.scriptSrc || null);
      } catch {
        /* reported as invalid-config */
      }
    }
    const read = this.#config;
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

  #message(t: typeof KO): string {
    const outcome = this.#attempt.outcome;
    if (this._configError && !this.#attempt.active) return t.unavailable;
    switch (outcome?.type) {
      case 'kpg-success':
        return t.paid;
      case 'kpg-fail':
        return t.failed(outcome.detail.message);
      case 'kpg-cancel':
        // Superseded: the buyer did not cancel (they may even have approved); nothing was charged.
        return outcome.detail.reason === 'superseded' ? t.superseded : t.cancelled;
      case 'kpg-error':
        return errorText(t, outcome.detail.code, t === EN);
      case 'kpg-vbank-issued':
        return this._copy ? t.vbank[this._copy] : t.awaiting;
      default:
        return '';
    }
  }

  /**
   * Copy the account number: the Clipboard API, else `execCommand('copy')` on a hidden field (older WebViews,
   * pages without clipboard permission); if neither can, the buyer is asked to copy it (the number is text).
   */
  async #copyNumber(number: string): Promise<void> {
    let copied = false;
    try {
      await navigator.clipboard.writeText(number);
      copied = true;
    } catch {
      const field = document.createElement('textarea');
      field.value = number;
      field.readOnly = true;
      field.className = 'sr';
      this.renderRoot.append(field);
      field.select();
      try {
        copied = document.execCommand('copy');
      } catch {
        /* not supported */
      }
      field.remove();
    }
    this._copy = copied ? 'copied' : 'select';
  }

  /** The account, as text (never markup), instead of the pay button. */
  #renderVbank(vbank: KpgVbank, t: typeof KO) {
    const v = t.vbank;
    const no = vbank.account_no;
    return html`<section part="vbank" class="vbank" tabindex="-1" aria-labelledby="vbank-title">
      <p class="vt" id="vbank-title">${v.title}</p>
      <dl>
        <dt>${v.bank}</dt><dd>${vbank.bank_name}</dd>
        <dt>${v.accountNo}</dt>
        ${no
          ? html`<dd class="acct"><span class="no">${no}</span>
              <button part="copy-button" class="copy" type="button" aria-label=${v.copyLabel} @click=${() => void this.#copyNumber(no)}>${v.copy}</button></dd>`
          : html`<dd>${v.noAccountNo}</dd>`}
        <dt>${v.holder}</dt><dd>${vbank.holder}</dd>
        <dt>${v.amount}</dt><dd>${won(vbank.amount, t === EN)}</dd>
        <dt>${v.due}</dt><dd class="due">${t.dueBy(vbank.due_date)}</dd>
      </dl>
    </section>`;
  }

  #renderPicker(blocked: boolean) {
    return html`<kpg-card-picker
      part="picker"
      exportparts="list, card, installment"
      cards-url=${this.cardsUrl!}
      amount=${this.amount ?? nothing}
      pgcode=${this.pgcode ?? nothing}
      main_color=${this.mainColor ?? nothing}
      point_color=${this.pointColor ?? nothing}
      lang=${this.lang || nothing}
      image-base=${this.imageBase ?? nothing}
      timeout=${this.timeout ?? nothing}
      ?disabled=${blocked || this.disabled}
      @kpg-card-select=${this.#onCardSelect}
    ></kpg-card-picker>`;
  }

  override render() {
    const t = this.text(KO, EN);
    const state = this.state;
    const busy = state === 'busy';
    const paid = state === 'paid';
    const alert = state === 'error' || state === 'failed';
    const picker = this.#picker();
    const needsCard = picker && !this._card;
    const message = this.#message(t);
    const outcome = this.#attempt.outcome;
    const vbank = state === 'awaiting-deposit' && outcome?.type === 'kpg-vbank-issued' ? outcome.detail.vbank : null;
    // Busy is aria-disabled, not disabled: the focused button keeps the focus (a disabled one would lose it).
    return html`
      <div part="base" class="base">
        ${picker ? this.#renderPicker(busy || state === 'continue' || paid || !!vbank) : nothing}
        ${state === 'continue' ? html`<p class="hint" id="hint">${t.continueHint}</p>` : nothing}
        ${vbank ? this.#renderVbank(vbank, t) : html`<button
          part="button"
          class="pay ${state}"
          type="button"
          ?disabled=${this.disabled || paid || !!this._configError}
          aria-disabled=${busy ? 'true' : nothing}
          aria-busy=${busy ? 'true' : 'false'}
          aria-describedby=${state === 'continue' ? 'hint' : needsCard ? 'card-hint' : nothing}
          @click=${() => this.#attempt.press()}
        >
          ${busy ? html`<span class="spin" aria-hidden="true"></span>` : paid ? checkMark : nothing}
          <span>${paid ? t.paidButton : state === 'continue' ? t.openWindow : t.pay(readAmount(this.amount))}</span>
        </button>`}
        ${busy && this.#attempt.popup.isOpen
          ? html`<button part="window-button" class="secondary" type="button" @click=${() => this.#attempt.focusWindow()}>
              ${t.viewWindow}
            </button>`
          : nothing}
        ${needsCard && !alert && !vbank ? html`<p class="message" id="card-hint">${t.cardRequired}</p>` : nothing}
        <p part="status" class="message" role="status" tabindex="-1">${busy ? t.busy : alert ? '' : message}</p>
        <p part="alert" class="message" role="alert">${alert ? message : ''}</p>
      </div>
    `;
  }
}
