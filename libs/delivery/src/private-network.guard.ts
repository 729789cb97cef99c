import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A resolver (node's dns.lookup by default; tests inject one to play a rebinding DNS server). */
export type HostResolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The signature net.connect/tls.connect accept as `lookup`. */
export type SocketLookup = (
  hostname: string,
  options: { all?: boolean },
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void;

type ParsedAddress = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [ParsedAddress, number];

/**
 * Only ipaddr.js's plain `unicast` addresses are public. Every special-purpose range it names
 * (private, loopback, link-local, multicast, reserved with benchmarking 198.18.0.0/15 and
 * 240.0.0.0/4, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo, …) can reach this host or a private
 * network, directly or through a translator, so it is refused. IPv6 is further limited to
 * global unicast (2000::/3), which also refuses `::` and the deprecated IPv4-compatible ::a.b.c.d.
 */
const GLOBAL_UNICAST_V6: Cidr = ipaddr.parseCIDR('2000::/3');

export class BlockedDestinationError extends Error {
  override readonly name = 'BlockedDestinationError';
}

/** Addresses whose verdict is kept; the cache starts over when full. */
const VERDICT_CACHE_SIZE = 1_000;

export interface PrivateNetworkPolicy {
  /** CIDRs that are allowed although private, e.g. 127.0.0.0/8 in tests. */
  readonly allow: readonly string[];
  readonly resolve?: HostResolver;
}

/**
 * The SSRF guard: an address is reachable when it is public, or allow-listed by
 * DISPATCH_ALLOW_PRIVATE_CIDRS. IPv4-mapped IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1) is judged as
 * the IPv4 address it carries, so every spelling of an address gets the same answer.
 */
export class PrivateNetworkGuard {
  private readonly allowed: Cidr[];
  private readonly verdicts = new Map<string, boolean>();

  constructor(private readonly policy: PrivateNetworkPolicy) {
    this.allowed = policy.allow.map((cidr) => {
      try {
        const [address, prefix] = cidr.includes('/') ? ipaddr.parseCIDR(cidr) : [ipaddr.parse(cidr), undefined];
        const normalized = unmapped(address);
        const bits = prefix ?? (normalized.kind() === 'ipv6' ? 128 : 32);
        // ::ffff:10.0.0.0/104 allows what 10.0.0.0/8 does.
        return [normalized, normalized === address || prefix === undefined ? bits : Math.max(0, bits - 96)] as Cidr;
      } catch {
        throw new Error(`DISPATCH_ALLOW_PRIVATE_CIDRS: "${cidr}" is not an IP address or CIDR`);
      }
    });
  }

  /** The verdict on an address depends only on it and the fixed allow list, so it is kept (a bounded cache). */
  isAllowedAddress(address: string): boolean {
    let allowed = this.verdicts.get(address);
    if (allowed === undefined) {
      allowed = this.judge(address);
      if (this.verdicts.size >= VERDICT_CACHE_SIZE) this.verdicts.clear();
      this.verdicts.set(address, allowed);
    }
    return allowed;
  }

  /** Throws BlockedDestinationError when `hostname`'s `address` may not be connected to. */
  assertAddressAllowed(hostname: string, address: string): void {
    if (!this.isAllowedAddress(address)) throw new BlockedDestinationError(`destination ${hostname} resolves to private address ${address}`);
  }

  private judge(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    const parsed = unmapped(ipaddr.parse(address));
    if (this.allowed.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
    if (parsed.range() !== 'unicast') return false;
    return parsed.kind() === 'ipv4' || parsed.match(GLOBAL_UNICAST_V6);
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
    for (const { address } of addresses) this.assertAddressAllowed(hostname, address);
    return addresses;
  }

  /** Resolves the host and throws when any address it resolves to is blocked. */
  async assertAllowed(hostname: string): Promise<void> {
    await this.resolveChecked(hostname);
  }
}

/** The IPv4 address an IPv4-mapped IPv6 address carries, else the address itself. */
function unmapped(address: ParsedAddress): ParsedAddress {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}
