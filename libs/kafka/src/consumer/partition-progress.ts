/**
 * Which offset of one partition may be committed while its records complete out of order: the
 * contiguous completed prefix. Records finish in any order (different keys run concurrently),
 * but an offset is committed only once every record before it is durable.
 *
 * A record fetched twice within one assignment (a re-fetch after an error) is refused by
 * `track`, so a duplicate can never hold the prefix open.
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
