import { laneKeyOf, resumeOffsets } from './resume-points.js';

describe('where the group resumes each assigned partition', () => {
  const assigned = [{ topic: 't', partitions: [0, 2] }];

  it('is the committed offset', () => {
    const points = resumeOffsets(assigned, new Map([['t', [5n, 9n, 40n]]]), new Map([['t', [0n, 0n, 0n]]]), 'earliest');
    expect(points).toEqual(new Map([[laneKeyOf('t', 0), 5n], [laneKeyOf('t', 2), 40n]]));
  });

  it('is the earliest record left when retention deleted the records from the committed offset on', () => {
    const points = resumeOffsets(assigned, new Map([['t', [5n, 9n, 40n]]]), new Map([['t', [10n, 0n, 0n]]]), 'earliest');
    expect(points.get(laneKeyOf('t', 0))).toBe(10n);
  });

  it('is the earliest record with nothing committed, or anywhere when the loop starts from the latest', () => {
    const none = new Map([['t', [-1n, -1n, -1n]]]);
    const earliest = new Map([['t', [3n, 0n, 7n]]]);
    expect(resumeOffsets(assigned, none, earliest, 'earliest')).toEqual(new Map([[laneKeyOf('t', 0), 3n], [laneKeyOf('t', 2), 7n]]));
    expect(resumeOffsets(assigned, none, earliest, 'latest')).toEqual(new Map([[laneKeyOf('t', 0), 'any'], [laneKeyOf('t', 2), 'any']]));
  });
});
