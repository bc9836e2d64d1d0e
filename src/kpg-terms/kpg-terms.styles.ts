import { css } from '../reactive.js';
import { litStyles } from '../lit-styles.js';

/** The terms list, the consent checkbox (a 24px target) and the modal dialog with its sandboxed frame. */
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
  .terms {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .terms li {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 6px 0;
    border-bottom: 1px solid var(--line);
    font-size: 14px;
  }
  .read {
    min-height: 32px;
    padding: 0 10px;
    font-size: 13px;
    flex: none;
  }
  [hidden] {
    display: none !important;
  }
  .shop {
    display: flex;
    flex-direction: column;
    gap: 4px;
    padding: 6px 0;
    border-bottom: 1px solid var(--line);
    font-size: 14px;
  }
  ::slotted(*) {
    color: inherit;
  }
  .agree {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-top: 10px;
    font-weight: 600;
    cursor: pointer;
  }
  .agree input {
    width: 20px;
    height: 20px;
    margin: 2px;
    accent-color: var(--a);
  }
  dialog {
    width: min(640px, calc(100vw - 32px));
    max-height: calc(100vh - 32px);
    box-sizing: border-box;
    padding: 16px;
    border: 1px solid var(--line);
    border-radius: var(--r);
    background: var(--m);
    color: var(--om);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  dialog h2 {
    margin: 0 0 12px;
    font-size: 17px;
  }
  iframe {
    display: block;
    width: 100%;
    height: min(60vh, 480px);
    border: 1px solid var(--line);
    border-radius: var(--r);
    background: #fff;
  }
  .close {
    margin-top: 12px;
    float: right;
  }
`;
