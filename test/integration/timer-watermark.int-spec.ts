import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin } from '@platformatic/kafka';
import type { Campaign } from '@cuewire/campaigns';
import { ConsumerGroups, Topics, type CustomerEvent, type EnrichedEvent } from '@cuewire/contracts';
import { AvroSerde, ConsumerProgress, ensureTopics, partitionForKey, physicalTopic, recordOutput, TypedProducer } from '@cuewire/kafka';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { testKafkaSettings } from '@cuewire/testing';
import type { CampaignEvaluatorEnv } from '../../apps/campaign-evaluator/src/campaign-evaluator.env.js';
import type { CampaignCatalog } from '../../apps/campaign-evaluator/src/catalog/campaign.catalog.js';
import { CustomerContextRepository } from '../../apps/campaign-evaluator/src/customers/customer-context.repository.js';
import { CustomerHistoryRepository } from '../../apps/campaign-evaluator/src/history/customer-history.repository.js';
import { FiringGate } from '../../apps/campaign-evaluator/src/history/firing-gate.js';
import { SequenceStateRepository } from '../../apps/campaign-evaluator/src/sequences/sequence-state.repository.js';
import { SequenceEvaluator } from '../../apps/campaign-evaluator/src/sequences/sequence.evaluator.js';
import { DueTimersRepository } from '../../apps/campaign-evaluator/src/timers/due-timers.repository.js';
import { ProcessedEventsWatermark } from '../../apps/campaign-evaluator/src/timers/processed-events.watermark.js';
import { TimerPoller } from '../../apps/campaign-evaluator/src/timers/timer.poller.js';
import { TriggerEmitter } from '../../apps/campaign-evaluator/src/firing/trigger.emitter.js';
import { VariantAssignmentRepository } from '../../apps/campaign-evaluator/src/variants/variant-assignment.repository.js';

/**
 * "Cart add not followed by a purchase within T" when the pipeline is behind: the purchase sits
 * unread in the customer-events topic (segmenter behind) or in the enriched-events topic
 * (evaluator behind) while the deadline passes on the wall clock. Both consumer groups are held
 * where the test puts them (their committed offsets); the timer poller runs against the real
 * Kafka and Redis.
 */
describe('not-followed-by timers and a lagging evaluator (real Kafka and Redis)', () => {
  const run = randomUUID().slice(0, 8);
  const env = { KAFKA_GROUP_PREFIX: `it-wm-${run}`, REDIS_KEY_PREFIX: `it-wm-${run}:`, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } as BaseEnv;
  const settings = testKafkaSettings('it-watermark', `it-wm-${run}.`);
  const topic = physicalTopic(settings, Topics.enrichedEvents);
  const groupId = `${env.KAFKA_GROUP_PREFIX}.${ConsumerGroups.campaignEvaluator}`;
  const eventsTopic = physicalTopic(settings, Topics.customerEvents);
  const segmenterGroup = `${env.KAFKA_GROUP_PREFIX}.${ConsumerGroups.segmenter}`;
  const redis = new RedisConnection(env, new ReadinessRegistry());
  const serde = new AvroSerde(settings.schemaRegistryUrl);
  const producer = new TypedProducer(settings, serde);
  const admin = new Admin({ clientId: 'it-watermark-admin', bootstrapBrokers: [...settings.brokers] });
  const progress = new ConsumerProgress(settings);
  const watermark = new ProcessedEventsWatermark(settings, env);
  const config = { EVALUATOR_TIMER_POLL_MS: 200, EVALUATOR_TIMER_LEASE_MS: 30_000 } as CampaignEvaluatorEnv;

  const campaign: Campaign = {
    id: 'abandoned-cart',
    version: 1,
    name: 'Abandoned cart',
    status: 'live',
    trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: 'PT2S' },
    webhookIds: ['call-centre'],
  };
  const catalog = { get: (id: string) => (id === campaign.id ? campaign : undefined) } as unknown as CampaignCatalog;
  const states = new SequenceStateRepository(redis);
  const timers = new DueTimersRepository(redis);
  const history = new CustomerHistoryRepository(redis);
  const emitter = new TriggerEmitter(new FiringGate(history, config), new VariantAssignmentRepository(redis));
  const clock = () => Date.now();
  const sequences = new SequenceEvaluator(states, timers, emitter, clock);
  const poller = new TimerPoller(timers, states, catalog, producer, emitter, new CustomerContextRepository(redis), watermark, clock, config);

  const event = (customerId: string, type: string, occurredAt: number): CustomerEvent => ({
    eventId: `${type}-${customerId}`, customerId, type, occurredAt, receivedAt: occurredAt, source: 'api', properties: '{}',
  });
  const enriched = (e: CustomerEvent): EnrichedEvent => ({ event: e, profile: '{}', segments: [], enrichedAt: Date.now() });
  const startWait = (customerId: string, at: number) => sequences.onEvent(campaign, event(customerId, 'cart_add', at), {}, { profile: {}, segments: [] }, '{}');
  const fired = async (customerId: string) => (await history.load(customerId, { campaignId: campaign.id, triggerId: '' })).history.received.get(campaign.id)?.length ?? 0;
  const pendingTimers = async () => redis.client.zrange(RedisKeys.dueTimers(), 0, -1);
  const commit = (partition: number, offset: bigint) =>
    admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition, offset }] }] });
  const commitSegmenter = (partition: number, offset: bigint) =>
    admin.alterConsumerGroupOffsets({ groupId: segmenterGroup, topics: [{ name: eventsTopic, partitionOffsets: [{ partition, offset }] }] });
  const endOf = async (name: string, partition: number) => (await progress.endOffsets(name, [partition])).get(partition)!;
  /** A customer id of this run whose records land on `partition` (or on any other, with `other`). */
  const customerOn = (label: string, partition: number, other = false) => {
    for (let i = 0; ; i++) {
      const id = `${label}-${run}-${i}`;
      if ((partitionForKey(id, settings.partitions) === partition) !== other) return id;
    }
  };

  beforeAll(async () => {
    await redis.onModuleInit();
    await ensureTopics(settings, [Topics.customerEvents, Topics.enrichedEvents, Topics.campaignTriggers]);
  });

  afterAll(async () => {
    const keys = await redis.client.keys(`${env.REDIS_KEY_PREFIX}*`);
    if (keys.length > 0) await redis.client.del(...keys.map((k) => k.slice(env.REDIS_KEY_PREFIX.length)));
    await Promise.all([redis.onApplicationShutdown(), producer.close(), admin.close(), progress.close(), watermark.onApplicationShutdown()]);
  });

  it('holds a due timer while the customer\'s purchase is unread, and fires the others once their events are processed', async () => {
    const lagged = `lagged-${run}`;
    const partition = partitionForKey(lagged, settings.partitions);
    const idle = customerOn('idle', partition); // same partition, never buys
    const elsewhere = customerOn('elsewhere', partition, true); // a partition with nothing unread

    const cartAt = Date.now() - 1_000;
    for (const customerId of [lagged, idle, elsewhere]) await startWait(customerId, cartAt);
    // The purchase comes within the window and is in the topic, but the evaluator has not read it.
    const purchase = event(lagged, 'purchase', Date.now());
    await producer.send([recordOutput(Topics.enrichedEvents, lagged, enriched(purchase))]);
    expect(await endOf(topic, partition)).toBe(1n); // it landed where partitionForKey said

    await sleep(cartAt + 2_000 - Date.now() + 1_500); // every deadline is past on the wall clock
    await poller.pollOnce();
    expect(await fired(lagged)).toBe(0);
    expect(await fired(idle)).toBe(0); // same partition: waits too
    expect(await fired(elsewhere)).toBe(1);
    expect((await pendingTimers()).filter((id) => id.includes(lagged) || id.includes(idle))).toHaveLength(2);

    // The evaluator catches up: it processes the purchase (cancelling that wait), then commits.
    await sequences.onEvent(campaign, purchase, {}, { profile: {}, segments: [] }, '{}');
    await commit(partition, 1n);
    await sleep(config.EVALUATOR_TIMER_POLL_MS + 100); // a held timer is due again at the next poll
    await poller.pollOnce();
    expect(await fired(idle)).toBe(1);
    expect(await fired(lagged)).toBe(0);
    expect(await fired(elsewhere)).toBe(1);
    expect(await pendingTimers()).toEqual([]);
  });

  it('fires the waits of a partition once the evaluator has read what was enriched when their deadlines passed', async () => {
    const partition = partitionForKey(`lagged-${run}`, settings.partitions);
    const [early, middle, late] = ['early', 'middle', 'late'].map((label) => customerOn(label, partition));
    const next = await endOf(topic, partition);
    await commit(partition, next); // everything so far is read…
    const before = Date.now();
    await producer.send([recordOutput(Topics.enrichedEvents, early, enriched(event(early, 'page_view', before)))]); // …but this record is not
    const appended = Date.now();
    // Deadlines (cart add + 2 s): two before the unread record was appended, one after it. An
    // enriched record appended after a deadline may carry an event from before it (when the
    // segmenter was behind), so the unread record holds all three.
    await startWait(early, before - 5_000);
    await startWait(middle, before - 3_500);
    await startWait(late, appended + 1_500);

    await sleep(appended + 3_500 + 1_000 - Date.now()); // every deadline is past on the wall clock
    await poller.pollOnce();
    expect([await fired(early), await fired(middle), await fired(late)]).toEqual([0, 0, 0]);

    await commit(partition, next + 1n);
    await sleep(config.EVALUATOR_TIMER_POLL_MS + 100);
    await poller.pollOnce();
    expect([await fired(early), await fired(middle), await fired(late)]).toEqual([1, 1, 1]);
  });

  it('holds a due timer while the segmenter has not enriched the customer\'s purchase, although the evaluator is caught up', async () => {
    const buyer = customerOn('buyer', 0);
    const idle = customerOn('quiet', 0); // same partition, never buys
    await commit(0, await endOf(topic, 0)); // the evaluator has read everything enriched so far
    const cartAt = Date.now() - 1_000;
    for (const customerId of [buyer, idle]) await startWait(customerId, cartAt);
    // The purchase is accepted within the window (in customer-events), but the segmenter is stuck
    // (a registry outage, a restart): nothing new reaches enriched-events.
    const purchase = event(buyer, 'purchase', Date.now());
    await producer.send([recordOutput(Topics.customerEvents, buyer, purchase)]);
    const unread = await endOf(eventsTopic, 0);

    await sleep(cartAt + 2_000 - Date.now() + 1_500); // both deadlines are past on the wall clock
    await poller.pollOnce();
    expect([await fired(buyer), await fired(idle)]).toEqual([0, 0]);

    // The segmenter enriches the purchase and commits; the evaluator has not read it yet.
    await producer.send([recordOutput(Topics.enrichedEvents, buyer, enriched(purchase))]);
    await commitSegmenter(0, unread);
    await sleep(config.EVALUATOR_TIMER_POLL_MS + 100);
    await poller.pollOnce();
    expect([await fired(buyer), await fired(idle)]).toEqual([0, 0]);

    // The evaluator reads the purchase (cancelling that wait) and commits.
    await sequences.onEvent(campaign, purchase, {}, { profile: {}, segments: [] }, '{}');
    await commit(0, await endOf(topic, 0));
    await sleep(config.EVALUATOR_TIMER_POLL_MS + 100);
    await poller.pollOnce();
    expect([await fired(buyer), await fired(idle)]).toEqual([0, 1]);
    expect((await pendingTimers()).filter((id) => id.includes(buyer) || id.includes(idle))).toEqual([]);
  });
});
