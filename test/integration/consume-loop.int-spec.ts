import { Topics, type CustomerEvent, type DeadLetter } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ensureTopics, PoisonRecordError, recordOutput, TransientError, TypedProducer, type ConsumedRecord } from '@cuewire/kafka';
import { KafkaProbe, testKafkaSettings, waitFor } from '@cuewire/testing';
import { quietLogger, scratchTopic, purchaseEvent } from './kafka-env.js';

const settings = testKafkaSettings('cuewire-it');
const serde = new AvroSerde(settings.schemaRegistryUrl);

const event = (customerId: string, n: number): CustomerEvent => purchaseEvent(customerId, n, JSON.stringify({ n }));

describe('consume loop', () => {
  let producer: TypedProducer;
  let probe: KafkaProbe;

  beforeAll(() => {
    producer = new TypedProducer(settings, serde);
    probe = new KafkaProbe([...settings.brokers]);
  });
  afterAll(async () => {
    await producer.close();
    await probe.close();
  });

  async function runLoop(group: string, input: typeof Topics.customerEvents, handler: (r: ConsumedRecord<CustomerEvent>) => Promise<ReturnType<typeof recordOutput>[] | void>) {
    const loop = new ConsumeLoop({ groupId: group, topics: [input], handler, settings, serde, producer, logger: quietLogger });
    await loop.start();
    return loop;
  }

  it('hands records to the handler in order per customer, writes its outputs, and commits them', async () => {
    const input = scratchTopic(Topics.customerEvents, 'in');
    const output = scratchTopic(Topics.customerEvents, 'out');
    await ensureTopics(settings, [input, output, Topics.deadLetters]);
    const sent = Array.from({ length: 60 }, (_, i) => event(`c${i % 3}`, i));
    await producer.send(sent.map((e) => recordOutput(input, e.customerId, e)));

    const seen: CustomerEvent[] = [];
    const loop = await runLoop(`it-${input.name}`, input, async (r) => {
      seen.push(r.value!);
      return [recordOutput(output, r.key, { ...r.value!, type: 'copied' })];
    });
    await waitFor('all records handled', () => seen.length >= 60);
    await loop.stop();

    for (const customer of ['c0', 'c1', 'c2']) {
      const order = seen.filter((e) => e.customerId === customer).map((e) => e.occurredAt);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const copies = await probe.readUntil(output.name, (rs) => rs.length >= 60);
    expect(copies).toHaveLength(60);

    // Restarting the group replays nothing: every offset was committed after its output was acked.
    const replayed: CustomerEvent[] = [];
    const again = await runLoop(`it-${input.name}`, input, async (r) => void replayed.push(r.value!));
    await producer.send([recordOutput(input, 'c9', event('c9', 999))]);
    await waitFor('the new record', () => replayed.length >= 1);
    await again.stop();
    expect(replayed.map((e) => e.eventId)).toEqual(['c9-999']);
  });

  it('starts a record whose ordering key is null at once, while an earlier record of its key is still running', async () => {
    const input = scratchTopic(Topics.customerEvents, 'free');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    // Both of one customer; the second is marked free of ordering (as a batch item is in the dispatcher).
    await producer.send([recordOutput(input, 'c1', event('c1', 1)), recordOutput(input, 'c1', event('c1', 2), { 'x-unordered': '1' })]);
    const secondStarted = Promise.withResolvers<void>();
    const done: number[] = [];
    const loop = new ConsumeLoop<CustomerEvent>({
      groupId: `it-${input.name}`,
      topics: [input],
      settings,
      serde,
      producer,
      logger: quietLogger,
      orderingKey: ({ key, headers }) => (headers?.get('x-unordered') ? null : (key ?? undefined)),
      handler: async (r) => {
        const n = JSON.parse(r.value!.properties).n as number;
        // The first waits for the second: ordered by key, this would never end.
        if (n === 1) await secondStarted.promise;
        else secondStarted.resolve();
        done.push(n);
      },
    });
    await loop.start();
    await waitFor('both records handled', () => done.length >= 2, 15_000);
    await loop.stop();
    expect(done).toEqual([2, 1]);
  });

  it('sends an undecodable record to the dead-letter topic with the reason and keeps consuming', async () => {
    const input = scratchTopic(Topics.customerEvents, 'poison');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const key = `poison-${input.name}`;
    await probe.produceRaw(input.name, key, Buffer.from('{"not":"avro"}'));
    await producer.send([recordOutput(input, 'after', event('after', 1))]);

    const seen: string[] = [];
    const loop = await runLoop(`it-${input.name}`, input, async (r) => void seen.push(r.value!.eventId));
    await waitFor('the valid record after the poison one', () => seen.includes('after-1'));
    await loop.stop();

    const letters = await probe.readUntil(Topics.deadLetters.name, (rs) => rs.some((r) => r.key === key));
    const letter = await serde.decode<DeadLetter>(letters.find((r) => r.key === key)!.value);
    expect(letter).toMatchObject({ sourceTopic: input.name, stage: 'decode', consumerGroup: `it-${input.name}` });
    expect(letter.reason).toMatch(/wire format/);
    expect(letter.value!.toString()).toBe('{"not":"avro"}');
  });

  it('dead-letters a record the handler declares poison, and retries transient failures without skipping', async () => {
    const input = scratchTopic(Topics.customerEvents, 'retry');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    // Keys unique to this run: the dead-letter topic is shared with earlier runs.
    const key = `r-${input.name}`;
    await producer.send([event(key, 1), event(key, 2), event(key, 3)].map((e) => recordOutput(input, e.customerId, e)));

    let transientFailures = 0;
    const handled: string[] = [];
    const loop = await runLoop(`it-${input.name}`, input, async (r) => {
      if (r.value!.eventId === `${key}-2`) throw new PoisonRecordError(`${key}-2 is invalid`);
      if (r.value!.eventId === `${key}-3` && transientFailures++ < 2) throw new TransientError('redis is down');
      handled.push(r.value!.eventId);
    });
    await waitFor('the third record after the transient failures', () => handled.includes(`${key}-3`), 30_000);
    await loop.stop();
    expect(transientFailures).toBe(3);
    expect(handled.filter((id) => id === `${key}-2`)).toEqual([]);
    expect(handled).toContain(`${key}-1`);

    const letters = await probe.readUntil(Topics.deadLetters.name, (rs) => rs.some((r) => r.key === key && r.value.length > 0));
    const reasons = await Promise.all(letters.filter((r) => r.key === key).map(async (r) => (await serde.decode<DeadLetter>(r.value)).reason));
    expect(reasons).toContain(`${key}-2 is invalid`);
  });
});
