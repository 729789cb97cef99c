import { campaignDefinitionSchema, type Campaign } from './campaign.definition.js';
import { firesOnEvent, triggerIdFor } from './event-trigger.evaluator.js';

const campaign = (overrides: Partial<Campaign> = {}): Campaign => ({
  id: 'thanks',
  version: 3,
  name: 'Thank you',
  status: 'live',
  trigger: { type: 'event', eventType: 'purchase' },
  webhookIds: ['wh'],
  ...overrides,
});

describe('single-event trigger', () => {
  it('fires for a live campaign on an event of its type', () => {
    expect(firesOnEvent(campaign(), { eventId: 'e1', type: 'purchase' })).toBe(true);
  });

  it('does not fire on another event type', () => {
    expect(firesOnEvent(campaign(), { eventId: 'e1', type: 'cart_add' })).toBe(false);
  });

  it.each(['draft', 'paused', 'ended'] as const)('does not fire while %s', (status) => {
    expect(firesOnEvent(campaign({ status }), { eventId: 'e1', type: 'purchase' })).toBe(false);
  });
});

describe('trigger id', () => {
  it('is the same for the same campaign version and events, so replays dedupe', () => {
    expect(triggerIdFor(campaign(), ['e1'])).toBe(triggerIdFor(campaign(), ['e1']));
  });

  it('differs per event and per campaign version', () => {
    const ids = new Set([triggerIdFor(campaign(), ['e1']), triggerIdFor(campaign(), ['e2']), triggerIdFor(campaign({ version: 4 }), ['e1'])]);
    expect(ids.size).toBe(3);
  });
});

describe('campaign definition', () => {
  it('rejects an unknown trigger type and an empty webhook list, with paths', () => {
    const result = campaignDefinitionSchema.safeParse({ name: 'x', trigger: { type: 'telepathy' }, webhookIds: [] });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['trigger.type', 'webhookIds']));
  });
});
