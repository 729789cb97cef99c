/**
 * What to do after an attempt, and when to try again: pure, so the rules read (and are tested)
 * apart from Kafka and HTTP. Defaults follow Svix: 4xx means the receiver refuses the request
 * itself (retrying cannot help) except 408 (timeout) and 429 (slow down); 410 means the
 * endpoint is gone and is disabled.
 */
export type AttemptVerdict =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly minDelayMs: number }
  | { readonly kind: 'give-up'; readonly reason: string }
  | { readonly kind: 'gone'; readonly reason: string };

/** Svix's schedule: the wait before attempts 2, 3, … */
export const DEFAULT_RETRY_SCHEDULE = ['5s', '5m', '30m', '2h', '5h', '10h', '10h'] as const;
/** A Retry-After longer than this is capped: a receiver cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `5m`, `2h`, `1d` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Retry-After as seconds or an HTTP date → milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** Classifies an HTTP answer under the webhook's success codes. */
export function verdictForStatus(status: number, isSuccess: (status: number) => boolean, retryAfter?: string, now = Date.now()): AttemptVerdict {
  if (isSuccess(status)) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone', reason: 'receiver answered 410 Gone: the endpoint is disabled' };
  if (status === 408 || status === 429 || status >= 500 || status < 400) {
    return { kind: 'retry', minDelayMs: parseRetryAfter(retryAfter, now) ?? 0 };
  }
  return { kind: 'give-up', reason: `receiver answered ${status}: a 4xx is not retried` };
}

/**
 * The wait before the next attempt, or null when `attempt` was the last one. Jitter (±20 %)
 * spreads a burst of failures so the receiver's recovery is not met by a synchronized wave.
 */
export function nextRetryDelay(schedule: readonly number[], attempt: number, minDelayMs = 0, random = Math.random): number | null {
  if (attempt > schedule.length) return null;
  const base = schedule[attempt - 1];
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return Math.max(jittered, minDelayMs);
}

/** Delay tiers (ms, ascending) → the tier to wait on: the longest not longer than the delay (the shortest for smaller delays). */
export function delayTierFor(tiersMs: readonly number[], delayMs: number): number {
  let chosen = 0;
  for (let i = 0; i < tiersMs.length; i++) if (tiersMs[i] <= delayMs) chosen = i;
  return chosen;
}
