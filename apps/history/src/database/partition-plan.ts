/** The tables partitioned by day, with the column each is partitioned on. */
export const PARTITIONED_TABLES = ['delivery_attempts', 'campaign_triggers', 'engagements'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

const DAY_MS = 86_400_000;

export interface DayPartition {
  readonly table: PartitionedTable;
  /** `<table>_pYYYYMMDD` (UTC day). */
  readonly name: string;
  /** Start of the UTC day, inclusive (epoch ms). */
  readonly from: number;
  /** Start of the next UTC day, exclusive. */
  readonly to: number;
}

export function startOfUtcDay(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

export function dayPartition(table: PartitionedTable, at: number): DayPartition {
  const from = startOfUtcDay(at);
  return { table, name: `${table}_p${new Date(from).toISOString().slice(0, 10).replaceAll('-', '')}`, from, to: from + DAY_MS };
}

/** The partitions that should exist now: the retention window up to `aheadDays` after today. */
export function wantedPartitions(table: PartitionedTable, now: number, retentionDays: number, aheadDays: number): DayPartition[] {
  const today = startOfUtcDay(now);
  const days: DayPartition[] = [];
  for (let day = today - (retentionDays - 1) * DAY_MS; day <= today + aheadDays * DAY_MS; day += DAY_MS) days.push(dayPartition(table, day));
  return days;
}

/** Partitions (by name) whose whole day is older than the retention window: dropped, never trimmed row by row. */
export function expiredPartitions(table: PartitionedTable, existing: readonly string[], now: number, retentionDays: number): string[] {
  const oldestKept = dayPartition(table, startOfUtcDay(now) - (retentionDays - 1) * DAY_MS).name;
  const pattern = new RegExp(`^${table}_p\\d{8}$`);
  return existing.filter((name) => pattern.test(name) && name < oldestKept).sort();
}

/** Whether a record at `at` is already past retention (its partition would be dropped): not worth writing. */
export function isExpired(at: number, now: number, retentionDays: number): boolean {
  return at < startOfUtcDay(now) - (retentionDays - 1) * DAY_MS;
}
