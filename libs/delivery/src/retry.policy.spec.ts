import { delayTierFor, nextRetryDelay, parseDuration, parseRetryAfter, verdictForStatus } from './retry.policy.js';

const twoXx = (s: number) => s >= 200 && s < 300;

describe('retry policy', () => {
  it('reads durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('10h')).toBe(36_000_000);
    expect(() => parseDuration('5 minutes')).toThrow(/duration/);
  });

  it('reads Retry-After as seconds or an HTTP date, capped at a day', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('999999999', now)).toBe(24 * 3600_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('retries 5xx, 408 and 429 (honouring Retry-After), gives up on other 4xx, disables on 410', () => {
    expect(verdictForStatus(200, twoXx)).toEqual({ kind: 'delivered' });
    expect(verdictForStatus(503, twoXx)).toEqual({ kind: 'retry', minDelayMs: 0 });
    expect(verdictForStatus(408, twoXx).kind).toBe('retry');
    expect(verdictForStatus(429, twoXx, '3')).toEqual({ kind: 'retry', minDelayMs: 3000 });
    expect(verdictForStatus(400, twoXx).kind).toBe('give-up');
    expect(verdictForStatus(404, twoXx).kind).toBe('give-up');
    expect(verdictForStatus(410, twoXx).kind).toBe('gone');
  });

  it('applies the webhook success codes (a 2xx outside them is retried)', () => {
    expect(verdictForStatus(202, (s) => s === 200).kind).toBe('retry');
  });

  it('waits per the schedule with ±20 % jitter, never less than Retry-After, and stops after the last', () => {
    const schedule = [1000, 60_000];
    expect(nextRetryDelay(schedule, 1, 0, () => 0)).toBe(800);
    expect(nextRetryDelay(schedule, 1, 0, () => 1)).toBe(1200);
    expect(nextRetryDelay(schedule, 2, 0, () => 0.5)).toBe(60_000);
    expect(nextRetryDelay(schedule, 1, 5000, () => 0.5)).toBe(5000);
    expect(nextRetryDelay(schedule, 3)).toBeNull();
  });

  it('routes a delay to the longest tier not longer than it', () => {
    const tiers = [1000, 5000, 30_000];
    expect(delayTierFor(tiers, 200)).toBe(0);
    expect(delayTierFor(tiers, 4999)).toBe(0);
    expect(delayTierFor(tiers, 5000)).toBe(1);
    expect(delayTierFor(tiers, 36_000_000)).toBe(2);
  });
});
