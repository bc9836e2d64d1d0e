/**
 * Structured JSON log lines, one per event: every state transition, every refusal, every amount owed back,
 * every delivery attempt of an event to the shop (issue 21), every internal error. One place writes them,
 * so one place guarantees that no card number, nonce, token or key is ever in a line: fields with those
 * names are dropped, and every string VALUE goes through the redactor before the line is serialised
 * (issue 19, item 8: redacting the serialised line could eat the `\` of an escaped quote and let attacker
 * text close a string; redacting values keeps every line valid JSON whatever the input).
 */
import type { Redactor } from './redact.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** Where lines go: the default writes them to stdout; `false` turns logging off. */
export type LogSink = (line: string) => void;

export interface LogEvent {
  event: 'transition' | 'refusal' | 'refund-due' | 'reconcile' | 'error' | 'migrate' | 'pg-call' | 'config' | 'delivery' | 'cancel';
  level?: LogLevel;
  [field: string]: unknown;
}

export interface Logger {
  write(entry: LogEvent): void;
}

/** What a line says of something thrown: an Error's message, anything else as text. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Field names whose values never go into a log line. */
const NEVER_LOGGED = new Set([
  'card_no',
  'cardNo',
  'confirm_token',
  'confinm_token',
  'custom_parameter',
  'nonce',
  'SignValue',
  'EncryptData',
  'apikey',
  'authorization',
  'password',
  'Cancelpw',
  'cancelPassword',
  // A refund account is the buyer's (issue 22).
  'bank_acct_no',
  'refund_account',
  'refund_account_no',
  // A virtual account's number is the buyer's to see (result-url), not every log reader's.
  'vbank_account_no',
  'account_no',
  'VbankNum',
  'acctNo',
]);

export function createLogger(sink: LogSink | false | undefined, redact: Redactor, now: () => Date): Logger {
  const out: LogSink | undefined = sink === false ? undefined : (sink ?? ((line) => process.stdout.write(`${line}\n`)));
  return {
    write(entry) {
      if (!out) return;
      const { event, level = 'info', ...fields } = entry;
      try {
        const line = JSON.stringify({ t: now().toISOString(), level, event, ...fields }, (key, value) =>
          NEVER_LOGGED.has(key) ? undefined : typeof value === 'string' ? redact(value) : typeof value === 'bigint' ? String(value) : value,
        );
        out(line);
      } catch {
        // A broken log sink must not break a payment.
      }
    },
  };
}
