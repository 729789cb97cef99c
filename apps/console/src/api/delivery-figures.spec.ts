import { bucketStarts, figuresFromAttempts, totalsOf } from './delivery-figures';

describe('campaign figures from the delivery log', () => {
  const hour = 3_600_000;
  const t0 = Date.UTC(2026, 10, 29, 10);

  it('has one bucket per UTC hour or day in the range', () => {
    expect(bucketStarts(t0 + 5, t0 + 3 * hour, 'hour')).toEqual([t0, t0 + hour, t0 + 2 * hour]);
    expect(bucketStarts(t0, t0 + 1, 'day')).toEqual([Date.UTC(2026, 10, 29)]);
  });

  it('counts first attempts as sent and final outcomes as delivered or failed, per bucket', () => {
    const figures = figuresFromAttempts(
      [
        { attempt: 1, outcome: 'RETRY_SCHEDULED', at: t0 + 10 },
        { attempt: 2, outcome: 'DEAD', at: t0 + hour + 10 },
        { attempt: 1, outcome: 'DELIVERED', at: t0 + hour + 20 },
        { attempt: 1, outcome: 'DELIVERED', at: t0 + 5 * hour },
      ],
      t0,
      t0 + 2 * hour,
      'hour',
    );
    expect(figures).toEqual([
      { at: new Date(t0).toISOString(), sent: 1, delivered: 0, failed: 0 },
      { at: new Date(t0 + hour).toISOString(), sent: 1, delivered: 1, failed: 1 },
    ]);
  });

  it('adds the buckets up, a measure a bucket lacks counting 0', () => {
    expect(totalsOf([{ at: t0, sent: 2, delivered: 1, clicked: 1 }, { at: t0 + hour, sent: 1, failed: 1, opened: 3 }])).toEqual({ triggered: 0, sent: 3, delivered: 1, failed: 1, opened: 3, clicked: 1 });
    expect(totalsOf([])).toEqual({ triggered: 0, sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 });
  });
});
