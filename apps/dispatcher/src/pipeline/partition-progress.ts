/**
 * Which offsets of one partition may be committed while its records complete out of order:
 * the contiguous completed prefix. Records finish in any order (deliveries run concurrently),
 * but an offset is committed only once every record before it is durable.
 */
export class PartitionProgress {
  private readonly open: bigint[] = [];
  private readonly done = new Set<bigint>();
  private committable: bigint | null = null;

  get size(): number {
    return this.open.length;
  }

  track(offset: bigint): void {
    this.open.push(offset);
  }

  complete(offset: bigint): void {
    this.done.add(offset);
    while (this.open.length > 0 && this.done.has(this.open[0])) {
      const first = this.open.shift()!;
      this.done.delete(first);
      this.committable = first + 1n;
    }
  }

  /** The next offset to commit (last completed prefix + 1), once per advance; null when nothing new. */
  takeCommit(): bigint | null {
    const next = this.committable;
    this.committable = null;
    return next;
  }
}
