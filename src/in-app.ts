/**
 * In-app browsers (KakaoTalk, NAVER, Instagram, Facebook, LINE, Band, Daum) and app WebViews, where
 * popups and `window.opener` do not work reliably: `device="auto"` uses the full-page flow there.
 * One table of user-agent tokens; each row is tested with a real user agent of that app.
 */
export const IN_APP_BROWSERS: ReadonlyArray<readonly [name: string, token: RegExp]> = [
  ['KakaoTalk', /KAKAOTALK/i],
  ['NAVER', /NAVER\(inapp|\bNAVER\//],
  ['Instagram', /\bInstagram\b/],
  ['Facebook', /FBAN\/|FBAV\/|FB_IAB\//],
  ['LINE', /\bLine\//],
  ['Band', /\bBAND\//],
  ['DaumApps', /DaumApps/],
  // Android System WebView marks itself with "; wv)".
  ['Android WebView', /Android.*;\s*wv\)/],
  // An iOS WebView (WKWebView) says AppleWebKit and Mobile/ but not Safari/ (Safari, Chrome and Firefox on iOS do).
  ['iOS WebView', /\((?:iPhone|iPod|iPad)[^)]*\).*AppleWebKit(?!.*Safari\/)/],
];

/** The in-app browser `userAgent` belongs to, or null for a plain browser. */
export function inAppBrowser(userAgent: string): string | null {
  for (const [name, token] of IN_APP_BROWSERS) if (token.test(userAgent)) return name;
  return null;
}
