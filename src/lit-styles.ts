import { css } from './reactive.js';
import { sharedStyles } from './shared.styles.js';

/** The shared styles of the picker and the receipt (second stage), with their retry button. */
export const litStyles =
  sharedStyles +
  css`
    .retry {
      margin-left: 8px;
      min-height: 32px;
      padding: 0 10px;
      vertical-align: middle;
    }
  `;

/** Add `styles` to the stylesheets `root` adopts (once): the vbank block's, the slip's (second stage). */
export function adopt(root: DocumentOrShadowRoot, styles: CSSStyleSheet): void {
  if (!root.adoptedStyleSheets.includes(styles)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles];
}
