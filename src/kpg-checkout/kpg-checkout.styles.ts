import { css } from 'lit';
import { sharedStyles } from '../shared.styles.js';

export const styles = [
  sharedStyles,
  css`
  :host {
    display: block;
    max-width: var(--kpg-max-width, 100%);
  }
  .base {
    border-radius: var(--kpg-radius, 8px);
    padding: var(--kpg-padding, 0);
  }
  kpg-card-picker {
    margin-bottom: 12px;
  }
  button {
    box-sizing: border-box;
    width: 100%;
    min-height: 48px;
    padding: 0 16px;
    border: 0;
    border-radius: var(--kpg-radius, 8px);
    background: var(--kpg-point-color);
    color: var(--kpg-on-point-color);
    font: inherit;
    font-size: 16px;
    font-weight: 600;
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
  }
  button:focus-visible {
    outline: 3px solid var(--kpg-point-color);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  .spinner {
    width: 1em;
    height: 1em;
    border: 2px solid currentColor;
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
    .spinner {
      animation-duration: 2.4s;
    }
  }
  .hint {
    margin: 0 0 8px;
    font-size: 14px;
  }
`,
];
