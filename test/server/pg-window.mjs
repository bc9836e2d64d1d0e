// @ts-check
// A web-test-runner command that lets a test act as the shopper inside a PG window: the popup the PG
// script opened, or an iframe that navigated to the PG. Tests call it with
//   executeServerCommand('pg-window', { url: 'http://127.0.0.1:5274/pgsvc/pay', action: 'click', selector: '#approve' })
// Actions: 'wait' (until a window or frame whose URL starts with `url` exists), 'click' (a real mouse
// click through Chromium), 'text' (textContent of selector), 'style' (computed style property `property`
// of selector), 'count' (how many open windows/frames match), 'close' (close the matching window),
// 'focused' (whether that window's document has the focus), 'close-all' (close every matching window).

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

/** @param {import('puppeteer-core').Browser} browser @param {string} prefix @param {number} timeout */
async function waitForFrame(browser, prefix, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const [first] = await findFrames(browser, prefix);
    if (first) {
      await first.frame.waitForSelector('body', { timeout: Math.max(100, deadline - Date.now()) });
      return first;
    }
    if (Date.now() > deadline) throw new Error(`no window or frame at ${prefix} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** @type {Map<number, import('puppeteer-core').Page>} */
const shopPages = new Map();
let nextShopPage = 1;

/**
 * `shop-page`: a separate top-level tab (no opener), for what only top-level pages do, such as the
 * back/forward cache. Actions: 'open' (url -> id), 'click' (selector, `>>>` pierces shadow roots),
 * 'eval' (expression -> {value}), 'back', 'url', 'close'.
 * @param {import('puppeteer-core').Browser} browser @param {any} payload
 */
async function shopPage(browser, payload) {
  const { action, id, url, selector, expression } = payload;
  if (action === 'open') {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: 'load' });
    shopPages.set(nextShopPage, page);
    return nextShopPage++;
  }
  const page = shopPages.get(id);
  if (!page) throw new Error(`no shop page ${id}`);
  switch (action) {
    case 'click':
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
    case 'close':
      shopPages.delete(id);
      await page.close();
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
      if (action === 'close-all') {
        // Windows an earlier test file left open (a receipt, a PG page): a test that counts windows starts clean.
        const pages = new Set((await findFrames(browser, url)).map((f) => f.page).filter((p) => p !== testPage && ![...shopPages.values()].includes(p)));
        for (const page of pages) await page.close();
        return pages.size;
      }
      const { page, frame } = await waitForFrame(browser, url, timeout);
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
          if (page !== testPage) await page.close();
          return true;
        case 'focused':
          return await frame.evaluate(() => document.hasFocus());
        default:
          throw new Error(`unknown pg-window action ${action}`);
      }
    },
  };
}
