/**
 * Issue 11 end to end in Chromium through the sandbox PGs, clicking as a buyer: virtual accounts (Smartro
 * VBANK and Shinhan selpay's 가상계좌), their deposits and expiry, bank transfer and phone approvals, forged
 * deposit notices, and the account block (axe, the copy button). The demo server's staff routes stand in
 * for the shop's cron and admin (reconcile, its clock, its refusals list).
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { saysLine } from './elements.js';
import type { KpgCheckout, KpgReceipt } from '../src/index.js';
import type { Outcome } from '../src/events.js';
import { frameLog, SESSION, SHOP_MODULE, closeSandboxWindows, SHINHAN_PAY_PAGE, SHINHAN_SANDBOX, SHINHAN_SCRIPT, SMARTRO_SANDBOX, fixture, fixtureCalls, newOrder, payButton, pgWindow, realClick, recordEvents, stubScript, trackWindows, uniqueKey, waitFor } from './helpers.js';

const SMARTRO_PC = `${SMARTRO_SANDBOX}/interfaceURL.jsp`;
const DEPOSIT_PAGE = `${SMARTRO_SANDBOX}/payTest/vbank_deposit_notice.jsp`;
const DAY = 86_400_000;

/**
 * Opens `url` (the bank's stand-in: a sandbox's deposit page) in a frame of this page, presses `selector`
 * there with a real click, and waits for the page's answer (#deposit-message).
 */
async function pressInFrame(url: string, selector: string): Promise<string> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:600px;height:400px';
  let loads = 0;
  frame.addEventListener('load', () => loads++);
  frame.src = url;
  document.body.append(frame);
  try {
    await waitFor(() => loads === 1, 'the page did not load', { timeout: 8000 });
    await pgWindow({ url, action: 'click', selector });
    // The press posts the form: read the answer once that page has loaded, not while the frame navigates.
    await waitFor(() => loads === 2, 'the press did not answer', { timeout: 8000 });
    return await pgWindow<string>({ url, action: 'text', selector: '#deposit-message' });
  } finally {
    frame.remove();
  }
}
const staff = async (path: string, body?: unknown) =>
  (await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
const result = async (orderNo: string) => (await fetch(`/api/kpg/result?order_no=${orderNo}`)).json();
const atSmartro = async (tid: string) =>
  ((await (await fetch(`${SMARTRO_SANDBOX}/__sandbox/payments`)).json()) as { payments: any[] }).payments.find((p) => p.tid === tid);

let windows: ReturnType<typeof trackWindows>;
beforeEach(() => {
  windows = trackWindows();
  localStorage.clear();
});
afterEach(() => {
  fixtureCleanup();
  windows.restore();
});

async function smartro(orderId: string, payMethod: string) {
  const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" amount="11000" order-id=${orderId}
    pay-method=${payMethod} session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>`);
  return { el, rec: recordEvents(el) };
}

/** Pays `payMethod` at Smartro's window; returns the outcome the element fired and its pay() promise's. */
async function smartroPay(orderId: string, payMethod: string, atPg: () => Promise<unknown> = () => pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' })) {
  const { el, rec } = await smartro(orderId, payMethod);
  await realClick(payButton(el));
  const promise = el.pay(); // the attempt in flight: its promise
  expect(await pgWindow({ url: SMARTRO_PC, action: 'text', selector: '#pay-method' })).to.equal(payMethod === 'phone' ? 'CELLPHONE' : payMethod.toUpperCase());
  await atPg();
  const outcome = await rec.outcome(15000);
  expect((await promise).type).to.equal(outcome.type, 'pay() resolves with the one outcome');
  return { el, rec, outcome };
}

/** The account block's value for a label. */
const blockValue = (el: KpgCheckout, label: string) => {
  const dts = [...el.shadowRoot!.querySelectorAll('[part="vbank"] dt')];
  return dts.find((dt) => dt.textContent === label)?.nextElementSibling?.textContent?.trim().replace(/\s+/g, ' ');
};
const koreanDue = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}년 ${m}월 ${d}일까지`;
};

describe('issue 11: virtual accounts, bank transfer and phone, as a buyer', function () {
  this.timeout(45000);
  // A receipt or PG window an earlier test file left open must not be the one a test reads.
  beforeEach(() => closeSandboxWindows());

  it('Smartro VBANK: kpg-vbank-issued with the account, shown as text with its Korean due date instead of a pay button; axe passes; the copy button copies the number', async () => {
    const { el, outcome } = await smartroPay(await newOrder('p1'), 'vbank');
    expect(outcome.type).to.equal('kpg-vbank-issued');
    const { vbank, order_no, result: res } = outcome.detail;
    expect(vbank).to.include({ bank_name: '신한은행', holder: 'KPG 데모샵', amount: 11000 });
    expect(vbank.account_no).to.match(/^562\d{11}$/);
    expect(vbank.due_date).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(res).to.include({ status: 'awaiting_deposit', order_no, pay_method: 'vbank' });
    expect(el.state).to.equal('awaiting-deposit');
    expect(el.matches(':state(awaiting-deposit)')).to.equal(true);
    expect(el.shadowRoot!.querySelector('button[part="button"]')).to.equal(null, 'no pay button while the account waits');
    expect(blockValue(el, '계좌번호')).to.equal(`${vbank.account_no} 복사`);
    expect(blockValue(el, '입금액')).to.equal('11,000원');
    expect(blockValue(el, '입금기한')).to.equal(koreanDue(vbank.due_date));
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('vbank', 'the focus goes to the account');
    await expect(el).to.be.accessible();
    await executeServerCommand('clipboard', { action: 'grant' });
    await realClick(el.shadowRoot!.querySelector('[part="copy-button"]')!);
    await waitFor(() => el.shadowRoot!.querySelector('[part="status"]')!.textContent === '계좌번호를 복사했습니다.', 'the copy was not announced');
    expect((await executeServerCommand<{ text: string }, { action: string }>('clipboard', { action: 'read' })).text).to.equal(vbank.account_no);
    await expect(el).to.be.accessible();
  });

  it('the copy button\'s fallback without the Clipboard API: execCommand copies the number from a hidden field', async () => {
    const { el, outcome } = await smartroPay(await newOrder('p1'), 'vbank');
    const clipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, get: () => undefined });
    const copied: string[] = [];
    const onCopy = (e: Event) => copied.push((e.composedPath()[0] as HTMLTextAreaElement).value);
    document.addEventListener('copy', onCopy);
    try {
      await realClick(el.shadowRoot!.querySelector('[part="copy-button"]')!);
      await waitFor(() => el.shadowRoot!.querySelector('[part="status"]')!.textContent !== '', 'nothing was said');
      expect(copied).to.deep.equal([outcome.detail.vbank.account_no]);
      expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal('계좌번호를 복사했습니다.');
    } finally {
      document.removeEventListener('copy', onCopy);
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      Object.defineProperty(Navigator.prototype, 'clipboard', clipboard);
    }
  });

  it('Smartro VBANK: a second press for the order shows the account again (409 awaiting-deposit); the deposit notice, sent twice, is answered OK twice; a later page load shows the payment', async () => {
    const orderId = await newOrder('p1');
    const { outcome } = await smartroPay(orderId, 'vbank');
    const orderNo = outcome.detail.order_no;
    const tid = outcome.detail.result.tid as string;
    fixtureCleanup();
    localStorage.clear();
    // Another tab for the same order: nothing new starts; the account is shown again.
    const { el: other, rec: otherRec } = await smartro(orderId, 'card');
    await realClick(payButton(other));
    const again = await otherRec.outcome(10000);
    expect(again.type).to.equal('kpg-vbank-issued');
    expect(again.detail.order_no).to.equal(orderNo);
    await waitFor(() => windows.open().length === 0, 'the window opened inside the click stayed open');
    fixtureCleanup();
    // The bank deposit, at Smartro's test page: the 4110 notice reaches RetryURL.
    await pressInFrame(DEPOSIT_PAGE, `#deposit-${tid}`);
    await waitFor(async () => (await atSmartro(tid))?.vbank?.notices?.[0]?.state === 'delivered', 'the deposit notice was not delivered', { timeout: 10000 });
    expect((await result(orderNo)).status).to.equal('paid');
    await pressInFrame(DEPOSIT_PAGE, `#resend-${tid}`);
    await waitFor(async () => (await atSmartro(tid))?.vbank?.notices?.[1]?.state === 'delivered', 'the second notice was not delivered', { timeout: 10000 });
    const notices = (await atSmartro(tid)).vbank.notices;
    expect(notices.map((n: { attempts: Array<{ body: string }> }) => n.attempts.at(-1)!.body)).to.deep.equal(['OK', 'OK']);
    expect(((await staff('/api/demo/refunds')) as Array<{ order_no: string }>).filter((r) => r.order_no === orderNo)).to.deep.equal([], 'nothing owed back');
    expect((await result(orderNo)).tid).to.equal(tid);
    // A later page load in the browser that was shown the account: the element asks result-url and shows the payment.
    expect(localStorage.getItem(`kpg-checkout:vbank:smartro:${orderId}`)).to.contain(orderNo);
    const { el: later, rec: laterRec } = await smartro(orderId, 'vbank');
    const paid = await laterRec.outcome(10000);
    expect(paid.type).to.equal('kpg-success');
    expect(paid.detail.tid).to.equal(tid);
    expect(later.state).to.equal('paid');
    expect(localStorage.getItem(`kpg-checkout:vbank:smartro:${orderId}`)).to.equal(null, 'forgotten once final');
  });

  it('forged deposit notices are refused and logged: the genuine notice with another SignValue, and with another Amt', async () => {
    const orderId = await newOrder('p1');
    const { outcome } = await smartroPay(orderId, 'vbank');
    const tid = outcome.detail.result.tid as string;
    await pressInFrame(DEPOSIT_PAGE, `#deposit-${tid}`);
    await waitFor(async () => (await atSmartro(tid))?.vbank?.notices?.[0]?.state === 'delivered', 'the deposit notice was not delivered', { timeout: 10000 });
    const genuine = new URLSearchParams((await atSmartro(tid)).vbank.notices[0].body as string);
    const post = async (change: Record<string, string>) => {
      const forged = new URLSearchParams(genuine);
      for (const [k, v] of Object.entries(change)) forged.set(k, v);
      const res = await fetch('/api/kpg/smartro/retry', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: forged });
      return [res.status, await res.text()];
    };
    expect(await post({ SignValue: btoa('0'.repeat(32)) })).to.deep.equal([400, 'REFUSED sign-mismatch']);
    expect(await post({ Amt: '110' })).to.deep.equal([400, 'REFUSED amount-mismatch']);
    const refusals = (await staff(`/api/demo/refusals?order_no=${outcome.detail.order_no}`)) as Array<{ code: string; route: string }>;
    expect(refusals.map((r) => [r.code, r.route])).to.deep.equal([['sign-mismatch', 'smartro/retry'], ['amount-mismatch', 'smartro/retry']]);
    expect((await result(outcome.detail.order_no)).status).to.equal('paid', 'the genuine deposit stands, recorded once');
  });

  it('an account past its due day: reconcile() closes it, the element says cancelled (vbank-expired), and the order is paid again by card', async () => {
    const orderId = await newOrder('p1');
    const { outcome } = await smartroPay(orderId, 'vbank');
    fixtureCleanup();
    try {
      await staff('/api/demo/clock', { advance_ms: 5 * DAY });
      const report = (await staff('/api/demo/reconcile', {})) as { settled: Array<{ order_no: string; to: string }> };
      expect(report.settled.filter((x) => x.order_no === outcome.detail.order_no).map((x) => x.to)).to.deep.equal(['cancelled']);
    } finally {
      await staff('/api/demo/clock', { reset: true });
    }
    // The page the buyer comes back to remembers the account: it learns it expired.
    const { el, rec } = await smartro(orderId, 'card');
    const expired = await rec.outcome(10000);
    expect(expired.type).to.equal('kpg-cancel');
    expect(expired.detail.reason).to.equal('vbank-expired');
    expect(el.state).to.equal('cancelled');
    await waitFor(() => !payButton(el).disabled, 'the button is not ready again');
    const second = recordEvents(el);
    await realClick(payButton(el));
    expect(await pgWindow({ url: SMARTRO_PC, action: 'text', selector: '#pay-method' })).to.equal('CARD');
    await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
    const paid = await second.outcome(15000);
    expect(paid.type).to.equal('kpg-success');
    expect(paid.detail.order_no).to.not.equal(outcome.detail.order_no);
  });

  it('Smartro BANK with a 현금영수증, and CELLPHONE: verified kpg-success; the cash receipt opens at IssueLoader type=2', async () => {
    const bank = await smartroPay(await newOrder('p2'), 'bank', async () => {
      await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#cash-receipt-income' });
      await pgWindow({ url: SMARTRO_PC, action: 'click', selector: '#approve' });
    });
    expect(bank.outcome.type).to.equal('kpg-success');
    expect(bank.outcome.detail.result).to.include({ status: 'paid', pay_method: 'bank', bank_name: '신한은행', amount: 55000 });
    expect(bank.el.state).to.equal('paid');
    const receipt = await mount<KpgReceipt>(html`<kpg-receipt provider="smartro" tid=${bank.outcome.detail.tid} type="2" env="test"
      issue-url=${`${SMARTRO_SANDBOX}/issue/IssueLoader.jsp`}>현금영수증</kpg-receipt>`);
    await realClick(receipt.shadowRoot!.querySelector('button')!);
    expect(await pgWindow({ url: `${SMARTRO_SANDBOX}/issue/IssueLoader.jsp`, action: 'text', selector: '#cash-type' })).to.equal('소득공제');
    expect(await pgWindow({ url: `${SMARTRO_SANDBOX}/issue/IssueLoader.jsp`, action: 'text', selector: '#slip-tid' })).to.equal(bank.outcome.detail.tid);
    await pgWindow({ url: `${SMARTRO_SANDBOX}/issue/IssueLoader.jsp`, action: 'close' });
    fixtureCleanup();
    const phone = await smartroPay(await newOrder('p1'), 'phone');
    expect(phone.outcome.type).to.equal('kpg-success');
    expect(phone.outcome.detail.result).to.include({ status: 'paid', pay_method: 'phone' });
  });

  it('Shinhan selpay 가상계좌: the window shows the number; the shop shows the account without it; a simulated deposit and reconcile() make the order paid, shown on a later page load', async () => {
    const orderId = await newOrder('p1');
    const mountShinhan = () =>
      mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" amount="11000" order-id=${orderId}
        session-url="/api/kpg/session" result-url="/api/kpg/result" script-src=${SHINHAN_SCRIPT}></kpg-checkout>`);
    const el = await mountShinhan();
    const rec = recordEvents(el);
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#method-vbank' });
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
    const number = await pgWindow<string>({ url: `${SHINHAN_SANDBOX}/pgsvc/pay/decide`, action: 'text', selector: '#vbank-account-no' });
    expect(number).to.match(/^562\d{11}$/);
    await pgWindow({ url: `${SHINHAN_SANDBOX}/pgsvc/pay/decide`, action: 'click', selector: '#vbank-confirm' });
    const issued = await rec.outcome(15000);
    expect(issued.type).to.equal('kpg-vbank-issued');
    const { vbank, order_no } = (issued as Extract<Outcome, { type: 'kpg-vbank-issued' }>).detail;
    expect(vbank).to.deep.equal({ bank_name: '신한은행', holder: '(주)케이피지데모', amount: 11000, due_date: vbank.due_date });
    expect(blockValue(el, '계좌번호')).to.equal('결제창에서 안내된 번호');
    expect(el.shadowRoot!.querySelector('[part="copy-button"]')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.not.contain(number);
    await expect(el).to.be.accessible();
    // No deposit yet: reconcile leaves it waiting.
    await staff('/api/demo/reconcile', {});
    expect((await result(order_no)).status).to.equal('awaiting_deposit');
    // The bank deposit (the sandbox's stand-in), then the shop's reconcile learns it from confirm-info.
    const tid = (await result(order_no)).tid as string;
    await pressInFrame(`${SHINHAN_SANDBOX}/__sandbox/vbank`, `#deposit-${tid}`);
    const report = (await staff('/api/demo/reconcile', {})) as { settled: Array<{ order_no: string; to: string }> };
    expect(report.settled.filter((x) => x.order_no === order_no).map((x) => x.to)).to.deep.equal(['paid']);
    fixtureCleanup();
    const later = await mountShinhan();
    const laterRec = recordEvents(later);
    const paid = await laterRec.outcome(10000);
    expect(paid.type).to.equal('kpg-success');
    expect(paid.detail.tid).to.equal(tid);
    expect(later.state).to.equal('paid');
    // Its 거래 확인서 opens for the deposit.
    const receipt = await mount<KpgReceipt>(html`<kpg-receipt provider="shinhan" tid=${tid} receipt-url="/api/kpg/receipt"></kpg-receipt>`);
    await realClick(receipt.shadowRoot!.querySelector('button')!);
    expect(await pgWindow({ url: `${SHINHAN_SANDBOX}/pgsvc/receipt`, action: 'text', selector: '#receipt-method' })).to.equal('가상계좌');
    await pgWindow({ url: `${SHINHAN_SANDBOX}/pgsvc/receipt`, action: 'close' });
  });

  it('mobile (the whole page goes to Smartro): VBANK comes back to the shop page as kpg-vbank-issued with the account shown', async () => {
    const orderId = await newOrder('p1');
    const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>m</title>
      <script>window.kpgLog=[];['kpg-success','kpg-fail','kpg-cancel','kpg-error','kpg-vbank-issued'].forEach(function(t){document.addEventListener(t,function(e){kpgLog.push({type:t,detail:e.detail})})});</script>
      ${SHOP_MODULE}</head><body>
      <kpg-checkout provider="smartro" device="mobile" pay-method="vbank" order-id="${orderId}" session-url="/api/kpg/session"
        result-url="/api/kpg/result"></kpg-checkout></body></html>`;
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:400px;height:500px';
    frame.src = `/__fixture/page?body=${encodeURIComponent(page)}`;
    document.body.append(frame);
    try {
      const checkout = () => frame.contentDocument?.querySelector('kpg-checkout') as KpgCheckout | null | undefined;
      await waitFor(() => checkout()?.shadowRoot?.querySelector('button'), 'no shop page');
      await realClick(checkout()!.shadowRoot!.querySelector('button')!);
      const mobile = `${SMARTRO_SANDBOX}/pay/interfaceURL`;
      expect(await pgWindow({ url: mobile, action: 'text', selector: '#pay-method' })).to.equal('VBANK');
      await pgWindow({ url: mobile, action: 'click', selector: '#approve' });
      const log = () => frameLog(frame);
      await waitFor(() => log().length > 0, 'no outcome back on the shop page', { timeout: 10000 });
      expect(log().map((e) => e.type)).to.deep.equal(['kpg-vbank-issued']);
      expect(log()[0].detail.vbank.account_no).to.match(/^562\d{11}$/);
      await waitFor(() => checkout()?.state === 'awaiting-deposit', 'the page does not show the account');
      expect(checkout()!.shadowRoot!.querySelector('[part="vbank"] .no')!.textContent).to.equal(log()[0].detail.vbank.account_no);
      expect(frame.contentWindow!.location.search).to.not.contain('kpg_order_no', 'the parameter is taken from the address');
    } finally {
      frame.remove();
    }
  });

  it('pay-method is read once, checked when the element connects, and sent only for Smartro', async () => {
    const key = uniqueKey('session');
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      const shinhan = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" order-id="A-1" pay-method="vbank"
        session-url=${fixture({ body: SESSION, key })} result-url=${fixture({ body: { status: 'paid', order_no: 'T-1' } })}
        script-src=${stubScript('OK', '')}></kpg-checkout>`);
      const rec = recordEvents(shinhan);
      await realClick(payButton(shinhan));
      expect((await rec.outcome()).type).to.equal('kpg-success');
      const [call] = await fixtureCalls(key);
      expect(JSON.parse(call.body)).to.not.have.property('pay_method');
      expect(warnings.some((w) => saysLine(w, 'pay-method-ignored', 'pay-method="vbank" is ignored for shinhan', [' vbank shinhan ']))).to.equal(true);
    } finally {
      console.warn = warn;
    }
    fixtureCleanup();
    const errors: string[] = [];
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" order-id="A-1" pay-method="cash"
      session-url="/api/kpg/session" result-url="/api/kpg/result" @kpg-error=${(e: CustomEvent<{ field: string }>) => errors.push(e.detail.field)}></kpg-checkout>`);
    await waitFor(() => errors.length > 0, 'no invalid-config');
    expect(errors).to.deep.equal(['pay-method']);
    expect(payButton(el).disabled).to.equal(true);
  });
});
