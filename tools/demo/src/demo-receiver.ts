import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** The secret the README's examples and `npm run demo` sign with, so the receiver can verify. */
export const DEMO_SIGNING_SECRET = 'whsec_Y3Vld2lyZS1kZW1vLXNpZ25pbmcta2V5LTAwMDAwMDAwMDA=';

export interface DemoReceiver {
  readonly url: string;
  readonly received: { path: string; body: string; signatureValid: boolean | null }[];
  close(): Promise<void>;
}

/**
 * A plain HTTP receiver that prints every webhook it gets and checks its Standard Webhooks
 * signature against the demo secret. Stands in for SendGrid, Twilio or a call-centre tool.
 */
export async function startDemoReceiver(port: number, print: (line: string) => void = console.log): Promise<DemoReceiver> {
  const verifier = new Webhook(DEMO_SIGNING_SECRET);
  const received: DemoReceiver['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let signatureValid: boolean | null = null;
      if (headers['webhook-signature']) {
        try {
          verifier.verify(body, headers);
          signatureValid = true;
        } catch {
          signatureValid = false;
        }
      }
      received.push({ path: req.url ?? '', body, signatureValid });
      const signature = signatureValid === null ? 'unsigned' : signatureValid ? 'signature valid' : 'signature INVALID (signed with another secret?)';
      print(`\n[demo receiver] ${req.method} ${req.url}  (webhook-id ${headers['webhook-id'] ?? '-'}, ${signature})`);
      print(prettyBody(body, headers['content-type']));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function prettyBody(body: string, contentType = ''): string {
  if (contentType.includes('json')) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // not JSON after all: print as is
    }
  }
  return body;
}
