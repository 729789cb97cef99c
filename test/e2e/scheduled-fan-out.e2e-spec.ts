import avro from 'avsc';
import { Redis } from 'ioredis';
import { Topics, type CampaignTrigger } from '@cuewire/contracts';
import { authHeaders, isolatedRun, KafkaProbe, ServiceProcess, testBrokers } from '@cuewire/testing';

/**
 * A scheduled campaign over a 100,000-member segment yields every trigger exactly once (by
 * trigger id), even when the evaluator is killed with SIGKILL in the middle of the fan-out.
 */
describe('scheduled fan-out', () => {
  const members = 100_000;
  const page = 500;
  const { env } = isolatedRun('sched', { EVALUATOR_SCHEDULE_POLL_MS: '200', EVALUATOR_SCHEDULE_LEASE_MS: '2000', EVALUATOR_SCHEDULE_PAGE: String(page) });
  const triggerType = avro.Type.forSchema(Topics.campaignTriggers.schema as avro.Schema);
  const triggerIdOf = (value: Buffer) => (triggerType.fromBuffer(value.subarray(5)) as CampaignTrigger).triggerId;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });
  const services: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(env.REDIS_KEY_PREFIX.length)));
    redis.disconnect();
  });

  it('fans a 100,000-member segment out once, across a kill -9 mid-fan-out', async () => {
    const controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${controlPlane.url}${path}`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
      expect(res.status).toBe(201);
    };
    await post('/v1/segments', { id: 'everyone', name: 'Everyone', conditions: [] });
    // Membership as the segmenter keeps it (members sorted set); written directly to save time.
    for (let i = 0; i < members; i += 10_000) {
      const args = Array.from({ length: 10_000 }, (_, j) => [0, `m-${String(i + j).padStart(6, '0')}`]).flat();
      await redis.zadd('segment-members:{everyone}', ...(args as [number, string]));
    }
    await post('/v1/webhooks', { id: 'newsletter', name: 'Newsletter', url: 'http://127.0.0.1:9/{{customer.id}}', body: '{"id": {{json customer.id}} }' });
    await post('/v1/campaigns', {
      id: 'monday-newsletter',
      name: 'Monday newsletter',
      status: 'live',
      audience: { segmentId: 'everyone' },
      trigger: { type: 'schedule', at: new Date(Date.now() + 2_000).toISOString() },
      webhookIds: ['newsletter'],
    });

    const probe = new KafkaProbe(testBrokers());
    const topic = env.KAFKA_TOPIC_PREFIX + Topics.campaignTriggers.name;
    try {
      const first = await ServiceProcess.start('campaign-evaluator', env);
      const beforeKill = await probe.readUntil(topic, (rs) => rs.length >= members / 5, 120_000);
      await first.kill();
      expect(beforeKill.length).toBeLessThan(members);

      services.push(await ServiceProcess.start('campaign-evaluator', env));
      const ids = new Set<string>();
      let decoded = 0;
      const all = await probe.readUntil(
        topic,
        (rs) => {
          for (; decoded < rs.length; decoded++) ids.add(triggerIdOf(rs[decoded].value));
          return ids.size >= members;
        },
        180_000,
      );
      expect(ids.size).toBe(members);
      // Only the page in flight at the kill can be written twice (same trigger ids).
      expect(all.length - members).toBeLessThanOrEqual(page);
    } finally {
      await probe.close();
    }
  });
});
