import { css } from '../reactive.js';

/**
 * The slip: one grid whose label column every section shares (subgrid; a fixed 8em where subgrid is
 * missing), labels at the start and every value at the end, numbers in tabular figures, long ids wrapped.
 * Added to `<kpg-receipt>` with the inline view (Smartro's entry), so a file without it carries none.
 */
export const slipStyles = css`
  .slip {
    display: grid;
    grid-template-columns: max-content minmax(0, 1fr);
    gap: 0 16px;
    padding: 16px;
    border: 1px solid var(--line);
    border-top: 4px solid var(--a);
    border-radius: var(--r);
    font-size: 14px;
    font-variant-numeric: tabular-nums;
  }
  .slip > * {
    grid-column: 1 / -1;
  }
  .title {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 8px;
    margin: 0 0 12px;
    font-size: 17px;
    font-weight: 700;
  }
  .state {
    padding: 0 10px;
    border: 1px solid;
    border-radius: 999px;
    font-size: 13px;
    font-weight: 600;
  }
  dl {
    display: grid;
    grid-template-columns: 8em 1fr;
    grid-template-columns: subgrid;
    row-gap: 4px;
    margin: 0;
    padding: 12px 0;
    border-top: 1px dashed var(--line);
  }
  dt {
    color: color-mix(in srgb, var(--om) 72%, var(--m));
  }
  dd {
    margin: 0;
    text-align: end;
    overflow-wrap: anywhere;
  }
  .section {
    margin: 0;
    padding-top: 12px;
    border-top: 1px dashed var(--line);
    font-weight: 700;
  }
  .section + dl {
    border: 0;
    padding-top: 4px;
  }
  table {
    width: 100%;
    margin: 4px 0 12px;
    border-collapse: collapse;
  }
  th {
    font-weight: 400;
    color: color-mix(in srgb, var(--om) 72%, var(--m));
  }
  th,
  td {
    padding: 4px 0;
    text-align: start;
    border-bottom: 1px solid var(--line);
  }
  th + th,
  td + td {
    text-align: end;
  }
  .print {
    justify-self: start;
    margin-top: 4px;
  }
  @media print {
    .print {
      display: none;
    }
    .slip {
      border-color: #000;
      break-inside: avoid;
    }
  }
`;

/**
 * Added to the document (once) while an inline receipt is on the page: printing then shows the slip only.
 * A constructable stylesheet, so a strict CSP (style-src 'self') does not block it.
 */
export const printOnlySlips = css`
  @media print {
    body * {
      visibility: hidden !important;
    }
    kpg-receipt[view='inline'],
    kpg-receipt[view='inline'] * {
      visibility: visible !important;
    }
    kpg-receipt[view='inline'] {
      position: absolute;
      left: 0;
      top: 0;
      width: 100%;
    }
  }
`;
