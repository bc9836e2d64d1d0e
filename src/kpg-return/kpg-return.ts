/**
 * dist/kpg-return.js: include it on the page your ReturnURL answers (inside the payment popup):
 *
 *   <script src="/kpg-return.js" data-order-no="A-1001..."></script>
 *   <script src="/kpg-return.js" data-order-no="..." data-target-origin="https://shop.example"></script>
 *
 * It tells the window that opened the payment which order came back (postMessage to exactly the shop
 * page's origin: this page's own unless data-target-origin says otherwise, never "*"), then closes the
 * popup. With no opener (a mobile full-page flow) it does nothing. It carries no result: the shop page
 * asks your backend for the verified outcome.
 */
import { RETURN_MESSAGE } from './message.js';

const script = (document.currentScript ??
  document.querySelector('script[data-order-no]')) as HTMLScriptElement | null;
const orderNo = script?.getAttribute('data-order-no');
const wanted = script?.getAttribute('data-target-origin');
let target: string | null = location.origin;
if (wanted) {
  try {
    target = new URL(wanted).origin;
    if (target === 'null' || wanted === '*') target = null;
  } catch {
    target = null;
  }
}
if (!orderNo || !target) {
  console.error('[kpg-return] needs data-order-no and, if given, a data-target-origin like https://shop.example');
} else if (window.opener) {
  try {
    (window.opener as Window).postMessage({ type: RETURN_MESSAGE, order_no: orderNo }, target);
  } finally {
    window.close();
  }
}
