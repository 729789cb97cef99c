import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ensureTopics, recordOutput, type ConsumedRecord } from '@cuewire/kafka';
import { testKafkaSettings, waitFor } from '@cuewire/testing';
import { loopHarness, purchaseEvent, quietLogger, scratchTopic } from './kafka-env.js';

// Issue #13's 100,000-event cluster run lost thousands of webhooks across rebalances. The Kafka
// client rewinds a kept partition to the committed offset when the group is rejoined, but a fetch
// sent before the rejoin and answered after that rewind is still applied: its records are handed
// out under the new generation and the fetch position jumps past them. Records fetched before the
// rejoin and not yet started (queued behind their customer) were dropped as the old assignment's,
// so a loop that trusted the stream committed past them. This holds the loop to starting each
// partition at the offset the group resumes from.
const settings = { ...testKafkaSettings('cuewire-it'), partitions: 2 };
const serde = new AvroSerde(settings.schemaRegistryUrl);

describe('consume loop: a fetch answered after a rejoin', () => {
  const harness = loopHarness(settings, serde);
  const { loops } = harness;

  /**
   * Member a holds records of every customer in its handlers (a gate), with the rest queued
   * behind them and its next fetch waiting at the broker; b joins; right after a's rejoin new
   * records answer that stale fetch. `committed` records go through first, so the group has
   * committed offsets (the client then rewinds to them, and the stale answer moves it on again);
   * without them the client keeps its fetch position across the rejoin.
   */
  async function rejoinWithStaleFetch(label: string, committed: number) {
    const input = scratchTopic(Topics.customerEvents, label);
    await ensureTopics(settings, [input, Topics.deadLetters]);
    const group = `it-${input.name}`;
    const wave = (from: number, n: number) => Array.from({ length: n }, (_, i) => purchaseEvent(`s${i % 10}`, from + i));
    const early = wave(0, committed);
    const first = wave(committed, 100);
    const second = wave(committed + 100, 100);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const done = new Set<string>();
    const started = new Set<string>();
    const held = new Set(first.map((e) => e.eventId));
    const handler = async (r: ConsumedRecord<CustomerEvent>) => {
      started.add(r.value!.eventId);
      if (held.has(r.value!.eventId)) await gate;
      done.add(r.value!.eventId);
    };
    const member = async () => {
      // A long fetch wait keeps a fetch open at the broker across the rejoin (the stale one).
      const loop = new ConsumeLoop<CustomerEvent>({ groupId: group, topics: [input], handler, settings, serde, producer: harness.producer, logger: quietLogger, maxWaitTime: 8_000 });
      await loop.start();
      loops.push(loop);
      return loop;
    };

    const a = await member();
    if (early.length > 0) {
      await harness.producer.send(early.map((e) => recordOutput(input, e.customerId, e)));
      await waitFor('the first records handled', () => early.every((e) => done.has(e.eventId)), 30_000);
      await sleep(1_000); // and committed
    }
    await harness.producer.send(first.map((e) => recordOutput(input, e.customerId, e)));
    await waitFor('each customer’s next record in a handler', () => first.slice(0, 10).every((e) => started.has(e.eventId)), 30_000);
    await sleep(500); // a's next fetch, at the end of what it has, is now waiting at the broker

    const consumerOf = (loop: ConsumeLoop<CustomerEvent>) => (loop as unknown as { consumer: EventEmitter }).consumer;
    const rejoined = new Promise<void>((resolve) => consumerOf(a).once('consumer:group:join', () => resolve()));
    const b = member();
    await rejoined;
    await sleep(300); // a has reread its kept partition's offsets
    await harness.producer.send(second.map((e) => recordOutput(input, e.customerId, e)));
    await b;
    await sleep(1_000);
    open();

    const all = [...early, ...first, ...second].map((e) => e.eventId);
    await waitFor('every record handled', () => all.every((id) => done.has(id)), 45_000).catch(() => undefined);
    expect(all.filter((id) => !done.has(id))).toEqual([]);

    // Both members gone, a newcomer finds nothing left: every record was committed.
    await harness.stopLoops();
    done.clear();
    await member();
    await sleep(3_000);
    expect([...done]).toEqual([]);
  }

  it('skips none of the records queued when the group rejoined with nothing committed yet', () => rejoinWithStaleFetch('stale-fetch-new', 0), 120_000);

  it('skips none of the records queued when the group rejoined, though a stale fetch moved the position past the committed offset', () => rejoinWithStaleFetch('stale-fetch', 40), 120_000);
});
