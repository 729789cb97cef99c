import { setTimeout as sleep } from 'node:timers/promises';
import { BatchCollector } from './batch.collector.js';

const limits = { maxItems: 3, maxWaitMs: 50, maxBytes: 1_000 };

function collector(maxHeld = 100) {
  const sent: { group: string; items: number[] }[] = [];
  const gate = Promise.withResolvers<void>();
  const c = new BatchCollector<number>(async (group, items) => {
    sent.push({ group, items });
    await gate.promise;
  }, maxHeld);
  return { c, sent, release: () => gate.resolve() };
}

describe('batch collector', () => {
  it('sends a batch when it is full, and settles its items only once the send is done', async () => {
    const { c, sent, release } = collector();
    let settled = 0;
    const adds = [1, 2, 3].map((n) => c.add('w', n, 10, limits).then(() => settled++));
    expect(sent).toEqual([{ group: 'w', items: [1, 2, 3] }]);
    await sleep(5);
    expect(settled).toBe(0);
    release();
    await Promise.all(adds);
    expect(settled).toBe(3);
  });

  it('sends what it has after maxWaitMs, per group', async () => {
    const { c, sent, release } = collector();
    release();
    const adds = [c.add('a', 1, 10, limits), c.add('b', 2, 10, limits), c.add('a', 3, 10, limits)];
    expect(sent).toEqual([]);
    await Promise.all(adds);
    expect(sent).toEqual([
      { group: 'a', items: [1, 3] },
      { group: 'b', items: [2] },
    ]);
  });

  it('sends when the items reach maxBytes', () => {
    const { c, sent } = collector();
    void c.add('w', 1, 600, limits);
    void c.add('w', 2, 600, limits);
    expect(sent).toEqual([{ group: 'w', items: [1, 2] }]);
  });

  it('sends everything it holds once maxHeld items are held, so a paused consumer never waits on it', () => {
    const { c, sent } = collector(4);
    for (const [group, n] of [['a', 1], ['b', 2], ['c', 3], ['a', 4]] as const) void c.add(group, n, 10, limits);
    expect(sent.map((s) => s.group).sort()).toEqual(['a', 'b', 'c']);
    expect(c.held).toBe(0);
  });

  it('fails every item of a batch whose send failed', async () => {
    const c = new BatchCollector<number>(() => Promise.reject(new Error('kafka down')), 100);
    const adds = [1, 2, 3].map((n) => c.add('w', n, 10, limits));
    for (const add of adds) await expect(add).rejects.toThrow('kafka down');
  });

  it('while closing, sends at once what it holds and what comes next', () => {
    const { c, sent } = collector();
    void c.add('w', 1, 10, limits);
    c.close();
    void c.add('w', 2, 10, limits);
    expect(sent).toEqual([
      { group: 'w', items: [1] },
      { group: 'w', items: [2] },
    ]);
  });
});
