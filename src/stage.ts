/**
 * The second stage: the flow after the session request, the PGs' second halves, zod's schemas, lit, the
 * card picker, the receipt, virtual accounts and the slip. The first stage (the checkout's element and its
 * button, interactive after 12 KB) reaches all of it through `more()`.
 *
 * - One-file builds (dist/kpg-checkout.js) and npm imports carry it: it registers as it loads, and `more()`
 *   resolves at once.
 * - Two-stage builds (dist/kpg-shinhan.js + kpg-shinhan.stage2.js, the same for Smartro): the first stage
 *   fetches the second from beside itself at idle once the page has loaded, on the first pointer or focus
 *   intent on a checkout, when a checkout has a card picker, and at the latest inside the click, in parallel
 *   with the session request, so a click never waits longer than that request. A failed load is forgotten (the next need tries again) and ends a click's attempt with
 *   exactly one `kpg-error script-load-failed`.
 */
import type { finishCheckout, resumeCheckout } from './checkout-flow.js';
import { KpgError } from './errors.js';
import type { Outcome } from './events.js';
import type { reportWindowClosed } from './protocol.js';
import type { resume } from './resume.js';
import type { refusalOf } from './causes.js';
import type { KpgVbank } from './schemas.js';
import { idle } from './reactive.js';
import { loadScript } from './script-loader.js';
import { say } from './messages.js';

/** What the second stage gives the first (more.ts). */
export interface More {
  finish: typeof finishCheckout;
  resumeCheckout: typeof resumeCheckout;
  reportWindowClosed: typeof reportWindowClosed;
  /** The checkout's words for an outcome the second stage produced (paid, cancelled, failed...); '' for none. */
  message(outcome: Outcome, en: boolean, copy: '' | 'copied' | 'select'): string;
  /** The paid button's label. */
  paid(en: boolean): string;
  /** The check mark of the paid button (a new element). */
  checkMark(): Element;
  /** The virtual account block (a new element), its copy button reporting to `copied`. */
  vbank(vbank: KpgVbank, en: boolean, copied: (result: 'copied' | 'select') => void): Element;
  /** A session answer that refused an attribute -> the invalid-config to remember (causes.ts). */
  refusal: typeof refusalOf;
  /** Pick up what the element's order left to resume (resume.ts). */
  resume: typeof resume;
}

let api: More | undefined;
let loading: Promise<More> | undefined;
/** Where this build's second stage is (two-stage builds), or why it cannot be found; worked out when first needed. */
let source: () => URL | string = () => say('stage2-none');

/** Called by the second stage as it loads. */
export function registerMore(more: More): void {
  api = more;
}

/** The second stage, when it is here. */
export const loaded = (): More | undefined => api;

const failed = (message: string) => new KpgError({ code: 'script-load-failed', message });

/** The second stage, loaded if it is not here yet (a failed load is forgotten: the next call tries again). */
export function more(): Promise<More> {
  if (api) return Promise.resolve(api);
  if (!loading) {
    const url = source();
    loading =
      typeof url === 'string'
        ? Promise.reject(failed(url))
        : loadScript(url).then(
            () => api ?? Promise.reject(failed(say('stage2-other-build', url.href))),
            () => Promise.reject(failed(say('stage2-failed', url.href))),
          );
    loading.catch((error: KpgError) => {
      loading = undefined;
      console.error(`[kpg-checkout] ${error.message}`);
    });
  }
  return loading;
}

/**
 * For a first stage's entry, while its script is being evaluated: the second stage is `file` beside this
 * script (`?v=` the build, so no cache mixes two builds), or where the script tag's `data-kpg-stage2`
 * says, on the same origin. Fetched at idle.
 */
export function locateSecondStage(file: string, build: string): void {
  // `document.currentScript` can be clobbered by markup (<img name="currentScript">): only a script element
  // counts. It is read now (it is this script only while it runs); the URLs are parsed when first needed.
  const script = document.currentScript;
  const own = script instanceof HTMLScriptElement ? script : null;
  const src = own?.src;
  const named = own?.getAttribute('data-kpg-stage2');
  source = () => {
    try {
      const from = new URL(src || location.href);
      const url = named ? new URL(named, from) : new URL(`${file}?v=${build}`, from);
      if (url.origin !== from.origin || !/^https?:$/.test(url.protocol)) throw 0;
      return src || named ? url : say('stage2-not-found', file);
    } catch {
      return say('stage2-origin', named);
    }
  };
  // At idle after the page's load event (fetched earlier, it would hold the shop's own load event back).
  const fetch = () => idle(() => void more().catch(() => {}));
  if (document.readyState === 'complete') fetch();
  else addEventListener('load', fetch, { once: true });
}
