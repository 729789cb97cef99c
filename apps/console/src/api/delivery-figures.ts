import type { Bucket, DeliveryAttempt } from './console-api';

const SIZE = { hour: 3_600_000, day: 86_400_000 } as const;

/** The start of each bucket from `from` to `to` (UTC hours or days). */
export function bucketStarts(from: number, to: number, bucket: 'hour' | 'day'): number[] {
  const size = SIZE[bucket];
  const starts = [];
  for (let t = Math.floor(from / size) * size; t < to; t += size) starts.push(t);
  return starts;
}

/**
 * Campaign figures counted from delivery attempts, for an install whose API has no figures
 * route (the history service): sent = first attempts, delivered and failed (dead) = final
 * outcomes. Triggers, opens and clicks are not in the delivery log, so they stay absent.
 */
export function figuresFromAttempts(attempts: readonly Pick<DeliveryAttempt, 'at' | 'attempt' | 'outcome'>[], from: number, to: number, bucket: 'hour' | 'day'): Bucket[] {
  const size = SIZE[bucket];
  const buckets = new Map(bucketStarts(from, to, bucket).map((t) => [t, { at: new Date(t).toISOString(), sent: 0, delivered: 0, failed: 0 }]));
  for (const a of attempts) {
    const b = buckets.get(Math.floor(a.at / size) * size);
    if (!b) continue;
    if (a.attempt === 1) b.sent++;
    if (a.outcome === 'DELIVERED') b.delivered++;
    if (a.outcome === 'DEAD') b.failed++;
  }
  return [...buckets.values()];
}

export type Totals = Required<Omit<Bucket, 'at'>>;

/** The buckets added up, measure by measure (a measure a bucket lacks counts 0). */
export function totalsOf(buckets: readonly Bucket[]): Totals {
  const totals: Totals = { triggered: 0, sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 };
  for (const b of buckets) for (const key of Object.keys(totals) as (keyof Totals)[]) totals[key] += b[key] ?? 0;
  return totals;
}
