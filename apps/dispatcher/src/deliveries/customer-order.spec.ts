import { CustomerOrder } from './customer-order.js';

describe('customer order across deferrals', () => {
  it('holds a later delivery behind an earlier deferred one until it has an outcome', () => {
    const order = new CustomerOrder();
    expect(order.mustWait('wh', 'c1', 'd1', 0)).toBe(false);
    order.deferred('wh', 'c1', 'd1', 1_000);
    expect(order.mustWait('wh', 'c1', 'd2', 0)).toBe(true);
    order.deferred('wh', 'c1', 'd2', 1_000);
    // The head goes first; the follower still waits while the head is outstanding.
    expect(order.mustWait('wh', 'c1', 'd1', 1_000)).toBe(false);
    expect(order.mustWait('wh', 'c1', 'd2', 1_000)).toBe(true);
    order.settled('wh', 'c1', 'd1');
    expect(order.mustWait('wh', 'c1', 'd2', 1_000)).toBe(false);
    order.settled('wh', 'c1', 'd2');
    expect(order.mustWait('wh', 'c1', 'd3', 1_000)).toBe(false);
  });

  it('keeps other customers and other webhooks apart', () => {
    const order = new CustomerOrder();
    order.deferred('wh', 'c1', 'd1', 1_000);
    expect(order.mustWait('wh', 'c2', 'd9', 0)).toBe(false);
    expect(order.mustWait('other', 'c1', 'd9', 0)).toBe(false);
    expect(order.latestMoment('wh', 'c1')).toBe(1_000);
  });

  it('forgets a deferred delivery that never comes back (another replica took it)', () => {
    const order = new CustomerOrder(5_000);
    order.deferred('wh', 'c1', 'd1', 1_000);
    expect(order.mustWait('wh', 'c1', 'd2', 5_999)).toBe(true);
    expect(order.mustWait('wh', 'c1', 'd2', 6_001)).toBe(false);
  });
});
