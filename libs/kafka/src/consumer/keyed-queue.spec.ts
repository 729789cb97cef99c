import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedQueue } from './keyed-queue.js';

describe('keyed queue', () => {
  it('runs one key in order and different keys concurrently', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const work = (label: string, ms: number) => async () => {
      peak = Math.max(peak, ++running);
      log.push(`start ${label}`);
      await sleep(ms);
      log.push(`end ${label}`);
      running--;
    };
    await Promise.all([queue.run('a', work('a1', 20)), queue.run('a', work('a2', 1)), queue.run('b', work('b1', 5))]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(peak).toBe(2);
    expect(queue.size).toBe(0);
  });

  it('runs the next work of a key after a failure', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('k', () => Promise.reject(new Error('boom')));
    const next = queue.run('k', async () => undefined);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBeUndefined();
  });
});
