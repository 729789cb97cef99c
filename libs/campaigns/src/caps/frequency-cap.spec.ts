import { capsAllow, capsSchema, dailyCapAllows } from './frequency-cap.js';

const H = 3_600_000;

describe('frequency caps', () => {
  it('allows at most N per sliding period', () => {
    const caps = capsSchema.parse({ perCustomer: { max: 2, period: 'PT24H' } });
    expect(capsAllow(caps, [], 0)).toBe(true);
    expect(capsAllow(caps, [10 * H], 20 * H)).toBe(true);
    expect(capsAllow(caps, [10 * H, 15 * H], 20 * H)).toBe(false);
    expect(capsAllow(caps, [10 * H, 15 * H], 34 * H + 1)).toBe(true);
  });

  it('allows once per customer, ever', () => {
    const caps = capsSchema.parse({ oncePerCustomer: true });
    expect(capsAllow(caps, [], 0)).toBe(true);
    expect(capsAllow(caps, [1], 1_000 * H)).toBe(false);
  });

  it('applies the global daily cap across campaigns', () => {
    expect(dailyCapAllows(3, [1 * H, 2 * H], 3 * H)).toBe(true);
    expect(dailyCapAllows(3, [1 * H, 2 * H, 2.5 * H], 3 * H)).toBe(false);
    expect(dailyCapAllows(undefined, [1, 2, 3, 4], 5)).toBe(true);
  });
});
