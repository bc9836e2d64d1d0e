/**
 * End to end through the sandboxes, as a shopper: real clicks on the shop page and in the PG's window,
 * the reference backend verifying, and receipts for what was paid. Korean text is checked where the PG
 * shows it: the charset the browser posts in is the one the PG reads.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { needs } from './elements.js';
import type { KpgCheckout, KpgReceipt } from '../src/index.js';
import { closeSandboxWindows, frameLog, SHINHAN_PAY_PAGE, SHINHAN_SANDBOX, SHINHAN_SCRIPT, SHOP_MODULE, SMARTRO_SANDBOX, newOrder, payButton, pgWindow, realClick, recordEvents, trackWindows, waitFor } from './helpers.js';

const SMARTRO = SMARTRO_SANDBOX;
const SMARTRO_PC = `${SMARTRO}/interfaceURL.jsp`;

let windows: ReturnType<typeof trackWindows>;
beforeEach(async () => {
  // A PG window an earlier test file left open at the same address would be found first by pgWindow (it
  // looks in every window of the browser): each test starts with none.
  await closeSandboxWindows();
  windows = trackWindows();
});
afterEach(() => {
  fixtureCleanup();
  windows.restore();
});

async function smartroCheckout(orderId: string) {
  const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" amount="11000" order-id=${orderId}
    session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`);
  return { el, rec: recordEvents(el) };
}

describe('Smartro WEBLink through the sandbox', () => {
  before(function () {
    needs(this, 'smartro');
  });

  it('PC: EUC-KR form in the popup, 테스트 상품 intact at the PG, approve, verified kpg-success with the tid', async () => {
    const { el, rec } = await smartroCheckout(await newOrder('p1'));
    await realClick(payButton(el));
    expect(await pgWindow({ url: SMARTRO_PC, action: 'text', selector: '#goods-name' })).to.equal('테스트 상품');
    expect(await pgWindow({ url: SMARTRO_PC, action: 'text', selector: '#buyer-name' })).to.equal('홍길동');
    expect(await pgWindow({ url: SMARTRO_PC, action: 'text', selector: '#charset' })).to.match(/euc-kr/i);
    await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
    const outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.provider).to.equal('smartro');
    expect(outcome.detail.tid).to.match(/^kpgtest01m\d{20}$/);
    expect(outcome.detail.result).to.include({ status: 'paid', amount: 11000 });
    await waitFor(() => windows.open().length === 0, 'the popup did not close');
  });

  it('PC: a product name with an emoji (no EUC-KR holds it) reaches the PG as "?" and is paid, not refused as a form the browser would garble', async () => {
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" amount="25000" order-id=${await newOrder('p5')}
      session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`);
    const rec = recordEvents(el);
    await realClick(payButton(el));
    expect(await pgWindow({ url: SMARTRO_PC, action: 'text', selector: '#goods-name' })).to.equal('? 선물 세트');
    await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
    const outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.result).to.include({ status: 'paid', amount: 25000 });
  });

  it('PC: cancel in the PG window -> kpg-cancel; decline -> kpg-fail with the PG code', async () => {
    let { el, rec } = await smartroCheckout(await newOrder('p1'));
    await realClick(payButton(el));
    await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#cancel' });
    let outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-cancel');
    fixtureCleanup();
    ({ el, rec } = await smartroCheckout(await newOrder('p1')));
    await realClick(payButton(el));
    await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#fail' });
    outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-fail');
    expect(outcome.detail.code).to.equal('3011');
  });

  for (const [choice, expected] of [['approve', 'kpg-success'], ['cancel', 'kpg-cancel']] as const) {
  it(`mobile: the whole page posts UTF-8 to the mobile URL, 무선 이어폰 intact; ${choice} comes back as ${expected}`, async () => {
    const orderId = await newOrder('p2');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>m</title>
      <script>window.kpgLog=[];['kpg-success','kpg-fail','kpg-cancel','kpg-error'].forEach(function(t){document.addEventListener(t,function(e){kpgLog.push({type:t,detail:e.detail})})});</script>
      ${SHOP_MODULE}</head><body>
      <kpg-checkout provider="smartro" device="mobile" order-id="${orderId}" session-url="/api/kpg/session"
        result-url="/api/kpg/result"></kpg-checkout></body></html>`;
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:400px;height:300px';
    frame.src = `/__fixture/page?body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      await waitFor(() => frame.contentDocument?.querySelector('kpg-checkout')?.shadowRoot?.querySelector('button'), 'no shop page', { timeout: 5000 });
      await realClick(frame.contentDocument!.querySelector('kpg-checkout')!.shadowRoot!.querySelector('button')!);
      const mobile = `${SMARTRO}/pay/interfaceURL`;
      expect(await pgWindow({ url: mobile, action: 'text', selector: '#goods-name' })).to.equal('무선 이어폰 (화이트)');
      expect(await pgWindow({ url: mobile, action: 'text', selector: '#interface' })).to.equal('mobile');
      await pgWindow({ url: mobile, action: 'click', selector: `#${choice}` });
      const log = () => frameLog(frame);
      await waitFor(() => log().length > 0, 'no outcome back on the shop page', { timeout: 10000 });
      expect(log()).to.have.length(1);
      expect(log()[0].type).to.equal(expected);
      if (choice === 'approve') expect(log()[0].detail.result).to.include({ status: 'paid', provider: 'smartro' });
      // A mobile cancel goes to StopURL (guide 6.16), which records it and sends the buyer back.
      else expect(log()[0].detail.reason).to.equal('buyer-cancelled');
    } finally {
      frame.remove();
    }
  });
  }

  it('a forged result (wrong SignValue) pays nothing: the same return page as always, the order still pending, then the genuine payment goes through', async () => {
    // The server answers the buyer's browser with the same page whatever it decided (the shop page asks
    // result-url), so from here only the effect shows. That the refusal is the SignValue's, and not the
    // receipt API's, is checked where the server can be watched: test/node/server-smartro.test.mjs (and
    // the mutation suite's srv- mutants of the SignValue check).
    const orderId = await newOrder('p3'); // 1,200,000 won
    const { el, rec } = await smartroCheckout(orderId);
    await realClick(payButton(el));
    await waitFor(() => rec.events.find((e) => e.type === 'kpg-session'), 'no session');
    const orderNo: string = rec.events.find((e) => e.type === 'kpg-session')!.detail.order_no;
    expect(await pgWindow({ url: SMARTRO_PC, action: 'text', selector: '#moid' })).to.equal(orderNo);
    // While the buyer looks at the PG's window, someone posts an approval for this order with a made-up SignValue.
    const tid = `kpgtest01m0101${'2611211200'}001234`;
    const forged = new URLSearchParams({
      PayMethod: 'CARD', MID: 'kpgtest01m', Amt: '1200000', TID: tid, OID: orderNo, Moid: orderNo,
      ResultCode: '3001', ResultMsg: 'OK', AuthDate: '261121120000', AuthCode: '12345678', SignValue: btoa('0'.repeat(32)),
    });
    const forgedReply = await fetch('/api/kpg/smartro/return', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: forged });
    expect(forgedReply.status).to.equal(200);
    expect(await forgedReply.text()).to.contain(`data-order-no="${orderNo}"`);
    const result = await (await fetch(`/api/kpg/result?order_no=${orderNo}`)).json();
    expect(result).to.include({ status: 'pending', order_no: orderNo });
    expect(rec.outcomes()).to.have.length(0);
    // The forgery neither paid the order nor used it up: the buyer's genuine approval goes through.
    await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
    const outcome = await rec.outcome(10000);
    expect(outcome.type, JSON.stringify(outcome.detail)).to.equal('kpg-success');
    expect(outcome.detail.tid).to.not.equal(tid);
    expect(outcome.detail.result).to.include({ status: 'paid', amount: 1200000 });
  });

  it('receipts: the IssueLoader popup shows the paid TID, and the inline slip shows the payment', async () => {
    const { el, rec } = await smartroCheckout(await newOrder('p1'));
    await realClick(payButton(el));
    await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
    const { detail } = await rec.outcome(10000);
    const receipt = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid=${detail.tid} env="test"
      issue-url=${`${SMARTRO}/issue/IssueLoader.jsp`}></kpg-receipt>`);
    await realClick(receipt.shadowRoot!.querySelector('button')!);
    expect(await pgWindow({ url: `${SMARTRO}/issue/IssueLoader.jsp`, action: 'text', selector: '#slip-tid' })).to.equal(detail.tid);
    const slip = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" view="inline" tid=${detail.tid} receipt-url="/api/kpg/receipt"></kpg-receipt>`);
    await waitFor(() => slip.shadowRoot!.querySelector('[part="slip"]'), 'no slip', { timeout: 5000 });
    const value = (key: string) => slip.shadowRoot!.querySelector(`dd[data-key="${key}"]`)?.textContent;
    expect(value('tid')).to.equal(detail.tid);
    expect(value('goods')).to.equal('테스트 상품');
    expect(value('goodsAmt')).to.equal('11,000원');
    await expect(slip).to.be.accessible();
  });
});

describe('Shinhan through the sandbox: card picker and receipt', () => {
  before(function () {
    needs(this, 'shinhan');
  });

  it('the chosen card and months reach the PG\'s approval page, and the receipt opens for the tid', async () => {
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" pgcode="card" device="pc" amount="55000"
      order-id=${await newOrder('p2')} session-url="/api/kpg/session" result-url="/api/kpg/result" cards-url="/api/kpg/cards"
      image-base=${`${SHINHAN_SANDBOX}/`} script-src=${SHINHAN_SCRIPT}></kpg-checkout>`);
    const rec = recordEvents(el);
    const picker = el.shadowRoot!.querySelector('kpg-card-picker')!;
    await waitFor(() => picker.shadowRoot!.querySelectorAll('[role="radio"]').length >= 10, 'no card list', { timeout: 5000 });
    const radios = [...picker.shadowRoot!.querySelectorAll<HTMLElement>('[role="radio"]')];
    expect(radios[0].textContent).to.contain('신한카드'); // sort_no 1
    const img = radios[0].querySelector('img')!;
    expect(img.src).to.match(new RegExp(`^${SHINHAN_SANDBOX}/`));
    await waitFor(() => img.complete && img.naturalWidth > 0, 'card image did not load');
    await realClick(radios[0]);
    (picker.shadowRoot!.querySelector('select') as HTMLSelectElement).focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' }); // 3 months
    await waitFor(() => !payButton(el).disabled);
    await realClick(payButton(el));
    expect(await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'text', selector: '#card-company' })).to.equal('신한카드');
    expect(await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'text', selector: '#install-month' })).to.contain('3개월');
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
    const outcome = await rec.outcome(10000);
    expect(outcome.type).to.equal('kpg-success');
    expect(outcome.detail.result).to.include({ card_cpny_cd: 'S005', install_month: '03' });

    const receipt = await mount<KpgReceipt>(html`<kpg-receipt provider="shinhan" tid=${outcome.detail.tid}
      receipt-url="/api/kpg/receipt"></kpg-receipt>`);
    await realClick(receipt.shadowRoot!.querySelector('button')!);
    expect(await pgWindow({ url: `${SHINHAN_SANDBOX}/pgsvc/receipt`, action: 'text', selector: '#receipt-tid' })).to.equal(outcome.detail.tid);
  });
});
