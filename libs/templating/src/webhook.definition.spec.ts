import { webhookDefinitionSchema } from './webhook.definition.js';

const issuesOf = (headers: Record<string, string>) => {
  const parsed = webhookDefinitionSchema.safeParse({ name: 'w', url: 'https://example.com/hook', headers });
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('webhook definition: templated headers', () => {
  it.each(['Host', 'content-length', 'Transfer-Encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'expect', 'webhook-signature', 'webhook-batch-id'])(
    'refuses %s, which the HTTP client (or Cuewire) sets, naming the header',
    (name) => {
      expect(issuesOf({ [name]: 'x', 'x-campaign': '{{campaign.id}}' })).toEqual([{ path: `headers.${name}`, message: expect.stringMatching(new RegExp(`^${name} is set by the HTTP client or by Cuewire`)) }]);
    },
  );

  it('accepts other headers, content-type included', () => {
    expect(issuesOf({ 'x-campaign': '{{campaign.id}}', 'content-type': 'application/vnd.api+json' })).toEqual([]);
  });
});

const minimal = { name: 'Orders', url: 'https://receiver.example/orders' };

describe('a webhook’s retry schedule', () => {
  it('is left empty when the webhook sets none, so the dispatcher’s DISPATCH_RETRY_SCHEDULE decides', () => {
    expect(webhookDefinitionSchema.parse(minimal).retry).toEqual({ schedule: [] });
    expect(webhookDefinitionSchema.parse({ ...minimal, retry: {} }).retry).toEqual({ schedule: [] });
  });

  it('is the webhook’s own when it sets one', () => {
    expect(webhookDefinitionSchema.parse({ ...minimal, retry: { schedule: ['30s', '2m'] } }).retry).toEqual({ schedule: ['30s', '2m'] });
  });

  it('refuses what is not a duration, naming the entry', () => {
    const result = webhookDefinitionSchema.safeParse({ ...minimal, retry: { schedule: ['30s', 'soon'] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['retry', 'schedule', 1]]);
  });
});
