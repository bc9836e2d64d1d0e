/**
 * A payment window the widget opens itself: opened inside the click (so no popup blocker stops it),
 * watched until the buyer closes it, and closed when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { sleep } from '../protocol.js';

export class PopupController implements ReactiveController {
  window: Window | null = null;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** `window.open('', name, features)`; null when the browser blocked it. Call it inside a click. */
  open(name: string, features: string): Window | null {
    this.window = window.open('', name, features);
    return this.window;
  }

  close(): void {
    try {
      this.window?.close();
    } catch {
      /* already gone */
    }
    this.window = null;
  }

  /** Resolves when the buyer has closed the window (checked every 250 ms); rejects when `signal` aborts. */
  async whenClosed(signal: AbortSignal): Promise<void> {
    const win = this.window;
    while (win && !win.closed) await sleep(250, signal);
  }

  hostDisconnected(): void {
    this.close();
  }
}
