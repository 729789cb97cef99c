import type { ConfigRecord } from '@cuewire/contracts';

/**
 * A config object's entity tag: its revision and the time of that write. The time tells a
 * re-created object (whose revisions start again at 1) from the one deleted before it.
 */
export function configEtag(revision: number, updatedAt: number): string {
  return `"${revision}-${updatedAt.toString(36)}"`;
}

export function etagOfRecord(record: ConfigRecord): string {
  return configEtag(record.revision, record.updatedAt);
}

/** Whether an If-Match header (`*`, one tag or a list; W/ accepted) matches the object as it is now. */
export function ifMatchHolds(header: string, current: ConfigRecord | undefined): boolean {
  if (!current) return false;
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etagOfRecord(current));
}
