// @ts-check
/**
 * The demo's staff login (issue 23): a staff member is a name in a signed cookie of its own
 * (`kpg_demo_staff`, HMAC-SHA256, HttpOnly, SameSite=Strict), separate from the buyer cookie. kpg-checkout/
 * server's `authorizeStaff` reads only this cookie, so a buyer's cookie opens no staff route. A real shop
 * answers `authorizeStaff` from its own admin login instead.
 *
 *   POST /api/demo/staff-login  {name}   -> 200 {staff}, Set-Cookie (the demo has no password: it is a demo)
 *   POST /api/demo/staff-logout          -> 200, the cookie cleared
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const STAFF_COOKIE = 'kpg_demo_staff';

/** @param {{ secret?: string }} [options] the cookie's HMAC key (default: random per process) */
export function createDemoStaff(options = {}) {
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const sign = (/** @type {string} */ name) => createHmac('sha256', secret).update(`staff:${name}`).digest('base64url');

  /** The staff name a request's cookie proves, if any. @param {string | null | undefined} cookieHeader */
  function staffOf(cookieHeader) {
    const value = (cookieHeader ?? '')
      .split(';')
      .map((p) => p.trim())
      .find((p) => p.startsWith(`${STAFF_COOKIE}=`))
      ?.slice(STAFF_COOKIE.length + 1);
    if (!value) return undefined;
    const [name, mac] = value.split('.');
    if (!name || !mac || !/^[a-z0-9_-]{1,20}$/.test(name)) return undefined;
    const expected = Buffer.from(sign(name));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? name : undefined;
  }

  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void} */
  function middleware(req, res, next) {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/api/demo/staff-login' && path !== '/api/demo/staff-logout')) return next();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      // Set even when it is 200: a host server (Koa in the test runner) starts every response at 404.
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      if (path === '/api/demo/staff-logout') {
        res.setHeader('Set-Cookie', `${STAFF_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
        res.end('{}');
        return;
      }
      let name = '';
      try {
        name = String(JSON.parse(body || '{}').name ?? '');
      } catch {
        /* refused below */
      }
      if (!/^[a-z0-9_-]{1,20}$/.test(name)) {
        res.statusCode = 400;
        res.end(JSON.stringify({ code: 'invalid-field', field: 'name', message: 'name: 1-20 of a-z 0-9 _ -' }));
        return;
      }
      res.setHeader('Set-Cookie', `${STAFF_COOKIE}=${name}.${sign(name)}; Path=/; HttpOnly; SameSite=Strict`);
      res.end(JSON.stringify({ staff: name }));
    });
  }

  return { staffOf, middleware };
}
