// @ts-check
// A web-test-runner command that sends a test-only control request to a sandbox PG from the test server,
// where no CORS stands in the way (the sandboxes answer cross-origin reads of /__sandbox/payments only):
//   executeServerCommand('sandbox', { pg: 'shinhan', path: '/__sandbox/fault', body: { api: 'confirm', delay_ms: null } })
// -> { status, json }. Only the sandboxes' own `/__sandbox/` routes can be reached through it.

/**
 * @param {() => { shinhanOrigin?: string, smartroOrigin?: string } | undefined} servers the running sandboxes
 */
export function sandboxCommands(servers) {
  return {
    name: 'sandbox-commands',
    /** @param {{command: string, payload: any}} args */
    async executeCommand({ command, payload }) {
      if (command !== 'sandbox') return undefined;
      const { pg, path, body } = payload ?? {};
      const origin = pg === 'shinhan' ? servers()?.shinhanOrigin : pg === 'smartro' ? servers()?.smartroOrigin : undefined;
      if (!origin) throw new Error(`sandbox: pg must be "shinhan" or "smartro" (got ${JSON.stringify(pg)}), with the sandboxes running`);
      if (typeof path !== 'string' || !/^\/__sandbox\/[a-z-]+$/.test(path)) throw new Error(`sandbox: path must be a /__sandbox/ route (got ${JSON.stringify(path)})`);
      const res = await fetch(`${origin}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON: the status says enough */
      }
      return { status: res.status, json };
    },
  };
}
