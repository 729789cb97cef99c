import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';

/**
 * Redis marks of the feedback loop. One command per key (no MGET, no pipeline across keys)
 * so the layout stays legal on Redis Cluster, where each key may live on another slot.
 */
@Injectable()
export class EngagementMarksRepository {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {}

  /** The event ids among `eventIds` that were already published and marked. */
  async alreadySeen(eventIds: readonly string[]): Promise<Set<string>> {
    const found = await Promise.all(eventIds.map((id) => this.redis.client.exists(RedisKeys.feedbackSeen(id))));
    return new Set(eventIds.filter((_, i) => found[i] === 1));
  }

  /** Called only after Kafka acknowledged these events (SET NX EX: the first mark wins). */
  async markSeen(eventIds: readonly string[]): Promise<void> {
    const ttl = this.config.FEEDBACK_DEDUPE_WINDOW_SECONDS;
    await Promise.all(eventIds.map((id) => this.redis.client.set(RedisKeys.feedbackSeen(id), '1', 'EX', ttl, 'NX')));
  }

  /**
   * True if `eventId` is the delivery's first open. The claim stores the event id, so the
   * same open replayed after a failed publish is still "first" (the claim is idempotent).
   */
  async claimFirstOpen(deliveryId: string, eventId: string): Promise<boolean> {
    const key = RedisKeys.feedbackFirstOpen(deliveryId);
    const claimed = await this.redis.client.set(key, eventId, 'EX', this.config.FEEDBACK_DEDUPE_WINDOW_SECONDS, 'NX');
    return claimed === 'OK' || (await this.redis.client.get(key)) === eventId;
  }
}
