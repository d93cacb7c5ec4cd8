/**
 * A TCP proxy in front of an emulator that can play an outage of its endpoint: every open
 * connection is reset (requests in flight fail; one the emulator already received may still be
 * applied, its answer lost) and new connections are refused for a while, then the proxy listens
 * again on the same port. The emulator behind it keeps running with all its data, as an AWS
 * service keeps its data while its endpoint is unreachable.
 *
 * The fault suite uses it for DynamoDB Local: restarting its JVM proves the same to the clients
 * but costs 2-3 s of start-up on an idle machine and 10-30 s on a loaded one (see
 * test/local/emulator-restart.test.ts for the real restart).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorRestart } from '../../local/emulators/types';

export interface Outage {
  /** From the first reset until the proxy listened again, ms. */
  readonly downMs: number;
  /** Connections reset by this outage. */
  readonly connectionsReset: number;
}

export class OutageProxy {
  /** `http://127.0.0.1:<port>`: point clients here. */
  readonly endpoint: string;
  private readonly sockets = new Set<Socket>();
  private target: { host: string; port: number } | undefined;

  private constructor(
    private readonly server: Server,
    private readonly port: number,
  ) {
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  /** Listens on a free loopback port; connections are refused until {@link forwardTo} is called. */
  static async start(): Promise<OutageProxy> {
    let proxy: OutageProxy | undefined;
    const server = createServer((client) => proxy?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('The proxy is not listening');
    proxy = new OutageProxy(server, address.port);
    return proxy;
  }

  /** Where connections go, e.g. the emulator's endpoint `http://127.0.0.1:8000`. */
  forwardTo(endpoint: string): void {
    const url = new URL(endpoint);
    this.target = { host: url.hostname, port: Number(url.port) };
  }

  /** Resets every connection, refuses new ones for `downMs`, then accepts again on the same port. */
  async outage(downMs: number): Promise<EmulatorRestart & Outage> {
    const began = performance.now();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const connectionsReset = this.sockets.size;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    await closed;
    await sleep(downMs);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return { downMs: Math.round(performance.now() - began), kind: 'listener', connectionsReset };
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (!this.target) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
