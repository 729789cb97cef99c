import { partitionLags } from './consumer-lag.js';

describe('consumer lag', () => {
  const assignments = [{ topic: 'cw.events', partitions: [0, 2] }];

  it('is the high watermark less the committed offset of each assigned partition', () => {
    const ends = new Map([['cw.events', [10n, 7n, 25n]]]);
    const committed = new Map([['cw.events', [4n, 7n, 25n]]]);
    expect(partitionLags(assignments, ends, committed)).toEqual([
      { topic: 'cw.events', partition: 0, lag: 6 },
      { topic: 'cw.events', partition: 2, lag: 0 },
    ]);
  });

  it('leaves out a partition the group never committed, and never goes below zero', () => {
    const ends = new Map([['cw.events', [10n, 0n, 3n]]]);
    const committed = new Map([['cw.events', [-1n, 0n, 5n]]]);
    expect(partitionLags(assignments, ends, committed)).toEqual([{ topic: 'cw.events', partition: 2, lag: 0 }]);
  });
});
