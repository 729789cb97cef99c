import { isolatedRedis } from '@cuewire/testing';
import { CustomerOrder } from '../../apps/dispatcher/src/deliveries/customer-order.js';

/**
 * One customer's deliveries to one webhook stay in order across deferrals, whichever
 * dispatcher replica handles each step: two instances on one Redis stand for two replicas
 * (the one that deferred a delivery, and the one whose delay tier hands it back).
 */
describe('customer order across deferrals and replicas (real Redis)', () => {
  const { redis, dispose } = isolatedRedis('it-order');
  const config = { DISPATCH_ORDER_GRACE_MS: 60_000 };
  const [deferring, releasing] = [new CustomerOrder(redis, config), new CustomerOrder(redis, config)];

  beforeAll(async () => {
    await redis.onModuleInit();
    deferring.onModuleInit();
    releasing.onModuleInit();
  });
  afterAll(() => dispose());

  it('holds a later delivery behind an earlier deferred one until it has an outcome, on any replica', async () => {
    expect(await deferring.check('wh', 'c1', 'd1', 0)).toEqual({ wait: false, until: 0, queued: false, waitingSince: 0 });
    await deferring.deferred('wh', 'c1', 'd1', 1_000, 0);
    // The customer's next delivery, on the replica that deferred the first: behind it.
    expect(await deferring.check('wh', 'c1', 'd2', 10)).toEqual({ wait: true, until: 1_000, queued: true, waitingSince: 0 });
    await deferring.deferred('wh', 'c1', 'd2', 1_050, 10);
    // The tier hands both back on another replica: the head goes first, the follower waits.
    expect(await releasing.check('wh', 'c1', 'd1', 1_000)).toEqual({ wait: false, until: 1_050, queued: true, waitingSince: 0 });
    expect((await releasing.check('wh', 'c1', 'd2', 1_050)).wait).toBe(true);
    await releasing.settled('wh', 'c1', 'd1');
    expect(await releasing.check('wh', 'c1', 'd2', 1_100)).toEqual({ wait: false, until: 1_050, queued: true, waitingSince: 10 });
    await releasing.settled('wh', 'c1', 'd2');
    expect(await deferring.check('wh', 'c1', 'd3', 1_100)).toEqual({ wait: false, until: 0, queued: false, waitingSince: 0 });
  });

  it('keeps a retried delivery at the head although its next moment is later than its follower\'s', async () => {
    await deferring.deferred('wh', 'c2', 'd1', 1_000, 0);
    await deferring.deferred('wh', 'c2', 'd2', 1_050, 10);
    await releasing.deferred('wh', 'c2', 'd1', 6_000, 1_000); // attempt failed: retry in 5 s
    expect((await releasing.check('wh', 'c2', 'd2', 1_100)).wait).toBe(true);
    // Deferred again, the follower keeps the moment it first waited from (its deferrals space out from it).
    await releasing.deferred('wh', 'c2', 'd2', 6_050, 1_100);
    expect((await releasing.check('wh', 'c2', 'd2', 6_050)).waitingSince).toBe(10);
    expect(await releasing.check('wh', 'c2', 'd1', 6_000)).toEqual({ wait: false, until: 6_050, queued: true, waitingSince: 0 });
  });

  it('keeps other customers and other webhooks apart', async () => {
    await deferring.deferred('wh', 'c3', 'd1', 1_000, 0);
    expect((await deferring.check('wh', 'c4', 'd9', 0)).wait).toBe(false);
    expect((await deferring.check('other', 'c3', 'd9', 0)).wait).toBe(false);
    expect((await deferring.check('wh', 'c3', 'd9', 0)).wait).toBe(true);
  });

  it('stops holding the others once a deferred delivery is past its moment plus the grace (it never came back)', async () => {
    deferring.graceMs = 5_000;
    await deferring.deferred('wh', 'c5', 'd1', 1_000, 0);
    expect((await deferring.check('wh', 'c5', 'd2', 5_999)).wait).toBe(true);
    expect(await deferring.check('wh', 'c5', 'd2', 6_000)).toEqual({ wait: false, until: 0, queued: false, waitingSince: 0 });
    deferring.graceMs = 60_000;
  });
});
