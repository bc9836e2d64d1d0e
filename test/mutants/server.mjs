// Mutants of kpg-checkout/server (src/server/**, its SQL migrations): see test/mutants.mjs for the fields.
//
// The node tests import dist/server/; these mutants are planted in src/server/. Rather than rebuilding
// dist/ twice per mutant (`build: true`, about 20 s each), every entry runs its tests with SRC: a loader
// (test/node/fixtures/server-from-src.mjs) that resolves dist/server/<x>.js to src/server/<x>.ts, strips the
// types with esbuild, and reads the migrations from src/server/store/migrations/, in the test process and
// in every process it spawns. So the mutated source, and nothing stale, is what the tests exercise.
//
// Each server test runs on PGlite and on the runner's throwaway PostgreSQL, so a constraint dropped from a
// migration must be caught on both engines: the `srv-sql-*` mutants break only the constraint (the code's
// own check stays), and their tests write through the store or with plain SQL, past the code path.
const SRC = { NODE_OPTIONS: '--import ./test/node/fixtures/server-from-src.mjs' };

const INV = 'test/node/server-invariants.test.mjs';
const SHINHAN = 'test/node/server-shinhan.test.mjs';
const SMARTRO = 'test/node/server-smartro.test.mjs';
const VBANK = 'test/node/server-vbank.test.mjs';
const UNITS = 'test/node/server-units.test.mjs';
const CARDS = 'test/node/server-cards-receipts.test.mjs';
const OUTBOX = 'test/node/server-outbox.test.mjs';
const EVENTS = 'test/node/server-events.test.mjs';

const M001 = 'src/server/store/migrations/001_init.sql';
const M002 = 'src/server/store/migrations/002_vbank.sql';
const M005 = 'src/server/store/migrations/005_cancels.sql';
const LEDGER = 'test/node/server-cancel-ledger.test.mjs';
const CANCELS_SHINHAN = 'test/node/server-cancels-shinhan.test.mjs';
const CANCELS_UNKNOWN = 'test/node/server-cancels-unknown.test.mjs';
const CANCELS = 'src/server/cancels.ts';
const STATE = 'src/server/state.ts';
const STORE = 'src/server/store/sql-store.ts';
// The payment module, one file per concern (issue 21 split payments.ts).
const SESSIONS = 'src/server/payments/sessions.ts';
const SETTLE = 'src/server/payments/settlement.ts';
const BUYERS = 'src/server/payments/buyers.ts';
const SMARTRO_RESULTS = 'src/server/payments/smartro-results.ts';
const RESULTS = 'src/server/payments/results.ts';
const VIEWS = 'src/server/payments/views.ts';
const SH = 'src/server/providers/shinhan.ts';
const SM = 'src/server/providers/smartro.ts';
const EVSQL = 'src/server/store/events-sql.ts';
const RELAY = 'src/server/events/relay.ts';
const HOOKS = 'src/server/events/webhooks.ts';


const LIST = [
  // ------------------------------------------------------------------ one paid attempt per order
  {
    id: 'srv-sql-one-paid-index',
    // The index as it stands: 005_cancels.sql re-creates 001's with `refunded` (issue 22).
    file: M005,
    find: "CREATE UNIQUE INDEX kpg_attempts_one_paid_per_order ON kpg_attempts (order_id) WHERE status IN ('paid', 'refunded');",
    replace: "CREATE INDEX kpg_attempts_one_paid_per_order ON kpg_attempts (order_id) WHERE status IN ('paid', 'refunded');",
    tests: [INV],
    grep: 'one paid attempt per order',
    breaks: 'the database lets two attempts of one order be paid: an order charged twice is recorded as two payments',
  },
  {
    id: 'srv-code-paid-order-takes-session',
    file: SESSIONS,
    find: 'if (paid) throw alreadyPaid(paid);',
    replace: 'if (paid && !open) lastOpen = undefined;',
    tests: [SHINHAN],
    grep: 'already paid order is 409',
    breaks: 'a paid order starts a new payment: the buyer (a second tab, a reload) is charged again',
  },
  {
    id: 'srv-store-order-paid-throws',
    file: STORE,
    find: "if (isUniqueViolation(error)) return { ok: false, reason: 'order-paid' };",
    replace: "if (isUniqueViolation(error) && error === null) return { ok: false, reason: 'order-paid' };",
    tests: [INV],
    grep: 'one paid attempt per order',
    breaks: 'a second payment of a paid order is a 500 instead of money owed back: the approval is lost, never refunded',
  },
  // ------------------------------------------------------------------ one open attempt per order
  {
    id: 'srv-sql-one-open-index',
    file: M002,
    find: 'CREATE UNIQUE INDEX kpg_attempts_one_open_per_order ON kpg_attempts (order_id)',
    replace: 'CREATE INDEX kpg_attempts_one_open_per_order ON kpg_attempts (order_id)',
    tests: [INV],
    grep: 'one open attempt per order|awaiting_deposit is open',
    breaks: 'two sessions racing on one order (two tabs, two instances) both open a payment window: a double charge',
  },
  {
    id: 'srv-sql-one-open-index-http',
    file: M002,
    find: 'CREATE UNIQUE INDEX kpg_attempts_one_open_per_order ON kpg_attempts (order_id)',
    replace: 'CREATE INDEX kpg_attempts_one_open_per_order ON kpg_attempts (order_id)',
    tests: [SMARTRO],
    grep: 'racing sessions for one order',
    breaks: 'the same, seen by buyers: 12 sessions racing through POST session (the code checks first, then inserts) open several Smartro windows',
  },
  {
    id: 'srv-sql-open-index-no-awaiting',
    file: M002,
    find: "WHERE status IN ('pending', 'processing', 'unknown', 'awaiting_deposit');",
    replace: "WHERE status IN ('pending', 'processing', 'unknown');",
    tests: [INV],
    grep: 'awaiting_deposit is open|database and state.ts agree',
    breaks: 'an order whose virtual account waits for its deposit takes a second payment: the buyer pays twice',
  },
  {
    id: 'srv-store-insert-race-500',
    file: STORE,
    find: "VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15::jsonb)\n         ON CONFLICT DO NOTHING RETURNING *",
    replace: "VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15::jsonb)\n         RETURNING *",
    tests: [INV],
    grep: 'one open attempt per order',
    breaks: 'the losing session of a race gets a 500 instead of 409 attempt-in-progress: the buyer sees an internal error',
  },
  {
    id: 'srv-code-smartro-tab-replaced',
    file: SESSIONS,
    find: "if (!ended && !expired) return 'keep'; // its window may still be open in another tab (fault 1)",
    replace: "if (!ended && !expired && ended) return 'keep';",
    tests: [SMARTRO],
    grep: 'fault 1 with the Moid lookup: two tabs',
    breaks: 'fault 1: a second tab supersedes a Smartro window that can still take money: two approvals for one order',
  },
  {
    id: 'srv-code-supersede-keeps-old',
    file: SESSIONS,
    find: "const superseded = await move(ctx, open, 'cancel', { reason: 'superseded', superseded_by: orderNo }, 'session');",
    replace: 'const superseded = open;',
    tests: [SHINHAN],
    grep: 'second session supersedes',
    breaks: 'a new Shinhan session no longer ends the old attempt: the buyer who reopens the payment is stuck at 409',
  },
  {
    id: 'srv-sql-awaiting-has-account',
    file: M002,
    find: "    status <> 'awaiting_deposit'\n    OR (claimed_tid IS NOT NULL",
    replace: "    true\n    OR (claimed_tid IS NOT NULL",
    tests: [INV],
    grep: 'awaiting_deposit is open',
    breaks: 'an attempt can wait for a deposit without a recorded account: the buyer is told to pay into an account nobody can show',
  },
  {
    id: 'srv-sql-paid-has-tid',
    file: M001,
    find: "CONSTRAINT kpg_attempts_paid_has_tid CHECK (status <> 'paid' OR tid IS NOT NULL),",
    replace: "CONSTRAINT kpg_attempts_paid_has_tid CHECK (status <> 'paid' OR true),",
    tests: [INV],
    grep: 'forbidden columns',
    breaks: 'an attempt can be paid with no PG transaction behind it: a payment nobody can look up, refund or reconcile',
  },
  // ------------------------------------------------------------------ forward-only states
  {
    id: 'srv-state-decline-from-paid',
    file: STATE,
    find: "decline: { from: ['processing', 'unknown'], to: 'failed' },",
    replace: "decline: { from: ['processing', 'unknown', 'paid'], to: 'failed' },",
    tests: [INV],
    grep: 'never move backwards',
    breaks: 'a late decline turns a paid order into failed: the shop cancels goods the buyer paid for',
  },
  {
    id: 'srv-state-claim-from-cancelled',
    file: STATE,
    find: "claim: { from: ['pending'], to: 'processing' },",
    replace: "claim: { from: ['pending', 'cancelled'], to: 'processing' },",
    tests: [SHINHAN],
    grep: 'second session supersedes|window-closed: a pending Shinhan',
    breaks: 'a superseded (or closed) Shinhan attempt is still confirmed: its late return takes the money a second time',
  },
  {
    id: 'srv-store-update-no-status-guard',
    file: STORE,
    find: 'WHERE order_no = $1 AND status = ANY($4::text[]) RETURNING *`;',
    replace: 'WHERE order_no = $1 AND $4::text[] IS NOT NULL RETURNING *`;',
    tests: [INV],
    grep: 'states move only along|racing claims',
    breaks: 'racing copies of one PG result each move the attempt: Shinhan is confirmed twice, a paid attempt can be failed',
  },
  // ------------------------------------------------------------------ TIDs
  {
    id: 'srv-sql-tid-index',
    file: M001,
    find: 'CREATE UNIQUE INDEX kpg_attempts_tid ON kpg_attempts (provider, tid) WHERE tid IS NOT NULL;',
    replace: 'CREATE INDEX kpg_attempts_tid ON kpg_attempts (provider, tid) WHERE tid IS NOT NULL;',
    tests: [INV],
    grep: 'TID index alone',
    breaks: 'one PG approval can be the payment of two attempts: one charge marks two orders paid',
  },
  {
    id: 'srv-sql-transactions-pk',
    file: M001,
    find: '  PRIMARY KEY (provider, tid),\n  CONSTRAINT kpg_transactions_smartro_tid',
    replace: '  CONSTRAINT kpg_transactions_smartro_tid',
    tests: [INV],
    grep: 'a TID is recorded once',
    breaks: 'one approval is recorded twice (as a payment and as money owed): the shop refunds money it kept, or counts it twice',
  },
  {
    id: 'srv-sql-smartro-tid-check',
    file: M001,
    find: "    OR (tid ~ '^[A-Za-z0-9]{30}$' AND left(tid, char_length(merchant_id)) = merchant_id))\n);\n\n-- At most one paid",
    replace: "    OR true)\n);\n\n-- At most one paid",
    tests: [INV],
    grep: 'fault 4 in the database',
    breaks: 'fault 4 in the database: an attempt can hold a Smartro TID longer than the 30 signed characters',
  },
  {
    id: 'srv-smartro-tid-31-chars',
    file: SM,
    find: 'return /^[A-Za-z0-9]{30}$/.test(tid) && tid.startsWith(mid);',
    replace: 'return /^[A-Za-z0-9]{30,40}$/.test(tid) && tid.startsWith(mid);',
    tests: [SMARTRO],
    grep: 'fault 4: one approval cannot pay another order',
    breaks: 'fault 4: a genuine approval with "X" appended to its TID still verifies (SignValue signs 30 characters) and is taken for another order',
  },
  // ------------------------------------------------------------------ signatures and amounts
  {
    id: 'srv-smartro-signvalue-unchecked',
    file: SM,
    find: "const verifies = signed && sameSecret(form.SignValue ?? '', signValue({ tid: form.TID ?? '', resultCode: form.ResultCode, merchantKey: options.merchantKey }));",
    replace: 'const verifies = signed;',
    tests: [SMARTRO],
    grep: 'forged SignValue',
    breaks: 'any SignValue is believed: a forged Smartro result form is acted on',
  },
  {
    id: 'srv-smartro-unsigned-approval',
    file: SM,
    find: 'if ((approved || signed) && !verifies)',
    replace: 'if (signed && !verifies)',
    tests: [SMARTRO],
    grep: 'forged SignValue',
    breaks: 'an approval without any SignValue is believed: anyone can post "3001" for an order',
  },
  {
    id: 'srv-smartro-amt-unchecked',
    file: SM,
    find: 'if (form.Amt === undefined || Number(form.Amt) !== attempt.amount) {',
    replace: 'if (form.Amt === undefined) {',
    tests: [SMARTRO],
    grep: 'forged SignValue',
    breaks: 'a signed Smartro result for another amount is taken to the receipt API instead of refused at the door',
  },
  {
    id: 'srv-smartro-receipt-amount-unchecked',
    file: SM,
    find: '    if (amount !== attempt.amount) return { kind: \'wrong-amount\', details, amount };\n',
    replace: '',
    tests: [SMARTRO],
    grep: 'receipt API shows another amount',
    breaks: 'Smartro approved 1,000 won for this Moid and the shop records its 11,000 won order as paid (and owes nothing back)',
  },
  {
    id: 'srv-smartro-receipt-moid-unchecked',
    file: SM,
    find: '    if (r.moid !== attempt.order_no) return refuted();\n',
    replace: '',
    tests: [SMARTRO],
    grep: 'replayed onto another attempt of the same amount',
    breaks: 'fault 4: a genuine approval of one order replayed onto another order of the same amount marks both paid',
  },
  {
    id: 'srv-smartro-mid-unchecked',
    file: SM,
    find: "if (form.MID !== undefined && form.MID !== options.mid) return { kind: 'refused', code: 'mid-mismatch'",
    replace: "if (form.MID !== undefined && form.MID === '') return { kind: 'refused', code: 'mid-mismatch'",
    tests: [SMARTRO],
    grep: 'forged SignValue',
    breaks: 'a result for another merchant (MID) is not refused at the door',
  },
  {
    id: 'srv-shinhan-hash-unchecked',
    file: SH,
    find: 'if (!sameSecret(answer.pay_ispt_hash.toLowerCase(), hash)) {',
    replace: 'if (!sameSecret(answer.pay_ispt_hash.toLowerCase(), answer.pay_ispt_hash.toLowerCase())) {',
    tests: [SHINHAN],
    grep: 'untrusted confirm answer',
    breaks: 'a tampered Shinhan confirm answer (pay_ispt_hash wrong) is recorded as paid',
  },
  {
    id: 'srv-shinhan-amount-unchecked',
    file: SH,
    find: "if (answer.amount !== attempt.amount) return { kind: 'wrong-amount', details, amount: answer.amount };",
    replace: '',
    tests: [SHINHAN],
    grep: 'another amount approved',
    breaks: 'Shinhan approved 1,000 won for an 11,000 won order and the shop records it paid (and owes nothing back)',
  },
  {
    id: 'srv-shinhan-vbank-amount-unchecked',
    file: SH,
    find: 'if (!/^\\d{1,13}$/.test(amount) || Number(amount) !== attempt.amount) {',
    replace: 'if (!/^\\d{1,13}$/.test(amount)) {',
    tests: [VBANK],
    grep: 'returns that are not believed',
    breaks: 'a Shinhan 가상계좌 return for another amount is recorded: the buyer is shown an account for the wrong sum',
  },
  // ------------------------------------------------------------------ fault 2: a confirm that times out
  {
    id: 'srv-shinhan-timeout-declined',
    file: SH,
    find: '// Timed out, 5xx, not JSON: Shinhan may have approved. Never "failed" (fault 2): reconcile asks confirm-info.\n      return { kind: \'unknown\', message: answer.failure.message };',
    replace: "return { kind: 'declined', code: 'confirm-failed', pgMessage: answer.failure.message };",
    tests: [SHINHAN],
    grep: 'fault 2: a confirm that times out',
    breaks: 'fault 2: a Shinhan confirm that timed out is recorded failed although Shinhan took the money: the buyer pays again',
  },
  {
    id: 'srv-apply-unknown-declines',
    file: SETTLE,
    find: "if (attempt.status === 'processing') return (await move(ctx, attempt, 'lose', {}, route)) ?? (await reread(ctx, attempt));\n      return attempt;\n    case 'nothing':",
    replace: "if (attempt.status === 'processing') return (await move(ctx, attempt, 'decline', { code: 'pg-unreachable' }, route)) ?? (await reread(ctx, attempt));\n      return attempt;\n    case 'nothing':",
    tests: [SMARTRO],
    grep: 'the receipt API down',
    breaks: 'a verification that could not reach the PG ends failed: the buyer who paid is told to pay again',
  },
  {
    id: 'srv-pg-fetch-no-timeout',
    file: 'src/server/providers/pg-fetch.ts',
    find: "response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });",
    replace: "response = await fetch(url, { ...init, redirect: 'manual' });",
    tests: [SHINHAN],
    grep: 'fault 2: a confirm that times out',
    breaks: 'a PG that never answers holds the confirm (and the buyer) forever: no unknown, no reconcile; the test must fail fast (HANG_BOUND), not stall',
  },
  // ------------------------------------------------------------------ refute, reconcile
  {
    id: 'srv-apply-unknown-refutes',
    file: SETTLE,
    find: "if (attempt.status === 'processing') return (await move(ctx, attempt, 'lose', {}, route)) ?? (await reread(ctx, attempt));\n      return attempt;\n    case 'nothing':",
    replace: "if (attempt.status === 'processing') return (await move(ctx, attempt, 'refute', { claimed_tid: null }, route)) ?? (await reread(ctx, attempt));\n      return attempt;\n    case 'nothing':",
    tests: [SMARTRO],
    grep: 'the receipt API down',
    breaks: 'an approval the server could not verify goes back to pending (without any PG record against it): the order takes a second payment',
  },
  {
    id: 'srv-apply-refuted-declines',
    file: SETTLE,
    find: "return (await move(ctx, attempt, 'refute', { claimed_tid: null }, route)) ?? (await reread(ctx, attempt));",
    replace: "return (await move(ctx, attempt, 'decline', { code: 'receipt-mismatch' }, route)) ?? (await reread(ctx, attempt));",
    tests: [SMARTRO],
    grep: 'replayed onto another attempt \\(OID',
    breaks: 'a replayed approval of another order fails this order: the buyer who has not paid yet cannot pay this attempt',
  },
  {
    id: 'srv-reconcile-ignores-paid',
    file: 'src/server/reconcile.ts',
    find: "} else if (stale || s.kind === 'paid' || s.kind === 'wrong-amount' || s.kind === 'issued') {",
    replace: "} else if (s.kind === 'wrong-amount' || s.kind === 'issued') {",
    tests: [SHINHAN],
    grep: 'fault 2: a confirm that times out',
    breaks: 'reconcile() never records an approval it finds for an unknown attempt: the order stays unknown, the buyer is never told paid',
  },
  {
    id: 'srv-reconcile-no-confirm-window',
    file: 'src/server/reconcile.ts',
    find: "if (attempt.provider === 'shinhan' && now - since >= CONFIRM_WINDOW_MS) {",
    replace: "if (attempt.provider === 'shinhan' && now - since >= 0) {",
    tests: [SHINHAN],
    grep: 'confirm-info with no data keeps it unknown',
    breaks: 'an unknown Shinhan attempt is failed "not charged" while its confirm could still have taken the money',
  },
  // ------------------------------------------------------------------ buyer binding (fault 5)
  {
    id: 'srv-authorize-session-skipped',
    file: SESSIONS,
    find: "if (!order) throw new HttpError(404, 'unknown-order', `No order ${body.order_id}.`, 'order_id');\n  await authorized(ctx, request, order);",
    replace: "if (!order) throw new HttpError(404, 'unknown-order', `No order ${body.order_id}.`, 'order_id');",
    tests: [SHINHAN],
    grep: 'an order of another buyer is 403',
    breaks: "fault 5: anyone starts a session for anyone's order and reads the buyer's name, phone and e-mail",
  },
  {
    id: 'srv-authorize-owned-skipped',
    file: BUYERS,
    find: 'if (!order) throw notFound;\n  await authorized(ctx, request, order);',
    replace: 'if (!order) throw notFound;',
    tests: [SHINHAN, CARDS],
    grep: '403 for another buyer|receipt only for the buyer',
    breaks: "fault 5: result-url and receipts answer whoever knows an order_no or TID: another buyer's payment details leak",
  },
  {
    id: 'srv-authorize-truthy',
    file: BUYERS,
    find: 'if ((await ctx.authorize({ request, order })) !== true)',
    replace: 'if ((await ctx.authorize({ request, order })) === false)',
    tests: [SHINHAN],
    grep: 'authorize must answer exactly true',
    breaks: 'an authorize() that answers undefined (forgot to return) lets every caller through',
  },
  // ------------------------------------------------------------------ keys (fault 7)
  {
    id: 'srv-redact-configured-keys-skipped',
    file: 'src/server/redact.ts',
    find: 'if (!secret || secret.length < 6) continue;',
    replace: 'if (!secret || secret.length < 600) continue;',
    tests: [SHINHAN, UNITS],
    grep: 'fault 7|the redactor',
    breaks: 'fault 7: a PG text echoing the payment key (not after "SPGKEY") reaches the browser and the logs',
  },
  {
    id: 'srv-redact-spgkey-label',
    file: 'src/server/redact.ts',
    find: 'out = out.replace(/(SPGKEY)(\\s+|%20|\\+)(?!\\[redacted\\])[^\\s"\'&,;}\\]]+/gi, `$1$2${REDACTED}`);',
    replace: '',
    tests: [UNITS],
    grep: 'the redactor',
    breaks: 'a key the server was not configured with, echoed after SPGKEY, reaches the browser',
  },
  {
    id: 'srv-redact-replies-skipped',
    file: 'src/server/index.ts',
    find: 'const clean = redact(body);',
    replace: 'const clean = body;',
    tests: [SHINHAN],
    grep: 'fault 7',
    breaks: 'fault 7: replies to the browser are not redacted: a PG error echoing SPGKEY shows the key',
  },
  // ------------------------------------------------------------------ browser-sent reports, buyer texts (fault 6)
  {
    id: 'srv-smartro-unsigned-decline-final',
    file: SMARTRO_RESULTS,
    find: 'if (claim.signed) {\n        // Signed by Smartro: final.',
    replace: "if (claim.signed || claim.kind === 'declined') {\n        // Signed by Smartro: final.",
    tests: [SMARTRO],
    grep: 'fault 6: an unsigned cancel',
    breaks: "fault 6: an unsigned decline posted by anyone ends the attempt for good: the buyer's real approval that follows is refused",
  },
  {
    id: 'srv-report-is-final',
    file: STATE,
    find: "report: { from: ['pending'], to: 'pending' },",
    replace: "report: { from: ['pending'], to: 'failed' },",
    tests: [SHINHAN],
    grep: 'cancel_url / fail_url only note',
    breaks: 'fault 6: the fail_url (a URL anyone can open) ends a payment: the genuine approval that follows is not confirmed',
  },
  {
    id: 'srv-fail-url-text-as-code',
    file: 'src/server/app.ts',
    find: "const code = q.ret_code && /^[A-Za-z0-9_-]{1,20}$/.test(q.ret_code) ? q.ret_code : 'pg-failed';",
    replace: "const code = q.ret_msg ?? q.ret_code ?? 'pg-failed';",
    tests: [SHINHAN],
    grep: 'cancel_url / fail_url only note',
    breaks: "fault 6: the caller's words in fail_url (a phishing text with a phone number) are shown to the buyer as the failure code",
  },
  {
    id: 'srv-view-pg-text-to-buyer',
    file: VIEWS,
    find: 'out.message = failText(code);',
    replace: 'out.message = a.pg_message ?? failText(code);',
    tests: [SHINHAN],
    grep: 'PG refusing the confirm is failed',
    breaks: "fault 6: the PG's own words (or whatever a PG echoed) are shown to the buyer instead of the fixed text",
  },
  // ------------------------------------------------------------------ fault 8: the shop decides options
  {
    id: 'srv-pgcode-from-browser',
    file: SESSIONS,
    find: "if (!shinhan.pgcodes.includes(pgcode)) {\n    throw new HttpError(400, 'invalid-field', `pgcode must be one of ${shinhan.pgcodes.join(', ')} for this shop.`, 'pgcode');\n  }\n  if (body.install_month",
    replace: 'if (body.install_month',
    tests: [SHINHAN],
    grep: 'fault 8: the shop decides the pgcode',
    breaks: 'fault 8: the browser picks nauthcard (no card authentication) or bizselpay and the PG is asked for it',
  },
  {
    id: 'srv-install-month-min-amount',
    file: SESSIONS,
    find: 'if (amount < minimum) {',
    replace: 'if (amount < 0) {',
    tests: [SHINHAN],
    grep: 'fault 8: installment months',
    breaks: 'fault 8: 12-month installments on an 11,000 won order are sent to the PG',
  },
  // ------------------------------------------------------------------ virtual accounts (issue 11)
  {
    id: 'srv-sql-awaiting-tid-index',
    file: M002,
    find: 'CREATE UNIQUE INDEX kpg_attempts_awaiting_tid',
    replace: 'CREATE INDEX kpg_attempts_awaiting_tid',
    tests: [INV],
    grep: 'awaiting_deposit is open',
    breaks: "one issued account waits on two attempts: another order's account is shown to this buyer, one deposit pays two orders",
  },
  {
    id: 'srv-state-awaiting-not-open',
    file: STATE,
    find: "export const OPEN_STATUSES: readonly Status[] = ['pending', 'processing', 'unknown', 'awaiting_deposit'];",
    replace: "export const OPEN_STATUSES: readonly Status[] = ['pending', 'processing', 'unknown'];",
    tests: [VBANK],
    grep: '409 awaiting-deposit',
    breaks: 'the buyer who holds a virtual account is not told to deposit into it (the second tab gets "attempt in progress")',
  },
  {
    id: 'srv-vbank-deposit-unverified',
    file: SM,
    find: "if (!deposited) return { kind: 'issued', tid: r.tid, account };",
    replace: '',
    tests: [VBANK],
    grep: 'forged deposit notices',
    breaks: 'a signed deposit notice is recorded paid although Smartro shows no deposit: goods ship for money that never came',
  },
  {
    id: 'srv-store-pay-again-is-new',
    file: STORE,
    find: "return attempt.tid === details.tid ? { ok: true, attempt, already: true } : { ok: false, reason: 'not-in-state', attempt };",
    replace: "return attempt.tid === details.tid ? { ok: true, attempt, already: false } : { ok: false, reason: 'not-in-state', attempt };",
    tests: [INV],
    grep: 'racing deposits|racing payments',
    breaks: 'a deposit (or approval) that arrives twice is reported as two new payments: two "paid" events, goods shipped twice',
  },
  {
    id: 'srv-paid-copy-owed-again',
    file: SMARTRO_RESULTS,
    find: 'if (attempt.tid === claim.tid) {\n      // The same approval (or deposit) again;',
    replace: 'if (attempt.tid === claim.tid && claim.tid === \'\') {\n      // The same approval (or deposit) again;',
    tests: [SMARTRO],
    grep: 'return \\+ retry: the same approval',
    breaks: 'a second copy of the approval (or deposit notice) that paid is taken for a second payment: staff are told to refund money that was charged once',
  },
  {
    id: 'srv-vbank-expire-without-asking',
    file: SETTLE,
    find: 'return apply(ctx, attempt, await provider.lookup(attempt), route);',
    replace: "return apply(ctx, attempt, { kind: 'issued', tid: attempt.claimed_tid ?? '', account: {} }, route);",
    tests: [VBANK],
    grep: 'notice never came',
    breaks: 'a virtual account past its due day is closed without asking the PG: a deposit that did arrive is lost and the order paid again',
  },
  // ------------------------------------------------------------------ fault 3: a closed Smartro window
  {
    id: 'srv-smartro-close-cancels',
    file: RESULTS,
    find: "attempt = (await move(ctx, attempt, 'close', { window_closed_at: ctx.nowIso() }, route)) ?? (await reread(ctx, attempt));",
    replace: "attempt = (await move(ctx, attempt, 'cancel', { reason: 'popup-closed' }, route)) ?? (await reread(ctx, attempt));",
    tests: [SMARTRO],
    grep: 'fault 3: the window closed before ReturnURL',
    breaks: 'fault 3: a closed Smartro window cancels the attempt: the buyer who had already approved is told "cancelled"',
  },
  // ------------------------------------------------------------------ issue 21: the outbox and its delivery
  {
    id: 'srv-outbox-pay-without-event',
    file: STORE,
    find: `          await tell(tx, events, paid, now);
          return { ok: true, attempt: paid, already: false };`,
    replace: `          return { ok: true, attempt: paid, already: false };`,
    tests: [OUTBOX],
    grep: 'one transaction',
    breaks: 'a payment is recorded without its event: the shop never hears of it and never ships',
  },
  {
    id: 'srv-outbox-claim-ignores-order',
    file: EVSQL,
    find: `             AND NOT EXISTS (
               SELECT 1 FROM kpg_deliveries e
               WHERE e.target = d.target AND e.order_id = d.order_id AND e.seq < d.seq AND e.status = 'pending')`,
    replace: '',
    tests: [OUTBOX],
    grep: 'the claim:',
    breaks: "an order's payment.paid can reach the shop before its vbank.issued, or while it is still being delivered elsewhere",
  },
  {
    id: 'srv-outbox-claim-ignores-lease',
    file: EVSQL,
    find: '             AND (d.lease_until IS NULL OR d.lease_until <= $2)',
    replace: '',
    tests: [OUTBOX],
    grep: 'the claim:|timed-out handler',
    breaks: 'two instances hand one event to two handlers at once (a claimed delivery is claimed again)',
  },
  {
    id: 'srv-outbox-stale-owner-records',
    file: EVSQL,
    find: "WHERE event_id = $1 AND target = $2 AND lease_owner = $3 AND status = 'pending' RETURNING event_id`,",
    replace: "WHERE event_id = $1 AND target = $2 AND $3::text IS NOT NULL AND status = 'pending' RETURNING event_id`,",
    tests: [OUTBOX],
    grep: 'the claim:',
    breaks: "an instance whose claim had passed overwrites the outcome recorded by the one that took the delivery over",
  },
  {
    id: 'srv-relay-no-backoff',
    file: RELAY,
    find: 'return new Date(Math.min(now.getTime() + delay, deadline)).toISOString();',
    replace: 'return new Date(Math.min(now.getTime() + 1, deadline)).toISOString();',
    tests: [EVENTS],
    grep: 'throws three times',
    breaks: "a failing handler or webhook is hammered again at once instead of after 5 s, 30 s, 2 min, ...",
  },
  {
    id: 'srv-relay-timeout-frees-lease',
    file: RELAY,
    find: 'keepLease: !settled };',
    replace: 'keepLease: false };',
    tests: [EVENTS],
    grep: 'slower than delivery.timeoutMs',
    breaks: 'a handler that timed out but still runs is called again for the same event: two handlers ship one order at once',
  },
  {
    id: 'srv-webhook-follows-redirects',
    file: HOOKS,
    find: "redirect: 'manual',",
    replace: "redirect: 'follow',",
    tests: [EVENTS],
    grep: 'only a 2xx counts',
    breaks: 'a webhook follows a redirect to wherever the receiver points: signed payment events posted to another host',
  },
  {
    id: 'srv-webhook-3xx-delivered',
    file: HOOKS,
    find: 'if (status >= 200 && status < 300) {',
    replace: 'if (status >= 200 && status < 400) {',
    tests: [EVENTS],
    grep: 'only a 2xx counts',
    breaks: 'a redirect answer counts as delivered: the receiver never got the event and it is never retried',
  // ------------------------------------------------------------------ issue 22: the cancels ledger
  {
    id: 'srv-sql-cancels-over-refund',
    file: M005,
    find: 'CHECK (refunded >= 0 AND refunded <= amount - discount);',
    replace: 'CHECK (refunded >= 0);',
    tests: [LEDGER],
    grep: 'more than paid',
    breaks: 'the database lets cancels give back more than the buyer paid: a refund sent twice is money lost twice',
  },
  {
    id: 'srv-sql-cancels-counter-stale-sum',
    file: M005,
    find: 'UPDATE kpg_transactions SET refunded = refunded + delta WHERE provider = NEW.provider AND tid = NEW.tid;',
    replace:
      "UPDATE kpg_transactions SET refunded = (SELECT coalesce(sum(amount), 0) FROM kpg_cancels c WHERE c.provider = NEW.provider AND c.tid = NEW.tid AND c.status IN ('requested', 'unknown', 'done')) WHERE provider = NEW.provider AND tid = NEW.tid;",
    tests: [LEDGER],
    grep: 'two transactions racing past the store',
    breaks: 'the counter is a sum each transaction takes from its own snapshot: two racing cancels each see the other missing, and both give back',
  },
  {
    id: 'srv-sql-cancels-one-in-flight',
    file: M005,
    find: "CREATE UNIQUE INDEX kpg_cancels_one_in_flight ON kpg_cancels (provider, tid) WHERE status IN ('requested', 'unknown');",
    replace: "CREATE INDEX kpg_cancels_one_in_flight ON kpg_cancels (provider, tid) WHERE status IN ('requested', 'unknown');",
    tests: [LEDGER],
    grep: 'a second cancel in flight',
    breaks: 'a second cancel is sent while the first one\'s outcome is unknown: if both went through, the money went back twice',
  },
  {
    id: 'srv-sql-cancels-key-unique',
    file: M005,
    find: '  CONSTRAINT kpg_cancels_key UNIQUE (idempotency_key),\n',
    replace: '',
    tests: [LEDGER],
    grep: 'a second cancel in flight, a key used twice',
    breaks: 'one idempotency key names two cancels: a retried request gives the money back again',
  },
  {
    id: 'srv-sql-cancels-settled-final',
    file: M005,
    find: "  IF OLD.status IN ('done', 'failed') AND (NEW.status, NEW.amount) IS DISTINCT FROM (OLD.status, OLD.amount) THEN",
    replace: "  IF false THEN",
    tests: [LEDGER],
    grep: 'settled is final',
    breaks: 'a cancel done at the PG can be rewritten as failed: the ledger forgets money given back, and it is given back again',
  },
  {
    id: 'srv-code-cancel-unknown-is-failed',
    file: CANCELS,
    find: "return { status: 'unknown', code: 'pg-unreachable', pg_message: clip(outcome.message, 500) };",
    replace: "return { status: 'failed', code: 'pg-unreachable', pg_message: clip(outcome.message, 500) };",
    tests: [CANCELS_UNKNOWN],
    grep: 'times out is unknown',
    breaks: 'a cancel the PG did not answer counts as not made: the next cancel is sent, and the buyer may be refunded twice',
  },
  {
    id: 'srv-code-cancel-records-asked',
    file: CANCELS,
    find: '        amount: outcome.amount,\n        pg_cancel_id:',
    replace: '        amount: cancel.requested_amount ?? outcome.amount,\n        pg_cancel_id:',
    tests: [CANCELS_UNKNOWN],
    grep: 'the promotion rule',
    breaks: 'the ledger records what was asked, not what the PG gave back: a promotion payment shows a balance it no longer has',
  },
  {
    id: 'srv-code-shinhan-partial-guessed',
    file: CANCELS,
    find: "    if (cancel.pg_state_before === 'approved' && money.discount === 0) return { kind: 'done', amount: asked, nothingLeft: false };",
    replace: "    if (money.discount === 0) return { kind: 'done', amount: asked, nothingLeft: false };",
    tests: [CANCELS_UNKNOWN],
    grep: 'waits for staff',
    breaks: 'a Shinhan partial cancel confirm-info cannot prove is recorded done by guessing: money maybe never given back is marked refunded',
  },
  {
    id: 'srv-code-cancel-same-key-other-args',
    file: CANCELS,
    find: '    if (found.fingerprint !== print) {',
    replace: '    if (found.fingerprint !== print && found === null) {',
    tests: [CANCELS_SHINHAN],
    grep: 'the same key twice',
    breaks: 'the same idempotency key with another amount answers the first cancel as if it were this one: the shop believes an amount was given back that was not',
  },
  // ------------------------------------------------------------------ control
  {
    id: 'srv-control-log-text',
    file: 'src/server/reconcile.ts',
    find: "where: 'reconcile/vbank'",
    replace: "where: 'reconcile/virtual-account'",
    tests: [INV],
    grep: 'states move only along',
    breaks: 'nothing: a log field no test reads (the control: the test command must pass on it)',
    equivalent: 'control: a log line that only reconcile errors write, read by no test; proves the command can pass',
  },
];

export const SERVER_MUTANTS = LIST.map((m) => ({ ...m, env: { ...SRC, ...(m.env ?? {}) } }));
