import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Topics, type EnrichedEvent } from '@cuewire/contracts';
import { AvroSerde } from '@cuewire/kafka';
import { authHeaders, KafkaProbe, ServiceProcess, testBrokers, testRegistryUrl, waitFor } from '@cuewire/testing';

const example = join(import.meta.dirname, '..', '..', 'examples', 'direct-producer.mjs');

/** docs/direct-kafka.md's promise: a record written straight to the topic is processed exactly like an API event. */
describe('direct Kafka producers', () => {
  const run = randomUUID().slice(0, 8);
  const env = {
    KAFKA_TOPIC_PREFIX: `e2e-direct-${run}.`,
    KAFKA_TOPIC_PARTITIONS: '3',
    KAFKA_GROUP_PREFIX: `e2e-direct-${run}`,
    REDIS_KEY_PREFIX: `e2e-direct-${run}:`,
    LOG_LEVEL: 'warn',
  };
  const services: ServiceProcess[] = [];
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });
  const probe = new KafkaProbe(testBrokers());
  const serde = new AvroSerde(testRegistryUrl());

  beforeAll(async () => {
    // One after the other: two processes registering the same new subject at once can race in
    // the registry client's compatibility check (seen as "BACKWARD != NONE"; reported to the lead).
    for (const app of ['ingest', 'segmenter']) services.push(await ServiceProcess.start(app, env));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await probe.close();
    redis.disconnect();
  });

  it('enriches a record from examples/direct-producer.mjs just like an API event for the same customer', async () => {
    const [ingest] = services;
    const customerId = `direct-${run}`;
    const patch = await fetch(`${ingest.url}/v1/customers/${customerId}`, { method: 'PATCH', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ attributes: { firstName: 'Ada', tier: 2 } }) });
    expect(patch.status).toBe(202);
    await waitFor('the profile in Redis', async () => (await redis.get(`profile:{${customerId}}`))?.includes('Ada'));

    const { stdout } = await promisify(execFile)(process.execPath, [example, '1', customerId], {
      env: { ...process.env, KAFKA_TOPIC_PREFIX: env.KAFKA_TOPIC_PREFIX, EVENT_ID_PREFIX: `direct-${run}` },
    });
    expect(JSON.parse(stdout)).toMatchObject({ topic: `${env.KAFKA_TOPIC_PREFIX}cw.customer-events.v1`, produced: 1, eventIds: [`direct-${run}-0`] });
    const api = await fetch(`${ingest.url}/v1/events`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ customerId, type: 'purchase', eventId: `api-${run}`, properties: { total: 10 } }) });
    expect(api.status).toBe(202);

    const records = await probe.readUntil(env.KAFKA_TOPIC_PREFIX + Topics.enrichedEvents.name, (rs) => rs.filter((r) => r.key === customerId).length >= 2, 60_000);
    const enriched = await Promise.all(records.filter((r) => r.key === customerId).map((r) => serde.decode<EnrichedEvent>(r.value)));
    const byId = new Map(enriched.map((e) => [e.event.eventId, e]));
    const direct = byId.get(`direct-${run}-0`)!;
    const viaApi = byId.get(`api-${run}`)!;
    expect(direct.event).toMatchObject({ customerId, type: 'purchase', source: 'kafka' });
    expect(viaApi.event).toMatchObject({ customerId, type: 'purchase', source: 'api' });
    // Same enrichment for both: the customer's profile snapshot and segments.
    expect(JSON.parse(direct.profile)).toEqual({ firstName: 'Ada', tier: 2 });
    expect(direct.profile).toBe(viaApi.profile);
    expect(direct.segments).toEqual(viaApi.segments);
  }, 90_000);
});
