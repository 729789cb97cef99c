import { slotsOf } from '@cuewire/redis';
import { orderKeys } from './customer-order.js';

describe('customer order scripts on a Redis Cluster', () => {
  it.each([
    ['wh_1', 'c_1'],
    ['wh{odd}', 'c}{odd'],
    ['wh:1', 'a'.repeat(64)],
  ])('touch keys of one slot only, the webhook\'s (webhook %j, customer %j)', (webhookId, customerId) => {
    const keys = orderKeys(webhookId, customerId);
    expect(keys).toHaveLength(2);
    expect(slotsOf(keys, 'cw:').size).toBe(1);
  });
});
