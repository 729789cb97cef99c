import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ensureTopics, recordOutput, type ConsumedRecord } from '@cuewire/kafka';
import { testKafkaSettings, waitFor } from '@cuewire/testing';
import { loopHarness, purchaseEvent, quietLogger, scratchTopic } from './kafka-env.js';

// What several replicas of one service do to each other (issue #13): a member joining or leaving
// moves partitions while records of them are still in a handler. A record whose handler straddles
// the rebalance must not count as done for the old assignment (its commit would skip it for the
// new owner); it is handed out again, and nothing is lost.
const settings = { ...testKafkaSettings('cuewire-it'), partitions: 6 };
const serde = new AvroSerde(settings.schemaRegistryUrl);

/** One handler run: which member ran which record, from when to when (end 0 while running). */
interface Run {
  readonly member: string;
  readonly eventId: string;
  readonly start: number;
  end: number;
}

describe('consume loop: partitions revoked and reassigned while records are in flight', () => {
  const harness = loopHarness(settings, serde);
  const { loops } = harness;

  async function member(group: string, input: typeof Topics.customerEvents, handler: (r: ConsumedRecord<CustomerEvent>) => Promise<void>) {
    const loop = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler, settings, serde, producer: harness.producer, logger: quietLogger, maxInFlight: 200 });
    await loop.start();
    loops.push(loop);
    return loop;
  }

  it('hands a record still in its handler when a second member joins to its owner again, loses none, and leaves everything committed', async () => {
    const input = scratchTopic(Topics.customerEvents, 'rejoin');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const total = 1_200;
    const sent = Array.from({ length: total }, (_, i) => purchaseEvent(`c${i % 60}`, i));
    // A few records take long enough to be in their handler through the whole rejoin.
    const slow = (eventId: string) => Number(eventId.split('-')[1]) % 100 === 7;
    const runs: Run[] = [];
    const recording = (name: string) => async (r: ConsumedRecord<CustomerEvent>) => {
      const run: Run = { member: name, eventId: r.value!.eventId, start: Date.now(), end: 0 };
      runs.push(run);
      await sleep(slow(run.eventId) ? 6_000 : 2);
      run.end = Date.now();
    };
    await harness.producer.send(sent.map((e) => recordOutput(input, e.customerId, e)));
    const group = `it-${input.name}`;

    await member(group, input, recording('a'));
    await waitFor('a slow record in the first member’s handler', () => runs.some((r) => slow(r.eventId) && r.end === 0), 30_000);
    const joining = Date.now();
    await member(group, input, recording('b'));
    const joined = Date.now();

    const done = () => new Set(runs.filter((r) => r.end > 0).map((r) => r.eventId));
    await waitFor('every record handled to the end at least once', () => done().size >= total, 90_000);
    expect(sent.filter((e) => !done().has(e.eventId)).map((e) => e.eventId)).toEqual([]);

    // Started under the first assignment, still running when the second member was in: handed out
    // again (to whichever member owns its partition now), so the first run's end was never committed.
    const straddling = runs.filter((r) => r.member === 'a' && r.start < joining && (r.end === 0 || r.end > joined));
    expect(straddling.length).toBeGreaterThan(0);
    const runAgain = straddling.filter((s) => runs.some((r) => r !== s && r.eventId === s.eventId && r.start > s.start));
    expect(runAgain.map((r) => r.eventId)).toEqual(straddling.map((r) => r.eventId));
    expect(new Set(runs.filter((r) => r.start > joined).map((r) => r.member))).toEqual(new Set(['a', 'b']));

    // Both members gone, a newcomer of the group finds nothing left: every record was committed.
    await harness.stopLoops();
    const leftover: string[] = [];
    await member(group, input, async (r) => void leftover.push(r.value!.eventId));
    await sleep(3_000);
    expect(leftover).toEqual([]);
  }, 150_000);

  it('joins the group afresh after a failed rejoin and goes on from the committed offsets, losing nothing', async () => {
    const input = scratchTopic(Topics.customerEvents, 'rejoin-failed');
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const sent = Array.from({ length: 600 }, (_, i) => purchaseEvent(`f${i % 30}`, i));
    const handled = new Set<string>();
    await harness.producer.send(sent.slice(0, 300).map((e) => recordOutput(input, e.customerId, e)));
    const loop = await member(`it-${input.name}`, input, async (r) => {
      await sleep(5);
      handled.add(r.value!.eventId);
    });
    await waitFor('some progress', () => handled.size >= 100, 30_000);

    // What the client emits when a rejoin fails (NOT_COORDINATOR while brokers come and go): an
    // 'error' on the consumer itself, which would end the process if nobody listened.
    const consumerOf = () => (loop as unknown as { consumer: EventEmitter }).consumer;
    const before = consumerOf();
    before.emit('error', new Error('NOT_COORDINATOR: the rejoin failed (simulated)'));
    await harness.producer.send(sent.slice(300).map((e) => recordOutput(input, e.customerId, e)));

    await waitFor('every record handled', () => handled.size >= sent.length, 60_000);
    expect(sent.filter((e) => !handled.has(e.eventId))).toEqual([]);
    expect(consumerOf()).not.toBe(before);
    expect(loop.isRunning).toBe(true);
  }, 120_000);
});
