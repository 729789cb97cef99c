import { setTimeout as sleep } from 'node:timers/promises';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ConsumerProgress, ensureTopics, recordOutput } from '@cuewire/kafka';
import { testKafkaSettings, waitFor } from '@cuewire/testing';
import { loopHarness, purchaseEvent, quietLogger, scratchTopic } from './kafka-env.js';

// A consume loop commits a record only once what its handler wrote elsewhere is durable: with a
// Redis Cluster, on a replica (RedisConnection.replicated, held by redis-cluster.int-spec). Here
// the barrier itself: while it says "not yet", nothing is committed, and a newcomer of the group
// handles every record again; when it reports that acknowledged writes may have been lost (a
// master failed over before its replica had them), the loop handles again what it has not
// committed, before committing it.
const settings = { ...testKafkaSettings('cuewire-it'), partitions: 2 };
const serde = new AvroSerde(settings.schemaRegistryUrl);

describe('consume loop: commits wait for the handlers’ state to be durable (beforeCommit)', () => {
  const harness = loopHarness(settings, serde);

  async function handledBy(group: string, input: typeof Topics.customerEvents, replicated: () => Promise<void>, expected: number) {
    const seen: string[] = [];
    const durableState = { replicated, losses: 0 };
    const loop = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler: async (r) => void seen.push(r.value!.eventId), settings, serde, producer: harness.producer, logger: quietLogger, durableState, commitIntervalMs: 50 });
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

  it('handles again what it has not committed when the store reports a possible loss, then commits it', async () => {
    const input = scratchTopic(Topics.customerEvents, 'commit-loss');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const sent = Array.from({ length: 40 }, (_, i) => purchaseEvent(`l${i % 4}`, i));
    await harness.producer.send(sent.map((e) => recordOutput(input, e.customerId, e)));
    const group = `it-${input.name}`;
    // Not yet replicated while the records are handled; then a master "fails over" (losses
    // moves) and replication is confirmed again, on the new masters.
    const durableState = { confirmed: false, losses: 0, async replicated() {
      if (!this.confirmed) throw new Error('replica has not acknowledged');
    } };
    const seen: string[] = [];
    const loop = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler: async (r) => void seen.push(r.value!.eventId), settings, serde, producer: harness.producer, logger: quietLogger, durableState, commitIntervalMs: 50 });
    harness.loops.push(loop);
    await loop.start();
    await waitFor('every record handled once', () => seen.length >= sent.length, 30_000);
    durableState.losses = 1;
    durableState.confirmed = true;
    await waitFor('every record handled again', () => seen.length >= 2 * sent.length, 30_000);
    await sleep(500); // commits offered several times
    await harness.stopLoops();
    const times = new Map<string, number>();
    for (const id of seen) times.set(id, (times.get(id) ?? 0) + 1);
    expect([...times.keys()].sort()).toEqual(sent.map((e) => e.eventId).sort());
    expect([...times.values()].every((n) => n === 2)).toBe(true);
    // Committed once handled again: a newcomer has nothing left.
    expect(await handledBy(group, input, async () => undefined, 1)).toEqual([]);
  }, 90_000);

  it('never commits, after a rejoin, the offsets it was about to commit before it: the partition may be another member\'s', async () => {
    const input = scratchTopic(Topics.customerEvents, 'commit-rejoin');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const sent = Array.from({ length: 40 }, (_, i) => purchaseEvent(`r${i % 8}`, i));
    await harness.producer.send(sent.map((e) => recordOutput(input, e.customerId, e)));
    const group = `it-${input.name}`;
    // The first member's commit waits on its barrier (a Redis failover's WAIT, say) while a
    // second member joins and takes a partition; the second never commits (its barrier says
    // "not yet"), so any offset committed on its partition is the first member's stale one.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    const first = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler: async (r) => void seen.push(r.value!.eventId), settings, serde, producer: harness.producer, logger: quietLogger, durableState: { replicated: () => held, losses: 0 }, commitIntervalMs: 50 });
    harness.loops.push(first);
    await first.start();
    await waitFor('every record handled by the first member', () => seen.length >= sent.length, 30_000);
    await sleep(300); // its commit is waiting on the barrier
    const second = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler: async () => undefined, settings, serde, producer: harness.producer, logger: quietLogger, durableState: { replicated: async () => Promise.reject(new Error('not yet')), losses: 0 }, commitIntervalMs: 50 });
    harness.loops.push(second);
    await second.start();
    const assigned = (loop: ConsumeLoop<CustomerEvent>) => ((loop as unknown as { consumer?: { assignments?: { partitions: number[] }[] } }).consumer?.assignments ?? []).flatMap((a) => a.partitions);
    await waitFor('the second member owns a partition', () => assigned(second).length === 1 && assigned(first).length === 1, 30_000);
    const theirs = assigned(second)[0];
    release();
    await sleep(1_000); // the first member's held commit, and its next ones
    const progress = new ConsumerProgress(settings);
    try {
      const committed = await progress.committed(group, input.name, [0, 1]);
      expect(committed.get(theirs)).toBe(0n);
      // The first member still commits its own partition (handled again from the start in its new assignment).
      await waitFor('the first member commits its own partition', async () => ((await progress.committed(group, input.name, [1 - theirs])).get(1 - theirs) ?? 0n) > 0n, 15_000);
    } finally {
      await progress.close();
    }
  }, 90_000);
});
