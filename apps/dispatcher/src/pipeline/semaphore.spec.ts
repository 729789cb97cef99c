import { setTimeout as sleep } from 'node:timers/promises';
import { Semaphore } from './semaphore.js';

describe('semaphore', () => {
  it('never runs more than its limit at once, and runs everything', async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          peak = Math.max(peak, ++running);
          await sleep(5);
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('releases the slot when the work fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });

  it('keeps arrival order through a long queue (past the compaction point)', async () => {
    const semaphore = new Semaphore(2);
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 5_000 }, (_, i) =>
        semaphore.run(async () => {
          started.push(i);
          await Promise.resolve();
        }),
      ),
    );
    expect(started).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
  });
});
