// @ts-check
// A web-test-runner command that lets a test act as the shopper inside a PG window: the popup the PG
// script opened, or an iframe that navigated to the PG. Tests call it with
//   executeServerCommand('pg-window', { url: 'http://127.0.0.1:5274/pgsvc/pay', action: 'click', selector: '#approve' })
// Actions: 'wait' (until a window or frame whose URL starts with `url` exists), 'click' (a real mouse
// click through Chromium), 'text' (textContent of selector), 'style' (computed style property `property`
// of selector), 'count' (how many open windows/frames match), 'close' (close the matching window),
// 'focused' (whether that window's document has the focus), 'close-all' (close every matching window),
// 'urls' (the URLs of every matching window or frame: tells two PG windows apart), 'eval' (evaluate
// `expression` in the matching window -> {value}: what a PG page does that a click cannot show).

/** @param {import('puppeteer-core').Page} page @param {string} prefix */
function framesOf(page, prefix) {
  return page.frames().filter((f) => f.url().startsWith(prefix));
}

/** @param {import('puppeteer-core').Browser} browser @param {string} prefix */
async function findFrames(browser, prefix) {
  const found = [];
  for (const page of await browser.pages()) {
    for (const frame of framesOf(page, prefix)) found.push({ page, frame });
  }
  return found;
}

/**
 * @param {import('puppeteer-core').Browser} browser @param {string} prefix @param {number} timeout
 * @param {boolean} [loaded] also wait for its document's body (not for 'close': a buyer closes a window whose
 *   next page is still loading, and a page between two processes cannot be asked for its body)
 */
async function waitForFrame(browser, prefix, timeout, loaded = true) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const [first] = await findFrames(browser, prefix);
    if (first) {
      if (loaded) await first.frame.waitForSelector('body', { timeout: Math.max(100, deadline - Date.now()) });
      return first;
    }
    if (Date.now() > deadline) throw new Error(`no window or frame at ${prefix} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * @typedef {object} ShopPage
 * @property {import('puppeteer-core').Page} page
 * @property {import('puppeteer-core').BrowserContext} [context] its own incognito context (closed with it)
 * @property {string[]} diverted top-level navigations that were stopped (see 'open')
 * @property {import('puppeteer-core').HTTPRequest[]} held requests waiting for 'release'
 */
/**
 * Close a window as the buyer does. One that closed itself meanwhile (a PG page that ends with
 * window.close()) is closed all the same: not an error.
 * @param {import('puppeteer-core').Page} page
 */
async function closeWindow(page) {
  try {
    await page.close();
  } catch (error) {
    if (!/No target with given id|Target closed|Session closed/i.test(String(error))) throw error;
  }
}

/** @type {Map<number, ShopPage>} */
const shopPages = new Map();
let nextShopPage = 1;

/**
 * Request interception for one shop tab: a top-level navigation whose URL contains `divert` is stopped and
 * its URL kept (as when iOS opens the shop's return URL in Safari instead of the app that paid); a request
 * whose URL contains `hold` waits until 'release' (to make one copy of a PG's result arrive after another).
 * @param {ShopPage} shop @param {{ divert?: string, hold?: string }} rules
 */
async function intercept(shop, { divert, hold }) {
  const { page } = shop;
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const url = request.url();
    if (divert && url.includes(divert) && request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      shop.diverted.push(url);
      void request.abort('aborted').catch(() => {});
    } else if (hold && url.includes(hold)) {
      shop.held.push(request);
    } else {
      void request.continue().catch(() => {});
    }
  });
}

/**
 * `shop-page`: a separate top-level tab (no opener), for what only top-level pages do, such as the
 * back/forward cache, two tabs on one order, or a return in another browser. Actions:
 * 'open' (url -> id; `incognito: true` opens it in a new browser context with its own storage and cookies,
 * `cookies: true` then copies the test browser's cookies for the URL's origin into it (the buyer signed in
 * there too); `divert` / `hold`: see `intercept`), 'click' (selector, `>>>` pierces shadow roots),
 * 'eval' (expression -> {value}), 'back', 'url', 'diverted' (the stopped navigations' URLs),
 * 'release' (let the held requests go -> how many), 'close'.
 * @param {import('puppeteer-core').Browser} browser @param {any} payload
 */
async function shopPage(browser, payload) {
  const { action, id, url, selector, expression } = payload;
  if (action === 'open') {
    /** @type {import('puppeteer-core').BrowserContext | undefined} */
    let context;
    if (payload.incognito) {
      context = await browser.createBrowserContext();
      if (payload.cookies) {
        const origin = new URL(url);
        const mine = (await browser.defaultBrowserContext().cookies()).filter((c) => c.domain === origin.hostname || c.domain === `.${origin.hostname}`);
        if (mine.length) await context.setCookie(...mine);
      }
    }
    const page = await (context ?? browser).newPage();
    /** @type {ShopPage} */
    const shop = { page, context, diverted: [], held: [] };
    if (payload.divert || payload.hold) await intercept(shop, payload);
    await page.goto(url, { waitUntil: 'load' });
    shopPages.set(nextShopPage, shop);
    return nextShopPage++;
  }
  const shop = shopPages.get(id);
  if (!shop) throw new Error(`no shop page ${id}`);
  const { page } = shop;
  switch (action) {
    case 'click':
      // The buyer looks at the tab first: a background tab runs no animation frames, which the locator's
      // stability check waits for (with two shop tabs, the other one is in front).
      await page.bringToFront();
      await page.locator(selector).click();
      return true;
    case 'eval':
      // Wrapped: a command that returns null or undefined counts as "not handled" in the runner.
      try {
        return { value: await page.evaluate(expression) };
      } catch (error) {
        // The page is between two documents (a navigation): nothing to read yet; callers poll again.
        if (/context was destroyed|detached|navigat/i.test(String(error))) return { value: null };
        throw error;
      }
    case 'back':
      await page.goBack({ waitUntil: 'load' });
      return page.url();
    case 'url':
      return page.url();
    case 'diverted':
      return [...shop.diverted];
    case 'release': {
      const held = shop.held.splice(0);
      for (const request of held) await request.continue().catch(() => {});
      return held.length;
    }
    case 'close':
      shopPages.delete(id);
      await page.close();
      await shop.context?.close();
      return true;
    default:
      throw new Error(`unknown shop-page action ${action}`);
  }
}

export function pgWindowCommands() {
  return {
    name: 'pg-window-commands',
    /** @param {{command: string, payload: any, session: any}} args */
    async executeCommand({ command, payload, session }) {
      if (command === 'shop-page') return shopPage(session.browser.getPage(session.id).browser(), payload);
      if (command === 'clipboard') {
        // `clipboard`: what the test page's clipboard holds, read as the OS would paste it (permission granted
        // to the page's origin for the read; the page's own writes use the permission it has anyway).
        /** @type {import('puppeteer-core').Page} */
        const page = session.browser.getPage(session.id);
        await page.browserContext().overridePermissions(new URL(page.url()).origin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
        if (payload?.action === 'grant') return true;
        await page.bringToFront();
        return { text: await page.evaluate(() => navigator.clipboard.readText()) };
      }
      if (command !== 'pg-window') return undefined;
      /** @type {import('puppeteer-core').Page} */
      const testPage = session.browser.getPage(session.id);
      const browser = testPage.browser();
      const { url, action, selector, property, timeout = 8000 } = payload;
      if (action === 'count') return (await findFrames(browser, url)).length;
      if (action === 'urls') return (await findFrames(browser, url)).map((f) => f.frame.url());
      if (action === 'close-all') {
        // Windows an earlier test file left open (a receipt, a PG page): a test that counts windows starts clean.
        const shops = [...shopPages.values()].map((s) => s.page);
        const pages = new Set((await findFrames(browser, url)).map((f) => f.page).filter((p) => p !== testPage && !shops.includes(p)));
        for (const page of pages) await closeWindow(page);
        return pages.size;
      }
      const { page, frame } = await waitForFrame(browser, url, timeout, action !== 'close');
      switch (action) {
        case 'wait':
          return frame.url();
        case 'click': {
          const handle = await frame.waitForSelector(selector, { timeout });
          if (!handle) throw new Error(`no ${selector} in ${frame.url()}`);
          await handle.click();
          return true;
        }
        case 'text': {
          const handle = await frame.waitForSelector(selector, { timeout });
          return handle ? await frame.evaluate((el) => el.textContent, handle) : null;
        }
        case 'style': {
          const handle = await frame.waitForSelector(selector, { timeout });
          return handle
            ? await frame.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), handle, property)
            : null;
        }
        case 'close':
          if (page !== testPage) await closeWindow(page);
          return true;
        case 'focused':
          return await frame.evaluate(() => document.hasFocus());
        case 'eval':
          // Wrapped: a command that returns null or undefined counts as "not handled" in the runner.
          return { value: await frame.evaluate(payload.expression) };
        default:
          throw new Error(`unknown pg-window action ${action}`);
      }
    },
  };
}
