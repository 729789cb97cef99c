import { assertValidCron, isValidTimeZone, nextRunAfter } from './campaign-schedule.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('campaign schedules', () => {
  it('runs a weekly cron at 09:00 local time across the autumn DST change (Europe/Paris)', () => {
    // Monday 09:00 in Paris: UTC+2 before 26 Oct 2025, UTC+1 after.
    const spec = { cron: '0 9 * * 1', timeZone: 'Europe/Paris' };
    const first = nextRunAfter(spec, Date.parse('2025-10-18T00:00:00Z'));
    const second = nextRunAfter(spec, first!);
    expect(iso(first)).toBe('2025-10-20T07:00:00.000Z');
    expect(iso(second)).toBe('2025-10-27T08:00:00.000Z');
  });

  const runs = (spec: { cron: string; timeZone: string }, from: string, n: number) => {
    const out: string[] = [];
    let after = Date.parse(from);
    for (let i = 0; i < n; i++) out.push(iso((after = nextRunAfter(spec, after)!))!);
    return out;
  };

  it('runs a daily 02:30 New York cron once on the spring-forward day, when 02:30 does not exist', () => {
    // 8 March 2026: clocks jump from 02:00 EST to 03:00 EDT; the run happens at 03:00 EDT.
    expect(runs({ cron: '30 2 * * *', timeZone: 'America/New_York' }, '2026-03-07T12:00:00Z', 3)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
  });

  it('runs a daily 01:30 New York cron once on the fall-back day, when 01:30 happens twice', () => {
    expect(runs({ cron: '30 1 * * *', timeZone: 'America/New_York' }, '2026-10-31T12:00:00Z', 3)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-03T06:30:00.000Z',
    ]);
  });

  it('runs a one-off schedule once, and not outside the campaign window', () => {
    const spec = { at: '2026-12-01T09:00:00+01:00', timeZone: 'Europe/Paris' };
    expect(iso(nextRunAfter(spec, Date.parse('2026-11-01T00:00:00Z')))).toBe('2026-12-01T08:00:00.000Z');
    expect(nextRunAfter(spec, Date.parse('2026-12-01T08:00:00Z'))).toBeNull();
    expect(nextRunAfter(spec, 0, { end: Date.parse('2026-11-30T00:00:00Z') })).toBeNull();
  });

  it('starts recurring runs at the window start', () => {
    const spec = { cron: '0 * * * *', timeZone: 'UTC' };
    expect(iso(nextRunAfter(spec, 0, { start: Date.parse('2026-11-23T10:00:00Z') }))).toBe('2026-11-23T10:00:00.000Z');
  });

  it('validates patterns and zones', () => {
    expect(() => assertValidCron('61 * * * *', 'UTC')).toThrow();
    expect(() => assertValidCron('0 9 * * 1', 'UTC')).not.toThrow();
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
