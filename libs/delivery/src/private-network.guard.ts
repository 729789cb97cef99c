import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Address ranges outbound webhooks may not reach unless allowed by config (SSRF guard). */
const PRIVATE_RANGES: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

export class BlockedDestinationError extends Error {
  override readonly name = 'BlockedDestinationError';
}

export interface PrivateNetworkPolicy {
  /** CIDRs that are allowed although private, e.g. 127.0.0.0/8 in tests. */
  readonly allow: readonly string[];
}

export class PrivateNetworkGuard {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();

  constructor(policy: PrivateNetworkPolicy) {
    for (const [address, prefix, type] of PRIVATE_RANGES) this.blocked.addSubnet(address, prefix, type);
    for (const cidr of policy.allow) {
      const [address, prefix] = cidr.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      this.allowed.addSubnet(address, Number(prefix ?? (type === 'ipv6' ? 128 : 32)), type);
    }
  }

  isAllowedAddress(address: string): boolean {
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return this.allowed.check(address, type) || !this.blocked.check(address, type);
  }

  /** Resolves the host and throws when any address it resolves to is blocked. */
  async assertAllowed(hostname: string): Promise<void> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
    for (const { address } of addresses) {
      if (!this.isAllowedAddress(address)) throw new BlockedDestinationError(`destination ${hostname} resolves to private address ${address}`);
    }
  }
}
