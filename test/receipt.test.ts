/** <kpg-receipt>: Smartro's IssueLoader popup, Shinhan's two-step popup, and Smartro's inline slip. */
import { aTimeout, expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import './elements.js';
import { GET_RETRIES, GET_RETRY_WAIT_MS } from '../src/http.js';
import { allowPgOrigins, needs } from './elements.js';
import type { KpgReceipt } from '../src/index.js';
import { consumeUserActivation, fixture, pgWindow, realClick, trackWindows, waitFor } from './helpers.js';

const OTHER_ORIGIN = `http://127.0.0.1:${location.port}`;
/** Every retry of a failing GET (300 + 600 ms) plus three request timeouts' worth of a busy machine. */
const RETRIES_BOUND_MS = GET_RETRY_WAIT_MS * (2 ** GET_RETRIES - 1) + 5000;
const TID = 'kpgtest01m01012611211200001234';

let windows: ReturnType<typeof trackWindows>;
beforeEach(() => {
  windows = trackWindows();
});
afterEach(async () => {
  fixtureCleanup();
  windows.restore();
  await emulateMedia({ media: 'screen' });
});

function errors(el: Element) {
  const list: any[] = [];
  el.addEventListener('kpg-error', (e) => list.push((e as CustomEvent).detail));
  return list;
}
const button = (el: KpgReceipt) => el.shadowRoot!.querySelector('button')!;

describe('<kpg-receipt provider="smartro">: the receipt page in a popup', () => {
  before(function () {
    needs(this, 'smartro');
  });

  for (const [env, type, url] of [
    ['test', '0', `https://test.smilepay.co.kr/issue/IssueLoader.jsp?TID=${TID}&type=0`],
    ['test', '2', `https://test.smilepay.co.kr/issue/IssueLoader.jsp?TID=${TID}&type=2`],
    ['real', '0', `https://www.smilepay.co.kr/issue/IssueLoader.jsp?TID=${TID}&type=0`],
    ['real', '2', `https://www.smilepay.co.kr/issue/IssueLoader.jsp?TID=${TID}&type=2`],
  ] as const) {
    it(`env=${env} type=${type} opens exactly ${url}, within the click`, async () => {
      const el = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid=${TID} type=${type} env=${env}></kpg-receipt>`);
      const errs = errors(el);
      await realClick(button(el));
      expect(windows.calls).to.have.length(1);
      expect(windows.calls[0][0]).to.equal(url);
      expect(windows.opened).to.have.length(1); // the popup blocker (on in these tests) let it through
      // (a boolean: chai would try to print a Window)
      expect(windows.opened[0].opener === null, 'the PG page must not reach the shop page through window.opener').to.equal(true);
      expect(errs).to.have.length(0);
    });
  }

  it('the slotted content is the button', async () => {
    const el = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid=${TID} env="test"><span>영수증</span></kpg-receipt>`);
    expect(button(el).querySelector('slot')!.assignedNodes()[0].textContent).to.equal('영수증');
    await expect(el).to.be.accessible();
  });

  for (const [what, attrs, field] of [
    ['type 1', { type: '1' }, 'type'],
    ['type "receipt"', { type: 'receipt' }, 'type'],
    ['no tid', { tid: '' }, 'tid'],
    ['a tid with markup', { tid: '<b>1</b>' }, 'tid'],
    ['env "prod"', { env: 'prod' }, 'env'],
  ] as const) {
    it(`${what} is refused with invalid-config naming ${field}, and nothing opens`, async () => {
      const el = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid=${TID} env="test"></kpg-receipt>`);
      for (const [k, v] of Object.entries(attrs)) v ? el.setAttribute(k, v) : el.removeAttribute(k);
      const errs = errors(el);
      await realClick(button(el));
      expect(errs).to.have.length(1);
      expect(errs[0]).to.include({ code: 'invalid-config', field });
      expect(windows.calls).to.have.length(0);
      expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.not.equal('');
    });
  }

  it('an issue-url override must be on an origin the page\'s script allowed (markup cannot)', async () => {
    const el = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid=${TID} issue-url="http://127.0.0.1:9/issue/IssueLoader.jsp"></kpg-receipt>`);
    const errs = errors(el);
    await realClick(button(el));
    expect(errs[0]).to.include({ code: 'origin-not-allowed', field: 'issue-url' });
    el.setAttribute('pg-origins', 'http://127.0.0.1:9');
    await el.updateComplete;
    await realClick(button(el));
    expect(errs[1]).to.include({ code: 'origin-not-allowed', field: 'issue-url' });
    expect(windows.calls).to.have.length(0);
    allowPgOrigins(['http://127.0.0.1:9']);
    await realClick(button(el));
    expect(windows.calls[0][0]).to.equal(`http://127.0.0.1:9/issue/IssueLoader.jsp?TID=${TID}&type=0`);
  });

  it('without a click the popup blocker wins: kpg-error popup-blocked', async () => {
    const el = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid=${TID} env="test"></kpg-receipt>`);
    const errs = errors(el);
    consumeUserActivation();
    el.open();
    expect(errs[0]).to.include({ code: 'popup-blocked' });
  });
});

describe('<kpg-receipt provider="shinhan">: the two-step popup', () => {
  before(function () {
    needs(this, 'shinhan');
  });

  before(() => allowPgOrigins([OTHER_ORIGIN]));

  async function shinhan(body: unknown, status = 200) {
    const el = await mount<KpgReceipt>(html`<kpg-receipt provider="shinhan" tid="T123"
      receipt-url=${fixture({ body, status })}></kpg-receipt>`);
    return { el, errs: errors(el) };
  }

  it('opens an empty window in the click, then sends it to the backend\'s redirect_url', async () => {
    const target = `${OTHER_ORIGIN}/__fixture/page?body=${encodeURIComponent('<title>거래 확인서</title><p id=r>receipt</p>')}`;
    const { el, errs } = await shinhan({ redirect_url: target });
    await realClick(button(el));
    expect(windows.calls[0][0]).to.equal(''); // opened empty, inside the click
    expect(await pgWindow<string>({ url: `${OTHER_ORIGIN}/__fixture/page`, action: 'text', selector: '#r' })).to.equal('receipt');
    expect(errs).to.have.length(0);
    expect(windows.opened[0].closed).to.equal(false);
  });

  for (const [what, body, status] of [
    ['a foreign https redirect_url', { redirect_url: 'https://evil.example/receipt' }, 200],
    ['an http redirect_url not in pg-origins', { redirect_url: 'http://evil.example/receipt' }, 200],
    ['no redirect_url', { ret_code: 0 }, 200],
    ['a backend error', { code: 'unknown-tid', message: 'no such tid' }, 404],
    ['not JSON', '<html>', 200],
  ] as const) {
    it(`${what}: the window is closed and kpg-error receipt-failed fires`, async () => {
      const { el, errs } = await shinhan(body, status);
      await realClick(button(el));
      await waitFor(() => errs.length === 1, 'no error', { timeout: RETRIES_BOUND_MS });
      expect(errs[0].code).to.equal('receipt-failed');
      expect(windows.opened).to.have.length(1);
      expect(windows.opened[0].closed).to.equal(true);
    });
  }
});

const RECEIPT = {
  tid: TID,
  moid: 'A1001x',
  stateCd: '0',
  stateNm: '승인',
  svcCd: '01',
  svcNm: '신용카드',
  ordNm: '홍길동',
  goodsNm: '테스트 상품',
  goodsAmt: '11000',
  supplyAmt: '10000',
  vatAmt: '1000',
  svcAmt: '0',
  appNo: '30001234',
  appDt: '20261121',
  appTm: '120000',
  cardNo: '536148******1234',
  appCo: '04',
  appNm: '삼성카드',
  instmntMon: '03',
  partCancelInfo: [],
  merchantInfo: { coNo: '1234567890', coNm: '(주)케이피지', bossNm: '김대표', mallNm: '케이피지 데모샵', addr: '서울특별시 중구 세종대로 1' },
  somethingNew: { added: 'without notice' },
};

describe('<kpg-receipt view="inline"> (Smartro)', () => {
  before(function () {
    needs(this, 'smartro');
  });

  async function slip(receipt: unknown, status = 200, beside: Record<string, unknown> = {}) {
    const el = document.createElement('kpg-receipt');
    for (const [k, v] of Object.entries({ provider: 'smartro', view: 'inline', tid: TID, 'receipt-url': fixture({ body: { provider: 'smartro', receipt, ...beside }, status }) })) {
      el.setAttribute(k, v);
    }
    const errs = errors(el); // listening before it connects: nothing can be missed
    await mount(html`${el}`);
    // A 5xx is retried (after 300 ms, then 600 ms) before the element gives up: wait on the condition with a
    // bound that covers every retry and a slow machine, well below the test's own 10 s.
    await waitFor(() => el.shadowRoot!.querySelector('[part="slip"], [role="alert"]:not(:empty)'), 'nothing rendered', {
      timeout: RETRIES_BOUND_MS,
    });
    await el.updateComplete;
    return { el, errs };
  }
  const value = (el: KpgReceipt, key: string) => el.shadowRoot!.querySelector(`dd[data-key="${key}"]`)?.textContent;

  it('an approved payment: merchant, goods, amounts, card, installment, approval (extra fields ignored)', async () => {
    const { el, errs } = await slip(RECEIPT);
    expect(errs).to.have.length(0);
    expect(value(el, 'merchant')).to.equal('케이피지 데모샵');
    expect(value(el, 'bizNo')).to.equal('123-45-67890');
    expect(value(el, 'boss')).to.equal('김대표');
    expect(value(el, 'addr')).to.equal('서울특별시 중구 세종대로 1');
    expect(value(el, 'goods')).to.equal('테스트 상품');
    expect(value(el, 'goodsAmt')).to.equal('11,000원');
    expect(value(el, 'supplyAmt')).to.equal('10,000원');
    expect(value(el, 'vatAmt')).to.equal('1,000원');
    expect(value(el, 'svcAmt')).to.equal('0원');
    expect(value(el, 'card')).to.equal('삼성카드');
    expect(value(el, 'cardNo')).to.equal('536148******1234');
    expect(value(el, 'installment')).to.equal('3개월');
    expect(value(el, 'appNo')).to.equal('30001234');
    expect(value(el, 'appAt')).to.equal('2026-11-21 12:00:00');
    expect(el.shadowRoot!.querySelector('[data-state]')!.getAttribute('data-state')).to.equal('approved');
    expect(el.shadowRoot!.textContent).to.not.contain('without notice');
    expect(value(el, 'ccNo')).to.equal(undefined);
    expect(el.shadowRoot!.querySelector('#slip-title')!.textContent).to.equal('카드 매출전표');
    await expect(el).to.be.accessible();
    // svcCd as a JSON number (a backend that parsed '01' as 1 lost its zero): the card's name (appNm) still makes it a card slip.
    const { el: numeric } = await slip({ ...RECEIPT, svcCd: 1 });
    expect(numeric.shadowRoot!.querySelector('#slip-title')?.textContent).to.equal('카드 매출전표');
  });

  it('a cancelled payment shows the cancel number and time', async () => {
    const { el } = await slip({ ...RECEIPT, stateCd: '1', stateNm: '취소', ccNo: '40001234', ccDt: '20261122', ccTm: '093000' });
    expect(el.shadowRoot!.querySelector('[data-state]')!.textContent).to.equal('취소');
    expect(value(el, 'ccNo')).to.equal('40001234');
    expect(value(el, 'ccAt')).to.equal('2026-11-22 09:30:00');
  });

  it('a partially cancelled payment lists its cancellations; a lump sum reads 일시불', async () => {
    const { el } = await slip({
      ...RECEIPT,
      instmntMon: '00',
      partCancelInfo: [
        { transDt: '20261121', transTm: '130000', transAmt: '3000', transSupplyAmt: '2727', transVatAmt: '273', transSvcAmt: '0' },
        { transDt: '20261122', transTm: '100000', transAmt: '2000' },
      ],
    });
    const rows = [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent).join(' '));
    expect(rows).to.deep.equal(['2026-11-21 13:00:00 3,000원', '2026-11-22 10:00:00 2,000원']);
    expect(el.shadowRoot!.querySelector('[data-state]')!.getAttribute('data-state')).to.equal('approved');
    expect(value(el, 'installment')).to.equal('일시불');
    await expect(el).to.be.accessible();
  });

  it('one partial cancel given as an object, not a list, is listed too', async () => {
    const { el } = await slip({ ...RECEIPT, partCancelInfo: { transDt: '20261121', transTm: '130000', transAmt: '3000' } });
    const rows = [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent).join(' '));
    expect(rows).to.deep.equal(['2026-11-21 13:00:00 3,000원']);
  });

  it('given back in part (the backend ledger: refunded_total, balance): 취소 금액 and 잔액 rows under the amount, in English too; none before anything is given back; a figure that is not a number is refused', async () => {
    const { el } = await slip(RECEIPT, 200, { refunded_total: 2500, balance: 8500 });
    const rows = [...el.shadowRoot!.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]);
    const at = rows.findIndex(([label]) => label === '결제금액');
    expect(rows.slice(at, at + 3)).to.deep.equal([['결제금액', '11,000원'], ['취소 금액', '2,500원'], ['잔액', '8,500원']]);
    el.lang = 'en';
    await el.updateComplete;
    expect([value(el, 'refunded'), el.shadowRoot!.querySelector('dd[data-key="balance"]')?.previousElementSibling?.textContent]).to.deep.equal(['₩2,500', 'Balance']);
    fixtureCleanup();
    const none = await slip(RECEIPT, 200, { refunded_total: 0, balance: 11000 });
    expect([value(none.el, 'refunded'), value(none.el, 'balance')]).to.deep.equal([undefined, undefined]);
    fixtureCleanup();
    const bad = await slip(RECEIPT, 200, { refunded_total: '2500원' });
    expect(bad.errs[0].code).to.equal('receipt-failed');
    expect(bad.el.shadowRoot!.querySelector('[part="slip"]')).to.equal(null);
  });

  it('markup in any value is shown as text', async () => {
    const { el } = await slip({ ...RECEIPT, goodsNm: '<img src=x onerror="window.__slipPwned=1">', merchantInfo: { ...RECEIPT.merchantInfo, mallNm: '<b>샵</b>' } });
    expect(value(el, 'goods')).to.equal('<img src=x onerror="window.__slipPwned=1">');
    expect(value(el, 'merchant')).to.equal('<b>샵</b>');
    expect(el.shadowRoot!.querySelector('img, b')).to.equal(null);
    await aTimeout(50);
    expect((window as { __slipPwned?: number }).__slipPwned).to.equal(undefined);
  });

  it('cash receipt data', async () => {
    const { el } = await slip({ ...RECEIPT, svcNm: '계좌이체', cashReceiptReqCl: '1', cashReceiptTid: 'kpgtest01m02012611211200009999', cashReceiptType: '1', cashReceiptNo: '010****5678' });
    expect(value(el, 'cashNo')).to.equal('010****5678');
    expect(value(el, 'cashTid')).to.equal('kpgtest01m02012611211200009999');
    expect(value(el, 'cashType')).to.equal('소득공제', 'cashReceiptType 1, in the element\'s words');
  });

  it('issue 11: a virtual account\'s slip (bank, account, due and deposit days) and a bank transfer\'s (the masked account) are 거래 내역, not a card slip', async () => {
    const vbank = { ...RECEIPT, svcCd: '03', svcNm: '가상계좌', appNm: undefined, cardNo: undefined, instmntMon: undefined, appCo: undefined, bankCd: '088', bankNm: '신한은행', vacctNo: '56212345678901', vacctDueDt: '20261203', vacctBaseDt: '20261201', cashReceiptTid: 'kpgtest01m07012611211200009999', cashReceiptType: '2', cashReceiptNo: '106***2345' };
    let { el } = await slip(vbank);
    expect(el.shadowRoot!.querySelector('#slip-title')!.textContent).to.equal('거래 내역');
    expect([value(el, 'bank'), value(el, 'vacctNo'), value(el, 'vacctDue'), value(el, 'vacctDeposit'), value(el, 'cashType')]).to.deep.equal(['신한은행', '56212345678901', '2026-12-03', '2026-12-01', '지출증빙']);
    expect(el.shadowRoot!.querySelector('dd[data-key="card"]')).to.equal(null);
    await expect(el).to.be.accessible();
    fixtureCleanup();
    ({ el } = await slip({ ...RECEIPT, svcCd: '02', svcNm: '계좌이체', appNm: undefined, cardNo: undefined, instmntMon: undefined, bankCd: '088', bankNm: '신한은행', acctNo: '********6789' }));
    expect([value(el, 'bank'), value(el, 'acctNo')]).to.deep.equal(['신한은행', '********6789']);
    expect(el.shadowRoot!.querySelector('#slip-title')!.textContent).to.equal('거래 내역');
  });

  it('prints the slip only', async () => {
    const outside = document.createElement('p');
    outside.textContent = 'shop page';
    document.body.append(outside);
    try {
      const { el } = await slip(RECEIPT);
      await emulateMedia({ media: 'print' });
      expect(getComputedStyle(outside).visibility).to.equal('hidden');
      expect(getComputedStyle(el.shadowRoot!.querySelector('[part="slip"]')!).visibility).to.equal('visible');
      expect(getComputedStyle(el.shadowRoot!.querySelector('.print')!).display).to.equal('none');
      await emulateMedia({ media: 'screen' });
      expect(getComputedStyle(outside).visibility).to.equal('visible');
    } finally {
      outside.remove();
    }
  });

  for (const [what, receipt, status] of [
    ['a backend error', { message: 'no' }, 500],
    ['a JSON that is not a receipt', { tid: TID }, 200],
    ['no merchantInfo', { ...RECEIPT, merchantInfo: undefined }, 200],
  ] as const) {
    it(`${what}: a message, a retry button, kpg-error receipt-failed`, async () => {
      const { el, errs } = await slip(receipt, status);
      expect(errs[0].code).to.equal('receipt-failed');
      expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('불러오지 못했습니다');
      expect(el.shadowRoot!.querySelector('.retry')).to.not.equal(null);
      await expect(el).to.be.accessible();
    });
  }

  it('view="inline" for Shinhan is refused (Shinhan has no receipt data API)', async function () {
    needs(this, 'shinhan');
    const el = await mount<KpgReceipt>(html`<kpg-receipt></kpg-receipt>`);
    const errs = errors(el);
    for (const [k, v] of Object.entries({ provider: 'shinhan', tid: 'T1', 'receipt-url': '/x', view: 'inline' })) el.setAttribute(k, v);
    await waitFor(() => errs.length > 0, 'no error');
    expect(errs[0]).to.include({ code: 'invalid-config', field: 'view' });
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.not.equal('');
  });
});
