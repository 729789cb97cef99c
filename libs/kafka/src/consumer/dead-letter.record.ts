import { Topics, type DeadLetter } from '@cuewire/contracts';
import { recordOutput, type OutgoingRecord } from '../records.js';

/** The raw record as fetched, before decoding. */
export interface FetchedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null | undefined;
  readonly value: Buffer | null | undefined;
}

export type DeadLetterStage = 'decode' | 'handle' | 'produce';

/**
 * The one dead-letter record every consumer writes: where the record came from, its original
 * bytes, which stage failed and why. Keyed like the source, so one customer's letters stay in order.
 */
export function deadLetterRecord(record: FetchedRecord, consumerGroup: string, stage: DeadLetterStage, reason: string, keepValue = true): OutgoingRecord<DeadLetter> {
  return recordOutput(Topics.deadLetters, record.key ?? '', {
    sourceTopic: record.topic,
    sourcePartition: record.partition,
    sourceOffset: String(record.offset),
    consumerGroup,
    key: record.key == null ? null : Buffer.from(record.key),
    value: keepValue ? (record.value ?? null) : null,
    reason: keepValue ? reason : `${reason} (original value omitted: too large to keep)`,
    stage,
    failedAt: Date.now(),
  });
}
