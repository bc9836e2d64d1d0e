import { css, unsafeCSS } from 'lit';
import { litStyles } from '../lit-styles.js';

/**
 * The console's look, on the buyer elements' design system (shared.styles.ts: the theme's custom properties,
 * the two-tone focus ring, buttons and their states, the alert line). Tables are native and scroll inside a
 * focusable frame when the console is narrower than they are (a phone: 390 px); forms stack there. Status
 * badges carry a word (the tint only helps); input borders contrast 3:1 with the surface; amounts and times
 * use tabular figures. (`String(...)`: lit-styles.ts may hand CSS text or a lit CSSResult.)
 */
export const styles = [
  // The shared styles with the retry button's, as the picker and the receipt take them (lit-styles.ts).
  unsafeCSS(String(litStyles)),
  css`
  :host {
    display: block;
    font-size: 14px;
  }
  .base {
    --ok: var(--kpg-success-color, color-mix(in srgb, #12b76a 70%, var(--om)));
    --warn: var(--kpg-warning-color, #f79009);
    --soft: color-mix(in srgb, var(--om) 72%, var(--m));
    --edge: color-mix(in srgb, var(--om) 55%, var(--m));
    container-type: inline-size;
    font-variant-numeric: tabular-nums;
  }
  h2 {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 10px;
    margin: 16px 0 12px;
    font-size: 20px;
    line-height: 1.3;
  }
  h2:focus {
    outline: none;
  }
  h2:focus-visible {
    outline: 2px solid var(--kpg-focus-color, var(--a));
  }
  h3 {
    margin: 24px 0 8px;
    font-size: 16px;
  }
  h4 {
    margin: 16px 0 6px;
    font-size: 14px;
  }
  p {
    margin: 0 0 8px;
  }
  .intro,
  .note,
  .hint,
  .count {
    color: var(--soft);
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding-bottom: 8px;
    border-bottom: 1px solid var(--line);
  }
  .sections {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .sections button {
    min-height: 36px;
    border-color: transparent;
    font-weight: 600;
  }
  .sections button[aria-current='page'] {
    border-color: var(--a);
    background: color-mix(in srgb, var(--a) 12%, var(--m));
  }
  .who {
    color: var(--soft);
    font-size: 13px;
  }
  button.primary {
    --hv: #000;
    border-color: var(--a);
    background-color: var(--kpg-primary-color, var(--_pf));
    color: var(--kpg-on-primary-color, var(--_pl));
  }
  button.link {
    min-height: 32px;
    padding: 0 6px;
    border-color: transparent;
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 3px;
  }
  .back {
    min-height: 36px;
    margin-top: 12px;
  }
  .buttons,
  .actions,
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .actions {
    margin: 12px 0;
  }
  .toolbar {
    justify-content: space-between;
    margin-bottom: 12px;
  }
  .toggle {
    display: inline-flex;
  }
  .toggle button {
    border-radius: 0;
  }
  .toggle button:first-child {
    border-radius: var(--r) 0 0 var(--r);
  }
  .toggle button:last-child {
    border-radius: 0 var(--r) var(--r) 0;
    border-left: none;
  }
  .toggle [aria-pressed='true'] {
    background: color-mix(in srgb, var(--a) 16%, var(--m));
  }
  .receipt-link {
    color: inherit;
    text-underline-offset: 3px;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-weight: 600;
  }
  label.check,
  label.choice {
    flex-direction: row;
    align-items: center;
    gap: 8px;
    font-weight: 400;
  }
  label.check {
    margin-bottom: 12px;
  }
  input,
  select,
  textarea {
    box-sizing: border-box;
    min-height: 40px;
    padding: 6px 10px;
    border: 1px solid var(--edge);
    border-radius: var(--r);
    background: var(--m);
    color: var(--om);
    font: inherit;
    font-weight: 400;
  }
  input::-webkit-calendar-picker-indicator:focus-visible {
    outline: 2px solid var(--kpg-focus-color, var(--a));
    outline-offset: 1px;
  }
  input[type='radio'],
  input[type='checkbox'] {
    min-height: 0;
    width: 18px;
    height: 18px;
    margin: 0;
    accent-color: var(--a);
  }
  [aria-invalid='true'] {
    border: 2px solid var(--e);
  }
  fieldset {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin: 0;
    padding: 10px 12px 12px;
    border: 1px solid var(--line);
    border-radius: var(--r);
  }
  legend {
    padding: 0 4px;
    font-weight: 600;
  }
  .search {
    display: grid;
    grid-template-columns: minmax(0, 2fr) repeat(4, minmax(0, 1fr));
    gap: 12px;
    align-items: end;
    margin-bottom: 12px;
  }
  .search .buttons {
    grid-column: 1 / -1;
  }
  .scroll {
    overflow-x: auto;
    border: 1px solid var(--line);
    border-radius: var(--r);
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  .scroll table {
    min-width: 640px;
  }
  caption {
    padding: 8px 10px;
    font-weight: 600;
    text-align: start;
  }
  th,
  td {
    padding: 8px 10px;
    border-top: 1px solid var(--line);
    text-align: start;
    vertical-align: middle;
  }
  thead th {
    color: var(--soft);
    font-size: 13px;
    white-space: nowrap;
  }
  tbody th {
    font-weight: 600;
  }
  .num {
    text-align: end;
    white-space: nowrap;
  }
  .time {
    white-space: nowrap;
  }
  .view section {
    margin-top: 20px;
  }
  .nowrap,
  button.link {
    white-space: nowrap;
  }
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 12.5px;
    overflow-wrap: anywhere;
  }
  th[aria-sort] {
    padding: 2px 4px;
  }
  button.sort {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    min-height: 32px;
    padding: 0 6px;
    border-color: transparent;
    color: inherit;
    font-size: inherit;
  }
  th.num button.sort {
    margin-left: auto;
  }
  th.num[aria-sort] {
    text-align: end;
  }
  .arrow {
    font-size: 11px;
  }
  .badge {
    --tone: var(--soft);
    display: inline-block;
    padding: 1px 8px;
    border: 1px solid color-mix(in srgb, var(--tone) 70%, var(--m));
    border-radius: 999px;
    background: color-mix(in srgb, var(--tone) 14%, var(--m));
    font-size: 12.5px;
    font-weight: 600;
    white-space: nowrap;
  }
  .s-paid,
  .s-refunded {
    --tone: var(--ok);
  }
  .s-paid.partly {
    --tone: var(--a);
  }
  .s-unknown,
  .s-processing,
  .s-awaiting_deposit {
    --tone: var(--warn);
  }
  .s-failed {
    --tone: var(--e);
  }
  .pager {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 12px;
    margin-top: 12px;
  }
  .summary {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
    gap: 8px 16px;
    margin: 0;
    padding: 12px 14px;
    border: 1px solid var(--line);
    border-radius: var(--r);
  }
  .summary dt,
  .confirm dt {
    color: var(--soft);
    font-size: 13px;
  }
  .summary dd,
  .confirm dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .summary .money dd {
    font-size: 18px;
    font-weight: 700;
  }
  .attention {
    margin: 16px 0;
    padding: 12px 14px;
    border: 1px solid var(--warn);
    border-left-width: 4px;
    border-radius: var(--r);
    background: color-mix(in srgb, var(--warn) 8%, var(--m));
  }
  .attention h3 {
    margin-top: 0;
  }
  .said {
    margin: 4px 0 0;
    font-size: 13px;
    overflow-wrap: anywhere;
  }
  .label {
    color: var(--soft);
  }
  .error {
    padding: 10px 12px;
    margin: 12px 0;
    border-left: 3px solid var(--e);
    border-radius: 0 var(--r) var(--r) 0;
    background: color-mix(in srgb, var(--e) 10%, var(--m));
  }
  .error p:last-of-type {
    margin-bottom: 0;
  }
  .retry {
    margin-top: 8px;
    min-height: 32px;
  }
  .error-text {
    min-width: 16ch;
    overflow-wrap: anywhere;
  }
  .timeline {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .timeline > li {
    display: grid;
    grid-template-columns: 10.5em minmax(0, 1fr);
    gap: 4px 12px;
    padding: 8px 0 8px 14px;
    border-left: 2px solid var(--line);
    position: relative;
  }
  .timeline > li::before {
    content: '';
    position: absolute;
    left: -6px;
    top: 14px;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--m);
    border: 2px solid var(--edge);
    box-sizing: border-box;
  }
  .timeline .k-cancel::before,
  .timeline .k-staff::before {
    border-color: var(--a);
  }
  .timeline .k-refusal::before {
    border-color: var(--e);
  }
  .timeline time {
    color: var(--soft);
    white-space: nowrap;
  }
  .what {
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .what .no {
    color: var(--soft);
  }
  .detail {
    font-size: 13px;
  }
  .deliveries {
    margin: 4px 0 0;
    padding-left: 18px;
  }
  .row-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .row-actions button,
  td button {
    min-height: 32px;
    padding: 0 10px;
    white-space: nowrap;
  }
  .group ul {
    margin: 0;
    padding-left: 18px;
  }
  .group .n {
    color: var(--soft);
    font-weight: 400;
  }
  .loading {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 12px 0;
  }
  .spin {
    flex: none;
    box-sizing: border-box;
    width: 16px;
    height: 16px;
    border: 2.5px solid;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spin {
      animation: none;
      border: 3px dotted;
    }
  }
  .empty {
    padding: 16px;
    border: 1px dashed var(--line);
    border-radius: var(--r);
    text-align: center;
  }
  dialog {
    box-sizing: border-box;
    width: min(520px, calc(100vw - 24px));
    max-height: calc(100dvh - 24px);
    padding: 20px;
    border: 1px solid var(--line);
    border-radius: calc(var(--r) * 1.5);
    background: var(--m);
    color: var(--om);
    color-scheme: var(--kpg-color-scheme, var(--_cs));
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.55);
  }
  dialog h2 {
    margin-top: 0;
  }
  dialog form {
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .dialog-buttons {
    justify-content: flex-end;
    margin-top: 8px;
  }
  .confirm {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin: 0 0 12px;
  }
  .confirm div {
    display: flex;
    justify-content: space-between;
    gap: 12px;
  }
  .confirm dd {
    text-align: end;
  }
  .confirm .money dd {
    font-size: 18px;
    font-weight: 700;
  }
  .result {
    margin: 0 0 12px;
    font-size: 15px;
  }
  @container (max-width: 640px) {
    .scroll th,
    .scroll td {
      white-space: nowrap;
    }
    .scroll .error-text {
      min-width: 28ch;
      white-space: normal;
    }
    .search {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    }
    .search .q {
      grid-column: 1 / -1;
    }
    .timeline > li {
      grid-template-columns: minmax(0, 1fr);
    }
    .summary {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    }
    .summary .money dd {
      font-size: 16px;
    }
  }
`,
];
