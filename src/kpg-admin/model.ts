/**
 * What the console knows and does, without a DOM: each screen's data as it loads, the open dialog's steps,
 * and every request to the staff API (api.ts). The element (kpg-admin.ts) renders it and re-renders when it
 * changes (a Lit reactive controller). A screen's answer that arrives after staff moved on is dropped.
 *
 * Exactly once, from the console's side: a change is sent by one function that refuses to send while its
 * request is in flight (a double click sends one request), and a cancel carries an idempotency key made when
 * staff review it and kept while they send the same cancel again (a lost answer, then "send" again): the server
 * answers the first cancel instead of making a second one. Other arguments get a new key.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  CancelAnswerSchema,
  DeliveriesSchema,
  MeSchema,
  OrdersSchema,
  ReceiptSchema,
  RefundsDueSchema,
  ReportSchema,
  RequeuedSchema,
  ResolvedSchema,
  StaffApiError,
  StorySchema,
  call,
  type Cancel,
  type CancelAnswer,
  type DeliveryRow,
  type Me,
  type Orders,
  type RefundDue,
  type Report,
  type Status,
  type Story,
} from './api.js';
import { newKey, parseWon } from './format.js';

export const VIEWS = ['orders', 'order', 'debts', 'deliveries', 'reconcile'] as const;
export type View = (typeof VIEWS)[number];

export interface Load<T> {
  status: 'idle' | 'loading' | 'ready' | 'error';
  data?: T;
  error?: StaffApiError;
}
const idle = <T>(): Load<T> => ({ status: 'idle' });

export interface OrdersQuery {
  q: string;
  from: string;
  to: string;
  status: '' | Status;
  provider: '' | 'shinhan' | 'smartro';
  sort: 'created_at' | 'amount';
  dir: 'asc' | 'desc';
  page: number;
}
export const PAGE_SIZE = 20;
const FIRST_QUERY: OrdersQuery = { q: '', from: '', to: '', status: '', provider: '', sort: 'created_at', dir: 'desc', page: 1 };

/** A field the staff member must fix, and why (the view words it). */
export interface Invalid {
  field: string;
  why: 'amount' | 'taxfree' | 'reason' | 'account' | 'note';
}

export interface CancelForm {
  whole: boolean;
  amount: string;
  taxfree: string;
  reason: string;
  bank_code: string;
  account_no: string;
  holder: string;
}

/** The one dialog open at a time, and its step. */
export type Dialog =
  | {
      kind: 'cancel';
      step: 'form' | 'confirm' | 'result';
      form: CancelForm;
      invalid?: Invalid;
      /** What will be sent (confirm) and its key, kept while the same cancel is sent again. */
      body?: Record<string, unknown>;
      key?: string;
      keyFor?: string;
      amount?: number;
      balanceAfter?: number;
      busy?: boolean;
      /** The last send got no answer: sending again reuses the key. */
      lost?: boolean;
      error?: StaffApiError;
      answer?: CancelAnswer;
    }
  | { kind: 'settle'; cancel: Cancel; done: boolean; amount: string; note: string; invalid?: Invalid; busy?: boolean; error?: StaffApiError }
  | { kind: 'resolve'; due: RefundDue; note: string; invalid?: Invalid; busy?: boolean; error?: StaffApiError }
  | {
      kind: 'cancel-due';
      due: RefundDue;
      step: 'form' | 'confirm' | 'result';
      reason: string;
      invalid?: Invalid;
      key?: string;
      keyFor?: string;
      busy?: boolean;
      lost?: boolean;
      error?: StaffApiError;
      answer?: CancelAnswer;
    };

export interface ModelHost extends ReactiveControllerHost {
  /** The staff API's base (null: api-url is missing or not on this origin). */
  readonly apiBase: URL | null;
  /** Milliseconds per request (reconcile gets more: it asks the PGs). */
  readonly timeoutMs: number;
  /** Staff moved to another screen (the element reflects it and fires kpg-admin-navigate). */
  navigated(view: View, orderId: string | null): void;
  /** A sentence for the live region (results counted, an action's outcome). */
  announce(text: Notice): void;
}

export type Notice =
  | { kind: 'results'; from: number; to: number; total: number }
  | { kind: 'requeued'; count: number }
  | { kind: 'settled' }
  | { kind: 'resolved' };

export class AdminModel implements ReactiveController {
  me: Load<Me> = idle();
  view: View = 'orders';
  query: OrdersQuery = { ...FIRST_QUERY };
  orders: Load<Orders> = idle();
  orderId: string | null = null;
  story: Load<Story> = idle();
  receipt: Load<{ url: string }> = idle();
  showResolved = false;
  debts: Load<RefundDue[]> = idle();
  deadOnly = true;
  deliveries: Load<DeliveryRow[]> = idle();
  report: Load<Report> = idle();
  dialog: Dialog | null = null;
  /** Per row: a retry in flight (event id). */
  retrying = new Set<string>();

  #seq: Record<string, number> = {};
  /** The change being sent (one at a time, whatever is clicked). */
  #sending = false;

  constructor(private readonly host: ModelHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  #changed(): void {
    this.host.requestUpdate();
  }

  /** Loads into `slot` unless a newer load of the same slot started meanwhile. */
  async #load<K extends 'me' | 'orders' | 'story' | 'receipt' | 'debts' | 'deliveries' | 'report', T>(slot: K, run: (base: URL) => Promise<T>, keep = false): Promise<T | undefined> {
    const seq = (this.#seq[slot] = (this.#seq[slot] ?? 0) + 1);
    const base = this.host.apiBase;
    const previous = this[slot] as Load<unknown>;
    (this as Record<string, unknown>)[slot] = { status: 'loading', ...(keep && previous.data !== undefined ? { data: previous.data } : {}) };
    this.#changed();
    try {
      if (!base) throw new StaffApiError(0, 'config', 'api-url');
      const data = await run(base);
      if (seq !== this.#seq[slot]) return undefined;
      (this as Record<string, unknown>)[slot] = { status: 'ready', data };
      this.#changed();
      return data;
    } catch (error) {
      if (seq !== this.#seq[slot]) return undefined;
      const e = error instanceof StaffApiError ? error : new StaffApiError(0, 'bad-answer', String(error));
      (this as Record<string, unknown>)[slot] = { status: 'error', error: e };
      this.#changed();
      return undefined;
    }
  }

  #get<T>(path: string, schema: Parameters<typeof call<T>>[2]['schema'], query?: Record<string, string | number | undefined>, timeoutMs = this.host.timeoutMs) {
    return (base: URL) => call(base, path, { schema, query, timeoutMs });
  }

  /** The first screen: who is signed in (403: no access), then the screen asked for. */
  async start(view: View, orderId: string | null): Promise<void> {
    const me = await this.#load('me', this.#get('/me', MeSchema));
    if (!me) return;
    await this.go(view, orderId, false);
  }

  /** Everything again (the retry button of a screen that failed). */
  async reload(): Promise<void> {
    if (this.me.status !== 'ready') return this.start(this.view, this.orderId);
    await this.go(this.view, this.orderId, false);
  }

  async go(view: View, orderId: string | null = null, announce = true): Promise<void> {
    if (view === 'order' && !orderId) view = 'orders';
    this.view = view;
    this.orderId = view === 'order' ? orderId : this.orderId;
    if (announce) this.host.navigated(view, view === 'order' ? orderId : null);
    this.#changed();
    if (this.me.status !== 'ready') return;
    if (view === 'orders') await this.search();
    else if (view === 'order') await this.loadStory();
    else if (view === 'debts') await this.loadDebts();
    else if (view === 'deliveries') await this.loadDeliveries();
  }

  // ------------------------------------------------------------------ orders

  async search(change: Partial<OrdersQuery> = {}): Promise<void> {
    this.query = { ...this.query, ...change };
    const q = this.query;
    const orders = await this.#load(
      'orders',
      this.#get('/orders', OrdersSchema, {
        q: q.q.trim() || undefined,
        from: q.from || undefined,
        to: q.to || undefined,
        status: q.status || undefined,
        provider: q.provider || undefined,
        sort: q.sort,
        dir: q.dir,
        page: q.page,
        limit: PAGE_SIZE,
      }),
      true,
    );
    if (orders) {
      const from = orders.total ? (orders.page - 1) * orders.limit + 1 : 0;
      this.host.announce({ kind: 'results', from, to: from ? from + orders.items.length - 1 : 0, total: orders.total });
    }
  }

  /** A header's sort button: the same column flips the direction, another starts descending. */
  sortBy(column: OrdersQuery['sort']): Promise<void> {
    const dir = this.query.sort === column && this.query.dir === 'desc' ? 'asc' : 'desc';
    return this.search({ sort: column, dir, page: 1 });
  }

  clear(): Promise<void> {
    return this.search({ ...FIRST_QUERY });
  }

  // ------------------------------------------------------------------ one order

  open(orderId: string): Promise<void> {
    this.receipt = idle();
    return this.go('order', orderId);
  }

  async loadStory(): Promise<void> {
    const id = this.orderId;
    if (!id) return;
    if (this.story.data && this.story.data.order_id !== id) {
      this.story = idle();
      this.receipt = idle();
    }
    await this.#load('story', this.#get(`/orders/${encodeURIComponent(id)}`, StorySchema), true);
  }

  async loadReceipt(): Promise<void> {
    const id = this.orderId;
    if (!id) return;
    await this.#load('receipt', this.#get('/receipt', ReceiptSchema, { order_id: id }));
  }

  /** The cancel of this order the server waits on (requested or unknown): nothing new until it is settled. */
  get inFlight(): Cancel | undefined {
    return this.story.data?.cancels.find((c) => c.status === 'requested' || c.status === 'unknown');
  }

  // ------------------------------------------------------------------ giving money back

  startCancel(): void {
    if (!this.story.data?.payment || this.#sending) return;
    this.dialog = { kind: 'cancel', step: 'form', form: { whole: true, amount: '', taxfree: '', reason: '', bank_code: '', account_no: '', holder: '' } };
    this.#changed();
  }

  /** The form as staff left it (the amount field shows for "part of it" only). */
  editCancel(form: CancelForm): void {
    const d = this.dialog;
    if (d?.kind !== 'cancel' || d.step !== 'form') return;
    this.dialog = { ...d, form, invalid: undefined };
    this.#changed();
  }

  /** The form's values checked here (the server checks them again): the confirmation shows what will be sent. */
  reviewCancel(form: CancelForm): void {
    const d = this.dialog;
    const payment = this.story.data?.payment;
    if (d?.kind !== 'cancel' || !payment) return;
    const invalid = (field: string, why: Invalid['why']) => {
      this.dialog = { ...d, form, invalid: { field, why } };
      this.#changed();
    };
    const amount = form.whole ? payment.balance : parseWon(form.amount);
    if (amount === null || amount < 1 || amount > payment.balance) return invalid('amount', 'amount');
    const taxfree = form.taxfree.trim() === '' ? undefined : parseWon(form.taxfree);
    if (taxfree === null || (taxfree !== undefined && taxfree > amount)) return invalid('taxfree', 'taxfree');
    const reason = form.reason.trim();
    if (reason.length < 1 || reason.length > 100) return invalid('reason', 'reason');
    let refund_account: Record<string, string> | undefined;
    if (payment.pay_method === 'vbank' && (form.bank_code || form.account_no || form.holder)) {
      if (!/^\d{3}$/.test(form.bank_code) || !/^\d{6,14}$/.test(form.account_no) || form.holder.trim().length < 1 || form.holder.trim().length > 20) {
        return invalid('bank_code', 'account');
      }
      refund_account = { bank_code: form.bank_code, account_no: form.account_no, holder: form.holder.trim() };
    }
    const body: Record<string, unknown> = {
      order_id: this.story.data!.order_id,
      ...(form.whole ? {} : { amount }),
      ...(taxfree !== undefined ? { taxfree_amount: taxfree } : {}),
      reason,
      ...(refund_account ? { refund_account } : {}),
    };
    const keyFor = JSON.stringify(body);
    const key = d.keyFor === keyFor && d.key ? d.key : newKey();
    this.dialog = { kind: 'cancel', step: 'confirm', form, body, key, keyFor, amount, balanceAfter: payment.balance - amount, lost: d.keyFor === keyFor ? d.lost : false };
    this.#changed();
  }

  backToForm(): void {
    const d = this.dialog;
    if ((d?.kind === 'cancel' || d?.kind === 'cancel-due') && !d.busy) {
      this.dialog = { ...d, step: 'form', error: undefined } as Dialog;
      this.#changed();
    }
  }

  /** Sends the reviewed cancel once; a second call while it is in flight does nothing. */
  async submitCancel(): Promise<void> {
    const d = this.dialog;
    const base = this.host.apiBase;
    if (d?.kind !== 'cancel' || d.step !== 'confirm' || !d.body || !d.key || !base || this.#sending) return;
    this.#sending = true;
    this.dialog = { ...d, busy: true, error: undefined };
    this.#changed();
    try {
      const answer = await call(base, '/cancel', { method: 'POST', body: { ...d.body, idempotency_key: d.key }, schema: CancelAnswerSchema, timeoutMs: this.host.timeoutMs * 3 });
      this.dialog = { ...d, step: 'result', busy: false, lost: false, answer };
      void this.loadStory();
    } catch (error) {
      const e = error instanceof StaffApiError ? error : new StaffApiError(0, 'network', String(error));
      // No answer (network, timeout, 5xx): the cancel may have happened; the same key goes with the next try.
      this.dialog = { ...d, busy: false, error: e, lost: e.status === 0 || e.status >= 500 };
    } finally {
      this.#sending = false;
      this.#changed();
    }
  }

  // ------------------------------------------------------------------ an unknown cancel, settled by staff

  startSettle(cancel: Cancel, done: boolean): void {
    if (this.#sending) return;
    this.dialog = { kind: 'settle', cancel, done, amount: String(cancel.amount), note: '' };
    this.#changed();
  }

  async submitSettle(amountText: string, note: string): Promise<void> {
    const d = this.dialog;
    const base = this.host.apiBase;
    if (d?.kind !== 'settle' || !base || this.#sending) return;
    const amount = parseWon(amountText);
    if (d.done && (amount === null || amount < 1)) {
      this.dialog = { ...d, amount: amountText, note, invalid: { field: 'amount', why: 'amount' } };
      return this.#changed();
    }
    this.#sending = true;
    this.dialog = { ...d, amount: amountText, note, invalid: undefined, busy: true, error: undefined };
    this.#changed();
    try {
      const body = { cancel_id: d.cancel.id, done: d.done, ...(d.done ? { amount } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
      await call(base, '/cancels/confirm', { method: 'POST', body, schema: CancelAnswerSchema, timeoutMs: this.host.timeoutMs });
      this.dialog = null;
      this.host.announce({ kind: 'settled' });
      void this.loadStory();
    } catch (error) {
      this.dialog = { ...d, amount: amountText, note, busy: false, error: error instanceof StaffApiError ? error : new StaffApiError(0, 'network', String(error)) };
    } finally {
      this.#sending = false;
      this.#changed();
    }
  }

  // ------------------------------------------------------------------ money owed back

  async loadDebts(): Promise<void> {
    await this.#load('debts', async (base) => (await call(base, '/refunds-due', { schema: RefundsDueSchema, query: { resolved: this.showResolved ? 1 : 0 }, timeoutMs: this.host.timeoutMs })).items, true);
  }

  toggleResolved(show: boolean): Promise<void> {
    this.showResolved = show;
    return this.loadDebts();
  }

  startResolve(due: RefundDue): void {
    if (this.#sending) return;
    this.dialog = { kind: 'resolve', due, note: '' };
    this.#changed();
  }

  async submitResolve(note: string): Promise<void> {
    const d = this.dialog;
    const base = this.host.apiBase;
    if (d?.kind !== 'resolve' || !base || this.#sending) return;
    if (note.trim().length < 1 || note.trim().length > 200) {
      this.dialog = { ...d, note, invalid: { field: 'note', why: 'note' } };
      return this.#changed();
    }
    this.#sending = true;
    this.dialog = { ...d, note, invalid: undefined, busy: true, error: undefined };
    this.#changed();
    try {
      await call(base, '/refunds-due/resolve', { method: 'POST', body: { provider: d.due.provider, tid: d.due.tid, note: note.trim() }, schema: ResolvedSchema, timeoutMs: this.host.timeoutMs });
      this.dialog = null;
      this.host.announce({ kind: 'resolved' });
      void this.loadDebts();
    } catch (error) {
      this.dialog = { ...d, note, busy: false, error: error instanceof StaffApiError ? error : new StaffApiError(0, 'network', String(error)) };
    } finally {
      this.#sending = false;
      this.#changed();
    }
  }

  startCancelDue(due: RefundDue): void {
    if (this.#sending) return;
    this.dialog = { kind: 'cancel-due', due, step: 'form', reason: '' };
    this.#changed();
  }

  reviewCancelDue(reason: string): void {
    const d = this.dialog;
    if (d?.kind !== 'cancel-due') return;
    const r = reason.trim();
    if (r.length < 1 || r.length > 100) {
      this.dialog = { ...d, reason, invalid: { field: 'reason', why: 'reason' } };
      return this.#changed();
    }
    const keyFor = JSON.stringify([d.due.provider, d.due.tid, r]);
    this.dialog = { ...d, step: 'confirm', reason, invalid: undefined, keyFor, key: d.keyFor === keyFor && d.key ? d.key : newKey(), lost: d.keyFor === keyFor ? d.lost : false };
    this.#changed();
  }

  async submitCancelDue(): Promise<void> {
    const d = this.dialog;
    const base = this.host.apiBase;
    if (d?.kind !== 'cancel-due' || d.step !== 'confirm' || !d.key || !base || this.#sending) return;
    this.#sending = true;
    this.dialog = { ...d, busy: true, error: undefined };
    this.#changed();
    try {
      const answer = await call(base, '/cancel-due', { method: 'POST', body: { tid: d.due.tid, reason: d.reason.trim(), idempotency_key: d.key }, schema: CancelAnswerSchema, timeoutMs: this.host.timeoutMs * 3 });
      this.dialog = { ...d, step: 'result', busy: false, lost: false, answer };
      void this.loadDebts();
    } catch (error) {
      const e = error instanceof StaffApiError ? error : new StaffApiError(0, 'network', String(error));
      this.dialog = { ...d, busy: false, error: e, lost: e.status === 0 || e.status >= 500 };
    } finally {
      this.#sending = false;
      this.#changed();
    }
  }

  closeDialog(): void {
    const d = this.dialog;
    if (!d || ('busy' in d && d.busy)) return;
    this.dialog = null;
    this.#changed();
  }

  // ------------------------------------------------------------------ deliveries

  async loadDeliveries(): Promise<void> {
    await this.#load('deliveries', async (base) => (await call(base, '/deliveries', { schema: DeliveriesSchema, query: { status: this.deadOnly ? 'dead' : 'failing' }, timeoutMs: this.host.timeoutMs })).items, true);
  }

  showDead(dead: boolean): Promise<void> {
    this.deadOnly = dead;
    return this.loadDeliveries();
  }

  /** Queues one event's deliveries again (`eventId`), or every dead one. */
  async retry(eventId: string | null): Promise<void> {
    const base = this.host.apiBase;
    const key = eventId ?? '*';
    if (!base || this.retrying.has(key)) return;
    this.retrying.add(key);
    this.#changed();
    try {
      const answer = await call(base, '/deliveries/retry', { method: 'POST', body: eventId ? { event_id: eventId } : { dead: true }, schema: RequeuedSchema, timeoutMs: this.host.timeoutMs });
      this.host.announce({ kind: 'requeued', count: answer.requeued });
      await this.loadDeliveries();
    } catch (error) {
      this.deliveries = { ...this.deliveries, status: 'error', error: error instanceof StaffApiError ? error : new StaffApiError(0, 'network', String(error)) };
    } finally {
      this.retrying.delete(key);
      this.#changed();
    }
  }

  // ------------------------------------------------------------------ reconcile()

  /** Runs reconcile() on the server now; a second call while it runs does nothing. */
  async runReconcile(): Promise<void> {
    if (this.report.status === 'loading') return;
    await this.#load('report', (base) => call(base, '/reconcile', { method: 'POST', body: {}, schema: ReportSchema, timeoutMs: Math.max(this.host.timeoutMs, 120_000) }));
  }
}
