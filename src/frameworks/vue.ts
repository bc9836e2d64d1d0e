/**
 * `kpg-checkout/vue`: template types for Vue 3 (types only, no wrappers), so `vue-tsc --strictTemplates`
 * knows the elements. Add it once (`import type {} from 'kpg-checkout/vue'` in an env.d.ts) and tell the
 * compiler they are custom elements (`isCustomElement: (tag) => tag.startsWith('kpg-')`).
 *
 * Write attributes as usual (`session-url="..."`, typed as `sessionUrl`); `@kpg-success="..."` is typed as
 * `onKpgSuccess`; numbers work as `:amount="23000"` (Vue sets the property).
 */
import type { DefineComponent } from 'vue';
import type {
  KpgCardPickerAttributes,
  KpgCardPickerEvents,
  KpgCheckoutAttributes,
  KpgCheckoutEvents,
  KpgReceiptAttributes,
  KpgReceiptEvents,
} from './attributes.js';

export type * from './attributes.js';

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;

/** Vue matches `session-url="..."` in a template to the prop `sessionUrl`. */
export type VueAttributes<A> = { [K in keyof A as Camel<K & string>]: A[K] };

/** `@kpg-success` in a template is the `onKpgSuccess` prop. */
export type VueEvents<E> = { [K in keyof E as `on${Capitalize<Camel<K & string>>}`]?: (event: E[K]) => void };

export type KpgCheckoutVueProps = VueAttributes<KpgCheckoutAttributes> & VueEvents<KpgCheckoutEvents>;
export type KpgCardPickerVueProps = VueAttributes<KpgCardPickerAttributes> & VueEvents<KpgCardPickerEvents>;
export type KpgReceiptVueProps = VueAttributes<KpgReceiptAttributes> & VueEvents<KpgReceiptEvents>;

declare module 'vue' {
  interface GlobalComponents {
    'kpg-checkout': DefineComponent<KpgCheckoutVueProps>;
    'kpg-card-picker': DefineComponent<KpgCardPickerVueProps>;
    'kpg-receipt': DefineComponent<KpgReceiptVueProps>;
  }
}
