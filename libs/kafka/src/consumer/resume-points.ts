import { ListOffsetTimestamps } from '@platformatic/kafka';
import type { GroupConsumer } from '../group-consumer.factory.js';

/** Where a partition resumes: an offset, or `any` (no commit and `startFrom: latest`: wherever the client starts). */
export type ResumePoint = bigint | 'any';

/** The key the consume loop files a partition under. */
export const laneKeyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Where the group resumes each assigned partition: its committed offset, or the earliest record
 * when nothing is committed (the loop's `startFrom: earliest`) or when retention deleted the
 * records from the committed offset on. Arrays are indexed by partition, as the client returns them.
 */
export function resumeOffsets(
  assignments: readonly { readonly topic: string; readonly partitions: readonly number[] }[],
  committed: ReadonlyMap<string, readonly bigint[]>,
  earliest: ReadonlyMap<string, readonly bigint[]>,
  startFrom: 'earliest' | 'latest',
): Map<string, ResumePoint> {
  const points = new Map<string, ResumePoint>();
  for (const { topic, partitions } of assignments) {
    for (const partition of partitions) {
      const done = committed.get(topic)?.[partition];
      const first = earliest.get(topic)?.[partition];
      const point: ResumePoint | undefined =
        done !== undefined && done >= 0n ? (first !== undefined && first > done ? first : done) : startFrom === 'earliest' ? first : 'any';
      if (point !== undefined) points.set(laneKeyOf(topic, partition), point);
    }
  }
  return points;
}

/**
 * Asks the group coordinator and the partition leaders where this member's assignment resumes.
 * The client's own idea of it is not enough: with nothing committed it keeps its fetch position
 * across a rejoin, and a fetch answered after the rejoin moves that position on.
 */
export async function readResumePoints(consumer: GroupConsumer, startFrom: 'earliest' | 'latest'): Promise<Map<string, ResumePoint>> {
  const assignments = consumer.assignments ?? [];
  if (assignments.length === 0) return new Map();
  const [committed, earliest] = await Promise.all([
    consumer.listCommittedOffsets({ topics: assignments }),
    consumer.listOffsets({ topics: assignments.map((a) => a.topic), timestamp: ListOffsetTimestamps.EARLIEST }),
  ]);
  return resumeOffsets(assignments, committed, earliest, startFrom);
}

/** The earliest offset still held by one partition (records before it were deleted by retention). */
export async function earliestOffset(consumer: GroupConsumer, topic: string, partition: number): Promise<bigint | undefined> {
  const offsets = await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST });
  return offsets.get(topic)?.[partition];
}
