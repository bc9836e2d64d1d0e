/**
 * theme.ts: the colours every element derives from main_color / point_color, checked against WCAG for any
 * pair of colours (fast-check), and how they reach the page (custom properties a shop can override,
 * color-scheme for native controls). The gallery's presets are checked as rendered in test/visual.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import fc from 'fast-check';
import './elements.js';
import type { KpgCheckout } from '../src/index.js';
import { contrast, labelOn, readableOn, theme, themeStyle } from '../src/theme.js';
import { SESSION, fixture, payButton } from './helpers.js';

const hex = fc.integer({ min: 0, max: 0xffffff }).map((n) => n.toString(16).padStart(6, '0').toUpperCase());

/** `t` of `b` over `a` in sRGB: what a state layer (or color-mix in srgb) paints. */
function mix(a: string, b: string, t: number): string {
  return [0, 2, 4]
    .map((i) => Math.round(parseInt(a.slice(i, i + 2), 16) * (1 - t) + parseInt(b.slice(i, i + 2), 16) * t))
    .map((c) => c.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

afterEach(() => fixtureCleanup());

describe('theme.ts', () => {
  it('contrast follows WCAG 2 (21:1 black on white, 1:1 for one colour)', () => {
    expect(contrast('FFFFFF', '000000')).to.be.closeTo(21, 1e-9);
    expect(contrast('5379FF', '5379FF')).to.equal(1);
    expect(contrast('FFFFFF', '5379FF')).to.be.closeTo(3.79, 0.01);
    expect(contrast('767676', 'FFFFFF')).to.be.closeTo(4.54, 0.01);
  });

  it('the pay button label: white on saturated colours as the PGs\' pages, black where white fails AA', () => {
    expect(labelOn('5379FF')).to.equal('FFFFFF'); // Shinhan's default blue
    expect(labelOn('3182F6')).to.equal('FFFFFF'); // Toss blue
    expect(labelOn('111111')).to.equal('FFFFFF');
    expect(labelOn('FEE500')).to.equal('000000'); // Kakao yellow
    expect(labelOn('03C75A')).to.equal('000000'); // Naver green: white is 2.25:1
    expect(labelOn('FFFFFF')).to.equal('000000');
    expect(readableOn('5379FF')).to.equal('000000'); // small text takes the larger contrast
  });

  it('for any two colours: text AA, label AA (large), accent, mark and hover/pressed shades 3:1', () => {
    fc.assert(
      fc.property(hex, hex, (main, point) => {
        const t = theme(main, point);
        expect(contrast(t.onMain, main), 'text on the surface').to.be.at.least(4.5);
        expect(contrast(t.onPoint, point), 'the pay label').to.be.at.least(3);
        expect(contrast(t.accent, main), 'accent on the surface').to.be.at.least(3);
        expect(contrast(t.onAccent, t.accent), 'check mark on the accent').to.be.at.least(3);
        for (const layer of [0.1, 0.2]) {
          expect(contrast(t.onPoint, mix(point, t.shade, layer)), `label on hover/pressed ${layer}`).to.be.at.least(3);
        }
        expect(t.accent === point || t.accent === t.onMain).to.equal(true);
        expect(t.dark).to.equal(t.onMain === 'FFFFFF');
      }),
      { numRuns: 3000 },
    );
  });

  it('the accent is the point colour unless it vanishes on the surface (white on white)', () => {
    expect(theme('FFFFFF', '5379FF').accent).to.equal('5379FF');
    expect(theme('FFFFFF', 'FFFFFF').accent).to.equal('000000');
    expect(theme('1B1F27', 'FFFFFF').accent).to.equal('FFFFFF');
    expect(theme('1B1F27', '202430').accent).to.equal('FFFFFF');
    expect(theme('FFFFFF', 'FEE500').accent).to.equal('000000');
  });

  it('sets every private property the stylesheet reads', () => {
    expect(themeStyle('1B1F27', '5379FF')).to.deep.equal({
      '--_m': '#1B1F27',
      '--_om': '#FFFFFF',
      '--_p': '#5379FF',
      '--_op': '#FFFFFF',
      '--_a': '#5379FF',
      '--_oa': '#FFFFFF',
      '--_sh': '#000000',
      '--_e': '#F97066',
      '--_cs': 'dark',
    });
  });
});

describe('theme on the page', () => {
  const checkout = (colours: string) => {
    const [main, point] = colours.split(' ');
    return mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" session-url=${fixture({ body: SESSION })}
      result-url=${fixture({ body: { status: 'paid', order_no: 'T-1' } })} order-id="A-1" device="pc"
      main_color=${main} point_color=${point}></kpg-checkout>`);
  };

  it('a shop\'s --kpg-* custom properties override the computed colours', async () => {
    const el = await checkout('FFFFFF 5379FF');
    expect(getComputedStyle(payButton(el)).color).to.equal('rgb(255, 255, 255)');
    el.style.setProperty('--kpg-point-color', '#123456');
    el.style.setProperty('--kpg-on-point-color', '#FFEEDD');
    el.style.setProperty('--kpg-radius', '0px');
    expect(getComputedStyle(payButton(el)).backgroundColor).to.equal('rgb(18, 52, 86)');
    expect(getComputedStyle(payButton(el)).color).to.equal('rgb(255, 238, 221)');
    expect(getComputedStyle(payButton(el)).borderTopLeftRadius).to.equal('0px');
  });

  it('native controls follow the surface: color-scheme dark on a dark main_color, light on a light one', async () => {
    const dark = await checkout('1B1F27 5379FF');
    const light = await checkout('FFFFFF 5379FF');
    const scheme = (el: KpgCheckout) => getComputedStyle(el.shadowRoot!.querySelector('.base')!).colorScheme;
    expect(scheme(dark)).to.equal('dark');
    expect(scheme(light)).to.equal('light');
  });

  it('the pay label is 14pt bold (WCAG large text), the size the label colour is computed for', async () => {
    const el = await checkout('FFFFFF 5379FF');
    const style = getComputedStyle(payButton(el));
    expect(parseFloat(style.fontSize)).to.be.closeTo(18.67, 0.01);
    expect(style.fontWeight).to.equal('700');
  });

  it('hover lays a state layer over the fill (the fill stays point_color); a disabled button gets none', async () => {
    const el = await checkout('FFFFFF 5379FF');
    const button = payButton(el);
    const r = button.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] });
    try {
      expect(button.matches(':hover')).to.equal(true);
      expect(getComputedStyle(button).backgroundImage).to.contain('linear-gradient');
      expect(getComputedStyle(button).backgroundColor).to.equal('rgb(83, 121, 255)');
      el.disabled = true;
      await el.updateComplete;
      expect(getComputedStyle(button).backgroundImage).to.equal('none');
      expect(getComputedStyle(button).opacity).to.equal('0.45');
    } finally {
      await sendMouse({ type: 'move', position: [0, 0] });
    }
  });
});
