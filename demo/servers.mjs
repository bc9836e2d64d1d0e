// @ts-check
// Starts what the demo shop and the browser tests need: the sandbox PG(s) on their own origin and the
// reference merchant backend (middleware for the shop's own server), wired to each other.
import { configFromEnv, createMerchantBackend } from './backend/index.mjs';
import { startShinhanSandbox } from './sandbox/shinhan/server.mjs';
import { createDemoShop } from './shop.mjs';

/**
 * @param {{ publicBaseUrl: string, shinhanPort?: number, host?: string, env?: Record<string, string | undefined> }} options
 *   `env`: environment variables for the backend (the demo passes process.env so SHINHAN_API_BASE etc.
 *   can point it at Shinhan's real test server; tests pass nothing and always use the sandbox).
 */
export async function demoServers({ publicBaseUrl, shinhanPort = 5174, host = '127.0.0.1', env = {} }) {
  const shinhan = await startShinhanSandbox({ host, port: shinhanPort });
  const config = configFromEnv(env, {
    SHINHAN_API_BASE: `${shinhan.origin}/`,
    KPG_PUBLIC_BASE_URL: publicBaseUrl,
  });
  const merchant = createMerchantBackend(config);
  const shop = createDemoShop(merchant);
  /** The shop's server: its demo order step, then the reference backend's /api/kpg routes. */
  const backend = Object.assign(
    /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: (e?: unknown) => void) => void} */
    (req, res, next) => shop(req, res, () => merchant(req, res, next)),
    { store: merchant.store },
  );
  return {
    backend,
    config,
    shinhanOrigin: shinhan.origin,
    shinhan,
    close: () => shinhan.close(),
  };
}
