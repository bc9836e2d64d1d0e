import { nothing, render } from 'lit/html.js';
import { KpgElement } from './base-element.js';
import type { Changed } from './reactive.js';

/** The base of `<kpg-card-picker>` and `<kpg-receipt>` (second stage): a kpg element rendering a lit-html template. */
export class KpgLitElement extends KpgElement {
  /** The shadow DOM, as a lit-html template. */
  protected render(): unknown {
    return nothing;
  }

  protected override update(_changed: Changed): void {
    render(this.render(), this.renderRoot, { host: this });
  }
}
