// @ts-check
// test/server/deep-wait.mjs, the wait the puppeteer tests use for elements inside shadow roots, in Chromium:
// it finds an element that appears by a change inside a shadow root only (what puppeteer's own `>>>`
// waitForSelector can miss: its MutationObserver watches the document, not shadow roots), and no test waits
// with waitForSelector on a `>>>` selector any more.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitForDeep } from '../server/deep-wait.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** @type {import('puppeteer-core').Browser} */
let browser;
before(async () => {
  const { findChrome } = await import('../../scripts/chrome.mjs');
  const { default: puppeteer } = await import('puppeteer-core');
  browser = await puppeteer.launch({ executablePath: findChrome('deep-wait test'), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});
after(() => browser?.close());

// A host with a shadow root holding another host with a shadow root, as <kpg-checkout> holds <kpg-terms>.
const PAGE = `<!doctype html><title>x</title><x-outer></x-outer><script>
  customElements.define('x-inner', class extends HTMLElement { constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<p>loading</p>'; } });
  customElements.define('x-outer', class extends HTMLElement { constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<x-inner hidden></x-inner>'; } });
  // What Lit does when the terms arrive: changes inside the two shadow roots only, nothing in the document.
  window.ready = () => {
    const inner = document.querySelector('x-outer').shadowRoot.querySelector('x-inner');
    inner.removeAttribute('hidden');
    inner.shadowRoot.innerHTML = '<label><input type="checkbox"> 전체 동의</label>';
  };
</script>`;

test('waitForDeep finds an element that appears by changes inside shadow roots only, and honours :not([hidden]) on the way', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.setContent(PAGE);
  const waiting = waitForDeep(page, 'x-outer >>> x-inner:not([hidden]) >>> input[type="checkbox"]', { timeout: 20_000 });
  // Not there yet: the inner host is hidden and has no checkbox.
  assert.equal(await page.evaluate(() => !!document.querySelector('x-outer')?.shadowRoot?.querySelector('x-inner')?.shadowRoot?.querySelector('input')), false);
  await page.evaluate(() => /** @type {any} */ (window).ready());
  const box = await waiting;
  assert.equal(await box.evaluate((el) => el.getRootNode() instanceof ShadowRoot && el.matches('input[type="checkbox"]')), true);
  await box.click();
  assert.equal(await box.evaluate((el) => /** @type {HTMLInputElement} */ (el).checked), true);
  // A selector that never matches is a clear error at its bound.
  await assert.rejects(waitForDeep(page, 'x-outer >>> x-inner >>> button', { timeout: 300 }), /no x-outer >>> x-inner >>> button within 0.3 s/);
  await page.close();
});

test('no puppeteer test waits with waitForSelector on a >>> selector (it can miss shadow-only changes: use test/server/deep-wait.mjs)', () => {
  /** @param {string} dir @returns {string[]} */
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'baselines' || e.name === 'output' ? [] : files(join(dir, e.name))) : /\.(mjs|js|ts)$/.test(e.name) ? [join(dir, e.name)] : []));
  const offenders = [...files(join(ROOT, 'test')), ...files(join(ROOT, 'scripts'))]
    .filter((f) => !f.endsWith('deep-wait.test.mjs') && !f.endsWith('deep-wait.mjs'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, i, line })))
    .filter(({ line }) => /waitForSelector\(/.test(line) && />>>/.test(line))
    .map(({ f, i }) => `${relative(ROOT, f)}:${i + 1}`);
  assert.deepEqual(offenders, []);
});
