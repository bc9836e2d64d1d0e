/**
 * Every message the widget has for a shop's developers, in one table: the `message` of `kpg-error`, the
 * console's warnings, the errors `pay()` and `allowPgOrigins()` throw. (The buyer's words are elsewhere,
 * fixed Korean and English texts: kpg-checkout/outcome.ts, i18n.ts. They never come from here.)
 *
 * - `TEXTS`: the full sentence of each message, by its id. Only a development build carries it: the
 *   one-file `dist/kpg-checkout.dev.js`, the ES modules of the npm package (dist/esm), the demo and src/
 *   as the browser tests load it.
 * - A production build (`kpg-shinhan.js`, `kpg-smartro.js`, `kpg-checkout.js` and their second stages) is
 *   built with `__KPG_DEV__` false: `say()` then returns the short, fixed form
 *   `kpg-checkout pgcode: x! (kpg-checkout/docs/errors.md#pgcode)`: the id, the message's own values (`-`
 *   for none), and where the whole sentence and the fix are (the demo, `npm start`, says them in full).
 *   `kpg-error`'s `code`, `field`, `status`, `provider` and `order_no` are the same in every build; a shop's
 *   code should read those, not the message.
 * - `FIXES`: what to do about each (never shipped: read by scripts/errors-doc.mjs, which writes
 *   docs/errors.md from both tables; test/node/errors-doc.test.mjs holds docs/errors.md to them, and every
 *   `say('…')` in src/ to an id here).
 *
 * The npm package's ES modules carry the whole table (a bundler cannot leave out one sentence of it): its
 * sentences name no PG's API, so a Smartro-only bundle has no Shinhan name in it (test/node/package.test.mjs).
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
  'script-api': (url: Arg) => `The script ${url} loaded but did not define the PG's API (its openPopup and RES_SUCCESS)`,
  'open-popup-threw': (error: Arg) => `The PG script's openPopup threw: ${error}`,
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
  'field-name': (name: Arg) => `"${name}" is not a form field name (a letter, then up to 39 letters, digits or _)`,
  'field-required': (name: Arg) => `${name} is required${name === 'StopURL' ? ' on mobile (a mobile cancel goes there)' : ''}`,
  'field-amt': (value: Arg) => `Amt must be whole won in digits, not "${value}"`,
  'field-moid': () => 'Moid may hold only letters and digits',
  'field-moid-order': (moid: Arg, orderNo: Arg) => `Moid "${moid}" is not the session's order_no "${orderNo}"`,
  'field-edidate': () => 'ediDate must be yyyyMMddHHmmss',
  'field-url': (name: Arg) => `${name} must be an absolute http(s) URL`,
  'field-bytes': (name: Arg, bytes: Arg, charset: Arg, max: Arg) => `${name} is ${bytes} bytes in ${charset}; Smartro allows ${max}`,
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
  return DEV ? (TEXTS[id] as (...a: Arg[]) => string)(...(args as Arg[])) : `kpg-checkout ${id}:${args.map((a) => ` ${a ?? '-'}`).join('')} (kpg-checkout/docs/errors.md#${id})`;
}

/** Where a message goes: the `kpg-error` codes it comes with, `warning` (the console, once) or `thrown`. */
type Kind = string;

/**
 * What each message means and what to fix, by id (docs/errors.md). Never shipped: nothing at run time reads
 * it, so every build leaves it out.
 */
export const FIXES: Record<MessageId, [Kind, string]> = {
  'attribute-required': ['invalid-config', 'Set the attribute (`field` names it): `session-url` and `result-url` are your backend endpoints (see README, "Your backend"), on this page\'s origin.'],
  'same-origin': ['invalid-config', 'The URL must be on the page\'s own origin (a path like `/api/kpg/session` is simplest): the widget sends the buyer\'s cookie to it and never talks to another origin\'s backend.'],
  'order-id': ['invalid-config', 'Set `order-id` to your order\'s reference (what your backend looks the order up by).'],
  pgcode: ['invalid-config', 'Use a PG payment code of 1-10 letters, digits or `_`: Shinhan `selpay` (its own window) or `card` (with the card picker).'],
  device: ['invalid-config', 'Leave `device` out (auto) or write `pc` or `mobile`.'],
  'app-scheme': ['invalid-config', 'In a shop app\'s web view, `app-scheme` is the app\'s URL scheme in lower case with `://`, e.g. `myshop://`; leave it out on the web.'],
  'pay-method': ['invalid-config', 'Smartro\'s `pay-method` is `card`, `vbank`, `bank` or `phone`; leave it out for your backend\'s default.'],
  provider: ['invalid-config', 'Set `provider` to `shinhan` or `smartro`.'],
  'provider-missing': ['invalid-config', 'This file carries one PG only: load the file of the PG you named (`kpg-shinhan.js`, `kpg-smartro.js`) or `kpg-checkout.js`, which has both.'],
  refused: ['invalid-config (with `status`)', 'Your backend refused this attribute for this shop earlier on this page (its 4xx named the field): offer only what your PG contract has (`pgcode`, `pay-method`).'],
  tid: ['invalid-config', 'Set `tid` on `<kpg-receipt>` to the transaction id of a paid attempt (`kpg-success`\'s `detail.tid`).'],
  'no-receipts': ['invalid-config', 'This PG has no receipt window here: leave `<kpg-receipt>` out for it.'],
  'receipt-inline': ['invalid-config', 'This PG\'s receipt opens in a window only: remove `view="inline"`.'],
  'card-required': ['card-required', '`pay()` with a card picker needs the buyer\'s card first: wait for `kpg-card-select`, or let the buyer press the button.'],
  'terms-required': ['terms-required', '`pay()` with the consent step needs the buyer\'s agreement first: wait for `kpg-terms-change` with every term agreed.'],
  'request-timeout': ['session-failed, result-failed, cards-failed, receipt-failed, terms-failed', 'Your backend did not answer within `timeout` seconds (default 15): look at its log for that request; raise `timeout` only if it is slow by design.'],
  'request-network': ['session-failed, result-failed, cards-failed, receipt-failed, terms-failed', 'The request did not reach your backend (offline, DNS, CORS, a proxy): the URL path is in the message; open it in the browser\'s network panel.'],
  'request-http': ['session-failed, result-failed, cards-failed, receipt-failed, terms-failed (with `status`)', 'Your backend answered an HTTP error: `status` is set and the message ends with its JSON `message`; its log has the cause. 409 `attempt-in-progress` and the refusals have codes of their own.'],
  'request-not-json': ['session-failed, result-failed, cards-failed, receipt-failed, terms-failed', 'Your backend answered something that is not JSON (often an HTML error or login page from a proxy): answer `application/json` as in demo/CONTRACT.md.'],
  unexpected: ['session-failed', 'An error the widget did not expect while starting the payment: report it with the message (and the browser) as a bug.'],
  'bad-json': ['invalid-session, result-failed, cards-failed, receipt-failed, terms-failed (with `field`)', 'Your backend\'s JSON does not have the shape demo/CONTRACT.md gives: `field` names the first bad field, the message says what it expected.'],
  'result-status': ['result-failed (`field`: status)', 'result-url answered a `status` the widget does not know: use one of those in demo/CONTRACT.md.'],
  'result-order': ['result-failed (`field`: order_no)', 'result-url answered for another attempt: answer for the `order_no` the widget asked about.'],
  'result-vbank': ['result-failed (`field`: vbank)', 'A result with `status: "awaiting_deposit"` must carry `vbank` (bank, account, holder, due date).'],
  'result-mismatch': ['result-failed', 'The session said the order was paid (409 already-paid), but result-url says otherwise: your backend\'s two answers disagree; look at that order in your database.'],
  'result-unknown': ['result-timeout', 'Your backend could not learn the outcome from the PG yet: it reconciles the attempt (`order_no`) later. Tell the buyer to check their order before paying again.'],
  'result-still': ['result-timeout', 'result-url still said `pending` or `processing` after `result-timeout` seconds: reconcile the attempt (`order_no`) on your backend.'],
  'attempt-in-progress': ['attempt-in-progress', 'Another attempt of this order is open (another tab or window) or being verified: the buyer should finish or close that payment window, then press again.'],
  'cards-refused': ['cards-failed', 'The PG refused your backend\'s card-list request (its `ret_code` and text are in the message): check your backend\'s Shinhan credentials and `pgcode`.'],
  'cards-empty': ['cards-failed', 'The PG\'s card list had no usable card: check the PG contract (which card companies are on it).'],
  origin: ['origin-not-allowed', 'A URL (from your backend\'s session, or `script-src`) is not on the PG\'s https domain. For a sandbox or staging PG, call `KpgCheckout.allowPgOrigins([...])` from your own script.'],
  'script-failed': ['script-load-failed (`field`: script-src)', 'The PG\'s script did not load (network, CSP `script-src`, an ad blocker): the URL is in the message.'],
  'script-api': ['script-load-failed (`field`: script-src)', 'The script at `script-src` is not Shinhan\'s pay script (or an old one): leave `script-src` out for Shinhan\'s own.'],
  'open-popup-threw': ['script-load-failed', 'Shinhan\'s script threw when asked to open its window: the PG\'s own error is in the message.'],
  'stage2-failed': ['script-load-failed', 'The second file (`kpg-<pg>.stage2.js`) did not load: serve it beside the first, from the same build, or load the one-file `kpg-checkout.js`.'],
  'stage2-other-build': ['script-load-failed', 'The second file is from another build (a CDN or cache mixed two versions): deploy both files of one build together.'],
  'stage2-not-found': ['script-load-failed', 'The first file was not loaded by `<script src>` (bundled or inlined), so it cannot find its second file: load it with `<script src>`, or use the one-file `kpg-checkout.js` or the npm package.'],
  'stage2-origin': ['script-load-failed', '`data-kpg-stage2` on the script tag must be a URL on the same origin as the script.'],
  'stage2-none': ['script-load-failed', 'An npm import of the first stage alone: import `kpg-checkout/shinhan` or `kpg-checkout/smartro`, which carry the whole.'],
  'popup-blocked': ['popup-blocked', 'The browser blocked the PG\'s window: the buyer allows pop-ups for your site and presses again. `pay()` from your own code must run inside the buyer\'s click.'],
  'receipt-blocked': ['popup-blocked', 'The browser blocked the receipt window: the buyer allows pop-ups and presses again.'],
  'field-charset': ['invalid-field (`field`, `order_no`)', 'A Smartro form field from your backend has a character its charset (EUC-KR) cannot hold (an emoji...): replace it (with "?", as kpg-checkout/server does) or drop it on your backend before signing.'],
  'field-name': ['invalid-field (`field`, `order_no`)', 'Your backend sent a Smartro form field whose name is not a plain field name: send only the fields of Smartro\'s guide.'],
  'field-required': ['invalid-field (`field`, `order_no`)', 'Your backend\'s Smartro session lacks a field Smartro needs (`field` names it): see demo/CONTRACT.md and Smartro\'s guide.'],
  'field-amt': ['invalid-field (`field`, `order_no`)', '`Amt` is the amount in whole won, digits only, as your backend signed it.'],
  'field-moid': ['invalid-field (`field`, `order_no`)', '`Moid` (the attempt\'s order_no) may hold letters and digits only.'],
  'field-moid-order': ['invalid-field (`field`, `order_no`)', '`Moid` must be the session\'s `order_no`: your backend signed one attempt and answered another.'],
  'field-edidate': ['invalid-field (`field`, `order_no`)', '`ediDate` is the signing time as yyyyMMddHHmmss (14 digits).'],
  'field-url': ['invalid-field (`field`, `order_no`)', '`ReturnURL` and `StopURL` must be absolute http(s) URLs of your site.'],
  'field-bytes': ['invalid-field (`field`, `order_no`)', 'The field is longer in the form\'s charset than Smartro takes: shorten it on your backend (Hangul is 2 bytes in EUC-KR, 3 in UTF-8).'],
  'hex-color': ['warning', 'Colours are six hex digits, e.g. `5379FF` or `#5379FF`; the default colour is used meanwhile.'],
  seconds: ['warning', '`timeout` and `result-timeout` are seconds (a positive number); the default is used meanwhile.'],
  amount: ['warning', '`amount` is whole won, digits only (`11000`); without it the button shows no amount. Your backend\'s amount is what is charged either way.'],
  'pg-origins': ['warning', 'Markup cannot allow PG origins (an injected attribute could): call `KpgCheckout.allowPgOrigins([...])` from your own script.'],
  'look-alike': ['warning', 'The attribute has a hyphen where the widget\'s has an underscore (or the reverse): write it as the message says.'],
  lang: ['warning', 'The widget speaks `ko` (the default) and `en`.'],
  'pay-method-ignored': ['warning', 'Shinhan\'s window lets the buyer choose the method: leave `pay-method` out for Shinhan.'],
  'no-picker': ['warning', '`cards-url` needs `<kpg-card-picker>`: load `kpg-shinhan.js` or `kpg-checkout.js`, or leave `cards-url` out.'],
  'no-cards-url': ['warning', 'Set `cards-url` on `<kpg-card-picker>` to your endpoint that proxies Shinhan\'s card-list.'],
  'card-skipped': ['warning', 'One entry of the card list did not have the expected shape and is not offered: the message names what was wrong.'],
  'return-lookup': ['warning', 'The page was opened with a return parameter (after a mobile payment) whose attempt your result-url could not answer: the widget shows its button again. Your backend\'s log has the cause.'],
  'outside-ks-x-1001': ['warning', 'A Smartro field has Hangul outside KS X 1001: Smartro receives Windows-949 bytes for it, which a strict EUC-KR reader shows garbled. Keep such names out of the PG\'s fields if that matters.'],
  'defined-twice': ['warning', 'Two kpg scripts are on the page: load one of `kpg-checkout.js`, `kpg-shinhan.js`, `kpg-smartro.js`.'],
  disabled: ['thrown', '`pay()` rejects with this Error: the element has `disabled`; remove it before calling `pay()`.'],
  'not-origins': ['thrown', '`KpgCheckout.allowPgOrigins()` throws this TypeError: it takes origins only: scheme, host and port, no path, e.g. `https://pg-staging.example.com`.'],
};
