import { assembleFigures, bucketStarts } from './figure-series.js';

const HOUR = 3_600_000;

describe('campaign figure series', () => {
  it('covers the range with UTC buckets, the first rounded down', () => {
    expect(bucketStarts(Date.parse('2026-11-29T10:30:00Z'), Date.parse('2026-11-29T12:00:00Z'), 'hour')).toEqual([
      Date.parse('2026-11-29T10:00:00Z'),
      Date.parse('2026-11-29T11:00:00Z'),
      Date.parse('2026-11-29T12:00:00Z'),
    ]);
  });

  it('fills empty buckets with zeros and splits the campaign from its webhooks', () => {
    const figures = assembleFigures([0, HOUR], [
      { webhookId: null, start: null, figures: { triggered: 3 } },
      { webhookId: null, start: null, figures: { sent: 2, delivered: 1 } },
      { webhookId: null, start: HOUR, figures: { triggered: 3, sent: 2 } },
      { webhookId: 'wh-b', start: null, figures: { sent: 1 } },
      { webhookId: 'wh-a', start: HOUR, figures: { sent: 1, clicked: 1 } },
      { webhookId: 'wh-a', start: null, figures: { sent: 1, clicked: 1 } },
    ]);
    expect(figures.totals).toEqual({ triggered: 3, sent: 2, delivered: 1, failed: 0, opened: 0, clicked: 0 });
    expect(figures.series).toEqual([
      { start: 0, triggered: 0, sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 },
      { start: HOUR, triggered: 3, sent: 2, delivered: 0, failed: 0, opened: 0, clicked: 0 },
    ]);
    expect(figures.webhooks.map((w) => w.webhookId)).toEqual(['wh-a', 'wh-b']);
    expect(figures.webhooks[0]).toEqual({
      webhookId: 'wh-a',
      totals: { sent: 1, delivered: 0, failed: 0, opened: 0, clicked: 1 },
      series: [
        { start: 0, sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 },
        { start: HOUR, sent: 1, delivered: 0, failed: 0, opened: 0, clicked: 1 },
      ],
    });
  });
});
