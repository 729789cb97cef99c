/** Where the install's Redis is: one server, or the seed nodes of a Redis Cluster. */
export type RedisEndpoint =
  | { readonly kind: 'standalone'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly nodes: readonly { readonly host: string; readonly port: number }[];
      readonly username?: string;
      readonly password?: string;
      readonly tls: boolean;
    };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]*)\/?$/;

/**
 * Reads REDIS_URL and REDIS_CLUSTER_NODES. A Cluster is named either by REDIS_CLUSTER_NODES
 * (`host:port,…`; user and password, if any, from a `redis://user:pass@…` REDIS_URL) or by a
 * `redis+cluster://[user:pass@]host:port,host:port` REDIS_URL (`rediss+cluster://` for TLS).
 * Throws with the setting's name when it cannot be read.
 */
export function redisEndpointOf(env: { readonly REDIS_URL: string; readonly REDIS_CLUSTER_NODES?: readonly string[]; readonly REDIS_KEY_PREFIX?: string }): RedisEndpoint {
  const clusterUrl = CLUSTER_SCHEME.exec(env.REDIS_URL);
  const listed = env.REDIS_CLUSTER_NODES ?? [];
  if (!clusterUrl && listed.length === 0) return { kind: 'standalone', url: env.REDIS_URL };
  // A brace in the prefix would make it the hash tag of every key: the whole install on one slot.
  if (/[{}]/.test(env.REDIS_KEY_PREFIX ?? '')) throw new Error(`REDIS_KEY_PREFIX: must not contain { or } on a Redis Cluster (it would become every key's hash tag)`);
  if (clusterUrl) {
    const [, scheme, credentials, hosts] = clusterUrl;
    const nodes = hosts.split(',').map((n) => hostPort(n, 'REDIS_URL'));
    if (listed.length > 0) throw new Error('REDIS_CLUSTER_NODES: give the nodes either there or in a redis+cluster:// REDIS_URL, not both');
    return { kind: 'cluster', nodes, tls: scheme === 'rediss', ...credentialsOf(credentials) };
  }
  const nodes = listed.map((n) => hostPort(n, 'REDIS_CLUSTER_NODES'));
  let url: URL | undefined;
  try {
    url = new URL(env.REDIS_URL);
  } catch {
    url = undefined;
  }
  const credentials = url?.username || url?.password ? `${url.username}:${url.password}` : undefined;
  return { kind: 'cluster', nodes, tls: url?.protocol === 'rediss:', ...credentialsOf(credentials) };
}

function hostPort(text: string, setting: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new Error(`${setting}: "${text.trim()}" is not host:port`);
  return { host: match[1], port };
}

function credentialsOf(text: string | undefined): { username?: string; password?: string } {
  if (!text) return {};
  const colon = text.indexOf(':');
  const [user, password] = colon < 0 ? ['', text] : [text.slice(0, colon), text.slice(colon + 1)];
  return { ...(user ? { username: decodeURIComponent(user) } : {}), ...(password ? { password: decodeURIComponent(password) } : {}) };
}
