import { redisEndpointOf } from './redis-endpoint.js';

describe('redis endpoint', () => {
  it('is one server when neither REDIS_CLUSTER_NODES nor a cluster URL is given', () => {
    expect(redisEndpointOf({ REDIS_URL: 'redis://127.0.0.1:6380', REDIS_CLUSTER_NODES: [] })).toEqual({ kind: 'standalone', url: 'redis://127.0.0.1:6380' });
  });

  it('reads the seed nodes, credentials and TLS of a redis+cluster:// URL', () => {
    expect(redisEndpointOf({ REDIS_URL: 'rediss+cluster://app:s%3Acret@10.0.0.1:7000,10.0.0.2:7001/' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: 'app',
      password: 's:cret',
      tls: true,
    });
  });

  it('takes REDIS_CLUSTER_NODES as the nodes and REDIS_URL only for credentials', () => {
    expect(redisEndpointOf({ REDIS_URL: 'redis://:pw@ignored:1', REDIS_CLUSTER_NODES: ['127.0.0.1:24001', '[::1]:24002'] })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 24001 },
        { host: '::1', port: 24002 },
      ],
      password: 'pw',
      tls: false,
    });
  });

  it('names the setting that cannot be read', () => {
    expect(() => redisEndpointOf({ REDIS_URL: 'redis://x', REDIS_CLUSTER_NODES: ['127.0.0.1'] })).toThrow(/REDIS_CLUSTER_NODES: "127.0.0.1" is not host:port/);
    expect(() => redisEndpointOf({ REDIS_URL: 'redis+cluster://h:99999' })).toThrow(/REDIS_URL/);
    expect(() => redisEndpointOf({ REDIS_URL: 'redis+cluster://h:1', REDIS_CLUSTER_NODES: ['h:2'] })).toThrow(/not both/);
  });

  it('refuses a key prefix with a brace on a cluster (it would pin every key to one slot)', () => {
    expect(() => redisEndpointOf({ REDIS_URL: 'redis+cluster://h:1', REDIS_KEY_PREFIX: 'cw{1}:' })).toThrow(/REDIS_KEY_PREFIX/);
    expect(redisEndpointOf({ REDIS_URL: 'redis://h:1', REDIS_KEY_PREFIX: 'cw{1}:' }).kind).toBe('standalone');
  });
});
