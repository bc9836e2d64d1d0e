// @ts-check
// A free TCP port on 127.0.0.1, chosen by the OS (listen on port 0, read it, close). Used where a tool wants
// a port number up front (web-test-runner, the bench), so two runs on one machine never collide.
import net from 'node:net';

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}
