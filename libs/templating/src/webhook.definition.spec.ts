import { webhookDefinitionSchema } from './webhook.definition.js';

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
