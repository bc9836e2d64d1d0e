#!/usr/bin/env node
/**
 * npx kpg-checkout-server <command>
 *
 *   reconcile   settle processing/unknown attempts with the PGs, expire stale ones, prune, list money owed
 *   refunds     list money the PGs took that the shop must give back (open entries)
 *   migrate     create or upgrade the tables
 *   events [--dead|--pending|--delivered] [--order ORDER_ID] [--limit N]
 *               list events and their deliveries (onEvent, webhooks), newest first
 *   events retry EVENT_ID | --dead
 *               re-queue one event's undelivered deliveries, or every dead one (due now, three more days)
 *   events deliver
 *               deliver every due event now, with the onEvent / webhooks of --config (cron, serverless)
 *
 * Options: --config <file.mjs> (its default export: the options you pass to createKpgServer; loadOrder and
 * authorize are not needed here), else the environment (DATABASE_URL or KPG_DATA_DIR, SHINHAN_*, SMARTRO_*;
 * see env.ts). --json prints the report as JSON. Exit code 0 when it ran, 1 on an error.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { optionsFromEnv } from './env.js';
import type { EventRecord } from './events/types.js';
import { createEngine, type KpgServerOptions } from './index.js';

const USAGE = [
  'usage: kpg-checkout-server reconcile|refunds|migrate [--config file.mjs] [--json]',
  '       kpg-checkout-server events [--dead|--pending|--delivered] [--order ORDER_ID] [--limit N] [--config file.mjs] [--json]',
  '       kpg-checkout-server events retry EVENT_ID|--dead [--config file.mjs] [--json]',
  '       kpg-checkout-server events deliver --config file.mjs [--json]   (the onEvent / webhooks of that file)',
].join('\n');

/** The value after `--name`, undefined when absent, null when it is missing. */
function valueOf(argv: string[], name: string): string | undefined | null {
  const at = argv.indexOf(name);
  if (at === -1) return undefined;
  const value = argv[at + 1];
  return value === undefined || value.startsWith('--') ? null : value;
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  const json = argv.includes('--json');
  const at = argv.indexOf('--config');
  const sub = command === 'events' && argv[1] && !argv[1].startsWith('--') ? argv[1] : undefined;
  if (!command || !['reconcile', 'refunds', 'migrate', 'events'].includes(command) || (at !== -1 && !argv[at + 1]) || (sub && !['retry', 'deliver'].includes(sub))) {
    console.error(USAGE);
    return 1;
  }
  let options: Partial<KpgServerOptions>;
  if (at !== -1) {
    const loaded = await import(pathToFileURL(resolve(argv[at + 1])).href);
    options = (loaded.default ?? loaded.kpgOptions) as Partial<KpgServerOptions>;
    if (!options || typeof options !== 'object') throw new Error(`${argv[at + 1]} has no default export with the server's options`);
  } else {
    options = optionsFromEnv();
  }
  const engine = createEngine({
    ...options,
    publicBaseUrl: options.publicBaseUrl ?? 'http://localhost',
    // The CLI writes its own report; log lines go to stderr so that --json stays parseable.
    log: options.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
  });
  const store = await engine.store();
  try {
    if (command === 'migrate') {
      console.log(json ? JSON.stringify({ migrated: true, engine: store.engine }) : `kpg-checkout-server: tables are up to date (${store.engine})`);
      return 0;
    }
    if (command === 'events') return await events(engine, store, argv, sub, json);
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
      for (const u of report.unsettled) console.log(`still ${u.status}: ${u.order_no} (order ${u.order_id}) since ${u.since}`);
      for (const r of report.refundsDue) console.log(`refund due: ${r.provider} tid ${r.tid}, ${r.amount} KRW, order ${r.order_id}, ${r.reason}`);
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

type Engine = ReturnType<typeof createEngine>;

async function events(engine: Engine, store: Awaited<ReturnType<Engine['store']>>, argv: string[], sub: string | undefined, json: boolean): Promise<number> {
  const now = engine.now().toISOString();
  if (sub === 'retry') {
    const id = argv[2] && !argv[2].startsWith('--') ? argv[2] : undefined;
    if (!id && !argv.includes('--dead')) {
      console.error(USAGE);
      return 1;
    }
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
  const orderId = valueOf(argv, '--order');
  const limitText = valueOf(argv, '--limit');
  const statuses = (['dead', 'pending', 'delivered'] as const).filter((s) => argv.includes(`--${s}`));
  if (orderId === null || limitText === null || (limitText !== undefined && !/^\d{1,4}$/.test(limitText)) || statuses.length > 1) {
    console.error(USAGE);
    return 1;
  }
  const list = await store.events({ orderId, status: statuses[0], limit: limitText ? Number(limitText) : 100 });
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`kpg-checkout-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
