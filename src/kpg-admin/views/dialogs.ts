/**
 * The one modal dialog (a native `<dialog>`: focus stays inside, Escape closes it unless a request is in
 * flight) and its steps: giving money back (form, then a confirmation with the amount and the balance after
 * it, then the answer), settling an unknown cancel, giving a refund_due entry back at the PG, and marking
 * one resolved. The element focuses `[data-focus]` whenever a step appears.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { CancelAnswer, StaffApiError } from '../api.js';
import { kst, won } from '../format.js';
import type { AdminModel, CancelForm, Dialog, Invalid } from '../model.js';
import type { Texts } from '../texts.js';
import { errorBlock } from './common.js';

type Of<K extends Dialog['kind']> = Extract<Dialog, { kind: K }>;

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

function invalidText(t: Texts, invalid: Invalid | undefined, max: number): string {
  if (!invalid) return '';
  switch (invalid.why) {
    case 'amount':
      return t.cancel.badAmount(won(max));
    case 'taxfree':
      return t.cancel.badTaxfree;
    case 'reason':
      return t.cancel.badReason;
    case 'account':
      return t.cancel.badAccount;
    case 'note':
      return t.debts.badNote;
  }
}

/** An input's invalid state and the message it points at. */
const bad = (invalid: Invalid | undefined, ...fields: string[]) => (invalid && fields.includes(invalid.field) ? 'true' : 'false');

function buttons(t: Texts, m: AdminModel, primary: TemplateResult, busy = false, back = false): TemplateResult {
  return html`<div class="buttons dialog-buttons">
    ${back
      ? html`<button type="button" class="back-step" ?disabled=${busy} @click=${() => m.backToForm()}>${t.back}</button>`
      : html`<button type="button" class="close" ?disabled=${busy} @click=${() => m.closeDialog()}>${t.close}</button>`}
    ${primary}
  </div>`;
}

function sendingLine(t: Texts, busy: boolean | undefined): TemplateResult {
  return html`<p class="message" role="status">${busy ? t.cancel.sending : ''}</p>`;
}

function failure(t: Texts, error: StaffApiError | undefined, lost: boolean | undefined): TemplateResult | typeof nothing {
  if (!error) return nothing;
  return html`${errorBlock(t, error)}${lost ? html`<p class="note again">${t.cancel.again}</p>` : nothing}`;
}

function answerText(t: Texts, a: CancelAnswer): TemplateResult {
  if (a.status === 'done') return html`<p class="result" role="status" data-status="done">${t.cancel.done(won(a.cancelled_amount), won(a.balance))}</p>`;
  if (a.status === 'unknown') return html`<p class="result" role="alert" data-status="unknown">${t.cancel.unknown}</p>`;
  return html`<div class="result" role="alert" data-status="refused">
    <p>${t.cancel.refused(a.code ?? 'refused')}</p>
    ${a.message ? html`<p class="said"><span class="label">${t.serverSaid}:</span> ${a.message}</p>` : nothing}
  </div>`;
}

// ------------------------------------------------------------------------------ give money back

function cancelForm(m: AdminModel, t: Texts, d: Of<'cancel'>): TemplateResult {
  const p = m.story.data?.payment;
  const balance = p?.balance ?? 0;
  const f = d.form;
  const read = (form: HTMLFormElement): CancelForm => {
    const data = new FormData(form);
    return {
      whole: text(data, 'how') !== 'part',
      amount: text(data, 'amount'),
      taxfree: text(data, 'taxfree'),
      reason: text(data, 'reason'),
      bank_code: text(data, 'bank_code'),
      account_no: text(data, 'account_no'),
      holder: text(data, 'holder'),
    };
  };
  const message = invalidText(t, d.invalid, balance);
  return html`<h2 id="dialog-title">${t.cancel.title(m.story.data?.order_id ?? '')}</h2>
    <form
      class="cancel-form"
      novalidate
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        m.reviewCancel(read(e.target as HTMLFormElement));
      }}
      @change=${(e: Event) => {
        // Everything left / part of it: the amount field appears or goes (what was typed is kept).
        const target = e.target as HTMLInputElement;
        if (target.name === 'how') m.editCancel(read(target.form!));
      }}
    >
      <fieldset>
        <legend>${t.cancel.how}</legend>
        <label class="choice"><input type="radio" name="how" value="whole" .checked=${f.whole} data-focus />${t.cancel.whole(won(balance))}</label>
        <label class="choice"><input type="radio" name="how" value="part" .checked=${!f.whole} />${t.cancel.part}</label>
      </fieldset>
      ${f.whole
        ? nothing
        : html`<label
            >${t.cancel.amount}<input name="amount" inputmode="numeric" autocomplete="off" .value=${f.amount} aria-invalid=${bad(d.invalid, 'amount')} aria-describedby="dialog-invalid"
          /></label>`}
      <label
        >${t.cancel.taxfree}<input name="taxfree" inputmode="numeric" autocomplete="off" .value=${f.taxfree} aria-invalid=${bad(d.invalid, 'taxfree')} aria-describedby="dialog-invalid"
      /></label>
      <label
        >${t.cancel.reason}<input name="reason" maxlength="100" autocomplete="off" .value=${f.reason} aria-invalid=${bad(d.invalid, 'reason')} aria-describedby="reason-hint dialog-invalid" />
        <span class="hint" id="reason-hint">${t.cancel.reasonHint}</span></label
      >
      ${p?.pay_method === 'vbank'
        ? html`<fieldset>
            <legend>${t.cancel.account}</legend>
            <label>${t.cancel.bankCode}<input name="bank_code" inputmode="numeric" maxlength="3" .value=${f.bank_code} aria-invalid=${bad(d.invalid, 'bank_code')} /></label>
            <label>${t.cancel.accountNo}<input name="account_no" inputmode="numeric" maxlength="14" .value=${f.account_no} aria-invalid=${bad(d.invalid, 'bank_code')} /></label>
            <label>${t.cancel.holder}<input name="holder" maxlength="20" .value=${f.holder} aria-invalid=${bad(d.invalid, 'bank_code')} /></label>
          </fieldset>`
        : nothing}
      <p class="message" role="alert" id="dialog-invalid">${message}</p>
      ${buttons(t, m, html`<button type="submit" class="primary review">${t.cancel.review}</button>`)}
    </form>`;
}

function cancelConfirm(m: AdminModel, t: Texts, d: Of<'cancel'>): TemplateResult {
  const amount = d.amount ?? 0;
  const taxfree = typeof d.body?.taxfree_amount === 'number' ? d.body.taxfree_amount : null;
  return html`<h2 id="dialog-title">${t.cancel.confirmTitle}</h2>
    <dl class="confirm">
      <div><dt>${t.cancel.order}</dt><dd>${m.story.data?.order_id}</dd></div>
      <div class="money"><dt>${t.cancel.giveBack}</dt><dd class="amount">${won(amount)}</dd></div>
      ${taxfree !== null ? html`<div><dt>${t.cancel.taxfree}</dt><dd>${won(taxfree)}</dd></div>` : nothing}
      <div class="money"><dt>${t.cancel.after}</dt><dd class="after">${won(d.balanceAfter ?? 0)}</dd></div>
      <div><dt>${t.cancel.reason}</dt><dd>${String(d.body?.reason ?? '')}</dd></div>
    </dl>
    ${failure(t, d.error, d.lost)} ${sendingLine(t, d.busy)}
    ${buttons(t, m, html`<button type="button" class="primary submit" data-focus ?disabled=${!!d.busy} @click=${() => void m.submitCancel()}>${t.cancel.submit(won(amount))}</button>`, d.busy, true)}`;
}

function cancelResult(m: AdminModel, t: Texts, d: Of<'cancel'> | Of<'cancel-due'>): TemplateResult {
  return html`<h2 id="dialog-title">${d.kind === 'cancel' ? t.cancel.title(m.story.data?.order_id ?? '') : t.debts.cancelTitle(d.due.tid)}</h2>
    ${d.answer ? answerText(t, d.answer) : nothing}
    <div class="buttons dialog-buttons"><button type="button" class="close" data-focus @click=${() => m.closeDialog()}>${t.close}</button></div>`;
}

// ------------------------------------------------------------------------------ settle an unknown cancel

function settle(m: AdminModel, t: Texts, d: Of<'settle'>): TemplateResult {
  const c = d.cancel;
  return html`<h2 id="dialog-title">${d.done ? t.settle.doneTitle : t.settle.notDoneTitle}</h2>
    <dl class="confirm">
      <div><dt>${t.cols.tid}</dt><dd class="mono">${c.tid}</dd></div>
      <div class="money"><dt>${t.cols.amount}</dt><dd>${won(c.amount)}</dd></div>
      <div><dt>${t.cols.requested}</dt><dd>${kst(c.requested_at)}</dd></div>
    </dl>
    <form
      novalidate
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        const data = new FormData(e.target as HTMLFormElement);
        void m.submitSettle(text(data, 'amount'), text(data, 'note'));
      }}
    >
      ${d.done
        ? html`<label
            >${t.settle.amount}<input name="amount" inputmode="numeric" autocomplete="off" .value=${d.amount} data-focus aria-invalid=${bad(d.invalid, 'amount')} aria-describedby="dialog-invalid"
          /></label>`
        : nothing}
      <label>${t.settle.note}<textarea name="note" maxlength="500" rows="2" .value=${d.note} ?data-focus=${!d.done}></textarea></label>
      <p class="message" role="alert" id="dialog-invalid">${d.invalid ? t.cancel.badAmount(won(c.amount)) : ''}</p>
      ${d.error ? errorBlock(t, d.error) : nothing} ${sendingLine(t, d.busy)}
      ${buttons(t, m, html`<button type="submit" class="primary confirm-settle" ?disabled=${!!d.busy}>${t.settle.confirm}</button>`, d.busy)}
    </form>`;
}

// ------------------------------------------------------------------------------ money owed back

function resolve(m: AdminModel, t: Texts, d: Of<'resolve'>): TemplateResult {
  return html`<h2 id="dialog-title">${t.debts.resolveTitle(d.due.tid)}</h2>
    <p>${won(d.due.amount)} · ${t.providers[d.due.provider]} · ${t.debts.reasons[d.due.reason] ?? d.due.reason}</p>
    <form
      novalidate
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        void m.submitResolve(text(new FormData(e.target as HTMLFormElement), 'note'));
      }}
    >
      <label>${t.debts.note}<textarea name="note" maxlength="200" rows="2" .value=${d.note} data-focus aria-invalid=${bad(d.invalid, 'note')} aria-describedby="dialog-invalid"></textarea></label>
      <p class="message" role="alert" id="dialog-invalid">${invalidText(t, d.invalid, 0)}</p>
      ${d.error ? errorBlock(t, d.error) : nothing} ${sendingLine(t, d.busy)}
      ${buttons(t, m, html`<button type="submit" class="primary confirm-resolve" ?disabled=${!!d.busy}>${t.debts.resolve}</button>`, d.busy)}
    </form>`;
}

function cancelDue(m: AdminModel, t: Texts, d: Of<'cancel-due'>): TemplateResult {
  if (d.step === 'result') return cancelResult(m, t, d);
  const due = d.due;
  if (d.step === 'confirm') {
    return html`<h2 id="dialog-title">${t.cancel.confirmTitle}</h2>
      <p>${t.debts.cancelConfirm(won(due.amount), t.providers[due.provider])}</p>
      <dl class="confirm">
        <div><dt>${t.cancel.order}</dt><dd>${due.order_id}</dd></div>
        <div><dt>${t.cols.tid}</dt><dd class="mono">${due.tid}</dd></div>
        <div class="money"><dt>${t.cancel.giveBack}</dt><dd class="amount">${won(due.amount)}</dd></div>
        <div><dt>${t.cancel.reason}</dt><dd>${d.reason}</dd></div>
      </dl>
      ${failure(t, d.error, d.lost)} ${sendingLine(t, d.busy)}
      ${buttons(t, m, html`<button type="button" class="primary submit" data-focus ?disabled=${!!d.busy} @click=${() => void m.submitCancelDue()}>${t.cancel.submit(won(due.amount))}</button>`, d.busy, true)}`;
  }
  return html`<h2 id="dialog-title">${t.debts.cancelTitle(due.tid)}</h2>
    <p>${won(due.amount)} · ${t.providers[due.provider]} · ${t.debts.reasons[due.reason] ?? due.reason}</p>
    <form
      novalidate
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        m.reviewCancelDue(text(new FormData(e.target as HTMLFormElement), 'reason'));
      }}
    >
      <label
        >${t.cancel.reason}<input name="reason" maxlength="100" autocomplete="off" .value=${d.reason} data-focus aria-invalid=${bad(d.invalid, 'reason')} aria-describedby="dialog-invalid"
      /></label>
      <p class="message" role="alert" id="dialog-invalid">${invalidText(t, d.invalid, 0)}</p>
      ${buttons(t, m, html`<button type="submit" class="primary review">${t.cancel.review}</button>`)}
    </form>`;
}

/** The open dialog's content (nothing when none is open). */
export function dialogContent(m: AdminModel, t: Texts): unknown {
  const d = m.dialog;
  if (!d) return nothing;
  switch (d.kind) {
    case 'cancel':
      return d.step === 'form' ? cancelForm(m, t, d) : d.step === 'confirm' ? cancelConfirm(m, t, d) : cancelResult(m, t, d);
    case 'settle':
      return settle(m, t, d);
    case 'resolve':
      return resolve(m, t, d);
    case 'cancel-due':
      return cancelDue(m, t, d);
  }
}

