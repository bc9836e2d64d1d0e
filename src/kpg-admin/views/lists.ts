/** Money owed back (refund_due), event deliveries that failed, and reconcile() run now with its report. */
import { html, nothing, type TemplateResult } from 'lit';
import type { DeliveryRow, RefundDue, Report } from '../api.js';
import { kst, won } from '../format.js';
import type { AdminModel } from '../model.js';
import type { Texts } from '../texts.js';
import { loading, scrollFrame, whenLoaded } from './common.js';

const orderButton = (m: AdminModel, t: Texts, orderId: string) =>
  html`<button type="button" class="link" aria-label=${t.search.open(orderId)} @click=${() => void m.open(orderId)}>${orderId}</button>`;

function debtsTable(m: AdminModel, t: Texts, items: RefundDue[]): TemplateResult {
  if (!items.length) return html`<p class="empty">${t.debts.none}</p>`;
  return scrollFrame(
    'debts-caption',
    html`<table class="debts">
      <caption id="debts-caption">${t.debts.caption}</caption>
      <thead>
        <tr>
          <th scope="col">${t.cols.recorded}</th>
          <th scope="col">${t.cols.order}</th>
          <th scope="col" class="num">${t.cols.amount}</th>
          <th scope="col">${t.cols.reason}</th>
          <th scope="col">${t.cols.state}</th>
          <th scope="col">${t.cols.pg}</th>
          <th scope="col">${t.cols.tid}</th>
          <th scope="col">${t.cols.action}</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (d) => html`<tr data-tid=${d.tid} data-resolved=${d.resolved_at ? 'yes' : 'no'}>
            <td class="time">${kst(d.recorded_at, false)}</td>
            <th scope="row">${orderButton(m, t, d.order_id)}</th>
            <td class="num">${won(d.amount)}</td>
            <td>${t.debts.reasons[d.reason] ?? d.reason}</td>
            <td>${d.resolved_at ? t.debts.resolved(d.resolution ?? '') : t.debts.open}</td>
            <td>${t.providers[d.provider]}</td>
            <td class="mono">${d.tid}</td>
            <td class="row-actions">
              ${d.resolved_at
                ? nothing
                : html`<button type="button" class="cancel-due" @click=${() => m.startCancelDue(d)}>${t.debts.cancelAtPg}</button>
                    <button type="button" class="resolve" @click=${() => m.startResolve(d)}>${t.debts.resolve}</button>`}
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

export function debtsView(m: AdminModel, t: Texts): TemplateResult {
  return html`
    <h2 class="title" id="view-title" tabindex="-1">${t.debts.title}</h2>
    <p class="intro">${t.debts.intro}</p>
    <label class="check"><input type="checkbox" .checked=${m.showResolved} @change=${(e: Event) => void m.toggleResolved((e.target as HTMLInputElement).checked)} />${t.debts.showResolved}</label>
    ${whenLoaded(t, m.debts, (items) => debtsTable(m, t, items), () => void m.loadDebts())}
  `;
}

function deliveriesTable(m: AdminModel, t: Texts, items: DeliveryRow[]): TemplateResult {
  if (!items.length) return html`<p class="empty">${t.deliveries.none(m.deadOnly)}</p>`;
  return scrollFrame(
    'deliveries-caption',
    html`<table class="deliveries">
      <caption id="deliveries-caption">${t.deliveries.caption(m.deadOnly)}</caption>
      <thead>
        <tr>
          <th scope="col">${t.cols.created}</th>
          <th scope="col">${t.cols.type}</th>
          <th scope="col">${t.cols.order}</th>
          <th scope="col">${t.cols.target}</th>
          <th scope="col" class="num">${t.cols.attempts}</th>
          <th scope="col">${t.cols.lastError}</th>
          <th scope="col">${t.cols.next}</th>
          <th scope="col">${t.cols.action}</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (d) => html`<tr data-event-id=${d.event_id} data-target=${d.target}>
            <td class="time">${kst(d.created_at, false)}</td>
            <th scope="row" class="mono nowrap">${d.type}</th>
            <td>${orderButton(m, t, d.order_id)}</td>
            <td class="target">${d.url ? html`<span class="mono">${d.url}</span>` : t.entry.handler}</td>
            <td class="num">${d.attempts}</td>
            <td class="error-text">${d.last_error ?? ''}</td>
            <td class="time">${d.status === 'pending' ? kst(d.next_at, false) : ''}</td>
            <td><button type="button" class="retry-one" ?disabled=${m.retrying.has(d.event_id)} @click=${() => void m.retry(d.event_id)}>${t.deliveries.retry}</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

export function deliveriesView(m: AdminModel, t: Texts): TemplateResult {
  return html`
    <h2 class="title" id="view-title" tabindex="-1">${t.deliveries.title}</h2>
    <p class="intro">${t.deliveries.intro}</p>
    <div class="toolbar">
      <div class="toggle" role="group" aria-label=${t.deliveries.filter}>
        <button type="button" aria-pressed=${m.deadOnly ? 'true' : 'false'} @click=${() => void m.showDead(true)}>${t.deliveries.dead}</button>
        <button type="button" aria-pressed=${m.deadOnly ? 'false' : 'true'} @click=${() => void m.showDead(false)}>${t.deliveries.failing}</button>
      </div>
      ${m.deadOnly && m.deliveries.data?.length
        ? html`<button type="button" class="retry-all" ?disabled=${m.retrying.has('*')} @click=${() => void m.retry(null)}>${t.deliveries.retryAll}</button>`
        : nothing}
    </div>
    ${whenLoaded(t, m.deliveries, (items) => deliveriesTable(m, t, items), () => void m.loadDeliveries())}
  `;
}

function reportList(title: string, rows: Array<{ key: string; text: unknown }>): TemplateResult | typeof nothing {
  if (!rows.length) return nothing;
  return html`<section class="group">
    <h4>${title} <span class="n">${rows.length}</span></h4>
    <ul>
      ${rows.map((r) => html`<li data-key=${r.key}>${r.text}</li>`)}
    </ul>
  </section>`;
}

function report(m: AdminModel, t: Texts, r: Report): TemplateResult {
  if (!r.ran) return html`<p class="note" role="status">${t.reconcile.notRan}</p>`;
  const st = (s: string) => t.statuses[s as keyof Texts['statuses']] ?? s;
  const cancels = r.cancels ?? { settled: [], unknown: [], found: [], attention: [] };
  const pruned = Object.entries(r.pruned).filter(([, n]) => n > 0);
  const groups = [
    reportList(t.reconcile.settled, r.settled.map((s) => ({ key: s.order_no, text: html`${orderButton(m, t, s.order_id)} <span class="mono">${s.order_no}</span> ${t.entry.status(st(s.from), st(s.to))}` }))),
    reportList(t.reconcile.found, cancels.found.map((c) => ({ key: String(c.cancel_id), text: html`${orderButton(m, t, c.order_id)} ${won(c.amount)}` }))),
    reportList(t.reconcile.cancelsSettled, cancels.settled.map((c) => ({ key: String(c.cancel_id), text: html`${orderButton(m, t, c.order_id)} ${t.cancelStatus[c.status] ?? c.status}` }))),
    reportList(t.reconcile.attention, [
      ...cancels.unknown.filter((c) => c.staff_check).map((c) => ({ key: String(c.cancel_id), text: html`${orderButton(m, t, c.order_id)} ${t.settle.title}` })),
      ...cancels.attention.map((a, i) => ({ key: `a${i}`, text: html`${orderButton(m, t, a.order_id)} ${a.message}` })),
    ]),
    reportList(t.reconcile.cancelsUnknown, cancels.unknown.filter((c) => !c.staff_check).map((c) => ({ key: String(c.cancel_id), text: html`${orderButton(m, t, c.order_id)} ${kst(c.since)}` }))),
    reportList(t.reconcile.unsettled, r.unsettled.map((u) => ({ key: u.order_no, text: html`${orderButton(m, t, u.order_id)} <span class="mono">${u.order_no}</span> ${st(u.status)}` }))),
    reportList(t.reconcile.expired, r.expired.map((e) => ({ key: e.order_no, text: html`${orderButton(m, t, e.order_id)} <span class="mono">${e.order_no}</span> ${st(e.to)}` }))),
    reportList(t.reconcile.refundsDue, r.refundsDue.map((d) => ({ key: d.tid, text: html`${orderButton(m, t, d.order_id)} ${won(d.amount)} (${t.debts.reasons[d.reason] ?? d.reason})` }))),
    reportList(t.reconcile.pruned, pruned.map(([what, n]) => ({ key: what, text: `${what}: ${n}` }))),
  ].filter((g) => g !== nothing);
  return html`<section class="report" aria-labelledby="report-title">
    <h3 id="report-title">${t.reconcile.report}</h3>
    ${groups.length ? groups : html`<p class="empty">${t.reconcile.nothing}</p>`}
  </section>`;
}

export function reconcileView(m: AdminModel, t: Texts): TemplateResult {
  const running = m.report.status === 'loading';
  return html`
    <h2 class="title" id="view-title" tabindex="-1">${t.reconcile.title}</h2>
    <p class="intro">${t.reconcile.intro}</p>
    <button type="button" class="primary run" ?disabled=${running} @click=${() => void m.runReconcile()}>${t.reconcile.run}</button>
    ${running ? loading(t, t.reconcile.running) : whenLoaded(t, m.report, (r) => report(m, t, r), () => void m.runReconcile())}
  `;
}
