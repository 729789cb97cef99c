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
});
