import { describeProgress, fractionDone } from './rebuild-progress.js';

describe('rebuild progress', () => {
  it('measures progress in offsets, so a compacted topic with gaps still reaches 100 %', () => {
    expect(fractionDone({ offsetsDone: 0n, offsetsTotal: 0n })).toBe(1);
    expect(fractionDone({ offsetsDone: 250n, offsetsTotal: 1000n })).toBe(0.25);
    expect(fractionDone({ offsetsDone: 1000n, offsetsTotal: 1000n })).toBe(1);
  });

  it('shows percent, records, records per second and the time left', () => {
    expect(describeProgress({ records: 20_000, undecodable: 0, offsetsDone: 25_000n, offsetsTotal: 100_000n }, 2)).toBe('25.0%  20,000 records  10,000 records/s  ETA 6s');
    expect(describeProgress({ records: 9, undecodable: 1, offsetsDone: 10n, offsetsTotal: 10n }, 0)).toBe('100.0%  9 records  0 records/s  ETA 0s  (1 undecodable)');
  });
});
