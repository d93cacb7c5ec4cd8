/**
 * An outage of an in-process emulator (fauxqs, dynalite) that keeps its data: the HTTP server
 * stops listening and drops its connections, then listens again on the same address. Clients
 * see what they see when an AWS endpoint is briefly unreachable: a reset for requests in flight
 * and on kept-alive sockets, a refused connection for new ones.
 */
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorRestart } from './types';

/**
 * Closes `server`, destroys every open socket, waits `downMs`, and listens again on the address
 * it had. The server object (and whatever state its request handler holds) is untouched.
 *
 * ```
 * listening ── close + destroy sockets ── refused for downMs ── listen(same host:port) ── listening
 * ```
 * @throws when the server is not listening, or the port was taken while it was down
 */
export async function restartListener(server: Server, downMs: number): Promise<EmulatorRestart> {
  const address = server.address() as AddressInfo | null;
  if (!address || typeof address !== 'object') throw new Error('The server is not listening');
  const began = performance.now();
  // http.Server's own close: an emulator may override close() to tear down its store as well
  // (dynalite does, and recreates it empty on the next listen), and a restart must keep it.
  const closed = new Promise<void>((resolve) => Server.prototype.close.call(server, () => resolve()));
  // close() only stops accepting; kept-alive and in-flight connections would linger without this.
  server.closeAllConnections();
  await closed;
  await sleep(downMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { downMs: Math.round(performance.now() - began), kind: 'listener' };
}
