import { PartitionProgress } from './partition-progress.js';

describe('partition progress', () => {
  it('commits only the contiguous completed prefix while records finish out of order', () => {
    const p = new PartitionProgress();
    for (const o of [10n, 11n, 12n, 13n]) p.track(o);
    p.complete(12n);
    expect(p.takeCommit()).toBeNull();
    p.complete(10n);
    expect(p.takeCommit()).toBe(11n);
    expect(p.takeCommit()).toBeNull();
    p.complete(11n);
    expect(p.takeCommit()).toBe(13n);
    expect(p.size).toBe(1);
    p.complete(13n);
    expect(p.takeCommit()).toBe(14n);
    expect(p.size).toBe(0);
  });
});
