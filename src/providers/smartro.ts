/**
 * Smartro (smilepay) WEBLink, its second half (the first is smartro-start.ts): the backend signs the form
 * fields; the widget posts them to Smartro.
 * - PC: a named window is opened inside the click (before any await, smartro-start.ts), then the form is posted into it
 *   with accept-charset EUC-KR (Smartro's PC server reads EUC-KR). The return page (kpg-return.js) tells
 *   this page which order came back; closing the window first is a cancel.
 * - Mobile: a full-page post with accept-charset UTF-8 (the mobile server reads UTF-8), never an iframe
 *   (iOS), and StopURL is required (a mobile cancel goes there).
 * Every field is checked before anything is posted: a character EUC-KR cannot hold would otherwise be sent
 * silently as the text `&#NNNNN;`, and byte lengths are counted in the charset the form is sent in.
 */
import { byteLength, ncr, outsideKsX1001, type FormCharset } from '../charset.js';
import { readTid } from '../tid.js';
import { warnOnce } from '../warn.js';
import { KpgError, invalidConfig } from '../errors.js';
import { parseOrThrow } from '../parse.js';
import { isRecord, text as isText } from '../rules.js';
import { allowedPgUrl, toUrl } from '../origins.js';
import { RETURN_MESSAGE } from '../kpg-return/message.js';
import {
  ReceiptEnvSchema,
  ReceiptTypeSchema,
  ReturnMessageSchema,
  SmartroReceiptSchema,
  SmartroSessionSchema,
  type SmartroSession,
} from '../schemas.js';
import { SMARTRO_WINDOW } from './smartro-start.js';
import type { AttemptContext, PgReturn, ProviderMore, ReceiptInput, Slip, SlipLine } from './types.js';
import { say } from '../messages.js';


/** Smartro's domain: tpay / pay (PC), tspay / smpay (mobile), test / www (receipts).smilepay.co.kr. */
export const SMARTRO_DOMAIN = 'smilepay.co.kr';

/** A session ready to post: every field checked, nothing left to validate in the window's task. */
export interface SmartroForm {
  order_no: string;
  action: string;
  fields: Record<string, string>;
  charset: FormCharset;
  /** Where the return page's message must come from (PC). */
  returnOrigin: string;
}

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
  for (const name in fields) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name)) throw invalidField(name, say('field-name', name), orderNo);
  }
  for (const name of [...REQUIRED, ...(mobile ? ['StopURL'] : [])]) {
    if (!fields[name]) throw invalidField(name, say('field-required', name), orderNo);
  }
  if (!/^\d{1,12}$/.test(fields.Amt)) throw invalidField('Amt', say('field-amt', fields.Amt), orderNo);
  if (!/^[A-Za-z0-9]+$/.test(fields.Moid)) throw invalidField('Moid', say('field-moid'), orderNo);
  if (fields.Moid !== orderNo) throw invalidField('Moid', say('field-moid-order', fields.Moid, orderNo), orderNo);
  if (!/^\d{14}$/.test(fields.ediDate)) throw invalidField('ediDate', say('field-edidate'), orderNo);
  for (const name of ['ReturnURL', 'RetryURL', 'StopURL']) {
    const value = fields[name];
    const url = value ? toUrl(value) : null;
    if (value && (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))) {
      throw invalidField(name, say('field-url', name), orderNo);
    }
  }
  for (const [name, value] of Object.entries(fields)) {
    const count = byteLength(value, charset);
    if (!count.ok) {
      throw invalidField(
        name,
        say('field-charset', name, count.character, charset, ncr(count.character)),
        orderNo,
      );
    }
    const extended = charset === 'EUC-KR' ? outsideKsX1001(value) : [];
    if (extended.length) {
      warnOnce(
        say('outside-ks-x-1001', name, extended.join('')),
      );
    }
    const limit = LIMITS[name];
    const max = typeof limit === 'object' ? (mobile ? limit.mobile : limit.pc) : limit;
    if (max !== undefined && count.bytes > max) {
      throw invalidField(name, say('field-bytes', name, count.bytes, charset, max), orderNo);
    }
  }
}

/**
 * SmartroSessionSchema, checked by hand: this runs on the click path (a zod parse only for a session this
 * check refuses, to say what is wrong with it). test/property.test.ts holds it to the schema.
 */
export function isSmartroSession(json: unknown): json is SmartroSession {
  if (!isRecord(json) || json.provider !== 'smartro' || !isText(json.order_no, 1, 64) || !isText(json.action, 1, 1000) || !isRecord(json.fields)) return false;
  for (const value of Object.values(json.fields)) if (typeof value !== 'string' && !Number.isFinite(value)) return false;
  return true;
}

/** The session JSON -> a form ready to post: shape, action origin, and every field (see checkFields). */
function parseSession(json: unknown, ctx: AttemptContext): SmartroForm {
  const session = isSmartroSession(json)
    ? { provider: json.provider, order_no: json.order_no, action: json.action, fields: json.fields }
    : parseOrThrow(SmartroSessionSchema, json, 'invalid-session', 'The session JSON is not a Smartro session');
  const { order_no } = session;
  const mobile = ctx.device === 'mobile';
  const charset: FormCharset = mobile ? 'UTF-8' : 'EUC-KR';
  const fields = formFields(session, document.characterSet.toUpperCase() === 'UTF-8');
  checkFields(fields, charset, mobile, order_no);
  return {
    order_no,
    action: allowedPgUrl(session.action, SMARTRO_DOMAIN, 'action', order_no).href,
    fields,
    charset,
    returnOrigin: new URL(fields.ReturnURL).origin,
  };
}

/** Build the form and post it: into the named window (PC) or as the whole page (mobile). */
function post({ action, fields, charset }: SmartroForm, target: string | null): void {
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
function awaitReturn(ctx: AttemptContext, form: SmartroForm): Promise<PgReturn> {
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
      if (event.source !== ctx.popup.window || event.origin !== form.returnOrigin) return; // not our window
      const message = ReturnMessageSchema.safeParse(event.data);
      if (!message.success || message.data.order_no !== form.order_no) return;
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

/** Smartro's receipt (전표) page hosts (smartro-receipt.txt). */
const RECEIPT_PAGES = {
  test: 'https://test.smilepay.co.kr/issue/IssueLoader.jsp',
  real: 'https://www.smilepay.co.kr/issue/IssueLoader.jsp',
};

const badReceipt = invalidConfig;

/** `https://{test|www}.smilepay.co.kr/issue/IssueLoader.jsp?TID=...&type=0|2`. */
function receiptPage({ tid, type, env, issueUrl }: ReceiptInput): URL {
  readTid(tid);
  const kind = type ?? '0';
  if (!ReceiptTypeSchema.safeParse(kind).success) {
    throw badReceipt('type', `type="${kind}" must be 0 (the payment) or 2 (cash receipt)`);
  }
  const where = env ?? 'real';
  if (!ReceiptEnvSchema.safeParse(where).success) throw badReceipt('env', `env="${where}" must be test or real`);
  const page = issueUrl ? allowedPgUrl(issueUrl, SMARTRO_DOMAIN, 'issue-url') : new URL(RECEIPT_PAGES[where as 'test' | 'real']);
  page.search = '';
  page.searchParams.set('TID', tid);
  page.searchParams.set('type', kind);
  return page;
}

const text = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value).trim());
const when = (date: unknown, time: unknown) => {
  const d = text(date as string);
  const t = text(time as string);
  if (!/^\d{8}$/.test(d)) return [d, t].filter(Boolean).join(' ');
  const hms = /^\d{6}$/.test(t) ? ` ${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}` : '';
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}${hms}`;
};
const bizNo = (value: string) => (/^\d{10}$/.test(value) ? `${value.slice(0, 3)}-${value.slice(3, 5)}-${value.slice(5)}` : value);

/** Smartro's receipt API JSON (through the backend) -> a slip. Throws KpgError receipt-failed. */
function receiptSlip(json: unknown): Slip {
  const answer = parseOrThrow(SmartroReceiptSchema, json, 'receipt-failed', 'The receipt JSON is not a Smartro receipt');
  const r = answer.receipt;
  const m = Array.isArray(r.merchantInfo) ? r.merchantInfo[0] : r.merchantInfo;
  const cancelled = text(r.stateCd) === '1' || text(r.stateNm) === '취소';
  const line = (key: string, value: unknown, kind?: SlipLine['kind']): SlipLine[] =>
    text(value as string) ? [{ key, value: text(value as string), kind }] : [];
  // Given back and left, from the backend's own ledger (issue 22), once part of the payment was given back.
  const back = answer.refunded_total ? [...line('refunded', String(answer.refunded_total), 'amount'), ...line('balance', String(answer.balance ?? 0), 'amount')] : [];
  const parts = r.partCancelInfo ? (Array.isArray(r.partCancelInfo) ? r.partCancelInfo : [r.partCancelInfo]) : [];
  return {
    cancelled,
    merchant: [...line('merchant', m.mallNm || m.coNm), ...line('bizNo', bizNo(text(m.coNo))), ...line('boss', m.bossNm), ...line('addr', m.addr)],
    lines: [
      ...line('goods', r.goodsNm),
      ...line('buyer', r.ordNm),
      ...line('goodsAmt', r.goodsAmt, 'amount'),
      ...back,
      ...line('supplyAmt', r.supplyAmt, 'amount'),
      ...line('vatAmt', r.vatAmt, 'amount'),
      ...line('svcAmt', r.svcAmt, 'amount'),
      ...line('card', r.appNm),
      ...line('cardNo', r.cardNo),
      ...line('installment', r.instmntMon, 'months'),
      ...line('bank', r.bankNm || r.bankCd),
      ...line('acctNo', r.acctNo),
      ...line('vacctNo', r.vacctNo),
      ...line('vacctDue', when(r.vacctDueDt, '')),
      ...line('vacctDeposit', when(r.vacctBaseDt, '')),
      ...line('appNo', r.appNo),
      ...line('appAt', when(r.appDt, r.appTm)),
      ...line('state', r.stateNm),
      ...line('ccNo', r.ccNo),
      ...line('ccAt', when(r.ccDt, r.ccTm)),
      ...line('tid', r.tid),
      ...line('moid', r.moid),
    ],
    parts: parts.map((p) => ({ at: when(p.transDt, p.transTm), amount: text(p.transAmt) })),
    cash: text(r.cashReceiptTid) || text(r.cashReceiptNo)
      ? [...line('cashType', r.cashReceiptType, 'cash'), ...line('cashNo', r.cashReceiptNo), ...line('cashTid', r.cashReceiptTid)]
      : [],
    card: text(r.svcCd) === '01' || !!text(r.appNm),
  };
}

export const smartro: ProviderMore<SmartroForm> = {
  id: 'smartro',
  receipt: { kind: 'direct', url: receiptPage, inline: receiptSlip },
  parseSession,
  async open(form, ctx) {
    // The window's task: the form was checked in the task before (checkout-flow.ts).
    if (ctx.device === 'mobile') {
      ctx.leavingPage();
      post(form, null);
      return { kind: 'navigated' };
    }
    const returned = awaitReturn(ctx, form);
    post(form, SMARTRO_WINDOW);
    return returned;
  },
};
