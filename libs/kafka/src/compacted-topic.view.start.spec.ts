import { jest } from '@jest/globals';
import { Topics } from '@cuewire/contracts';
import { CompactedTopicView } from './compacted-topic.view.js';
import type { AvroSerde } from './avro-serde.js';

/** What the Kafka client throws when the broker the metadata names as leader is down. */
const brokerDown = () => Object.assign(new Error('Listing offsets failed.'), { code: 'PLT_KFK_MULTIPLE' });
const settings = { brokers: ['127.0.0.1:1'], clientId: 't', schemaRegistryUrl: 'http://127.0.0.1:1', partitions: 1, replicationFactor: 1, topicPrefix: '' };

describe('config view start', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  function viewWith(listOffsets: () => Promise<Map<string, bigint[]>>) {
    const logger = { warn: jest.fn(), error: jest.fn(), info: jest.fn() };
    const view = new CompactedTopicView(Topics.webhookConfig, settings, {} as AvroSerde, logger as never);
    const consumers: { close: jest.Mock }[] = [];
    jest.spyOn(view as never as { newConsumer(): unknown }, 'newConsumer').mockImplementation(() => {
      const consumer = { listOffsets, close: jest.fn(async () => undefined) };
      consumers.push(consumer);
      return consumer;
    });
    const follow = jest.spyOn(view as never as { follow(c: unknown): Promise<void> }, 'follow').mockResolvedValue(undefined);
    return { view, logger, consumers, follow };
  }

  it('retries reading where the topic ends while Kafka is unreachable, then follows it (a replica started during a broker outage)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const listOffsets = jest.fn<() => Promise<Map<string, bigint[]>>>().mockRejectedValueOnce(brokerDown()).mockRejectedValueOnce(brokerDown()).mockResolvedValue(new Map());
    const { view, logger, consumers, follow } = viewWith(listOffsets);
    const started = view.start();
    await jest.advanceTimersByTimeAsync(30_000);
    await expect(started).resolves.toBeUndefined();
    expect(listOffsets).toHaveBeenCalledTimes(3);
    expect(consumers.slice(0, 2).every((c) => c.close.mock.calls.length === 1)).toBe(true); // each failed consumer closed
    expect(follow).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    await expect(view.ready).resolves.toBeUndefined(); // an empty topic: ready at once
  });

  it('fails its start at once on an error that is not Kafka being unreachable', async () => {
    const listOffsets = jest.fn<() => Promise<Map<string, bigint[]>>>().mockRejectedValue(new TypeError('a bug, not an outage'));
    const { view } = viewWith(listOffsets);
    await expect(view.start()).rejects.toThrow('a bug, not an outage');
    expect(listOffsets).toHaveBeenCalledTimes(1);
  });
});
