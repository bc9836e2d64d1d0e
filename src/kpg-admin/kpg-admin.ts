import { LitElement, html, type PropertyValues } from 'lit';
import { english } from '../i18n.js';
import { contrast, themeColors, themeStyle } from '../theme.js';
import { apiBase } from './api.js';
import { AdminModel, VIEWS, type Notice, type View } from './model.js';
import { styles } from './kpg-admin.styles.js';
import { texts, type Texts } from './texts.js';
import { errorBlock, loading } from './views/common.js';
import { dialogContent } from './views/dialogs.js';
import { debtsView, deliveriesView, reconcileView } from './views/lists.js';
import { ordersView } from './views/orders.js';
import { storyView } from './views/story.js';

/** What `kpg-admin-navigate` carries: the screen staff moved to (a shop can keep it in its own URL). */
export interface KpgAdminNavigateDetail {
  view: View;
  order_id: string | null;
}

const SECTIONS: ReadonlyArray<Exclude<View, 'order'>> = ['orders', 'debts', 'deliveries', 'reconcile'];

/**
 * The console's primary buttons carry 14px labels, which need 4.5:1 (the pay button's 14pt bold label needs
 * 3:1, theme.ts): white on the point colour when that is enough, else white on the point colour darkened
 * step by step until it is (5379FF becomes 3F5DC2), so a shop's colour stays recognisable.
 */
export function primaryColors(point: string): { fill: string; label: string } {
  const mix = (hex: string, black: number) =>
    [0, 2, 4].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * (1 - black)).toString(16).padStart(2, '0')).join('').toUpperCase();
  for (let black = 0; black <= 1; black += 0.05) {
    const fill = mix(point, black);
    if (contrast('FFFFFF', fill) >= 4.8) return { fill, label: 'FFFFFF' };
  }
  return { fill: '000000', label: 'FFFFFF' };
}

/**
 * The staff console: where a shop's staff find an order, read its story (every attempt, refusal, cancel,
 * event and webhook delivery), give money back exactly once, settle what is unknown, pay back money owed,
 * retry failed deliveries and run reconcile(). It talks only to kpg-checkout/server's staff routes
 * (docs/staff-api.md), which the server guards with the shop's `authorizeStaff`; it is never part of the
 * buyers' files (`dist/kpg-admin.js` is its own).
 *
 * @tagname kpg-admin
 * @summary Staff console for kpg-checkout/server: search, an order's timeline, cancels, debts, deliveries, reconcile.
 *
 * @fires kpg-admin-navigate - Staff moved to another screen: `{ view, order_id }`.
 *
 * @csspart base - The console's surface.
 *
 * @cssproperty --kpg-main-color - Surface colour (default: `main_color`).
 * @cssproperty --kpg-on-main-color - Text on the surface (default: black or white, whichever contrasts more).
 * @cssproperty --kpg-point-color - Primary buttons (default: `point_color`).
 * @cssproperty --kpg-accent-color - Borders, the current section and the focus ring (default: `point_color` when it contrasts 3:1 with the surface, else the text colour).
 * @cssproperty --kpg-focus-color - The focus ring (default: the accent).
 * @cssproperty --kpg-error-color - Error accent.
 * @cssproperty --kpg-radius - Corner radius (default 8px).
 * @cssproperty --kpg-font-family - Font (default: inherited).
 */
export class KpgAdmin extends LitElement {
  static override styles = styles;

  static override properties = {
    apiUrl: { attribute: 'api-url' },
    view: { reflect: true },
    orderId: { attribute: 'order-id', reflect: true },
    timeout: {},
    mainColor: { attribute: 'main_color' },
    pointColor: { attribute: 'point_color' },
    _notice: { attribute: false },
  };

  /** The staff routes: `{basePath}/staff` of kpg-checkout/server, on this page's origin (e.g. `/api/kpg/staff`). */
  declare apiUrl?: string;
  /** The screen: `orders` (default), `order` (with `order-id`), `debts`, `deliveries` or `reconcile`. Reflects staff's moves. */
  declare view?: string;
  /** The order shown when `view="order"`. */
  declare orderId?: string;
  /** Seconds before a request is abandoned (default 20; reconcile waits at least 120). */
  declare timeout?: string | number;
  /** Six hex digits; default FFFFFF. */
  declare mainColor?: string;
  /** Six hex digits; default 5379FF. */
  declare pointColor?: string;

  declare private _notice: string;

  #model = new AdminModel(this);
  #started = false;
  /** Set while the element reflects a move staff made (it must not start that move again). */
  #reflecting = false;
  #focusTitle = false;
  #lastDialog: unknown = null;
  #opener: HTMLElement | null = null;
  #themed?: HTMLElement;

  constructor() {
    super();
    this._notice = '';
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  get #t(): Texts {
    return texts(english(this.lang || this.closest('[lang]')?.getAttribute('lang')));
  }

  /** The staff API's base URL, or null when `api-url` is missing or on another origin. */
  get apiBase(): URL | null {
    return apiBase(this.apiUrl);
  }

  get timeoutMs(): number {
    const s = Number(this.timeout);
    return Number.isFinite(s) && s > 0 && s <= 600 ? s * 1000 : 20_000;
  }

  /**
   * Where the current screen is: `loading`, `ready`, `error`, `forbidden` (no staff access) or `off` (the
   * server has no staff routes). Read only.
   */
  get state(): 'loading' | 'ready' | 'error' | 'forbidden' | 'off' {
    const m = this.#model;
    const me = m.me;
    if (me.status === 'error') return me.error?.status === 403 ? 'forbidden' : me.error?.status === 404 && me.error.code === 'not-found' ? 'off' : 'error';
    if (me.status !== 'ready') return 'loading';
    const load = m.view === 'orders' ? m.orders : m.view === 'order' ? m.story : m.view === 'debts' ? m.debts : m.view === 'deliveries' ? m.deliveries : m.report;
    if (load.status === 'error') return 'error';
    if (load.status === 'loading') return 'loading';
    return 'ready';
  }

  /** Loads the current screen again. */
  reload(): Promise<void> {
    return this.#model.reload();
  }

  /** Opens one order's story. */
  open(orderId: string): Promise<void> {
    return this.#model.open(orderId);
  }

  /** Runs reconcile() on the server now (the Reconcile screen's button) and shows its report. */
  async reconcile(): Promise<void> {
    await this.#model.go('reconcile');
    await this.#model.runReconcile();
  }

  // ---------------------------------------------------------------------------- the model's host

  navigated(view: View, orderId: string | null): void {
    this.#reflecting = true;
    this.view = view;
    this.orderId = orderId ?? undefined;
    // The control staff used is about to go: the new screen's title takes the focus (only if the console had it).
    this.#focusTitle = this.matches(':focus-within');
    this.dispatchEvent(new CustomEvent<KpgAdminNavigateDetail>('kpg-admin-navigate', { detail: { view, order_id: orderId }, bubbles: true, composed: true }));
  }

  announce(notice: Notice): void {
    const t = this.#t;
    this._notice =
      notice.kind === 'results'
        ? notice.total
          ? t.search.count(notice.from, notice.to, notice.total)
          : t.search.none
        : notice.kind === 'requeued'
          ? t.deliveries.requeued(notice.count)
          : notice.kind === 'settled'
            ? t.settle.settled
            : t.debts.resolvedNotice;
  }

  // ---------------------------------------------------------------------------- lifecycle

  protected override willUpdate(changed: PropertyValues<this>): void {
    const view = (VIEWS as readonly string[]).includes(this.view ?? '') ? (this.view as View) : 'orders';
    if (!this.#started && this.isConnected) {
      this.#started = true;
      void this.#model.start(view, this.orderId ?? null);
      return;
    }
    if (this.#reflecting) {
      this.#reflecting = false;
      return;
    }
    // The shop moved the console (its own URL, a link): go there.
    if ((changed.has('view') || changed.has('orderId')) && (view !== this.#model.view || (view === 'order' && (this.orderId ?? null) !== this.#model.orderId))) {
      this.#focusTitle = this.matches(':focus-within');
      void this.#model.go(view, this.orderId ?? null, false);
    }
    if (changed.has('apiUrl') && changed.get('apiUrl') !== undefined) void this.#model.start(view, this.orderId ?? null);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const base = this.renderRoot.querySelector<HTMLElement>('[part="base"]');
    if (base && (base !== this.#themed || changed.has('mainColor') || changed.has('pointColor'))) {
      this.#themed = base;
      const { mainColor, pointColor } = themeColors(this);
      for (const [name, value] of Object.entries(themeStyle(mainColor, pointColor))) base.style.setProperty(name, value);
      const primary = primaryColors(pointColor);
      base.style.setProperty('--_pf', `#${primary.fill}`);
      base.style.setProperty('--_pl', `#${primary.label}`);
    }
    this.#syncDialog();
    if (this.#focusTitle && !this.#model.dialog) {
      const title = this.renderRoot.querySelector<HTMLElement>('.view .title');
      if (title) {
        this.#focusTitle = false;
        title.focus();
      }
    }
  }

  /** The model's dialog, shown as a modal (focus inside, restored to the opener when it closes). */
  #syncDialog(): void {
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog');
    if (!dialog) return;
    const d = this.#model.dialog;
    if (d && !dialog.open) {
      const active = this.shadowRoot?.activeElement;
      this.#opener = active instanceof HTMLElement ? active : null;
      dialog.showModal();
    } else if (!d && dialog.open) {
      dialog.close();
      const opener = this.#opener;
      this.#opener = null;
      if (opener?.isConnected && !(opener as HTMLButtonElement).disabled) opener.focus();
      else this.renderRoot.querySelector<HTMLElement>('.view .title')?.focus();
    }
    // A new step: focus what it is about (the first choice, the confirm button, the close button).
    const step = d && ('step' in d ? `${d.kind}:${d.step}` : d.kind);
    if (d && step !== this.#lastDialog) dialog.querySelector<HTMLElement>('[data-focus]')?.focus();
    this.#lastDialog = step;
  }

  // ---------------------------------------------------------------------------- render

  #nav(t: Texts) {
    const m = this.#model;
    const current = m.view === 'order' ? 'orders' : m.view;
    return html`<nav class="sections" aria-label=${t.nav}>
      ${SECTIONS.map(
        (view) => html`<button
          type="button"
          data-view=${view}
          aria-current=${current === view ? 'page' : 'false'}
          @click=${() => void m.go(view)}
        >
          ${t.views[view]}
        </button>`,
      )}
    </nav>`;
  }

  #view(t: Texts) {
    const m = this.#model;
    switch (m.view) {
      case 'orders':
        return ordersView(m, t);
      case 'order':
        return storyView(m, t);
      case 'debts':
        return debtsView(m, t);
      case 'deliveries':
        return deliveriesView(m, t);
      case 'reconcile':
        return reconcileView(m, t);
    }
  }

  override render() {
    const t = this.#t;
    const m = this.#model;
    const me = m.me;
    return html`<div part="base" class="base" data-view=${m.view}>
      ${me.status === 'error' && me.error
        ? errorBlock(t, me.error, () => void m.reload())
        : me.status === 'ready' && me.data
          ? html`<header class="bar">${this.#nav(t)}<span class="who">${t.who(me.data.staff)}</span></header>
              <section class="view" aria-labelledby="view-title">${this.#view(t)}</section>`
          : loading(t)}
      <p class="sr" role="status">${this._notice}</p>
      <dialog
        aria-labelledby="dialog-title"
        @cancel=${(e: Event) => {
          e.preventDefault();
          m.closeDialog();
        }}
      >
        ${dialogContent(m, t)}
      </dialog>
    </div>`;
  }

}

declare global {
  interface HTMLElementTagNameMap {
    'kpg-admin': KpgAdmin;
  }
  interface GlobalEventHandlersEventMap {
    'kpg-admin-navigate': CustomEvent<KpgAdminNavigateDetail>;
  }
}
