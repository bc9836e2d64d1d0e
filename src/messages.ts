/**
 * Every message the widget has for a shop's developers, in one table: the `message` of `kpg-error`, the
 * console's warnings, the errors `pay()` and `allowPgOrigins()` throw. (The buyer's words are elsewhere,
 * fixed Korean and English texts: kpg-checkout/outcome.ts, i18n.ts. They never come from here.)
 *
 * - `TEXTS`: the full sentence of each message, by its id. Only a development build carries it: the
 *   one-file `dist/kpg-checkout.dev.js`, the ES modules of the npm package (dist/esm) and src/ (tests).
 * - A production build (`kpg-shinhan.js`, `kpg-smartro.js`, `kpg-checkout.js` and their second stages) is
 *   built with `__KPG_DEV__` false: `say()` then returns the short, fixed form
 *   `kpg-checkout pgcode: x! (kpg-checkout/docs/errors.md#pgcode)`: the id, the message's own values, and
 *   where the whole sentence and the fix are. `kpg-error`'s `code`, `field`, `status`, `provider` and
 *   `order_no` are the same in every build; a shop's code should read those, not the message.
 * - `FIXES`: what to do about each (never shipped: read by scripts/errors-doc.mjs, which writes
 *   docs/errors.md from both tables; test/node/errors-doc.test.mjs holds docs/errors.md to them, and every
 *   `say('…')` in src/ to an id here).
 *
 * A message's values (`args`) are what the page or the backend gave: an attribute's value, a status, an
 * origin. Nothing secret passes through here (sessions' signatures and fields are never quoted).
 */
declare const __KPG_DEV__: boolean;

/** A development build: the full sentences (see the header). Folded to a constant by every build. */
export const DEV: boolean = typeof __KPG_DEV__ !== 'boolean' || __KPG_DEV__;

type Arg = string | number | null | undefined;

/** The full sentences, by id. Each id is a `docs/errors.md` anchor: lower-case words and hyphens. */
export const TEXTS = {
  // invalid-config: an attribute (field) is missing or invalid. Nothing was sent.
  'attribute-required': (field: Arg) => `The ${field} attribute is required`,
  'same-origin': (field: Arg, value: Arg, origin: Arg) => `${field}="${value}" must be on this page's origin (${origin})`,
  'order-id': () => 'The order-id attribute is required: your order reference, sent to your backend',
  pgcode: (value: Arg) => `pgcode="${value}" must be 1-10 letters, digits or _ (e.g. selpay, card)`,
  device: (value: Arg) => `device="${value}" must be auto, pc or mobile`,
  'app-scheme': (value: Arg) => `app-scheme="${value}" must be a lower-case URL scheme followed by :// (e.g. myshop://)`,
  'pay-method': (value: Arg) => `pay-method="${value}" must be card, vbank, bank or phone`,
  provider: (value: Arg, list: Arg) => (value ? `provider="${value}" is not supported; use one of: ${list}` : `The provider attribute is required (one of: ${list})`),
  'provider-missing': (pg: Arg) => `This script has no ${pg === 'shinhan' ? 'Shinhan' : 'Smartro'}: load kpg-${pg}.js or kpg-checkout.js (npm: import 'kpg-checkout/${pg}')`,
  refused: (attr: Arg, value: Arg, status: Arg) => `${attr}="${value}" is refused by your backend (session-url answered ${status})`,
  tid: (value: Arg) => (value ? `tid="${value}" is not a transaction id` : 'The tid attribute is required'),
  'no-receipts': (provider: Arg) => `${provider} has no receipts`,
  'receipt-inline': (provider: Arg) => `view="inline" is not available for ${provider}`,
  // card-required / terms-required: pay() before the buyer chose. Nothing was sent.
  'card-required': () => 'The buyer has not chosen a card company in the card picker yet',
  'terms-required': () => "The buyer has not agreed to the PG's terms yet: nothing was sent",
  // session-failed / result-failed / cards-failed / receipt-failed / terms-failed: a backend request.
  'request-timeout': (what: Arg, seconds: Arg) => `${what} timed out after ${seconds} s`,
  'request-network': (what: Arg, path: Arg) => `${what} could not reach ${path} (network error)`,
  'request-http': (what: Arg, status: Arg, said: Arg) => `${what} failed with HTTP ${status}${said ? `: ${said}` : ''}`,
  'request-not-json': (what: Arg, type: Arg) => `${what} did not answer JSON (content-type ${type ?? 'none'})`,
  unexpected: (error: Arg) => `Unexpected error: ${error}`,
  // invalid-session / result-failed / cards-failed / receipt-failed / terms-failed: an answer's shape.
  'bad-json': (what: Arg, issue: Arg) => `${what}: ${issue}`,
  'result-status': (status: Arg) => `The result has an unknown status ${status}`,
  'result-order': (got: Arg, orderNo: Arg) => `The result is for order ${got}, not ${orderNo}`,
  'result-vbank': () => 'The result JSON is not valid: vbank is required with status "awaiting_deposit"',
  'result-mismatch': (said: Arg, orderId: Arg, orderNo: Arg, status: Arg) =>
    `The backend answered ${said} for order ${orderId}, but the result of ${orderNo} is "${status}"`,
  'result-unknown': (orderNo: Arg) => `The backend could not learn the outcome of order ${orderNo} yet (status "unknown"); it reconciles it with the PG`,
  'result-still': (status: Arg, orderNo: Arg, seconds: Arg) => `The backend still said "${status}" for order ${orderNo} after ${seconds} s`,
  'attempt-in-progress': (orderId: Arg, orderNo: Arg) =>
    `Another payment of order ${orderId} may still take money or is being verified${orderNo ? ` (attempt ${orderNo})` : ''}: the buyer should finish or close that payment window first`,
  'cards-refused': (retCode: Arg, retMsg: Arg) => `The PG refused the card list (ret_code ${retCode}): ${retMsg ?? ''}`.trim(),
  'cards-empty': () => 'The card list is empty: no card company can be offered',
  // origin-not-allowed
  origin: (field: Arg, value: Arg, domain: Arg) => `${field} ${value} is not https on ${domain} nor on an origin your own script allowed with KpgCheckout.allowPgOrigins()`,
  // script-load-failed
  'script-failed': (url: Arg) => `The PG script ${url} failed to load`,
  'script-api': (url: Arg) => `The script ${url} loaded but did not define ShinhanBizPay.openPopup and ShinhanBizPay.RES_SUCCESS`,
  'open-popup-threw': (error: Arg) => `ShinhanBizPay.openPopup threw: ${error}`,
  'stage2-failed': (url: Arg) => `The second stage ${url} failed to load: serve it beside the first (or load the one-file kpg-checkout.js)`,
  'stage2-other-build': (url: Arg) => `${url} loaded but is not the second stage of this build: serve the two files of one build together`,
  'stage2-not-found': (file: Arg) => `${file} cannot be found: load this script with <script src> (or load the one-file kpg-checkout.js)`,
  'stage2-origin': (named: Arg) => `data-kpg-stage2 must name a URL on the origin of the script that carries it, not ${named}`,
  'stage2-none': () => 'No second stage: import kpg-checkout/shinhan or /smartro',
  // popup-blocked
  'popup-blocked': () => 'The browser blocked the payment window; no session was created. Allow pop-ups, then click again.',
  'receipt-blocked': () => 'The browser blocked the receipt window',
  // invalid-field: a form field from the backend cannot be posted (Smartro).
  'field-charset': (name: Arg, character: Arg, charset: Arg, ncr: Arg) =>
    `${name} contains "${character}", which ${charset} cannot hold: the browser would send it as the text ${ncr}`,
  // Warnings (the console, once per page each): the widget goes on.
  'hex-color': (name: Arg, value: Arg, fallback: Arg) => `${name}="${value}" is not six hex digits (e.g. 5379FF); using ${fallback}.`,
  seconds: (field: Arg, value: Arg, fallback: Arg) => `${field}="${value}" is not a number of seconds; using ${fallback}.`,
  amount: (value: Arg) => `amount="${value}" is not whole won (digits only, or a whole number); the amount is not shown.`,
  'pg-origins': (value: Arg, list: Arg) =>
    `pg-origins="${value}" is ignored: markup cannot allow PG origins. Call KpgCheckout.allowPgOrigins(${list}) from your own script before the elements connect.`,
  'look-alike': (tag: Arg, wrong: Arg, value: Arg, right: Arg) => `<${tag}> has ${wrong}="${value}", which is not an attribute: write ${right} (with an underscore).`,
  lang: (value: Arg) => `lang="${value}" is not a language the widget speaks (ko, en); it uses ko.`,
  'pay-method-ignored': (value: Arg, provider: Arg) => `pay-method="${value}" is ignored for ${provider}: its window lets the buyer choose`,
  'no-picker': () => 'cards-url needs <kpg-card-picker>, which this script does not have: load kpg-shinhan.js or kpg-checkout.js.',
  'no-cards-url': () => "<kpg-card-picker> has no cards-url: set it to your endpoint that proxies Shinhan's card-list (same origin).",
  'card-skipped': (issue: Arg) => `A card-list entry was skipped: ${issue}`,
  'return-lookup': (param: Arg, orderNo: Arg, error: Arg) => `${param}=${orderNo} in the URL could not be looked up: ${error}`,
  'outside-ks-x-1001': (name: Arg, characters: Arg) =>
    `${name} has ${characters}, outside KS X 1001: the browser sends Windows-949 bytes for it, which a server reading strict EUC-KR shows garbled.`,
  'defined-twice': (tag: Arg) => `<${tag}> was already defined by another kpg script: load one of kpg-checkout.js, kpg-shinhan.js, kpg-smartro.js per page.`,
  // Thrown to the shop's own code (not a kpg-error).
  disabled: () => 'kpg-checkout is disabled: nothing starts',
  'not-origins': (list: Arg) => `allowPgOrigins: not origins: ${list} (write e.g. https://pg-staging.example.com)`,
} satisfies Record<string, (...args: never[]) => string>;

export type MessageId = keyof typeof TEXTS;

/**
 * The message `id` with its values: the full sentence in a development build, the short fixed form in a
 * production one (see the header).
 */
export function say<K extends MessageId>(id: K, ...args: Parameters<(typeof TEXTS)[K]>): string {
  return DEV ? (TEXTS[id] as (...a: Arg[]) => string)(...(args as Arg[])) : `kpg-checkout ${id}:${args.map((a) => ` ${a}`).join('')} (kpg-checkout/docs/errors.md#${id})`;
}
