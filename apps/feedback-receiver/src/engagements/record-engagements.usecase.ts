import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { recordOutput, TypedProducer } from '@cuewire/kafka';
import { dedupeKeyOf, eventIdFor } from './engagement-identity.js';
import type { Engagement } from './engagement.js';
import { EngagementMarksRepository } from './engagement-marks.repository.js';

export interface RecordedEngagements {
  /** Newly published (Kafka acknowledged). */
  readonly accepted: number;
  /** Already seen (a provider's retry or a second copy in the same batch): not published again. */
  readonly duplicates: number;
  readonly eventIds: string[];
}

interface Identified {
  readonly engagement: Engagement;
  readonly eventId: string;
  readonly dedupe: boolean;
}

/**
 * Publishes engagements as customer events (source `feedback`), each once:
 * skip what is already marked → publish the rest and await Kafka's ack → mark them.
 * Marking after the ack means a crash in between replays the publish (at-least-once) with
 * the same deterministic event id, never loses it.
 */
@Injectable()
export class RecordEngagementsUseCase {
  constructor(
    private readonly producer: TypedProducer,
    private readonly marks: EngagementMarksRepository,
  ) {}

  async execute(engagements: readonly Engagement[], now = Date.now()): Promise<RecordedEngagements> {
    const identified = this.identify(engagements);
    const eventIds = identified.map((i) => i.eventId);
    const unique = identified.filter((i, index) => !i.dedupe || eventIds.indexOf(i.eventId) === index);
    const seen = await this.marks.alreadySeen(unique.filter((i) => i.dedupe).map((i) => i.eventId));
    const fresh = unique.filter((i) => !seen.has(i.eventId));
    if (fresh.length === 0) return { accepted: 0, duplicates: engagements.length, eventIds };

    const events = await Promise.all(fresh.map((i) => this.toEvent(i, now)));
    await this.producer.send(events.map((e) => recordOutput(Topics.customerEvents, e.customerId, e)));
    await this.marks.markSeen(fresh.filter((i) => i.dedupe).map((i) => i.eventId));
    return { accepted: fresh.length, duplicates: engagements.length - fresh.length, eventIds };
  }

  private identify(engagements: readonly Engagement[]): Identified[] {
    return engagements.map((engagement) => {
      const key = dedupeKeyOf(engagement);
      return { engagement, eventId: key ? eventIdFor(key) : `eng_${randomUUID().replaceAll('-', '')}`, dedupe: key !== undefined };
    });
  }

  private async toEvent({ engagement: e, eventId }: Identified, now: number): Promise<CustomerEvent> {
    const firstOpen = e.type === 'email_open' && e.deliveryId ? await this.marks.claimFirstOpen(e.deliveryId, eventId) : undefined;
    const properties = {
      ...e.properties,
      provider: e.provider,
      deliveryId: e.deliveryId ?? null,
      campaignId: e.campaignId ?? null,
      ...(e.url ? { url: e.url } : {}),
      ...(e.providerEventId ? { providerEventId: e.providerEventId } : {}),
      ...(firstOpen !== undefined ? { first_open: firstOpen } : {}),
    };
    return {
      eventId,
      customerId: e.customerId,
      type: e.type,
      occurredAt: e.occurredAt ?? now,
      receivedAt: now,
      source: 'feedback',
      properties: JSON.stringify(properties),
    };
  }
}
