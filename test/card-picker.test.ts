/**
 * <kpg-card-picker>, alone and inside <kpg-checkout pgcode="card" cards-url=...>, fed by card-list JSON
 * served through the test server (the sandbox's real list is used in the end-to-end test).
 */
import { aTimeout, expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './elements.js';
import { allowPgOrigins } from './elements.js';
import type { KpgCardPicker, KpgCheckout } from '../src/index.js';
import { SESSION, fixture, fixtureCalls, payButton, realClick, recordEvents, stubScript, uniqueKey, waitFor } from './helpers.js';

const IMAGE_BASE = 'https://payspg.shinhan.com/';
/** An SVG the test server serves, as a path relative to an image base on this server. */
const SVG_PATH = `/__fixture?type=image/svg%2Bxml&body=${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#c00"/></svg>')}`;
/** The same test server under another origin (127.0.0.1 instead of localhost). */
const OTHER_ORIGIN = `http://127.0.0.1:${location.port}`;

const card = (over: Record<string, unknown>) => ({
  card_cpny_cd: 'S001',
  card_cpny_name: 'BC카드',
  image_url: '/srs/htdocs/publish/images/icon_card_bc.png',
  sort_no: 1,
  istl_psbl_amt: 50000,
  istl_start_mnts: '02',
  istl_finish_mnts: '12',
  nintr_yn: 'N',
  point_use_yn: 'N',
  notice_list: [],
  prmt_list: [],
  ...over,
});

const LIST = {
  ret_code: 0,
  ret_msg: 'OK',
  list: [
    card({ card_cpny_cd: 'S003', card_cpny_name: '삼성카드', sort_no: 3, point_use_yn: 'Y' }),
    card({
      card_cpny_cd: 'S001', card_cpny_name: 'BC카드', sort_no: 1,
      nintr_yn: 'Y', nintr_istl_start_mnts: '02', nintr_istl_finish_mnts: '03', mult_part_nintr_istl_mnts: '6,10',
    }),
    card({ card_cpny_cd: 'S002', card_cpny_name: '국민카드', sort_no: 2, notice_list: [{ notice_type: 2, notice_msg: '국민카드 전산 장애' }] }),
    card({
      card_cpny_cd: 'S004', card_cpny_name: '현대카드', sort_no: 4, istl_finish_mnts: '06',
      notice_list: [{ notice_type: 1, notice_msg: '현대카드 안내' }],
      prmt_list: [{ prmt_name: '즉시할인', prmt_ctnt: '5천원 할인', prmt_cndi_amt: 30000, prmt_amt: 5000 }],
    }),
  ],
};

async function picker(body: unknown, amount = '55000', extra: Record<string, string> = {}) {
  const el = await mount<KpgCardPicker>(html`<kpg-card-picker></kpg-card-picker>`);
  const rec = { selects: [] as any[], errors: [] as any[] };
  el.addEventListener('kpg-card-select', (e) => rec.selects.push(e.detail));
  el.addEventListener('kpg-error', (e) => rec.errors.push(e.detail));
  for (const [k, v] of Object.entries({ 'cards-url': typeof body === 'string' ? body : fixture({ body }), amount, ...extra })) {
    el.setAttribute(k, v);
  }
  await waitFor(() => el.shadowRoot!.querySelector('[role="radio"], [role="alert"] button'), 'picker did not load', { timeout: 4000 });
  await el.updateComplete;
  return { el, rec };
}

const cards = (el: KpgCardPicker) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="radio"]')];
const names = (el: KpgCardPicker) => cards(el).map((c) => c.querySelector('.name')!.textContent);
const monthOptions = (el: KpgCardPicker) =>
  [...el.shadowRoot!.querySelectorAll('select option')].map((o) => o.textContent!.trim());

afterEach(() => fixtureCleanup());

describe('<kpg-card-picker>: what it shows', () => {
  it('cards in sort_no order, with names, point badges and images resolved against image-base', async () => {
    const list = { ...LIST, list: LIST.list.map((c) => ({ ...c, image_url: SVG_PATH })) };
    const { el } = await picker(list, '55000', { 'image-base': `${location.origin}/` });
    expect(names(el)).to.deep.equal(['BC카드', '국민카드', '삼성카드', '현대카드']);
    const img = cards(el)[0].querySelector('img')!;
    expect(img.src).to.equal(`${location.origin}${SVG_PATH}`);
    await waitFor(() => img.complete && img.naturalWidth === 40, 'the image did not load');
    expect(cards(el)[2].textContent).to.contain('포인트');
    expect(cards(el)[0].textContent).to.not.contain('포인트');
  });

  it('accepts list as a single object (the document\'s own example)', async () => {
    const { el } = await picker({ ret_code: 0, ret_msg: 'OK', list: { card_cpny_cd: 'S001', card_cpny_name: 'BC카드', image_url: '/a.png' } });
    expect(names(el)).to.deep.equal(['BC카드']);
  });

  it('installments only from istl_psbl_amt: 49,999 won lump sum only, 50,000 won months 2..12', async () => {
    let { el } = await picker(LIST, '49999');
    await realClick(cards(el)[0]);
    expect(monthOptions(el)).to.deep.equal(['일시불']);
    expect(el.shadowRoot!.querySelector('#months-hint')!.textContent).to.contain('50,000원 이상');
    fixtureCleanup();
    ({ el } = await picker(LIST, '50000'));
    await realClick(cards(el)[0]);
    const options = monthOptions(el);
    expect(options[0]).to.equal('일시불');
    expect(options.slice(1).map((o) => parseInt(o, 10))).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // 현대카드 allows up to 6 months only.
    await realClick(cards(el)[3]);
    expect(monthOptions(el).slice(-1)[0]).to.match(/^6개월/);
  });

  it('installment fields sent as JSON null are not set: no range is lump sum only; no minimum is the usual 50,000 won', async () => {
    const list = {
      ...LIST,
      list: [
        card({ card_cpny_cd: 'S001', sort_no: 1, istl_start_mnts: null }),
        card({ card_cpny_cd: 'S002', card_cpny_name: '국민카드', sort_no: 2, istl_finish_mnts: null }),
        card({ card_cpny_cd: 'S003', card_cpny_name: '삼성카드', sort_no: 3, istl_psbl_amt: null }),
      ],
    };
    let { el } = await picker(list, '55000');
    for (const at of [0, 1]) {
      await realClick(cards(el)[at]);
      expect(monthOptions(el), names(el)[at]!).to.deep.equal(['일시불']);
    }
    await realClick(cards(el)[2]);
    expect(monthOptions(el).length).to.equal(12); // 일시불, 2..12 months
    fixtureCleanup();
    ({ el } = await picker(list, '49999'));
    await realClick(cards(el)[2]);
    expect(monthOptions(el)).to.deep.equal(['일시불']);
  });

  it('labels interest-free months from the range and the comma list, only when nintr_yn is Y', async () => {
    const { el } = await picker(LIST, '100000');
    await realClick(cards(el)[0]); // BC: nintr 02..03 and 6,10
    const free = monthOptions(el).filter((o) => o.includes('무이자')).map((o) => parseInt(o, 10));
    expect(free).to.deep.equal([2, 3, 6, 10]);
    await realClick(cards(el)[2]); // 삼성: nintr_yn N
    expect(monthOptions(el).some((o) => o.includes('무이자'))).to.equal(false);
  });

  it('promotions show only when the amount meets prmt_cndi_amt; info notices always', async () => {
    let { el } = await picker(LIST, '29999');
    expect(cards(el)[3].textContent).to.not.contain('즉시할인');
    expect(cards(el)[3].textContent).to.contain('현대카드 안내');
    fixtureCleanup();
    ({ el } = await picker(LIST, '30000'));
    expect(cards(el)[3].textContent).to.contain('즉시할인: 5천원 할인');
  });

  it('an outage notice (type 2) makes the card unselectable, with its message', async () => {
    const { el, rec } = await picker(LIST);
    const kb = cards(el)[1];
    expect(kb.getAttribute('aria-disabled')).to.equal('true');
    expect(kb.textContent).to.contain('국민카드 전산 장애');
    await realClick(kb);
    expect(el.value).to.equal('');
    expect(rec.selects).to.have.length(0);
  });

  it('markup in names and messages is shown as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">카드';
    const { el } = await picker({
      ret_code: 0,
      list: [card({ card_cpny_name: evil, image_url: null, notice_list: [{ notice_type: 1, notice_msg: '<b>굵게</b>' }] })],
    });
    expect(names(el)[0]).to.equal(evil);
    expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(0);
    expect(cards(el)[0].querySelector('b')).to.equal(null);
    expect(cards(el)[0].textContent).to.contain('<b>굵게</b>');
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  for (const [what, url] of [
    ['javascript:', 'javascript:alert(1)'],
    ['http on a foreign host', 'http://evil.example/bc.png'],
    ['https on a foreign host', 'https://evil.example/bc.png'],
    ['protocol-relative foreign host', '//evil.example/bc.png'],
    ['data:', 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['a blob: of this page (its origin, not its protocol)', URL.createObjectURL(new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>'], { type: 'image/svg+xml' }))],
  ] as const) {
    it(`an image_url that is ${what} is not loaded: the name alone`, async () => {
      const { el } = await picker({ ret_code: 0, list: [card({ image_url: url })] }, '55000', { 'image-base': IMAGE_BASE });
      expect(cards(el)[0].querySelector('img')?.getAttribute('src') ?? null).to.equal(null);
      expect(names(el)[0]).to.equal('BC카드');
    });
  }

  it('an http image on another origin loads only once the page\'s script allowed that origin (never from markup)', async () => {
    const list = { ret_code: 0, list: [card({ image_url: SVG_PATH })] };
    let { el } = await picker(list, '55000', { 'image-base': `${OTHER_ORIGIN}/`, 'pg-origins': OTHER_ORIGIN });
    expect(cards(el)[0].querySelector('img')?.getAttribute('src') ?? null).to.equal(null);
    fixtureCleanup();
    allowPgOrigins([OTHER_ORIGIN]);
    ({ el } = await picker(list, '55000', { 'image-base': `${OTHER_ORIGIN}/` }));
    const img = cards(el)[0].querySelector('img')!;
    expect(img.src).to.equal(`${OTHER_ORIGIN}${SVG_PATH}`);
    await waitFor(() => img.complete && img.naturalWidth === 40, 'the image did not load');
  });

  it('an image that fails to load leaves the name alone', async () => {
    const { el } = await picker({ ret_code: 0, list: [card({ image_url: '/__fixture?status=404&type=image/png' })] }, '55000', {
      'image-base': `${location.origin}/`,
    });
    await waitFor(() => cards(el)[0].querySelector('img') === null, 'the broken image stayed');
    expect(names(el)[0]).to.equal('BC카드');
  });

  it('Shinhan\'s own https host is the default image base', async () => {
    const { imageUrl } = await import('../src/cards.js');
    const { SHINHAN_IMAGE_BASE } = await import('../src/providers/shinhan.js');
    expect(imageUrl('/srs/htdocs/publish/images/icon_card_bc.png', SHINHAN_IMAGE_BASE)).to.equal(
      'https://payspg.shinhan.com/srs/htdocs/publish/images/icon_card_bc.png',
    );
    expect(imageUrl('https://img.shinhan.com/a.png', IMAGE_BASE)).to.equal('https://img.shinhan.com/a.png');
    expect(imageUrl('http://img.shinhan.com/a.png', IMAGE_BASE)).to.equal(null);
    // The domain itself and its subdomains, not a name that merely ends in it.
    expect(imageUrl('https://shinhan.com/a.png', IMAGE_BASE)).to.equal('https://shinhan.com/a.png');
    expect(imageUrl('https://evilshinhan.com/a.png', IMAGE_BASE)).to.equal(null);
  });
});

describe('<kpg-card-picker>: choosing', () => {
  it('keyboard, as a native radio group: Tab enters on the first card unchosen, arrows move AND choose (skipping the outage card)', async () => {
    const { el, rec } = await picker(LIST);
    const before = document.createElement('button');
    before.textContent = 'before';
    el.before(before);
    before.focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(cards(el)[0]);
    expect(cards(el)[0].getAttribute('aria-checked')).to.equal('false'); // focus is not a choice
    expect(rec.selects).to.have.length(0);
    await sendKeys({ press: 'ArrowRight' });
    expect(el.shadowRoot!.activeElement).to.equal(cards(el)[2]); // 국민카드 (outage) skipped
    expect(rec.selects).to.deep.equal([{ card_cpny_cd: 'S003', card_cpny_name: '삼성카드', install_month: '00' }]);
    expect(cards(el)[2].getAttribute('aria-checked')).to.equal('true');
    await sendKeys({ press: 'Space' }); // already chosen: nothing new, as a native radio
    expect(rec.selects).to.have.length(1);
    await sendKeys({ press: 'ArrowLeft' });
    expect(el.value).to.equal('S001');
    expect(el.shadowRoot!.activeElement).to.equal(cards(el)[0]);
    await sendKeys({ press: 'Enter' });
    expect(rec.selects).to.have.length(2);
    await sendKeys({ press: 'ArrowLeft' }); // wraps around to the last card
    expect(el.value).to.equal('S004');
    await sendKeys({ press: 'Home' });
    expect(el.value).to.equal('S001');
    expect(rec.selects.map((s) => s.card_cpny_cd)).to.deep.equal(['S003', 'S001', 'S004', 'S001']);
    // Tab leaves the group to the months select, then changing it is a choice too.
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement!.id).to.equal('months');
    await sendKeys({ press: 'ArrowDown' });
    await waitFor(() => rec.selects.length === 5, 'changing the months fired nothing');
    expect(rec.selects[4]).to.include({ card_cpny_cd: 'S001', install_month: '02' });
    expect(el.installMonth).to.equal('02');
    before.remove();
  });

  it('Space chooses the card Tab landed on; a click on the chosen card fires nothing more', async () => {
    const { el, rec } = await picker(LIST);
    const before = document.createElement('button');
    el.before(before);
    before.focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
    expect(rec.selects.map((s) => s.card_cpny_cd)).to.deep.equal(['S001']);
    await realClick(cards(el)[0]);
    expect(rec.selects).to.have.length(1);
    await realClick(cards(el)[3]);
    expect(rec.selects.map((s) => s.card_cpny_cd)).to.deep.equal(['S001', 'S004']);
    before.remove();
  });

  it('promotions and notices: every card describes its own, the focused (else chosen) card\'s show under the grid', async () => {
    const { el } = await picker(LIST, '30000');
    const info = () => el.shadowRoot!.querySelector('.info')?.textContent ?? '';
    const description = (card: HTMLElement) => el.shadowRoot!.getElementById(card.getAttribute('aria-describedby')!)!.textContent!;
    expect(description(cards(el)[3])).to.contain('즉시할인: 5천원 할인').and.contain('현대카드 안내');
    expect(description(cards(el)[1])).to.equal('사용 불가: 국민카드 전산 장애'); // the outage once: not again as a notice
    expect(description(cards(el)[2])).to.contain('포인트');
    expect(cards(el)[0].hasAttribute('aria-describedby')).to.equal(false); // nothing to say
    expect(info()).to.equal(''); // nothing focused, nothing chosen
    await realClick(cards(el)[3]); // 현대카드: chosen and focused
    expect(info()).to.contain('즉시할인: 5천원 할인');
    cards(el)[1].focus(); // the outage card: focusable by pointer, never choosable
    await el.updateComplete;
    expect(info()).to.contain('국민카드 전산 장애');
    (document.activeElement as HTMLElement | null)?.blur();
    await el.updateComplete;
    expect(info()).to.contain('즉시할인'); // back to the chosen card's
    // Every tile is as tall as the others, whatever its notes say.
    const heights = new Set(cards(el).map((c) => c.getBoundingClientRect().height));
    expect(heights.size).to.equal(1);
  });

  it('fires kpg-card-select on a buyer\'s choice only, never when code sets value or installMonth', async () => {
    const { el, rec } = await picker(LIST);
    el.addEventListener('kpg-card-select', () => {
      if (!(window as { __userActing?: boolean }).__userActing) throw new Error('event fired by a property set');
    });
    el.value = 'S003';
    el.installMonth = '03';
    await el.updateComplete;
    await aTimeout(50);
    expect(rec.selects).to.have.length(0);
    expect(cards(el)[2].getAttribute('aria-checked')).to.equal('true');
    expect((el.shadowRoot!.querySelector('select') as HTMLSelectElement).value).to.equal('03');
    expect(el.selected).to.deep.equal({ card_cpny_cd: 'S003', card_cpny_name: '삼성카드', install_month: '03' });
  });

  it('two pickers with the same cards-url share one request', async () => {
    const key = uniqueKey('cards');
    const url = fixture({ body: LIST, key });
    await picker(url);
    await picker(url);
    expect(await fixtureCalls(key)).to.have.length(1);
    expect((await fixtureCalls(key))[0].query.pgcode).to.equal('card');
  });
});

describe('<kpg-card-picker>: errors', () => {
  for (const [what, url, text] of [
    ['HTTP 500', () => fixture({ status: 500, body: { message: 'down' } }), '불러오지 못했습니다'],
    ['malformed JSON', () => fixture({ body: '{"ret_code": 0, "list": [', type: 'application/json' }), '불러오지 못했습니다'],
    ['ret_code other than 0', () => fixture({ body: { ret_code: 998, ret_msg: 'there is no data.' } }), '불러오지 못했습니다'],
    ['an empty list', () => fixture({ body: { ret_code: 0, ret_msg: 'OK', list: [] } }), '선택할 수 있는 카드사가 없습니다'],
    ['a list of nothing usable', () => fixture({ body: { ret_code: 0, list: [{ card_cpny_cd: 5 }] } }), '선택할 수 있는 카드사가 없습니다'],
  ] as const) {
    it(`${what}: a clear message, a retry button, and kpg-error cards-failed`, async () => {
      const { el, rec } = await picker(url());
      const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
      expect(alert.textContent).to.contain(text);
      expect(alert.querySelector('button')!.textContent).to.equal('다시 시도');
      expect(rec.errors).to.have.length(1);
      expect(rec.errors[0].code).to.equal('cards-failed');
      expect(rec.errors[0].message).to.be.a('string').and.not.equal('');
      await expect(el).to.be.accessible();
    });
  }

  it('an answer that is not a card list is refused naming its field: no ret_code, or a list that is text', async () => {
    for (const [body, field] of [
      [{ list: [card({})] }, 'ret_code'],
      [{ ret_code: 0, list: 'BC카드' }, 'list'],
    ] as const) {
      const { rec } = await picker(fixture({ body }));
      expect([rec.errors.length, rec.errors[0]?.code, rec.errors[0]?.field]).to.deep.equal([1, 'cards-failed', field]);
      fixtureCleanup();
    }
  });

  it('a passing failure (503) is retried with backoff before anything is shown', async () => {
    const key = uniqueKey('cards');
    const { el, rec } = await picker(fixture({ key, sequence: [{ status: 503, body: {} }, { body: LIST }] }));
    expect(cards(el)).to.have.length(4);
    expect(rec.errors).to.have.length(0);
    expect(await fixtureCalls(key)).to.have.length(2);
  });

  it('after three failed tries: the retry button asks again and shows the list when it works', async () => {
    const key = uniqueKey('cards');
    const down = { status: 503, body: {} };
    const { el, rec } = await picker(fixture({ key, sequence: [down, down, down, { body: LIST }] }));
    expect(rec.errors).to.have.length(1);
    expect(await fixtureCalls(key)).to.have.length(3);
    await realClick(el.shadowRoot!.querySelector('[role="alert"] button')!);
    await waitFor(() => cards(el).length === 4, 'retry did not load the list');
    expect(await fixtureCalls(key)).to.have.length(4);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('');
  });

  it('a failed list is not kept: another picker of the same cards-url asks again and shows it', async () => {
    const key = uniqueKey('cards');
    const down = { status: 503, body: {} };
    const url = fixture({ key, sequence: [down, down, down, { body: LIST }] });
    const first = await picker(url);
    expect(first.rec.errors).to.have.length(1);
    const second = await picker(url);
    await waitFor(() => cards(second.el).length === 4, 'the second picker did not load the list');
    expect(second.rec.errors).to.have.length(0);
    expect(await fixtureCalls(key)).to.have.length(4);
  });

  it('a cards-url on another origin -> invalid-config, nothing requested', async () => {
    const { rec } = await picker('https://evil.example/cards');
    expect(rec.errors[0]).to.include({ code: 'invalid-config', field: 'cards-url' });
  });
});

describe('<kpg-card-picker>: accessibility', () => {
  it('loading, loaded and selected pass axe', async () => {
    const el = await mount<KpgCardPicker>(html`<kpg-card-picker cards-url=${fixture({ body: LIST, delay: 800 })} amount="55000"></kpg-card-picker>`);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('불러오는 중');
    expect(el.shadowRoot!.querySelector('[role="radiogroup"]')!.getAttribute('aria-busy')).to.equal('true');
    await expect(el).to.be.accessible();
    await waitFor(() => cards(el).length === 4, 'not loaded', { timeout: 3000 });
    await expect(el).to.be.accessible();
    await realClick(cards(el)[0]);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('label[for="months"]')!.textContent).to.contain('할부');
    await expect(el).to.be.accessible();
  });
});

describe('<kpg-checkout pgcode="card" cards-url>', () => {
  it('a press before a card is chosen says to choose one (nothing sent); then sends card_cpny_cd and install_month', async () => {
    const key = uniqueKey('session');
    const el = await mount<KpgCheckout>(html`
      <kpg-checkout provider="shinhan" pgcode="card" amount="55000" device="pc" order-id="A-1002"
        cards-url=${fixture({ body: LIST })}
        session-url=${fixture({ body: SESSION, key })}
        result-url=${fixture({ body: { status: 'paid', order_no: 'T-1' } })}
        script-src=${stubScript('OK', '')}></kpg-checkout>`);
    const rec = recordEvents(el);
    const inner = el.shadowRoot!.querySelector('kpg-card-picker')!;
    await waitFor(() => inner.shadowRoot?.querySelector('[role="radio"]'), 'picker did not load');
    expect(el.shadowRoot!.querySelector('#card-hint')!.textContent).to.contain('카드사를 먼저 선택');
    expect(payButton(el).getAttribute('aria-describedby')).to.equal('card-hint');
    await expect(el).to.be.accessible();
    // The buyer presses pay first: told to choose a card, the focus goes to the cards, nothing is sent.
    await realClick(payButton(el));
    const early = await rec.outcome();
    expect(early.detail).to.include({ code: 'card-required', field: 'card_cpny_cd' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('결제할 카드사를 먼저 선택해 주세요.');
    expect(el.shadowRoot!.textContent).to.not.contain('상점에 문의');
    expect(inner.shadowRoot!.activeElement?.getAttribute('role')).to.equal('radio');
    expect(await fixtureCalls(key)).to.have.length(0);
    rec.events.length = 0;

    await realClick(inner.shadowRoot!.querySelectorAll('[role="radio"]')[2]); // 삼성카드
    (inner.shadowRoot!.querySelector('select') as HTMLSelectElement).focus();
    await sendKeys({ press: 'ArrowDown' }); // 2 months
    await sendKeys({ press: 'ArrowDown' }); // 3 months
    await waitFor(() => !payButton(el).disabled, 'button stayed disabled');
    await realClick(payButton(el));
    expect((await rec.outcome()).type).to.equal('kpg-success');
    const body = JSON.parse((await fixtureCalls(key))[0].body);
    expect(body).to.include({ pgcode: 'card', card_cpny_cd: 'S003', install_month: '03' });
  });
  // Issue 24, item 7: the prompt stayed until the next press.
  for (const how of ['mouse', 'keyboard'] as const) {
    it(`the prompt to choose a card goes as soon as one is chosen (${how}), before any press`, async () => {
      const key = uniqueKey('session');
      const el = await mount<KpgCheckout>(html`
        <kpg-checkout provider="shinhan" pgcode="card" amount="55000" device="pc" order-id="A-1003"
          cards-url=${fixture({ body: LIST })}
          session-url=${fixture({ body: SESSION, key })}
          result-url=${fixture({ body: { status: 'paid', order_no: 'T-1' } })}
          script-src=${stubScript('OK', '')}></kpg-checkout>`);
      const rec = recordEvents(el);
      const inner = el.shadowRoot!.querySelector('kpg-card-picker')!;
      await waitFor(() => inner.shadowRoot?.querySelector('[role="radio"]'), 'picker did not load');
      const alert = () => el.shadowRoot!.querySelector('[role="alert"]')!.textContent;
      await realClick(payButton(el));
      expect((await rec.outcome()).detail).to.include({ code: 'card-required' });
      await el.updateComplete;
      expect(alert()).to.equal('결제할 카드사를 먼저 선택해 주세요.');
      expect(el.state).to.equal('error');
      if (how === 'mouse') await realClick(inner.shadowRoot!.querySelectorAll('[role="radio"]')[2]);
      else {
        // The press put the focus on the cards: Space chooses the focused one, as on a native radio.
        expect(inner.shadowRoot!.activeElement?.getAttribute('role')).to.equal('radio');
        await sendKeys({ press: 'Space' });
      }
      await waitFor(() => alert() === '', 'the prompt stayed after a card was chosen', { timeout: 3000 });
      expect(inner.shadowRoot!.querySelector('[role="radio"][aria-checked="true"]')).to.not.equal(null);
      expect(el.state).to.equal('idle');
      expect(el.shadowRoot!.textContent).to.not.contain('카드사를 먼저 선택');
      expect(rec.outcomes()).to.have.length(1); // nothing new fired
      expect(await fixtureCalls(key)).to.have.length(0); // and nothing sent until the buyer presses
    });
  }
});
