/** The search screen: the form, the attempts found (a native table, sortable by time and amount), pages. */
import { html, nothing, type TemplateResult } from 'lit';
import { STATUSES, type Orders } from '../api.js';
import { kst, won } from '../format.js';
import type { AdminModel, OrdersQuery } from '../model.js';
import type { Texts } from '../texts.js';
import { badge, scrollFrame, sortHeader, whenLoaded } from './common.js';

function submit(m: AdminModel, event: SubmitEvent): void {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  const text = (name: string) => String(form.get(name) ?? '');
  void m.search({
    q: text('q'),
    from: text('from'),
    to: text('to'),
    status: text('status') as OrdersQuery['status'],
    provider: text('provider') as OrdersQuery['provider'],
    page: 1,
  });
}

function results(m: AdminModel, t: Texts, orders: Orders): TemplateResult {
  const q = m.query;
  if (!orders.items.length) return html`<p class="empty">${t.search.none}</p>`;
  const pages = Math.max(1, Math.ceil(orders.total / orders.limit));
  const first = (orders.page - 1) * orders.limit + 1;
  const sorted = (column: OrdersQuery['sort']) => (q.sort === column ? q.dir : null);
  return html`
    <p class="count">${t.search.count(first, first + orders.items.length - 1, orders.total)}</p>
    ${scrollFrame(
      'orders-caption',
      html`<table class="orders">
        <caption id="orders-caption">${t.search.caption}</caption>
        <thead>
          <tr>
            ${sortHeader(t.cols.started, sorted('created_at'), () => void m.sortBy('created_at'))}
            <th scope="col">${t.cols.order}</th>
            <th scope="col">${t.cols.status}</th>
            ${sortHeader(t.cols.amount, sorted('amount'), () => void m.sortBy('amount'), true)}
            <th scope="col" class="num">${t.cols.refunded}</th>
            <th scope="col">${t.cols.buyer}</th>
            <th scope="col">${t.cols.phone}</th>
            <th scope="col">${t.cols.pg}</th>
            <th scope="col">${t.cols.attempt}</th>
            <th scope="col">${t.cols.tid}</th>
          </tr>
        </thead>
        <tbody>
          ${orders.items.map(
            (row) => html`<tr data-order-no=${row.order_no}>
              <td class="time">${kst(row.created_at, false)}</td>
              <th scope="row"><button type="button" class="link" aria-label=${t.search.open(row.order_id)} @click=${() => void m.open(row.order_id)}>${row.order_id}</button></th>
              <td>${badge(t, row.status, row.refunded_total)}</td>
              <td class="num">${won(row.amount)}</td>
              <td class="num">${row.refunded_total ? won(row.refunded_total) : ''}</td>
              <td>${row.buyer_name ?? ''}</td>
              <td class="nowrap">${row.buyer_phone ?? ''}</td>
              <td>${t.providers[row.provider]}</td>
              <td class="mono nowrap">${row.order_no}</td>
              <td class="mono">${row.tid ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>`,
    )}
    ${pages > 1
      ? html`<nav class="pager" aria-label=${t.search.pages}>
          <button type="button" ?disabled=${orders.page <= 1} @click=${() => void m.search({ page: orders.page - 1 })}>${t.search.prev}</button>
          <span>${t.search.page(orders.page, pages)}</span>
          <button type="button" ?disabled=${orders.page >= pages} @click=${() => void m.search({ page: orders.page + 1 })}>${t.search.next}</button>
        </nav>`
      : nothing}
  `;
}

export function ordersView(m: AdminModel, t: Texts): TemplateResult {
  const q = m.query;
  return html`
    <h2 class="title" id="view-title" tabindex="-1">${t.search.title}</h2>
    <form class="search" role="search" aria-label=${t.search.form} @submit=${(e: SubmitEvent) => submit(m, e)}>
      <label class="q">${t.search.q}<input name="q" type="search" maxlength="100" autocomplete="off" .value=${q.q} /></label>
      <label>${t.search.from}<input name="from" type="date" .value=${q.from} /></label>
      <label>${t.search.to}<input name="to" type="date" .value=${q.to} /></label>
      <label
        >${t.search.status}<select name="status" .value=${q.status}>
          <option value="">${t.search.all}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${t.statuses[s]}</option>`)}
        </select></label
      >
      <label
        >${t.search.provider}<select name="provider" .value=${q.provider}>
          <option value="">${t.search.all}</option>
          <option value="shinhan">${t.providers.shinhan}</option>
          <option value="smartro">${t.providers.smartro}</option>
        </select></label
      >
      <div class="buttons">
        <button type="submit" class="primary">${t.search.submit}</button>
        <button
          type="button"
          @click=${(e: Event) => {
            // Back to the form's defaults (also what was typed and not searched yet), then the first search.
            (e.target as HTMLButtonElement).form?.reset();
            void m.clear();
          }}
        >
          ${t.search.clear}
        </button>
      </div>
    </form>
    ${whenLoaded(t, m.orders, (orders) => results(m, t, orders), () => void m.search())}
  `;
}
