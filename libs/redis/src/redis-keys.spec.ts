import { RedisKeys } from './redis-keys.js';
import { slotsOf } from './redis-slots.js';

// Ids as clients may send them, braces and separators included: the tag must still be the id.
const IDS = ['c-1', 'cust:42', 'a{b', 'a}b', '{x}', 'ü-ñ', '0'.repeat(200)];
const PREFIXES = ['cw:', 'e2e-3f1c:', ''];

/** Every key a script, MULTI or multi-key command may name together, per owner. */
const byCustomer = (c: string) => [
  RedisKeys.profile(c),
  RedisKeys.segments(c),
  RedisKeys.sequenceState(c, 'camp-1'),
  RedisKeys.sequenceState(c, 'camp{2}'),
  RedisKeys.campaignHistory(c),
  RedisKeys.campaignClicks(c),
  RedisKeys.variantAssignments(c),
  RedisKeys.ingestedEventMark(c, 'evt-1'),
];
const byWebhook = (w: string) => [
  RedisKeys.deliveredMark(w, 'dlv-1'),
  RedisKeys.deliveredMark(w, 'dlv}{2'),
  RedisKeys.endpointInFlight(w),
  RedisKeys.endpointRate(w),
  RedisKeys.endpointHealth(w),
  RedisKeys.endpointProbe(w),
  RedisKeys.endpointParked(w),
  RedisKeys.endpointAlerted(w),
  RedisKeys.deliveryLogByWebhook(w),
];
const byCampaign = (c: string) => [RedisKeys.scheduleProgress(c), RedisKeys.scheduleLease(c)];
const byConfigObject = (id: string) => [RedisKeys.configWriteLease('webhook', id), RedisKeys.configLatest('webhook', id)];

describe('Redis key layout on a Cluster', () => {
  it.each(PREFIXES)('keeps all of one customer, webhook, campaign or config object on one slot (prefix %j)', (prefix) => {
    for (const id of IDS) {
      for (const group of [byCustomer, byWebhook, byCampaign, byConfigObject]) expect({ id, group: group.name, slots: slotsOf(group(id), prefix).size }).toEqual({ id, group: group.name, slots: 1 });
    }
  });

  it('spreads customers over the slots (the tag is the id, not something shared)', () => {
    const customers = Array.from({ length: 1_000 }, (_, i) => `customer-${i}`);
    expect(slotsOf(customers.map(RedisKeys.profile), 'cw:').size).toBeGreaterThan(900);
    expect(slotsOf(customers.map((c) => RedisKeys.sequenceState(c, 'camp-1')), 'cw:').size).toBeGreaterThan(900);
  });
});
