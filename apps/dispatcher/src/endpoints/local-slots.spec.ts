import { jest } from '@jest/globals';
import { LocalSlots } from './local-slots.js';

describe('LocalSlots', () => {
  it('grants up to the limit per key, then queues in arrival order', async () => {
    const slots = new LocalSlots();
    const a = await slots.acquire('wh', 2, 1_000);
    const b = await slots.acquire('wh', 2, 1_000);
    expect(a && b).toBeTruthy();
    expect(await slots.acquire('other', 2, 0)).not.toBeNull();
    const order: string[] = [];
    const c = slots.acquire('wh', 2, 1_000).then((r) => (order.push('c'), r));
    const d = slots.acquire('wh', 2, 1_000).then((r) => (order.push('d'), r));
    a!();
    const releaseC = await c;
    expect(order).toEqual(['c']);
    releaseC!();
    expect(await d).not.toBeNull();
    expect(order).toEqual(['c', 'd']);
  });

  it('gives up after the timeout, and a timed-out waiter does not take a later slot', async () => {
    const slots = new LocalSlots();
    const held = await slots.acquire('wh', 1, 0);
    expect(held).not.toBeNull();
    expect(await slots.acquire('wh', 1, 0)).toBeNull();
    expect(await slots.acquire('wh', 1, 20)).toBeNull();
    held!();
    expect(await slots.acquire('wh', 1, 0)).not.toBeNull();
  });

  it('ignores a second release of the same slot', async () => {
    const slots = new LocalSlots();
    const first = await slots.acquire('wh', 1, 0);
    first!();
    first!();
    const second = await slots.acquire('wh', 1, 0);
    expect(second).not.toBeNull();
    expect(await slots.acquire('wh', 1, 0)).toBeNull();
  });

  it('queues a fast endpoint\'s backlog, but refuses at once a wait its slow holders make longer than allowed', async () => {
    const slots = new LocalSlots();
    // Fast: slots held ~0 ms, so a long queue is still expected to clear in time.
    const fast = await slots.acquire('fast', 1, 1_000);
    const queued = Array.from({ length: 50 }, () => slots.acquire('fast', 1, 1_000));
    fast!();
    for (const q of queued) (await q)!();
    // Slow: the holder has held its slot 200 ms, so the 2nd waiter expects ≥ 400 ms > 300 ms allowed.
    const slow = await slots.acquire('slow', 1, 300);
    await new Promise((r) => setTimeout(r, 200));
    const first = slots.acquire('slow', 1, 300);
    const started = Date.now();
    expect(await slots.acquire('slow', 1, 300)).toBeNull();
    expect(Date.now() - started).toBeLessThan(50);
    slow!();
    expect(await first).not.toBeNull();
  });

  it('keeps one timer per endpoint for a queue of any length, and each waiter still gives up at its own deadline', async () => {
    jest.useFakeTimers();
    try {
      const slots = new LocalSlots();
      const held = await slots.acquire('wh', 1, 0);
      const early = Array.from({ length: 100 }, () => slots.acquire('wh', 1, 1_000));
      const patient = slots.acquire('wh', 1, 2_000);
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(1_000);
      expect(await Promise.all(early)).toEqual(early.map(() => null));
      // The patient one gives up later, not with the others; until then the next free slot is its.
      held!();
      expect(await patient).not.toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('after some waiters give up, arms the timer for the earliest deadline left, wherever it is in the queue', async () => {
    jest.useFakeTimers();
    try {
      const slots = new LocalSlots();
      const held = await slots.acquire('wh', 1, 0);
      const settled: string[] = [];
      const wait = (name: string, ms: number) => slots.acquire('wh', 1, ms).then((r) => (settled.push(name), r));
      const late = wait('late', 3_000);
      const first = wait('first', 1_000);
      const middle = wait('middle', 2_000);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(settled).toEqual(['first']);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(settled).toEqual(['first', 'middle']);
      expect(await first).toBeNull();
      expect(await middle).toBeNull();
      // The one left still queues for the next free slot.
      held!();
      expect(await late).not.toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});
