import { slotsOf } from '@cuewire/redis';
import { admitKeys, releaseKeys } from './endpoint-admission.scripts.js';

describe('endpoint admission scripts on a Redis Cluster', () => {
  it.each([
    ['wh_1', [{ deliveryId: 'dlv_1', customerId: 'c_1' }]],
    ['wh{odd}', [{ deliveryId: 'dlv}{odd', customerId: 'c}{odd' }, { deliveryId: 'dlv_2', customerId: '' }]],
    ['wh:1', [{ deliveryId: 'a'.repeat(64), customerId: 'b'.repeat(64) }, { deliveryId: 'dlv_3', customerId: 'c_3' }, { deliveryId: 'dlv_4', customerId: 'c_3' }]],
  ])('touch keys of one slot only, the webhook\'s, for every delivery of a call (webhook %j, deliveries %j)', (webhookId, deliveries) => {
    const admit = admitKeys(webhookId, deliveries);
    const release = releaseKeys(webhookId, deliveries.map((d) => d.deliveryId));
    expect(admit).toHaveLength(4 + 3 * deliveries.length);
    expect(release).toHaveLength(2 + deliveries.length);
    expect(slotsOf([...admit, ...release], 'cw:').size).toBe(1);
  });
});
