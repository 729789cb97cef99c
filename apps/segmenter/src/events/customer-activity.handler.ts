import { Injectable } from '@nestjs/common';
import { parseJsonObject, ProfileLimitError, Topics, type CustomerEvent, type CustomerProfileUpdate, type EnrichedEvent } from '@cuewire/contracts';
import { PoisonRecordError, recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { segmentsOf } from '@cuewire/campaigns';
import { ProfileRepository } from '../profiles/profile.repository.js';
import { SegmentCatalog } from '../segments/segment.catalog.js';
import { SegmentMembershipRepository } from '../segments/segment-membership.repository.js';

/**
 * Keeps profiles and segment membership current, and enriches every event with the
 * customer's profile snapshot and segments.
 * Both topics are keyed by customer, so one customer's records are handled in order.
 */
@Injectable()
@KafkaConsumer({ group: 'segmenter', topics: [Topics.customerEvents, Topics.customerProfiles] })
export class CustomerActivityHandler implements KafkaRecordHandler<CustomerEvent | CustomerProfileUpdate> {
  constructor(
    private readonly profiles: ProfileRepository,
    private readonly segments: SegmentCatalog,
    private readonly membership: SegmentMembershipRepository,
  ) {}

  async handle(record: ConsumedRecord<CustomerEvent | CustomerProfileUpdate>): Promise<OutgoingRecord[]> {
    if (record.value === null) return [];
    if (record.topic === Topics.customerProfiles.name) {
      await this.mergeProfile(record.value as CustomerProfileUpdate);
      return [];
    }
    return [await this.enrich(record.value as CustomerEvent)];
  }

  private async mergeProfile(update: CustomerProfileUpdate): Promise<void> {
    let attributes;
    try {
      attributes = parseJsonObject(update.attributes, 'attributes');
    } catch (error) {
      throw new PoisonRecordError(`profile update for ${update.customerId}: ${(error as Error).message}`);
    }
    const profile = await this.profiles.merge(update.customerId, attributes).catch((error: unknown) => {
      // Ingest refuses such a PATCH (413); this catches direct producers and races. Nothing is applied.
      if (error instanceof ProfileLimitError) throw new PoisonRecordError(`profile update for ${update.customerId} not applied: ${error.message}`);
      throw error;
    });
    const segments = [...this.segments.all()];
    await this.membership.set(update.customerId, segmentsOf(segments, profile), new Set(segments.map((s) => s.id)));
  }

  private async enrich(event: CustomerEvent): Promise<OutgoingRecord<EnrichedEvent>> {
    try {
      parseJsonObject(event.properties, 'properties');
    } catch (error) {
      throw new PoisonRecordError(`event ${event.eventId}: ${(error as Error).message}`);
    }
    const [profile, segments] = await Promise.all([this.profiles.snapshot(event.customerId), this.membership.of(event.customerId)]);
    const enriched: EnrichedEvent = { event, profile, segments, enrichedAt: Date.now() };
    return recordOutput(Topics.enrichedEvents, event.customerId, enriched);
  }
}
