/** `device="auto"`: a phone, a tablet or an in-app browser gets the full-page flow, a desktop the popup. */
import { inAppBrowser } from './in-app.js';
import type { DeviceMode } from './schemas.js';

export type Device = 'pc' | 'mobile';

export function detectDevice(nav: Navigator = navigator): Device {
  // Popups and window.opener are unreliable inside KakaoTalk, NAVER, Instagram... and app WebViews.
  if (inAppBrowser(nav.userAgent)) return 'mobile';
  const hints = (nav as Navigator & { userAgentData?: { mobile?: boolean } }).userAgentData;
  if (hints && typeof hints.mobile === 'boolean' && hints.mobile) return 'mobile';
  if (/Android|iPhone|iPad|iPod|Mobile|Windows Phone/i.test(nav.userAgent)) return 'mobile';
  // iPadOS 13+ reports a desktop Safari user agent; touch points give it away.
  if (/Macintosh/.test(nav.userAgent) && nav.maxTouchPoints > 1) return 'mobile';
  return 'pc';
}

export function resolveDevice(mode: DeviceMode): Device {
  return mode === 'auto' ? detectDevice() : mode;
}
