/**
 * A Vue 3 shop page using the elements as a Vue developer would: `isCustomElement` in the compiler
 * options (the fixture build's plugin options), kebab-case attributes, `:amount` numbers, `@kpg-*`
 * listeners, and a <KeepAlive> route switch that detaches the checkout mid-payment.
 */
import { createApp } from 'vue';
import { KpgCheckout } from 'kpg-checkout';
import App from './App.vue';

const params = new URLSearchParams(location.search);
KpgCheckout.allowPgOrigins(JSON.parse(params.get('origins') ?? '[]') as string[]);
(window as unknown as { kpgLog: unknown[] }).kpgLog = [];

createApp(App, {
  orderId: params.get('order') ?? '',
  script: params.get('script') ?? undefined,
}).mount('#app');
