/**
 * The elements under test. `npm test` runs the browser tests against the built files a shop loads, each
 * by a plain `<script>` tag (web-test-runner.config.mjs: one group per file, its name in
 * `window.__KPG_TEST_ENV__.script`); a developer's run without `KPG_TEST_DIST=1` takes them from src/.
 * A test that needs a PG the file does not carry skips itself (`needs`). A two-stage file's second stage
 * is waited for (its picker and receipt are defined then).
 */
import type { KpgCardPicker as CardPicker, KpgCheckout as Checkout, KpgReceipt as Receipt } from '../src/index.js';
import { expect } from '@open-wc/testing';
import type { ProviderId } from '../src/schemas.js';

interface Api {
  KpgCheckout: typeof Checkout;
  KpgCardPicker?: typeof CardPicker;
  KpgReceipt: typeof Receipt;
  allowPgOrigins(origins: readonly string[]): void;
}

/** The file under test (`kpg-shinhan.js`...), or undefined for src/. */
export const SCRIPT: string | undefined = (window as unknown as { __KPG_TEST_ENV__?: { script?: string } }).__KPG_TEST_ENV__?.script;

async function load(): Promise<Api> {
  if (!SCRIPT) return import('../src/index.js');
  const script = document.createElement('script');
  script.src = `/__fixture/dist/${SCRIPT}`; // served without a charset, as a CDN might
  await new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => reject(new Error(`dist/${SCRIPT} did not load: run npm run build`));
    document.head.append(script);
  });
  return (window as unknown as { KpgCheckout: Api }).KpgCheckout;
}

const api = await load();
// A two-stage file (kpg-shinhan.js, kpg-smartro.js) defines <kpg-card-picker> and <kpg-receipt> with its
// second stage, fetched at idle: the tests start once it is here (tests of the time before it arrives load
// the file in a frame of their own: test/stages.test.ts).
if (SCRIPT) await customElements.whenDefined('kpg-receipt');
export const { KpgCheckout, KpgCardPicker, KpgReceipt, allowPgOrigins } = api;

/** The PGs the elements under test carry. */
export const PGS: ProviderId[] = SCRIPT === 'kpg-shinhan.js' ? ['shinhan'] : SCRIPT === 'kpg-smartro.js' ? ['smartro'] : ['shinhan', 'smartro'];

/** Skip the test (or every test of the describe, from a `before`) when the file under test lacks one of `pgs`. */
export function needs(context: Mocha.Context, ...pgs: ProviderId[]): void {
  if (!pgs.every((pg) => PGS.includes(pg))) context.skip();
}

/**
 * Whether the file under test says developer messages in full (src/, the development build
 * kpg-checkout.dev.js) or in the production files' short form (src/messages.ts).
 */
export const FULL_MESSAGES = !SCRIPT || SCRIPT.endsWith('.dev.js');

/**
 * A developer message (src/messages.ts): its `sentence` where the file says them in full, else
 * `kpg-checkout <id>: <values> (kpg-checkout/docs/errors.md#<id>)` with each of `values` in it.
 */
export function expectSaid(message: string, id: string, sentence: string | RegExp, values: string[] = [], full = FULL_MESSAGES): void {
  if (full) {
    if (typeof sentence === 'string') expect(message).to.contain(sentence);
    else expect(message).to.match(sentence);
    return;
  }
  expect(message.startsWith(`kpg-checkout ${id}:`) && message.endsWith(`(kpg-checkout/docs/errors.md#${id})`), `${JSON.stringify(message)}: the short form of ${id}`).to.equal(true);
  for (const value of values) expect(message).to.contain(value);
}

/** Whether a console line says the developer message `id`: its `sentence` in full, else its short form with `values`. */
export const saysLine = (line: string, id: string, sentence: string, values: string[] = []): boolean =>
  FULL_MESSAGES ? line.includes(sentence) : line.includes(`kpg-checkout ${id}:`) && values.every((v) => line.includes(v));
