/**
 * Issue 23 end to end: the staff console `<kpg-admin>` against the real kpg-checkout/server (the demo's,
 * mounted in the test server, on PGlite) and the sandbox PGs, clicking as staff would. A buyer pays through
 * the widget and the Shinhan sandbox; a staff member signs in with the demo's staff cookie, finds the order,
 * opens its story, gives part of it back (the confirmation shows the amount and the balance after it), sees
 * the balance, gives the rest back, sees `refunded`; with the shop's receiver down, an event's delivery dies
 * (the demo clock moved past three days) and staff re-queue it from the console; a cancel made in the PG's
 * admin site is found by reconcile, run from the console. The buyer's cookie alone opens nothing; the ready
 * page the server module serves shows the console signed in. (Resolving a debt is tested on the real server's route, both engines, in
 * test/node/server-staff-console.test.mjs: no buyer flow in the browser makes a refund_due entry on demand.)
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import './elements.js';
import { SCRIPT } from './elements.js';
import type { KpgCheckout } from '../src/index.js';
import { SHINHAN_PAY_PAGE, SHINHAN_SCRIPT, closeSandboxWindows, newOrder, payButton, pgWindow, realClick, recordEvents, sandbox, waitFor } from './helpers.js';

/** The console: the built dist/kpg-admin.js under npm test, else the source. */
async function loadConsole(): Promise<void> {
  if (customElements.get('kpg-admin')) return;
  if (!SCRIPT) {
    await import('../src/kpg-admin/index.js');
    return;
  }
  const script = document.createElement('script');
  script.src = '/__fixture/dist/kpg-admin.js';
  await new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => reject(new Error('dist/kpg-admin.js did not load: run npm run build'));
    document.head.append(script);
  });
  await customElements.whenDefined('kpg-admin');
}

const staffGet = (path: string) => fetch(`/api/kpg/staff${path}`, { headers: { 'X-KPG-Staff': '1' } });

async function signIn(name: string): Promise<void> {
  const res = await fetch('/api/demo/staff-login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
  expect(res.status).to.equal(200);
}
const signOut = () => fetch('/api/demo/staff-logout', { method: 'POST' });

/** A Shinhan card payment of a demo order (p2: ₩55,000), as a buyer makes it. */
async function paidOrder(escrow = false): Promise<{ orderId: string; tid: string }> {
  const orderId = await newOrder('p2');
  // The buyer chooses escrow in Shinhan's window: the sandbox's return then says escr_yn=Y (issue 25).
  if (escrow) expect((await sandbox('shinhan', '/__sandbox/settings', { escr_yn: 'Y' })).status).to.equal(200);
  try {
    const el = await mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" order-id=${orderId}
      session-url="/api/kpg/session" result-url="/api/kpg/result" script-src=${SHINHAN_SCRIPT}></kpg-checkout>`);
    const rec = recordEvents(el);
    await realClick(payButton(el));
    await pgWindow({ url: SHINHAN_PAY_PAGE, action: 'click', selector: '#approve' });
    const outcome = await rec.outcome(12000);
    expect(outcome.type).to.equal('kpg-success');
    fixtureCleanup();
    return { orderId, tid: outcome.detail.tid };
  } finally {
    if (escrow) await sandbox('shinhan', '/__sandbox/settings', { escr_yn: null });
  }
}

type Admin = HTMLElement & { view?: string };
const $ = (admin: Admin, selector: string) => admin.shadowRoot!.querySelector<HTMLElement>(selector);

async function clickIn(admin: Admin, selector: string, what = selector): Promise<void> {
  await waitFor(() => !!$(admin, selector) && !($(admin, selector) as HTMLButtonElement).disabled, `no ${what}`, { timeout: 10000 });
  await realClick($(admin, selector)!);
}

/** Types into an input of the console (value + the events a form reads). */
function typeIn(admin: Admin, selector: string, text: string): void {
  const input = $(admin, selector) as HTMLInputElement;
  if (!input) throw new Error(`no ${selector}`);
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

const balanceText = (admin: Admin) => $(admin, '.summary .balance dd')?.textContent?.trim();

/** Gives money back through the dialog: part of it (amount) or everything left. Returns the confirmation's text. */
async function giveBack(admin: Admin, amount: number | null, reason: string): Promise<string> {
  await clickIn(admin, 'button.give', 'the give-back button');
  await waitFor(() => !!$(admin, 'dialog[open] form.cancel-form'), 'no cancel form');
  if (amount !== null) {
    await realClick($(admin, 'input[value="part"]')!);
    await waitFor(() => !!$(admin, 'input[name="amount"]'), 'no amount field');
    typeIn(admin, 'input[name="amount"]', String(amount));
  }
  typeIn(admin, 'input[name="reason"]', reason);
  await clickIn(admin, 'dialog button.review', 'the review button');
  await waitFor(() => !!$(admin, 'dialog[open] button.submit'), 'no confirmation');
  const confirmation = ($(admin, 'dialog[open]')!.textContent ?? '').replace(/\s+/g, ' ');
  await clickIn(admin, 'dialog button.submit', 'the confirm button');
  await waitFor(() => !!$(admin, 'dialog .result[data-status="done"]'), 'the cancel was not done', { timeout: 15000 });
  await clickIn(admin, 'dialog button.close', 'the close button');
  await waitFor(() => !$(admin, 'dialog[open]'), 'the dialog stayed open');
  return confirmation;
}

afterEach(async () => {
  fixtureCleanup();
  await closeSandboxWindows();
  await signOut();
  await fetch('/api/demo/receiver', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ down: false }) });
  await fetch('/api/demo/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reset: true }) });
});

describe('the staff console against the real server (issue 23)', () => {
  before(loadConsole);

  it('the buyer\'s cookie opens no staff route; the demo staff cookie does', async () => {
    await newOrder('p1'); // this browser now holds a buyer cookie
    expect((await staffGet('/me')).status).to.equal(403);
    await signIn('kim');
    const me = await (await staffGet('/me')).json();
    expect(me).to.include({ staff: 'staff:kim' });
    // No custom header: a cross-site form could not send one, and the route refuses without it.
    expect((await fetch('/api/kpg/staff/me')).status).to.equal(403);

    // The ready page the server module serves for shops without an admin: the console, signed in.
    const frame = document.createElement('iframe');
    frame.src = '/api/kpg/staff/';
    frame.style.width = '1280px';
    frame.style.height = '600px';
    document.body.append(frame);
    try {
      const who = () => frame.contentDocument?.querySelector('kpg-admin')?.shadowRoot?.querySelector('.who')?.textContent ?? '';
      await waitFor(() => who().includes('staff:kim'), 'the ready page did not show the console signed in', { timeout: 10000 });
      expect(frame.contentDocument!.querySelectorAll('script').length).to.equal(1); // its own script, nothing inline
    } finally {
      frame.remove();
    }
  });

  it('find an order, open its story, give part back (amount and balance after), see the balance, give the rest, see refunded', async function () {
    this.timeout(60000);
    const { orderId, tid } = await paidOrder(true);
    await signIn('kim');
    const admin = await mount<Admin>(html`<kpg-admin api-url="/api/kpg/staff" lang="en"></kpg-admin>`);
    await waitFor(() => !!$(admin, 'form.search input[name="q"]'), 'no search box', { timeout: 10000 });

    // Find it by its TID (exact), then open it.
    typeIn(admin, 'form.search input[name="q"]', tid);
    await realClick($(admin, 'form.search button[type="submit"]')!);
    await waitFor(() => admin.shadowRoot!.querySelectorAll('table.orders tbody tr').length === 1 && $(admin, 'table.orders tbody tr button.link')?.textContent === orderId, 'the order was not found by its TID', { timeout: 10000 });
    const row = $(admin, 'table.orders tbody tr')!.textContent!;
    expect(row).to.contain('₩55,000');
    expect(row).to.contain('홍*동'); // the buyer's name, masked in the list
    await realClick($(admin, 'table.orders tbody tr button.link')!);
    await waitFor(() => admin.getAttribute('view') === 'order' && !!$(admin, 'button.give'), 'the story did not open', { timeout: 10000 });
    expect(balanceText(admin)).to.equal('₩55,000');
    // Paid with escrow (escr_yn=Y): the story's summary says so.
    expect($(admin, '.summary .escrow dd')?.textContent?.trim()).to.equal("Applies (the buyer chose it in the PG's window)");
    expect([...admin.shadowRoot!.querySelectorAll('ol.timeline li')].map((li) => li.getAttribute('data-kind'))).to.include.members(['attempt', 'status', 'event']);

    // Part of it: the confirmation says what goes back and what is left after it.
    const confirmation = await giveBack(admin, 5000, 'partial e2e');
    expect(confirmation).to.contain('₩5,000');
    expect(confirmation).to.contain('₩50,000');
    await waitFor(() => balanceText(admin) === '₩50,000', `the balance is ${balanceText(admin)}, not ₩50,000`, { timeout: 10000 });
    expect($(admin, '.summary')!.textContent).to.contain('₩5,000'); // given back so far

    // The rest: refunded.
    const rest = await giveBack(admin, null, 'the rest e2e');
    expect(rest).to.contain('₩50,000');
    await waitFor(() => balanceText(admin) === '₩0' && !!$(admin, '.badge[data-status="refunded"]'), 'not refunded', { timeout: 10000 });
    expect(($(admin, 'button.give') as HTMLButtonElement).disabled, 'nothing left to give back').to.equal(true);
    const story = await (await staffGet(`/orders/${orderId}`)).json();
    expect(story.payment).to.include({ status: 'refunded', refunded_total: 55000, balance: 0 });
    expect(story.cancels.map((c: { amount: number; requested_by: string }) => [c.amount, c.requested_by])).to.deep.equal([[5000, 'staff:kim'], [50000, 'staff:kim']]);
    // Both actions are in the audit table, with who did them.
    const audit = await (await staffGet(`/audit?order_id=${orderId}`)).json();
    expect(audit.items.map((e: { action: string; staff: string; http_status: number }) => [e.action, e.staff, e.http_status])).to.deep.equal([['cancel', 'staff:kim', 200], ['cancel', 'staff:kim', 200]]);
  });

  it('a cancel made in the PG\'s admin site behind the shop\'s back: reconcile now, from the console, finds it; the story shows it', async function () {
    this.timeout(60000);
    const { orderId, tid } = await paidOrder();
    expect((await sandbox('shinhan', '/__sandbox/admin', { tid, reason: 'admin site' })).status).to.equal(200);
    await signIn('kim');
    const admin = await mount<Admin>(html`<kpg-admin api-url="/api/kpg/staff" view="reconcile" lang="en"></kpg-admin>`);
    await clickIn(admin, 'button.run', 'the run button');
    const found = () => [...admin.shadowRoot!.querySelectorAll<HTMLButtonElement>('.report button.link')].find((b) => b.textContent === orderId);
    await waitFor(() => !!found(), 'the report does not name the order', { timeout: 15000 });
    expect(found()!.closest('li, p, div')!.textContent).to.contain('₩55,000');
    await realClick(found()!);
    await waitFor(() => admin.getAttribute('view') === 'order' && balanceText(admin) === '₩0', 'the story does not show it given back', { timeout: 10000 });
    const story = await (await staffGet(`/orders/${orderId}`)).json();
    expect(story.payment).to.include({ status: 'refunded', refunded_total: 55000 });
    expect(story.cancels.map((c: { source: string; amount: number }) => [c.source, c.amount])).to.deep.equal([['pg', 55000]]);
    const audit = await (await staffGet('/audit?limit=1')).json();
    expect(audit.items[0]).to.include({ action: 'reconcile', staff: 'staff:kim', http_status: 200, answer: 'ran' });
  });

  it('retry a dead webhook: the shop\'s receiver is down for three days; staff re-queue the delivery and it is delivered', async function () {
    this.timeout(60000);
    await fetch('/api/demo/receiver', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ down: true }) });
    const { orderId } = await paidOrder();
    await signIn('kim');
    const failing = async (status: string) => ((await (await staffGet(`/deliveries?status=${status}`)).json()).items as Array<{ order_id: string; event_id: string }>).filter((d) => d.order_id === orderId);
    await waitFor(async () => (await failing('failing')).length > 0, 'the delivery did not fail', { timeout: 15000 });
    // Three days later (the demo's clock) it is tried once more, fails, and is dead.
    await fetch('/api/demo/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advance_ms: 3 * 86_400_000 + 60_000 }) });
    await waitFor(async () => (await failing('dead')).length > 0, 'the delivery did not die', { timeout: 15000 });
    await fetch('/api/demo/receiver', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ down: false }) });

    const admin = await mount<Admin>(html`<kpg-admin api-url="/api/kpg/staff" view="deliveries" lang="en"></kpg-admin>`);
    const [dead] = await failing('dead');
    await waitFor(() => [...admin.shadowRoot!.querySelectorAll('table.deliveries tbody tr')].some((tr) => tr.textContent!.includes(orderId)), 'the dead delivery is not listed', { timeout: 10000 });
    const rowOf = () => [...admin.shadowRoot!.querySelectorAll('table.deliveries tbody tr')].find((tr) => tr.textContent!.includes(orderId));
    expect(rowOf()!.textContent).to.contain('the demo ERP is down');
    await realClick(rowOf()!.querySelector<HTMLButtonElement>('button.retry-one')!);
    await waitFor(async () => (await failing('dead')).length === 0, 'still dead after the retry', { timeout: 15000 });
    await waitFor(() => !rowOf(), 'the row stayed in the console', { timeout: 10000 });
    const story = await (await staffGet(`/orders/${orderId}`)).json();
    const event = story.timeline.find((e: { kind: string; event_id?: string }) => e.kind === 'event' && e.event_id === dead.event_id);
    await waitFor(async () => {
      const s = await (await staffGet(`/orders/${orderId}`)).json();
      return s.timeline.some((e: { kind: string; event_id?: string; deliveries?: Array<{ status: string }> }) => e.event_id === dead.event_id && e.deliveries!.every((d) => d.status === 'delivered'));
    }, 'the re-queued event was not delivered', { timeout: 15000 });
    expect(event).to.exist;
    const audit = await (await staffGet(`/audit?order_id=${orderId}`)).json();
    expect(audit.items[0]).to.include({ action: 'deliveries/retry', staff: 'staff:kim', http_status: 200, answer: 'requeued 1' });
  });
});
