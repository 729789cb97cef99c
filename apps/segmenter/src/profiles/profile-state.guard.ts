import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import DataLoader from 'dataloader';
import { Topics } from '@cuewire/contracts';
import { retryWhileUnreachable, topicOffsetRanges, TransientError, type KafkaSettings } from '@cuewire/kafka';
import { KAFKA_SETTINGS, TOPICS_READY } from '@cuewire/kafka-nest';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/** A transient failure: the consume loop backs off and retries, nothing is dead-lettered. */
export class ProfileStateLostError extends TransientError {
  override readonly name: string = 'ProfileStateLostError';
}

/**
 * Keeps the segmenter from working on a Redis that lost its profiles (restarted without
 * persistence, flushed, replaced): merging a change into an empty profile would write an
 * incomplete profile to Redis *and* to the compacted profile-state topic, the copy a rebuild
 * needs. Redis holds the marker while its profiles are complete; without it, profile changes
 * and events wait (retried by the consume loop) until `cuewire rebuild profiles` restores them.
 */
@Injectable()
export class ProfileStateGuard implements OnModuleInit {
  private readonly logger = new Logger('ProfileState');
  /**
   * Every check asked for in the same tick (the records a batch starts together) shares one
   * EXISTS. It is sent after all of them asked, so a check made after a write still sees Redis
   * as it is after that write.
   */
  private readonly checks = new DataLoader<'marker', boolean>(
    async (asks) => {
      const intact = await this.intact();
      return asks.map(() => intact);
    },
    { cache: false },
  );

  constructor(
    private readonly redis: RedisConnection,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(TOPICS_READY) _topicsReady: true,
  ) {}

  /** A fresh install (nothing on the topic) starts complete; runs before the consumers start. */
  async onModuleInit(): Promise<void> {
    if (await this.intact()) return;
    // A broker down at start is waited for (as the consume loops wait), not a failed start.
    const ranges = await retryWhileUnreachable(
      () => topicOffsetRanges(this.settings, Topics.customerProfileState),
      (err, failures) => this.logger.warn(`reading ${Topics.customerProfileState.name}'s offsets failed (${failures}); retrying: ${String(err)}`),
    );
    const kept = ranges.reduce((sum, r) => sum + (r.end - r.start), 0n);
    if (kept === 0n) {
      await this.markComplete();
      return;
    }
    this.logger.error(`${this.lostMessage()} (${kept} records on ${Topics.customerProfileState.name})`);
  }

  /** Throws (transiently) while Redis lacks the marker. */
  async check(): Promise<void> {
    if (!(await this.checks.load('marker'))) throw new ProfileStateLostError(this.lostMessage());
  }

  async intact(): Promise<boolean> {
    return (await this.redis.client.exists(RedisKeys.profileStateMarker())) === 1;
  }

  /** Pauses every segmenter on this Redis (a rebuild is about to overwrite profiles). */
  async markIncomplete(): Promise<void> {
    await this.redis.client.del(RedisKeys.profileStateMarker());
  }

  /** Redis holds every profile again: segmenters resume. */
  async markComplete(): Promise<void> {
    await this.redis.client.set(RedisKeys.profileStateMarker(), String(Date.now()));
  }

  private lostMessage(): string {
    return 'Redis has lost the customer profiles (no profile-state marker); profile changes and events wait until `cuewire rebuild profiles` restores them';
  }
}
