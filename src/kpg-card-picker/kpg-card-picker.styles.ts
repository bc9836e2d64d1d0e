import { css } from 'lit';
import { sharedStyles } from '../shared.styles.js';

export const styles = [
  sharedStyles,
  css`
  :host {
    display: block;
  }
  .label {
    margin: 0 0 8px;
    font-weight: 600;
    font-size: 15px;
  }
  .list {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--kpg-card-min-width, 140px), 1fr));
    gap: 8px;
  }
  .card {
    box-sizing: border-box;
    min-height: 48px;
    padding: 8px 10px;
    border: 1px solid color-mix(in srgb, var(--kpg-on-main-color) 30%, transparent);
    border-radius: var(--kpg-radius, 8px);
    cursor: pointer;
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 14px;
    line-height: 1.4;
  }
  .card[aria-checked='true'] {
    border: 2px solid var(--kpg-point-color);
    padding: 7px 9px;
    box-shadow: inset 0 0 0 1px var(--kpg-point-color);
  }
  .card[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.7;
  }
  .card:focus-visible {
    outline: 3px solid var(--kpg-point-color);
    outline-offset: 2px;
  }
  .head {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .head img {
    height: 20px;
    width: auto;
    max-width: 48px;
    object-fit: contain;
  }
  .name {
    font-weight: 600;
  }
  .badge {
    margin-left: auto;
    font-size: 12px;
    padding: 0 6px;
    border-radius: 999px;
    border: 1px solid currentColor;
  }
  .note {
    font-size: 12px;
  }
  .months {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-top: 12px;
    flex-wrap: wrap;
  }
  select {
    font: inherit;
    font-size: 16px;
    min-height: 40px;
    padding: 0 8px;
    border-radius: var(--kpg-radius, 8px);
  }
`,
];
