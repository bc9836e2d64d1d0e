/**
 * The one place that decides which origins the widget may talk to.
 *
 * - Backend endpoints (`session-url`, `result-url`, later `cards-url`, `receipt-url`) must be on the
 *   shop page's own origin: they carry the buyer's cookies, and a cross-origin backend would need CORS
 *   with credentials, which is easy to get wrong. Shops with a separate API host put a reverse proxy in front.
 * - PG URLs (scripts, payment windows, form actions, images) must be https on a host the provider declares
 *   as its own, or on an origin the shop's own JavaScript allowed with `allowPgOrigins()` (the sandbox, a
 *   staging PG). Never from markup: an HTML injection a sanitizer lets through must not be able to choose
 *   where a script is loaded from, a form is posted to, or a payment window points.
 */

/** A provider's rule for its own hosts, e.g. `https://*.shinhan.com`. */
export type OwnOriginRule = (url: URL) => boolean;

/** `https:` and the host is `domain` or a subdomain of it. */
export function httpsHostIn(domain: string): OwnOriginRule {
  return (url) =>
    url.protocol === 'https:' && (url.hostname === domain || url.hostname.endsWith(`.${domain}`));
}

export interface OriginList {
  origins: string[];
  /** Entries that are not a plain http(s) origin. */
  invalid: string[];
}

/** Parse a space-separated list of origins (`pg-origins`). A path other than `/` makes an entry invalid. */
export function parseOriginList(value: string | null | undefined): OriginList {
  const origins: string[] = [];
  const invalid: string[] = [];
  for (const entry of (value ?? '').split(/\s+/).filter(Boolean)) {
    const url = toUrl(entry);
    if (
      url &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.pathname === '/' &&
      !url.search &&
      !url.hash &&
      !url.username &&
      !url.password
    ) {
      origins.push(url.origin);
    } else {
      invalid.push(entry);
    }
  }
  return { origins, invalid };
}

/** Parse an absolute URL, or resolve a relative one against the document, or null. */
export function toUrl(value: string, base: string | undefined = undefined): URL | null {
  try {
    return base === undefined ? new URL(value) : new URL(value, base);
  } catch {
    return null;
  }
}

/** The page's origin (`location.origin`). */
export function pageOrigin(): string {
  return globalThis.location.origin;
}

/** A backend endpoint: resolved against the document, and on the page's own origin. */
export function backendUrl(value: string): URL | null {
  const url = toUrl(value, document.baseURI);
  return url && url.origin === pageOrigin() ? url : null;
}

/** A PG URL: absolute, and https on the provider's own hosts or on an origin listed in `pg-origins`. */
export function pgUrl(value: string, own: OwnOriginRule, extra: readonly string[]): URL | null {
  const url = toUrl(value);
  if (!url || url.username || url.password) return null;
  if (extra.includes(url.origin) && (url.protocol === 'https:' || url.protocol === 'http:')) return url;
  return own(url) ? url : null;
}

/** Origins the page's own script allowed for PG scripts, windows, forms and images (sandbox, staging). */
const allowed = new Set<string>();

/**
 * Allow extra PG origins (a sandbox, a staging PG) beside the PGs' own https hosts, from JavaScript only.
 * Call it before the elements connect: `KpgCheckout.allowPgOrigins(['http://127.0.0.1:5174'])`.
 * Throws a TypeError naming entries that are not plain origins.
 */
export function allowPgOrigins(origins: readonly string[]): void {
  const list = parseOriginList(Array.from(origins, String).join(' '));
  if (list.invalid.length) {
    throw new TypeError(`allowPgOrigins: not origins: ${list.invalid.join(' ')} (write e.g. https://pg-staging.example.com)`);
  }
  for (const origin of list.origins) allowed.add(origin);
}

/** The origins allowed through `allowPgOrigins()`. */
export function allowedPgOrigins(): string[] {
  return [...allowed];
}
