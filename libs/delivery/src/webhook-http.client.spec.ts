import { createServer, type Server } from 'node:http';
import { PrivateNetworkGuard } from './private-network.guard.js';
import { WebhookHttpClient } from './webhook-http.client.js';

describe('WebhookHttpClient response excerpt', () => {
  let server: Server;
  let url: string;
  const client = new WebhookHttpClient({ guard: new PrivateNetworkGuard({ allow: ['127.0.0.0/8'] }), maxResponseBytes: 100 });
  const post = (path: string) => client.send({ method: 'POST', url: `${url}${path}`, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/small') return res.end('accepted');
      if (req.url === '/large') return res.end('x'.repeat(10_000));
      if (req.url === '/headers') {
        res.setHeader('retry-after', '120');
        res.setHeader('x-many', ['a', 'b']);
        return res.end();
      }
      if (req.url === '/drip') {
        // Headers at once, then a byte every 100 ms: no single wait is long, the whole is.
        res.writeHead(200);
        const drip = setInterval(() => res.write('z'), 100);
        res.on('close', () => clearInterval(drip));
        return;
      }
      // Never ends: the excerpt must come from the first bytes, without waiting for an end.
      res.writeHead(200);
      res.write('y'.repeat(150));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await client.close();
  });

  it('keeps a short body whole', async () => {
    expect(await post('/small')).toMatchObject({ statusCode: 200, bodyExcerpt: 'accepted' });
  });

  it('keeps at most maxResponseBytes of a long body', async () => {
    expect((await post('/large')).bodyExcerpt).toBe('x'.repeat(100));
  });

  it('answers once the bound is read, even when the body never ends', async () => {
    expect((await post('/endless')).bodyExcerpt).toBe('y'.repeat(100));
  });

  it('gives each header one string, a repeated one joined', async () => {
    expect((await post('/headers')).headers).toMatchObject({ 'retry-after': '120', 'x-many': 'a, b' });
  });

  it('bounds the whole exchange by the timeout, not only each wait', async () => {
    const started = Date.now();
    await expect(client.send({ method: 'POST', url: `${url}/drip`, headers: {}, body: '{}', timeoutMs: 500 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses an IP literal outside the allow list before any byte is sent', async () => {
    const strict = new WebhookHttpClient({ guard: new PrivateNetworkGuard({ allow: [] }) });
    let connections = 0;
    server.on('connection', () => connections++);
    await expect(strict.send({ method: 'POST', url: `${url}/small`, headers: {}, body: '{}', timeoutMs: 1_000 })).rejects.toMatchObject({ name: 'BlockedDestinationError' });
    // Asked again (the verdict is kept per address), still refused.
    await expect(strict.send({ method: 'POST', url: `${url}/small`, headers: {}, body: '{}', timeoutMs: 1_000 })).rejects.toMatchObject({ name: 'BlockedDestinationError' });
    expect(connections).toBe(0);
    await strict.close();
  });
});
