/**
 * Smartro (smilepay) WEBLink: the backend signs the form fields; the widget posts them to Smartro.
 * - PC: a named window is opened inside the click (before any await), then the form is posted into it
 *   with accept-charset EUC-KR (Smartro's PC server reads EUC-KR). The return page (kpg-return.js) tells
 *   this page which order came back; closing the window first is a cancel.
 * - Mobile: a full-page post with accept-charset UTF-8 (the mobile server reads UTF-8), never an iframe
 *   (iOS), and StopURL is required (a mobile cancel goes there).
 * Every field is checked before anything is posted: a character EUC-KR cannot hold would otherwise be sent
 * silently as the text `&#NNNNN;`, and byte lengths are counted in the charset the form is sent in.
 */
import { byteLength, ncr, type FormCharset } from '../charset.js';
import { KpgError } from '../protocol.js';
import { httpsHostIn, pgUrl, toUrl } from '../origins.js';
import { RETURN_MESSAGE } from '../kpg-return/message.js';
import { ReturnMessageSchema, SmartroSessionSchema, describeIssues, type SmartroSession } from '../schemas.js';
import type { AttemptContext, PgReturn, Provider } from './types.js';

/** The window name Smartro's own samples use. */
export const SMARTRO_WINDOW = 'payWindow';
const WINDOW_FEATURES = 'width=545,height=573,resizable=yes,scrollbars=yes';

/** Smartro's hosts: tpay / pay (PC), tspay / smpay (mobile), test / www (receipts), all on smilepay.co.kr. */
export const smartroOrigins = httpsHostIn('smilepay.co.kr');

/** Maximum bytes per field (in the charset the form is sent in), from Smartro's sample code. */
const LIMITS: Record<string, number | { pc: number; mobile: number }> = {
  PayMethod: 10,
  GoodsCnt: 2,
  GoodsName: 80,
  Amt: 12,
  Moid: 64,
  MID: 10,
  ReturnURL: 200,
  RetryURL: 200,
  StopURL: 200,
  mallUserID: { pc: 10, mobile: 20 },
  BuyerName: 30,
  BuyerTel: 30,
  BuyerEmail: 60,
  BuyerAddr: 100,
  BuyerPostNo: 6,
  UserIP: 20,
  MallIP: 20,
  VbankExpDate: 8,
  ediDate: 14,
  MallReserved: 500,
  urlScheme: 200,
};

const REQUIRED = ['MID', 'Moid', 'Amt', 'GoodsName', 'EncryptData', 'ediDate', 'ReturnURL'];

const invalidField = (field: string, message: string, order_no: string) =>
  new KpgError({ code: 'invalid-field', field, message, order_no });

/** The fields as they will be posted: strings, with the widget's own additions. */
export function formFields(session: SmartroSession, pageIsUtf8: boolean): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(session.fields)) fields[name] = String(value);
  // Skip Smartro's own result screen: the buyer comes straight back to the shop (guide 6.1).
  fields.MallResultFWD ??= 'Y';
  if (pageIsUtf8) {
    // Ask Smartro to send the result back in UTF-8, URL-encoded (guide 6.4).
    fields.EncodingType = 'utf8';
    fields.UrlEncode = 'Y';
  }
  return fields;
}

/** Every check Smartro's servers would make on the form, done before anything is posted. */
export function checkFields(fields: Record<string, string>, charset: FormCharset, mobile: boolean, orderNo: string): void {
  for (const name of [...REQUIRED, ...(mobile ? ['StopURL'] : [])]) {
    if (!fields[name]) throw invalidField(name, `${name} is required${name === 'StopURL' ? ' on mobile (a mobile cancel goes there)' : ''}`, orderNo);
  }
  if (!/^\d{1,12}$/.test(fields.Amt)) throw invalidField('Amt', `Amt must be whole won in digits, not "${fields.Amt}"`, orderNo);
  if (!/^[A-Za-z0-9]+$/.test(fields.Moid)) throw invalidField('Moid', 'Moid may hold only letters and digits', orderNo);
  if (fields.Moid !== orderNo) throw invalidField('Moid', `Moid "${fields.Moid}" is not the session's order_no "${orderNo}"`, orderNo);
  if (!/^\d{14}$/.test(fields.ediDate)) throw invalidField('ediDate', 'ediDate must be yyyyMMddHHmmss', orderNo);
  for (const name of ['ReturnURL', 'RetryURL', 'StopURL']) {
    const value = fields[name];
    const url = value ? toUrl(value) : null;
    if (value && (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))) {
      throw invalidField(name, `${name} must be an absolute http(s) URL`, orderNo);
    }
  }
  for (const [name, value] of Object.entries(fields)) {
    const count = byteLength(value, charset);
    if (!count.ok) {
      throw invalidField(
        name,
        `${name} contains "${count.character}", which ${charset} cannot hold: the browser would send it as the text ${ncr(count.character)}`,
        orderNo,
      );
    }
    const limit = LIMITS[name];
    const max = typeof limit === 'object' ? (mobile ? limit.mobile : limit.pc) : limit;
    if (max !== undefined && count.bytes > max) {
      throw invalidField(name, `${name} is ${count.bytes} bytes in ${charset}; Smartro allows ${max}`, orderNo);
    }
  }
}

function parseSession(json: unknown, ctx: AttemptContext): SmartroSession {
  const parsed = SmartroSessionSchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeIssues(parsed.error);
    throw new KpgError({
      code: 'invalid-session',
      message: `The session JSON is not a Smartro session: ${message}`,
      ...(field ? { field } : {}),
    });
  }
  const session = parsed.data;
  const action = pgUrl(session.action, smartroOrigins, ctx.config.pgOrigins);
  if (!action) {
    throw new KpgError({
      code: 'origin-not-allowed',
      field: 'action',
      order_no: session.order_no,
      message: `action ${session.action} is not an https smilepay.co.kr URL nor on an origin listed in pg-origins`,
    });
  }
  return { ...session, action: action.href };
}

/** Build the form and post it: into the named window (PC) or as the whole page (mobile). */
function post(action: string, fields: Record<string, string>, charset: FormCharset, target: string | null): void {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  form.acceptCharset = charset;
  if (target) form.target = target;
  form.hidden = true;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

/** Wait for the return page's message (from that window, from the ReturnURL's origin) or for the window to close. */
function awaitReturn(ctx: AttemptContext, session: SmartroSession, returnOrigin: string): Promise<PgReturn> {
  return new Promise((resolve, reject) => {
    // Stops the close-watcher once the attempt has its answer (or is aborted).
    const watch = new AbortController();
    const stop = () => watch.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', stop, { once: true });
    const finish = (value: PgReturn) => {
      ctx.signal.removeEventListener('abort', stop);
      watch.abort();
      window.removeEventListener('message', onMessage);
      resolve(value);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.source !== ctx.popup.window || event.origin !== returnOrigin) return; // not our window
      const message = ReturnMessageSchema.safeParse(event.data);
      if (!message.success || message.data.order_no !== session.order_no) return;
      ctx.popup.close(); // the return page closes itself; make sure
      finish({ kind: 'returned', ok: true, code: RETURN_MESSAGE, message: '' });
    };
    window.addEventListener('message', onMessage);
    ctx.popup.whenClosed(watch.signal).then(
      () => finish({ kind: 'closed' }),
      (error) => {
        if (ctx.signal.aborted) {
          window.removeEventListener('message', onMessage);
          reject(error);
        }
      },
    );
  });
}

export const smartro: Provider<SmartroSession> = {
  id: 'smartro',
  ownOrigins: smartroOrigins,
  beforeSession(ctx) {
    if (ctx.device !== 'pc') return;
    if (!ctx.popup.open(SMARTRO_WINDOW, WINDOW_FEATURES)) {
      throw new KpgError({
        code: 'popup-blocked',
        message: 'The browser blocked the payment window; no session was created. Allow pop-ups, then click again.',
      });
    }
  },
  parseSession,
  async open(session, ctx) {
    const mobile = ctx.device === 'mobile';
    const charset: FormCharset = mobile ? 'UTF-8' : 'EUC-KR';
    const fields = formFields(session, document.characterSet.toUpperCase() === 'UTF-8');
    checkFields(fields, charset, mobile, session.order_no);
    if (mobile) {
      ctx.leavingPage();
      post(session.action, fields, charset, null);
      return { kind: 'navigated' };
    }
    const returnOrigin = new URL(fields.ReturnURL).origin;
    const returned = awaitReturn(ctx, session, returnOrigin);
    post(session.action, fields, charset, SMARTRO_WINDOW);
    return returned;
  },
  abandon(ctx) {
    ctx.popup.close();
  },
};
