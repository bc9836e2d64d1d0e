import { css } from '../reactive.js';
import { litStyles } from '../lit-styles.js';

/**
 * A compact grid of logo tiles: 3 columns at 320 px, 4 at 390, more when wide, every row as tall as the
 * tallest. Chosen: an accent border, a tint and a check mark (the accent contrasts 3:1 with the surface);
 * focused: the shared two-tone ring, so focus never looks like a choice. The native select is themed: its
 * own colours, a border that contrasts 3:1, and a CSS chevron (no image: a strict CSP's img-src).
 */
export const styles =
  litStyles +
  css`
  :host {
    display: block;
  }
  .label {
    margin: 0 0 8px;
    font-size: 15px;
    font-weight: 700;
  }
  .list {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--kpg-card-min-width, 72px), 1fr));
    grid-auto-rows: 1fr;
    gap: 8px;
  }
  .card {
    position: relative;
    box-sizing: border-box;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 2px;
    min-height: 64px;
    padding: 8px 4px;
    border: 1px solid var(--line);
    border-radius: var(--r);
    font-size: 13px;
    line-height: 1.3;
    text-align: center;
    cursor: pointer;
  }
  .card:hover {
    border-color: color-mix(in srgb, var(--om) 50%, var(--m));
  }
  .card[aria-checked='true'] {
    border: 2px solid var(--a);
    padding: 7px 3px;
    background: color-mix(in srgb, var(--a) 10%, var(--m));
  }
  .card[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.55;
  }
  .out {
    border-style: dashed;
  }
  img {
    height: 24px;
    max-width: 100%;
    object-fit: contain;
  }
  .name {
    font-weight: 600;
  }
  .tag {
    font-size: 11px;
    opacity: 0.85;
  }
  .mark {
    position: absolute;
    top: -7px;
    right: -7px;
    display: flex;
    width: 20px;
    height: 20px;
    border-radius: 50%;
    background: var(--a);
    color: var(--oa);
    box-shadow: 0 0 0 2px var(--m);
  }
  .mark svg {
    width: 100%;
  }
  .info {
    margin: 8px 0 0;
    padding: 8px 10px;
    list-style: none;
    border-radius: var(--r);
    background: color-mix(in srgb, var(--a) 8%, var(--m));
    font-size: 13px;
  }
  .months {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    margin-top: 12px;
  }
  label {
    font-weight: 600;
  }
  .select {
    position: relative;
    flex: 1;
    min-width: 10em;
  }
  select {
    appearance: none;
    box-sizing: border-box;
    width: 100%;
    min-height: 44px;
    padding: 0 36px 0 12px;
    border: 1px solid color-mix(in srgb, var(--om) 50%, var(--m));
    border-radius: var(--r);
    background: var(--m);
    color: var(--om);
    font: inherit;
    font-size: 16px;
    cursor: pointer;
  }
  select:hover {
    border-color: var(--om);
  }
  .select::after {
    content: '';
    position: absolute;
    top: 50%;
    right: 16px;
    width: 7px;
    height: 7px;
    border: solid;
    border-width: 0 2px 2px 0;
    transform: translate(0, -70%) rotate(45deg);
    pointer-events: none;
  }
  .note {
    font-size: 13px;
  }
`;
