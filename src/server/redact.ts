/**
 * Keys never leave the server (issue 10, fault 7): a PG error text that echoes `SPGKEY ...`, or a JSON
 * answer with the MerchantKey inside, must not reach a browser or a log. Every reply body and every log
 * line goes through one redactor made from the configured secrets.
 */

export const REDACTED = '[redacted]';

export type Redactor = (text: string) => string;

/** All but the last four characters starred (an account or phone number in a list, a log, an audit row). */
export function lastFour(text: string): string {
  return `${'*'.repeat(Math.max(0, text.length - 4))}${text.slice(-4)}`;
}

/**
 * Replaces each secret (as written, percent-encoded, JSON-escaped and base64-decoded when that is text)
 * and anything after an `SPGKEY` / `apikey` label.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 6) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(secret.replace(/\//g, '\\/'));
    // A base64 key (Smartro MerchantKeys look like that) may be echoed decoded.
    if (/^[A-Za-z0-9+/]+=*$/.test(secret) && secret.length % 4 === 0) {
      const decoded = Buffer.from(secret, 'base64').toString('utf8');
      if (/^[\x20-\x7e]{8,}$/.test(decoded)) forms.add(decoded);
    }
  }
  // (Every form is at least as long as its secret, 6 or more: encoded and escaped forms only grow; a decoded one has 8.)
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  const pattern = ordered.length ? new RegExp(ordered.map(escapeRegExp).join('|'), 'g') : null;
  // One scan for the common case (issue 26): a text with none of the secrets and neither label (matched
  // without case, so everything the replaces below could change) is returned as it is.
  const anything = new RegExp([...ordered.map(escapeRegExp), 'SPGKEY', 'apikey'].join('|'), 'i');
  return (text) => {
    if (!anything.test(text)) return text;
    let out = pattern ? text.replace(pattern, REDACTED) : text;
    // Whatever key a PG echoes after its header name, even one we were not configured with.
    out = out.replace(/(SPGKEY)(\s+|%20|\+)(?!\[redacted\])[^\s"'&,;}\]]+/gi, `$1$2${REDACTED}`);
    out = out.replace(/("?apikey"?\s*[:=]\s*"?)(?!\[redacted\])[^\s"'&,;}\]]+/gi, `$1${REDACTED}`);
    return out;
  };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
