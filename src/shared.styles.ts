import { css } from 'lit';

/**
 * What every kpg element shares: its host, the status/alert lines and the retry button. The status and
 * alert lines stay in the accessibility tree when empty (no display: none), so changes are announced.
 */
export const sharedStyles = css`
  :host {
    font-family: var(--kpg-font-family, inherit);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    background: var(--kpg-main-color);
    color: var(--kpg-on-main-color);
  }
  .message {
    margin: 0;
    font-size: 14px;
    line-height: 1.5;
  }
  .message:not(:empty) {
    margin-top: 8px;
  }
  [role='alert']:not(:empty) {
    padding-left: 8px;
    border-left: 3px solid var(--kpg-error-color, #d92d20);
  }
  .retry {
    margin-left: 8px;
    font: inherit;
    min-height: 32px;
    cursor: pointer;
  }
`;
