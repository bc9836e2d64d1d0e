/**
 * Load a PG script once per page, however many elements ask for it. The first element to connect starts
 * the load, so the script is usually ready before the buyer clicks.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { KpgError } from '../errors.js';

interface TrustedTypePolicyLike {
  createScriptURL(url: string): unknown;
}

let policy: TrustedTypePolicyLike | null | undefined;

/** A Trusted Types policy named `kpg-checkout`, for pages that enforce `require-trusted-types-for 'script'`. */
function scriptUrlPolicy(): TrustedTypePolicyLike | null {
  if (policy !== undefined) return policy;
  const tt = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: object): TrustedTypePolicyLike } })
    .trustedTypes;
  try {
    // Only URLs that already passed the origin check reach this policy (see loadScript's callers).
    policy = tt ? tt.createPolicy('kpg-checkout', { createScriptURL: (url: string) => url }) : null;
  } catch {
    policy = null; // a second copy of the widget on the page: the name is taken
  }
  return policy;
}

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
            message: `The PG script ${key} failed to load`,
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

/**
 * Starts loading `url()` as soon as the host has rendered with a URL (on connect, or when the attributes
 * that decide it change), so the script is ready before the click.
 */
export class ScriptController implements ReactiveController {
  #last: string | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly url: () => URL | null,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const url = this.url();
    if (!url || url.href === this.#last) return;
    this.#last = url.href;
    // A failure is reported when the buyer clicks (loadScript is called again then).
    loadScript(url).catch(() => {});
  }

  hostDisconnected(): void {
    this.#last = null;
  }
}
