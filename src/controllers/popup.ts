/**
 * The payment window the widget watches: opened by the widget inside the click (Smartro, receipts) or
 * captured from the PG's own script (Shinhan), watched until the buyer closes it, brought to the front on
 * request, and closed when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { sleep } from '../timers.js';

export class PopupController implements ReactiveController {
  #window: Window | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The watched window, or null. */
  get window(): Window | null {
    return this.#window;
  }

  /** True while a watched window is open (the host shows "결제창 보기"). */
  get isOpen(): boolean {
    try {
      return !!this.#window && !this.#window.closed;
    } catch {
      return false;
    }
  }

  /** `window.open('', name, features)`; null when the browser blocked it. Call it inside a click. */
  open(name: string, features: string): Window | null {
    return this.adopt(window.open('', name, features));
  }

  /**
   * Watch a window someone else opened (the PG's script). The host shows it ("결제창 보기") in idle time
   * where it can: nothing of that render joins the task that opened the window.
   */
  adopt(win: Window | null): Window | null {
    this.#window = win;
    const host = this.host as ReactiveControllerHost & { requestIdleUpdate?(): void };
    if (host.requestIdleUpdate) host.requestIdleUpdate();
    else host.requestUpdate();
    return win;
  }

  /** Bring the window to the front (inside a click). */
  focus(): void {
    try {
      this.#window?.focus();
    } catch {
      /* gone */
    }
  }

  close(): void {
    try {
      this.#window?.close();
    } catch {
      /* already gone */
    }
    this.forget();
  }

  /** Stop watching without closing (the attempt is over; the window closes itself). */
  forget(): void {
    if (!this.#window) return;
    this.#window = null;
    this.host.requestUpdate();
  }

  /** Resolves when the buyer has closed the window (checked every 250 ms); rejects when `signal` aborts. */
  async whenClosed(signal: AbortSignal): Promise<void> {
    const win = this.#window;
    while (win && !win.closed) await sleep(250, signal);
  }

  hostDisconnected(): void {
    this.close();
  }
}
