/** How far one partition's committed offset is behind its end (records written and not yet committed). */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/**
 * Lag of each assigned partition: its high watermark less the group's committed offset. A
 * partition the group has never committed has no lag to report (where it starts depends on
 * the loop's `startFrom`), so it is left out rather than guessed.
 */
export function partitionLags(
  assignments: readonly { readonly topic: string; readonly partitions: readonly number[] }[],
  highWatermarks: ReadonlyMap<string, readonly bigint[]>,
  committed: ReadonlyMap<string, readonly bigint[]>,
): PartitionLag[] {
  return assignments.flatMap(({ topic, partitions }) =>
    partitions.flatMap((partition) => {
      const end = highWatermarks.get(topic)?.[partition];
      const done = committed.get(topic)?.[partition];
      if (end === undefined || done === undefined || done < 0n) return [];
      return [{ topic, partition, lag: Math.max(0, Number(end - done)) }];
    }),
  );
}
