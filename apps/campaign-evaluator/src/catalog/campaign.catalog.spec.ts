import { EventEmitter } from 'node:events';
import { ON_DEMAND_EVENT_TYPE, type ConfigRecord } from '@cuewire/contracts';
import type { ConfigViews } from '@cuewire/kafka-nest';
import { CampaignCatalog } from './campaign.catalog.js';

/** A campaigns view as the control plane's compacted topic feeds it. */
function view(bodies: Record<string, object>) {
  const records = new Map<string, ConfigRecord>();
  const emitter = Object.assign(new EventEmitter(), { values: () => records.values() });
  const put = (id: string, body: object, revision = 1) => {
    const record = { kind: 'campaign', id, revision, updatedAt: 0, body: JSON.stringify(body) };
    records.set(id, record);
    emitter.emit('change', id, record);
  };
  for (const [id, body] of Object.entries(bodies)) records.set(id, { kind: 'campaign', id, revision: 1, updatedAt: 0, body: JSON.stringify(body) });
  return { views: { campaigns: emitter } as unknown as ConfigViews, put };
}

const base = { name: 'c', status: 'live', webhookIds: ['hook'] };
const single = (eventType: string) => ({ ...base, trigger: { type: 'event', eventType } });

describe('campaign catalog index by event type', () => {
  it('lists, in catalog order, the campaigns an event type can fire or advance, and none for other types', () => {
    const { views } = view({
      a: single('purchase'),
      b: { ...base, trigger: { type: 'all-of', events: [{ eventType: 'cart_add' }, { eventType: 'purchase' }], within: 'PT1H' } },
      c: single('page_view'),
      d: { ...base, trigger: { type: 'on-demand' } },
      e: { ...base, trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: 'PT1H' } },
      f: { ...base, trigger: { type: 'schedule', cron: '0 9 * * *' }, audience: { segmentId: 's' } },
    });
    const catalog = new CampaignCatalog(views);
    const ids = (type: string) => catalog.concernedBy(type).map((c) => c.id);
    expect(ids('purchase')).toEqual(['a', 'b', 'e']);
    expect(ids('cart_add')).toEqual(['b', 'e']);
    expect(ids(ON_DEMAND_EVENT_TYPE)).toEqual(['d']);
    expect(ids('unknown')).toEqual([]);
    expect(catalog.get('f')?.trigger.type).toBe('schedule'); // parsed, but fired by the poller, never by an event
  });

  it('follows changes, and keeps a sequence concerned by the types of an older version (customers part-way through it)', () => {
    const { views, put } = view({ a: single('purchase') });
    const catalog = new CampaignCatalog(views);
    expect(catalog.concernedBy('purchase').map((c) => c.id)).toEqual(['a']);
    put('a', single('search'), 2);
    expect(catalog.concernedBy('purchase')).toEqual([]);
    expect(catalog.concernedBy('search').map((c) => c.version)).toEqual([2]);
    put('s', { ...base, trigger: { type: 'all-of', events: [{ eventType: 'x' }, { eventType: 'y' }], within: 'PT1H' } });
    put('s', { ...base, trigger: { type: 'all-of', events: [{ eventType: 'x' }, { eventType: 'z' }], within: 'PT1H' } }, 2);
    expect(catalog.concernedBy('y').map((c) => c.id)).toEqual(['s']);
  });
});
