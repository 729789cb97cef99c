import { SetMetadata } from '@nestjs/common';
import type { TopicContract } from '@cuewire/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@cuewire/kafka';

export const KAFKA_CONSUMER = Symbol('KAFKA_CONSUMER');

export interface KafkaConsumerOptions {
  /** Consumer group, without the install prefix. Replicas of a service share it. */
  readonly group: string;
  readonly topics: readonly TopicContract<unknown>[];
  /** Records fetched and not yet complete before fetching pauses (ConsumeLoop's maxInFlight). */
  readonly maxInFlight?: number;
  readonly startFrom?: 'earliest' | 'latest';
}

/** A provider that handles records of some topics; KafkaModule runs a consume loop for it. */
export interface KafkaRecordHandler<T = unknown> {
  handle(record: ConsumedRecord<T>): Promise<readonly OutgoingRecord[] | void>;
}

/** The group's name on the cluster: the install's prefix, then the service's group. */
export const consumerGroupId = (groupPrefix: string, group: string): string => `${groupPrefix}.${group}`;

/** Marks a provider as the handler of a consumer group. */
export const KafkaConsumer = (options: KafkaConsumerOptions): ClassDecorator => SetMetadata(KAFKA_CONSUMER, options);
