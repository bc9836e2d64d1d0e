/**
 * `kpg-checkout/react`: JSX types for React 19 (types only, no wrappers). Add it once to your project:
 *
 *   // kpg-env.d.ts (or any .ts file)
 *   import type {} from 'kpg-checkout/react';
 *
 * Then `<kpg-checkout provider="shinhan" order-id="A-1" amount={23000} onkpg-success={(e) => e.detail.tid} />`
 * type-checks: React 19 sets `amount` as a property (numbers work) and listens to `kpg-success` for
 * `onkpg-success` (exactly that spelling).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { KpgCardPicker, KpgCheckout, KpgReceipt } from '../index.js';
import type {
  KpgCardPickerAttributes,
  KpgCardPickerEvents,
  KpgCheckoutAttributes,
  KpgCheckoutEvents,
  KpgReceiptAttributes,
  KpgReceiptEvents,
} from './attributes.js';

export type * from './attributes.js';

/** `onkpg-success` etc.: React 19 listens to the event named after `on`, as written. */
export type ReactEvents<E> = { [K in keyof E as `on${K & string}`]?: (event: E[K]) => void };

type Props<T, A, E> = Omit<DetailedHTMLProps<HTMLAttributes<T>, T>, keyof A> & A & ReactEvents<E>;

export type KpgCheckoutProps = Props<KpgCheckout, KpgCheckoutAttributes, KpgCheckoutEvents>;
export type KpgCardPickerProps = Props<KpgCardPicker, KpgCardPickerAttributes, KpgCardPickerEvents>;
export type KpgReceiptProps = Props<KpgReceipt, KpgReceiptAttributes, KpgReceiptEvents>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'kpg-checkout': KpgCheckoutProps;
      'kpg-card-picker': KpgCardPickerProps;
      'kpg-receipt': KpgReceiptProps;
    }
  }
}
