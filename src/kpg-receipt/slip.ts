/**
 * The inline slip of `<kpg-receipt view="inline">` (Smartro): its view, words and styles. Smartro's entry
 * registers it (`registry.ts` `views.slip`), so kpg-shinhan.js carries none of it.
 */
import { html, nothing } from 'lit/html.js';
import { adopt } from '../lit-styles.js';
import { sheet } from '../reactive.js';
import { english, won } from '../i18n.js';
import { monthsText } from '../i18n-more.js';
import type { Slip, SlipLine } from '../providers/types.js';
import { printOnlySlips, slipStyles } from './slip.styles.js';

const KO = {
  title: '카드 매출전표',
  merchant: '가맹점명',
  bizNo: '사업자등록번호',
  boss: '대표자',
  addr: '주소',
  goods: '상품명',
  buyer: '주문자',
  goodsAmt: '결제금액',
  refunded: '취소 금액',
  balance: '잔액',
  supplyAmt: '공급가액',
  vatAmt: '부가세',
  svcAmt: '봉사료',
  card: '카드사',
  cardNo: '카드번호',
  installment: '할부',
  appNo: '승인번호',
  appAt: '승인일시',
  state: '상태',
  ccNo: '취소승인번호',
  ccAt: '취소일시',
  tid: '거래번호',
  moid: '주문번호',
  parts: '부분취소 내역',
  partAt: '취소일시',
  partAmt: '취소금액',
  cash: '현금영수증',
  cashType: '발행 유형',
  cashNo: '발급번호',
  cashTid: '거래번호',
  cash1: '소득공제',
  cash2: '지출증빙',
  titleOther: '거래 내역',
  bank: '은행',
  acctNo: '출금계좌',
  vacctNo: '가상계좌',
  vacctDue: '입금기한',
  vacctDeposit: '입금일',
  approved: '승인',
  cancelled: '취소',
  lumpSum: '일시불',
  print: '인쇄',
} as Record<string, string>;
const EN = {
  title: 'Card sales slip',
  merchant: 'Merchant',
  bizNo: 'Business no.',
  boss: 'Representative',
  addr: 'Address',
  goods: 'Goods',
  buyer: 'Buyer',
  goodsAmt: 'Amount',
  refunded: 'Refunded',
  balance: 'Balance',
  supplyAmt: 'Supply value',
  vatAmt: 'VAT',
  svcAmt: 'Service charge',
  card: 'Card',
  cardNo: 'Card no.',
  installment: 'Installments',
  appNo: 'Approval no.',
  appAt: 'Approved at',
  state: 'State',
  ccNo: 'Cancel approval no.',
  ccAt: 'Cancelled at',
  tid: 'Transaction',
  moid: 'Order',
  parts: 'Partial cancellations',
  partAt: 'Cancelled at',
  partAmt: 'Amount',
  cash: 'Cash receipt',
  cashType: 'Type',
  cashNo: 'Number',
  cashTid: 'Transaction',
  cash1: 'Income deduction',
  cash2: 'Proof of expense',
  titleOther: 'Transaction record',
  bank: 'Bank',
  acctNo: 'Paid from',
  vacctNo: 'Virtual account',
  vacctDue: 'Deposit by',
  vacctDeposit: 'Deposited on',
  approved: 'Approved',
  cancelled: 'Cancelled',
  lumpSum: 'Pay in full',
  print: 'Print',
} as Record<string, string>;

/** `1,234` or `1234` -> `1,234원` / `₩1,234`; anything else as it came. */
function amount(value: string, en: boolean): string {
  const n = Number(value.replace(/,/g, ''));
  return Number.isFinite(n) ? won(n, en) : value;
}

function value(line: SlipLine, en: boolean, t: Record<string, string>): string {
  if (line.kind === 'amount') return amount(line.value, en);
  if (line.kind === 'months') return Number(line.value) > 1 ? monthsText(Number(line.value), false, en) : t.lumpSum;
  if (line.kind === 'cash') return t[`cash${line.value}`] ?? line.value;
  return line.value;
}

let sheets: [CSSStyleSheet, CSSStyleSheet] | undefined;

export interface SlipView {
  /** Render `slip` in `root`'s language, adopting the slip's styles into `root` the first time. */
  render(slip: Slip, lang: string, root: ShadowRoot): unknown;
}

export const slipView: SlipView = {
  render(slip, lang, root) {
    adopt(root, (sheets ??= [sheet(slipStyles), sheet(printOnlySlips)])[0]);
    // Printing a page with an inline receipt prints the slip only.
    adopt(document, sheets[1]);
    const en = english(lang);
    const t = en ? EN : KO;
    const lines = (list: SlipLine[]) =>
      html`<dl>
        ${list.map(
          (l) => html`<dt>${t[l.key] ?? l.key}</dt>
            <dd class=${l.kind === 'amount' ? 'amount' : ''} data-key=${l.key}>${value(l, en, t)}</dd>`,
        )}
      </dl>`;
    return html`<article part="slip" class="slip" aria-labelledby="slip-title">
      <p class="title"><span id="slip-title">${slip.card ? t.title : t.titleOther}</span>
        <span class="state" data-state=${slip.cancelled ? 'cancelled' : 'approved'}>${slip.cancelled ? t.cancelled : t.approved}</span></p>
      ${lines(slip.merchant)} ${lines(slip.lines)}
      ${slip.parts.length
        ? html`<p class="section" id="parts-title">${t.parts}</p>
            <table aria-labelledby="parts-title">
              <thead><tr><th scope="col">${t.partAt}</th><th scope="col">${t.partAmt}</th></tr></thead>
              <tbody>${slip.parts.map((p) => html`<tr><td>${p.at}</td><td class="amount">${amount(p.amount, en)}</td></tr>`)}</tbody>
            </table>`
        : nothing}
      ${slip.cash.length ? html`<p class="section">${t.cash}</p>${lines(slip.cash)}` : nothing}
      <button class="print" type="button" @click=${() => window.print()}>${t.print}</button>
    </article>`;
  },
};
