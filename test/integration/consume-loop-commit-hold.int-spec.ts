import { setTimeout as sleep } from 'node:timers/promises';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ensureTopics, recordOutput } from '@cuewire/kafka';
import { testKafkaSettings, waitFor } from '@cuewire/testing';
import { loopHarness, purchaseEvent, quietLogger, scratchTopic } from './kafka-env.js';

// A consume loop commits a record only once what its handler wrote elsewhere is durable: with a
// Redis Cluster, on a replica (RedisConnection.replicated, held by redis-cluster.int-spec). Here
// the barrier itself: while it says "not yet", nothing is committed, and a newcomer of the group
// handles every record again.
const settings = { ...testKafkaSettings('cuewire-it'), partitions: 2 };
const serde = new AvroSerde(settings.schemaRegistryUrl);

describe('consume loop: commits wait for the handlers’ state to be durable (beforeCommit)', () => {
  const harness = loopHarness(settings, serde);

  async function handledBy(group: string, input: typeof Topics.customerEvents, beforeCommit: () => Promise<void>, expected: number) {
    const seen: string[] = [];
    const loop = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler: async (r) => void seen.push(r.value!.eventId), settings, serde, producer: harness.producer, logger: quietLogger, beforeCommit, commitIntervalMs: 50 });
    harness.loops.push(loop);
    await loop.start();
    await waitFor(`${expected} records handled`, () => seen.length >= expected, 30_000).catch(() => undefined);
    await sleep(500); // commits offered several times
    await harness.stopLoops();
    return seen;
  }

  it('commits nothing while the barrier rejects, and everything once it resolves', async () => {
    const input = scratchTopic(Topics.customerEvents, 'commit-hold');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const sent = Array.from({ length: 50 }, (_, i) => purchaseEvent(`h${i % 5}`, i));
    await harness.producer.send(sent.map((e) => recordOutput(input, e.customerId, e)));
    const group = `it-${input.name}`;
    let barriers = 0;
    const notYet = async () => {
      barriers++;
      throw new Error('replica has not acknowledged');
    };

    expect(await handledBy(group, input, notYet, sent.length)).toHaveLength(sent.length);
    expect(barriers).toBeGreaterThan(1);
    // Nothing was committed: the group hands every record out again.
    expect((await handledBy(group, input, async () => undefined, sent.length)).sort()).toEqual(sent.map((e) => e.eventId).sort());
    // Now committed: a newcomer has nothing left.
    expect(await handledBy(group, input, async () => undefined, 1)).toEqual([]);
  }, 90_000);
});
