import { setTimeout as sleep } from 'node:timers/promises';
import { Topics } from '@cuewire/contracts';
import { ensureTopics } from '@cuewire/kafka';
import { RedisKeys } from '@cuewire/redis';
import { isolatedRedis, isolatedRun, LateForwarder, testBrokers, testKafkaSettings } from '@cuewire/testing';
import { ProfileStateGuard } from '../../apps/segmenter/src/profiles/profile-state.guard.js';

/**
 * A process started while Kafka is unreachable (a replica started during a broker outage) waits
 * for it instead of failing its start. The broker is reached through a forwarder that refuses
 * connections until the test opens it.
 */
describe('the segmenter\'s profile-state check at start-up', () => {
  let forwarder: LateForwarder;
  beforeEach(async () => (forwarder = await LateForwarder.toTestBroker()));
  afterEach(() => forwarder.close());

  it('the profile-state check waits for the broker, then finds the topic empty and marks the profiles complete', async () => {
    const run = isolatedRun('startup-guard');
    const settings = { ...testKafkaSettings('startup-guard', run.env.KAFKA_TOPIC_PREFIX), brokers: [forwarder.address] };
    // The topic exists (KafkaModule created it before the guard runs); only the broker is away.
    await ensureTopics({ ...settings, brokers: testBrokers() }, [Topics.customerProfileState]);
    const { redis, dispose } = isolatedRedis('startup-guard');
    try {
      await redis.onModuleInit();
      const guard = new ProfileStateGuard(redis, settings, true);
      let settled = false;
      const started = guard.onModuleInit().finally(() => (settled = true));
      // One attempt against a refused broker fails after about 3 s (the client's own retries):
      // without the retry the start would have failed by now.
      await sleep(5_000);
      expect(settled).toBe(false);
      expect(await redis.client.exists(RedisKeys.profileStateMarker())).toBe(0);
      await forwarder.open();
      await started;
      expect(await redis.client.exists(RedisKeys.profileStateMarker())).toBe(1);
    } finally {
      await dispose();
    }
  }, 90_000);
});
