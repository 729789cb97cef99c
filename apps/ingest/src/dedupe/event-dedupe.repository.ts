import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { IngestEnv } from '../ingest.env.js';

/** A client-supplied event id, scoped by customer (ids from two tenants' systems may collide). */
export interface ClientEventRef {
  readonly customerId: string;
  readonly eventId: string;
}

/**
 * Remembers client event ids for INGEST_DEDUPE_WINDOW_SECONDS. Ingest asks `seen` before
 * producing and calls `mark` only after Kafka acknowledged the event: marking first would
 * lose the event if the produce then failed. A crash between ack and mark lets one duplicate
 * through, which at-least-once delivery allows (downstream ids are deterministic).
 * A request's ids are checked with one MGET (`getMany`: a GET per key on a Cluster, where the
 * keys live in different slots); marks are one SET per key (MSET cannot expire), pipelined.
 */
@Injectable()
export class EventDedupeRepository {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: IngestEnv,
  ) {}

  async seen(refs: readonly ClientEventRef[]): Promise<boolean[]> {
    if (refs.length === 0) return [];
    const marks = await this.redis.getMany(refs.map((r) => RedisKeys.ingestedEventMark(r.customerId, r.eventId)));
    return marks.map((mark) => mark !== null);
  }

  async mark(refs: readonly ClientEventRef[]): Promise<void> {
    if (refs.length === 0) return;
    const ttl = this.config.INGEST_DEDUPE_WINDOW_SECONDS;
    await Promise.all(refs.map((r) => this.redis.client.set(RedisKeys.ingestedEventMark(r.customerId, r.eventId), '1', 'EX', ttl, 'NX')));
  }
}
