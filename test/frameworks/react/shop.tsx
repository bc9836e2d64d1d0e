/**
 * A React 19 shop component using the elements as a React developer would (no wrappers): kebab-case
 * attributes, numbers as props, `onkpg-*` listeners, a ref to call `pay()`. Rendered on the client
 * (main.tsx, inside <StrictMode>) and on the server (server.tsx, then hydrated by hydrate.tsx): it touches
 * no browser global while rendering.
 */
import { useEffect, useRef, useState } from 'react';
import type { KpgCheckout, KpgErrorDetail } from 'kpg-checkout';
import type {} from 'kpg-checkout/react';

export type Params = Record<string, string | undefined>;
type Logged = { type: string; detail: unknown };
const log = (entry: Logged) => (window as unknown as { kpgLog: Logged[] }).kpgLog.push(entry);
const record = (type: string) => (event: CustomEvent) => log({ type, detail: event.detail });

export function Shop({ params }: { params: Params }) {
  const checkout = useRef<KpgCheckout>(null);
  const [paid, setPaid] = useState<string | null>(null);
  // StrictMode runs this effect twice in development: pay() twice must still make one session.
  useEffect(() => {
    if (params.auto === '1') void checkout.current?.pay().then((outcome) => log({ type: 'promise', detail: outcome }));
  }, [params.auto]);
  const onError = (event: CustomEvent<KpgErrorDetail>) => log({ type: 'kpg-error', detail: event.detail });
  return (
    <>
      <kpg-checkout
        ref={checkout}
        provider="shinhan"
        session-url={params.session ?? '/api/kpg/session'}
        result-url={params.result ?? '/api/kpg/result'}
        order-id={params.order ?? ''}
        amount={Number(params.amount ?? 11000)}
        device="pc"
        timeout={15}
        result-timeout={30}
        script-src={params.script}
        onkpg-session={record('kpg-session')}
        onkpg-success={(event) => {
          log({ type: 'kpg-success', detail: event.detail });
          setPaid(event.detail.tid ?? '');
        }}
        onkpg-fail={record('kpg-fail')}
        onkpg-cancel={record('kpg-cancel')}
        onkpg-error={onError}
      />
      <kpg-card-picker id="picker" cards-url="/api/kpg/cards" amount={55000} image-base={params.images} />
      <kpg-receipt id="receipt" provider="smartro" tid="kpgtest01m01012611211200001234" type={2} env="test" issue-url={params.issue}>
        영수증
      </kpg-receipt>
      {paid !== null ? <p id="paid">paid {paid}</p> : null}
    </>
  );
}

// Types, checked by tsc in npm test: mistakes the element does not take are refused.
// @ts-expect-error -- provider must be "shinhan" or "smartro"
export const wrongProvider = <kpg-checkout provider="paypal" session-url="/s" result-url="/r" order-id="A-1" />;
// @ts-expect-error -- the detail of kpg-success has no "amount" at the top (it is in detail.result)
export const wrongDetail = <kpg-checkout provider="shinhan" session-url="/s" result-url="/r" order-id="A-1" onkpg-success={(e) => e.detail.amount} />;
