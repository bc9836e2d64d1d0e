// @ts-check
// The gallery (demo/gallery.html) in headless Chromium, against the built dist/kpg-checkout.js:
//  - screenshots compared with committed baselines (test/visual/baselines/, tolerance in compare.mjs),
//  - an axe audit of every state, light and dark, Korean and English, at 320, 390 and 1280 px,
//  - computed contrast of the pay button's label, its edge and the focus ring for the colour presets,
//  - the card grid's columns and the widget's height on a phone, and the busy indicator's motion.
// Run by npm test (scripts/screenshots.mjs); `npm run test:screenshots:update` rewrites changed baselines.
// Deterministic: fixed viewports at device scale 1, the page as tall as its content, NanumGothic for every
// glyph (checked), reduced motion (no spinner turning), no caret, fixed data and no clock in the gallery.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import puppeteer from 'puppeteer-core';
import { compareWithBaseline } from './compare.mjs';
import { startGalleryServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
/** Every wait in a page is bounded by this, below node:test's own timeout for the test. */
const WAIT_MS = 20000;
const TEST = { timeout: 60000 };

/** Full-page baselines: every width, theme and language is covered, without a PNG for each combination. */
const FULL_PAGE = new Set(['390-light-ko', '390-dark-ko', '390-light-en', '320-light-ko', '1280-dark-ko']);
/** Clips (figure ids) per page: focus ring and pressed state, and the README's pictures. */
const CLIPS = {
  '390-light-ko': ['focus', 'pressed', 'widget', 'slipCancelled', 'awaiting', 'paidEscrow', 'termsShop', 'termsShopOnly'],
  '390-dark-ko': ['focus', 'pressed'],
  '1280-light-ko': ['section-checkout'],
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
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--force-color-profile=srgb',
      '--hide-scrollbars',
      '--disable-lcd-text',
    ],
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

/**
 * The gallery at `width`, every specimen in its state.
 * @param {{ width: number, height?: number, theme?: string, lang?: string, query?: string, motion?: 'reduce' | 'no-preference' }} options
 */
async function openGallery({ width, height = 900, theme = 'light', lang = 'ko', query = '', motion = 'reduce' }) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([
    { name: 'prefers-reduced-motion', value: motion },
    { name: 'prefers-color-scheme', value: theme },
  ]);
  const cdp = await page.createCDPSession();
  if (motion === 'reduce') {
    // Belt and braces: with reduced motion nothing should move; any animation that still would is frozen.
    await cdp.send('Animation.enable');
    await cdp.send('Animation.setPlaybackRate', { playbackRate: 0 });
  }
  await page.goto(`${server.origin}/demo/gallery.html?theme=${theme}&lang=${lang}${query}`, { waitUntil: 'load' });
  // Puppeteer's own evaluate() runs as a user gesture, which would let the "continue" specimen (a pay()
  // without a click) go on to pay; wait for the states through the protocol, without a gesture.
  const settled = cdp.send('Runtime.evaluate', {
    expression: `new Promise((resolve) => {
      const wait = () => (window.gallery ? window.gallery.settled().then(() => resolve('ok')) : setTimeout(wait, 20));
      wait();
    })`,
    awaitPromise: true,
    returnByValue: true,
    userGesture: false,
  });
  await bounded(settled, 'the specimens did not reach their states');
  await page.addStyleTag({ content: '* { caret-color: transparent !important; }' });
  assert.deepEqual(errors, [], 'the gallery threw');
  return page;
}

/** Make the viewport as tall as the page (every lazy logo loads, no scrolling moves the pointer). */
async function fullHeight(/** @type {import('puppeteer-core').Page} */ page, /** @type {number} */ width) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  await bounded(page.evaluate(() => /** @type {any} */ (window).gallery.images()), 'the card logos did not load');
}

/**
 * Drive the states a buyer's hands make: one click that pays for the three outcomes, a card chosen in the
 * full widget, keyboard focus on a card nobody chose yet, the pointer over the hover specimen.
 * @param {import('puppeteer-core').Page} page @param {number} width
 */
async function drive(page, width) {
  await fullHeight(page, width);
  await page.click('#play');
  await bounded(page.evaluate(() => /** @type {any} */ (window).gallery.outcomes()), 'paid, failed and cancelled did not arrive');
  await page.click('#widget kpg-checkout >>> kpg-card-picker >>> [role="radio"]');
  await bounded(
    page.waitForFunction(() => !document.querySelector('#widget kpg-checkout')?.shadowRoot?.querySelector('button')?.disabled),
    'choosing a card did not enable the pay button',
  );
  await fullHeight(page, width);
  await page.focus('#ready');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const radio = document.querySelector('#ready kpg-card-picker')?.shadowRoot?.activeElement;
    return radio ? `${radio.getAttribute('role')} checked=${radio.getAttribute('aria-checked')}` : null;
  });
  assert.equal(focused, 'radio checked=false', 'Tab did not land on a card that is focused but not chosen');
  await page.hover('#hover kpg-checkout >>> button');
  // Fonts: every glyph of the page (Hangul and Latin) in NanumGothic, or the pictures mean nothing.
  const cdp = await page.createCDPSession();
  const { root } = await cdp.send('DOM.getDocument');
  await cdp.send('CSS.enable');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#title' });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  assert.deepEqual(fonts.map((f) => f.familyName), ['NanumGothic'], 'the gallery is not drawn in NanumGothic: install fonts-nanum');
  await cdp.detach();
}

/** @param {import('puppeteer-core').Page} page @param {string} id @returns {Promise<Uint8Array>} */
async function clip(page, id) {
  // Work the page left for idle time first (a checkout pressed by the test before renders its busy state
  // then): the box is measured on the page the screenshot shows.
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => requestAnimationFrame(() => resolve(undefined)), { timeout: 500 })));
  const box = await page.evaluate((id) => {
    const r = document.getElementById(id)?.getBoundingClientRect();
    return r && { x: r.x, y: r.y, width: r.width, height: r.height };
  }, id);
  assert.ok(box, `no #${id} in the gallery`);
  const pad = 8;
  return page.screenshot({
    type: 'png',
    clip: { x: Math.max(0, Math.floor(box.x - pad)), y: Math.max(0, Math.floor(box.y - pad)), width: Math.ceil(box.width + 2 * pad), height: Math.ceil(box.height + 2 * pad) },
  });
}

/** @param {string} name @param {Uint8Array} png */
function assertBaseline(name, png) {
  const result = compareWithBaseline(name, png);
  if (!result.ok) assert.fail(result.message);
}

/** axe on the whole page: WCAG 2.2 A/AA and best practices, shadow roots included. */
async function axeViolations(/** @type {import('puppeteer-core').Page} */ page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = /** @type {any} */ (window).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map(
      (/** @type {any} */ v) => `${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map((/** @type {any} */ n) => JSON.stringify(n.target)).join(', ')}`,
    );
  });
}

for (const width of [320, 390, 1280]) {
  for (const theme of ['light', 'dark']) {
    for (const lang of ['ko', 'en']) {
      const key = `${width}-${theme}-${lang}`;
      describe(`gallery ${width} px, ${theme}, ${lang}`, { concurrency: 1 }, () => {
        /** @type {import('puppeteer-core').Page} */
        let page;
        before(async () => {
          page = await openGallery({ width, theme, lang });
          await drive(page, width);
        }, TEST);
        after(() => page?.close());

        if (FULL_PAGE.has(key)) {
          it('matches its baseline', TEST, async () => {
            assertBaseline(`gallery-${key}`, await page.screenshot({ type: 'png' }));
          });
        }

        it('every state passes axe', TEST, async () => {
          assert.deepEqual(await axeViolations(page), []);
        });

        for (const id of CLIPS[/** @type {keyof typeof CLIPS} */ (key)] ?? []) {
          it(`#${id} matches its baseline`, TEST, async () => {
            if (id === 'focus' || id === 'section-checkout') {
              await page.focus('#focus');
              await page.keyboard.press('Tab');
            }
            if (id === 'pressed') {
              const button = await page.$('#pressed kpg-checkout >>> button');
              const box = await button?.boundingBox();
              assert.ok(box);
              await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
              await page.mouse.down();
            }
            try {
              assertBaseline(`${id}-${key}`, await clip(page, id));
            } finally {
              if (id === 'pressed') await page.mouse.up();
            }
          });
        }
      });
    }
  }
}

describe('the consent step\'s dialog (issue 25), 390 px, light, ko', { concurrency: 1 }, () => {
  /** @type {import('puppeteer-core').Page} */
  let page;
  before(async () => {
    page = await openGallery({ width: 390, height: 844, query: '&only=termsMissing' });
  }, TEST);
  after(() => page?.close());

  it('전문 보기 opens the modal dialog with the terms in its sandboxed frame: axe passes, it matches its baseline', TEST, async () => {
    const frameLoaded = page.waitForFrame((f) => f.url() === 'about:srcdoc', { timeout: WAIT_MS });
    await page.click('#termsMissing kpg-checkout >>> kpg-terms >>> button.read');
    await bounded(
      page.waitForFunction(() => document.querySelector('#termsMissing kpg-checkout')?.shadowRoot?.querySelector('kpg-terms')?.shadowRoot?.querySelector('dialog')?.open),
      'the dialog did not open',
    );
    await frameLoaded;
    assert.deepEqual(await axeViolations(page), []);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined)))));
    assertBaseline('termsDialog-390-light-ko', await page.screenshot({ type: 'png' }));
  });
});

/** @param {string} css `rgb(r, g, b)` or `rgba(r, g, b, a)` @returns {number[]} */
const rgb = (css) => {
  const m = /rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)/.exec(css);
  assert.ok(m, `not an rgb() colour: ${css}`);
  assert.ok(m[4] === undefined || Number(m[4]) === 1, `a translucent colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
/** WCAG 2 contrast of two computed colours, written here from the definition (not taken from theme.ts). */
function contrast(/** @type {string} */ a, /** @type {string} */ b) {
  const lum = (/** @type {string} */ c) =>
    rgb(c)
      .map((v) => v / 255)
      .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [x, y] = [lum(a) + 0.05, lum(b) + 0.05];
  return Math.max(x, y) / Math.min(x, y);
}

describe('colour presets: computed contrast', { concurrency: 1 }, () => {
  /** @type {import('puppeteer-core').Page} */
  let page;
  before(async () => {
    page = await openGallery({ width: 1280 });
  }, TEST);
  after(() => page?.close());

  it('every preset: the label meets AA for its size, the button has a visible edge, the focus ring is two-tone and 3:1', TEST, async (t) => {
    const ids = await page.$$eval('[id^="preset-"]', (figures) => figures.map((f) => f.id));
    assert.ok(ids.length >= 8, `only ${ids.length} presets`);
    for (const id of ids) {
      await t.test(id, async () => {
        await page.focus(`#${id}`);
        await page.keyboard.press('Tab');
        const s = await page.evaluate((id) => {
          const host = /** @type {HTMLElement} */ (document.querySelector(`#${id} kpg-checkout`));
          const button = /** @type {HTMLButtonElement} */ (host.shadowRoot?.querySelector('button'));
          const cs = getComputedStyle(button);
          return {
            focused: host.shadowRoot?.activeElement === button && button.matches(':focus-visible'),
            label: cs.color,
            fill: cs.backgroundColor,
            edge: cs.borderTopColor,
            size: parseFloat(cs.fontSize),
            weight: Number(cs.fontWeight),
            ring: cs.outlineColor,
            ringWidth: parseFloat(cs.outlineWidth),
            ringStyle: cs.outlineStyle,
            gap: cs.boxShadow,
            surface: getComputedStyle(/** @type {Element} */ (host.shadowRoot?.querySelector('.base'))).backgroundColor,
          };
        }, id);
        assert.ok(s.focused, 'Tab did not give the pay button a visible focus');
        const large = s.size >= 18.66 && s.weight >= 700; // WCAG: 14pt bold
        const needed = large ? 3 : 4.5;
        assert.ok(contrast(s.label, s.fill) >= needed, `label ${s.label} on ${s.fill}: ${contrast(s.label, s.fill).toFixed(2)}:1 < ${needed}:1`);
        const edge = Math.max(contrast(s.fill, s.surface), contrast(s.edge, s.surface));
        assert.ok(edge >= 3, `the button's fill ${s.fill} and border ${s.edge} both vanish on ${s.surface}`);
        assert.equal(s.ringStyle, 'solid');
        assert.ok(s.ringWidth >= 2, `focus ring ${s.ringWidth}px`);
        assert.ok(contrast(s.ring, s.surface) >= 3, `focus ring ${s.ring} on ${s.surface}: ${contrast(s.ring, s.surface).toFixed(2)}:1`);
        assert.ok(s.gap.startsWith(s.surface) && /0px 0px 0px 2px/.test(s.gap), `no gap in the surface colour inside the ring: ${s.gap}`);
      });
    }
  });
});

describe('card grid on phones and wide screens', { concurrency: 1 }, () => {
  for (const [width, columns] of [[320, 3], [360, 3], [390, 4], [1280, 7]]) {
    it(`${width} px: ${columns}${width === 1280 ? '+' : ''} columns of equal tiles${width === 360 ? '; cards, months and pay button in one 360 x 640 screen' : ''}`, TEST, async () => {
      const page = await openGallery({ width, query: '&only=widget' });
      try {
        await page.click('#widget kpg-checkout >>> kpg-card-picker >>> [role="radio"]');
        await bounded(
          page.waitForFunction(() => document.querySelector('#widget kpg-checkout')?.shadowRoot?.querySelector('kpg-card-picker')?.shadowRoot?.querySelector('select')),
          'no installment select after choosing a card',
        );
        const m = await page.evaluate(() => {
          const host = /** @type {HTMLElement} */ (document.querySelector('#widget kpg-checkout'));
          const tiles = [...(host.shadowRoot?.querySelector('kpg-card-picker')?.shadowRoot?.querySelectorAll('[role="radio"]') ?? [])];
          const boxes = tiles.map((t) => t.getBoundingClientRect());
          return {
            tiles: tiles.length,
            columns: new Set(boxes.map((b) => Math.round(b.left))).size,
            heights: [...new Set(boxes.map((b) => Math.round(b.height)))],
            // A name outside its tile, or over two lines (none of these names has a space: it would be broken).
            names: tiles
              .filter((t) => {
                const name = /** @type {HTMLElement} */ (t.querySelector('.name'));
                const [box, tile] = [name.getBoundingClientRect(), t.getBoundingClientRect()];
                return name.getClientRects().length !== 1 || box.left < tile.left || box.right > tile.right;
              })
              .map((t) => t.textContent?.trim()),
            widget: host.getBoundingClientRect().height,
          };
        });
        assert.equal(m.tiles, 10);
        if (width === 1280) assert.ok(m.columns >= columns, `${m.columns} columns`);
        else assert.equal(m.columns, columns);
        assert.equal(m.heights.length, 1, `tiles of different heights: ${m.heights}`);
        assert.deepEqual(m.names, [], 'card names broken or outside their tiles');
        if (width === 360) assert.ok(m.widget <= 640, `the widget is ${Math.round(m.widget)} px tall`);
      } finally {
        await page.close();
      }
    });
  }
});

describe('busy indicator', { concurrency: 1 }, () => {
  it('turns, and stands still (a dotted ring) for prefers-reduced-motion', TEST, async () => {
    const page = await openGallery({ width: 390, query: '&only=busy', motion: 'no-preference' });
    try {
      const look = () =>
        page.evaluate(() => {
          const spin = /** @type {HTMLElement} */ (document.querySelector('#busy kpg-checkout')?.shadowRoot?.querySelector('.spin'));
          return { running: spin.getAnimations().filter((a) => a.playState === 'running').length, border: getComputedStyle(spin).borderTopStyle };
        });
      assert.deepEqual(await look(), { running: 1, border: 'solid' });
      await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
      assert.deepEqual(await look(), { running: 0, border: 'dotted' });
    } finally {
      await page.close();
    }
  });
});

describe('printing a slip', { concurrency: 1 }, () => {
  it('prints the slip alone, black on white, without its print button, even from a dark page', TEST, async () => {
    const page = await openGallery({ width: 794, theme: 'dark', query: '&only=slip' });
    try {
      await page.emulateMediaType('print');
      const look = await page.evaluate(() => {
        const root = /** @type {ShadowRoot} */ (document.querySelector('#slip kpg-receipt')?.shadowRoot);
        return {
          text: getComputedStyle(/** @type {Element} */ (root.querySelector('dd'))).color,
          paper: getComputedStyle(/** @type {Element} */ (root.querySelector('.base'))).backgroundColor,
          print: getComputedStyle(/** @type {Element} */ (root.querySelector('.print'))).display,
          page: getComputedStyle(/** @type {Element} */ (document.querySelector('h1'))).visibility,
        };
      });
      assert.deepEqual(look, { text: 'rgb(0, 0, 0)', paper: 'rgb(255, 255, 255)', print: 'none', page: 'hidden' });
      const box = await (await page.$('#slip kpg-receipt'))?.boundingBox();
      assert.ok(box);
      assert.ok(box.x < 1 && box.y < 1, `the slip prints at ${box.x},${box.y}, not at the top of the page`);
      assertBaseline('print-slip', await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: Math.ceil(box.width), height: Math.ceil(box.height) } }));
    } finally {
      await page.close();
    }
  });
});
