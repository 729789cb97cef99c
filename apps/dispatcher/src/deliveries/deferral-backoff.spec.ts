import { deferralBackoffMs, MAX_DEFERRAL_BACKOFF_MS } from './customer-order.js';

describe('how long a delivery that must wait again is put off', () => {
  it('is nothing extra the first time (the tier’s own delay applies)', () => {
    expect(deferralBackoffMs(0, 1_795_000_000_000)).toBe(0);
  });

  it('is a quarter of the wait so far, so a long backlog is rechecked less often', () => {
    const since = 1_795_000_000_000;
    expect(deferralBackoffMs(since, since + 2_000)).toBe(500);
    expect(deferralBackoffMs(since, since + 40_000)).toBe(10_000);
  });

  it('is at most 30 s, whatever the wait', () => {
    const since = 1_795_000_000_000;
    expect(deferralBackoffMs(since, since + 3_600_000)).toBe(MAX_DEFERRAL_BACKOFF_MS);
  });
});
