import { BlockedDestinationError, PrivateNetworkGuard } from './private-network.guard.js';

describe('private-network guard', () => {
  const strict = new PrivateNetworkGuard({ allow: [] });

  it.each(['10.0.0.1', '169.254.169.254', '127.0.0.1', '192.168.1.10', '172.16.5.4', '::1', 'fe80::1'])('refuses %s by default', async (address) => {
    await expect(strict.assertAllowed(address)).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it.each([
    ['the unspecified IPv6 address', '::'],
    ['NAT64 (64:ff9b::/96) embedding loopback', '64:ff9b::7f00:1'],
    ['6to4 (2002::/16) embedding a private address', '2002:a00:1::1'],
    ['benchmarking 198.18.0.0/15', '198.18.0.1'],
    ['multicast 224.0.0.0/4', '224.0.0.251'],
    ['reserved 240.0.0.0/4', '240.0.0.1'],
    ['limited broadcast', '255.255.255.255'],
    ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata address', '::ffff:169.254.169.254'],
    ['IPv4-compatible loopback', '::127.0.0.1'],
    ['IPv4-translated (::ffff:0:0:0/96)', '::ffff:0:7f00:1'],
    ['IPv6 multicast', 'ff02::1'],
    ['site-local (deprecated)', 'fec0::1'],
    ['documentation 2001:db8::/32', '2001:db8::1'],
  ])('refuses %s (%s)', async (_what, address) => {
    await expect(strict.assertAllowed(address)).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('allows public addresses, IPv4 and IPv6 (and a mapped public IPv4)', async () => {
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34']) {
      await expect(strict.assertAllowed(address)).resolves.toBeUndefined();
    }
  });

  it('allow-listed ranges also cover their IPv4-mapped IPv6 forms', async () => {
    const loopbackAllowed = new PrivateNetworkGuard({ allow: ['127.0.0.0/8'] });
    await expect(loopbackAllowed.assertAllowed('::ffff:127.0.0.1')).resolves.toBeUndefined();
    await expect(loopbackAllowed.assertAllowed('::ffff:10.0.0.1')).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('refuses a malformed allow-list entry at start-up', () => {
    expect(() => new PrivateNetworkGuard({ allow: ['127.0.0.1/33'] })).toThrow(/DISPATCH_ALLOW_PRIVATE_CIDRS.*127\.0\.0\.1\/33/);
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
