import { createServer, type IncomingHttpHeaders } from 'node:http';
import { PrivateNetworkGuard } from './private-network.guard.js';
import { UnsendableRequestError } from './outbound-headers.js';
import { WebhookHttpClient } from './webhook-http.client.js';

describe('outbound headers', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume().on('end', () => res.end('ok'));
  });
  const client = new WebhookHttpClient({ guard: new PrivateNetworkGuard({ allow: ['127.0.0.0/8'] }) });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });
  afterAll(async () => {
    await client.close();
    server.close();
  });

  const send = (headers: Record<string, string>) => client.send({ method: 'POST', url, headers, body: '{"a":1}', timeoutMs: 10_000 });

  it.each([
    ['a control character', 'a\u0001b'],
    ['a NUL byte', 'a\u0000b'],
    ['a character beyond Latin-1', 'price in \u20ac'],
  ])('refuses a header value with %s at once, as never sendable, naming the header', async (_what, value) => {
    const before = seen.length;
    const attempt = send({ 'x-note': value });
    await expect(attempt).rejects.toBeInstanceOf(UnsendableRequestError);
    await expect(attempt).rejects.toThrow(/header "x-note" cannot be sent/);
    expect(seen.length).toBe(before);
  });

  it('drops headers the HTTP client owns (host, content-length, transfer-encoding, connection) and sends the rest', async () => {
    const response = await send({ host: 'internal.example', 'content-length': '1', 'transfer-encoding': 'chunked', connection: 'upgrade', 'x-campaign': 'c-1', 'webhook-id': 'msg_1' });
    expect(response.statusCode).toBe(200);
    const headers = seen.at(-1)!;
    expect(headers.host).toBe(new URL(url).host);
    expect(headers['content-length']).toBe('7');
    expect(headers['transfer-encoding']).toBeUndefined();
    expect(headers['x-campaign']).toBe('c-1');
    expect(headers['webhook-id']).toBe('msg_1');
  });
});
