import { css } from './reactive.js';

/**
 * What every kpg element shares (comments stay out of the CSS: they would ship):
 * - Theme: `theme.ts` sets private `--_*` properties on the `base` part from `main_color` / `point_color`;
 *   each is read here once, under its public `--kpg-*` name first, so a shop's CSS overrides any of them.
 *   `color-scheme` follows the surface, so native controls (the installment select) match a dark page.
 * - Text never breaks inside a Korean word (`keep-all`); only a word longer than its line is broken.
 * - Buttons: hover and pressed lay a state layer of `--hv` (the text colour; the pay button sets a shade
 *   theme.ts chose to keep its label's contrast) over the fill, so the fill colour itself never changes.
 * - Focus: two tones, a 2px gap in the surface colour and a 2px ring in the accent, which contrasts 3:1
 *   with the surface by construction (never `point_color` alone).
 * - The status and alert lines stay in the accessibility tree when empty (no display: none), so changes
 *   are announced.
 * - Print: black on white, whatever the theme (a dark slip would print white on paper).
 * CSS text (first stage: the checkout adopts it as is; the lit elements wrap it with `unsafeCSS`). The
 * picker's and receipt's retry button is theirs (lit-styles.ts).
 */
export const sharedStyles = css`
  :host {
    font-family: var(--kpg-font-family, inherit);
    word-break: keep-all;
    overflow-wrap: break-word;
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    --m: var(--kpg-main-color, var(--_m));
    --om: var(--kpg-on-main-color, var(--_om));
    --p: var(--kpg-point-color, var(--_p));
    --op: var(--kpg-on-point-color, var(--_op));
    --a: var(--kpg-accent-color, var(--_a));
    --oa: var(--kpg-on-accent-color, var(--_oa));
    --e: var(--kpg-error-color, var(--_e));
    --r: var(--kpg-radius, 8px);
    --line: color-mix(in srgb, var(--om) 20%, var(--m));
    color-scheme: var(--kpg-color-scheme, var(--_cs));
    padding: var(--kpg-padding, 16px);
    background: var(--m);
    color: var(--om);
    border-radius: var(--r);
    line-height: 1.5;
  }
  button {
    box-sizing: border-box;
    min-height: 40px;
    padding: 0 14px;
    border: 1px solid var(--a);
    border-radius: var(--r);
    background: var(--m);
    color: var(--om);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  button:hover {
    background-image: linear-gradient(color-mix(in srgb, var(--hv, var(--om)) 10%, transparent) 0 0);
  }
  button:active {
    background-image: linear-gradient(color-mix(in srgb, var(--hv, var(--om)) 20%, transparent) 0 0);
  }
  button:disabled,
  select:disabled,
  button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.45;
    background-image: none;
  }
  :focus-visible {
    outline: 2px solid var(--kpg-focus-color, var(--a));
    outline-offset: 2px;
    box-shadow: 0 0 0 2px var(--m);
  }
  .message {
    margin: 0;
    font-size: 14px;
  }
  .message:not(:empty) {
    margin-top: 8px;
  }
  [role='alert']:not(:empty) {
    padding: 8px 10px;
    border-left: 3px solid var(--e);
    border-radius: 0 var(--r) var(--r) 0;
    background: color-mix(in srgb, var(--e) 10%, var(--m));
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media print {
    .base {
      --m: #fff;
      --om: #000;
      --a: #000;
    }
  }
`;
