// @ts-check
// A web-test-runner command: load `url` in a fresh tab and return every response body Chromium fetched for
// it (scripts, the page, JSON), once `ready` (a JavaScript expression) is true in the page. What a test
// learns here is what the browser received, not what a second request would get.
//   executeServerCommand('fetched-bytes', { url: '/__fixture/page?body=...', ready: "document.querySelector('kpg-checkout')?.shadowRoot" })
//   -> [{ url, type, body }]

export function fetchedBytesCommand() {
  return {
    name: 'kpg-fetched-bytes',
    /** @param {{command: string, payload: any, session: any}} args */
    async executeCommand({ command, payload, session }) {
      if (command !== 'fetched-bytes') return undefined;
      const testPage = session.browser.getPage(session.id);
      const page = await testPage.browser().newPage();
      /** @type {Promise<{url: string, type: string, body: string}>[]} */
      const bodies = [];
      page.on('response', (/** @type {import('puppeteer-core').HTTPResponse} */ response) => {
        if (response.status() >= 300 && response.status() < 400) return;
        bodies.push(
          response
            .buffer()
            .then((b) => ({ url: response.url(), type: response.request().resourceType(), body: b.toString('latin1') }))
            .catch(() => ({ url: response.url(), type: response.request().resourceType(), body: '' })),
        );
      });
      try {
        await page.goto(new URL(payload.url, testPage.url()).href, { waitUntil: 'load' });
        await page.waitForFunction(payload.ready, { timeout: payload.timeout ?? 5000, polling: 50 });
        await page.waitForNetworkIdle({ idleTime: 200, timeout: payload.timeout ?? 5000 });
        return await Promise.all(bodies);
      } finally {
        await page.close();
      }
    },
  };
}
