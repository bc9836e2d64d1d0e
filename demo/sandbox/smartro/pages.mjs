// @ts-check
/**
 * HTML pages of the sandbox Smartro PG: the payment page, the result form (auto-submitted, or behind a
 * result screen when MallResultFWD is not Y), error pages and the card slip (IssueLoader).
 * Every page is UTF-8 (`<meta charset="utf-8">`, `<html lang="ko">`); every value goes through escapeHtml.
 */
import { escapeHtml, formatWon, pageShell, hiddenInputs, payPageBody, NOSCRIPT_RETURN_BUTTON } from '../common.mjs';

export { escapeHtml, formatWon };

/** Korean labels of the PayMethod values. @type {Record<string, string>} */
const PAY_METHOD_NAMES = { CARD: '신용카드', BANK: '계좌이체', VBANK: '가상계좌', CELLPHONE: '휴대폰' };

/** @param {{ title: string, body: string, bodyAttrs?: string }} p */
function layout({ title, body, bodyAttrs = '' }) {
  return pageShell({ title, css: CSS, bodyAttrs, brand: '스마트로페이 <small>smilepay 샌드박스</small>', body });
}

/** Style sheet of every page. */
const CSS = `* { box-sizing: border-box; }
html, body { margin: 0; background: #F4F6F9; color: #1B1F24; }
body { font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; line-height: 1.5; }
header { background: #D7191F; color: #FFFFFF; padding: 14px 20px; font-weight: 700; }
header small { font-weight: 400; opacity: .9; margin-left: 6px; }
main { padding: 20px; max-width: 500px; margin: 0 auto; }
.surface { background: #FFFFFF; border: 1px solid #D5DAE1; border-radius: 12px; padding: 16px; }
h1 { font-size: 1.1em; margin: 0 0 12px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 8px 16px; margin: 0; }
dt { color: #59616B; }
dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.muted { color: #59616B; font-weight: 400; }
#amount { font-size: 1.35em; }
.actions { display: flex; flex-direction: column; gap: 10px; margin-top: 20px; }
button { font: inherit; padding: 12px; border-radius: 8px; border: 2px solid #D7191F; cursor: pointer; }
button.primary { background: #D7191F; color: #FFFFFF; font-weight: 700; }
button.secondary { background: #FFFFFF; color: #1B1F24; }
.note { font-size: .8em; color: #59616B; margin-top: 16px; }
.slip { font-variant-numeric: tabular-nums; }
.slip h1 { text-align: center; font-size: 1.25em; }
.slip section + section { border-top: 1px dashed #B9C0C8; margin-top: 12px; padding-top: 12px; }
.cancelled { color: #C40000; }
fieldset { border: 1px solid #D5DAE1; border-radius: 8px; margin: 16px 0 0; padding: 8px 12px 12px; }
legend { color: #59616B; padding: 0 4px; }
fieldset label { display: block; margin: 4px 0; }
input[type="text"] { font: inherit; padding: 6px 8px; border: 1px solid #B9C0C8; border-radius: 6px; width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid #E3E7EC; overflow-wrap: anywhere; }
td form { margin: 0; }
td button { padding: 6px 10px; }
`;

/**
 * @typedef {object} PayPageData
 * @property {string} nonce per-payment nonce posted back with the decision
 * @property {string} decideAction path of the decision route
 * @property {'pc' | 'mobile'} iface
 * @property {'EUC-KR' | 'UTF-8'} charset the charset the request body was decoded with
 * @property {Record<string, string>} request decoded request fields
 * @property {string} payMethod
 */

/** @param {PayPageData} p */
export function renderPayPage({ nonce, decideAction, iface, charset, request, payMethod }) {
  const buyer = request.BuyerName ?? '';
  const rows = `<dt>상품명</dt><dd id="goods-name">${escapeHtml(request.GoodsName)}</dd>
<dt>결제 금액</dt><dd><span id="amount">${escapeHtml(formatWon(request.Amt))}</span></dd>
<dt>구매자</dt><dd id="buyer-name">${escapeHtml(buyer)}</dd>
<dt>결제 수단</dt><dd><span id="pay-method">${escapeHtml(payMethod)}</span> <span class="muted">${escapeHtml(
    PAY_METHOD_NAMES[payMethod] ?? '',
  )}</span></dd>
<dt>주문번호</dt><dd id="moid">${escapeHtml(request.Moid)}</dd>
<dt>상점 ID</dt><dd id="mid">${escapeHtml(request.MID)}</dd>
<dt>연동 방식</dt><dd><span id="interface">${iface === 'pc' ? 'PC' : 'mobile'}</span> <span class="muted">${
    iface === 'pc' ? '/interfaceURL.jsp' : '/pay/interfaceURL'
  }</span></dd>
<dt>요청 문자셋</dt><dd><span id="charset">${escapeHtml(charset)}</span> <span class="muted">(요청 본문을 이 문자셋으로 읽음)</span></dd>${
    // Issue 12: the app settings of the request (guide 6.9-6.10), shown so a browser test can see them arrive.
    request.clientType || request.urlScheme
      ? `\n<dt>앱 연동</dt><dd><span id="client-type">${escapeHtml(request.clientType ?? '')}</span> <span id="url-scheme">${escapeHtml(request.urlScheme ?? '')}</span></dd>`
      : ''
  }`;
  // BANK / VBANK: the 현금영수증 the buyer asks for (guide 6.12: the plug-in shows this screen for both).
  const options =
    payMethod === 'BANK' || payMethod === 'VBANK'
      ? `<fieldset id="cash-receipt"><legend>현금영수증</legend>
<label><input type="radio" name="cash_receipt" value="0" checked> 신청 안 함</label>
<label><input type="radio" name="cash_receipt" value="1" id="cash-receipt-income"> 소득공제 (휴대폰 번호)</label>
<label><input type="radio" name="cash_receipt" value="2" id="cash-receipt-expense"> 지출증빙 (사업자번호)</label>
<label>번호 <input type="text" name="cash_receipt_no" id="cash-receipt-no" inputmode="numeric" autocomplete="off" value="${escapeHtml((request.BuyerTel ?? '').replace(/\D/g, ''))}"></label>
</fieldset>
`
      : '';
  return layout({
    title: '스마트로페이 결제 (샌드박스)',
    body: payPageBody({ rows, decideAction, nonce, options }),
    bodyAttrs: ` data-interface="${iface}" data-charset="${escapeHtml(charset)}"`,
  });
}

/**
 * @typedef {object} ResultPageData
 * @property {string} action where the form goes (ReturnURL or StopURL)
 * @property {'euc-kr' | 'utf-8'} acceptCharset
 * @property {Record<string, string>} fields form values exactly as they go into the inputs (already
 *   percent-encoded once more when UrlEncode=Y)
 * @property {Record<string, string>} display the same fields un-encoded, for the result screen
 * @property {boolean} auto true: submit at once; false: show the result screen with #result-confirm
 */

/** @param {ResultPageData} d */
export function renderResultPage({ action, acceptCharset, fields, display, auto }) {
  const hidden = hiddenInputs(Object.entries(fields));
  const code = display.ResultCode ?? '';
  const approved = Boolean(display.TID);
  const summary = auto
    ? `<p id="result-message" data-result-code="${escapeHtml(code)}">${escapeHtml(display.ResultMsg ?? '')}</p>
<p>가맹점 화면으로 이동하는 중입니다…</p>`
    : `<h1 id="result-title">결제 결과</h1>
<dl>
<dt>결과</dt><dd id="result-message" data-result-code="${escapeHtml(code)}">${escapeHtml(display.ResultMsg ?? '')} <span class="muted">(${escapeHtml(code)})</span></dd>
<dt>상품명</dt><dd id="result-goods-name">${escapeHtml(display.GoodsName ?? '')}</dd>
<dt>결제 금액</dt><dd id="result-amount">${escapeHtml(formatWon(display.Amt ?? '0'))}</dd>
${
  approved
    ? `<dt>거래번호</dt><dd id="result-tid">${escapeHtml(display.TID)}</dd>
<dt>승인번호</dt><dd id="result-auth-code">${escapeHtml(display.AuthCode ?? '')}</dd>
${display.fn_name ? `<dt>결제기관</dt><dd id="result-fn-name">${escapeHtml(display.fn_name)}</dd>` : ''}`
    : ''
}
</dl>`;
  const button = auto
    ? NOSCRIPT_RETURN_BUTTON
    : '<div class="actions"><button type="submit" id="result-confirm" class="primary">확인</button></div>';
  const script = auto ? `\n<script>document.getElementById('result-form').submit();</script>` : '';
  const body = `<section class="surface">
${summary}
<form id="result-form" name="tranMgr" method="post" action="${escapeHtml(action)}" accept-charset="${acceptCharset}" enctype="application/x-www-form-urlencoded">
${hidden}
${button}
</form>
</section>${script}`;
  return layout({ title: auto ? '결제 처리 중' : '결제 결과', body });
}

/** @param {{ title: string, code: string, message: string }} p */
export function renderErrorPage({ title, code, message }) {
  const body = `<section class="surface" role="alert" data-error-code="${escapeHtml(code)}">
<h1 id="error-title">${escapeHtml(title)}</h1>
<p id="error-message">${escapeHtml(message)}</p>
<p class="muted">오류 코드 <span id="error-code">${escapeHtml(code)}</span></p>
</section>`;
  return layout({ title: `${title} (${code})`, body, bodyAttrs: ` data-error-code="${escapeHtml(code)}"` });
}

/**
 * @typedef {object} SlipData
 * @property {{ mallNm: string, coNo: string, coNm: string, bossNm: string, addr: string }} merchant
 * @property {string} tid
 * @property {string} moid
 * @property {string} payMethod
 * @property {string} goodsName
 * @property {string} buyerName
 * @property {number} amount
 * @property {number} vat
 * @property {string} appNo
 * @property {string} appTime "YYYY-MM-DD HH:MM:SS"
 * @property {string} [fnName] card company / bank
 * @property {string} [cardNo] masked card number
 * @property {string} [quota] "00".."12"
 * @property {'approved' | 'partially-cancelled' | 'cancelled'} state
 * @property {number} cancelledAmount
 * @property {string} [cancelTime]
 * @property {string} [acctNo] BANK: the buyer's account, masked
 * @property {{ accountNo: string, due: string, deposited?: string }} [vbank] VBANK: the account, its last day (yyyyMMdd), the deposit
 */

/** @param {string} coNo 10 digits */
const formatBizNo = (coNo) => (/^\d{10}$/.test(coNo) ? `${coNo.slice(0, 3)}-${coNo.slice(3, 5)}-${coNo.slice(5)}` : coNo);

/** @param {SlipData} s */
export function renderSlipPage(s) {
  const card = s.payMethod === 'CARD';
  const quota = s.quota && Number(s.quota) > 0 ? `${Number(s.quota)}개월` : '일시불';
  const stateText = { approved: '승인', 'partially-cancelled': '부분취소', cancelled: '취소' }[s.state];
  const body = `<article class="surface slip">
<h1 id="slip-title">${card ? '신용카드 매출전표' : `${escapeHtml(PAY_METHOD_NAMES[s.payMethod] ?? s.payMethod)} 거래내역`}</h1>
<section>
<dl>
<dt>거래 상태</dt><dd id="slip-state" class="${s.state === 'approved' ? '' : 'cancelled'}">${stateText}</dd>
<dt>거래번호(TID)</dt><dd id="slip-tid">${escapeHtml(s.tid)}</dd>
<dt>주문번호</dt><dd id="slip-moid">${escapeHtml(s.moid)}</dd>
${card ? `<dt>카드사</dt><dd id="slip-card">${escapeHtml(s.fnName ?? '')}</dd>
<dt>카드번호</dt><dd id="slip-card-no">${escapeHtml(s.cardNo ?? '')}</dd>
<dt>할부</dt><dd id="slip-quota">${escapeHtml(quota)}</dd>` : s.fnName ? `<dt>결제기관</dt><dd id="slip-card">${escapeHtml(s.fnName)}</dd>` : ''}
${s.acctNo ? `<dt>출금계좌</dt><dd id="slip-acct-no">${escapeHtml(s.acctNo)}</dd>` : ''}
${s.vbank ? `<dt>가상계좌</dt><dd id="slip-vbank-no">${escapeHtml(s.vbank.accountNo)}</dd>
<dt>입금기한</dt><dd id="slip-vbank-due">${escapeHtml(s.vbank.due)}</dd>
<dt>입금</dt><dd id="slip-vbank-deposit">${escapeHtml(s.vbank.deposited ?? '입금 대기')}</dd>` : ''}
<dt>승인번호</dt><dd id="slip-app-no">${escapeHtml(s.appNo)}</dd>
<dt>승인일시</dt><dd id="slip-app-time">${escapeHtml(s.appTime)}</dd>
${s.cancelTime ? `<dt>취소일시</dt><dd id="slip-cancel-time">${escapeHtml(s.cancelTime)}</dd>` : ''}
</dl>
</section>
<section>
<dl>
<dt>상품명</dt><dd id="slip-goods-name">${escapeHtml(s.goodsName)}</dd>
<dt>구매자</dt><dd id="slip-buyer-name">${escapeHtml(s.buyerName)}</dd>
<dt>공급가액</dt><dd id="slip-supply">${escapeHtml(formatWon(s.amount - s.vat))}</dd>
<dt>부가세</dt><dd id="slip-vat">${escapeHtml(formatWon(s.vat))}</dd>
<dt>합계</dt><dd id="slip-amount">${escapeHtml(formatWon(s.amount))}</dd>
${s.cancelledAmount > 0 ? `<dt>취소 금액</dt><dd id="slip-cancelled-amount" class="cancelled">${escapeHtml(formatWon(s.cancelledAmount))}</dd>` : ''}
</dl>
</section>
<section>
<dl>
<dt>가맹점명</dt><dd id="slip-merchant">${escapeHtml(s.merchant.mallNm)}</dd>
<dt>사업자명</dt><dd id="slip-co-nm">${escapeHtml(s.merchant.coNm)}</dd>
<dt>사업자번호</dt><dd id="slip-co-no">${escapeHtml(formatBizNo(s.merchant.coNo))}</dd>
<dt>대표자</dt><dd id="slip-boss">${escapeHtml(s.merchant.bossNm)}</dd>
<dt>주소</dt><dd id="slip-addr">${escapeHtml(s.merchant.addr)}</dd>
</dl>
</section>
<p class="note">PG사: (주)스마트로 · 이 전표는 로컬 샌드박스에서 만든 것으로 효력이 없습니다.</p>
</article>`;
  return layout({ title: card ? '신용카드 매출전표' : '거래내역', body });
}

/**
 * @typedef {object} CashReceiptData
 * @property {{ mallNm: string, coNo: string, coNm: string, bossNm: string, addr: string }} merchant
 * @property {string} tid the payment's TID
 * @property {string} cashTid the cash receipt's own TID
 * @property {'1' | '2'} type 1 소득공제, 2 지출증빙
 * @property {string} no phone or business number, masked
 * @property {string} goodsName
 * @property {number} amount
 * @property {number} vat
 * @property {string} time "YYYY-MM-DD HH:MM:SS"
 * @property {boolean} cancelled
 */

/** The 현금영수증 page (IssueLoader type=2). @param {CashReceiptData} c */
export function renderCashReceiptPage(c) {
  const body = `<article class="surface slip">
<h1 id="slip-title">현금영수증</h1>
<section>
<dl>
<dt>거래 상태</dt><dd id="cash-state" class="${c.cancelled ? 'cancelled' : ''}">${c.cancelled ? '취소' : '승인'}</dd>
<dt>발행 구분</dt><dd id="cash-type">${c.type === '2' ? '지출증빙' : '소득공제'}</dd>
<dt>발급번호</dt><dd id="cash-no">${escapeHtml(c.no)}</dd>
<dt>현금영수증 거래번호</dt><dd id="cash-tid">${escapeHtml(c.cashTid)}</dd>
<dt>결제 거래번호</dt><dd id="slip-tid">${escapeHtml(c.tid)}</dd>
<dt>거래일시</dt><dd id="cash-time">${escapeHtml(c.time)}</dd>
</dl>
</section>
<section>
<dl>
<dt>상품명</dt><dd id="cash-goods-name">${escapeHtml(c.goodsName)}</dd>
<dt>공급가액</dt><dd>${escapeHtml(formatWon(c.amount - c.vat))}</dd>
<dt>부가세</dt><dd>${escapeHtml(formatWon(c.vat))}</dd>
<dt>합계</dt><dd id="cash-amount">${escapeHtml(formatWon(c.amount))}</dd>
</dl>
</section>
<section>
<dl>
<dt>가맹점명</dt><dd>${escapeHtml(c.merchant.mallNm)}</dd>
<dt>사업자번호</dt><dd>${escapeHtml(formatBizNo(c.merchant.coNo))}</dd>
</dl>
</section>
<p class="note">이 현금영수증은 로컬 샌드박스에서 만든 것으로 효력이 없습니다.</p>
</article>`;
  return layout({ title: '현금영수증', body });
}

/**
 * @typedef {object} DepositPageData
 * @property {string} action the page's own path
 * @property {Array<{ tid: string, moid: string, accountNo: string, bank: string, amount: number, due: string,
 *   state: 'waiting' | 'deposited' | 'expired' | 'cancelled', notices: string[] }>} accounts
 * @property {string} [message] what the last press did
 */

/** The deposit test page (guide 3.4 가상계좌 강제입금 통보 테스트 URL). @param {DepositPageData} d */
export function renderDepositPage({ action, accounts, message }) {
  const stateText = { waiting: '입금 대기', deposited: '입금 완료', expired: '기한 지남', cancelled: '취소' };
  const rows = accounts
    .map((a) => {
      const button =
        a.state === 'waiting'
          ? `<button type="submit" class="primary" id="deposit-${escapeHtml(a.tid)}">입금</button>`
          : a.state === 'deposited'
            ? `<input type="hidden" name="resend" value="Y"><button type="submit" class="secondary" id="resend-${escapeHtml(a.tid)}">통보 다시 보내기</button>`
            : '';
      return `<tr data-tid="${escapeHtml(a.tid)}" data-state="${a.state}">
<td>${escapeHtml(a.tid)}<br><span class="muted">${escapeHtml(a.moid)}</span></td>
<td>${escapeHtml(a.bank)} ${escapeHtml(a.accountNo)}</td>
<td>${escapeHtml(formatWon(a.amount))}<br><span class="muted">~${escapeHtml(a.due)}</span></td>
<td class="state">${stateText[a.state]}${a.notices.length ? `<br><span class="muted notices">통보 ${escapeHtml(a.notices.join(', '))}</span>` : ''}</td>
<td>${button ? `<form method="post" action="${escapeHtml(action)}" accept-charset="UTF-8"><input type="hidden" name="TID" value="${escapeHtml(a.tid)}">${button}</form>` : ''}</td>
</tr>`;
    })
    .join('\n');
  const body = `<section class="surface" aria-labelledby="deposit-title">
<h1 id="deposit-title">가상계좌 강제입금 통보 (테스트)</h1>
${message ? `<p id="deposit-message" role="status">${escapeHtml(message)}</p>` : ''}
<table>
<thead><tr><th>TID / Moid</th><th>계좌</th><th>금액 / 기한</th><th>상태</th><th></th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5" class="muted">발급된 가상계좌가 없습니다.</td></tr>'}
</tbody>
</table>
<form method="post" action="${escapeHtml(action)}" accept-charset="UTF-8" class="actions">
<label>TID <input type="text" name="TID" id="deposit-tid" autocomplete="off"></label>
<button type="submit" class="primary" id="deposit-by-tid">입금</button>
</form>
</section>
<p class="note">입금하면 가맹점의 RetryURL로 입금 통보(ResultCode 4110)를 보냅니다. 로컬 샌드박스: 실제 돈은 오가지 않습니다.</p>`;
  return layout({ title: '가상계좌 입금 통보 (샌드박스)', body });
}

/**
 * @typedef {object} AdminPageData
 * @property {string} action
 * @property {Array<{ tid: string, moid: string, payMethod: string, amount: number, balance: number, state: 'approved' | 'partially-cancelled' | 'cancelled', cancels: Array<{ amount: number, ccNo: string, at: string, via: string, refund: boolean }> }>} payments
 * @property {string} [message]
 */

/**
 * The sandbox's stand-in for Smartro's admin site (test only): each approved payment with its balance and
 * cancels, a 전체 취소 button and a 부분 취소 amount. Cancels made here reach the shop only through the receipt API.
 * @param {AdminPageData} d
 */
export function renderAdminPage({ action, payments, message }) {
  const stateText = { approved: '승인', 'partially-cancelled': '부분취소', cancelled: '취소' };
  const rows = payments
    .map((p) => {
      const cancels = p.cancels
        .map((c) => `${escapeHtml(formatWon(c.amount))} ${c.refund ? '환불' : '취소'} ${escapeHtml(c.ccNo)} (${escapeHtml(c.at)}, ${c.via === 'admin' ? '관리자' : c.via === 'api' ? '취소 모듈' : '테스트'})`)
        .join('<br>');
      const forms =
        p.state === 'cancelled'
          ? ''
          : `<form method="post" action="${escapeHtml(action)}" accept-charset="UTF-8"><input type="hidden" name="tid" value="${escapeHtml(p.tid)}"><button type="submit" class="secondary" id="cancel-${escapeHtml(p.tid)}">전체 취소</button></form>
<form method="post" action="${escapeHtml(action)}" accept-charset="UTF-8"><input type="hidden" name="tid" value="${escapeHtml(p.tid)}"><label>금액 <input type="text" name="amount" inputmode="numeric" size="8" id="amount-${escapeHtml(p.tid)}"></label> <button type="submit" class="secondary" id="partial-${escapeHtml(p.tid)}">부분 취소</button></form>`;
      return `<tr data-tid="${escapeHtml(p.tid)}" data-state="${p.state}">
<td>${escapeHtml(p.tid)}<br><span class="muted">${escapeHtml(p.moid)}</span></td>
<td>${escapeHtml(PAY_METHOD_NAMES[/** @type {keyof typeof PAY_METHOD_NAMES} */ (p.payMethod)] ?? p.payMethod)}<br>${escapeHtml(formatWon(p.amount))}</td>
<td class="state">${stateText[p.state]}<br>잔액 ${escapeHtml(formatWon(p.balance))}${cancels ? `<br><span class="muted">${cancels}</span>` : ''}</td>
<td>${forms}</td>
</tr>`;
    })
    .join('\n');
  const body = `<section class="surface" aria-labelledby="admin-title">
<h1 id="admin-title">거래 조회 / 취소 (샌드박스 관리자)</h1>
${message ? `<p id="admin-message" role="status">${escapeHtml(message)}</p>` : ''}
<table>
<thead><tr><th>TID / Moid</th><th>결제</th><th>상태</th><th></th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4" class="muted">승인된 거래가 없습니다.</td></tr>'}
</tbody>
</table>
</section>
<p class="note">스마트로 관리자 사이트의 취소를 흉내 냅니다. 여기서 한 취소는 가맹점 서버에 알려지지 않으며, 가맹점 서버는 영수증 API로 알게 됩니다.</p>`;
  return layout({ title: '거래 조회 / 취소 (샌드박스)', body });
}
