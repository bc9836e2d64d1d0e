// @ts-check
// The staff console's gallery (demo/gallery.html?page=admin) in headless Chromium, against the built
// dist/kpg-admin.js and the stand-in staff API (demo/gallery-staff-stubs.mjs):
//  - axe on every screen and every dialog, light and dark, Korean and English, at 1280 and 390 px;
//  - nothing wider than the console at 390 px but the tables' frames, which scroll (and take focus);
//  - screenshots against baselines (test/visual/baselines/admin-*.png; the README's picture is one);
//  - the keyboard alone: find an order, sort, open it, give part of it back through the confirmation;
//  - PG and backend text shown as text, never as HTML; a double-clicked cancel sends one request.
// Run by npm test (scripts/screenshots.mjs runs test/visual/); `npm run test:screenshots:update` rewrites
// changed baselines. Deterministic as gallery.test.mjs: fixed data, NanumGothic, reduced motion, no caret.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import puppeteer from 'puppeteer-core';
import { compareWithBaseline } from './compare.mjs';
import { startGalleryServer } from './server.mjs';
import { waitForDeep } from '../server/deep-wait.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const WAIT_MS = 20000;
const TEST = { timeout: 90000 };

const SCREENS = ['admin-orders', 'admin-order', 'admin-check', 'admin-refunded', 'admin-debts', 'admin-deliveries', 'admin-reconcile', 'admin-empty', 'admin-loading', 'admin-error', 'admin-forbidden'];
/** Baselines per page: every screen in both themes at 1280 px (Korean), the main ones at 390 px, English twice. */
const CLIPS = {
  '1280-light-ko': SCREENS,
  '1280-dark-ko': SCREENS,
  '390-light-ko': ['admin-orders', 'admin-order', 'admin-check', 'admin-debts', 'admin-deliveries', 'admin-reconcile'],
  '390-dark-en': ['admin-orders', 'admin-order'],
  '1280-light-en': ['admin-order', 'admin-check'],
};
/** Dialog baselines: the confirmation (amount, balance after) everywhere it is shot, the others once. */
const DIALOG_CLIPS = {
  '1280-light-ko': ['cancel-form', 'cancel-confirm', 'cancel-done', 'settle', 'resolve', 'cancel-due'],
  '1280-dark-ko': ['cancel-confirm'],
  '390-light-ko': ['cancel-confirm'],
  '390-dark-en': ['cancel-form', 'cancel-confirm'],
};

/** @type {import('puppeteer-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startGalleryServer>>} */
let server;

before(async () => {
  server = await startGalleryServer();
  browser = await puppeteer.launch({
    executablePath: CHROME,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--force-color-profile=srgb', '--hide-scrollbars', '--disable-lcd-text'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * @template T
 * @param {Promise<T>} promise @param {string} what
 * @returns {Promise<T>}
 */
function bounded(promise, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${WAIT_MS / 1000} s`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The console gallery at `width`, every screen in its state, as tall as its content. */
async function openAdmin(/** @type {{ width: number, theme?: string, lang?: string, only?: string }} */ { width, theme = 'light', lang = 'ko', only }) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([
    { name: 'prefers-reduced-motion', value: 'reduce' },
    { name: 'prefers-color-scheme', value: theme },
  ]);
  await page.goto(`${server.origin}/demo/gallery.html?page=admin&theme=${theme}&lang=${lang}${only ? `&only=${only}` : ''}`, { waitUntil: 'load' });
  await bounded(
    page.evaluate(() => new Promise((resolve) => {
      const wait = () => (typeof (/** @type {any} */ (window).gallery?.settled) === 'function' ? /** @type {any} */ (window).gallery.settled().then(resolve) : setTimeout(wait, 20));
      wait();
    })),
    'the console screens did not reach their states',
  );
  await page.addStyleTag({ content: '* { caret-color: transparent !important; }' });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  assert.deepEqual(errors, [], 'the gallery threw');
  return page;
}

/** A console's shadow root, by its figure. */
const admin = (/** @type {string} */ id) => `#${id} kpg-admin`;

/** @param {import('puppeteer-core').Page} page @param {{ x: number, y: number, width: number, height: number }} box */
function shot(page, box, pad = 8) {
  return page.screenshot({
    type: 'png',
    clip: { x: Math.max(0, Math.floor(box.x - pad)), y: Math.max(0, Math.floor(box.y - pad)), width: Math.ceil(box.width + 2 * pad), height: Math.ceil(box.height + 2 * pad) },
  });
}

/** @param {import('puppeteer-core').Page} page @param {string} id */
async function figureBox(page, id) {
  const box = await page.evaluate((id) => {
    const r = document.getElementById(id)?.getBoundingClientRect();
    return r && { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
  }, id);
  assert.ok(box, `no #${id} in the gallery`);
  return box;
}

/** @param {import('puppeteer-core').Page} page @param {string} id */
async function dialogBox(page, id) {
  const box = await page.evaluate((sel) => {
    const d = document.querySelector(sel)?.shadowRoot?.querySelector('dialog');
    const r = d?.open ? d.getBoundingClientRect() : null;
    return r && { x: r.x, y: r.y, width: r.width, height: r.height };
  }, admin(id));
  assert.ok(box, 'no open dialog');
  return box;
}

/** @param {string} name @param {Uint8Array} png */
function assertBaseline(name, png) {
  const result = compareWithBaseline(name, png);
  if (!result.ok) assert.fail(result.message);
}

/**
 * axe on each console of the page (its figure: shadow root and open dialog included), one at a time: a shop's
 * admin page holds one console, so landmarks repeated ACROSS the gallery's eleven are not a finding.
 */
async function axeViolations(/** @type {import('puppeteer-core').Page} */ page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = /** @type {any} */ (window).axe;
    /** @type {string[]} */
    const out = [];
    for (const figure of document.querySelectorAll('figure:has(kpg-admin)')) {
      const result = await axe.run({ include: [[`#${figure.id}`]] }, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      for (const v of result.violations) out.push(`#${figure.id} ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map((/** @type {any} */ n) => JSON.stringify(n.target)).join(', ')}`);
    }
    return out;
  });
}

/** Click something inside a console (test/server/deep-wait.mjs: >>> pierces shadow roots). */
async function click(/** @type {import('puppeteer-core').Page} */ page, /** @type {string} */ id, /** @type {string} */ selector) {
  const handle = await waitForDeep(page, `${admin(id)} >>> ${selector}`, { timeout: WAIT_MS });
  assert.ok(handle, `no ${selector} in #${id}`);
  await handle.click();
}

/** Waits until `selector` exists in the console's shadow root (dialog content included). */
async function waitIn(/** @type {import('puppeteer-core').Page} */ page, /** @type {string} */ id, /** @type {string} */ selector) {
  await bounded(page.waitForFunction((sel, inner) => !!document.querySelector(sel)?.shadowRoot?.querySelector(inner), { polling: 50 }, admin(id), selector), `${selector} in #${id}`);
}

/** Types into an input of the console's open dialog. */
async function type(/** @type {import('puppeteer-core').Page} */ page, /** @type {string} */ id, /** @type {string} */ selector, /** @type {string} */ text) {
  const handle = await waitForDeep(page, `${admin(id)} >>> ${selector}`, { timeout: WAIT_MS });
  assert.ok(handle);
  await handle.click({ clickCount: 3 });
  await handle.type(text);
}

/** The open dialog of a console: its text, or null. */
const dialogText = (/** @type {import('puppeteer-core').Page} */ page, /** @type {string} */ id) =>
  page.evaluate((sel) => {
    const d = document.querySelector(sel)?.shadowRoot?.querySelector('dialog');
    return d?.open ? (d.textContent ?? '').replace(/\s+/g, ' ').trim() : null;
  }, admin(id));

async function closeDialog(/** @type {import('puppeteer-core').Page} */ page, /** @type {string} */ id) {
  await page.keyboard.press('Escape');
  await bounded(page.waitForFunction((sel) => !document.querySelector(sel)?.shadowRoot?.querySelector('dialog')?.open, { polling: 50 }, admin(id)), 'the dialog did not close');
}

/**
 * Opens each dialog the console has, in turn, and calls `visit(name)` while it is open: the cancel form
 * (part of it: ₩3,000), its confirmation, the answer; settling an unknown cancel; marking money owed back
 * resolved; cancelling it at the PG.
 * @param {import('puppeteer-core').Page} page @param {(name: string, id: string) => Promise<void>} visit
 */
async function eachDialog(page, visit) {
  await click(page, 'admin-order', 'button.give');
  await waitIn(page, 'admin-order', 'dialog[open] form.cancel-form');
  await click(page, 'admin-order', 'input[value="part"]');
  await waitIn(page, 'admin-order', 'input[name="amount"]');
  await type(page, 'admin-order', 'input[name="amount"]', '3,000');
  await type(page, 'admin-order', 'input[name="reason"]', '부분 반품');
  await visit('cancel-form', 'admin-order');
  await click(page, 'admin-order', 'button.review');
  await waitIn(page, 'admin-order', 'dialog[open] button.submit');
  await visit('cancel-confirm', 'admin-order');
  await click(page, 'admin-order', 'button.submit');
  await waitIn(page, 'admin-order', 'dialog[open] .result[data-status="done"]');
  await visit('cancel-done', 'admin-order');
  await closeDialog(page, 'admin-order');

  await click(page, 'admin-check', 'button.settle-done');
  await waitIn(page, 'admin-check', 'dialog[open] button.confirm-settle');
  await visit('settle', 'admin-check');
  await closeDialog(page, 'admin-check');

  await click(page, 'admin-debts', 'button.resolve');
  await waitIn(page, 'admin-debts', 'dialog[open] button.confirm-resolve');
  await visit('resolve', 'admin-debts');
  await closeDialog(page, 'admin-debts');

  await click(page, 'admin-debts', 'button.cancel-due');
  await waitIn(page, 'admin-debts', 'dialog[open] input[name="reason"]');
  await type(page, 'admin-debts', 'input[name="reason"]', '중복 결제');
  await click(page, 'admin-debts', 'button.review');
  await waitIn(page, 'admin-debts', 'dialog[open] button.submit');
  await visit('cancel-due', 'admin-debts');
  await closeDialog(page, 'admin-debts');
}

for (const width of [1280, 390]) {
  for (const theme of ['light', 'dark']) {
    for (const lang of ['ko', 'en']) {
      const key = `${width}-${theme}-${lang}`;
      describe(`console ${width} px, ${theme}, ${lang}`, { concurrency: 1 }, () => {
        /** @type {import('puppeteer-core').Page} */
        let page;
        before(async () => {
          page = await openAdmin({ width, theme, lang });
        }, TEST);
        after(() => page?.close());

        it('every screen passes axe', TEST, async () => {
          assert.deepEqual(await axeViolations(page), []);
        });

        it(`nothing is wider than the console${width === 390 ? ' on a phone' : ''} but the tables' frames, which scroll and take focus`, TEST, async () => {
          const wide = await page.evaluate(() => {
            /** @type {string[]} */
            const out = [];
            for (const host of document.querySelectorAll('kpg-admin')) {
              const root = /** @type {ShadowRoot} */ (host.shadowRoot);
              const right = host.getBoundingClientRect().right + 0.5;
              for (const node of root.querySelectorAll('*')) {
                if (node.closest('.scroll') || node.closest('dialog')) continue;
                if (node.getBoundingClientRect().right > right) out.push(`${host.closest('figure')?.id}: <${node.localName} class="${node.getAttribute('class') ?? ''}">`);
              }
              for (const frame of root.querySelectorAll('.scroll')) {
                if (frame.getAttribute('tabindex') !== '0' || frame.getAttribute('role') !== 'region') out.push(`${host.closest('figure')?.id}: a table frame keyboard users cannot scroll`);
              }
            }
            return out;
          });
          assert.deepEqual(wide, []);
        });

        for (const id of CLIPS[/** @type {keyof typeof CLIPS} */ (key)] ?? []) {
          it(`#${id} matches its baseline`, TEST, async () => {
            assertBaseline(`${id}-${key}`, await shot(page, await figureBox(page, id)));
          });
        }

        it('every dialog passes axe; the confirmation shows the amount and the balance after it', TEST, async () => {
          const shots = new Set(DIALOG_CLIPS[/** @type {keyof typeof DIALOG_CLIPS} */ (key)] ?? []);
          /** @type {string[]} */
          const failures = [];
          await eachDialog(page, async (name, id) => {
            for (const v of await axeViolations(page)) failures.push(`${name}: ${v}`);
            if (name === 'cancel-confirm') {
              const text = await dialogText(page, id);
              // G-1001: ₩55,000 taken, ₩3,000 given back, ₩52,000 left; ₩3,000 more leaves ₩49,000.
              assert.match(String(text), /₩3,000/);
              assert.match(String(text), /₩49,000/);
            }
            if (shots.has(name)) {
              const result = compareWithBaseline(`dialog-${name}-${key}`, await shot(page, await dialogBox(page, id)));
              if (!result.ok) failures.push(result.message);
            }
          });
          assert.deepEqual(failures, []);
        });
      });
    }
  }
}

describe('the keyboard alone', { concurrency: 1 }, () => {
  for (const [width, theme, lang] of /** @type {const} */ ([[1280, 'light', 'ko'], [390, 'dark', 'en']])) {
    it(`${width} px ${theme} ${lang}: find an order, sort, open it, give part of it back; every stop shows its focus`, TEST, async () => {
      const page = await openAdmin({ width, theme, lang, only: 'admin-orders' });
      try {
        const active = () =>
          page.evaluate(() => {
            /** @type {Element | null} */
            let a = document.activeElement;
            while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
            if (!a) return null;
            const cs = getComputedStyle(a);
            return {
              tag: a.localName,
              name: a.getAttribute('name'),
              cls: a.getAttribute('class') ?? '',
              text: (a.textContent ?? '').trim(),
              label: a.getAttribute('aria-label'),
              // A native date field's calendar button takes focus inside the input and draws its own ring
              // (seen in the screenshots); every other stop is ours: the shared two-tone ring.
              visible: (a.matches(':focus-visible') && cs.outlineStyle === 'solid' && parseFloat(cs.outlineWidth) >= 2) || (a.getAttribute('type') === 'date' && !a.matches(':focus-visible')),
            };
          });
        /** Tab until `match` holds (at most 80 stops), checking each stop shows its focus. */
        const tabTo = async (/** @type {(a: NonNullable<Awaited<ReturnType<typeof active>>>) => boolean} */ match, /** @type {string} */ what, shift = false) => {
          for (let i = 0; i < 80; i++) {
            await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
            const a = await active();
            if (a && a.tag !== 'body') assert.ok(a.visible, `no visible focus on <${a.tag} class="${a.cls}"> ${a.text.slice(0, 40)}`);
            if (a && match(a)) return;
          }
          assert.fail(`Tab never reached ${what}`);
        };

        await page.focus('#admin-orders');
        await tabTo((a) => a.name === 'q', 'the search box');
        await page.keyboard.type('G-100');
        // No exact match: nothing found; then the whole id.
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('.empty'), { polling: 50 }), 'nothing found for G-100');
        await page.keyboard.type('1');
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelectorAll('tbody tr').length === 1, { polling: 50 }), 'one row for G-1001');
        // Clear, then sort by amount from its header.
        await tabTo((a) => a.tag === 'button' && /Clear|초기화/.test(a.text), 'the clear button');
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelectorAll('tbody tr').length === 20, { polling: 50 }), 'every row again');
        await tabTo((a) => a.cls === 'sort' && /Amount|금액/.test(a.text), 'the amount header');
        await page.keyboard.press('Enter');
        await bounded(
          page.waitForFunction(() => {
            const host = /** @type {any} */ (document.querySelector('#admin-orders kpg-admin'));
            return host?.state === 'ready' && host.shadowRoot?.querySelector('th[aria-sort="descending"]')?.textContent?.match(/Amount|금액/);
          }, { polling: 50 }),
          'sorted by amount',
        );
        const first = await page.evaluate(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('tbody tr th')?.textContent?.trim());
        assert.equal(first, 'G-1008', 'the largest amount first');
        // Open G-1001 (its row), give ₩1,000 of it back.
        await tabTo((a) => a.cls === 'link' && a.text === 'G-1001', 'the G-1001 row');
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.getAttribute('view') === 'order' && document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('button.give'), { polling: 50 }), 'the story of G-1001');
        const title = await active();
        assert.equal(title?.tag, 'h2', 'focus did not move to the order\'s title');
        await tabTo((a) => a.cls.includes('give'), 'the give-back button');
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('dialog')?.open, { polling: 50 }), 'the dialog did not open');
        assert.equal((await active())?.tag, 'input', 'focus is not on the first choice');
        await page.keyboard.press('ArrowDown'); // "part of it"
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('input[name="amount"]'), { polling: 50 }), 'no amount field');
        await tabTo((a) => a.name === 'amount', 'the amount');
        await page.keyboard.type('1000');
        await tabTo((a) => a.name === 'reason', 'the reason');
        await page.keyboard.type('keyboard only');
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('dialog button.submit'), { polling: 50 }), 'no confirmation');
        const confirm = await active();
        assert.ok(confirm?.cls.includes('submit'), 'focus is not on the confirm button');
        assert.match(confirm.text, /₩1,000/);
        assert.match(String(await dialogText(page, 'admin-orders')), /₩51,000/);
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('dialog .result[data-status="done"]'), { polling: 50 }), 'no answer');
        assert.ok((await active())?.cls.includes('close'));
        await page.keyboard.press('Enter');
        await bounded(page.waitForFunction(() => !document.querySelector('#admin-orders kpg-admin')?.shadowRoot?.querySelector('dialog')?.open, { polling: 50 }), 'the dialog stayed open');
        assert.ok((await active())?.cls.includes('give'), 'focus did not return to the give-back button');
      } finally {
        await page.close();
      }
    });
  }
});

describe('what the console shows and sends', { concurrency: 1 }, () => {
  it("the PG's, clients' and receivers' words are text: markup in them makes no element", TEST, async () => {
    const page = await openAdmin({ width: 1280, only: 'admin-order' });
    try {
      const found = await page.evaluate(() => {
        const root = /** @type {ShadowRoot} */ (document.querySelector('#admin-order kpg-admin')?.shadowRoot);
        return {
          text: root.textContent ?? '',
          elements: root.querySelectorAll('img, b b, body, html').length,
          forged: [...root.querySelectorAll('b')].some((b) => b.textContent === 'forged'),
        };
      });
      assert.match(found.text, /<b>forged<\/b> confirm_token <img src=x onerror=alert\(1\)>/);
      assert.match(found.text, /<html><body>Internal Server Error<\/body><\/html>/);
      assert.equal(found.elements, 0);
      assert.equal(found.forged, false);
    } finally {
      await page.close();
    }
  });

  it('a double-clicked cancel sends one request, with the staff header, JSON and an idempotency key; sending again after a lost answer reuses the key', TEST, async () => {
    const page = await openAdmin({ width: 1280, only: 'admin-order' });
    try {
      /** @type {Array<{ headers: Record<string, string>, body: any }>} */
      const sent = [];
      let lose = true;
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/gallery/staff/ok/cancel')) {
          sent.push({ headers: request.headers(), body: JSON.parse(request.postData() ?? 'null') });
          // The first answer is lost on the way (the cancel may have happened): the console must not make a new key.
          if (lose) {
            lose = false;
            void request.abort('connectionreset');
            return;
          }
        }
        void request.continue();
      });
      await click(page, 'admin-order', 'button.give');
      await waitIn(page, 'admin-order', 'dialog[open] form.cancel-form');
      await type(page, 'admin-order', 'input[name="reason"]', '전체 반품');
      await click(page, 'admin-order', 'button.review');
      await waitIn(page, 'admin-order', 'dialog[open] button.submit');
      const submit = await waitForDeep(page, `${admin('admin-order')} >>> dialog button.submit`, { timeout: WAIT_MS });
      assert.ok(submit);
      await submit.click({ count: 2, delay: 30 });
      await waitIn(page, 'admin-order', 'dialog .again');
      assert.equal(sent.length, 1, `${sent.length} requests for one double click`);
      assert.equal(sent[0].headers['x-kpg-staff'], '1');
      assert.match(sent[0].headers['content-type'], /^application\/json/);
      assert.deepEqual(Object.keys(sent[0].body).sort(), ['idempotency_key', 'order_id', 'reason']);
      assert.match(sent[0].body.idempotency_key, /^console-[0-9a-f]{32}$/);
      await click(page, 'admin-order', 'dialog button.submit');
      await waitIn(page, 'admin-order', 'dialog .result[data-status="done"]');
      assert.equal(sent.length, 2);
      assert.equal(sent[1].body.idempotency_key, sent[0].body.idempotency_key, 'the resubmit made a new key');
      assert.deepEqual(sent[1].body, sent[0].body);
    } finally {
      await page.close();
    }
  });
});
