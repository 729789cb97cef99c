import { slotsOf } from '@cuewire/redis';
import { admissionKeys } from './endpoint-admission.repository.js';

describe('endpoint admission scripts on a Redis Cluster', () => {
  it.each([
    ['wh_1', 'dlv_1', 'c_1'],
    ['wh{odd}', 'dlv}{odd', 'c}{odd'],
    ['wh:1', 'a'.repeat(64), ''],
  ])('touch keys of one slot only (webhook %j, delivery %j, customer %j)', (webhookId, deliveryId, customerId) => {
    const { admit, release } = admissionKeys(webhookId, deliveryId, customerId);
    expect(admit).toHaveLength(7);
    expect(release).toHaveLength(3);
    expect(slotsOf([...admit, ...release], 'cw:').size).toBe(1);
  });
});
