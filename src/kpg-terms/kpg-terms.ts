import { html, nothing } from 'lit/html.js';
import { KpgLitElement } from '../lit-element.js';
import type { Changed, PropertyDeclaration } from '../reactive.js';
import { readTimeout } from '../attributes.js';
import { KpgError } from '../errors.js';
import { emit, type KpgTermsDetail } from '../events.js';
import { retryText } from '../i18n-more.js';
import { backendUrl } from '../origins.js';
import { PG_CODE } from '../rules.js';
import { TERMS_DOC_HEAD, trustedHtml } from '../script-loader.js';
import { loadTerms, type Terms } from '../terms.js';
import { styles } from './kpg-terms.styles.js';
import { say } from '../messages.js';

/** The consent step's own words (Korean, English). */
const KO = {
  label: '결제 약관 동의',
  shop: '상점 약관',
  read: '전문 보기',
  agreeAll: '위 약관에 모두 동의합니다 (전체 동의)',
  close: '닫기',
  loading: '약관을 불러오는 중입니다.',
  failed: '약관을 불러오지 못했습니다.',
};
const EN: typeof KO = {
  label: 'Payment terms',
  shop: "The shop's terms",
  read: 'Read in full',
  agreeAll: 'I agree to all of the terms above',
  close: 'Close',
  loading: 'Loading the terms.',
  failed: 'Could not load the terms.',
};

type Status = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The terms document put in the sandboxed frame: a CSP that loads nothing (TERMS_DOC_HEAD, which the
 * Trusted Types policy checks), then the PG's HTML as it came. The frame has `sandbox=""`: no scripts, no
 * forms, no top navigation, an opaque origin. Its own `<style>` applies only where the shop page's CSP allows
 * inline styles (a srcdoc frame inherits the page's CSP as well).
 */
export const termsDocument = (content: string): string =>
  `${TERMS_DOC_HEAD}<style>body{margin:12px;font:14px/1.6 system-ui,sans-serif;color:#1f2328;background:#fff}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 6px}</style>${content}`;

/**
 * The consent step before a Shinhan payment (issue 25): the PG's terms by name (terms-info-list, through
 * your backend), each readable in full in a modal dialog, and a required "전체 동의" checkbox. Inside
 * `<kpg-checkout>` it is made for you (`terms="pg"`, the default for Shinhan); the checkout sends the consent
 * with the session (`terms_agreed`, `terms_hash`).
 *
 * The terms' HTML comes from the PG and is never put in this page: the dialog shows it in an `<iframe
 * srcdoc sandbox="">` (no scripts, no same origin) under a Content-Security-Policy that loads nothing.
 *
 * The shop's own terms (its 이용약관, 개인정보 처리방침...) go in as children with `slot="terms"` (links
 * to its pages, as the shop writes them): shown under the PG's and covered by the same "전체 동의"; with
 * them the step shows even where the PG has no terms. The shop records the buyer's consent to its own terms
 * itself (`kpg-terms-change`, `shop_terms`); the server records the consent to the PG's.
 *
 * @slot terms - The shop's own terms (links), covered by the same consent.
 * @tagname kpg-terms
 * @summary The PG's terms and the buyer's consent (Shinhan terms-info-list).
 *
 * @fires kpg-terms-change - The terms loaded or the buyer ticked / unticked the consent. `detail: {required, agreed, terms_agreed, terms_hash}`
 * @fires kpg-error - The terms could not be loaded (`code: "terms-failed"`) or `terms-url` is invalid (`invalid-config`).
 *
 * @csspart base - The wrapper.
 * @csspart agree - The "전체 동의" checkbox's label.
 * @csspart dialog - The dialog showing one terms in full.
 */
export class KpgTerms extends KpgLitElement {
  static override styles = styles;

  static override properties: Record<string, PropertyDeclaration> = {
    termsUrl: { attribute: 'terms-url' },
    pgcode: {},
    timeout: {},
    disabled: { type: Boolean, reflect: true },
    _status: { attribute: false },
    _terms: { attribute: false },
    _agreed: { attribute: false },
    _open: { attribute: false },
    _shop: { attribute: false },
  };

  /** Your backend endpoint for the PG's terms (same origin; kpg-checkout/server: `{base}/terms`). */
  declare termsUrl?: string;
  /** Shinhan payment method code sent as `?pgcode=`; default `selpay`. */
  declare pgcode?: string;
  /** Seconds before the terms request is abandoned; default 15. */
  declare timeout?: string | number;
  /** The consent cannot be changed (a payment is in flight). */
  declare disabled: boolean;

  declare private _status: Status;
  declare private _terms: Terms | null;
  declare private _agreed: boolean;
  /** The index of the terms the dialog shows, or -1. */
  declare private _open: number;
  /** The shop slotted its own terms (slot="terms"). */
  declare private _shop: boolean;

  #load = 0;
  /** The button that opened the dialog: the focus goes back to it. */
  #opener: HTMLElement | null = null;

  constructor() {
    super();
    this.disabled = false;
    this._status = 'idle';
    this._terms = null;
    this._agreed = false;
    this._open = -1;
    this._shop = false;
  }

  /** What the checkout sends, or what is missing. */
  get detail(): KpgTermsDetail {
    const t = this._terms;
    const list = t?.list ?? [];
    // Terms that could not be loaded are required too: the step shows why and a retry, and pay waits for them
    // (a Shinhan server that asks for consent would refuse the session anyway).
    const required = list.length > 0 || this._shop || this._status === 'error';
    return {
      required,
      agreed: required && this._agreed,
      terms_agreed: this._agreed ? list.map((x) => x.terms_no) : [],
      terms_hash: t?.terms_hash ?? null,
      shop_terms: this._shop,
    };
  }

  /** Load the terms again (what the retry button does). */
  reload(): void {
    void this.#fetch(true);
  }

  protected override willUpdate(changed: Changed): void {
    if (changed.has('termsUrl') || changed.has('pgcode')) void this.#fetch(false);
  }

  async #fetch(fresh: boolean): Promise<void> {
    const load = ++this.#load;
    if (!this.termsUrl) return;
    const url = backendUrl(this.termsUrl);
    const pgcode = this.pgcode || 'selpay';
    if (!url || !PG_CODE.test(pgcode)) {
      this._status = 'error';
      emit(this, 'kpg-error', { code: 'invalid-config', field: url ? 'pgcode' : 'terms-url', message: url ? say('pgcode', pgcode) : say('same-origin', 'terms-url', this.termsUrl, location.origin) });
      // Every load ends with kpg-terms-change (a press waiting for the terms goes on: held, as for terms that failed).
      return void emit(this, 'kpg-terms-change', this.detail);
    }
    url.searchParams.set('pgcode', pgcode);
    this._status = 'loading';
    try {
      const terms = await loadTerms(url, readTimeout(this.timeout), fresh);
      if (load !== this.#load) return;
      // Terms that changed (another hash) need the buyer's consent again.
      if (terms?.terms_hash !== this._terms?.terms_hash) this._agreed = false;
      this._terms = terms;
      this._status = 'ready';
    } catch (error) {
      if (load !== this.#load) return;
      this._terms = null;
      this._agreed = false;
      this._status = 'error';
      emit(this, 'kpg-error', error instanceof KpgError ? error.detail : { code: 'terms-failed', message: String(error) });
    }
    emit(this, 'kpg-terms-change', this.detail);
  }

  /** The shop's terms came or went (also through `<kpg-checkout>`'s slot, forwarded here). */
  #onSlot(event: Event): void {
    const shop = (event.target as HTMLSlotElement).assignedElements({ flatten: true }).length > 0;
    if (shop === this._shop) return;
    this._shop = shop;
    emit(this, 'kpg-terms-change', this.detail);
  }

  #onAgree(event: Event): void {
    this._agreed = (event.target as HTMLInputElement).checked;
    emit(this, 'kpg-terms-change', this.detail);
  }

  #show(index: number, event: Event): void {
    this.#opener = event.currentTarget as HTMLElement;
    this._open = index;
    void this.updateComplete.then(() => {
      const dialog = this.renderRoot.querySelector('dialog');
      const terms = this._terms?.list[index];
      if (!dialog || !terms) return;
      // srcdoc is a Trusted Types sink: the policy only lets a document that starts with the CSP through.
      (dialog.querySelector('iframe') as HTMLIFrameElement).srcdoc = trustedHtml(termsDocument(terms.terms_ctnt));
      if (!dialog.open) dialog.showModal();
    });
  }

  /** Escape, the close button, or the form: the focus goes back to the button that opened it. */
  #onClose(): void {
    // The close event is queued: the dialog may have been opened again (another terms) in between.
    if (this.renderRoot.querySelector('dialog')?.open) return;
    this._open = -1;
    const frame = this.renderRoot.querySelector('iframe');
    if (frame) frame.removeAttribute('srcdoc');
    this.#opener?.focus();
  }

  protected override render() {
    const t = this.text(KO, EN);
    const list = this._terms?.list ?? [];
    const open = list[this._open];
    // Nothing to agree to: only the (empty) slot stays, so shop's terms slotted later are seen.
    if (this._status === 'ready' && !list.length && !this._shop) return html`<slot name="terms" @slotchange=${this.#onSlot}></slot>`;
    return html`
      <div part="base" class="base">
        <p class="label" id="label">${t.label}</p>
        <ul class="terms" aria-labelledby="label" ?hidden=${!list.length && this._status !== 'loading'}>
          ${list.map(
            (terms, i) => html`<li>
              <span id=${`name-${i}`}>${terms.terms_nm}</span>
              <button type="button" class="read" aria-describedby=${`name-${i}`} @click=${(e: Event) => this.#show(i, e)}>${t.read}</button>
            </li>`,
          )}
        </ul>
        <div class="shop" role="group" aria-label=${t.shop} ?hidden=${!this._shop}><slot name="terms" @slotchange=${this.#onSlot}></slot></div>
        ${list.length || this._shop
          ? html`<label part="agree" class="agree"><input type="checkbox" required aria-required="true" .checked=${this._agreed} ?disabled=${this.disabled} @change=${this.#onAgree} />
              <span>${t.agreeAll}</span></label>`
          : nothing}
        <p class="message" role="status">${this._status === 'loading' ? t.loading : ''}</p>
        <p class="message" role="alert">${this._status === 'error' ? t.failed : ''}${this._status === 'error'
            ? html`<button class="retry" type="button" @click=${() => this.reload()}>${retryText(t === EN)}</button>`
            : nothing}</p>
        <dialog part="dialog" aria-labelledby="dialog-title" @close=${this.#onClose}>
          <h2 id="dialog-title">${open?.terms_nm ?? ''}</h2>
          <iframe title=${open?.terms_nm ?? t.label} sandbox="" referrerpolicy="no-referrer"></iframe>
          <button type="button" class="close" autofocus @click=${() => this.renderRoot.querySelector('dialog')?.close()}>${t.close}</button>
        </dialog>
      </div>
    `;
  }
}
