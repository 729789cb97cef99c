import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: number;
}

export interface ReceiverReply {
  readonly status: number;
  readonly body?: string;
  readonly delayMs?: number;
}

/** A real HTTP server on loopback that records what it receives and answers as told. */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private reply: (req: ReceivedRequest) => ReceiverReply = () => ({ status: 200, body: 'ok' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HttpReceiver> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
        receiver.requests.push(received);
        const { status, body = '', delayMs = 0 } = receiver.reply(received);
        setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(body), delayMs);
      });
    });
    const receiver: HttpReceiver = new HttpReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(reply: (req: ReceivedRequest) => ReceiverReply): void {
    this.reply = reply;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
