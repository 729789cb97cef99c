import { BlockedDestinationError, PrivateNetworkGuard } from './private-network.guard.js';

describe('private-network guard', () => {
  const strict = new PrivateNetworkGuard({ allow: [] });

  it.each(['10.0.0.1', '169.254.169.254', '127.0.0.1', '192.168.1.10', '172.16.5.4', '::1', 'fe80::1'])('refuses %s by default', async (address) => {
    await expect(strict.assertAllowed(address)).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('allows public addresses', async () => {
    await expect(strict.assertAllowed('93.184.216.34')).resolves.toBeUndefined();
  });

  it('allows loopback only when allow-listed', async () => {
    const loopbackAllowed = new PrivateNetworkGuard({ allow: ['127.0.0.0/8'] });
    await expect(loopbackAllowed.assertAllowed('127.0.0.1')).resolves.toBeUndefined();
    await expect(loopbackAllowed.assertAllowed('10.0.0.1')).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('checks what a host name resolves to', async () => {
    await expect(strict.assertAllowed('localhost')).rejects.toBeInstanceOf(BlockedDestinationError);
  });
});

describe('pinned outbound connection', () => {
  it('checks the address the socket connects to (one resolution per connection), keeping Host as the name', async () => {
    const { createServer } = await import('node:http');
    const { WebhookHttpClient } = await import('./webhook-http.client.js');
    const server = createServer((req, res) => res.end(String(req.headers.host)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    let questions = 0;
    // The resolver counts questions: the socket must use the one answer that was checked.
    const rebinding = async () => {
      questions++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const strictClient = new WebhookHttpClient({ guard: new PrivateNetworkGuard({ allow: [], resolve: rebinding }) });
    const allowedClient = new WebhookHttpClient({ guard: new PrivateNetworkGuard({ allow: ['127.0.0.0/8'], resolve: rebinding }) });
    const send = (client: InstanceType<typeof WebhookHttpClient>, host: string) =>
      client.send({ method: 'POST', url: `http://${host}:${port}/x`, headers: {}, body: '{}', timeoutMs: 2000 });
    try {
      await expect(send(strictClient, 'rebind.example')).rejects.toThrow(/private address 127\.0\.0\.1/);
      for (const literal of ['127.0.0.1', '10.0.0.1', '169.254.169.254']) await expect(send(strictClient, literal)).rejects.toBeInstanceOf(BlockedDestinationError);
      questions = 0;
      const allowed = await send(allowedClient, 'rebind.example');
      expect(allowed.statusCode).toBe(200);
      // Host (and SNI on https) keep the name; only the socket is pinned to the checked address.
      expect(allowed.bodyExcerpt).toBe(`rebind.example:${port}`);
      expect(questions).toBe(1);
    } finally {
      await strictClient.close();
      await allowedClient.close();
      server.close();
    }
  });
});
