// @ts-check
// Waiting for an element inside shadow roots, in puppeteer (the first-hour test, the console's screenshots).
//
// Why not page.waitForSelector('a >>> b'): puppeteer waits on a `>>>` selector with "mutation" polling, a
// MutationObserver on the document, which sees nothing that happens inside a shadow root. When the element
// is not there at the first look and appears by a change inside a shadow root only (Lit renders the consent
// step's checkbox into <kpg-terms>'s shadow root, inside <kpg-checkout>'s), the wait runs until its bound
// unless something else happens to change the light DOM. That is what made the first-hour test's consent
// checkbox "not appear within 60 s" in 2 of 5 runs while the page showed it (test/node/deep-wait.test.mjs
// shows the difference). This one looks again every `interval` ms until the element is there.

/**
 * The first element matching `selector`, where ` >>> ` means "anywhere below, shadow roots included" (as in
 * puppeteer), once it exists; rejects after `timeout` ms naming the selector.
 * @param {import('puppeteer-core').Page} page @param {string} selector
 * @param {{ timeout?: number, interval?: number }} [options]
 * @returns {Promise<import('puppeteer-core').ElementHandle<Element>>}
 */
export async function waitForDeep(page, selector, { timeout = 30_000, interval = 50 } = {}) {
  const handle = await page
    .waitForFunction(
      (sel) => {
        const [first, ...rest] = sel.split(/\s*>>>\s*/);
        /** Every element below `el`: its shadow root's and its own children, and theirs. @param {Element} el @param {Element[]} out */
        const below = (el, out = []) => {
          for (const child of [...(el.shadowRoot?.children ?? []), ...el.children]) out.push(child), below(child, out);
          return out;
        };
        let found = [...document.querySelectorAll(first)];
        for (const part of rest) found = found.flatMap((el) => below(el).filter((e) => e.matches(part)));
        return found[0] ?? null;
      },
      { polling: interval, timeout },
      selector,
    )
    .catch((error) => {
      throw new Error(`no ${selector} within ${timeout / 1000} s`, { cause: error });
    });
  const element = handle.asElement();
  if (!element) throw new Error(`${selector}: not an element`);
  return /** @type {import('puppeteer-core').ElementHandle<Element>} */ (element);
}
