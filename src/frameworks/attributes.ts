/**
 * The attributes and events of each element, as framework templates see them (types only). React 19 and
 * Vue set a property when the element has one (`amount`, `disabled`...), else the attribute: numbers are
 * accepted wherever the attribute is numeric. `test/frameworks/types.test.mjs` keeps these in step with
 * `custom-elements.json`.
 */
import type {
  KpgCancelDetail,
  KpgCardSelectDetail,
  KpgErrorDetail,
  KpgFailDetail,
  KpgSessionDetail,
  KpgSuccessDetail,
  KpgVbankIssuedDetail,
  KpgRefundedDetail,
  KpgTermsDetail,
} from '../events.js';

type Colors = {
  /** Six hex digits (`5379FF` or `#5379FF`). */
  main_color?: string;
  /** Six hex digits (`5379FF` or `#5379FF`). */
  point_color?: string;
  /** `ko` (default) or `en`. */
  lang?: string;
};

export interface KpgCheckoutAttributes extends Colors {
  provider: 'shinhan' | 'smartro';
  'session-url': string;
  'result-url': string;
  'order-id': string | number;
  pgcode?: string;
  amount?: string | number;
  device?: 'auto' | 'pc' | 'mobile';
  'script-src'?: string;
  /** @deprecated Ignored: call `KpgCheckout.allowPgOrigins([...])` from your script. */
  'pg-origins'?: string;
  timeout?: string | number;
  'result-timeout'?: string | number;
  'cards-url'?: string;
  'image-base'?: string;
  'app-scheme'?: string;
  /** Smartro: how the buyer pays; your backend's allow-list decides. */
  'pay-method'?: 'card' | 'vbank' | 'bank' | 'phone';
  /** Shinhan: `pg` (default) shows the PG's terms with a required 전체 동의 before paying; `none` shows nothing. */
  terms?: 'pg' | 'none';
  /** Your backend's endpoint for the PG's terms; default `terms` beside `session-url`. */
  'terms-url'?: string;
  disabled?: boolean;
}

export interface KpgCardPickerAttributes extends Colors {
  'cards-url': string;
  amount?: string | number;
  pgcode?: string;
  'image-base'?: string;
  /** @deprecated Ignored: call `KpgCheckout.allowPgOrigins([...])` from your script. */
  'pg-origins'?: string;
  timeout?: string | number;
  value?: string;
  'install-month'?: string;
  disabled?: boolean;
}

export interface KpgReceiptAttributes extends Colors {
  provider: 'shinhan' | 'smartro';
  tid: string;
  type?: '0' | '2' | 0 | 2;
  env?: 'test' | 'real';
  'receipt-url'?: string;
  'issue-url'?: string;
  view?: 'popup' | 'inline';
  /** @deprecated Ignored: call `KpgCheckout.allowPgOrigins([...])` from your script. */
  'pg-origins'?: string;
  timeout?: string | number;
}

/** The events each element fires, by name. */
export interface KpgCheckoutEvents {
  'kpg-card-select': CustomEvent<KpgCardSelectDetail>;
  'kpg-session': CustomEvent<KpgSessionDetail>;
  'kpg-success': CustomEvent<KpgSuccessDetail>;
  'kpg-fail': CustomEvent<KpgFailDetail>;
  'kpg-cancel': CustomEvent<KpgCancelDetail>;
  'kpg-error': CustomEvent<KpgErrorDetail>;
  'kpg-vbank-issued': CustomEvent<KpgVbankIssuedDetail>;
  'kpg-refunded': CustomEvent<KpgRefundedDetail>;
  'kpg-terms-change': CustomEvent<KpgTermsDetail>;
}
export interface KpgCardPickerEvents {
  'kpg-card-select': CustomEvent<KpgCardSelectDetail>;
  'kpg-error': CustomEvent<KpgErrorDetail>;
}
export interface KpgReceiptEvents {
  'kpg-error': CustomEvent<KpgErrorDetail>;
}
