/**
 * One order's story: what was taken and what can still be given back, the actions (give money back, the
 * receipt, settling a cancel whose outcome is unknown), and one timeline of everything that happened to it:
 * attempts and their states, refusals, cancels, money owed back, events and their deliveries, staff actions.
 * The PG's, clients' and receivers' words are shown as text under a label saying whose they are.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Cancel, Entry, Payment, Story } from '../api.js';
import { kst, won } from '../format.js';
import type { AdminModel } from '../model.js';
import type { Texts } from '../texts.js';
import { badge, errorBlock, loading, scrollFrame, whenLoaded } from './common.js';

const said = (label: string, text: string | null | undefined) => (text ? html`<p class="said"><span class="label">${label}:</span> ${text}</p>` : nothing);

function installments(t: Texts, months: string | null): string {
  if (months === null) return '';
  const n = Number(months);
  return n > 1 ? t.story.months(n) : t.story.lumpSum;
}

function summary(t: Texts, story: Story, p: Payment): TemplateResult {
  const row = (label: string, value: unknown, cls = '') => (value === '' || value === null || value === undefined ? nothing : html`<div class=${cls}><dt>${label}</dt><dd>${value}</dd></div>`);
  return html`<dl class="summary" aria-label=${t.story.summary}>
    ${row(t.story.paid, won(p.amount), 'money')}
    ${p.discount ? row(t.story.discount, won(p.discount), 'money') : nothing}
    ${row(t.story.refunded, won(p.refunded_total), 'money')}
    ${row(t.story.balance, won(p.balance), 'money balance')}
    ${row(t.cols.pg, t.providers[p.provider])}
    ${row(t.story.method, p.pay_method ? (t.methods[p.pay_method] ?? p.pay_method) : '')}
    ${row(t.cols.tid, html`<span class="mono">${p.tid}</span>`)}
    ${row(t.story.approved, p.approved_at ? kst(p.approved_at) : '')}
    ${row(t.story.card, [p.card_name, p.card_no].filter(Boolean).join(' '))}
    ${p.pay_method === 'card' ? row(t.story.install, installments(t, p.install_month)) : nothing}
    ${row(t.story.bank, p.bank_name ?? '')}
    ${p.escrow ? row(t.story.escrow, t.story.escrowOn, 'escrow') : nothing}
    ${row(t.story.buyer, story.buyer?.name ?? '')}
    ${row(t.story.phone, story.buyer?.phone ?? '')}
  </dl>`;
}

function attention(m: AdminModel, t: Texts, story: Story, c: Cancel): TemplateResult {
  const pg = t.providers[story.payment?.provider ?? 'shinhan'];
  const words = c.staff_check ? t.settle.staffCheck : t.settle.unreachable;
  return html`<section class="attention" aria-labelledby="attention-${c.id}" data-cancel-id=${c.id}>
    <h3 id="attention-${c.id}">${t.settle.title}</h3>
    <p>${words(pg, won(c.amount), c.tid, kst(c.requested_at))}</p>
    ${said(t.pgSaid, c.pg_message)}
    <div class="buttons">
      <button type="button" class="settle-done" @click=${() => m.startSettle(c, true)}>${t.settle.done}</button>
      <button type="button" class="settle-not" @click=${() => m.startSettle(c, false)}>${t.settle.notDone}</button>
    </div>
  </section>`;
}

function entryText(t: Texts, e: Entry): TemplateResult {
  switch (e.kind) {
    case 'attempt':
      return html`<b>${t.entry.attempt(e.order_no ?? '', t.providers[e.provider], won(e.amount))}</b>`;
    case 'status':
      return html`<b>${e.from ? t.entry.status(t.statuses[e.from], t.statuses[e.to]) : t.statuses[e.to]}</b>
        ${e.code ? html`<span class="detail">${t.entry.code}: <span class="mono">${e.code}</span></span>` : nothing}
        ${e.reason ? html`<span class="detail">${t.entry.reason}: ${e.reason}</span>` : nothing} ${said(t.pgSaid, e.pg_message)}`;
    case 'refusal':
      return html`<b>${t.entry.refusal(e.route, e.code)}</b>${said(t.serverSaid, e.message)}`;
    case 'cancel':
      return html`<b>${e.source === 'pg' ? t.entry.cancelFound(won(e.amount)) : t.entry.cancel(won(e.amount), t.cancelStatus[e.status] ?? e.status)}</b>
        <span class="detail">${t.cancelKind[e.cancel_kind]} · ${e.reason}${e.by ? ` · ${t.entry.by}: ${e.by}` : ''}</span>
        ${e.code ? html`<span class="detail">${t.entry.code}: <span class="mono">${e.code}</span></span>` : nothing} ${said(t.pgSaid, e.pg_message)}`;
    case 'refund-due':
      return html`<b>${t.entry.refundDue(won(e.amount), e.tid)}</b><span class="detail">${t.debts.reasons[e.reason] ?? e.reason}</span>`;
    case 'refund-resolved':
      return html`<b>${t.entry.refundResolved(e.tid)}</b><span class="detail">${e.resolution}</span>`;
    case 'event':
      return html`<b>${t.entry.event(e.type)}</b>
        <ul class="deliveries">
          ${e.deliveries.map(
            (d) => html`<li data-status=${d.status}>
              ${d.url ? html`<span class="mono">${d.url}</span>` : t.entry.handler}: ${t.entry.delivery[d.status] ?? d.status} (${t.entry.tries(d.attempts)})
              ${said(t.receiverSaid, d.last_error)}
            </li>`,
          )}
        </ul>`;
    case 'staff':
      return html`<b>${t.entry.staff(e.staff, e.action, e.http_status)}</b>${e.answer ? html`<span class="detail mono">${e.answer}</span>` : nothing}`;
  }
}

function timeline(t: Texts, story: Story): TemplateResult {
  return html`<section>
    <h3>${t.story.timeline}</h3>
    <ol class="timeline">
      ${story.timeline.map(
        (e) => html`<li class="k-${e.kind}" data-kind=${e.kind}>
          <time datetime=${e.at}>${kst(e.at)}</time>
          <div class="what">${e.order_no && e.kind !== 'attempt' ? html`<span class="no mono">${e.order_no}</span>` : nothing}${entryText(t, e)}</div>
        </li>`,
      )}
    </ol>
  </section>`;
}

function attempts(t: Texts, story: Story): TemplateResult {
  return html`<section>
    ${scrollFrame(
      'attempts-caption',
      html`<table>
        <caption id="attempts-caption">${t.story.attempts}</caption>
        <thead>
          <tr>
            <th scope="col">${t.cols.attempt}</th>
            <th scope="col">${t.cols.status}</th>
            <th scope="col" class="num">${t.cols.amount}</th>
            <th scope="col">${t.cols.pg}</th>
            <th scope="col">${t.cols.method}</th>
            <th scope="col">${t.cols.started}</th>
            <th scope="col">${t.cols.finished}</th>
            <th scope="col">${t.cols.code}</th>
            <th scope="col">${t.cols.tid}</th>
          </tr>
        </thead>
        <tbody>
          ${story.attempts.map(
            (a) => html`<tr>
              <th scope="row" class="mono nowrap">${a.order_no}</th>
              <td>${badge(t, a.status)}</td>
              <td class="num">${won(a.amount)}</td>
              <td>${t.providers[a.provider]}</td>
              <td>${a.pay_method ? (t.methods[a.pay_method] ?? a.pay_method) : ''}</td>
              <td class="time">${kst(a.created_at)}</td>
              <td class="time">${kst(a.finished_at)}</td>
              <td class="mono">${a.code ?? a.reason ?? ''}</td>
              <td class="mono">${a.tid ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>`,
    )}
  </section>`;
}

function cancels(t: Texts, story: Story): TemplateResult | typeof nothing {
  if (!story.cancels.length) return nothing;
  return html`<section>
    ${scrollFrame(
      'cancels-caption',
      html`<table class="cancels">
        <caption id="cancels-caption">${t.story.cancels}</caption>
        <thead>
          <tr>
            <th scope="col">${t.cols.requested}</th>
            <th scope="col">${t.cols.kind}</th>
            <th scope="col">${t.cols.state}</th>
            <th scope="col" class="num">${t.cols.amount}</th>
            <th scope="col">${t.cols.reason}</th>
            <th scope="col">${t.cols.by}</th>
          </tr>
        </thead>
        <tbody>
          ${story.cancels.map(
            (c) => html`<tr data-cancel-status=${c.status}>
              <td class="time">${kst(c.requested_at)}</td>
              <td>${t.cancelKind[c.kind]}</td>
              <td>${t.cancelStatus[c.status] ?? c.status}</td>
              <td class="num">${won(c.amount)}</td>
              <td>${c.reason}</td>
              <td>${c.requested_by ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>`,
    )}
  </section>`;
}

function actions(m: AdminModel, t: Texts, story: Story): TemplateResult {
  const p = story.payment;
  const flight = m.inFlight;
  const canGive = !!p && p.status === 'paid' && p.balance > 0 && !flight;
  const receipt = m.receipt;
  return html`<div class="actions">
      ${p ? html`<button type="button" class="primary give" ?disabled=${!canGive} @click=${() => m.startCancel()}>${t.story.giveBack}</button>` : nothing}
      ${p ? html`<button type="button" class="receipt" @click=${() => void m.loadReceipt()}>${t.story.receipt}</button>` : nothing}
      ${receipt.status === 'ready' && receipt.data
        ? html`<a class="receipt-link" href=${receipt.data.url} target="_blank" rel="noopener noreferrer">${t.story.receiptLink(t.providers[p?.provider ?? 'shinhan'])}</a>`
        : nothing}
    </div>
    ${receipt.status === 'loading' ? loading(t) : nothing} ${receipt.status === 'error' && receipt.error ? errorBlock(t, receipt.error) : nothing}
    ${p && !canGive ? html`<p class="note">${flight ? t.story.inFlight : p.balance <= 0 || p.status === 'refunded' ? t.story.nothingLeft : ''}</p>` : nothing}`;
}

export function storyView(m: AdminModel, t: Texts): TemplateResult {
  const story = m.story.data?.order_id === m.orderId ? m.story : { ...m.story, data: undefined };
  return html`
    <button type="button" class="back" @click=${() => void m.go('orders')}><span aria-hidden="true">←</span> ${t.story.back}</button>
    <h2 class="title" id="view-title" tabindex="-1">
      ${t.story.title(m.orderId ?? '')}
      ${story.data?.payment ? badge(t, story.data.payment.status, story.data.payment.refunded_total) : nothing}
    </h2>
    ${whenLoaded(
      t,
      story,
      (s) => html`
        ${s.payment ? summary(t, s, s.payment) : html`<p class="empty">${t.story.noPayment}</p>`} ${actions(m, t, s)}
        ${s.cancels.filter((c) => c.status === 'unknown').map((c) => attention(m, t, s, c))} ${timeline(t, s)} ${attempts(t, s)} ${cancels(t, s)}
      `,
      () => void m.loadStory(),
    )}
  `;
}
