/**
 * Which offset of one partition may be committed while its records complete out of order: the
 * contiguous completed prefix. Records finish in any order (different keys run concurrently),
 * but an offset is committed only once every record before it is durable.
 *
 * The consume loop hands `track` only the record that follows on from the last one (placeRecord
 * drops a record fetched twice and rewinds past a gap); `track` still refuses an offset at or
 * before the last one tracked, as a guard, so a duplicate could never hold the prefix open.
 */
export class PartitionProgress {
  private open: { offset: bigint; at: number }[] = [];
  private head = 0;
  private readonly done = new Set<bigint>();
  private lastTracked: bigint | null = null;
  private completedUpTo: bigint | null = null;
  private committed: bigint | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Records tracked and not yet completed. */
  get size(): number {
    return this.open.length - this.head;
  }

  /** When the oldest record still open was fetched (undefined when none is open). */
  get oldestOpenSince(): number | undefined {
    return this.size > 0 ? this.open[this.head].at : undefined;
  }

  /** The offset the stream must hand out next: one past the last tracked (offsets of a non-compacted topic are contiguous). */
  get next(): bigint | undefined {
    return this.lastTracked === null ? undefined : this.lastTracked + 1n;
  }

  /** Starts tracking a fetched record; false for an offset at or before one already tracked (a re-fetch). */
  track(offset: bigint, at = Date.now()): boolean {
    if (this.lastTracked !== null && offset <= this.lastTracked) return false;
    this.lastTracked = offset;
    this.open.push({ offset, at });
    return true;
  }

  complete(offset: bigint): void {
    this.done.add(offset);
    while (this.head < this.open.length && this.done.has(this.open[this.head].offset)) {
      const first = this.open[this.head++].offset;
      this.done.delete(first);
      this.completedUpTo = first + 1n;
    }
    if (this.head > 1024 && this.head * 2 > this.open.length) {
      this.open = this.open.slice(this.head);
      this.head = 0;
    }
  }

  /** The offset to commit next (completed prefix + 1) when it is ahead of the last commit; else null. */
  pendingCommit(): bigint | null {
    if (this.completedUpTo === null) return null;
    return this.committed === null || this.completedUpTo > this.committed ? this.completedUpTo : null;
  }

  /** A commit of `offset` was acknowledged by the group coordinator. */
  markCommitted(offset: bigint): void {
    if (this.committed === null || offset > this.committed) this.committed = offset;
  }
}

/**
 * Where a fetched record belongs, given its partition's lane (`laneNext`: the offset the lane
 * expects next, undefined without a lane) and where the group resumes the partition from
 * (`resumeAt`: its committed offset, `any`, or undefined until the assignment's are read).
 *
 * - `next`: the lane's next record.
 * - `start`: the first record of a lane, at the resume point.
 * - `duplicate`: one the lane already has (two fetches overlapping, as when leadership moves),
 *   or one before the resume point (already committed): dropped.
 * - `early`: fetched before this assignment's resume points were read; dropped (the loop then
 *   sets the client's fetch position to them, so it comes again).
 * - `skipped`: the records from `from` up to this one were never handed out in this lane (a
 *   fetch sent before a rejoin and answered after it moves the client past them, and with
 *   nothing committed the client keeps its position across a rejoin): the record is dropped and
 *   the partition is fetched again from `from`. A lane started at such a record would commit
 *   past the skipped ones (issue #13's lost webhooks).
 *
 * Relies on contiguous offsets: the consume loop reads only non-compacted topics written
 * without transactions, where every offset holds a record.
 */
export type Placement = { readonly kind: 'next' | 'start' | 'duplicate' | 'early' } | { readonly kind: 'skipped'; readonly from: bigint };

export function placeRecord(offset: bigint, laneNext: bigint | undefined, resumeAt: bigint | 'any' | undefined): Placement {
  if (laneNext !== undefined) {
    if (offset === laneNext) return { kind: 'next' };
    return offset < laneNext ? { kind: 'duplicate' } : { kind: 'skipped', from: laneNext };
  }
  if (resumeAt === undefined) return { kind: 'early' };
  if (resumeAt === 'any' || offset === resumeAt) return { kind: 'start' };
  return offset < resumeAt ? { kind: 'duplicate' } : { kind: 'skipped', from: resumeAt };
}
