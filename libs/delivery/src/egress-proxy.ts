/**
 * Where outbound webhook requests leave from. With a proxy configured, every request goes
 * through it (so receivers can allow-list the proxy's fixed addresses), except hosts on the
 * bypass list (`NO_PROXY` style: `hooks.internal` exact, `.example.com` or `*.example.com` for the
 * domain and its subdomains).
 */
export interface EgressProxy {
  /** `http://[user:password@]host:port` or `https://…`. */
  readonly url: string;
  readonly bypass: readonly string[];
}

/** Parses `DISPATCH_EGRESS_PROXY` / `DISPATCH_EGRESS_PROXY_BYPASS`; undefined when no proxy is set. */
export function egressProxyFrom(env: { DISPATCH_EGRESS_PROXY?: string; DISPATCH_EGRESS_PROXY_BYPASS: readonly string[] }): EgressProxy | undefined {
  return env.DISPATCH_EGRESS_PROXY ? { url: env.DISPATCH_EGRESS_PROXY, bypass: env.DISPATCH_EGRESS_PROXY_BYPASS } : undefined;
}

/** Does a request to `hostname` skip the proxy? */
export function bypassesProxy(hostname: string, bypass: readonly string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  return bypass.some((entry) => {
    const pattern = entry.trim().toLowerCase().replace(/^\[|\]$/g, '');
    if (pattern === '') return false;
    if (pattern.startsWith('*.') || pattern.startsWith('.')) {
      const domain = pattern.replace(/^\*?\./, '');
      return host === domain || host.endsWith(`.${domain}`);
    }
    return host === pattern;
  });
}
