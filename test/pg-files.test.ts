/**
 * One file per PG: a shop page that loads kpg-shinhan.js receives no Smartro code, and one that loads
 * kpg-smartro.js no Shinhan code, judged from every byte Chromium fetched for the page (a fresh tab, all
 * its elements rendered: both stages of the file). A PG the file lacks is a clear invalid-config naming the file that has it.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { KpgCheckout } from '../src/index.js';
import { expectSaid, PGS, SCRIPT } from './elements.js';
import { SHINHAN_SANDBOX, SHINHAN_SCRIPT, SHOP_DIST_SCRIPTS } from './helpers.js';

/** Strings only one PG's code contains (each checked against the file that has it, so a rename cannot pass silently). */
const ONLY: Record<'shinhan' | 'smartro', string[]> = {
  shinhan: ['ShinhanBizPay', 'payspg.shinhan.com', 'unifiedPay', 'istl_psbl_amt', 'card_cpny_name'],
  smartro: ['smilepay.co.kr', 'payWindow', 'MallResultFWD', 'IssueLoader', 'EncryptData'],
};

/** The elements a shop of each PG puts on a page. */
const SHOP: Record<'shinhan' | 'smartro', string> = {
  shinhan: `<kpg-checkout provider="shinhan" device="pc" pgcode="card" amount="55000" order-id="A-1" session-url="/api/kpg/session"
      result-url="/api/kpg/result" cards-url="/api/kpg/cards" image-base="${SHINHAN_SANDBOX}/" script-src="${SHINHAN_SCRIPT}"></kpg-checkout>
    <kpg-receipt provider="shinhan" tid="T1" receipt-url="/api/kpg/receipt"></kpg-receipt>`,
  smartro: `<kpg-checkout provider="smartro" device="pc" amount="11000" order-id="A-2" session-url="/api/kpg/session"
      result-url="/api/kpg/result"></kpg-checkout>
    <kpg-receipt provider="smartro" tid="T1"></kpg-receipt>`,
};

interface Fetched {
  url: string;
  type: string;
  body: string;
}

afterEach(() => fixtureCleanup());

describe('one file per PG', () => {
  for (const pg of ['shinhan', 'smartro'] as const) {
    const other = pg === 'shinhan' ? 'smartro' : 'shinhan';
    it(`a ${pg} shop page fetches no ${other} code`, async function () {
      if (!SCRIPT || SCRIPT === 'kpg-checkout.js' || !PGS.includes(pg)) this.skip(); // the whole file carries both
      // Control: the markers are in the other PG's files (both stages), and in this PG's.
      const stages = async (file: string) =>
        (await Promise.all([file, file.replace(/\.js$/, '.stage2.js')].map(async (f) => (await fetch(`/__fixture/dist/${f}`)).text()))).join('\n');
      const otherFile = await stages(`kpg-${other}.js`);
      for (const marker of ONLY[other]) expect(otherFile, `kpg-${other}.js + .stage2.js lack ${marker}`).to.contain(marker);
      const ownFile = await stages(SCRIPT);
      for (const marker of ONLY[pg]) expect(ownFile, `${SCRIPT} + .stage2.js lack ${marker}`).to.contain(marker);

      const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>${pg} shop</title>${SHOP_DIST_SCRIPTS}</head>
        <body>${SHOP[pg]}</body></html>`;
      const ready =
        pg === 'shinhan'
          ? "document.querySelector('kpg-checkout')?.shadowRoot?.querySelector('kpg-card-picker')?.shadowRoot?.querySelectorAll('[role=radio]').length > 0 && !!window.ShinhanBizPay"
          : "!!document.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button') && !!document.querySelector('kpg-receipt')?.shadowRoot?.querySelector('button')";
      const fetched = await executeServerCommand<Fetched[], unknown>('fetched-bytes', {
        url: `/__fixture/page?body=${encodeURIComponent(page)}`,
        ready,
        timeout: 8000,
      });
      const scripts = fetched.filter((f) => f.type === 'script');
      expect(scripts.map((f) => new URL(f.url).pathname)).to.include(`/__fixture/dist/${SCRIPT}`);
      // Its second stage was fetched too (from beside it), and is in the bytes judged below.
      expect(scripts.map((f) => new URL(f.url).pathname)).to.include(`/__fixture/dist/${SCRIPT.replace(/\.js$/, '.stage2.js')}`);
      for (const f of fetched) {
        for (const marker of ONLY[other]) expect(f.body.includes(marker), `${f.url} has ${other}'s ${marker}`).to.equal(false);
      }
    });
  }

  it('a PG this file does not carry is a clear invalid-config that names the file to load', async function () {
    const missing = (['shinhan', 'smartro'] as const).find((pg) => !PGS.includes(pg));
    if (!missing) this.skip();
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider=${missing!} session-url="/api/kpg/session" result-url="/api/kpg/result"
      order-id="A-1"></kpg-checkout>`);
    await el.updateComplete;
    const outcome = await el.pay();
    expect(outcome.type).to.equal('kpg-error');
    expect(outcome.detail).to.include({ code: 'invalid-config', field: 'provider' });
    expectSaid((outcome.detail as { message: string }).message, 'provider-missing', `load kpg-${missing}.js or kpg-checkout.js`, [missing!]);
    expect(el.shadowRoot!.querySelector('button')!.disabled).to.equal(true);
  });
});
