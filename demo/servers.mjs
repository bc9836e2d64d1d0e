// @ts-check
// Starts what the demo shop and the browser tests need: the sandbox PG(s) on their own origin and the
// reference merchant backend (middleware for the shop's own server), wired to each other.
import { configFromEnv, createMerchantBackend } from './backend/index.mjs';
import { startShinhanSandbox } from './sandbox/shinhan/server.mjs';

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
  const backend = createMerchantBackend(config);
  return {
    backend,
    config,
    shinhanOrigin: shinhan.origin,
    shinhan,
    close: () => shinhan.close(),
  };
}
