/**
 * The one place that decides which origins the widget may talk to.
 *
 * - Backend endpoints (`session-url`, `result-url`, `cards-url`, `receipt-url`) must be on the shop page's
 *   own origin: they carry the buyer's cookies, and a cross-origin backend would need CORS with
 *   credentials, which is easy to get wrong. Shops with a separate API host put a reverse proxy in front.
 * - PG URLs (scripts, payment windows, form actions, images) must be https on the PG's own domain, or on an
 *   origin the shop's own JavaScript allowed with `allowPgOrigins()` (the sandbox, a staging PG). Never from
 *   markup: an HTML injection a sanitizer lets through must not be able to choose where a script is loaded
 *   from, a form is posted to, or a payment window points.
 */
import { KpgError } from './errors.js';
import { say } from './messages.js';

/** Parse an absolute URL, or resolve a relative one against `base`, or null. */
export function toUrl(value: string, base?: string): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}

/** A backend endpoint: resolved against the document, and on the page's own origin; else null. */
export function backendUrl(value: string): URL | null {
  const url = toUrl(value, document.baseURI);
  return url && url.origin === location.origin ? url : null;
}

const http = (url: URL) => /^https?:$/.test(url.protocol);

/** Origins the page's own script allowed for PG scripts, windows, forms and images (sandbox, staging). */
const allowed: string[] = [];

/**
 * A PG URL: absolute, without credentials, and https on `domain` (or a subdomain), or http(s) on an origin
 * allowed with `allowPgOrigins()`; else null.
 */
export function pgUrl(value: string, domain: string): URL | null {
  const url = toUrl(value);
  if (!url || url.username || url.password) return null;
  if (allowed.includes(url.origin)) return http(url) ? url : null;
  return url.protocol === 'https:' && (url.hostname === domain || url.hostname.endsWith(`.${domain}`)) ? url : null;
}

/** `pgUrl`, or `kpg-error origin-not-allowed` naming `field` (and `order_no` when known). */
export function allowedPgUrl(value: string, domain: string, field: string, order_no?: string): URL {
  const url = pgUrl(value, domain);
  if (url) return url;
  throw new KpgError({
    code: 'origin-not-allowed',
    field,
    ...(order_no ? { order_no } : {}),
    message: say('origin', field, value, domain),
  });
}

/**
 * Allow extra PG origins (a sandbox, a staging PG) beside the PGs' own https hosts, from JavaScript only.
 * Call it before the elements connect: `KpgCheckout.allowPgOrigins(['http://127.0.0.1:5174'])`.
 * Throws a TypeError naming entries that are not plain http(s) origins.
 */
export function allowPgOrigins(origins: readonly string[]): void {
  const list = Array.from(origins, String);
  const invalid = list.filter((entry) => {
    const url = toUrl(entry);
    return !url || !http(url) || url.pathname !== '/' || url.search || url.hash || url.username || url.password;
  });
  if (invalid.length) throw new TypeError(say('not-origins', invalid.join(' ')));
  for (const entry of list) {
    const { origin } = new URL(entry);
    if (!allowed.includes(origin)) allowed.push(origin);
  }
}
