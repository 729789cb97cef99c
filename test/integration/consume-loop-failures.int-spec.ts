import { createConnection, createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topics, type CustomerEvent, type DeadLetter } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ensureTopics, recordOutput, TransientError, TypedProducer, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { freePort, KafkaProbe, testKafkaSettings, testRegistryUrl, waitFor } from '@cuewire/testing';
import { quietLogger, scratchTopic, purchaseEvent } from './kafka-env.js';

const settings = testKafkaSettings('cuewire-it');
const serde = new AvroSerde(settings.schemaRegistryUrl);

const event = purchaseEvent;

type Handler = (r: ConsumedRecord<CustomerEvent>) => Promise<readonly OutgoingRecord[] | void>;

describe('consume loop: failures, concurrency, rebalances', () => {
  let producer: TypedProducer;
  let probe: KafkaProbe;
  const loops: ConsumeLoop<CustomerEvent>[] = [];

  beforeAll(() => {
    producer = new TypedProducer(settings, serde);
    probe = new KafkaProbe([...settings.brokers]);
  });
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => {
    await producer.close();
    await probe.close();
  });

  async function start(group: string, input: typeof Topics.customerEvents, handler: Handler, extra: Partial<ConstructorParameters<typeof ConsumeLoop<CustomerEvent>>[0]> = {}) {
    const loop = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler, settings, serde, producer, logger: quietLogger, ...extra });
    await loop.start();
    loops.push(loop);
    return loop;
  }

  async function lettersFor(key: string, count = 1): Promise<DeadLetter[]> {
    const records = await probe.readUntil(Topics.deadLetters.name, (rs) => rs.filter((r) => r.key === key).length >= count);
    return Promise.all(records.filter((r) => r.key === key).map((r) => serde.decode<DeadLetter>(r.value)));
  }

  it('runs different customers concurrently and each customer strictly in order', async () => {
    const input = scratchTopic(Topics.customerEvents, 'keyed');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const sent = Array.from({ length: 200 }, (_, i) => event(`c${i % 20}`, i));
    await producer.send(sent.map((e) => recordOutput(input, e.customerId, e)));

    const seen = new Map<string, number[]>();
    const busy = new Set<string>();
    let running = 0;
    let peak = 0;
    let overlapSameKey = false;
    await start(`it-${input.name}`, input, async (r) => {
      if (busy.has(r.key)) overlapSameKey = true;
      busy.add(r.key);
      peak = Math.max(peak, ++running);
      await sleep(5);
      seen.set(r.key, [...(seen.get(r.key) ?? []), r.value!.occurredAt]);
      running--;
      busy.delete(r.key);
    });
    await waitFor('all records', () => [...seen.values()].reduce((n, v) => n + v.length, 0) >= 200, 60_000);
    expect(overlapSameKey).toBe(false);
    expect(peak).toBeGreaterThan(3); // 20 customers over 3 partitions: far more than one per partition at once
    for (const order of seen.values()) expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('dead-letters a record whose content breaks the handler (after a few attempts) and keeps going', async () => {
    const input = scratchTopic(Topics.customerEvents, 'content');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const key = `content-${input.name}`;
    // A valid Avro long, but outside what a JavaScript Date holds.
    const impossible = { ...event(key, 1), occurredAt: 8.64e15 + 1 };
    await producer.send([recordOutput(input, key, impossible), recordOutput(input, key, event(key, 2))]);
    const handled: string[] = [];
    let attempts = 0;
    await start(`it-${input.name}`, input, async (r) => {
      if (r.value!.eventId === `${key}-1`) attempts++;
      new Date(r.value!.occurredAt).toISOString(); // RangeError for the impossible one
      handled.push(r.value!.eventId);
    });
    await waitFor('the record behind it', () => handled.includes(`${key}-2`), 30_000);
    expect(attempts).toBe(3);
    const [letter] = await lettersFor(key);
    expect(letter).toMatchObject({ stage: 'handle', sourceTopic: input.name });
    expect(letter.reason).toMatch(/failed 3 times: Invalid time value/);
  });

  it('dead-letters a record whose output is over the broker limit, with the produce stage', async () => {
    const input = scratchTopic(Topics.customerEvents, 'large');
    const output = scratchTopic(Topics.customerEvents, 'large-out');
    await ensureTopics(settings, [input, output, Topics.deadLetters]);
    const key = `large-${input.name}`;
    await producer.send([recordOutput(input, key, event(key, 1)), recordOutput(input, key, event(key, 2))]);
    const handled: string[] = [];
    await start(`it-${input.name}`, input, async (r) => {
      handled.push(r.value!.eventId);
      const huge = r.value!.eventId.endsWith('-1') ? 'x'.repeat(1_100_000) : '{}';
      return [recordOutput(output, r.key, { ...r.value!, properties: huge })];
    });
    await waitFor('the second record', () => handled.includes(`${key}-2`), 30_000);
    const [letter] = await lettersFor(key);
    expect(letter.stage).toBe('produce');
    expect(letter.reason).toMatch(/at most 1000000 fit in a Kafka message/);
    const written = await probe.readUntil(output.name, (rs) => rs.length >= 1);
    expect(written).toHaveLength(1);
  });

  it('waits out a schema registry outage without dead-lettering anything', async () => {
    const input = scratchTopic(Topics.customerEvents, 'registry');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const key = `registry-${input.name}`;
    await producer.send([1, 2, 3].map((n) => recordOutput(input, key, event(key, n))));

    // The loop reaches the registry through a port where nothing listens yet (connection refused),
    // with an empty schema cache, like a service started during a registry outage.
    const port = await freePort();
    const target = new URL(testRegistryUrl());
    const outageSerde = new AvroSerde(`http://127.0.0.1:${port}${target.pathname}`);
    const handled: string[] = [];
    const loop = new ConsumeLoop<CustomerEvent>({
      groupId: `it-${input.name}`, topics: [input], handler: async (r) => void handled.push(r.value!.eventId), settings, serde: outageSerde, producer, logger: quietLogger, stuckAfterMs: 1_000,
    });
    await loop.start();
    loops.push(loop);
    await sleep(4_000);
    expect(handled).toEqual([]);
    expect(loop.isStuck).toBe(true);

    const proxy = await tcpProxy(port, Number(target.port), target.hostname);
    try {
      await waitFor('records after the registry is back', () => handled.length >= 3, 30_000);
      expect(handled).toEqual([`${key}-1`, `${key}-2`, `${key}-3`]);
      await waitFor('not stuck any more', () => !loop.isStuck, 5_000);
    } finally {
      await loop.stop();
      proxy.close();
    }
    // Nothing of this key was dead-lettered: a marker written after it is the first letter we find.
    const marker = `${key}-marker`;
    await probe.produceRaw(input.name, marker, Buffer.from('not avro'));
    const again = await start(`it-${input.name}`, input, async () => undefined);
    const letters = await probe.readUntil(Topics.deadLetters.name, (rs) => rs.some((r) => r.key === marker));
    expect(letters.filter((r) => r.key === key)).toEqual([]);
    await again.stop();
  });

  it('never commits a record whose infrastructure failure is still being retried at stop', async () => {
    const input = scratchTopic(Topics.customerEvents, 'stop');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const key = `stop-${input.name}`;
    await producer.send([recordOutput(input, key, event(key, 1)), recordOutput(input, key, event(key, 2))]);
    const first = await start(`it-${input.name}`, input, async (r) => {
      if (r.value!.eventId.endsWith('-2')) throw new TransientError('redis is down');
    }, { drainTimeoutMs: 1_000 });
    await sleep(2_000);
    await first.stop();

    const replayed: string[] = [];
    await start(`it-${input.name}`, input, async (r) => void replayed.push(r.value!.eventId));
    await waitFor('the failed record replayed', () => replayed.includes(`${key}-2`), 30_000);
    expect(replayed).toEqual([`${key}-2`]);
  });

  it('loses nothing when a second consumer joins the group mid-run (rebalance)', async () => {
    const input = scratchTopic(Topics.customerEvents, 'rebalance');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const total = 3_000;
    const sent = Array.from({ length: total }, (_, i) => event(`r${i % 50}`, i));
    const handled = new Set<string>();
    const handler: Handler = async (r) => {
      await sleep(1);
      handled.add(r.value!.eventId);
    };
    const group = `it-${input.name}`;
    await producer.send(sent.slice(0, total / 2).map((e) => recordOutput(input, e.customerId, e)));
    await start(group, input, handler, { maxInFlight: 100 });
    await waitFor('some progress', () => handled.size > 200, 30_000);
    await start(group, input, handler, { maxInFlight: 100 });
    await producer.send(sent.slice(total / 2).map((e) => recordOutput(input, e.customerId, e)));
    await waitFor('every record handled at least once', () => handled.size >= total, 90_000);
    expect(sent.filter((e) => !handled.has(e.eventId))).toEqual([]);
  });
});

/** A plain TCP forwarder: the registry "comes back" when it starts listening. */
function tcpProxy(listenPort: number, targetPort: number, targetHost: string): Promise<Server> {
  const server = createServer((socket) => {
    const upstream = createConnection(targetPort, targetHost);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve(server)));
}
