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
