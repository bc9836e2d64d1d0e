// The demo shop page's script: create an order, configure <kpg-checkout>, and log its events.
// It keeps the order id in the URL so a mobile (full-page) payment comes back to the same order.
const $ = (id) => document.getElementById(id);
const checkout = $('checkout');
const params = new URLSearchParams(location.search);

function setOrder(order) {
  checkout.setAttribute('order-id', order.order_id);
  checkout.setAttribute('amount', String(order.amount));
  checkout.removeAttribute('disabled');
  $('order-info').textContent = `주문 ${order.order_id}: ${order.product_name} ${order.amount.toLocaleString('ko-KR')}원`;
  const url = new URL(location.href);
  url.searchParams.set('order', order.order_id);
  url.searchParams.set('amount', String(order.amount));
  url.searchParams.set('name', order.product_name);
  history.replaceState(null, '', url);
}

// Restore the order (and options) before the element is defined, so a returning mobile payment resumes.
if (params.get('order')) {
  setOrder({ order_id: params.get('order'), amount: Number(params.get('amount')), product_name: params.get('name') ?? '' });
}
function setOption(attr, value) {
  checkout.setAttribute(attr, value);
  sessionStorage.setItem(`demo:${attr}`, value);
  const shinhan = (checkout.getAttribute('provider') ?? 'shinhan') === 'shinhan';
  $('shinhan-options').hidden = !shinhan;
  $('smartro-options').hidden = shinhan;
  // pay-method is Smartro's (Shinhan's selpay window lets the buyer choose 가상계좌 itself).
  const method = sessionStorage.getItem('demo:pay-method');
  if (shinhan) checkout.removeAttribute('pay-method');
  else if (method) checkout.setAttribute('pay-method', method);
  // Shinhan with pgcode=card: the shop shows the card-company picker (card-list through /api/kpg/cards).
  if (shinhan && checkout.getAttribute('pgcode') === 'card') checkout.setAttribute('cards-url', '/api/kpg/cards');
  else checkout.removeAttribute('cards-url');
}
for (const [attr, input] of [['provider', null], ['pgcode', null], ['pay-method', null], ['device', null], ['main_color', $('main-color')], ['point_color', $('point-color')], ['lang', $('lang')]]) {
  const saved = sessionStorage.getItem(`demo:${attr}`);
  if (!saved) continue;
  setOption(attr, saved);
  if (input) input.value = attr.endsWith('color') ? `#${saved}` : saved;
  const radio = document.querySelector(`input[name=${attr}][value="${saved}"]`);
  if (radio) radio.checked = true;
}

$('new-order').addEventListener('click', async () => {
  const res = await fetch('/api/demo/orders', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ product_id: $('product').value }),
  });
  const order = await res.json();
  if (!res.ok) {
    $('order-info').textContent = `주문 실패: ${order.message}`;
    return;
  }
  setOrder(order);
});
for (const name of ['provider', 'pgcode', 'pay-method', 'device']) {
  for (const radio of document.querySelectorAll(`input[name=${name}]`)) {
    radio.addEventListener('change', () => setOption(name, radio.value));
  }
}
$('main-color').addEventListener('change', (e) => setOption('main_color', e.target.value.slice(1).toUpperCase()));
$('point-color').addEventListener('change', (e) => setOption('point_color', e.target.value.slice(1).toUpperCase()));
$('lang').addEventListener('change', (e) => setOption('lang', e.target.value));

// After a payment: its receipt (전표), as a popup button, and for Smartro also inline.
checkout.addEventListener('kpg-success', (event) => {
  const { provider, tid } = event.detail;
  if (!tid) return;
  const button = $('receipt-button');
  button.setAttribute('provider', provider);
  button.setAttribute('tid', tid);
  button.setAttribute('env', 'test');
  $('receipt-inline').replaceChildren();
  if (provider === 'smartro') {
    const slip = document.createElement('kpg-receipt');
    for (const [k, v] of Object.entries({ provider, tid, view: 'inline', 'receipt-url': '/api/kpg/receipt' })) slip.setAttribute(k, v);
    $('receipt-inline').append(slip);
  }
  // Bank transfer and virtual account payments may carry a 현금영수증 (IssueLoader type=2).
  const cash = $('cash-receipt-button');
  const method = event.detail.result.pay_method;
  cash.hidden = provider !== 'smartro' || (method !== 'bank' && method !== 'vbank');
  cash.setAttribute('provider', provider);
  cash.setAttribute('tid', tid);
  cash.setAttribute('env', 'test');
  $('receipt').hidden = false;
});

// Virtual accounts: the shop's staff (or its cron) runs reconcile(), which learns Shinhan's deposits.
$('reconcile').addEventListener('click', async () => {
  const report = await (await fetch('/api/demo/reconcile', { method: 'POST' })).json();
  const paid = report.settled.filter((s) => s.to === 'paid').length;
  const closed = report.settled.filter((s) => s.from === 'awaiting_deposit' && s.to === 'cancelled').length;
  $('reconcile-info').textContent = `입금 확인 ${paid}건, 기한 지나 닫힌 계좌 ${closed}건`;
});

// Every event, as text (never as HTML).
for (const type of ['kpg-session', 'kpg-card-select', 'kpg-success', 'kpg-fail', 'kpg-cancel', 'kpg-error', 'kpg-vbank-issued']) {
  checkout.addEventListener(type, (event) => {
    const item = document.createElement('li');
    const name = document.createElement('strong');
    name.textContent = type;
    const detail = document.createElement('pre');
    detail.textContent = JSON.stringify(event.detail, null, 2);
    item.append(name, detail);
    $('log').prepend(item);
  });
}

// The sandbox PGs are not on the PGs' own https hosts: the shop's own script allows their origins (markup
// cannot), before the elements are defined and connect. A shop on the real PGs needs none of this.
const { allowPgOrigins } = await import('/src/origins.ts');
allowPgOrigins(['http://127.0.0.1:5174', 'http://127.0.0.1:5175']);
await import('/src/index.ts');
