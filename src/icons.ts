import { html } from 'lit/html.js';

/** A check mark (the paid button, the chosen card): inline SVG, no external asset; decorative. */
export const checkMark = html`<svg viewBox="0 0 20 20" aria-hidden="true"><path d="M5 10.5l3.2 3.2L15 6.8" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
