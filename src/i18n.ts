/** The widget's own words, in Korean (default) and English. PG and backend text never goes through here. */
import type { KpgErrorCode } from './events.js';

export type Lang = 'ko' | 'en';

export interface Messages {
  pay(amount: string | null): string;
  busy: string;
  continueHint: string;
  openWindow: string;
  paid: string;
  paidButton: string;
  cancelled: string;
  failed(message: string): string;
  error(code: KpgErrorCode): string;
  cardsLabel: string;
  cardsLoading: string;
  cardsFailed: string;
  cardsEmpty: string;
  retry: string;
  installment: string;
  lumpSum: string;
  months(months: number, interestFree: boolean): string;
  installmentFrom(amount: string): string;
  points: string;
  outage(message: string): string;
  cardUnavailable: string;
  chooseCard: string;
  unavailable: string;
  viewWindow: string;
  receipt: string;
  receiptLoading: string;
  receiptFailed: string;
  print: string;
  slip: Record<string, string>;
  approved: string;
  cancelled2: string;
  lumpSumShort: string;
  /** A virtual account (issue 11): the status line, the block's labels, the due date, the copy button. */
  awaiting: string;
  vbank: Record<'title' | 'bank' | 'accountNo' | 'holder' | 'amount' | 'due' | 'noAccountNo' | 'copy' | 'copyLabel' | 'copied' | 'select', string>;
  dueBy(date: string): string;
  won(amount: number): string;
}

const won = (amount: string, lang: Lang) =>
  new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-US').format(Number(amount));

/** "2026-12-03" -> [2026, 12, 3]: the date as the PG meant it (Korea time), never shifted by a time zone. */
const ymd = (date: string) => date.split('-').map(Number);

const ko: Messages = {
  pay: (amount) => (amount ? `${won(amount, 'ko')}원 결제하기` : '결제하기'),
  busy: '결제 진행 중',
  continueHint: '결제창을 열려면 아래 버튼을 눌러 주세요.',
  openWindow: '결제창 열기',
  paid: '결제가 완료되었습니다.',
  paidButton: '결제 완료',
  cancelled: '결제를 취소했습니다.',
  failed: (message) => (message ? `결제에 실패했습니다: ${message}` : '결제에 실패했습니다.'),
  error: (code) =>
    code === 'popup-blocked'
      ? '브라우저가 결제창을 막았습니다. 팝업 차단을 해제한 뒤 다시 시도해 주세요.'
      : code === 'card-required'
        ? '결제할 카드사를 먼저 선택해 주세요.'
      : code === 'attempt-in-progress'
        ? '이 주문의 다른 결제가 아직 진행 중입니다. 열려 있는 결제창에서 결제를 마치거나 결제창을 닫은 뒤 다시 시도해 주세요.'
      : code === 'result-timeout' || code === 'result-failed'
        ? '결제 결과를 아직 확인하지 못했습니다. 다시 결제하기 전에 주문 내역을 확인해 주세요.'
        : code === 'invalid-config' || code === 'origin-not-allowed'
          ? '결제 설정에 문제가 있어 결제할 수 없습니다. 상점에 문의해 주세요.'
          : '결제를 시작하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  cardsLabel: '카드사 선택',
  cardsLoading: '카드사 목록을 불러오는 중입니다.',
  cardsFailed: '카드사 목록을 불러오지 못했습니다.',
  cardsEmpty: '지금 선택할 수 있는 카드사가 없습니다.',
  retry: '다시 시도',
  installment: '할부 개월',
  lumpSum: '일시불',
  months: (m, free) => `${m}개월${free ? ' (무이자)' : ''}`,
  installmentFrom: (amount) => `할부는 ${won(amount, 'ko')}원 이상 결제할 때 선택할 수 있습니다.`,
  points: '포인트',
  outage: (message) => `사용 불가: ${message}`,
  cardUnavailable: '사용 불가',
  chooseCard: '결제할 카드사를 먼저 선택해 주세요.',
  unavailable: '지금은 결제할 수 없습니다.',
  viewWindow: '결제창 보기',
  receipt: '전표 보기',
  receiptLoading: '전표를 불러오는 중입니다.',
  receiptFailed: '전표를 불러오지 못했습니다.',
  print: '인쇄',
  slip: {
    title: '카드 매출전표',
    merchant: '가맹점명',
    bizNo: '사업자등록번호',
    boss: '대표자',
    addr: '주소',
    goods: '상품명',
    buyer: '주문자',
    goodsAmt: '결제금액',
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
  },
  approved: '승인',
  cancelled2: '취소',
  lumpSumShort: '일시불',
  awaiting: '입금하면 결제가 완료됩니다.',
  vbank: {
    title: '입금 대기 중',
    bank: '은행',
    accountNo: '계좌번호',
    holder: '예금주',
    amount: '입금액',
    due: '입금기한',
    noAccountNo: '결제창에서 안내된 번호',
    copy: '복사',
    copyLabel: '계좌번호 복사',
    copied: '계좌번호를 복사했습니다.',
    select: '복사하지 못했습니다. 계좌번호를 직접 복사해 주세요.',
  },
  dueBy: (date) => {
    const [y, m, d] = ymd(date);
    return `${y}년 ${m}월 ${d}일까지`;
  },
  won: (amount) => `${won(String(amount), 'ko')}원`,
};

const en: Messages = {
  pay: (amount) => (amount ? `Pay \u20a9${won(amount, 'en')}` : 'Pay'),
  busy: 'Payment in progress',
  continueHint: 'Press the button below to open the payment window.',
  openWindow: 'Open payment window',
  paid: 'Payment complete.',
  paidButton: 'Paid',
  cancelled: 'Payment cancelled.',
  failed: (message) => (message ? `Payment failed: ${message}` : 'Payment failed.'),
  error: (code) =>
    code === 'popup-blocked'
      ? 'Your browser blocked the payment window. Allow pop-ups for this site and try again.'
      : code === 'card-required'
        ? 'Choose a card company first.'
      : code === 'attempt-in-progress'
        ? 'Another payment for this order is still in progress. Finish it in its payment window, or close that window, then try again.'
      : code === 'result-timeout' || code === 'result-failed'
        ? 'We could not confirm the payment yet. Check your order before paying again.'
        : code === 'invalid-config' || code === 'origin-not-allowed'
          ? 'This checkout is misconfigured. Please contact the shop.'
          : 'The payment could not start. Please try again in a moment.',
  cardsLabel: 'Card company',
  cardsLoading: 'Loading card companies.',
  cardsFailed: 'Could not load the card companies.',
  cardsEmpty: 'No card company is available right now.',
  retry: 'Try again',
  installment: 'Installments',
  lumpSum: 'Pay in full',
  months: (m, free) => `${m} months${free ? ' (interest-free)' : ''}`,
  installmentFrom: (amount) => `Installments are available from \u20a9${won(amount, 'en')}.`,
  points: 'Points',
  outage: (message) => `Unavailable: ${message}`,
  cardUnavailable: 'Unavailable',
  chooseCard: 'Choose a card company first.',
  unavailable: 'Payment is not available right now.',
  viewWindow: 'Show payment window',
  receipt: 'View receipt',
  receiptLoading: 'Loading the receipt.',
  receiptFailed: 'Could not load the receipt.',
  print: 'Print',
  slip: {
    title: 'Card sales slip',
    merchant: 'Merchant',
    bizNo: 'Business no.',
    boss: 'Representative',
    addr: 'Address',
    goods: 'Goods',
    buyer: 'Buyer',
    goodsAmt: 'Amount',
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
  },
  approved: 'Approved',
  cancelled2: 'Cancelled',
  lumpSumShort: 'Pay in full',
  awaiting: 'The payment completes when the money arrives.',
  vbank: {
    title: 'Awaiting your deposit',
    bank: 'Bank',
    accountNo: 'Account no.',
    holder: 'Holder',
    amount: 'Amount',
    due: 'Deposit by',
    noAccountNo: 'As shown in the payment window',
    copy: 'Copy',
    copyLabel: 'Copy the account number',
    copied: 'Account number copied.',
    select: 'Could not copy: please copy the account number yourself.',
  },
  dueBy: (date) => {
    const [y, m, d] = ymd(date);
    return `by ${new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d))}`;
  },
  won: (amount) => `\u20a9${won(String(amount), 'en')}`,
};

/** The languages the widget speaks; anything else falls back to Korean (with one warning, see base-element). */
export const LANGS = ['ko', 'en'] as const;

/** `en`, `en-US`... -> English; everything else Korean. */
export function messages(lang: string | null | undefined): Messages {
  return /^en\b/i.test(lang ?? '') ? en : ko;
}
