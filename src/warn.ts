/** Console messages for shop developers: each distinct one once per page, so a re-render never floods. */
const warned = new Set<string>();

/** Warn once per distinct message. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`[kpg-checkout] ${message}`);
}
