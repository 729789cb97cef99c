import { PartitionProgress, placeRecord } from './partition-progress.js';

describe('partition progress', () => {
  it('commits only the contiguous completed prefix while records finish out of order', () => {
    const p = new PartitionProgress('t', 0);
    for (const o of [10n, 11n, 12n, 13n]) p.track(o);
    p.complete(12n);
    expect(p.pendingCommit()).toBeNull();
    p.complete(10n);
    expect(p.pendingCommit()).toBe(11n);
    p.markCommitted(11n);
    expect(p.pendingCommit()).toBeNull();
    p.complete(11n);
    expect(p.pendingCommit()).toBe(13n);
    expect(p.size).toBe(1);
    p.complete(13n);
    expect(p.pendingCommit()).toBe(14n);
    expect(p.size).toBe(0);
  });

  it('offers the same offset again when its commit failed (nothing acknowledged)', () => {
    const p = new PartitionProgress('t', 0);
    p.track(0n);
    p.complete(0n);
    expect(p.pendingCommit()).toBe(1n);
    // no markCommitted: the commit request failed
    expect(p.pendingCommit()).toBe(1n);
  });

  it('refuses a record fetched twice, so the prefix keeps advancing', () => {
    const p = new PartitionProgress('t', 0);
    expect(p.track(5n)).toBe(true);
    expect(p.track(6n)).toBe(true);
    expect(p.track(5n)).toBe(false);
    expect(p.track(6n)).toBe(false);
    p.complete(5n);
    p.complete(6n);
    expect(p.pendingCommit()).toBe(7n);
    expect(p.size).toBe(0);
  });

  it('accepts gaps (compacted topics, transaction markers) and reports the oldest open record', () => {
    const p = new PartitionProgress('t', 0);
    p.track(3n, 1_000);
    p.track(9n, 2_000);
    expect(p.oldestOpenSince).toBe(1_000);
    p.complete(3n);
    expect(p.oldestOpenSince).toBe(2_000);
    p.complete(9n);
    expect(p.pendingCommit()).toBe(10n);
    expect(p.oldestOpenSince).toBeUndefined();
  });

  it('stays correct past its compaction point', () => {
    const p = new PartitionProgress('t', 0);
    for (let i = 0n; i < 5_000n; i++) p.track(i);
    for (let i = 4_999n; i >= 0n; i--) p.complete(i);
    expect(p.pendingCommit()).toBe(5_000n);
    expect(p.size).toBe(0);
  });
});

describe('where a fetched record belongs (placeRecord)', () => {
  it('takes the lane’s next offset and starts a lane at the resume point', () => {
    expect(placeRecord(7n, 7n, 0n)).toEqual({ kind: 'next' });
    expect(placeRecord(40n, undefined, 40n)).toEqual({ kind: 'start' });
  });

  it('refuses a lane that would start past the committed offset: the records between were never handed out', () => {
    // A stale fetch answered after the rejoin: the group resumes at 40, the client hands out 100.
    expect(placeRecord(100n, undefined, 40n)).toEqual({ kind: 'skipped', from: 40n });
  });

  it('refuses a jump inside a lane (offsets of the topics it reads are contiguous)', () => {
    expect(placeRecord(12n, 10n, 0n)).toEqual({ kind: 'skipped', from: 10n });
  });

  it('drops a record the lane already has (overlapping fetches) or one already committed, without starting over', () => {
    expect(placeRecord(60n, 90n, 40n)).toEqual({ kind: 'duplicate' });
    expect(placeRecord(35n, undefined, 40n)).toEqual({ kind: 'duplicate' });
  });

  it('drops what arrives before the assignment’s resume points are known, and takes any start with no commit from latest', () => {
    expect(placeRecord(5n, undefined, undefined)).toEqual({ kind: 'early' });
    expect(placeRecord(500n, undefined, 'any')).toEqual({ kind: 'start' });
  });
});
