import { css } from 'lit';
import { sharedStyles } from '../shared.styles.js';

export const styles = [
  sharedStyles,
  css`
  :host {
    display: inline-block;
  }
  :host([view='inline']) {
    display: block;
    max-width: var(--kpg-slip-width, 420px);
  }
  button {
    font: inherit;
    min-height: 40px;
    padding: 0 14px;
    border: 1px solid var(--kpg-point-color);
    border-radius: var(--kpg-radius, 8px);
    background: var(--kpg-main-color);
    color: var(--kpg-on-main-color);
    cursor: pointer;
  }
  button:focus-visible {
    outline: 3px solid var(--kpg-point-color);
    outline-offset: 2px;
  }
  .slip {
    border: 1px solid color-mix(in srgb, var(--kpg-on-main-color) 30%, transparent);
    border-top: 4px solid var(--kpg-point-color);
    border-radius: var(--kpg-radius, 8px);
    padding: 16px;
    font-size: 14px;
    line-height: 1.5;
  }
  .title {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    margin: 0 0 12px;
    font-size: 17px;
    font-weight: 700;
  }
  .state {
    font-size: 13px;
    padding: 0 8px;
    border-radius: 999px;
    border: 1px solid currentColor;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 12px;
    margin: 0 0 12px;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
    word-break: break-all;
  }
  .amount {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .section {
    margin: 12px 0 6px;
    font-weight: 700;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    margin-bottom: 12px;
  }
  th,
  td {
    text-align: left;
    padding: 2px 4px;
    border-bottom: 1px solid color-mix(in srgb, var(--kpg-on-main-color) 20%, transparent);
  }
  @media print {
    .print,
    .retry {
      display: none;
    }
    .slip {
      border-color: #000;
    }
  }
`,
];

/**
 * Added to the document (once) while an inline receipt is on the page: printing then shows the slip only.
 * A constructable stylesheet, so a strict CSP (style-src 'self') does not block it.
 */
export const printOnlySlips = `@media print {
  body * { visibility: hidden !important; }
  kpg-receipt[view='inline'], kpg-receipt[view='inline'] * { visibility: visible !important; }
  kpg-receipt[view='inline'] { position: absolute; left: 0; top: 0; width: 100%; }
}`;
