/**
 * What a payment gateway module provides, in two halves: `ProviderStart` (first stage, up to the session
 * request) and `ProviderMore` (second stage). A new PG is a module for each half, the entries that register
 * them (`entries/<pg>.ts`, `kpg-<pg>.ts`, `kpg-<pg>.stage2.ts`, `registry.ts`), and its session schema in
 * `schemas.ts`.
 */
import type { Device } from '../device.js';
import type { DeviceMode, ProviderId } from '../schemas.js';
import type { CheckoutConfig } from '../config.js';
import type { PopupController } from '../controllers/popup.js';

/** What the flow hands a provider for one attempt. */
export interface AttemptContext {
  readonly config: CheckoutConfig;
  readonly device: Device;
  readonly signal: AbortSignal;
  /**
   * Resolves at once while the page still holds the buyer's click (transient user activation), so a
   * window may open; otherwise shows the buyer an "open payment window" button and resolves on its press.
   * This is how the widget avoids popup-blocker surprises when the backend was slow. Null when the click
   * still holds (no need to wait a turn).
   */
  userGesture(): Promise<void> | null;
  /** Call right before the whole page leaves for the PG (mobile): remembers the attempt for the return. */
  leavingPage(): void;
  /** The payment window the widget watches (opened itself, or captured from the PG's script), closed when the element goes away. */
  readonly popup: PopupController;
  /** With a card picker: the buyer's choice, sent as `card_cpny_cd` / `install_month`. */
  readonly card: { card_cpny_cd: string; install_month: string } | null;
  /** With the consent step (issue 25): the terms agreed to, sent as `terms_agreed` / `terms_hash`. */
  readonly terms?: { terms_agreed: number[]; terms_hash: string };
}

/** How the PG part of an attempt ended. */
export type PgReturn =
  /** The PG reported back in this page; the backend's result decides the outcome. */
  | { kind: 'returned'; ok: boolean; code: string; message: string }
  /** The page is navigating away; the outcome is fired when the buyer comes back. */
  | { kind: 'navigated' }
  /** The buyer closed the payment window without a result reaching this page. */
  | { kind: 'closed' };

/** What `<kpg-receipt>` knows when the buyer clicks. */
export interface ReceiptInput {
  tid: string;
  type: string | null;
  env: string | null;
  /** An override of the PG's receipt page URL (a sandbox), checked against the PG's hosts and allowPgOrigins(). */
  issueUrl: string | null;
}

/** One line of a slip: the label's key in the `slip` messages, and the value. */
export interface SlipLine {
  key: string;
  value: string;
  /** `cash`: a cash receipt's type, 1 소득공제 / 2 지출증빙 (smartro-receipt.txt), shown in the element's words. */
  kind?: 'amount' | 'months' | 'text' | 'cash';
}

/** A receipt (전표) in a provider-neutral shape, for the inline view. */
export interface Slip {
  cancelled: boolean;
  /** A card payment (a 매출전표); otherwise a 거래 내역 (bank transfer, virtual account, phone). */
  card: boolean;
  merchant: SlipLine[];
  lines: SlipLine[];
  parts: Array<{ at: string; amount: string }>;
  cash: SlipLine[];
}

/** How a provider's receipts open. */
export type ReceiptSupport =
  /** The receipt page's URL is known at once: opened inside the click. Throws KpgError. */
  | { kind: 'direct'; url(input: ReceiptInput): URL; inline?(json: unknown): Slip }
  /** The shop's backend must be asked first (`receipt-url`): validate its answer into the page URL. */
  | { kind: 'backend'; url(json: unknown): URL; inline?(json: unknown): Slip };

/**
 * What a PG does on the first stage, before and inside the buyer's click, up to the session request
 * (`providers/<pg>-start.ts`): it must not need the second stage, so a click never waits for it.
 */
export interface ProviderStart {
  readonly id: ProviderId;
  /** Called when a checkout's attributes are read (connect, changes): get ready before the click (e.g. load the PG's script). */
  preload?(device: DeviceMode, scriptSrc: string | null): void;
  /** Runs synchronously inside the click, before any await (e.g. pre-opening a named window). */
  beforeSession?(ctx: AttemptContext): void;
  /** Everything that must be ready before a session is worth creating (e.g. the PG script). Throws KpgError. */
  prepare?(ctx: AttemptContext): Promise<void> | void;
  /** Undo what `beforeSession` did when the attempt ends early (e.g. close the pre-opened window). */
  abandon?(ctx: AttemptContext): void;
}

/** What a PG does on the second stage, once the session answered (`providers/<pg>.ts`). */
export interface ProviderMore<S extends { order_no: string } = { order_no: string }> {
  readonly id: ProviderId;
  /** Receipts (전표), when the PG has them. */
  readonly receipt?: ReceiptSupport;
  /**
   * Validate the backend's session JSON (shape, every URL, every field) into what `open` needs. Runs in
   * the task before the PG window opens. Throws KpgError.
   */
  parseSession(json: unknown, ctx: AttemptContext): S;
  /** Open the PG for a checked session, in a task of its own with nothing left to check. Throws KpgError. */
  open(session: S, ctx: AttemptContext): Promise<PgReturn>;
}

/** A PG with both halves (the registry merges them: registry.ts). */
export type Provider<S extends { order_no: string } = { order_no: string }> = ProviderStart & ProviderMore<S>;

/** A PG as the registry holds it: its first half always, its second once the second stage has arrived. */
export type RegisteredProvider = ProviderStart & Partial<ProviderMore<any>>;
