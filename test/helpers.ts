/** Shared test helpers: real clicks, the PG window, fixtures, and an event recorder. */
import { aTimeout, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendMouse } from '@web/test-runner-commands';
import type { KpgCheckout } from '../src/index.js';
import type { KpgEventName } from '../src/events.js';
import { SCRIPT, allowPgOrigins } from './elements.js';

/**
 * A failed assertion about an element (`expect(el).to.equal(other)`) reaches web-test-runner with the element
 * as its `actual`, which web-test-runner cannot serialize: the file then hangs until its 120 s limit and names
 * no test. Every failure's elements are reported as their markup instead (mocha reads the error after this hook).
 */
afterEach(function () {
  const err = this.currentTest?.err as { actual?: unknown; expected?: unknown } | undefined;
  for (const key of ['actual', 'expected'] as const) {
    const value = err?.[key];
    if (value instanceof Element) err![key] = value.outerHTML.slice(0, 300);
    else if (value instanceof Node) err![key] = `${value.nodeName}: ${(value.textContent ?? '').slice(0, 300)}`;
  }
});

/** The sandbox PGs' origins in this run (free ports, set by web-test-runner.config.mjs in the test page). */
const env = (window as unknown as { __KPG_TEST_ENV__?: { shinhan?: string; smartro?: string } }).__KPG_TEST_ENV__;
if (!env?.shinhan || !env.smartro) throw new Error('window.__KPG_TEST_ENV__ is missing: run the tests through web-test-runner.config.mjs');
export const SHINHAN_SANDBOX: string = env.shinhan;
export const SMARTRO_SANDBOX: string = env.smartro;
export const SHINHAN_SCRIPT = `${SHINHAN_SANDBOX}/businessPayment/unifiedPay/script`;
export const SHINHAN_PAY_PAGE = `${SHINHAN_SANDBOX}/pgsvc/pay`;

/**
 * The origins the tests' PG stand-ins live on: the sandboxes, and this test server (stub scripts, capture
 * actions). Allowed the way a shop allows a sandbox: from JavaScript, before any element connects.
 */
export const TEST_PG_ORIGINS = [SHINHAN_SANDBOX, SMARTRO_SANDBOX, location.origin];
allowPgOrigins(TEST_PG_ORIGINS);

/** For a shop page in an iframe: the shipped script (the file under test, else kpg-checkout.js), then (an external script, so a strict CSP allows it) the opt-in. */
export const SHOP_DIST_SCRIPTS =
  `<script src="/__fixture/dist/${SCRIPT ?? 'kpg-checkout.js'}"></script>` +
  `<script src="/__fixture/allow-pg-origins.js?o=${encodeURIComponent(TEST_PG_ORIGINS.join(' '))}"></script>`;

/** For a shop page in an iframe: the elements as the run takes them (the file under test, or src/), with the test PG origins allowed first. */
export const SHOP_MODULE = SCRIPT
  ? SHOP_DIST_SCRIPTS
  : `<script type="module">import { allowPgOrigins } from '/src/index.ts'; allowPgOrigins(${JSON.stringify(TEST_PG_ORIGINS)});</script>`;

/**
 * `waitUntil` with a bound that covers a request on a busy 2-core machine (5 s, well below mocha's 10 s
 * per test), instead of the library's 1 s default: every wait is on a condition, never a sleep.
 */
export function waitFor(
  condition: () => unknown,
  message?: string,
  options: { timeout?: number; interval?: number } = {},
): Promise<void> {
  return waitUntil(condition, message, { timeout: 5000, ...options });
}

/** A real mouse click (trusted, with user activation) on the centre of `el`, through Chromium's input. */
export async function realClick(el: Element): Promise<void> {
  // Bring the element (and the frames around it) into this page's viewport first.
  for (let view: Window | null = el.ownerDocument.defaultView; view && view !== window; view = view.parent) {
    view.frameElement?.scrollIntoView({ block: 'center' });
  }
  el.scrollIntoView({ block: 'center' });
  const rect = el.getBoundingClientRect();
  let x = rect.left + rect.width / 2;
  let y = rect.top + rect.height / 2;
  // Inside a same-origin iframe: add the frame's position in this page.
  for (let view: Window | null = el.ownerDocument.defaultView; view && view !== window; view = view.parent) {
    const frame = view.frameElement?.getBoundingClientRect();
    if (!frame) break;
    x += frame.left;
    y += frame.top;
  }
  await sendMouse({ type: 'click', position: [Math.round(x), Math.round(y)] });
}

/** Close every window on the sandboxes that an earlier test (file) left open: for tests that count windows. */
export async function closeSandboxWindows(): Promise<void> {
  await pgWindow({ url: SHINHAN_SANDBOX, action: 'close-all' });
  await pgWindow({ url: SMARTRO_SANDBOX, action: 'close-all' });
}

/** The pay button inside a checkout. */
export function payButton(el: KpgCheckout): HTMLButtonElement {
  const button = el.shadowRoot?.querySelector('button');
  if (!button) throw new Error('no button in kpg-checkout');
  return button;
}

export interface PgWindowPayload {
  url: string;
  action: 'wait' | 'click' | 'text' | 'style' | 'count' | 'close' | 'focused' | 'close-all' | 'urls' | 'eval';
  selector?: string;
  property?: string;
  /** 'eval': evaluated in the PG window (answers `{value}`). */
  expression?: string;
  timeout?: number;
}

/** Act as the shopper in the PG's window or frame (see test/server/pg-window.mjs). */
export function pgWindow<T = unknown>(payload: PgWindowPayload): Promise<T> {
  return executeServerCommand<T, PgWindowPayload>('pg-window', payload);
}

/** A `/__fixture` URL answering `body` (objects are JSON-encoded) with the given options. */
export function fixture(options: {
  body?: unknown;
  status?: number;
  type?: string;
  delay?: number;
  key?: string;
  sequence?: Array<{ status?: number; body: unknown }>;
}): string {
  const params = new URLSearchParams();
  if (options.body !== undefined) {
    params.set('body', typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  }
  if (options.status) params.set('status', String(options.status));
  if (options.type) params.set('type', options.type);
  if (options.delay) params.set('delay', String(options.delay));
  if (options.key) params.set('key', options.key);
  if (options.sequence) params.set('sequence', JSON.stringify(options.sequence));
  return `/__fixture?${params}`;
}

export interface RecordedRequest {
  method: string;
  query: Record<string, string>;
  body: string;
  /** `/__fixture/capture` only: the raw body, one character per byte. */
  raw?: string;
  contentType?: string;
}

/** The raw form fields a capture received: name -> the value's BYTES (percent-escapes and + decoded). */
export function formBytes(raw: string): Map<string, Uint8Array> {
  const fields = new Map<string, Uint8Array>();
  for (const pair of raw.split('&')) {
    const [name, value = ''] = pair.split('=');
    const bytes: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const c = value[i];
      if (c === '+') bytes.push(0x20);
      else if (c === '%') {
        bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(c.charCodeAt(0));
    }
    fields.set(decodeURIComponent(name), new Uint8Array(bytes));
  }
  return fields;
}

/** What a keyed fixture received. */
export async function fixtureCalls(key: string): Promise<RecordedRequest[]> {
  const res = await fetch(`/__fixture/calls?key=${encodeURIComponent(key)}`);
  return ((await res.json()) as { requests: RecordedRequest[] }).requests;
}

let keys = 0;
/** A key unique to this page load, for recording fixture calls. */
export function uniqueKey(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${++keys}`;
}

/** A fresh order from the demo shop's catalogue (p1 테스트 상품 11,000원 ... p4 똠방각하 한정판 3,000원, p5 🎁 선물 세트 25,000원). */
export async function newOrder(product_id = 'p1'): Promise<string> {
  const res = await fetch('/api/demo/orders', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ product_id }),
  });
  if (!res.ok) throw new Error(`could not create a test order: ${res.status}`);
  return ((await res.json()) as { order_id: string }).order_id;
}

export const OUTCOMES = ['kpg-success', 'kpg-fail', 'kpg-cancel', 'kpg-error', 'kpg-vbank-issued', 'kpg-refunded'] as const;
const ALL: KpgEventName[] = ['kpg-session', ...OUTCOMES];

export interface Recorded {
  type: KpgEventName;
  detail: any;
}

/** Records every kpg-* event `target` sees. */
/**
 * The outcome events a shop page in `frame` logged into `window.kpgLog` (pages that navigate to the PG and
 * back, where no listener of this page survives); empty while the frame is elsewhere (another origin).
 */
export function frameLog(frame: HTMLIFrameElement): Array<{ type: string; detail: any }> {
  try {
    return (frame.contentWindow as unknown as { kpgLog?: Array<{ type: string; detail: any }> }).kpgLog ?? [];
  } catch {
    return [];
  }
}

export function recordEvents(target: EventTarget) {
  const events: Recorded[] = [];
  for (const type of ALL) {
    target.addEventListener(type, (e) => events.push({ type, detail: (e as CustomEvent).detail }));
  }
  const outcomes = () => events.filter((e) => (OUTCOMES as readonly string[]).includes(e.type));
  return {
    events,
    outcomes,
    /** Wait for the attempt's outcome, then make sure no second outcome follows. */
    async outcome(timeout = 8000): Promise<Recorded> {
      await waitUntil(() => outcomes().length > 0, 'no outcome event', { timeout });
      await aTimeout(150);
      if (outcomes().length !== 1) {
        throw new Error(`expected exactly one outcome, got ${outcomes().map((e) => e.type).join(', ')}`);
      }
      return outcomes()[0];
    },
  };
}

/** A fixture session for a Shinhan checkout (order T-1) whose redirect_url is on the sandbox. */
export const SESSION = { provider: 'shinhan', order_no: 'T-1', redirect_url: `${SHINHAN_SANDBOX}/pgsvc/pay?token=t` };

/**
 * A stand-in ShinhanBizPay script served by the test server: its openPopup records the URL and calls
 * back with (code, message) without opening anything (this server's origin is allowed in TEST_PG_ORIGINS).
 */
export function stubScript(code: unknown, message: unknown, resSuccess: unknown = 'OK'): string {
  const body =
    `window.ShinhanBizPay={RES_SUCCESS:${JSON.stringify(resSuccess)},` +
    `openPopup:function(u,cb){window.__openedWith=u;setTimeout(function(){cb(${JSON.stringify(code)},${JSON.stringify(message)})},0)}};`;
  return location.origin + fixture({ type: 'text/javascript', body, key: uniqueKey('script') });
}

/**
 * End the page's transient user activation (left over from an earlier real click), so that a test can
 * act like code that runs without a click. Opening a window consumes the activation.
 */
export function consumeUserActivation(): void {
  if (navigator.userActivation?.isActive) window.open('', '_blank')?.close();
}

/**
 * Records every window this page opens (wrapping window.open), so a test can check that one was closed,
 * and close what is left. Call the returned `restore` in afterEach.
 */
export function trackWindows() {
  const opened: Window[] = [];
  const calls: Array<Parameters<typeof window.open>> = [];
  const original = window.open;
  window.open = function (this: Window, ...args: Parameters<typeof window.open>) {
    calls.push(args);
    const win = original.apply(this, args);
    if (win) opened.push(win);
    return win;
  } as typeof window.open;
  return {
    opened,
    /** The arguments of every window.open call, opened or blocked. */
    calls,
    /** Windows still open. */
    open: () => opened.filter((w) => !w.closed),
    restore() {
      window.open = original;
      for (const w of opened) if (!w.closed) w.close();
    },
  };
}

/**
 * A test-only control request to a sandbox PG (`/__sandbox/fault`, `/__sandbox/payments`, ...), sent from the
 * test server (test/server/sandbox-control.mjs): a POST with `body`, else a GET.
 */
export function sandbox<T = any>(pg: 'shinhan' | 'smartro', path: string, body?: unknown): Promise<{ status: number; json: T }> {
  return executeServerCommand('sandbox', { pg, path, body });
}

/** Every payment a sandbox PG holds, with what its request carried (`/__sandbox/payments`). */
export async function sandboxPayments(pg: 'shinhan' | 'smartro'): Promise<any[]> {
  const { status, json } = await sandbox<{ payments: any[] }>(pg, '/__sandbox/payments');
  if (status !== 200) throw new Error(`/__sandbox/payments of ${pg} answered ${status}`);
  return json.payments;
}

export interface ShopTabOptions {
  /** Query parameters before the page's own (e.g. `from=app`), as a shop's URL has them. */
  query?: string;
  /** A new browser context: its own cookies, sessionStorage and cache, as another browser on the phone. */
  incognito?: boolean;
  /** With `incognito`: the test browser's cookies for this origin go along (the buyer is signed in there too). */
  cookies?: boolean;
  /** A top-level navigation whose URL contains this is stopped and kept (`shopDiverted`). */
  divert?: string;
  /** A request whose URL contains this waits for `shopRelease`. */
  hold?: string;
}

type ShopPagePayload = Record<string, unknown> & { action: string };
const shopPageCommand = <T>(payload: ShopPagePayload) => executeServerCommand<T, ShopPagePayload>('shop-page', payload);

/**
 * A shop page as its own top-level tab (test/server/pg-window.mjs `shop-page`): the elements from the source
 * with the test PG origins allowed, `body` as its body, and every kpg-* event recorded in `window.kpgLog`
 * (`shopLog`), the checkout's state changes in `window.kpgStates` ("busy:disabled", "paid:disabled", ...)
 * and what the shop's server answered the page in `window.kpgAnswers` ("GET /api/kpg/result 200 processing").
 * The URL can also be opened again elsewhere: `shopPageUrl`.
 */
export function shopPageUrl(body: string, query = ''): string {
  const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>shop</title>
    <script src="/__fixture/shop-tab.js"></script>
    ${SHOP_MODULE}</head><body>${body}</body></html>`;
  return `${location.origin}/__fixture/page?${query ? `${query}&` : ''}body=${encodeURIComponent(page)}`;
}

/** Open `url` (see `shopPageUrl`) in a new top-level tab; resolves with its id once it has loaded. */
export function openShopTab(url: string, options: Omit<ShopTabOptions, 'query'> = {}): Promise<number> {
  return shopPageCommand<number>({ action: 'open', url, ...options });
}

/** Evaluate an expression in a shop tab (null while it is between two documents). */
export async function shopEval<T>(id: number, expression: string): Promise<T | null> {
  return (await shopPageCommand<{ value: T | null }>({ action: 'eval', id, expression })).value;
}

/** The kpg-* events the shop tab's current document saw ([] while it navigates). */
export async function shopLog(id: number): Promise<Recorded[]> {
  return (await shopEval<Recorded[]>(id, 'window.kpgLog || []')) ?? [];
}

/** The outcome events (not kpg-session) of the shop tab's current document. */
export async function shopOutcomes(id: number): Promise<Recorded[]> {
  return (await shopLog(id)).filter((e) => (OUTCOMES as readonly string[]).includes(e.type));
}

/** A real click (CDP input: trusted, with user activation) in a shop tab; `>>>` pierces shadow roots. */
export function shopClick(id: number, selector: string): Promise<unknown> {
  return shopPageCommand({ action: 'click', id, selector });
}

/** The URLs of the top-level navigations a `divert` rule stopped in that tab. */
export function shopDiverted(id: number): Promise<string[]> {
  return shopPageCommand<string[]>({ action: 'diverted', id });
}

/** Let the requests a `hold` rule stopped in that tab go on; resolves with how many there were. */
export function shopRelease(id: number): Promise<number> {
  return shopPageCommand<number>({ action: 'release', id });
}

export function closeShopTab(id: number): Promise<unknown> {
  return shopPageCommand({ action: 'close', id });
}

/**
 * Records what this page POSTs to a result-url (the widget's window-closed report) and what the server
 * answered it. Call `restore` in a finally.
 */
export function recordWindowClosedReports() {
  const sent: Array<{ body: unknown; answer: any }> = [];
  const original = window.fetch;
  window.fetch = async function (input: RequestInfo | URL, init?: RequestInit) {
    const response = await original.call(window, input, init);
    if (init?.method === 'POST' && String(input instanceof Request ? input.url : input).includes('/api/kpg/result')) {
      sent.push({ body: JSON.parse(String(init.body)), answer: await response.clone().json() });
    }
    return response;
  } as typeof window.fetch;
  return {
    sent,
    restore() {
      window.fetch = original;
    },
  };
}

/** What the shop's server (kpg-checkout/server in the test server) answers this browser for an attempt. */
export async function serverResult(orderNo: string): Promise<{ status: string; tid?: string; [key: string]: unknown }> {
  const res = await fetch(`/api/kpg/result?order_no=${encodeURIComponent(orderNo)}`);
  if (res.status !== 200) throw new Error(`GET /api/kpg/result?order_no=${orderNo} answered ${res.status}`);
  return res.json();
}
