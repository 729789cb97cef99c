import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** A resolver (node's dns.lookup by default; tests inject one to play a rebinding DNS server). */
export type HostResolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The signature net.connect/tls.connect accept as `lookup`. */
export type SocketLookup = (
  hostname: string,
  options: { all?: boolean },
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void;

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
  readonly resolve?: HostResolver;
}

export class PrivateNetworkGuard {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();

  constructor(private readonly policy: PrivateNetworkPolicy) {
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

  /**
   * The lookup the outbound sockets use: the host is resolved once, every address checked, and
   * the socket connects to exactly those addresses. Checking in a separate lookup before the
   * connect would leave a DNS-rebinding gap (the second resolution may answer 127.0.0.1).
   */
  readonly socketLookup: SocketLookup = (hostname, options, callback) => {
    this.resolveChecked(hostname).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family)),
      (error: Error) => callback(error, ''),
    );
  };

  /** Resolves a host (once) and returns its addresses, or throws when any is blocked. */
  async resolveChecked(hostname: string): Promise<LookupAddress[]> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : [...(await (this.policy.resolve ?? ((h) => lookup(h, { all: true })))(host))];
    if (addresses.length === 0) throw new BlockedDestinationError(`destination ${hostname} does not resolve`);
    for (const { address } of addresses) {
      if (!this.isAllowedAddress(address)) throw new BlockedDestinationError(`destination ${hostname} resolves to private address ${address}`);
    }
    return addresses;
  }

  /** Resolves the host and throws when any address it resolves to is blocked. */
  async assertAllowed(hostname: string): Promise<void> {
    await this.resolveChecked(hostname);
  }
}
