/**
 * Load a PG script once per page, however many elements ask for it. The first checkout to connect starts
 * the load (its provider's `preload`), so the script is usually ready before the buyer clicks.
 */
import { KpgError } from './errors.js';
import { say } from './messages.js';

interface TrustedTypePolicyLike {
  createScriptURL(url: string): unknown;
  createHTML(html: string): unknown;
}

/**
 * The one document the policy lets become HTML (issue 25): a PG's terms inside a sandboxed `<iframe srcdoc>`
 * (no scripts, an opaque origin), under this CSP, which loads nothing (a srcdoc document is never in quirks
 * mode: no doctype needed). Anything else is refused.
 */
export const TERMS_DOC_HEAD = `<meta http-equiv=content-security-policy content="default-src 'none';style-src 'unsafe-inline'">`;

let policy: TrustedTypePolicyLike | null | undefined;

/** A Trusted Types policy named `kpg-checkout`, for pages that enforce `require-trusted-types-for 'script'`. */
function scriptUrlPolicy(): TrustedTypePolicyLike | null {
  if (policy !== undefined) return policy;
  const tt = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: object): TrustedTypePolicyLike } })
    .trustedTypes;
  try {
    // Only URLs that already passed the origin check reach this policy (see loadScript's callers).
    policy = tt
      ? tt.createPolicy('kpg-checkout', {
          createScriptURL: (url: string) => url,
          // Only the sandboxed terms document (kpg-terms) becomes HTML, and only under its CSP.
          createHTML: (html: string) => {
            if (!html.startsWith(TERMS_DOC_HEAD)) throw TypeError();
            return html;
          },
        })
      : null;
  } catch {
    policy = null; // a second copy of the widget on the page: the name is taken
  }
  return policy;
}

/** A terms document (it starts with TERMS_DOC_HEAD) as the page's Trusted Types want it for `srcdoc`. */
export const trustedHtml = (html: string): string => (scriptUrlPolicy()?.createHTML(html) ?? html) as string;

const loads = new Map<string, Promise<void>>();

/**
 * Insert `<script src=url>` once and resolve when it has run. A failed load is forgotten, so the next
 * attempt tries again (a network blip must not break the page for good).
 */
export function loadScript(url: URL): Promise<void> {
  const key = url.href;
  let load = loads.get(key);
  if (!load) {
    load = new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => {
        loads.delete(key);
        script.remove();
        reject(
          new KpgError({
            code: 'script-load-failed',
            field: 'script-src',
            message: say('script-failed', key),
          }),
        );
      };
      const trusted = scriptUrlPolicy();
      (script as { src: unknown }).src = trusted ? trusted.createScriptURL(key) : key;
      document.head.append(script);
    });
    loads.set(key, load);
  }
  return load;
}
