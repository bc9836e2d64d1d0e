/**
 * A React 19 shop page using the elements as a React developer would (no wrappers): kebab-case
 * attributes, numbers as props, `onkpg-*` listeners, a ref to call `pay()`, inside <StrictMode>.
 * Built by test/frameworks/build.test.mjs (development mode, so StrictMode double-runs effects) and
 * driven in Chromium by test/frameworks.test.ts through the sandbox PG.
 */
import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { KpgCheckout } from 'kpg-checkout';
import type { KpgErrorDetail } from 'kpg-checkout';
import type {} from 'kpg-checkout/react';

const params = new URLSearchParams(location.search);
KpgCheckout.allowPgOrigins(JSON.parse(params.get('origins') ?? '[]') as string[]);

type Logged = { type: string; detail: unknown };
const log: Logged[] = ((window as unknown as { kpgLog: Logged[] }).kpgLog = []);
const record = (type: string) => (event: CustomEvent) => log.push({ type, detail: event.detail });

function Shop() {
  const checkout = useRef<KpgCheckout>(null);
  const [paid, setPaid] = useState<string | null>(null);
  // StrictMode runs this effect twice in development: pay() twice must still make one session.
  useEffect(() => {
    if (params.get('auto') === '1') void checkout.current?.pay().then((outcome) => log.push({ type: 'promise', detail: outcome }));
  }, []);
  const onError = (event: CustomEvent<KpgErrorDetail>) => log.push({ type: 'kpg-error', detail: event.detail });
  return (
    <>
      <kpg-checkout
        ref={checkout}
        provider="shinhan"
        session-url={params.get('session') ?? '/api/kpg/session'}
        result-url={params.get('result') ?? '/api/kpg/result'}
        order-id={params.get('order') ?? ''}
        amount={Number(params.get('amount') ?? 11000)}
        device="pc"
        timeout={15}
        result-timeout={30}
        script-src={params.get('script') ?? undefined}
        onkpg-session={record('kpg-session')}
        onkpg-success={(event) => {
          log.push({ type: 'kpg-success', detail: event.detail });
          setPaid(event.detail.tid ?? '');
        }}
        onkpg-fail={record('kpg-fail')}
        onkpg-cancel={record('kpg-cancel')}
        onkpg-error={onError}
      />
      <kpg-card-picker id="picker" cards-url="/api/kpg/cards" amount={55000} image-base={params.get('images') ?? undefined} />
      <kpg-receipt id="receipt" provider="smartro" tid="kpgtest01m01012611211200001234" type={2} env="test" issue-url={params.get('issue') ?? undefined}>
        영수증
      </kpg-receipt>
      {paid !== null ? <p id="paid">paid {paid}</p> : null}
    </>
  );
}

// Types, checked by tsc in npm test: a provider the element does not take is refused.
// @ts-expect-error -- provider must be "shinhan" or "smartro"
export const wrongProvider = <kpg-checkout provider="paypal" session-url="/s" result-url="/r" order-id="A-1" />;
// @ts-expect-error -- the detail of kpg-success has no "amount" at the top (it is in detail.result)
export const wrongDetail = <kpg-checkout provider="shinhan" session-url="/s" result-url="/r" order-id="A-1" onkpg-success={(e) => e.detail.amount} />;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Shop />
  </StrictMode>,
);
