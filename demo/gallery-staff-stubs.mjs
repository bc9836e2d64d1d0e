// @ts-check
// The staff API's stand-in answers behind the gallery's console specimens (demo/gallery.html?page=admin),
// per docs/staff-api.md, under /gallery/staff/<scenario>/...: the element's api-url is
// /gallery/staff/<scenario>. Fixed data, no clock (the screenshots must not move). Scenarios:
//   ok         a shop's day: 23 attempts, one order partly refunded, one refunded, one cancel to check,
//              money owed back, dead and failing deliveries, a reconcile report
//   empty      nothing found, nothing owed, nothing failing
//   hang       never answers (the loading state)
//   down       503 on everything (the error state, with a retry button)
//   forbidden  403 on everything (a buyer's session, or no staff rights)
// Changes (POST) answer as the server would for this data, and change nothing: the gallery stays the same.
// test/node/gallery-staff-stubs.test.mjs parses every answer with the server's and the console's schemas.



/** 2026-11-21 09:00 Korea time, plus `minutes`. */
const at = (minutes) => new Date(Date.UTC(2026, 10, 21, 0, 0) + minutes * 60_000).toISOString();

const BUYERS = [
  ['홍길동', '010-1234-5678'],
  ['김민지', '010-2345-6789'],
  ['이서준', '010-3456-7890'],
  ['박지우', '010-4567-8901'],
  ['최하윤', '010-5678-9012'],
  ['Emily Carter', '010-6789-0123'],
];

/** Lists show names and phones masked: 홍*동, 010-****-5678. */
export const maskName = (/** @type {string} */ name) =>
  name
    .split(' ')
    .map((word) => {
      const chars = [...word];
      if (chars.length <= 1) return word;
      if (chars.length === 2) return `${chars[0]}*`;
      return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
    })
    .join(' ');
export const maskPhone = (/** @type {string} */ phone) => phone.replace(/^(\d{2,3})-?(\d{3,4})-?(\d{4})$/, (_, a, b, c) => `${a}-${'*'.repeat(b.length)}-${c}`);

/**
 * @typedef {{ order_id: string, provider: 'shinhan' | 'smartro', status: string, amount: number, refunded: number,
 *   method: 'card' | 'vbank' | 'bank' | 'phone', buyer: number, minute: number, tid: string | null, code?: string, reason?: string }} Row
 */

/** @type {Row[]} */
const ROWS = [
  { order_id: 'G-1001', provider: 'shinhan', status: 'paid', amount: 55000, refunded: 3000, method: 'card', buyer: 0, minute: 180, tid: 'tpay_test202611211200000001' },
  { order_id: 'G-1002', provider: 'smartro', status: 'refunded', amount: 120000, refunded: 120000, method: 'card', buyer: 1, minute: 172, tid: 'kpgtest01m01012611211152001002' },
  { order_id: 'G-1003', provider: 'shinhan', status: 'paid', amount: 89000, refunded: 0, method: 'card', buyer: 2, minute: 160, tid: 'tpay_test202611211140000003' },
  { order_id: 'G-1004', provider: 'smartro', status: 'failed', amount: 43000, refunded: 0, method: 'card', buyer: 3, minute: 151, tid: null, code: 'F101' },
  { order_id: 'G-1005', provider: 'smartro', status: 'awaiting_deposit', amount: 33000, refunded: 0, method: 'vbank', buyer: 4, minute: 140, tid: 'kpgtest01m03012611211120001005' },
  { order_id: 'G-1006', provider: 'smartro', status: 'paid', amount: 12500, refunded: 2500, method: 'bank', buyer: 5, minute: 133, tid: 'kpgtest01m02012611211113001006' },
  { order_id: 'G-1007', provider: 'shinhan', status: 'cancelled', amount: 27000, refunded: 0, method: 'card', buyer: 0, minute: 120, tid: null, reason: 'expired' },
  { order_id: 'G-1008', provider: 'shinhan', status: 'paid', amount: 250000, refunded: 0, method: 'card', buyer: 1, minute: 111, tid: 'tpay_test202611211051000008' },
];
for (let i = 0; i < 15; i++) {
  const status = ['paid', 'paid', 'failed', 'cancelled', 'paid'][i % 5];
  ROWS.push({
    order_id: `G-${1009 + i}`,
    provider: i % 2 ? 'smartro' : 'shinhan',
    status,
    amount: 9000 + ((i * 7919) % 90) * 1000,
    refunded: 0,
    method: 'card',
    buyer: i % BUYERS.length,
    minute: 100 - i * 6,
    tid: status === 'paid' ? (i % 2 ? `kpgtest01m0101261121${String(1000 + i).padStart(10, '0')}` : `tpay_test20261121${String(100000 + i).padStart(10, '0')}`) : null,
    ...(status === 'failed' ? { code: '3011' } : status === 'cancelled' ? { reason: 'popup-closed' } : {}),
  });
}

const orderNo = (/** @type {Row} */ r, n = 1) => `${r.order_id}-${String(r.minute).padStart(4, '0')}${n}${r.provider === 'smartro' ? 'S' : 'A'}`.replace(/[^A-Za-z0-9-]/g, '');

/** @param {Row} r */
const listRow = (r) => ({
  order_no: orderNo(r),
  order_id: r.order_id,
  provider: r.provider,
  status: r.status,
  amount: r.amount,
  refunded_total: r.refunded,
  pay_method: r.method,
  tid: r.tid,
  buyer_name: maskName(BUYERS[r.buyer][0]),
  buyer_phone: maskPhone(BUYERS[r.buyer][1]),
  created_at: at(r.minute),
  updated_at: at(r.minute + 2),
});

const MEDIUM_TIDS = { 'G-1008': 'tpay_test202611211052000009', 'G-1013': 'kpgtest01m01012611211032001013' };

/** Money owed back. */
const DEBTS = [
  { provider: 'shinhan', tid: MEDIUM_TIDS['G-1008'], merchant_id: 'kpgdemo01', order_no: 'G-1008-01122A', order_id: 'G-1008', amount: 250000, reason: 'second-approval', recorded_at: at(113), resolved_at: null, resolution: null },
  { provider: 'smartro', tid: MEDIUM_TIDS['G-1013'], merchant_id: 'kpgtest01m', order_no: 'G-1013-00761S', order_id: 'G-1013', amount: 15000, reason: 'superseded', recorded_at: at(78), resolved_at: null, resolution: null },
];
const RESOLVED = [
  { provider: 'shinhan', tid: 'tpay_test202611210930000011', merchant_id: 'kpgdemo01', order_no: 'G-1011-00881A', order_id: 'G-1011', amount: 9000, reason: 'superseded', recorded_at: at(30), resolved_at: at(45), resolution: '신한 관리자 화면에서 취소함 (김지원)' },
];

const DELIVERIES = {
  dead: [
    {
      event_id: 'evt_aaaaaaaaaaaaaaaaaaaaaaa2',
      type: 'payment.paid',
      order_id: 'G-1001',
      order_no: 'G-1001-01802A',
      created_at: at(181),
      target: 'wh_3f1c2b9a8d7e6f50',
      url: 'https://erp.example.com/hooks/kpg',
      status: 'dead',
      attempts: 18,
      next_at: at(181),
      last_error: 'HTTP 500: <html><body>Internal Server Error</body></html>',
    },
    {
      event_id: 'evt_bbbbbbbbbbbbbbbbbbbbbbb3',
      type: 'refund.due',
      order_id: 'G-1008',
      order_no: 'G-1008-01122A',
      created_at: at(113),
      target: 'handler',
      url: null,
      status: 'dead',
      attempts: 18,
      next_at: at(113),
      last_error: "TypeError: Cannot read properties of undefined (reading 'sku')",
    },
  ],
  failing: [
    {
      event_id: 'evt_ccccccccccccccccccccccc4',
      type: 'payment.refunded',
      order_id: 'G-1002',
      order_no: 'G-1002-01721S',
      created_at: at(176),
      target: 'wh_3f1c2b9a8d7e6f50',
      url: 'https://erp.example.com/hooks/kpg',
      status: 'pending',
      attempts: 3,
      next_at: at(190),
      last_error: 'connect ECONNREFUSED 10.0.0.5:443',
    },
  ],
};

const REPORT = {
  ran: true,
  settled: [{ order_no: 'G-1019-00401A', order_id: 'G-1019', from: 'unknown', to: 'paid' }],
  unsettled: [],
  expired: [{ order_no: 'G-1007-01201A', order_id: 'G-1007', to: 'cancelled' }],
  pruned: { refusals: 4, attempts: 2 },
  refundsDue: DEBTS,
  cancels: {
    settled: [],
    unknown: [{ cancel_id: 7, order_id: 'G-1003', staff_check: true, since: at(166) }],
    found: [{ cancel_id: 8, order_id: 'G-1006', amount: 2500 }],
    attention: [],
  },
};

/** A cancel as the story lists it. */
const cancel = (/** @type {Record<string, unknown>} */ c) => ({
  tid: '',
  staff_check: false,
  source: 'api',
  kind: 'partial',
  requested_amount: null,
  taxfree_amount: 0,
  pg_cancel_id: null,
  pg_cancelled_at: null,
  code: null,
  pg_message: null,
  requested_by: null,
  settled_by: null,
  settle_note: null,
  settled_at: null,
  ...c,
});

/** @param {Row} r */
function story(r) {
  const [name, phone] = BUYERS[r.buyer];
  const no = orderNo(r);
  /** @type {Array<Record<string, unknown>>} */
  const timeline = [];
  /** @type {Array<Record<string, unknown>>} */
  const attempts = [];
  /** @type {Array<Record<string, unknown>>} */
  const cancels = [];
  const entry = (/** @type {number} */ minute, /** @type {string | null} */ order_no, /** @type {Record<string, unknown>} */ e) => timeline.push({ at: at(minute), order_no, ...e });
  const status = (/** @type {number} */ minute, /** @type {string} */ order_no, /** @type {string | null} */ from, /** @type {string} */ to, extra = {}) =>
    entry(minute, order_no, { kind: 'status', from, to, code: null, reason: null, pg_message: null, ...extra });

  if (r.order_id === 'G-1001') {
    // A first window the buyer closed, a forged return refused, then the payment, a partial cancel.
    const first = 'G-1001-01761A';
    attempts.push({ order_no: first, provider: r.provider, status: 'cancelled', amount: r.amount, pay_method: 'card', tid: null, code: null, reason: 'popup-closed', created_at: at(176), finished_at: at(177) });
    entry(176, first, { kind: 'attempt', provider: r.provider, amount: r.amount, pay_method: 'card' });
    status(177, first, 'pending', 'cancelled', { reason: 'popup-closed' });
    entry(180, no, { kind: 'attempt', provider: r.provider, amount: r.amount, pay_method: 'card' });
    entry(180.5, no, { kind: 'refusal', route: 'shinhan/return', code: 'bad-signature', message: 'The return carried a <b>forged</b> confirm_token <img src=x onerror=alert(1)>' });
    status(181, no, 'pending', 'processing');
    status(181.1, no, 'processing', 'paid');
    entry(181.2, no, {
      kind: 'event',
      event_id: 'evt_aaaaaaaaaaaaaaaaaaaaaaa2',
      type: 'payment.paid',
      deliveries: [
        { target: 'handler', url: null, status: 'delivered', attempts: 1, next_at: at(181.2), last_error: null, delivered_at: at(181.2) },
        { target: 'wh_3f1c2b9a8d7e6f50', url: 'https://erp.example.com/hooks/kpg', status: 'dead', attempts: 18, next_at: at(181.2), last_error: 'HTTP 500: <html><body>Internal Server Error</body></html>', delivered_at: null },
      ],
    });
    cancels.push(cancel({ id: 5, tid: r.tid, status: 'done', amount: 3000, requested_amount: 3000, reason: '사이즈 교환: 차액 환불', pg_cancel_id: 'C202611211330001', pg_cancelled_at: '20261121133001', requested_by: 'staff:kim', requested_at: at(270), settled_at: at(270.2) }));
    entry(270, no, { kind: 'cancel', cancel_id: 5, status: 'requested', amount: 3000, cancel_kind: 'partial', source: 'api', reason: '사이즈 교환: 차액 환불', by: 'staff:kim', code: null, pg_message: null });
    entry(270.2, no, { kind: 'cancel', cancel_id: 5, status: 'done', amount: 3000, cancel_kind: 'partial', source: 'api', reason: '사이즈 교환: 차액 환불', by: 'staff:kim', code: null, pg_message: null });
    entry(270.2, null, { kind: 'staff', staff: 'staff:kim', action: 'POST /staff/cancel', http_status: 200, answer: 'done' });
    entry(270.3, no, {
      kind: 'event',
      event_id: 'evt_ddddddddddddddddddddddd5',
      type: 'payment.refunded',
      deliveries: [{ target: 'handler', url: null, status: 'delivered', attempts: 1, next_at: at(270.3), last_error: null, delivered_at: at(270.3) }],
    });
  } else {
    entry(r.minute, no, { kind: 'attempt', provider: r.provider, amount: r.amount, pay_method: r.method });
    if (r.status === 'failed') status(r.minute + 2, no, 'pending', 'failed', { code: r.code ?? null, pg_message: r.provider === 'smartro' ? '한도초과 (잔여한도 부족)' : null });
    else if (r.status === 'cancelled') status(r.minute + 30, no, 'pending', 'cancelled', { reason: r.reason ?? null });
    else if (r.status === 'awaiting_deposit') status(r.minute + 2, no, 'processing', 'awaiting_deposit');
    else {
      status(r.minute + 1, no, 'pending', 'processing');
      status(r.minute + 1.2, no, 'processing', 'paid');
    }
  }
  if (r.order_id !== 'G-1001') {
    attempts.push({
      order_no: no,
      provider: r.provider,
      status: r.status,
      amount: r.amount,
      pay_method: r.method,
      tid: r.tid,
      code: r.code ?? null,
      reason: r.reason ?? null,
      created_at: at(r.minute),
      finished_at: ['pending', 'processing', 'unknown', 'awaiting_deposit'].includes(r.status) ? null : at(r.minute + 2),
    });
  } else {
    attempts.push({ order_no: no, provider: r.provider, status: r.status, amount: r.amount, pay_method: 'card', tid: r.tid, code: null, reason: null, created_at: at(180), finished_at: at(181.1) });
  }
  if (r.order_id === 'G-1002') {
    cancels.push(cancel({ id: 6, tid: r.tid, kind: 'full', status: 'done', amount: 120000, requested_amount: 120000, reason: '구매자 변심', pg_cancel_id: '40001234', requested_by: 'staff:lee', requested_at: at(176), settled_at: at(176.1) }));
    entry(176, no, { kind: 'cancel', cancel_id: 6, status: 'done', amount: 120000, cancel_kind: 'full', source: 'api', reason: '구매자 변심', by: 'staff:lee', code: null, pg_message: null });
    status(176.1, no, 'paid', 'refunded');
  }
  if (r.order_id === 'G-1003') {
    // A Shinhan partial cancel that timed out when confirm-info already said "partly cancelled": only staff can tell.
    cancels.push(cancel({ id: 7, tid: r.tid, status: 'unknown', staff_check: true, amount: 9000, requested_amount: 9000, reason: '부분 반품 (1개)', code: 'pg-unreachable', pg_message: 'timeout after 10 s', requested_by: 'staff:kim', requested_at: at(166) }));
    entry(166, no, { kind: 'cancel', cancel_id: 7, status: 'unknown', amount: 9000, cancel_kind: 'partial', source: 'api', reason: '부분 반품 (1개)', by: 'staff:kim', code: 'pg-unreachable', pg_message: 'timeout after 10 s' });
  }
  if (r.order_id === 'G-1006') {
    cancels.push(cancel({ id: 8, tid: r.tid, status: 'done', source: 'pg', amount: 2500, reason: 'found at the PG', pg_cancel_id: '2211', pg_cancelled_at: '20261121120500', requested_at: at(185), settled_at: at(185) }));
    entry(185, no, { kind: 'cancel', cancel_id: 8, status: 'done', amount: 2500, cancel_kind: 'partial', source: 'pg', reason: 'found at the PG', by: null, code: null, pg_message: null });
  }
  const refunds_due = DEBTS.filter((d) => d.order_id === r.order_id);
  for (const d of refunds_due) entry(113, d.order_no, { kind: 'refund-due', tid: d.tid, amount: d.amount, reason: d.reason });
  timeline.sort((a, b) => String(a.at).localeCompare(String(b.at)));
  const paid = r.status === 'paid' || r.status === 'refunded';
  return {
    order_id: r.order_id,
    buyer: { name, phone },
    payment: paid
      ? {
          provider: r.provider,
          tid: r.tid,
          order_no: no,
          status: r.status,
          pay_method: r.method,
          amount: r.amount,
          discount: 0,
          refunded_total: r.refunded,
          balance: r.status === 'refunded' ? 0 : r.amount - r.refunded,
          approved_at: at(r.minute + 1.2),
          card_name: r.method === 'card' ? (r.provider === 'shinhan' ? '신한카드' : '삼성카드') : null,
          card_no: r.method === 'card' ? '536148******1234' : null,
          install_month: r.method === 'card' ? (r.amount >= 50000 ? '03' : '00') : null,
          bank_name: r.method === 'bank' ? '국민은행' : null,
          escrow: false,
        }
      : null,
    attempts: attempts.reverse(),
    cancels,
    refunds_due,
    timeline,
  };
}

/**
 * Answers `/gallery/staff/<scenario>/<route>` as docs/staff-api.md says; `null` when the path is not one.
 * @param {import('node:http').IncomingMessage} req @param {URL} url
 * @returns {Promise<{ status: number, body: unknown } | 'hang' | null>}
 */
export async function staffAnswer(req, url) {
  const m = /^\/gallery\/staff\/(ok|empty|hang|down|forbidden)(\/.*)$/.exec(url.pathname);
  if (!m) return null;
  const [, scenario, route] = m;
  const q = url.searchParams;
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  if (req.headers['x-kpg-staff'] !== '1') return { status: 403, body: { code: 'staff-header-missing', message: 'Staff requests carry the header X-KPG-Staff: 1.' } };
  if (req.method === 'POST' && !/^application\/json\b/.test(String(req.headers['content-type']))) return { status: 415, body: { code: 'unsupported-media-type', message: 'Send the body as application/json.' } };
  if (scenario === 'hang') return 'hang';
  if (scenario === 'down') return { status: 503, body: { code: 'unavailable', message: 'The staff API is down on purpose (gallery).' } };
  if (scenario === 'forbidden') return { status: 403, body: { code: 'forbidden', message: 'Staff only.' } };
  const empty = scenario === 'empty';
  const ok = (/** @type {unknown} */ b) => ({ status: 200, body: b });
  const find = (/** @type {string} */ id) => (empty ? undefined : ROWS.find((r) => r.order_id === id));

  if (req.method === 'GET' && route === '/me') return ok({ staff: 'staff:kim', providers: ['shinhan', 'smartro'], engine: 'pglite' });
  if (req.method === 'GET' && route === '/orders') {
    const term = (q.get('q') ?? '').trim().toLowerCase();
    const digits = term.replace(/\D/g, '');
    let rows = empty ? [] : ROWS.filter((r) => (!q.get('status') || r.status === q.get('status')) && (!q.get('provider') || r.provider === q.get('provider')));
    if (term) {
      rows = rows.filter((r) => {
        const [name, phone] = BUYERS[r.buyer];
        const p = phone.replace(/\D/g, '');
        return r.order_id.toLowerCase() === term || orderNo(r).toLowerCase() === term || (r.tid ?? '').toLowerCase() === term || name.toLowerCase().startsWith(term) || (digits.length >= 4 && (p === digits || p.endsWith(digits) && digits.length === 4));
      });
    }
    const from = q.get('from');
    const to = q.get('to');
    // Korea days: an attempt at 2026-11-21 09:00 KST is on 2026-11-21 (the data spans one day).
    if ((from && from > '2026-11-21') || (to && to < '2026-11-21')) rows = [];
    const sort = q.get('sort') === 'amount' ? 'amount' : 'created_at';
    const dir = q.get('dir') === 'asc' ? 1 : -1;
    rows = [...rows].sort((a, b) => dir * ((sort === 'amount' ? a.amount - b.amount : a.minute - b.minute) || orderNo(a).localeCompare(orderNo(b))));
    const limit = Math.min(100, Math.max(1, Number(q.get('limit') ?? 50) || 50));
    const page = Math.min(200, Math.max(1, Number(q.get('page') ?? 1) || 1));
    return ok({ items: rows.slice((page - 1) * limit, page * limit).map(listRow), total: rows.length, page, limit });
  }
  const one = /^\/orders\/([A-Za-z0-9_-]{1,30})$/.exec(route);
  if (req.method === 'GET' && one) {
    const row = find(one[1]);
    return row ? ok(story(row)) : { status: 404, body: { code: 'unknown-order', message: `No attempt of order ${one[1]}.` } };
  }
  if (req.method === 'GET' && route === '/receipt') {
    const row = find(q.get('order_id') ?? '');
    if (!row?.tid || (row.status !== 'paid' && row.status !== 'refunded')) return { status: 404, body: { code: 'no-payment', message: 'That order has no payment.' } };
    return ok({ provider: row.provider, tid: row.tid, url: `https://receipt.example/${row.provider}?tid=${row.tid}` });
  }
  if (req.method === 'GET' && route === '/refunds-due') return ok({ items: empty ? [] : q.get('resolved') === '1' ? [...DEBTS, ...RESOLVED] : DEBTS });
  if (req.method === 'GET' && route === '/deliveries') return ok({ items: empty ? [] : q.get('status') === 'failing' ? DELIVERIES.failing : DELIVERIES.dead });
  if (req.method === 'POST' && route === '/cancel') {
    const b = /** @type {Record<string, unknown>} */ (body ?? {});
    const row = find(String(b.order_id));
    if (typeof b.idempotency_key !== 'string' || !b.idempotency_key) return { status: 400, body: { code: 'missing-field', message: 'idempotency_key is required.', field: 'idempotency_key' } };
    if (!row || row.status !== 'paid') return { status: 409, body: { status: 'refused', cancelled_amount: 0, refunded_total: row?.refunded ?? 0, balance: 0, code: 'not-paid' } };
    const balance = row.amount - row.refunded;
    const amount = typeof b.amount === 'number' ? b.amount : balance;
    if (amount > balance) return { status: 409, body: { status: 'refused', cancelled_amount: 0, refunded_total: row.refunded, balance, code: 'exceeds-balance', message: `At most ${balance} won can be given back.` } };
    return ok({ status: 'done', cancel_id: 99, pg_cancel_id: 'C2026112199', cancelled_amount: amount, refunded_total: row.refunded + amount, balance: balance - amount });
  }
  if (req.method === 'POST' && route === '/cancel-due') {
    const b = /** @type {Record<string, unknown>} */ (body ?? {});
    const due = DEBTS.find((d) => d.tid === b.tid);
    if (!due) return { status: 404, body: { code: 'unknown-tid', message: 'No money owed back on that TID.' } };
    return ok({ status: 'done', cancel_id: 100, cancelled_amount: due.amount, refunded_total: due.amount, balance: 0 });
  }
  if (req.method === 'POST' && route === '/cancels/confirm') return ok({ status: 'done', cancel_id: 7, cancelled_amount: 9000, refunded_total: 9000, balance: 80000 });
  if (req.method === 'POST' && route === '/refunds-due/resolve') return ok({ resolved: true });
  if (req.method === 'POST' && route === '/deliveries/retry') return ok({ requeued: body && /** @type {Record<string, unknown>} */ (body).dead ? DELIVERIES.dead.length : 1 });
  if (req.method === 'POST' && route === '/reconcile') {
    return ok(empty ? { ran: true, settled: [], unsettled: [], expired: [], pruned: { refusals: 0, attempts: 0 }, refundsDue: [], cancels: { settled: [], unknown: [], found: [], attention: [] } } : REPORT);
  }
  return { status: 404, body: { code: 'not-found', message: `No staff route ${req.method} ${route}.` } };
}

/** @param {import('node:http').IncomingMessage} req */
function readJson(req) {
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}


