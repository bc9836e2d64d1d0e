// @ts-check
/**
 * Builds the JavaScript served at GET /businessPayment/unifiedPay/script — the sandbox's stand-in for
 * Shinhan's unpublished ShinhanBizPay script. Behaviour follows CONTRACT.md ("Sandbox assumptions about
 * Shinhan's script"). The output is plain ES2017 with no dependencies.
 */
import { MESSAGE_SOURCE, PAGE_CODES, PAGE_MESSAGES } from './codes.mjs';

/**
 * @param {string} sandboxOrigin the origin the payment pages are served from (messages must come from it)
 * @returns {string}
 */
export function buildShinhanScript(sandboxOrigin) {
  const origin = JSON.stringify(new URL(sandboxOrigin).origin);
  const str = (/** @type {string} */ s) => JSON.stringify(s);
  return `/*
 * ShinhanBizPay — SANDBOX STAND-IN served by the local sandbox Shinhan PG (demo/sandbox/shinhan/).
 * Shinhan has not published its script; only ShinhanBizPay.openPopup(url, cb) and
 * ShinhanBizPay.RES_SUCCESS are documented. ASSUMPTIONS made here (see CONTRACT.md):
 *  - the payment page is a window.open popup named 'ShinhanBizPay' (480x720);
 *  - the page reports back with postMessage {source:'kpg-sandbox-shinhan', ret_code, ret_msg} from the
 *    sandbox origin; origin and source window are checked;
 *  - RES_SUCCESS is '0000'; 'P001' = popup blocked, 'C002' = window closed before any result,
 *    'C001' = buyer cancelled, 'F001' = declined (the last two come from the page);
 *  - the callback is called at most once per openPopup; a new openPopup supersedes the previous one.
 */
(function (window) {
  'use strict';
  var SANDBOX_ORIGIN = ${origin};
  var current = null;

  function openPopup(url, callback) {
    if (typeof callback !== 'function') throw new TypeError('ShinhanBizPay.openPopup: callback must be a function');
    if (current) current.cancel();

    var done = false;
    var timer = null;
    var popup = null;
    var session = { cancel: cleanup };
    current = session;

    function cleanup() {
      done = true;
      window.removeEventListener('message', onMessage);
      if (timer !== null) { window.clearInterval(timer); timer = null; }
      if (current === session) current = null;
    }
    function finish(code, msg) {
      if (done) return;
      cleanup();
      callback(code, msg);
    }
    function onMessage(event) {
      if (done || event.origin !== SANDBOX_ORIGIN || event.source !== popup) return;
      var data = event.data;
      if (!data || typeof data !== 'object' || data.source !== ${str(MESSAGE_SOURCE)}) return;
      finish(String(data.ret_code), String(data.ret_msg));
    }

    try {
      popup = window.open(url, 'ShinhanBizPay', 'width=480,height=720');
    } catch (e) {
      popup = null;
    }
    if (!popup) {
      window.setTimeout(function () { finish(${str(PAGE_CODES.POPUP_BLOCKED)}, ${str(PAGE_MESSAGES.POPUP_BLOCKED)}); }, 0);
      return;
    }
    window.addEventListener('message', onMessage);
    timer = window.setInterval(function () {
      var closed;
      try { closed = popup.closed; } catch (e) { closed = true; }
      if (closed) finish(${str(PAGE_CODES.WINDOW_CLOSED)}, ${str(PAGE_MESSAGES.WINDOW_CLOSED)});
    }, 300);
  }

  window.ShinhanBizPay = { RES_SUCCESS: ${str(PAGE_CODES.SUCCESS)}, openPopup: openPopup };
})(window);
`;
}
