/**
 * The consent step inside `<kpg-checkout>` (issue 25), on the second stage: the `<kpg-terms>` element, its
 * attributes following the checkout's, hidden until the PG's terms are known to exist; the consent the
 * session carries; the words that say what is missing. The first stage reaches it through `views.terms`
 * (registry.ts), which only the Shinhan builds set, so the first stages carry almost none of it.
 */
import type { TermsChoice } from '../controllers/attempt.js';
import type { KpgErrorDetail, KpgTermsDetail } from '../events.js';
import { KpgTerms } from '../entries/terms.js';
import { say } from '../messages.js';

/** What the step reads of its checkout. */
export interface TermsHost extends HTMLElement {
  provider?: string;
  sessionUrl?: string;
  pgcode?: string;
  mainColor?: string;
  pointColor?: string;
  timeout?: string | number;
  disabled: boolean;
  /** The step's last report, kept on the checkout (the step asks it to render when it changes); LOADING until the first. */
  termsState?: KpgTermsDetail;
  requestUpdate(): void;
  /** The buyer did what a refusal asked, or there was nothing to ask: its message goes. */
  dismiss(code: 'terms-required'): void;
}

export interface TermsStep {
  /** `<kpg-terms>` for this checkout (made once, then kept in step), or null where it shows no terms. */
  render(host: TermsHost, el: HTMLElement | null | undefined, blocked: boolean): HTMLElement | null;
  /** The consent to send; the refusal while the buyer has not agreed (terms-required); undefined when there is nothing to agree to. */
  choice(host: TermsHost): TermsChoice | KpgErrorDetail | undefined;
  /**
   * While the terms are loading (the step is new, or its pgcode or terms-url changed): settles when they are
   * known (every load of `<kpg-terms>` ends with kpg-terms-change, within its timeout). A press waits for it:
   * a session without the consent they may ask for would be refused.
   */
  loaded(host: TermsHost): Promise<void> | undefined;
  /** What the pay button says is missing. */
  hint(en: boolean): string;
}

/**
 * Shinhan with `terms="pg"` (the default): where the PG's terms come from (`terms-url`, else `terms` beside a
 * session-url on this origin: one elsewhere is the checkout's own invalid-config), else ''. `terms` and
 * `terms-url` are read as attributes (the first stage declares no property for them).
 */
function urlOf(host: TermsHost): string {
  if (host.provider !== 'shinhan' || host.getAttribute('terms') === 'none') return '';
  try {
    const url = host.getAttribute('terms-url') || new URL('terms', new URL(host.sessionUrl || '', location.href)).href;
    return new URL(url, location.href).origin === location.origin ? url : host.getAttribute('terms-url') || '';
  } catch {
    return '';
  }
}

/** The terms are being loaded (a new step, another pgcode or terms-url): nothing is known of them yet. */
const LOADING: KpgTermsDetail = { required: false, agreed: false, terms_agreed: [], terms_hash: null, shop_terms: false };

export const termsStep: TermsStep = {
  render(host, el, blocked) {
    const url = urlOf(host);
    if (!url) {
      host.termsState = undefined;
      return null;
    }
    if (!el) {
      el = new KpgTerms();
      el.setAttribute('part', 'terms');
      el.setAttribute('exportparts', 'agree, dialog');
      // The shop's own terms, <kpg-checkout>'s children with slot="terms", go on into the step's slot.
      const shop = document.createElement('slot');
      shop.name = shop.slot = 'terms';
      el.append(shop);
      el.addEventListener('kpg-terms-change', (event) => {
        const t = (host.termsState = (event as CustomEvent<KpgTermsDetail>).detail);
        // A press refused while they loaded (or before the box was ticked): its message goes once nothing is asked.
        if (!t.required || t.agreed) host.dismiss('terms-required');
        host.requestUpdate();
      });
    }
    const attributes: Record<string, unknown> = {
      'terms-url': url,
      pgcode: host.pgcode,
      main_color: host.mainColor,
      point_color: host.pointColor,
      lang: host.lang || null,
      timeout: host.timeout,
      disabled: blocked || host.disabled ? '' : null,
      hidden: host.termsState?.required ? null : '',
    };
    for (const [name, value] of Object.entries(attributes)) {
      const was = el.getAttribute(name);
      if (value == null) el.removeAttribute(name);
      else if (was !== String(value)) el.setAttribute(name, String(value));
      // Other terms: <kpg-terms> loads them (every load ends with kpg-terms-change).
      if ((name === 'pgcode' || name === 'terms-url') && el.getAttribute(name) !== was) host.termsState = LOADING;
    }
    return el;
  },
  // In the click: no URL is parsed here (the render worked out where the terms come from).
  choice(host) {
    const t = host.termsState;
    if (!t?.required) return undefined;
    if (!t.agreed) return { code: 'terms-required', field: 'terms_agreed', message: say('terms-required') };
    // The shop's own terms only (the PG has none for this pgcode): nothing for the server to check.
    return t.terms_hash && t.terms_agreed.length ? { terms_agreed: t.terms_agreed, terms_hash: t.terms_hash } : undefined;
  },
  // The event reaches the checkout after the step's own listener above has kept what it says.
  loaded: (host) => (host.termsState === LOADING ? new Promise((go) => host.addEventListener('kpg-terms-change', () => go(), { once: true })) : undefined),
  hint: (en) => (en ? 'Agree to the terms to pay.' : '결제하려면 약관에 동의해 주세요.'),
};

// Checkouts already on the page render their consent step now that it is here (one inside another
// component's shadow root renders it at its next update: the first intent, an attribute change).
// (Node has no document: kpg-checkout/elements is imported there by server-rendering frameworks.)
if (typeof document !== 'undefined') {
  for (const el of document.querySelectorAll<HTMLElement & { requestUpdate(): void }>('kpg-checkout')) el.requestUpdate?.();
}
