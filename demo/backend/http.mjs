// @ts-check
/**
 * Tiny HTTP helpers on top of node:http: body reading with a size limit, JSON / HTML replies.
 */
import { createHash } from 'node:crypto';

/** Nothing legitimate sent to these routes comes near this. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An error that becomes a JSON reply `{ code, message, field? }` with the given status. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string} [field]
   */
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  toJSON() {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/**
 * Reads the whole request body as a UTF-8 string, refusing more than `limit` bytes (413).
 * @param {import('node:http').IncomingMessage} req
 * @param {number} [limit]
 * @returns {Promise<string>}
 */
export async function readBody(req, limit = MAX_BODY_BYTES) {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/**
 * Reads the whole request body as raw bytes (for forms whose charset is not known in advance),
 * refusing more than `limit` bytes (413).
 * @param {import('node:http').IncomingMessage} req
 * @param {number} [limit]
 * @returns {Promise<Buffer>}
 */
export function readBodyBytes(req, limit = MAX_BODY_BYTES) {
  const tooLarge = () => new HttpError(413, 'body-too-large', `The request body is over ${limit} bytes.`);
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume(); // discard it; the reply closes the connection
    return Promise.reject(tooLarge());
  }

  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let done = false;
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.off('data', onData);
        req.resume(); // discard the rest; the reply closes the connection
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!done) reject(error);
      done = true;
    });
  });
}

/**
 * The media type of the request without parameters, lowercased ("application/json").
 * @param {import('node:http').IncomingMessage} req
 */
export function mediaType(req) {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/**
 * A body that is already JSON text (a PG's answer passed on as it was sent).
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} jsonText
 * @param {Record<string, string>} [headers]
 */
export function sendJsonText(res, status, jsonText, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(jsonText),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(jsonText);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {HttpError} error
 */
export function sendError(res, error) {
  // A refused upload is not read to the end: close the connection after answering.
  const headers = error.status === 413 ? { Connection: 'close' } : undefined;
  sendJson(res, error.status, error.toJSON(), headers);
}

/**
 * A short plain-text reply (for PG servers: Smartro's RetryURL expects the body `OK`).
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
export function sendText(res, status, text) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/**
 * 303 See Other: after a POST, the browser follows with a GET.
 * @param {import('node:http').ServerResponse} res
 * @param {string} location
 */
export function redirect(res, location) {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

// ---------------------------------------------------------------------------------------------
// The small page shown in the PG popup (PC) once the result is recorded.
// ---------------------------------------------------------------------------------------------

const CLOSE_SCRIPT = 'window.close();';
/** The page allows exactly this one inline script (CSP hash), nothing else. */
const CLOSE_SCRIPT_CSP = `'sha256-${createHash('sha256').update(CLOSE_SCRIPT).digest('base64')}'`;

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {{ title: string, text: string, closeWindow: boolean }} page  plain text only (no HTML)
 */
export function sendPage(res, status, page) {
  const script = page.closeWindow ? `<script>${CLOSE_SCRIPT}</script>` : '';
  const html = `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<p>${escapeHtml(page.text)}</p>
${script}
</body>
</html>
`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': `default-src 'none'; script-src ${CLOSE_SCRIPT_CSP}`,
    'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}

// ---------------------------------------------------------------------------------------------
// The page Smartro's result form lands on in the PC popup (ReturnURL). It loads the widget's return
// script from the shop's own origin; that script tells the opener (the shop page) and closes the
// popup. The shop page then asks /api/kpg/result: this page says nothing about the outcome.
// ---------------------------------------------------------------------------------------------

/**
 * @param {string} orderNo
 * @returns {string} UTF-8 HTML
 */
export function returnPageHtml(orderNo) {
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>결제 결과 확인 중</title>
</head>
<body>
<p>결제 결과를 확인하고 있습니다… 이 창이 닫히지 않으면 직접 닫아 주세요.</p>
<script src="/kpg-return.js" data-order-no="${escapeHtml(orderNo)}"></script>
</body>
</html>
`;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {string} orderNo
 */
export function sendReturnPage(res, orderNo) {
  const html = returnPageHtml(orderNo);
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // Only scripts from the shop's own origin (/kpg-return.js); nothing inline, nothing else.
    'Content-Security-Policy': "default-src 'none'; script-src 'self'",
    'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An absolute http(s) URL? (Config values and PG answers are checked with it.)
 * @param {string} text */
export function isHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
