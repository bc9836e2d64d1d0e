import { html, nothing } from 'lit/html.js';
import { KpgLitElement } from '../lit-element.js';
import type { Changed, PropertyDeclaration } from '../reactive.js';
import { readTimeout } from '../attributes.js';
import { readTid } from '../tid.js';
import { PopupController } from '../controllers/popup.js';
import { KpgError, invalidConfig } from '../errors.js';
import { causeOf } from '../causes.js';
import { emit, type KpgErrorDetail } from '../events.js';
import { getJson } from '../http.js';
import { popupBlockedText } from '../i18n.js';
import { retryText } from '../i18n-more.js';
import { backendUrl } from '../origins.js';
import type { ReceiptSupport, Slip } from '../providers/types.js';
import { providerFor, views } from '../registry.js';
import { styles } from './kpg-receipt.styles.js';
import { say } from '../messages.js';

const WINDOW = 'kpgReceipt';
const FEATURES = 'width=420,height=640,resizable=yes,scrollbars=yes';

/** The receipt's own words (Korean, English); the inline slip's are in slip.ts. */
const KO = {
  receipt: '전표 보기',
  loading: '전표를 불러오는 중입니다.',
  failed: '전표를 불러오지 못했습니다.',
  // Per cause (causes.ts): only `failed` (passing) comes with a retry button.
  login: '전표를 보려면 다시 로그인해 주세요.',
  // kpg-checkout/server answers a logged-out buyer's request as one for a TID that is not there (404: no oracle).
  shop: '전표를 찾을 수 없습니다. 로그인 상태를 확인하거나 상점에 문의해 주세요.',
};
const EN: typeof KO = {
  receipt: 'View receipt',
  loading: 'Loading the receipt.',
  failed: 'Could not load the receipt.',
  login: 'Please log in again to see this receipt.',
  shop: 'This receipt cannot be found. Check that you are logged in, or contact the shop.',
};

/**
 * A payment's receipt (전표): a button that opens the PG's receipt page in a popup (opened inside the
 * click), or, with `view="inline"` (Smartro), the slip itself, printable.
 *
 * @tagname kpg-receipt
 * @summary Receipt (전표) button or inline slip for Smartro and Shinhan payments.
 *
 * @slot - The button's content (default: 전표 보기).
 * @fires kpg-error - `invalid-config` (tid, type, env...), `popup-blocked`, `origin-not-allowed`, or `receipt-failed`.
 * @attribute pg-origins - Ignored, with a console warning: receipt-page origins beyond the PGs' are allowed from JavaScript only (`KpgCheckout.allowPgOrigins()`).
 *
 * @csspart base - The wrapper.
 * @csspart button - The button that opens the receipt.
 * @csspart slip - The inline slip.
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
 * @cssproperty --kpg-slip-width - Maximum width of the inline slip (default 420px).
 */
export class KpgReceipt extends KpgLitElement {
  static override styles = styles;

  static override properties: Record<string, PropertyDeclaration> = {
    provider: {},
    tid: {},
    type: {},
    env: {},
    receiptUrl: { attribute: 'receipt-url' },
    issueUrl: { attribute: 'issue-url' },
    view: { reflect: true },
    timeout: {},
    _status: { attribute: false },
    _slip: { attribute: false },
    _message: { attribute: false },
  };

  /** `smartro` or `shinhan`. */
  declare provider?: string;
  /** The PG's transaction id (the `tid` in `kpg-success`'s detail). */
  declare tid?: string;
  /** Smartro: `0` the payment (default), `2` cash receipt (text or a number). */
  declare type?: string | number;
  /** Smartro: `real` (default, www.smilepay.co.kr) or `test` (test.smilepay.co.kr). */
  declare env?: string;
  /** Your backend endpoint (same origin): Shinhan's receipt URL, or Smartro's receipt data for `view="inline"`. */
  declare receiptUrl?: string;
  /** Smartro: another IssueLoader URL (a sandbox); its origin must be allowed with `KpgCheckout.allowPgOrigins()`. */
  declare issueUrl?: string;
  /** `popup` (default) or `inline` (Smartro: the slip in the page). */
  declare view?: string;
  /** Seconds before a backend request is abandoned; default 15 (text or a number). */
  declare timeout?: string | number;

  declare private _status: 'idle' | 'loading' | 'ready' | 'error';
  declare private _slip: Slip | null;
  declare private _message: string;

  #popup = new PopupController(this);
  #busy = false;
  /** The last failure may pass: the inline slip offers a retry button. */
  #retry = false;
  #load = 0;

  constructor() {
    super();
    this._status = 'idle';
    this._slip = null;
    this._message = '';
  }

  get #inline(): boolean {
    return this.view === 'inline';
  }

  #fail(detail: KpgErrorDetail): void {
    const t = this.text(KO, EN);
    const cause = causeOf(detail);
    // A retry helps a passing failure only: a 403 or a receipt that is not there answers the same again.
    this.#retry = cause === 'later';
    this._status = 'error';
    this._message = detail.code === 'popup-blocked' ? popupBlockedText(this.text(false, true)) : cause === 'login' ? t.login : cause === 'later' ? t.failed : t.shop;
    console.error(`[kpg-receipt] ${detail.code}: ${detail.message}`);
    emit(this, 'kpg-error', detail);
  }

  #support(): ReceiptSupport {
    const { id, receipt: support } = providerFor(this.provider);
    if (!support) throw invalidConfig('provider', say('no-receipts', id));
    if (this.#inline && !support.inline) throw invalidConfig('view', say('receipt-inline', id));
    return support;
  }

  #backendUrl(): URL {
    const tid = readTid(this.tid);
    const url = this.receiptUrl ? backendUrl(this.receiptUrl) : null;
    if (!url) {
      throw invalidConfig('receipt-url', this.receiptUrl ? say('same-origin', 'receipt-url', this.receiptUrl, location.origin) : say('attribute-required', 'receipt-url'));
    }
    url.searchParams.set('tid', tid);
    return url;
  }

  #ask(url: URL): Promise<unknown> {
    return getJson(url, 'receipt-failed', 'The receipt request', {
      signal: new AbortController().signal,
      timeoutMs: readTimeout(this.timeout),
    });
  }

  /** A receipt-failed error from anything that went wrong (a KpgError keeps its message and field). */
  #failed(error: unknown, keep?: 'invalid-config'): void {
    const detail: KpgErrorDetail = error instanceof KpgError ? error.detail : { code: 'receipt-failed', message: String(error) };
    this.#fail(detail.code === keep ? detail : { ...detail, code: 'receipt-failed' });
  }

  /** Open the receipt, as a click on the button does. Call it inside a click: it opens a window. */
  open(): void {
    if (this.#busy || this.#inline) return;
    let support: ReceiptSupport;
    let url: URL;
    try {
      support = this.#support();
      if (support.kind === 'direct') {
        const page = support.url({ tid: this.tid ?? '', type: this.type == null ? null : String(this.type), env: this.env ?? null, issueUrl: this.issueUrl ?? null });
        const win = window.open(page.href, WINDOW, FEATURES);
        if (!win) throw new KpgError({ code: 'popup-blocked', message: say('receipt-blocked') });
        win.opener = null;
        this._status = 'idle';
        this._message = '';
        return;
      }
      // Shinhan: open the window inside the click, then ask the backend where it should go.
      url = this.#backendUrl();
      if (!this.#popup.open(WINDOW, FEATURES)) throw new KpgError({ code: 'popup-blocked', message: say('receipt-blocked') });
    } catch (error) {
      this.#fail(error instanceof KpgError ? error.detail : { code: 'invalid-config', message: String(error) });
      return;
    }
    this.#busy = true;
    this._status = 'loading';
    this._message = '';
    this.#ask(url)
      .then((json) => {
        const target = support.url(json as never);
        const win = this.#popup.window;
        if (!win || win.closed) return;
        win.opener = null;
        win.location.replace(target.href);
        this._status = 'idle';
      })
      .catch((error: unknown) => {
        this.#popup.close();
        this.#failed(error);
      })
      .finally(() => {
        this.#busy = false;
      });
  }

  /** Load the inline slip again (what the retry button does). */
  async reload(): Promise<void> {
    const load = ++this.#load;
    this._slip = null;
    try {
      const support = this.#support();
      const url = this.#backendUrl();
      this._status = 'loading';
      this._message = '';
      const slip = support.inline!(await this.#ask(url));
      if (load !== this.#load) return;
      this._slip = slip;
      this._status = 'ready';
    } catch (error) {
      if (load === this.#load) this.#failed(error, 'invalid-config');
    }
  }

  protected override willUpdate(changed: Changed): void {
    if (this.#inline && (changed.has('tid') || changed.has('receiptUrl') || changed.has('provider') || changed.has('view'))) {
      void this.reload();
    }
  }

  protected override render() {
    const t = this.text(KO, EN);
    const error = this._status === 'error' ? this._message : '';
    return html`<div part="base" class="base">
      ${this.#inline
        ? this._slip && views.slip
          ? views.slip.render(this._slip, this.lang, this.renderRoot as ShadowRoot)
          : nothing
        : html`<button part="button" type="button" @click=${() => this.open()}><slot>${t.receipt}</slot></button>`}
      <p class="message" role="status">${this._status === 'loading' ? t.loading : ''}</p>
      <p class="message" role="alert">${error}${error && this.#inline && this.#retry
          ? html`<button class="retry" type="button" @click=${() => void this.reload()}>${retryText(this.text(false, true))}</button>`
          : nothing}</p>
    </div>`;
  }
}
