import type { TopicContract } from '@cuewire/contracts';

/** A record to write. `value: null` writes a tombstone (deletes the key on compacted topics). */
export interface OutgoingRecord<T = unknown> {
  readonly topic: TopicContract<T>;
  readonly key: string;
  readonly value: T | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A decoded record as handlers see it. */
export interface ConsumedRecord<T> {
  /** The contract's topic name (without the install's topic prefix). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string;
  /** null for a tombstone. */
  readonly value: T | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

/** Returns what the record produces; the loop writes it and only then commits the offset. */
export type RecordHandler<T> = (record: ConsumedRecord<T>) => Promise<readonly OutgoingRecord[] | void>;

/**
 * Thrown by a handler for a record that can never succeed (invalid content). The record goes
 * to the dead-letter topic with the message as reason and the loop moves on. Any other error
 * is treated as transient: the batch is retried with backoff, nothing is skipped.
 */
export class PoisonRecordError extends Error {
  override readonly name = 'PoisonRecordError';
}

/** Thrown for a failure of a server or the network that will pass: the record is retried, never dead-lettered. */
export class TransientError extends Error {
  override readonly name: string = 'TransientError';
}


export function recordOutput<T>(topic: TopicContract<T>, key: string, value: T | null, headers?: Record<string, string>): OutgoingRecord<T> {
  return { topic, key, value, headers };
}
