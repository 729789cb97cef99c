import { Cron } from 'croner';

export interface ScheduleSpec {
  /** Once, at this instant (ISO 8601 with offset). */
  readonly at?: string;
  /** Recurring: a 5- or 6-field cron pattern, read in `timeZone`. */
  readonly cron?: string;
  /** IANA zone, e.g. Europe/Paris; DST shifts follow the zone's rules. */
  readonly timeZone: string;
}

export interface ScheduleWindow {
  readonly start?: number;
  readonly end?: number;
}

/** Throws with a readable reason when the pattern or zone is invalid. */
export function assertValidCron(pattern: string, timeZone: string): void {
  new Cron(pattern, { timezone: timeZone, paused: true });
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first run strictly after `after` inside the window, or null when there is none.
 * Pure: the caller owns the clock and persists what it has fired.
 */
export function nextRunAfter(spec: ScheduleSpec, after: number, window: ScheduleWindow = {}): number | null {
  const from = Math.max(after, (window.start ?? -Infinity) - 1);
  let next: number | null = null;
  if (spec.at) {
    const at = Date.parse(spec.at);
    next = at > from ? at : null;
  } else if (spec.cron) {
    const run = new Cron(spec.cron, { timezone: spec.timeZone, paused: true }).nextRun(new Date(from));
    next = run ? run.getTime() : null;
  }
  return next !== null && (window.end === undefined || next <= window.end) ? next : null;
}
