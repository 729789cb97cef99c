import { Consumer, MessagesStreamModes, stringDeserializer, type MessagesStream } from '@platformatic/kafka';
import type { TopicContract } from '@cuewire/contracts';
import { physicalTopic, type KafkaSettings } from './kafka-settings.js';

export type GroupConsumer = Consumer<string, Buffer, string, string>;
export type GroupStream = MessagesStream<string, Buffer, string, string>;

/**
 * The consumer settings every at-least-once reader shares, in one place: manual commits only
 * (the library's default commits on fetch, before processing), resume from the group's
 * committed offsets (its default ignores them) falling back to the earliest record, and a
 * 10 MiB fetch (the 50 MiB default makes the first record of a large backlog wait seconds).
 */
export async function consumeAsGroup(
  settings: KafkaSettings,
  groupId: string,
  topics: readonly TopicContract<unknown>[],
  options: { maxWaitTime?: number; startFrom?: 'earliest' | 'latest' } = {},
): Promise<{ consumer: GroupConsumer; stream: GroupStream }> {
  const consumer: GroupConsumer = new Consumer({
    clientId: `${settings.clientId}-${groupId}`,
    groupId,
    bootstrapBrokers: [...settings.brokers],
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
    autocommit: false,
    sessionTimeout: 20_000,
    heartbeatInterval: 1_000,
    maxWaitTime: options.maxWaitTime ?? 200,
    maxBytes: 10 * 1_048_576,
  });
  try {
    const stream = await consumer.consume({
      topics: topics.map((t) => physicalTopic(settings, t)),
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: options.startFrom ?? 'earliest',
    });
    return { consumer, stream };
  } catch (error) {
    await consumer.close(true).catch(() => undefined);
    throw error;
  }
}
