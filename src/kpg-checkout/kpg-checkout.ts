import { readAmount } from '../attributes.js';
import { readConfig, type ConfigResult } from '../config.js';
import { AttemptController, type CardChoice, type CheckoutState } from '../controllers/attempt.js';
import type { KpgCardSelectDetail, KpgErrorDetail, KpgTermsDetail, Outcome } from '../events.js';
import { emit } from '../events.js';
import { KpgElement } from '../base-element.js';
import { popupBlockedText, won } from '../i18n.js';
import { allowPgOrigins } from '../origins.js';
import { idle, type Changed, type PropertyDeclaration } from '../reactive.js';
import { providerFor, views } from '../registry.js';
import { DEVICES, oneOf } from '../rules.js';
import { refusals } from '../refusals.js';
import { loaded, more } from '../stage.js';
import { warnOnce } from '../warn.js';
import { styles } from './kpg-checkout.styles.js';
import { say as tell } from '../messages.js';

/**
 * The checkout's own words before an outcome (Korean, English); the words for outcomes come with the second
 * stage (outcome.ts), as every outcome but these refusals does.
 */
const KO = {
  pay: (amount: number | null) => (amount === null ? '결제하기' : `${won(amount, false)} 결제하기`),
  busy: '결제 진행 중',
  continueHint: '결제창을 열려면 아래 버튼을 눌러 주세요.',
  openWindow: '결제창 열기',
  cardRequired: '결제할 카드사를 먼저 선택해 주세요.',
  misconfigured: '결제 설정에 문제가 있어 결제할 수 없습니다. 상점에 문의해 주세요.',
  notStarted: '결제를 시작하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  unavailable: '지금은 결제할 수 없습니다.',
  viewWindow: '결제창 보기',
};
const EN: typeof KO = {
  pay: (amount) => (amount === null ? 'Pay' : `Pay ${won(amount, true)}`),
  busy: 'Payment in progress',
  continueHint: 'Press the button below to open the payment window.',
  openWindow: 'Open payment window',
  cardRequired: 'Choose a card company first.',
  misconfigured: 'This checkout is misconfigured. Please contact the shop.',
  notStarted: 'The payment could not start. Please try again in a moment.',
  unavailable: 'Payment is not available right now.',
  viewWindow: 'Show payment window',
};

/** What the buyer reads for a `kpg-error` the first stage knows (the others, the backend's answers among them: outcome.ts). */
function errorText(t: typeof KO, { code, status }: KpgErrorDetail, en: boolean): string | undefined {
  if (status) return undefined; // the backend answered: its cause decides (outcome.ts)
  switch (code) {
    case 'popup-blocked':
      return popupBlockedText(en);
    case 'card-required':
      return t.cardRequired;
    case 'terms-required':
      return views.terms?.hint(en);
    case 'invalid-config':
    case 'origin-not-allowed':
      return t.misconfigured;
    case 'attempt-in-progress':
    case 'result-timeout':
    case 'result-failed':
      return undefined;
    default:
      return t.notStarted;
  }
}

/** The attributes that make the configuration (a change re-reads it; state changes do not). */
const NOT_CONFIG = new Set<PropertyKey>(['_card', '_configError', '_copy']);

/** An element with attributes (the shadow DOM is built by hand: the first stage carries no lit-html). */
function make<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

/** Set or remove an attribute, only when it changes. */
function attr(el: Element, name: string, value: string | null | undefined): void {
  if (value == null) el.removeAttribute(name);
  else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Set a text, only when it changes. */
function say(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export type { CheckoutState };

/** The shadow DOM, made once at the first render (before any click); each update changes what changed. */
interface View {
  base: HTMLDivElement;
  hint: HTMLParagraphElement;
  button: HTMLButtonElement;
  icon: Element | null;
  spin: HTMLSpanElement;
  label: HTMLSpanElement;
  windowButton: HTMLButtonElement;
  cardHint: HTMLParagraphElement;
  terms?: HTMLElement | null;
  status: HTMLParagraphElement;
  alert: HTMLParagraphElement;
  picker?: HTMLElement;
  vbank?: { for: unknown; en: boolean; view: Element };
}

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
 * @fires kpg-refunded - The order was paid and the shop has given the whole payment back (`status: "refunded"`, on a later visit or press). The element says so and shows no pay button. `detail: {provider, order_no, tid?, result}`
 * @attribute pg-origins - Ignored, with a console warning: PG origins are allowed from JavaScript only (`KpgCheckout.allowPgOrigins()`).
 * @attribute terms - Shinhan: `pg` (default) shows the PG's terms (terms-info-list, through `terms-url`) with a required "전체 동의" checkbox before the pay button and sends the consent with the session; `none` shows nothing. Read by the consent step (second stage, kpg-terms/step.ts) as an attribute.
 * @attribute terms-url - Your backend endpoint for the PG's terms (same origin); default `terms` beside `session-url` (kpg-checkout/server's `{base}/terms`).
 * @fires kpg-terms-change - (Shinhan, with terms) The terms loaded, the shop's own terms came or went, or the buyer ticked / unticked "전체 동의". `detail: {required, agreed, terms_agreed, terms_hash, shop_terms}`
 * @slot terms - (Shinhan) The shop's own terms (links to its 이용약관...), shown in the consent step and covered by the same "전체 동의"; the shop records that consent itself.
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
 * @cssstate refunded - The payment was given back in full (`:state(refunded)`): no pay button.
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

  static override properties: Record<string, PropertyDeclaration> = {
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
  /** @internal The consent step's last report (issue 25; kpg-terms/step.ts sets it and asks for an update). */
  declare termsState?: KpgTermsDetail;

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
  #view?: View;
  /** The pay button's label for an amount and a language (formatting an amount is not free: once per change). */
  #label = ['', ''];
  /** How many refused attributes the page knew when the configuration was last read (refusals.ts). */
  #refusals = 0;

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
    // The buyer's first intent (pointer, focus) fetches the second stage if idle time has not yet.
    for (const type of ['pointerover', 'pointerdown', 'focusin']) this.addEventListener(type, () => void more().catch(() => {}), { passive: true });
  }

  /** Where the current or last attempt stands: `idle`, `busy`, `continue`, `paid`, `failed`, `cancelled`, `error`, `awaiting-deposit` or `refunded`. For CSS: `:state(paid)`. */
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
    if (this.disabled) return Promise.reject(new Error(tell('disabled')));
    return this.#attempt.pay();
  }

  /** @internal The configuration validated when the attributes last changed (read afresh when a change is not rendered yet). */
  readConfig(): ConfigResult {
    return this.isUpdatePending || !this.#config || this.#refusals !== refusals() ? readConfig(this) : this.#config;
  }

  /** @internal */
  cardChoice(): CardChoice | null | undefined {
    if (!this.#picker()) return undefined;
    return this._card && { card_cpny_cd: this._card.card_cpny_cd, install_month: this._card.install_month };
  }


  /** With `cards-url`, and only where this script has the card picker (kpg-smartro.js has none). */
  #picker(): boolean {
    if (!this.cardsUrl) return false;
    if (views.picker || customElements.get('kpg-card-picker')) return true;
    warnOnce(tell('no-picker'));
    return false;
  }

  /** @internal Put the focus where the buyer goes on, when it was lost (the button was disabled meanwhile). */
  restoreFocus(): void {
    const active = document.activeElement;
    if (!this.isConnected || (active && active !== document.body && active !== this)) return;
    const root = this.renderRoot;
    const button = root.querySelector<HTMLElement>('[part="button"]');
    if (root.activeElement && root.activeElement !== button) return;
    const outcome = this.#attempt.outcome;
    const code = outcome?.type === 'kpg-error' && outcome.detail.code;
    // What the buyer must do first: choose a card (the picker), agree to the PG's terms (the consent step).
    if (code === 'card-required' || code === 'terms-required') {
      const step = root.querySelector(code === 'card-required' ? 'kpg-card-picker' : 'kpg-terms');
      (step?.shadowRoot?.querySelector<HTMLElement>('[tabindex="0"],input') ?? step)?.focus();
    } else {
      (this.state === 'paid' || this.state === 'refunded'
        ? root.querySelector<HTMLElement>('[part="status"]')
        : this.state === 'awaiting-deposit'
          ? root.querySelector<HTMLElement>('[part="vbank"]')
          : button
      )?.focus();
    }
  }

  protected override willUpdate(changed: Changed): void {
    super.willUpdate(changed);
    if (changed.has('orderId') && changed.get('orderId') !== undefined) this.#attempt.orderChanged();
    if (this.state !== 'awaiting-deposit') this._copy = '';
    const learned = this.#refusals !== refusals();
    if (!this.#config || learned || [...changed.keys()].some((key) => !NOT_CONFIG.has(key))) {
      this.#refusals = refusals();
      this.#config = readConfig(this);
      // Ready before the click (Shinhan's script on PC), even while the order is still to be set: the
      // click then sends the session request at once. In idle time: inserting a script is not free, and
      // the button comes first.
      const device = this.device || 'auto';
      const scriptSrc = this.scriptSrc || null;
      try {
        const preload = providerFor(this.provider).preload;
        if (preload && oneOf(DEVICES, device)) idle(() => preload(device, scriptSrc));
      } catch {
        /* reported as invalid-config */
      }
      // The card picker is what the buyer acts on first: its second stage is fetched now, not at idle.
      if (this.#picker() && !customElements.get('kpg-card-picker')) more().catch(() => {});
    }
    const read = this.#config;
    this._configError = this.disabled || read.ok ? null : read.error;
  }

  protected override updated(changed: Changed): void {
    super.updated(changed);
    // A configuration mistake shows up when the element connects or an attribute changes, not on the click.
    const error = this._configError;
    const key = error ? `${error.field}\n${error.message}` : '';
    // A refusal learned from this element's own attempt (refusals.ts) was fired as that attempt's outcome.
    if (key && key !== this.#reported && !(error!.status && this.#attempt.outcome)) {
      console.error(`[kpg-checkout] invalid-config: ${error!.message}`);
      emit(this, 'kpg-error', error!);
    }
    this.#reported = key;
  }

  #onCardSelect = (event: Event) => {
    this._card = (event as CustomEvent<KpgCardSelectDetail>).detail;
    // The prompt to choose a card goes as soon as one is chosen (by mouse or keyboard), not at the next press.
    this.dismiss('card-required');
  };

  /** @internal A refusal's prompt goes: the buyer did what it asked (the card, the consent step's terms). */
  dismiss(code: 'card-required' | 'terms-required'): void {
    this.#attempt.dismiss(code);
  }

  #message(t: typeof KO, en: boolean): string {
    const outcome = this.#attempt.outcome;
    const error = this._configError;
    // A refusal learned from the backend says why (outcome.ts); the others are the shop's to fix.
    if (error && !this.#attempt.active) return (error.status && loaded()?.message({ type: 'kpg-error', detail: error }, en, '')) || t.unavailable;
    if (!outcome) return '';
    return (outcome.type === 'kpg-error' && errorText(t, outcome.detail, en)) || loaded()?.message(outcome, en, this._copy) || t.notStarted;
  }

  /** The shadow DOM, made once (the first render, before any click). */
  #build(): View {
    const view: View = {
      base: make('div', { part: 'base', class: 'base' }),
      hint: make('p', { class: 'hint', id: 'hint' }),
      button: make('button', { part: 'button', type: 'button' }),
      icon: null,
      spin: make('span', { class: 'spin', 'aria-hidden': 'true' }),
      label: make('span', {}),
      windowButton: make('button', { part: 'window-button', class: 'secondary', type: 'button' }),
      cardHint: make('p', { class: 'message', id: 'card-hint' }),
      status: make('p', { part: 'status', class: 'message', role: 'status', tabindex: '-1' }),
      alert: make('p', { part: 'alert', class: 'message', role: 'alert' }),
    };
    view.button.append(view.label);
    view.button.addEventListener('click', () => this.#attempt.press());
    view.windowButton.addEventListener('click', () => this.#attempt.focusWindow());
    this.renderRoot.append(view.base);
    return view;
  }

  /** The card picker (second stage), its attributes following the checkout's. */
  #renderPicker(view: View, blocked: boolean): HTMLElement {
    let picker = view.picker;
    if (!picker) {
      picker = view.picker = make('kpg-card-picker', { part: 'picker', exportparts: 'list, card, installment' });
      picker.addEventListener('kpg-card-select', this.#onCardSelect);
    }
    const attributes = {
      'cards-url': this.cardsUrl,
      amount: this.amount,
      pgcode: this.pgcode,
      main_color: this.mainColor,
      point_color: this.pointColor,
      lang: this.lang || null,
      'image-base': this.imageBase,
      timeout: this.timeout,
      disabled: blocked || this.disabled ? '' : null,
    };
    for (const [name, value] of Object.entries(attributes)) attr(picker, name, value == null ? null : String(value));
    return picker;
  }

  protected override update(_changed: Changed): void {
    const t = this.text(KO, EN);
    const en = t === EN;
    const view = (this.#view ??= this.#build());
    const state = this.state;
    this.#attempt.showState();
    const busy = state === 'busy';
    const paid = state === 'paid';
    const alert = state === 'error' || state === 'failed';
    const picker = this.#picker();
    const needsCard = picker && !this._card;
    const message = this.#message(t, en);
    const outcome = this.#attempt.outcome;
    const vbank = state === 'awaiting-deposit' && outcome?.type === 'kpg-vbank-issued' ? outcome.detail.vbank : null;
    const m = loaded();
    const { button } = view;
    // The consent step (issue 25; the second stage's): the PG's terms, once it is here.
    const step = views.terms;
    const terms = step && !paid && !vbank ? (view.terms = step.render(this, view.terms, busy || state === 'continue')) : null;
    const needsTerms = !!step?.choice(this)?.hasOwnProperty('code');

    // The pay button, the account when one was issued, nothing for an order given back.
    let main: Element | null = state === 'refunded' ? null : button;
    if (vbank && m) {
      if (view.vbank?.for !== vbank || view.vbank.en !== en) {
        view.vbank = { for: vbank, en, view: m.vbank(vbank, en, (result) => (this._copy = result)) };
      }
      main = view.vbank.view;
    }
    attr(button, 'class', `pay ${state}`);
    attr(button, 'disabled', this.disabled || paid || this._configError ? '' : null);
    // Busy is aria-disabled, not disabled: the focused button keeps the focus (a disabled one would lose it).
    attr(button, 'aria-disabled', busy ? 'true' : null);
    attr(button, 'aria-busy', busy ? 'true' : 'false');
    attr(button, 'aria-describedby', state === 'continue' ? 'hint' : needsCard || needsTerms ? 'card-hint' : null);
    const icon = busy ? view.spin : paid && m ? (view.icon?.localName === 'svg' ? view.icon : m.checkMark()) : null;
    if (icon !== view.icon) {
      view.icon?.remove();
      if (icon) button.prepend(icon);
      view.icon = icon;
    }
    const key = `${en}${this.amount}`;
    if (this.#label[0] !== key) this.#label = [key, t.pay(readAmount(this.amount))];
    say(view.label, paid && m ? m.paid(en) : state === 'continue' ? t.openWindow : this.#label[1]);
    say(view.hint, t.continueHint);
    say(view.windowButton, t.viewWindow);
    // What is missing before the buyer can pay: the card company, the consent to the PG's terms (issue 25).
    say(view.cardHint, needsCard ? t.cardRequired : (needsTerms && step?.hint(en)) || '');
    say(view.status, busy ? t.busy : alert ? '' : message);
    say(view.alert, alert ? message : '');

    // What the base holds, in this order; a node stays in place while it is shown (the focus stays too).
    const shown = [
      picker && main ? this.#renderPicker(view, busy || state === 'continue' || paid || !!vbank) : null,
      terms,
      state === 'continue' ? view.hint : null,
      main,
      busy && this.#attempt.popup.isOpen ? view.windowButton : null,
      (needsCard || needsTerms) && !alert && !vbank ? view.cardHint : null,
      view.status,
      view.alert,
    ].filter((node): node is Element => !!node);
    const { base } = view;
    for (const child of [...base.children]) if (!shown.includes(child)) child.remove();
    shown.forEach((node, i) => {
      if (base.children[i] !== node) base.insertBefore(node, base.children[i] ?? null);
    });
  }
}
