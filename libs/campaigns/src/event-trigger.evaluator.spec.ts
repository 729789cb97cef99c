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
  it('is the same for the same campaign and events, so replays dedupe', () => {
    expect(triggerIdFor(campaign(), ['e1'])).toBe(triggerIdFor(campaign(), ['e1']));
  });

  it('stays the same when the campaign is edited between the firing and its replay (same webhook-id downstream)', () => {
    expect(triggerIdFor(campaign({ version: 4 }), ['e1'])).toBe(triggerIdFor(campaign({ version: 3 }), ['e1']));
  });

  it('differs per event and per campaign', () => {
    const ids = new Set([triggerIdFor(campaign(), ['e1']), triggerIdFor(campaign(), ['e2']), triggerIdFor(campaign({ id: 'other' }), ['e1'])]);
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

describe('single-event trigger with filters', () => {
  const big = campaign({
    trigger: { type: 'event', eventType: 'purchase', where: [{ field: 'total', op: 'gte', value: 100, match: 'any' }, { field: 'items[].category', op: 'in', value: ['kitchen', 'table'], match: 'any' }] },
    filters: { profile: [{ field: 'country', op: 'eq', value: 'CA', match: 'any' }], segments: { notIn: ['churned'] } },
  });
  const purchase = { eventId: 'e1', type: 'purchase', properties: { total: 120, items: [{ category: 'kitchen' }] } };
  const canadian = { profile: { country: 'CA' }, segments: ['vip'] };

  it('fires when event properties and the profile match', () => {
    expect(firesOnEvent(big, purchase, canadian)).toBe(true);
  });

  it('does not fire below the threshold, outside the category list, or for another country or an excluded segment', () => {
    expect(firesOnEvent(big, { ...purchase, properties: { total: 99, items: [{ category: 'kitchen' }] } }, canadian)).toBe(false);
    expect(firesOnEvent(big, { ...purchase, properties: { total: 120, items: [{ category: 'garden' }] } }, canadian)).toBe(false);
    expect(firesOnEvent(big, purchase, { profile: { country: 'FR' }, segments: [] })).toBe(false);
    expect(firesOnEvent(big, purchase, { ...canadian, segments: ['churned'] })).toBe(false);
  });

  it('only fires inside its schedule window', () => {
    const windowed = campaign({ window: { start: '2026-12-01T00:00:00Z', end: '2026-12-24T00:00:00Z' } });
    const e = { eventId: 'e1', type: 'purchase' };
    expect(firesOnEvent(windowed, e, undefined, Date.parse('2026-11-30T23:59:59Z'))).toBe(false);
    expect(firesOnEvent(windowed, e, undefined, Date.parse('2026-12-01T00:00:00Z'))).toBe(true);
    expect(firesOnEvent(windowed, e, undefined, Date.parse('2026-12-24T00:00:00Z'))).toBe(false);
  });

  it('requires audience membership', () => {
    const segmented = campaign({ audience: { segmentId: 'vip' } });
    expect(firesOnEvent(segmented, { eventId: 'e', type: 'purchase' }, { profile: {}, segments: ['vip'] })).toBe(true);
    expect(firesOnEvent(segmented, { eventId: 'e', type: 'purchase' }, { profile: {}, segments: [] })).toBe(false);
  });
});

describe('invalid campaign definitions', () => {
  const paths = (input: object) =>
    campaignDefinitionSchema.safeParse(input).error?.issues.map((i) => ['$', ...i.path].join('.')) ?? [];
  const base = { name: 'x', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: ['wh'] };

  it('reports an unknown operator with its JSON path', () => {
    expect(paths({ ...base, trigger: { type: 'event', eventType: 'purchase', where: [{ field: 'total', op: 'approximately', value: 1 }] } })).toEqual(['$.trigger.where.0.op']);
  });

  it('reports a bad cron and an unknown time zone', () => {
    expect(paths({ ...base, audience: { segmentId: 's' }, trigger: { type: 'schedule', cron: '0 25 * * *', timeZone: 'Europe/Paris' } })).toEqual(['$.trigger.cron']);
    expect(paths({ ...base, audience: { segmentId: 's' }, trigger: { type: 'schedule', cron: '0 9 * * 1', timeZone: 'Europe/Atlantis' } })).toEqual(['$.trigger.timeZone']);
  });

  it('reports a window that ends before it starts', () => {
    expect(paths({ ...base, window: { start: '2026-12-24T00:00:00Z', end: '2026-12-01T00:00:00Z' } })).toEqual(['$.window.end']);
  });

  it('reports a non-duration window and unknown fields', () => {
    expect(paths({ ...base, trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: '30 minutes' } })).toEqual(['$.trigger.within']);
    expect(paths({ ...base, colour: 'red' })).toEqual(['$']);
  });

  it('accepts every trigger kind', () => {
    for (const trigger of [
      { type: 'all-of', events: [{ eventType: 'app_launch' }, { eventType: 'notification_view' }], within: 'PT1H' },
      { type: 'not-followed-by', first: { eventType: 'email_click' }, then: { eventType: 'purchase' }, within: 'P1D' },
      { type: 'schedule', cron: '0 9 * * 1', timeZone: 'Europe/Paris' },
      { type: 'schedule', at: '2026-12-01T09:00:00+01:00' },
      { type: 'on-demand' },
    ]) {
      expect(paths({ ...base, audience: { segmentId: 'all' }, trigger })).toEqual([]);
    }
  });
});
