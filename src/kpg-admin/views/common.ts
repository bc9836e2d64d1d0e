/**
 * Pieces every screen uses: the loading line, the error block (fixed words per failure; the server's own
 * words only as text), status badges, sortable column headers (native `<th>` with `aria-sort`), and the
 * scrolling frame a wide table sits in on a phone.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { StaffApiError, Status } from '../api.js';
import type { Load } from '../model.js';
import type { Texts } from '../texts.js';

export function loading(t: Texts, what = t.loading): TemplateResult {
  return html`<p class="loading" role="status"><span class="spin" aria-hidden="true"></span>${what}</p>`;
}

/** Fixed words for what went wrong; the server's `message` follows as text, labelled. */
export function errorText(t: Texts, e: StaffApiError): string {
  if (e.code === 'config') return t.config;
  if (e.status === 403) return t.forbidden;
  if (e.status === 404 && e.code === 'not-found') return t.off;
  if (e.code === 'timeout') return t.timeout;
  if (e.status === 0 && e.code === 'network') return t.network;
  if (e.code === 'bad-answer') return t.badAnswer;
  return t.failed(e.status, e.code);
}

export function errorBlock(t: Texts, e: StaffApiError, retry?: () => void): TemplateResult {
  const said = e.status >= 400 && e.message && e.code !== 'config' ? e.message : '';
  return html`<div class="error" role="alert">
    <p>${errorText(t, e)}</p>
    ${said ? html`<p class="said"><span class="label">${t.serverSaid}:</span> ${said}</p>` : nothing}
    ${retry && e.status !== 403 && e.code !== 'config' ? html`<button type="button" class="retry" @click=${retry}>${t.retry}</button>` : nothing}
  </div>`;
}

/** A screen's load: the spinner, the error, or `ready(data)`. Data kept from the last load stays while a new one runs. */
export function whenLoaded<T>(t: Texts, load: Load<T>, ready: (data: T) => unknown, retry?: () => void): unknown {
  if (load.status === 'error' && load.error) return errorBlock(t, load.error, retry);
  if (load.data !== undefined) return html`${load.status === 'loading' ? loading(t) : nothing}${ready(load.data)}`;
  if (load.status === 'loading') return loading(t);
  return nothing;
}

/** A status as a badge: the word carries the meaning; the tint only helps the eye. */
export function badge(t: Texts, status: Status, refunded = 0): TemplateResult {
  const partly = status === 'paid' && refunded > 0;
  return html`<span class="badge s-${status}${partly ? ' partly' : ''}" data-status=${status}>${partly ? t.partly : t.statuses[status]}</span>`;
}

/** A column header that sorts: the button names the column, `aria-sort` says how it is sorted now. */
export function sortHeader(label: string, sorted: 'asc' | 'desc' | null, onSort: () => void, numeric = false): TemplateResult {
  return html`<th scope="col" class=${numeric ? 'num' : ''} aria-sort=${sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
    <button type="button" class="sort" @click=${onSort}>${label}<span class="arrow" aria-hidden="true">${sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}</span></button>
  </th>`;
}

/** A wide table on a narrow screen scrolls inside a frame keyboard users can focus and scroll. */
export function scrollFrame(labelId: string, table: TemplateResult): TemplateResult {
  return html`<div class="scroll" role="region" tabindex="0" aria-labelledby=${labelId}>${table}</div>`;
}
