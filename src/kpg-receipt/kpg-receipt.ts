import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { KpgElement } from '../base-element.js';
import { readPgOrigins, readTid, readTimeout } from '../attributes.js';
import { PopupController } from '../controllers/popup.js';
import { KpgError, invalidConfig } from '../errors.js';
import { emit, type KpgErrorDetail } from '../events.js';
import { getJson } from '../http.js';
import { backendUrl } from '../origins.js';
import { providerFor } from '../registry.js';
import type { ReceiptSupport, Slip, SlipLine } from '../providers/types.js';
import { printOnlySlips, styles } from './kpg-receipt.styles.js';

const WINDOW = 'kpgReceipt';
const FEATURES = 'width=420,height=640,resizable=yes,scrollbars=yes';

let printSheet: CSSStyleSheet | null = null;

/** Printing a page with an inline receipt prints the slip only. */
function installPrintSheet(doc: Document): void {
  if (printSheet || !('adoptedStyleSheets' in doc)) return;
  printSheet = new CSSStyleSheet();
  printSheet.replaceSync(printOnlySlips);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, printSheet];
}

/**
 * A payment's receipt (전표): a button that opens the PG's receipt page in a popup (opened inside the
 * click), or, with `view="inline"` (Smartro), the slip itself, printable.
 *
 * @tagname kpg-receipt
 * @summary Receipt (전표) button or inline slip for Smartro and Shinhan payments.
 *
 * @slot - The button's content (default: 전표 보기).
 * @fires kpg-error - `invalid-config` (tid, type, env...), `popup-blocked`, `origin-not-allowed`, or `receipt-failed`.
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
export class KpgReceipt extends KpgElement {
  static override styles = styles;

  /** `smartro` or `shinhan`. */
  @property() provider?: string;
  /** The PG's transaction id (the `tid` in `kpg-success`'s detail). */
  @property() tid?: string;
  /** Smartro: `0` the payment (default), `2` cash receipt (text or a number). */
  @property() type?: string | number;
  /** Smartro: `real` (default, www.smilepay.co.kr) or `test` (test.smilepay.co.kr). */
  @property() env?: string;
  /** Your backend endpoint (same origin): Shinhan's receipt URL, or Smartro's receipt data for `view="inline"`. */
  @property({ attribute: 'receipt-url' }) receiptUrl?: string;
  /** Smartro: another IssueLoader URL (a sandbox); its origin must be allowed with `KpgCheckout.allowPgOrigins()`. */
  @property({ attribute: 'issue-url' }) issueUrl?: string;
  /** `popup` (default) or `inline` (Smartro: the slip in the page). */
  @property({ reflect: true }) view?: string;
  /** Ignored, with a console warning: receipt-page origins beyond the PGs' are allowed from JavaScript only (`KpgCheckout.allowPgOrigins()`). */
  @property({ attribute: 'pg-origins' }) pgOrigins?: string;
  /** Seconds before a backend request is abandoned; default 15 (text or a number). */
  @property() timeout?: string | number;

  @state() private _status: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private _slip: Slip | null = null;
  @state() private _message = '';

  #popup = new PopupController(this);
  #busy = false;
  #load = 0;

  get #inline(): boolean {
    return this.view === 'inline';
  }

  #fail(detail: KpgErrorDetail): void {
    this._status = 'error';
    this._message = detail.code === 'popup-blocked' ? this.t.error('popup-blocked') : this.t.receiptFailed;
    console.error(`[kpg-receipt] ${detail.code}: ${detail.message}`);
    emit(this, 'kpg-error', detail);
  }

  #support(): ReceiptSupport {
    const { id, receipt: support } = providerFor(this.provider);
    if (!support) throw invalidConfig('provider', `${id} has no receipts`);
    if (this.#inline && !support.inline) throw invalidConfig('view', `view="inline" is not available for ${id}`);
    return support;
  }

  #backendUrl(): URL {
    const tid = readTid(this.tid);
    const url = this.receiptUrl ? backendUrl(this.receiptUrl) : null;
    if (!url) {
      throw new KpgError({
        code: 'invalid-config',
        field: 'receipt-url',
        message: this.receiptUrl ? `receipt-url="${this.receiptUrl}" must be on this page's origin` : 'The receipt-url attribute is required here',
      });
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

  /** Open the receipt, as a click on the button does. Call it inside a click: it opens a window. */
  open(): void {
    if (this.#busy || this.#inline) return;
    const origins = readPgOrigins(this.pgOrigins);
    let support: ReceiptSupport;
    try {
      support = this.#support();
      if (support.kind === 'direct') {
        const url = support.url({ tid: this.tid ?? '', type: this.type == null ? null : String(this.type), env: this.env ?? null, issueUrl: this.issueUrl ?? null, pgOrigins: origins });
        const win = window.open(url.href, WINDOW, FEATURES);
        if (!win) throw new KpgError({ code: 'popup-blocked', message: 'The browser blocked the receipt window' });
        win.opener = null;
        this._status = 'idle';
        this._message = '';
        return;
      }
    } catch (error) {
      this.#fail(error instanceof KpgError ? error.detail : { code: 'invalid-config', message: String(error) });
      return;
    }
    // Shinhan: open the window inside the click, then ask the backend where it should go.
    let url: URL;
    try {
      url = this.#backendUrl();
    } catch (error) {
      this.#fail((error as KpgError).detail);
      return;
    }
    if (!this.#popup.open(WINDOW, FEATURES)) {
      this.#fail({ code: 'popup-blocked', message: 'The browser blocked the receipt window' });
      return;
    }
    this.#busy = true;
    this._status = 'loading';
    this._message = '';
    this.#ask(url)
      .then((json) => {
        const target = support.url(json, origins);
        const win = this.#popup.window;
        if (!win || win.closed) return;
        win.opener = null;
        win.location.replace(target.href);
        this._status = 'idle';
      })
      .catch((error: unknown) => {
        this.#popup.close();
        const detail = error instanceof KpgError ? error.detail : { code: 'receipt-failed' as const, message: String(error) };
        this.#fail({ ...detail, code: 'receipt-failed' });
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
      if (load !== this.#load) return;
      const detail = error instanceof KpgError ? error.detail : { code: 'receipt-failed' as const, message: String(error) };
      this.#fail(detail.code === 'invalid-config' ? detail : { ...detail, code: 'receipt-failed' });
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#inline) installPrintSheet(document);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.#inline && (changed.has('tid') || changed.has('receiptUrl') || changed.has('provider') || changed.has('view'))) {
      installPrintSheet(document);
      void this.reload();
    }
  }

  #amount(value: string): string {
    const n = Number(value.replace(/,/g, ''));
    if (!Number.isFinite(n)) return value;
    return this.lang === 'en'
      ? `\u20a9${n.toLocaleString('en-US')}`
      : `${n.toLocaleString('ko-KR')}원`;
  }

  #value(line: SlipLine): string {
    if (line.kind === 'amount') return this.#amount(line.value);
    if (line.kind === 'months') return Number(line.value) > 1 ? this.t.months(Number(line.value), false) : this.t.lumpSumShort;
    return line.value;
  }

  #lines(lines: SlipLine[]) {
    return html`<dl>
      ${lines.map(
        (l) => html`<dt>${this.t.slip[l.key] ?? l.key}</dt>
          <dd class=${l.kind === 'amount' ? 'amount' : ''} data-key=${l.key}>${this.#value(l)}</dd>`,
      )}
    </dl>`;
  }

  #renderSlip(slip: Slip) {
    const s = this.t.slip;
    return html`<article part="slip" class="slip" aria-labelledby="slip-title">
      <p class="title"><span id="slip-title">${s.title}</span>
        <span class="state" data-state=${slip.cancelled ? 'cancelled' : 'approved'}>${slip.cancelled ? this.t.cancelled2 : this.t.approved}</span></p>
      ${this.#lines(slip.merchant)} ${this.#lines(slip.lines)}
      ${slip.parts.length
        ? html`<p class="section" id="parts-title">${s.parts}</p>
            <table aria-labelledby="parts-title">
              <thead><tr><th scope="col">${s.partAt}</th><th scope="col">${s.partAmt}</th></tr></thead>
              <tbody>${slip.parts.map((p) => html`<tr><td>${p.at}</td><td class="amount">${this.#amount(p.amount)}</td></tr>`)}</tbody>
            </table>`
        : nothing}
      ${slip.cash.length ? html`<p class="section">${s.cash}</p>${this.#lines(slip.cash)}` : nothing}
      <button class="print" type="button" @click=${() => window.print()}>${this.t.print}</button>
    </article>`;
  }

  override render() {
    const t = this.t;
    const error = this._status === 'error' ? this._message : '';
    return html`<div part="base" class="base">
      ${this.#inline
        ? this._slip
          ? this.#renderSlip(this._slip)
          : nothing
        : html`<button part="button" type="button" @click=${() => this.open()}><slot>${t.receipt}</slot></button>`}
      <p class="message" role="status">${this._status === 'loading' ? t.receiptLoading : ''}</p>
      <p class="message" role="alert">${error}${error && this.#inline
          ? html`<button class="retry" type="button" @click=${() => void this.reload()}>${t.retry}</button>`
          : nothing}</p>
    </div>`;
  }
}
