import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './service-process.js';
import { testBrokers } from './test-infra.js';

/**
 * A TCP forwarder to a server that does not listen until `open` is called: a broker that is
 * unreachable (connections refused) until the test decides it comes back.
 */
export class LateForwarder {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** A forwarder (not yet open) to the test broker, on a free port. */
  static async toTestBroker(): Promise<LateForwarder> {
    const [host, port] = testBrokers()[0].split(':');
    return new LateForwarder(await freePort(), { host, port: Number(port) });
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
