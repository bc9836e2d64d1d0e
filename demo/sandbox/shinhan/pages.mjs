// @ts-check
/**
 * HTML pages of the sandbox Shinhan PG: the payment page (redirect_url), the page answered after the
 * buyer decides (postMessage to the opener + navigation to the merchant), and error pages.
 * Every merchant-supplied value goes through escapeHtml (text/attributes) or safeJsonForScript.
 */
import { MESSAGE_SOURCE } from './codes.mjs';
import { cardName } from './cards.mjs';
import { escapeHtml, formatWon, pageShell, hiddenInputs, payPageBody, NOSCRIPT_RETURN_BUTTON } from '../common.mjs';

export { escapeHtml, formatWon };

export const DEFAULT_MAIN_COLOR = 'FFFFFF';
export const DEFAULT_POINT_COLOR = '5379FF';

/**
 * JSON that is safe inside an inline <script> element.
 * @param {unknown} value
 */
export function safeJsonForScript(value) {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** @param {string} installMonth "00".."12" -> "일시불" / "3개월 할부" */
export function formatInstallMonth(installMonth) {
  const n = Number(installMonth);
  return n === 0 ? '일시불' : `${n}개월 할부`;
}

/**
 * Returns a 6-hex-digit colour or the fallback (values are validated at request time; this is defence in depth
 * because <style> content is not HTML-decoded and cannot be escaped with entities).
 * @param {string | undefined} value @param {string} fallback
 */
function colour(value, fallback) {
  return typeof value === 'string' && /^[0-9A-Fa-f]{6}$/.test(value) ? value.toUpperCase() : fallback;
}

/**
 * Readable text colour on a background.
 * @param {string} hex 6 hex digits
 */
function textOn(hex) {
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const lin = (/** @type {number} */ c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return luminance > 0.4 ? '#111111' : '#FFFFFF';
}

/**
 * @param {{ title: string, body: string, mainColor?: string, pointColor?: string, extraHead?: string }} p
 */
function layout({ title, body, mainColor = DEFAULT_MAIN_COLOR, pointColor = DEFAULT_POINT_COLOR, extraHead = '' }) {
  const main = colour(mainColor, DEFAULT_MAIN_COLOR);
  const point = colour(pointColor, DEFAULT_POINT_COLOR);
  const css = `:root { --main: #${main}; --point: #${point}; --on-main: ${textOn(main)}; --on-point: ${textOn(point)}; }
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--main); color: var(--on-main); }
body { font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; line-height: 1.5; }
header { background: var(--point); color: var(--on-point); padding: 14px 20px; font-weight: 700; }
header small { font-weight: 400; opacity: .85; margin-left: 6px; }
main { padding: 20px; max-width: 460px; margin: 0 auto; }
.surface { background: var(--main); border: 1px solid rgba(127,127,127,.35); border-radius: 12px; padding: 16px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 8px 16px; margin: 0; }
dt { opacity: .7; }
dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
#amount { font-size: 1.35em; }
.actions { display: flex; flex-direction: column; gap: 10px; margin-top: 20px; }
button { font: inherit; padding: 12px; border-radius: 8px; border: 2px solid var(--point); cursor: pointer; }
button.primary { background: var(--point); color: var(--on-point); font-weight: 700; }
button.secondary { background: transparent; color: var(--on-main); }
.note { font-size: .8em; opacity: .7; margin-top: 16px; }
fieldset { border: 1px solid rgba(127,127,127,.35); border-radius: 8px; margin: 16px 0 0; padding: 8px 12px 12px; }
fieldset label { display: block; margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid rgba(127,127,127,.35); overflow-wrap: anywhere; }
td form { margin: 0; }
td button { padding: 6px 10px; }
`;
  return pageShell({
    title,
    css,
    extraHead,
    bodyAttrs: ` data-main-color="${escapeHtml(main)}" data-point-color="${escapeHtml(point)}"`,
    brand: '신한 SPG <small>샌드박스</small>',
    body,
  });
}

/**
 * @typedef {object} PayPageData
 * @property {string} nonce per-page nonce posted back with the decision
 * @property {string} decideAction URL path of the decide route
 * @property {Record<string, any>} request the validated payments/request body
 * @property {boolean} [vbank] the window offers 가상계좌 beside the card (selpay, bizselpay)
 */

/** @param {PayPageData} p */
export function renderPayPage({ nonce, decideAction, request, vbank = false }) {
  const cardParts = [];
  if (typeof request.card_cpny_cd === 'string') {
    cardParts.push(
      `<span id="card-company" data-code="${escapeHtml(request.card_cpny_cd)}">${escapeHtml(cardName(request.card_cpny_cd))}</span>`,
    );
  }
  if (typeof request.install_month === 'string') {
    cardParts.push(`<span id="install-month">${escapeHtml(formatInstallMonth(request.install_month))}</span>`);
  }
  const cardRow = cardParts.length ? `<dt>카드</dt><dd id="card-options">${cardParts.join(' · ')}</dd>` : '';
  // Issue 12: what the shop's app scheme became in the request (app_return_url / app_cancel_url), shown so a
  // browser test can see that it reached the PG.
  const appRow =
    typeof request.app_return_url === 'string'
      ? `<dt>앱 복귀</dt><dd><span id="app-return-url">${escapeHtml(request.app_return_url)}</span> · <span id="app-cancel-url">${escapeHtml(String(request.app_cancel_url ?? ''))}</span></dd>`
      : '';
  const rows = `<dt>상품명</dt><dd id="product-name">${escapeHtml(request.product_name)}</dd>
<dt>결제 금액</dt><dd id="amount">${escapeHtml(formatWon(request.amount))}</dd>
<dt>구매자</dt><dd id="buyer-name">${escapeHtml(request.user_name)}</dd>
<dt>결제 수단</dt><dd id="pgcode">${escapeHtml(request.pgcode)}</dd>
${cardRow}
${appRow}
<dt>주문번호</dt><dd id="order-no">${escapeHtml(request.order_no)}</dd>`;
  // selpay / bizselpay: the integrated window lets the buyer choose the method (document 5); the sandbox
  // offers the two whose returns differ: a card (confirm token) and a virtual account (the account's fields).
  const options = vbank
    ? `<fieldset id="pay-method"><legend>결제 수단 선택</legend>
<label><input type="radio" name="method" value="card" id="method-card" checked> 신용카드</label>
<label><input type="radio" name="method" value="vbank" id="method-vbank"> 가상계좌</label>
</fieldset>
`
    : '';
  return layout({
    title: '신한 SPG 결제 (샌드박스)',
    body: payPageBody({ rows, decideAction, nonce, options, headingAttrs: ' style="font-size:1.1em;margin:0 0 12px"' }),
    mainColor: request.main_color,
    pointColor: request.point_color,
  });
}

/**
 * @typedef {object} ReceiptPageData
 * @property {string} clientId
 * @property {string} orderNo
 * @property {string} userName
 * @property {string} productName
 * @property {number} amount
 * @property {number} taxAmount
 * @property {number} taxfreeAmount
 * @property {string} tid
 * @property {string} txDate "YYYY-MM-DD HH:MM:SS", Korea time
 * @property {{ card_cpny_cd: string, card_name: string, card_no: string, card_aprv_no: string, install_month: string } | null} payInfo
 * @property {{ bankName: string, accountNo: string, holder: string } | null} [vbank] a virtual account's deposit
 * @property {'approved' | 'cancelled' | 'partially-cancelled'} state
 * @property {number} [cancelledAmount] what the cancels gave back (shown when there are any)
 */

/** The 거래 확인서 page (GET /pgsvc/receipt?id=). @param {ReceiptPageData} d */
export function renderReceiptPage(d) {
  const supply = d.amount - d.taxAmount - d.taxfreeAmount;
  /** @type {[string, string, string][]} label, id, text */
  const rows = [
    ['거래 상태', 'receipt-status', d.state === 'cancelled' ? '취소' : d.state === 'partially-cancelled' ? '부분취소' : '승인'],
    ['가맹점', 'receipt-merchant', d.clientId],
    ['주문번호', 'receipt-order-no', d.orderNo],
    ['구매자', 'receipt-buyer', d.userName],
    ['상품명', 'receipt-product', d.productName],
    ['결제 금액', 'receipt-amount', formatWon(d.amount)],
    ['공급가액', 'receipt-supply', formatWon(supply)],
    ['부가세', 'receipt-tax', formatWon(d.taxAmount)],
    ['비과세', 'receipt-taxfree', formatWon(d.taxfreeAmount)],
    ...(/** @type {[string, string, string][]} */ (
      d.payInfo
        ? [
            ['결제 수단', 'receipt-method', '신용카드'],
            ['카드사', 'receipt-card-company', d.payInfo.card_name],
            ['카드번호', 'receipt-card-no', d.payInfo.card_no],
            ['할부', 'receipt-install', formatInstallMonth(d.payInfo.install_month)],
            ['승인번호', 'receipt-approval-no', d.payInfo.card_aprv_no],
            ['승인 일시', 'receipt-date', d.txDate],
          ]
        : [
            ['결제 수단', 'receipt-method', '가상계좌'],
            ['입금은행', 'receipt-bank', d.vbank?.bankName ?? ''],
            ['계좌번호', 'receipt-account-no', d.vbank?.accountNo ?? ''],
            ['예금주', 'receipt-holder', d.vbank?.holder ?? ''],
            ['입금 일시', 'receipt-date', d.txDate],
          ]
    )),
    ['거래번호', 'receipt-tid', d.tid],
    ...(/** @type {[string, string, string][]} */ (d.cancelledAmount ? [['취소 금액', 'receipt-cancelled', formatWon(d.cancelledAmount)]] : [])),
  ];
  const body = `<section class="surface" aria-labelledby="receipt-title">
<h1 id="receipt-title" style="font-size:1.1em;margin:0 0 12px">거래 확인서</h1>
<dl>
${rows.map(([label, id, text]) => `<dt>${escapeHtml(label)}</dt><dd id="${id}">${escapeHtml(text)}</dd>`).join('\n')}
</dl>
</section>
<p class="note">이 거래 확인서는 로컬 샌드박스가 만든 것으로 실제 거래의 증빙이 아닙니다.</p>`;
  return layout({ title: '거래 확인서 (샌드박스)', body });
}

/**
 * @typedef {object} DecidePageData
 * @property {'post' | 'get'} method
 * @property {string} url where the window goes: return_url (post) or cancel_url/fail_url with the query appended (get)
 * @property {Record<string, string>} fields form fields for the POST to return_url (ignored for get)
 * @property {string} targetOrigin origin of return_url (postMessage targetOrigin)
 * @property {string} retCode
 * @property {string} retMsg
 * @property {string} [mainColor]
 * @property {string} [pointColor]
 * @property {{ bankName: string, accountNo: string, holder: string, due: string, amount: number }} [vbank] a
 *   virtual account was issued: the window shows it and waits for the buyer's 확인 before it reports back
 */

/** @param {DecidePageData} d */
export function renderDecidePage(d) {
  /** @type {string} */
  let formAction;
  /** @type {[string, string][]} */
  let inputs;
  if (d.method === 'post') {
    formAction = d.url;
    inputs = Object.entries(d.fields);
  } else {
    // <noscript> fallback for GET: a GET form replaces the action's query, so carry it as hidden inputs.
    const u = new URL(d.url);
    inputs = [...u.searchParams.entries()];
    u.search = '';
    u.hash = '';
    formAction = u.href;
  }
  const hidden = hiddenInputs(inputs);
  const data = {
    source: MESSAGE_SOURCE,
    ret_code: d.retCode,
    ret_msg: d.retMsg,
    target_origin: d.targetOrigin,
    method: d.method,
    url: d.url,
    confirm: Boolean(d.vbank),
  };
  const v = d.vbank;
  const due = v ? `${v.due.slice(0, 4)}년 ${Number(v.due.slice(4, 6))}월 ${Number(v.due.slice(6))}일` : '';
  // A virtual account: the one place the buyer sees its number (the return_url post carries none).
  const intro = v
    ? `<h1 style="font-size:1.1em;margin:0 0 12px">가상계좌 발급 완료</h1>
<dl>
<dt>입금은행</dt><dd id="vbank-bank">${escapeHtml(v.bankName)}</dd>
<dt>계좌번호</dt><dd id="vbank-account-no">${escapeHtml(v.accountNo)}</dd>
<dt>예금주</dt><dd id="vbank-holder">${escapeHtml(v.holder)}</dd>
<dt>입금액</dt><dd id="vbank-amount">${escapeHtml(formatWon(v.amount))}</dd>
<dt>입금기한</dt><dd id="vbank-due">${escapeHtml(due)}까지</dd>
</dl>
<div class="actions"><button type="button" id="vbank-confirm" class="primary">확인</button></div>`
    : '<p>가맹점 화면으로 이동하는 중입니다…</p>';
  const body = `<section class="surface">
<p id="status" data-ret-code="${escapeHtml(d.retCode)}">${escapeHtml(d.retMsg)}</p>
${intro}
<form id="kpg-return" method="${d.method}" action="${escapeHtml(formAction)}" accept-charset="UTF-8"${
    d.method === 'post' ? ' enctype="application/x-www-form-urlencoded"' : ''
  }>
${hidden}
${NOSCRIPT_RETURN_BUTTON}
</form>
</section>
<script>
(function () {
  var d = ${safeJsonForScript(data)};
  if (d.confirm) {
    document.getElementById('vbank-confirm').addEventListener('click', report);
    return;
  }
  report();
  function report() {
  try {
    if (window.opener) {
      window.opener.postMessage({ source: d.source, ret_code: d.ret_code, ret_msg: d.ret_msg }, d.target_origin);
    }
  } catch (e) { /* opener gone or cross-origin trouble: the navigation below still reports the result */ }
  if (d.method === 'post') {
    document.getElementById('kpg-return').submit();
  } else {
    window.location.replace(d.url);
  }
  }
})();
</script>`;
  return layout({ title: '결제 처리 중', body, mainColor: d.mainColor, pointColor: d.pointColor });
}

/** @param {string} title @param {string} message */
export function renderErrorPage(title, message) {
  const body = `<section class="surface" role="alert">
<h1 id="error-title" style="font-size:1.1em;margin:0 0 8px">${escapeHtml(title)}</h1>
<p id="error-message">${escapeHtml(message)}</p>
</section>`;
  return layout({ title, body });
}

/**
 * @typedef {object} VbankPageData
 * @property {string} action
 * @property {Array<{ tid: string, orderNo: string, amount: number, bankName: string, accountNo: string, holder: string, due: string, deposited: boolean }>} accounts
 * @property {string} [message]
 */

/** The sandbox's deposit page: each issued virtual account with a 입금 button (a bank deposit). @param {VbankPageData} d */
export function renderVbankPage({ action, accounts, message }) {
  const rows = accounts
    .map(
      (a) => `<tr data-tid="${escapeHtml(a.tid)}" data-state="${a.deposited ? 'deposited' : 'waiting'}">
<td>${escapeHtml(a.orderNo)}<br><small>${escapeHtml(a.tid)}</small></td>
<td>${escapeHtml(a.bankName)} ${escapeHtml(a.accountNo)}</td>
<td>${escapeHtml(formatWon(a.amount))}<br><small>~${escapeHtml(a.due)}</small></td>
<td>${a.deposited ? '입금 완료' : `<form method="post" action="${escapeHtml(action)}" accept-charset="UTF-8"><input type="hidden" name="tid" value="${escapeHtml(a.tid)}"><button type="submit" class="primary" id="deposit-${escapeHtml(a.tid)}">입금</button></form>`}</td>
</tr>`,
    )
    .join('\n');
  const body = `<section class="surface" aria-labelledby="vbank-title">
<h1 id="vbank-title" style="font-size:1.1em;margin:0 0 12px">가상계좌 입금 (샌드박스)</h1>
${message ? `<p id="deposit-message" role="status">${escapeHtml(message)}</p>` : ''}
<table>
<thead><tr><th>주문번호 / tid</th><th>계좌</th><th>금액 / 기한</th><th></th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">발급된 가상계좌가 없습니다.</td></tr>'}
</tbody>
</table>
</section>
<p class="note">은행 입금을 흉내 냅니다. 신한 문서에는 입금 통보가 없어, 상점 서버는 payments/confirm-info로 입금을 확인합니다.</p>`;
  return layout({ title: '가상계좌 입금 (샌드박스)', body });
}

/**
 * @typedef {object} AdminPageData
 * @property {string} action
 * @property {Array<{ tid: string, orderNo: string, amount: number, discount: number, balance: number, txStat: number, method: string, cancels: Array<{ cid: string, amount: number, txDate: string, via: string }> }>} payments
 *   txStat 0: a virtual account waiting for its deposit
 * @property {string} [message]
 */

const TX_STAT_NAMES = /** @type {Record<number, string>} */ ({ 0: '입금 대기', 1: '승인', 2: '취소', 3: '부분취소' });

/**
 * The sandbox's stand-in for Shinhan's admin site (test only): each payment with its balance, its cancels, a
 * 전체 취소 button and a 부분 취소 amount. Cancels made here reach the shop only through confirm-info.
 * @param {AdminPageData} d
 */
export function renderAdminPage({ action, payments, message }) {
  const rows = payments
    .map((p) => {
      const open = p.balance > 0;
      const cancels = p.cancels.map((c) => `${escapeHtml(formatWon(c.amount))} (${escapeHtml(c.txDate)}, ${c.via === 'admin' ? '관리자' : 'API'})`).join('<br>');
      const forms = open
        ? `<form method="post" action="${escapeHtml(action)}" accept-charset="UTF-8"><input type="hidden" name="tid" value="${escapeHtml(p.tid)}"><button type="submit" class="secondary" id="cancel-${escapeHtml(p.tid)}">전체 취소</button></form>
<form method="post" action="${escapeHtml(action)}" accept-charset="UTF-8"><input type="hidden" name="tid" value="${escapeHtml(p.tid)}"><label>금액 <input name="amount" inputmode="numeric" size="8" id="amount-${escapeHtml(p.tid)}"></label> <button type="submit" class="secondary" id="partial-${escapeHtml(p.tid)}">부분 취소</button></form>`
        : '';
      return `<tr data-tid="${escapeHtml(p.tid)}" data-tx-stat="${p.txStat}">
<td>${escapeHtml(p.orderNo)}<br><small>${escapeHtml(p.tid)}</small></td>
<td>${escapeHtml(p.method)}<br>${escapeHtml(formatWon(p.amount))}${p.discount ? `<br><small>할인 ${escapeHtml(formatWon(p.discount))}</small>` : ''}</td>
<td>${escapeHtml(TX_STAT_NAMES[p.txStat] ?? String(p.txStat))}<br>잔액 ${escapeHtml(formatWon(p.balance))}${cancels ? `<br><small>${cancels}</small>` : ''}</td>
<td>${forms}</td>
</tr>`;
    })
    .join('\n');
  const body = `<section class="surface" aria-labelledby="admin-title">
<h1 id="admin-title" style="font-size:1.1em;margin:0 0 12px">거래 관리 (샌드박스 관리자)</h1>
${message ? `<p id="admin-message" role="status">${escapeHtml(message)}</p>` : ''}
<table>
<thead><tr><th>주문번호 / tid</th><th>결제</th><th>상태</th><th></th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">거래가 없습니다.</td></tr>'}
</tbody>
</table>
</section>
<p class="note">신한 관리자 사이트의 취소를 흉내 냅니다. 여기서 한 취소는 상점 서버에 알려지지 않으며, 상점 서버는 payments/confirm-info로 알게 됩니다.</p>`;
  return layout({ title: '거래 관리 (샌드박스)', body });
}
