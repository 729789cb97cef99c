import { jest } from '@jest/globals';
import { ConsumeLoop } from './consume-loop.js';
import { UndecodableRecordError, type AvroSerde } from './avro-serde.js';
import type { TypedProducer } from './typed-producer.js';

/** What the Kafka client throws when a broker the metadata names is down (a joinGroup or listOffsets that failed its own retries). */
const brokerDown = () => Object.assign(new Error('joinGroup failed 4 times'), { code: 'PLT_KFK_MULTIPLE' });
const quiet = { warn: jest.fn(), error: jest.fn(), info: jest.fn() };

function loop(): ConsumeLoop<unknown> {
  return new ConsumeLoop({
    groupId: 'g',
    topics: [],
    handler: async () => undefined,
    settings: { brokers: ['127.0.0.1:1'], clientId: 't', schemaRegistryUrl: 'http://127.0.0.1:1', partitions: 1, replicationFactor: 1, topicPrefix: '' },
    serde: {} as AvroSerde,
    producer: {} as TypedProducer,
    logger: quiet as never,
  });
}

describe('consume loop start', () => {
  afterEach(() => jest.restoreAllMocks());

  it('keeps trying to join its group while Kafka is unreachable, then starts (a replica started during a broker outage)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const l = loop();
    const connect = jest.spyOn(l as never as { connect(): Promise<void> }, 'connect').mockRejectedValueOnce(brokerDown()).mockRejectedValueOnce(brokerDown()).mockResolvedValueOnce(undefined);
    const started = l.start();
    await jest.advanceTimersByTimeAsync(30_000);
    await expect(started).resolves.toBeUndefined();
    expect(connect).toHaveBeenCalledTimes(3);
    expect(quiet.warn).toHaveBeenCalledTimes(2);
    jest.useRealTimers();
    await l.stop();
  });

  it('fails its start at once on an error that is not Kafka being unreachable', async () => {
    const l = loop();
    const connect = jest.spyOn(l as never as { connect(): Promise<void> }, 'connect').mockRejectedValue(new UndecodableRecordError('not a connection problem'));
    await expect(l.start()).rejects.toThrow('not a connection problem');
    expect(connect).toHaveBeenCalledTimes(1);
  });
});
