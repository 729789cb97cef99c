import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: number;
}

/** What to do with one request: answer (optionally late, with headers), or reset the connection mid-response. */
export interface ScriptedReply {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly delayMs?: number;
  /** Send the status line and part of the body, then destroy the socket. */
  readonly resetMidResponse?: boolean;
}

/**
 * A loopback receiver whose answer is scripted per request (the nth request to a path, say),
 * for failure modes HttpReceiver does not play: Retry-After, resets, hangs.
 */
export class ScriptedReceiver {
  readonly requests: ScriptedRequest[] = [];
  private script: (req: ScriptedRequest, nth: number) => ScriptedReply = () => ({ status: 200, body: 'ok' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedReceiver> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ScriptedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
        receiver.requests.push(received);
        const nth = receiver.requests.filter((r) => r.path === received.path).length;
        const reply = receiver.script(received, nth);
        setTimeout(() => {
          if (res.destroyed) return;
          if (reply.resetMidResponse) {
            res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
            res.write('partial');
            setTimeout(() => res.socket?.destroy(), 20);
            return;
          }
          res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? '');
        }, reply.delayMs ?? 0);
      });
    });
    server.keepAliveTimeout = 30_000;
    const receiver: ScriptedReceiver = new ScriptedReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** `nth` counts requests to the same path, from 1. */
  answer(script: (req: ScriptedRequest, nth: number) => ScriptedReply): void {
    this.script = script;
  }

  on(path: string): ScriptedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
