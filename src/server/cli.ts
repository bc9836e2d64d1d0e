#!/usr/bin/env node
/**
 * npx kpg-checkout-server <command>
 *
 *   reconcile   settle processing/unknown attempts with the PGs, expire stale ones, prune, list money owed
 *   refunds     list money the PGs took that the shop must give back (open entries)
 *   migrate     create or upgrade the tables
 *
 * Options: --config <file.mjs> (its default export: the options you pass to createKpgServer; loadOrder and
 * authorize are not needed here), else the environment (DATABASE_URL or KPG_DATA_DIR, SHINHAN_*, SMARTRO_*;
 * see env.ts). --json prints the report as JSON. Exit code 0 when it ran, 1 on an error.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { optionsFromEnv } from './env.js';
import { createEngine, type KpgServerOptions } from './index.js';

const USAGE = 'usage: kpg-checkout-server reconcile|refunds|migrate [--config file.mjs] [--json]';

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  const json = argv.includes('--json');
  const at = argv.indexOf('--config');
  if (!command || !['reconcile', 'refunds', 'migrate'].includes(command) || (at !== -1 && !argv[at + 1])) {
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
          `${report.refundsDue.length} refunds due, pruned ${report.pruned.refusals} refusals and ${report.pruned.attempts} attempts`,
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
    console.error(`kpg-checkout-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
