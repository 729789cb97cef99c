import { webhookDefinitionSchema } from './webhook.definition.js';

const issuesOf = (headers: Record<string, string>) => {
  const parsed = webhookDefinitionSchema.safeParse({ name: 'w', url: 'https://example.com/hook', headers });
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('webhook definition: templated headers', () => {
  it.each(['Host', 'content-length', 'Transfer-Encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'expect', 'webhook-signature'])(
    'refuses %s, which the HTTP client (or Cuewire) sets, naming the header',
    (name) => {
      expect(issuesOf({ [name]: 'x', 'x-campaign': '{{campaign.id}}' })).toEqual([{ path: `headers.${name}`, message: expect.stringMatching(new RegExp(`^${name} is set by the HTTP client or by Cuewire`)) }]);
    },
  );

  it('accepts other headers, content-type included', () => {
    expect(issuesOf({ 'x-campaign': '{{campaign.id}}', 'content-type': 'application/vnd.api+json' })).toEqual([]);
  });
});
