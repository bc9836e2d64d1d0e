#!/usr/bin/env node
/**
 * npx kpg-checkout-server <command>
 *
 *   reconcile   settle processing/unknown attempts with the PGs, expire stale ones, prune, list money owed
 *   refunds     list money the PGs took that the shop must give back (open entries)
 *   migrate     create or upgrade the tables
 *   cancel ORDER_ID --reason TEXT --key KEY [--amount N] [--taxfree N]
 *               [--refund-bank 088 --refund-account 110123456789 --refund-holder NAME] [--by NAME]
 *               give money back (everything left without --amount); exactly once per --key
 *   cancel-due TID --reason TEXT --key KEY [--refund-...]      give a refund_due entry's money back
 *   cancel-confirm CANCEL_ID --done [--amount N] | --not-done  --by NAME [--note TEXT]
 *               staff checked the PG's admin site about an unknown cancel
 *   cancels ORDER_ID                                           the order's payment and its cancels
 *   events [--dead|--pending|--delivered] [--order ORDER_ID] [--limit N]
 *               list events and their deliveries (onEvent, webhooks), newest first
 *   events retry EVENT_ID | --dead
 *               re-queue one event's undelivered deliveries, or every dead one (due now, three more days)
 *   events deliver
 *               deliver every due event now, with the onEvent / webhooks of --config (cron, serverless)
 *
 * Exit codes of the cancel commands: 0 done, 2 unknown (the PG's answer is not known yet: reconcile settles
 * it; never send it again), 3 refused, 1 an error (bad arguments: the message names the field).
 *
 * Options: --config <file.mjs> (its default export: the options you pass to createKpgServer; loadOrder and
 * authorize are not needed here), else the environment (DATABASE_URL or KPG_DATA_DIR, SHINHAN_*, SMARTRO_*;
 * see env.ts). --json prints the report as JSON. Exit code 0 when it ran, 1 on an error.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { optionsFromEnv } from './env.js';
import { checkCancelArgs, type CancelAnswer, type Cancels } from './cancels.js';
import type { EventRecord } from './events/types.js';
import { HttpError } from './http.js';
import { createEngine, type KpgServerOptions } from './index.js';
import { errorText } from './log.js';

const USAGE = [
  'usage: kpg-checkout-server reconcile|refunds|migrate [--config file.mjs] [--json]',
  '       kpg-checkout-server cancel ORDER_ID --reason TEXT --key KEY [--amount N] [--taxfree N] [--refund-bank CODE --refund-account NO --refund-holder NAME] [--by NAME] [--json]',
  '       kpg-checkout-server cancel-due TID --reason TEXT --key KEY [--refund-bank CODE --refund-account NO --refund-holder NAME] [--by NAME] [--json]',
  '       kpg-checkout-server cancel-confirm CANCEL_ID (--done [--amount N] | --not-done) --by NAME [--note TEXT] [--json]',
  '       kpg-checkout-server cancels ORDER_ID [--json]',
  '       kpg-checkout-server events [--dead|--pending|--delivered] [--order ORDER_ID] [--limit N] [--config file.mjs] [--json]',
  '       kpg-checkout-server events retry EVENT_ID|--dead [--config file.mjs] [--json]',
  '       kpg-checkout-server events deliver --config file.mjs [--json]   (the onEvent / webhooks of that file)',
].join('\n');

const COMMANDS = ['reconcile', 'refunds', 'migrate', 'cancel', 'cancel-due', 'cancel-confirm', 'cancels', 'events'];
/** Options that take a value. */
const VALUED = ['--config', '--reason', '--key', '--amount', '--taxfree', '--refund-bank', '--refund-account', '--refund-holder', '--by', '--note', '--order', '--limit'];

/** `--name value` pairs and flags; the positional arguments after the command. */
function parseArgv(argv: string[]): { options: Map<string, string>; flags: Set<string>; positional: string[] } {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (VALUED.includes(a)) {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      options.set(a, argv[++i]);
    } else if (a.startsWith('--')) flags.add(a);
    else positional.push(a);
  }
  return { options, flags, positional };
}

/** A whole number of won from the command line, or an error naming the option. */
function won(options: Map<string, string>, name: string): number | undefined {
  const v = options.get(name);
  if (v === undefined) return undefined;
  if (!/^\d{1,12}$/.test(v)) throw new Error(`${name} must be a whole number of won (digits only), got ${JSON.stringify(v)}`);
  return Number(v);
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  const json = argv.includes('--json');
  if (!command || !COMMANDS.includes(command)) {
    console.error(USAGE);
    return 1;
  }
  let parsed: ReturnType<typeof parseArgv>;
  try {
    parsed = parseArgv(argv);
  } catch (error) {
    console.error(`kpg-checkout-server: ${errorText(error)}\n${USAGE}`);
    return 1;
  }
  const config = parsed.options.get('--config');
  let options: Partial<KpgServerOptions>;
  if (config !== undefined) {
    const loaded = await import(pathToFileURL(resolve(config)).href);
    options = (loaded.default ?? loaded.kpgOptions) as Partial<KpgServerOptions>;
    if (!options || typeof options !== 'object') throw new Error(`${config} has no default export with the server's options`);
  } else {
    options = optionsFromEnv();
  }
  const engine = createEngine({
    ...options,
    publicBaseUrl: options.publicBaseUrl ?? 'http://localhost',
    // The CLI writes its own report; log lines go to stderr so that --json stays parseable.
    log: options.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
  });
  if (command === 'events' && !eventsArgsFit(parsed)) {
    console.error(USAGE);
    return 1;
  }
  if (['cancel', 'cancel-due', 'cancel-confirm', 'cancels'].includes(command)) {
    // Arguments first: a mistake is named before any database is opened (a PGlite directory takes seconds).
    const problem = checkCancelCommand(command, parsed);
    if (problem !== undefined) return problem;
  }
  const store = await engine.store();
  try {
    if (command === 'migrate') {
      console.log(json ? JSON.stringify({ migrated: true, engine: store.engine }) : `kpg-checkout-server: tables are up to date (${store.engine})`);
      return 0;
    }
    if (command === 'events') return await events(engine, store, parsed, json);
    if (['cancel', 'cancel-due', 'cancel-confirm', 'cancels'].includes(command)) return await cancelCommand(command, parsed, engine.cancelsOf, json);
    if (command === 'refunds') {
      const refunds = await store.refundsDue();
      if (json) console.log(JSON.stringify(refunds, null, 2));
      else if (!refunds.length) console.log('kpg-checkout-server: no money owed back');
      else for (const r of refunds) console.log(`refund due: ${r.provider} tid ${r.tid}, ${r.amount} KRW, order ${r.order_id} (attempt ${r.order_no}), ${r.reason}, since ${r.recorded_at}`);
      return 0;
    }
    const report = await engine.reconcile();
    if (json) console.log(JSON.stringify(report, null, 2));
    else {
      if (!report.ran) console.log('kpg-checkout-server: another instance is reconciling right now; nothing done');
      for (const s of report.settled) console.log(`settled: ${s.order_no} (order ${s.order_id}) ${s.from} -> ${s.to}`);
      for (const e of report.expired) console.log(`expired: ${e.order_no} (order ${e.order_id}) -> ${e.to}`);
      for (const u of report.unsettled) console.log(`still ${u.status}: ${u.order_no} (order ${u.order_id}) since ${u.since}${u.why ? `: ${u.why}` : ''}`);
      for (const r of report.refundsDue) console.log(`refund due: ${r.provider} tid ${r.tid}, ${r.amount} KRW, order ${r.order_id}, ${r.reason}`);
      for (const c of report.cancels.settled) console.log(`cancel settled: #${c.cancel_id} (order ${c.order_id}) ${c.status}`);
      for (const c of report.cancels.found) console.log(`cancel found at the PG: #${c.cancel_id} (order ${c.order_id}) ${c.amount} KRW`);
      for (const c of report.cancels.unknown) {
        console.log(`cancel still unknown: #${c.cancel_id} (order ${c.order_id}) since ${c.since}${c.staff_check ? ": check the PG's admin site, then cancel-confirm" : ''}`);
      }
      for (const a of report.cancels.attention) console.log(`attention: order ${a.order_id}: ${a.message}`);
      console.log(
        `kpg-checkout-server: ${report.settled.length} settled, ${report.expired.length} expired, ${report.unsettled.length} unsettled, ` +
          `${report.refundsDue.length} refunds due, pruned ${report.pruned.refusals} refusals, ${report.pruned.attempts} attempts and ${report.pruned.events} events`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`kpg-checkout-server: ${errorText(error)}`);
    process.exit(1);
  },
);

/** The arguments kpg.cancel / kpg.cancelDue get from the command line. */
function cancelInput(command: string, args: ReturnType<typeof parseArgv>): Record<string, unknown> {
  const { options, positional } = args;
  const refund = ['--refund-bank', '--refund-account', '--refund-holder'].map((n) => options.get(n));
  const refundAccount = refund.some((v) => v !== undefined) ? { bank_code: refund[0], account_no: refund[1], holder: refund[2] } : undefined;
  return {
    ...(command === 'cancel' ? { order_id: positional[0], amount: won(options, '--amount'), taxfree_amount: won(options, '--taxfree') } : {}),
    reason: options.get('--reason'),
    idempotency_key: options.get('--key'),
    ...(refundAccount ? { refund_account: refundAccount } : {}),
    requested_by: options.get('--by') ?? 'cli',
  };
}

/** What is wrong with a cancel command's arguments (printed; exit code 1), before anything is opened. */
function checkCancelCommand(command: string, args: ReturnType<typeof parseArgv>): number | undefined {
  if (args.positional.length !== 1) {
    console.error(`kpg-checkout-server: ${command} takes one ${command === 'cancel-due' ? 'TID' : command === 'cancel-confirm' ? 'CANCEL_ID' : 'ORDER_ID'}\n${USAGE}`);
    return 1;
  }
  if (command !== 'cancel' && command !== 'cancel-due') return undefined;
  try {
    checkCancelArgs(cancelInput(command, args), command === 'cancel-due');
  } catch (error) {
    if (error instanceof HttpError) {
      console.error(`kpg-checkout-server: ${error.message}${error.field ? ` (${cliName(error.field)})` : ''}`);
      return 1;
    }
    console.error(`kpg-checkout-server: ${errorText(error)}`);
    return 1;
  }
  return undefined;
}

/** The cancel commands: the same module as kpg.cancel and the staff route. */
async function cancelCommand(command: string, args: ReturnType<typeof parseArgv>, cancelsOf: () => Promise<Cancels>, json: boolean): Promise<number> {
  const { options, flags, positional } = args;
  const target = positional[0];
  const by = options.get('--by');
  const cancels = await cancelsOf();
  try {
    if (command === 'cancels') {
      const view = await cancels.orderView(target);
      if (!view) throw new HttpError(404, 'no-payment', `Order ${target} has no payment.`, 'order_id');
      if (json) console.log(JSON.stringify(view, null, 2));
      else {
        console.log(`${view.order_id}: ${view.provider} tid ${view.tid}, ${view.status}, paid ${view.amount - view.discount} KRW, given back ${view.refunded_total}, balance ${view.balance}`);
        for (const c of view.cancels) console.log(`  #${c.id} ${c.status}${c.staff_check ? ' (staff check)' : ''} ${c.kind} ${c.amount} KRW via ${c.source}, ${c.reason}${c.pg_cancel_id ? `, PG ${c.pg_cancel_id}` : ''}`);
      }
      return 0;
    }
    let answer: CancelAnswer;
    if (command === 'cancel-confirm') {
      if (!/^\d{1,15}$/.test(target)) throw new HttpError(400, 'invalid-field', 'CANCEL_ID must be a number.', 'cancel_id');
      if (flags.has('--done') === flags.has('--not-done')) throw new HttpError(400, 'missing-field', 'Say --done or --not-done: what the PG\'s admin site shows.', 'done');
      if (!by) throw new HttpError(400, 'missing-field', '--by NAME is required: who checked.', 'by');
      const amount = won(options, '--amount');
      answer = flags.has('--done')
        ? await cancels.confirmDone(Number(target), { amount, by, note: options.get('--note') })
        : await cancels.confirmNotDone(Number(target), { by, note: options.get('--note') });
    } else {
      const input = cancelInput(command, args);
      answer = command === 'cancel' ? await cancels.cancel(input) : await cancels.cancelDue(target, input);
    }
    if (json) console.log(JSON.stringify(answer, null, 2));
    else {
      console.log(
        `${answer.status}${answer.cancel_id ? ` (cancel #${answer.cancel_id})` : ''}: ${answer.cancelled_amount} KRW given back now, ${answer.refunded_total} in all, balance ${answer.balance}` +
          `${answer.code ? `; ${answer.code}` : ''}${answer.message ? `: ${answer.message}` : ''}`,
      );
      if (answer.status === 'unknown') console.log('The PG has not said whether it gave the money back. Do NOT cancel again: `kpg-checkout-server reconcile` settles it from the PG\'s records, or staff confirm it (cancel-confirm).');
    }
    return answer.status === 'done' ? 0 : answer.status === 'unknown' ? 2 : 3;
  } catch (error) {
    if (error instanceof HttpError) {
      console.error(`kpg-checkout-server: ${error.message}${error.field ? ` (${cliName(error.field)})` : ''}`);
      return 1;
    }
    throw error;
  }
}

/** The command-line name of a field, for the error message. */
function cliName(field: string): string {
  const names: Record<string, string> = { idempotency_key: '--key', reason: '--reason', amount: '--amount', taxfree_amount: '--taxfree', refund_account: '--refund-bank / --refund-account / --refund-holder', requested_by: '--by', order_id: 'ORDER_ID', tid: 'TID', cancel_id: 'CANCEL_ID' };
  return names[field] ?? field;
}

type Engine = ReturnType<typeof createEngine>;
type Parsed = ReturnType<typeof parseArgv>;

/** `events`, `events retry EVENT_ID|--dead`, `events deliver`: are the arguments one of these? */
function eventsArgsFit({ options, flags, positional }: Parsed): boolean {
  const [sub, id, ...rest] = positional;
  if (rest.length) return false;
  if (sub === 'retry') return (id !== undefined) !== flags.has('--dead');
  if (sub === 'deliver') return id === undefined;
  if (sub !== undefined) return false;
  const limit = options.get('--limit');
  if (limit !== undefined && !/^\d{1,4}$/.test(limit)) return false;
  return (['dead', 'pending', 'delivered'] as const).filter((s) => flags.has(`--${s}`)).length <= 1;
}

async function events(engine: Engine, store: Awaited<ReturnType<Engine['store']>>, { options, flags, positional }: Parsed, json: boolean): Promise<number> {
  const now = engine.now().toISOString();
  const [sub, id] = positional;
  if (sub === 'retry') {
    const count = await store.retryDeliveries(id ? { eventId: id } : { dead: true }, now);
    if (id && count === 0) {
      console.error(`kpg-checkout-server: ${id} has no undelivered delivery (no such event, or all delivered)`);
      return 1;
    }
    console.log(json ? JSON.stringify({ requeued: count }) : `kpg-checkout-server: ${count} ${count === 1 ? 'delivery' : 'deliveries'} re-queued`);
    return 0;
  }
  if (sub === 'deliver') {
    if (!engine.targets.length) {
      console.error('kpg-checkout-server: nothing to deliver to: give a --config whose options have onEvent and/or webhooks');
      return 1;
    }
    const report = await (await engine.relayOf()).deliver();
    console.log(json ? JSON.stringify(report) : `kpg-checkout-server: ${report.delivered} delivered, ${report.failed} failed (to be retried), ${report.dead} dead`);
    return 0;
  }
  const status = (['dead', 'pending', 'delivered'] as const).find((s) => flags.has(`--${s}`));
  const limit = options.get('--limit');
  const list = await store.events({ orderId: options.get('--order'), status, limit: limit ? Number(limit) : 100 });
  if (json) console.log(JSON.stringify(list, null, 2));
  else if (!list.length) console.log('kpg-checkout-server: no events');
  else for (const e of list) console.log(describe(e));
  return 0;
}

/** One event and its deliveries, a line each. */
function describe(e: EventRecord): string {
  const lines = [`${e.id}  ${e.type}  order ${e.order_id} (attempt ${e.order_no}, ${e.provider})  ${e.created_at}`];
  if (!e.deliveries.length) lines.push('  (no targets were configured when it was written)');
  for (const d of e.deliveries) {
    const to = d.url ? `${d.target} ${d.url}` : d.target;
    const tries = `${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}`;
    if (d.status === 'delivered') lines.push(`  ${to}: delivered ${d.delivered_at} (${tries})`);
    else if (d.status === 'dead') lines.push(`  ${to}: DEAD after ${tries}: ${d.last_error ?? ''}`);
    else lines.push(`  ${to}: pending, next ${d.next_at} (${tries}${d.last_error ? `; last: ${d.last_error}` : ''})`);
  }
  return lines.join('\n');
}
