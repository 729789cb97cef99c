import { randomUUID } from 'node:crypto';
import type { CustomerEvent, TopicContract } from '@cuewire/contracts';
import { TypedProducer, type AvroSerde, type ConsumeLoop, type ConsumeLoopLogger, type KafkaSettings } from '@cuewire/kafka';

/** A fresh topic with a real contract's schema, so tests never see each other's records. */
export function scratchTopic<T>(contract: TopicContract<T>, label: string): TopicContract<T> {
  return { ...contract, name: `it.${label}.${randomUUID().slice(0, 8)}` };
}

export const quietLogger: ConsumeLoopLogger & { warnings: object[]; errors: object[] } = {
  warnings: [],
  errors: [],
  info: () => undefined,
  warn(obj) {
    this.warnings.push(obj);
  },
  error(obj) {
    this.errors.push(obj);
  },
};

/** The n-th purchase of a customer, with the given properties (JSON text). */
export function purchaseEvent(customerId: string, n: number, properties = '{}'): CustomerEvent {
  return {
    eventId: `${customerId}-${n}`,
    customerId,
    type: 'purchase',
    occurredAt: 1_795_000_000_000 + n,
    receivedAt: 1_795_000_000_000 + n,
    source: 'it',
    properties,
  };
}

/**
 * For a describe block of consume-loop tests: one producer for the block, and the loops a test
 * starts (push them to `loops`), stopped after each test.
 */
export function loopHarness(settings: KafkaSettings, serde: AvroSerde) {
  const harness = {
    producer: undefined as unknown as TypedProducer,
    loops: [] as ConsumeLoop<CustomerEvent>[],
    stopLoops: async () => void (await Promise.all(harness.loops.splice(0).map((l) => l.stop()))),
  };
  beforeAll(() => {
    harness.producer = new TypedProducer(settings, serde);
  });
  afterEach(() => harness.stopLoops());
  afterAll(() => harness.producer.close());
  return harness;
}
