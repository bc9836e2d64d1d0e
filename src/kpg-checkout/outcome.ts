/**
 * What `<kpg-checkout>` shows once an attempt has an outcome, on the second stage (every outcome but the
 * first stage's own refusals comes from there): its words in Korean and English, the paid button's check
 * mark, and the virtual account block (bank, number with a copy button, holder, amount, due date) with its
 * styles. The button and its states before that are the first stage's (kpg-checkout.ts).
 */
import { html, render } from 'lit/html.js';
import { adopt } from '../lit-styles.js';
import { css, sheet } from '../reactive.js';
import { causeOf, type Cause } from '../causes.js';
import type { Outcome } from '../events.js';
import { won } from '../i18n.js';
import { checkMark } from '../icons.js';
import type { KpgVbank } from '../schemas.js';

/** "2026-12-03" -> [2026, 12, 3]: the date as the PG meant it (Korea time), never shifted by a time zone. */
const ymd = (date: string) => date.split('-').map(Number);

const KO = {
  paid: '결제가 완료되었습니다.',
  // Issue 25: the backend's result says escrow (Shinhan escr_yn = Y): a fixed text, never the PG's.
  escrow: '에스크로(구매안전서비스)가 적용되었습니다.',
  paidButton: '결제 완료',
  refunded: '결제가 취소되었습니다.',
  cancelled: '결제를 취소했습니다.',
  superseded: '새 결제가 다른 창에서 시작되어 이 결제는 진행되지 않았습니다.',
  failed: (message: string) => (message ? `결제에 실패했습니다: ${message}` : '결제에 실패했습니다.'),
  inProgress: '이 주문의 다른 결제가 아직 진행 중입니다. 열려 있는 결제창에서 결제를 마치거나 결제창을 닫은 뒤 다시 시도해 주세요.',
  unconfirmed: '결제 결과를 아직 확인하지 못했습니다. 다시 결제하기 전에 주문 내역을 확인해 주세요.',
  awaiting: '입금하면 결제가 완료됩니다.',
  // Why the backend refused to start: words per cause (causes.ts); 'later' is the first stage's "try again".
  causes: {
    login: '이 주문을 결제하려면 다시 로그인해 주세요.',
    'not-offered': '이 결제수단은 제공되지 않습니다. 다른 결제수단을 선택해 주세요.',
    shop: '결제를 시작할 수 없습니다. 상점에 문의해 주세요.',
    later: '',
  } as Record<Cause, string>,
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
  dueBy: (date: string) => {
    const [y, m, d] = ymd(date);
    return `${y}년 ${m}월 ${d}일까지`;
  },
};
const EN: typeof KO = {
  paid: 'Payment complete.',
  escrow: 'Escrow (buyer protection) applies.',
  paidButton: 'Paid',
  refunded: 'Payment refunded.',
  cancelled: 'Payment cancelled.',
  superseded: 'A newer payment started in another window; this one did not go through.',
  failed: (message) => (message ? `Payment failed: ${message}` : 'Payment failed.'),
  inProgress: 'Another payment for this order is still in progress. Finish it in its payment window, or close that window, then try again.',
  unconfirmed: 'We could not confirm the payment yet. Check your order before paying again.',
  awaiting: 'The payment completes when the money arrives.',
  causes: {
    login: 'Please log in again to pay for this order.',
    'not-offered': 'This payment method is not offered. Please choose another one.',
    shop: 'The payment cannot start. Please contact the shop.',
    later: '',
  },
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
};

/** The virtual account block's styles (adopted beside the checkout's own when it first shows). */
export const vbankStyles = css`
  .vbank {
    padding: 12px 14px;
    border: 1px solid var(--line);
    border-top: 4px solid var(--a);
    border-radius: var(--r);
    font-size: 15px;
    font-variant-numeric: tabular-nums;
  }
  .vt {
    margin: 0 0 8px;
    font-size: 17px;
    font-weight: 700;
  }
  dl {
    display: grid;
    grid-template-columns: max-content minmax(0, 1fr);
    gap: 4px 12px;
    align-items: center;
    margin: 0;
  }
  dt {
    color: color-mix(in srgb, var(--om) 72%, var(--m));
  }
  dd {
    margin: 0;
    text-align: end;
    overflow-wrap: anywhere;
  }
  .acct {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 4px 8px;
  }
  .no,
  .due {
    white-space: nowrap;
  }
  .no {
    font-size: 20px;
    font-weight: 700;
  }
  .copy {
    min-height: 32px;
    padding: 0 12px;
  }
`;

let vbankSheet: CSSStyleSheet | undefined;

/** The buyer's words for an outcome (the first stage has its own for its refusals). */
export function message(outcome: Outcome, en: boolean, copy: '' | 'copied' | 'select'): string {
  const t = en ? EN : KO;
  switch (outcome.type) {
    case 'kpg-success':
      return outcome.detail.result.escrow === true ? `${t.paid} ${t.escrow}` : t.paid;
    case 'kpg-refunded':
      return t.refunded;
    case 'kpg-fail':
      return t.failed(outcome.detail.message);
    case 'kpg-cancel':
      // Superseded: the buyer did not cancel (they may even have approved); nothing was charged.
      return outcome.detail.reason === 'superseded' ? t.superseded : t.cancelled;
    case 'kpg-vbank-issued':
      return copy ? t.vbank[copy] : t.awaiting;
    default:
      return outcome.detail.code === 'attempt-in-progress'
        ? t.inProgress
        : /^result-/.test(outcome.detail.code)
          ? t.unconfirmed
          : t.causes[causeOf(outcome.detail)];
  }
}

export const paid = (en: boolean): string => (en ? EN : KO).paidButton;

/** A lit template rendered once into a new element (the first stage places it). */
function element(template: unknown): Element {
  const box = document.createElement('div');
  render(template, box);
  return box.firstElementChild!;
}

export const paidMark = (): Element => element(checkMark);

/**
 * Copy the account number: the Clipboard API, else `execCommand('copy')` on a hidden field (older WebViews,
 * pages without clipboard permission); if neither can, the buyer is asked to copy it (the number is text).
 */
async function copyNumber(from: Element, number: string): Promise<'copied' | 'select'> {
  try {
    await navigator.clipboard.writeText(number);
    return 'copied';
  } catch {
    const field = document.createElement('textarea');
    field.value = number;
    field.readOnly = true;
    field.className = 'sr';
    from.append(field);
    field.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      /* not supported */
    }
    field.remove();
    return copied ? 'copied' : 'select';
  }
}

/** The account, as text (never markup), instead of the pay button. */
export function vbankView(vbank: KpgVbank, en: boolean, copied: (result: 'copied' | 'select') => void): Element {
  const t = en ? EN : KO;
  const v = t.vbank;
  const no = vbank.account_no;
  const view: Element = element(html`<section part="vbank" class="vbank" tabindex="-1" aria-labelledby="vbank-title">
      <p class="vt" id="vbank-title">${v.title}</p>
      <dl>
        <dt>${v.bank}</dt><dd>${vbank.bank_name}</dd>
        <dt>${v.accountNo}</dt>
        ${no
          ? html`<dd class="acct"><span class="no">${no}</span>
              <button part="copy-button" class="copy" type="button" aria-label=${v.copyLabel} @click=${() => void copyNumber(view, no).then(copied)}>${v.copy}</button></dd>`
          : html`<dd>${v.noAccountNo}</dd>`}
        <dt>${v.holder}</dt><dd>${vbank.holder}</dd>
        <dt>${v.amount}</dt><dd>${won(vbank.amount, en)}</dd>
        <dt>${v.due}</dt><dd class="due">${t.dueBy(vbank.due_date)}</dd>
      </dl>
    </section>`);
  // Its styles join the checkout's when it first shows (the first stage carries none of them).
  queueMicrotask(() => adopt(view.getRootNode() as ShadowRoot, (vbankSheet ??= sheet(vbankStyles))));
  return view;
}
