import { css } from '../reactive.js';
import { litStyles } from '../lit-styles.js';

/** The receipt button, and the inline view's frame (the slip's own styles come with it: slip.styles.ts). */
export const styles =
  litStyles +
  css`
  :host {
    display: inline-block;
  }
  :host([view='inline']) {
    display: block;
    max-width: var(--kpg-slip-width, 420px);
  }
  .base {
    padding: 0;
  }
  :host([view='inline']) .message:not(:empty) {
    padding: 8px 12px;
  }
  @media print {
    .retry {
      display: none;
    }
  }
`;
