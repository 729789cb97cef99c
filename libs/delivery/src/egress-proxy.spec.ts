import { bypassesProxy, egressProxyFrom } from './egress-proxy.js';
import { outboundEnvSchema } from './outbound.env.js';

describe('egress proxy settings', () => {
  it('is off unless DISPATCH_EGRESS_PROXY is set', () => {
    expect(egressProxyFrom(outboundEnvSchema.parse({}))).toBeUndefined();
    expect(egressProxyFrom(outboundEnvSchema.parse({ DISPATCH_EGRESS_PROXY: '' }))).toBeUndefined();
    expect(egressProxyFrom(outboundEnvSchema.parse({ DISPATCH_EGRESS_PROXY: 'http://egress.internal:3128', DISPATCH_EGRESS_PROXY_BYPASS: 'a.internal, .corp.example' }))).toEqual({
      url: 'http://egress.internal:3128',
      bypass: ['a.internal', '.corp.example'],
    });
  });

  it.each(['socks5://egress:1080', 'egress:3128', 'ftp://egress', 'http://'])('refuses %s as a proxy URL, naming the variable', (value) => {
    const parsed = outboundEnvSchema.safeParse({ DISPATCH_EGRESS_PROXY: value });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('DISPATCH_EGRESS_PROXY');
  });
});

describe('proxy bypass', () => {
  const bypass = ['hooks.internal', '.corp.example', '*.svc.cluster.local', '10.1.2.3', '[::1]'];

  it.each([
    ['hooks.internal', true],
    ['HOOKS.internal.', true],
    ['x.hooks.internal', false],
    ['corp.example', true],
    ['a.b.corp.example', true],
    ['notcorp.example', false],
    ['api.svc.cluster.local', true],
    ['10.1.2.3', true],
    ['10.1.2.4', false],
    ['[::1]', true],
    ['api.sendgrid.com', false],
  ])('%s → bypass %s', (host, expected) => {
    expect(bypassesProxy(host, bypass)).toBe(expected);
  });

  it('an empty list bypasses nothing', () => {
    expect(bypassesProxy('hooks.internal', [])).toBe(false);
  });
});
