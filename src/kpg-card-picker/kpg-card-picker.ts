import { html, nothing } from 'lit/html.js';
import { KpgLitElement } from '../lit-element.js';
import type { Changed, PropertyDeclaration } from '../reactive.js';
import { readAmount, readTimeout } from '../attributes.js';
import { DEFAULT_INSTALLMENT_MINIMUM, imageUrl, installments, loadCards, promotions, toOption, type CardOption } from '../cards.js';
import { KpgError } from '../errors.js';
import { emit, type KpgCardSelectDetail } from '../events.js';
import { won } from '../i18n.js';
import { monthsText, retryText } from '../i18n-more.js';
import { checkMark } from '../icons.js';
import { backendUrl } from '../origins.js';
import { SHINHAN_IMAGE_BASE } from '../providers/shinhan.js';
import { PG_CODE } from '../rules.js';
import { warnOnce } from '../warn.js';
import { styles } from './kpg-card-picker.styles.js';
import { say } from '../messages.js';

/** The picker's own words (Korean, English). */
const KO = {
  cardsLabel: '카드사 선택',
  cardsLoading: '카드사 목록을 불러오는 중입니다.',
  cardsFailed: '카드사 목록을 불러오지 못했습니다.',
  cardsEmpty: '지금 선택할 수 있는 카드사가 없습니다.',
  installment: '할부 개월',
  lumpSum: '일시불',
  installmentFrom: (amount: number) => `할부는 ${won(amount, false)} 이상 결제할 때 선택할 수 있습니다.`,
  points: '포인트',
  outage: (message: string) => `사용 불가: ${message}`,
  cardUnavailable: '사용 불가',
};
const EN: typeof KO = {
  cardsLabel: 'Card company',
  cardsLoading: 'Loading card companies.',
  cardsFailed: 'Could not load the card companies.',
  cardsEmpty: 'No card company is available right now.',
  installment: 'Installments',
  lumpSum: 'Pay in full',
  installmentFrom: (amount) => `Installments are available from ${won(amount, true)}.`,
  points: 'Points',
  outage: (message) => `Unavailable: ${message}`,
  cardUnavailable: 'Unavailable',
};

type Status = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The card-company picker Korean shoppers expect before the card window opens, built from Shinhan's
 * `card-list` (through your backend), with the installment months each card allows at this amount.
 *
 * @tagname kpg-card-picker
 * @summary Card company + installment picker (Shinhan card-list).
 *
 * @fires kpg-card-select - The buyer chose a card or a number of months. `detail: {card_cpny_cd, card_cpny_name, install_month}`
 * @fires kpg-error - The list could not be loaded (`code: "cards-failed"`) or `cards-url` is invalid (`invalid-config`).
 * @attribute pg-origins - Ignored, with a console warning: PG origins are allowed from JavaScript only (`KpgCheckout.allowPgOrigins()`).
 *
 * @csspart base - The wrapper.
 * @csspart list - The radio group of cards.
 * @csspart card - One card company.
 * @csspart installment - The installment `<select>`.
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
 * @cssproperty --kpg-padding - Space inside the surface (default 16px; 0 inside `<kpg-checkout>`).
 * @cssproperty --kpg-card-min-width - Minimum width of a card tile (default 72px: 3 columns at 320 px, 4 at 390).
 */
export class KpgCardPicker extends KpgLitElement {
  static override styles = styles;

  static override properties: Record<string, PropertyDeclaration> = {
    cardsUrl: { attribute: 'cards-url' },
    amount: {},
    pgcode: {},
    imageBase: { attribute: 'image-base' },
    timeout: {},
    value: {},
    installMonth: { attribute: 'install-month' },
    disabled: { type: Boolean, reflect: true },
    _status: { attribute: false },
    _error: { attribute: false },
    _cards: { attribute: false },
    _focus: { attribute: false },
    _shown: { attribute: false },
    _brokenImages: { attribute: false },
  };

  /** Your backend endpoint that proxies Shinhan's card-list (same origin). Required. */
  declare cardsUrl?: string;
  /** The order amount in won (text or a number): decides installments and promotions. */
  declare amount?: string | number;
  /** Shinhan payment method code sent as `?pgcode=`; default `card`. */
  declare pgcode?: string;
  /** Base URL for card-list's relative `image_url`s; default Shinhan's `https://payspg.shinhan.com/`. */
  declare imageBase?: string;
  /** Seconds before the list request is abandoned; default 15 (text or a number). */
  declare timeout?: string | number;
  /** The chosen card company code (`card_cpny_cd`), or empty. Setting it fires no event. */
  declare value: string;
  /** The chosen months, `"00"` (lump sum) to `"12"`. Setting it fires no event. */
  declare installMonth: string;
  /** No choice can be made. */
  declare disabled: boolean;

  declare private _status: Status;
  declare private _error: string;
  declare private _cards: CardOption[];
  /** Index of the card that holds the group's tab stop. */
  declare private _focus: number;
  /** Index of the focused card while the group has focus (its notes show), else -1 (the chosen card's). */
  declare private _shown: number;
  declare private _brokenImages: Set<string>;

  constructor() {
    super();
    this.value = '';
    this.installMonth = '00';
    this.disabled = false;
    this._status = 'idle';
    this._error = '';
    this._cards = [];
    this._focus = 0;
    this._shown = -1;
    this._brokenImages = new Set();
  }

  get #t() {
    return this.text(KO, EN);
  }

  #load = 0;

  /** The current choice, or null. */
  get selected(): KpgCardSelectDetail | null {
    const card = this._cards.find((c) => c.code === this.value);
    return card && !card.outage
      ? { card_cpny_cd: card.code, card_cpny_name: card.name, install_month: this.installMonth }
      : null;
  }

  /** Load the list again (what the retry button does). */
  reload(): void {
    void this.#fetch(true);
  }

  protected override willUpdate(changed: Changed): void {
    if (changed.has('cardsUrl') || changed.has('pgcode') || changed.has('imageBase')) {
      void this.#fetch(false);
    }
    // A month the chosen card does not offer at this amount falls back to a lump sum.
    const card = this._cards.find((c) => c.code === this.value);
    if (card && !this.#months(card).some((o) => o.month === this.installMonth)) this.installMonth = '00';
  }

  #amount(): number | null {
    return readAmount(this.amount);
  }

  protected override firstUpdated(): void {
    if (!this.cardsUrl) warnOnce(say('no-cards-url'));
  }

  #months(card: CardOption) {
    return installments(card.raw, this.#amount());
  }

  async #fetch(fresh: boolean): Promise<void> {
    const load = ++this.#load;
    if (!this.cardsUrl) return;
    const url = backendUrl(this.cardsUrl);
    const pgcode = this.pgcode || 'card';
    if (!url || !PG_CODE.test(pgcode)) {
      this._status = 'error';
      this._error = this.#t.cardsFailed;
      emit(this, 'kpg-error', {
        code: 'invalid-config',
        field: url ? 'pgcode' : 'cards-url',
        message: url ? say('pgcode', pgcode) : say('same-origin', 'cards-url', this.cardsUrl, location.origin),
      });
      return;
    }
    url.searchParams.set('pgcode', pgcode);
    this._status = 'loading';
    this._error = '';
    try {
      const cards = await loadCards(url, readTimeout(this.timeout), fresh);
      if (load !== this.#load) return; // a newer request replaced this one
      const base = this.imageBase || SHINHAN_IMAGE_BASE;
      this._cards = cards.map((card) => toOption(card, imageUrl(card.image_url, base)));
      this._status = 'ready';
      const chosen = this._cards.findIndex((c) => c.code === this.value);
      this._focus = chosen >= 0 ? chosen : Math.max(0, this._cards.findIndex((c) => !c.outage));
    } catch (error) {
      if (load !== this.#load) return;
      const detail =
        error instanceof KpgError
          ? error.detail
          : { code: 'cards-failed' as const, message: error instanceof Error ? error.message : String(error) };
      this._status = 'error';
      this._cards = [];
      this._error = /empty/.test(detail.message) ? this.#t.cardsEmpty : this.#t.cardsFailed;
      emit(this, 'kpg-error', detail);
    }
  }

  /** Choose a card; choosing the card already chosen fires nothing, as a native radio button. */
  #choose(index: number): void {
    const card = this._cards[index];
    if (!card || card.outage || this.disabled) return;
    this._focus = index;
    if (this.value === card.code) return;
    this.value = card.code;
    if (!this.#months(card).some((o) => o.month === this.installMonth)) this.installMonth = '00';
    this.#announce();
  }

  #announce(): void {
    const selected = this.selected;
    if (selected) emit(this, 'kpg-card-select', selected);
  }

  #onMonths(event: Event): void {
    this.installMonth = (event.target as HTMLSelectElement).value;
    this.#announce();
  }

  /**
   * The WAI-ARIA radio group pattern, as native radio buttons behave: arrow keys move to the next card
   * that can be chosen AND choose it (skipping outages, wrapping around); Space and Enter choose the
   * focused card (the one Tab lands on while nothing is chosen).
   */
  #onKeydown(event: KeyboardEvent): void {
    const enabled = this._cards.map((c, i) => (c.outage ? -1 : i)).filter((i) => i >= 0);
    if (!enabled.length || this.disabled) return;
    const at = Math.max(0, enabled.indexOf(this._focus));
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        next = enabled[(at + 1) % enabled.length];
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        next = enabled[(at - 1 + enabled.length) % enabled.length];
        break;
      case 'Home':
        next = enabled[0];
        break;
      case 'End':
        next = enabled[enabled.length - 1];
        break;
      case ' ':
      case 'Enter':
        next = this._focus;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.#choose(next);
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus(),
    );
  }

  /** The card whose promotions and notices show under the grid: the focused one, else the chosen one. */
  #onFocus(event: FocusEvent): void {
    const tile = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    this._shown = event.type === 'focusin' && tile ? Number(tile.dataset.index) : -1;
  }

  /** What a card's promotions and notices say (an outage first), for its description and the info line. */
  #notes(card: CardOption): string[] {
    return [
      ...(card.outage ? [this.#t.outage(card.outage)] : []),
      ...promotions(card.raw, this.#amount()).map((p) => [p.prmt_name, p.prmt_ctnt].filter(Boolean).join(': ')),
      ...card.notices,
    ];
  }

  /**
   * A tile of the grid: logo and name only, so every tile has the same height. What the card's notes say
   * is its accessible description (every card), and shows under the grid for the focused/chosen card.
   */
  #renderCard(card: CardOption, index: number) {
    const checked = card.code === this.value;
    const blocked = !!card.outage || this.disabled;
    const image = card.image && !this._brokenImages.has(card.image) ? card.image : null;
    const notes = this.#notes(card);
    const described = notes.length || card.points;
    return html`
      <div
        part="card"
        class=${card.outage ? 'card out' : 'card'}
        role="radio"
        data-index=${index}
        aria-checked=${checked ? 'true' : 'false'}
        aria-disabled=${blocked ? 'true' : 'false'}
        aria-labelledby=${`name-${index}`}
        aria-describedby=${described ? `note-${index}` : nothing}
        tabindex=${index === this._focus && !blocked ? '0' : '-1'}
        @click=${() => this.#choose(index)}
      >
        ${image
          ? html`<img
              src=${image}
              alt=""
              loading="lazy"
              referrerpolicy="no-referrer"
              @error=${() => (this._brokenImages = new Set([...this._brokenImages, image]))}
            />`
          : nothing}
        <span class="name" id=${`name-${index}`}>${card.name}</span>
        ${card.outage
          ? html`<span class="tag">${this.#t.cardUnavailable}</span>`
          : card.points
            ? html`<span class="tag">${this.#t.points}</span>`
            : nothing}
        ${checked ? html`<span class="mark">${checkMark}</span>` : nothing}
        ${described ? html`<span class="sr" id=${`note-${index}`}>${card.points ? `${this.#t.points}. ` : ''}${notes.join('. ')}</span>` : nothing}
      </div>
    `;
  }

  /** The focused (else the chosen) card's notes, visible under the grid; screen readers get them per card. */
  #renderInfo() {
    const shown = this._cards[this._shown] ?? this._cards.find((c) => c.code === this.value);
    const notes = shown ? this.#notes(shown) : [];
    return notes.length
      ? html`<ul class="info" aria-hidden="true">${notes.map((n) => html`<li>${n}</li>`)}</ul>`
      : nothing;
  }

  #renderMonths() {
    const card = this._cards.find((c) => c.code === this.value);
    if (!card || card.outage) return nothing;
    const options = this.#months(card);
    const minimum = Number(card.raw.istl_psbl_amt ?? DEFAULT_INSTALLMENT_MINIMUM);
    const onlyLumpSum = options.length === 1 && card.raw.istl_finish_mnts != null;
    return html`
      <div class="months">
        <label for="months">${this.#t.installment}</label>
        <span class="select"><select
          id="months"
          part="installment"
          .value=${this.installMonth}
          ?disabled=${this.disabled}
          aria-describedby=${onlyLumpSum ? 'months-hint' : nothing}
          @change=${this.#onMonths}
        >
          ${options.map(
            (o) => html`<option value=${o.month} ?selected=${o.month === this.installMonth}>
              ${o.month === '00' ? this.#t.lumpSum : monthsText(Number(o.month), o.interestFree, this.#t === EN)}
            </option>`,
          )}
        </select></span>
        ${onlyLumpSum
          ? html`<span class="note" id="months-hint">${this.#t.installmentFrom(minimum)}</span>`
          : nothing}
      </div>
    `;
  }

  protected override render() {
    const t = this.#t;
    return html`
      <div part="base" class="base">
        <p class="label" id="label">${t.cardsLabel}</p>
        <div
          part="list"
          class="list"
          role="radiogroup"
          aria-labelledby="label"
          aria-busy=${this._status === 'loading' ? 'true' : 'false'}
          @keydown=${this.#onKeydown}
          @focusin=${this.#onFocus}
          @focusout=${this.#onFocus}
        >
          ${this._cards.map((card, i) => this.#renderCard(card, i))}
        </div>
        ${this.#renderInfo()} ${this.#renderMonths()}
        <p class="message" role="status">${this._status === 'loading' ? t.cardsLoading : ''}</p>
        <p class="message" role="alert">${this._status === 'error' ? this._error : ''}${this._status === 'error'
            ? html`<button class="retry" type="button" @click=${() => this.reload()}>${retryText(t === EN)}</button>`
            : nothing}</p>
      </div>
    `;
  }
}
