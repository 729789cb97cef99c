import { dayPartition, expiredPartitions, isExpired, wantedPartitions } from './partition-plan.js';

const at = (iso: string) => Date.parse(iso);

describe('day partitions', () => {
  it('names a partition after its UTC day and bounds it to that day', () => {
    expect(dayPartition('delivery_attempts', at('2026-11-29T23:59:59.999Z'))).toEqual({
      table: 'delivery_attempts',
      name: 'delivery_attempts_p20261129',
      from: at('2026-11-29T00:00:00Z'),
      to: at('2026-11-30T00:00:00Z'),
    });
  });

  it('wants the retention window (today included) and the days ahead', () => {
    const names = wantedPartitions('engagements', at('2026-11-29T10:00:00Z'), 3, 2).map((p) => p.name);
    expect(names).toEqual(['engagements_p20261127', 'engagements_p20261128', 'engagements_p20261129', 'engagements_p20261130', 'engagements_p20261201']);
  });

  it('expires only whole days before the window, and only partitions of that table', () => {
    const existing = ['delivery_attempts_p20261125', 'delivery_attempts_p20261126', 'delivery_attempts_p20261127', 'delivery_attempts_p20261129', 'engagements_p20261101', 'delivery_attempts_default'];
    expect(expiredPartitions('delivery_attempts', existing, at('2026-11-29T10:00:00Z'), 3)).toEqual(['delivery_attempts_p20261125', 'delivery_attempts_p20261126']);
  });

  it('treats a record before the window as expired', () => {
    const now = at('2026-11-29T10:00:00Z');
    expect(isExpired(at('2026-11-26T23:59:59Z'), now, 3)).toBe(true);
    expect(isExpired(at('2026-11-27T00:00:00Z'), now, 3)).toBe(false);
  });
});
