import { css } from '../reactive.js';
import { sharedStyles } from '../shared.styles.js';

/**
 * The pay button: 14pt bold, which WCAG counts as large text, so the label colour theme.ts picks meets AA
 * (3:1). Busy and paid are disabled buttons that must not look disabled; paid is the success colour with
 * a check mark. The spinner stands still (a dotted ring) for prefers-reduced-motion; the status line says
 * it is busy either way. The virtual account block's styles come with it (outcome.ts, second stage).
 */
export const styles =
  sharedStyles +
  css`
  :host {
    display: block;
    max-width: var(--kpg-max-width, 100%);
  }
  .base {
    --ok: var(--kpg-success-color, #067647);
  }
  kpg-card-picker,
  kpg-terms {
    margin-bottom: 16px;
  }
  kpg-card-picker::part(base),
  kpg-terms::part(base) {
    padding: 0;
  }
  .pay {
    --hv: var(--kpg-shade-color, var(--_sh));
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    width: 100%;
    min-height: 52px;
    padding: 8px 16px;
    border-color: var(--a);
    background-color: var(--p);
    color: var(--op);
    font-size: 14pt;
    font-weight: 700;
    line-height: 1.3;
  }
  .pay.busy,
  .pay.paid {
    opacity: 1;
    cursor: progress;
  }
  .pay.paid {
    border-color: var(--ok);
    background-color: var(--ok);
    color: var(--kpg-on-success-color, #fff);
    cursor: default;
  }
  svg {
    flex: none;
    width: 20px;
    height: 20px;
  }
  .spin {
    flex: none;
    box-sizing: border-box;
    width: 18px;
    height: 18px;
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
  .hint {
    margin: 0 0 8px;
    font-size: 14px;
  }
`;
