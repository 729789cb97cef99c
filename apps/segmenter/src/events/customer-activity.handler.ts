import { Injectable } from '@nestjs/common';
import { ConsumerGroups, parseJsonObject, ProfileLimitError, Topics, type CustomerEvent, type CustomerProfileState, type CustomerProfileUpdate, type EnrichedEvent } from '@cuewire/contracts';
import { PoisonRecordError, recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { segmentsOf } from '@cuewire/campaigns';
import { ProfileStateGuard } from '../profiles/profile-state.guard.js';
import { ProfileRepository } from '../profiles/profile.repository.js';
import { SegmentCatalog } from '../segments/segment.catalog.js';
import { SegmentMembershipRepository } from '../segments/segment-membership.repository.js';

/**
 * Keeps profiles and segment membership current, and enriches every event with the
 * customer's profile snapshot and segments. Every profile change also writes the whole merged
 * profile to the compacted profile-state topic, in the same output batch, so Kafka holds at
 * least what Redis holds once the offset is committed (the copy `cuewire rebuild profiles` reads).
 * Both topics are keyed by customer, so one customer's records are handled in order.
 */
@Injectable()
@KafkaConsumer({ group: ConsumerGroups.segmenter, topics: [Topics.customerEvents, Topics.customerProfiles] })
export class CustomerActivityHandler implements KafkaRecordHandler<CustomerEvent | CustomerProfileUpdate> {
  constructor(
    private readonly profiles: ProfileRepository,
    private readonly segments: SegmentCatalog,
    private readonly membership: SegmentMembershipRepository,
    private readonly guard: ProfileStateGuard,
  ) {}

  async handle(record: ConsumedRecord<CustomerEvent | CustomerProfileUpdate>): Promise<OutgoingRecord[]> {
    if (record.value === null) return [];
    if (record.topic === Topics.customerProfiles.name) return [await this.mergeProfile(record.value as CustomerProfileUpdate)];
    return [await this.enrich(record.value as CustomerEvent)];
  }

  private async mergeProfile(update: CustomerProfileUpdate): Promise<OutgoingRecord<CustomerProfileState>> {
    let attributes;
    try {
      attributes = parseJsonObject(update.attributes, 'attributes');
    } catch (error) {
      throw new PoisonRecordError(`profile update for ${update.customerId}: ${(error as Error).message}`);
    }
    await this.guard.check();
    const profile = await this.profiles.merge(update.customerId, attributes).catch((error: unknown) => {
      // Ingest refuses such a PATCH (413); this catches direct producers and races. Nothing is applied.
      if (error instanceof ProfileLimitError) throw new PoisonRecordError(`profile update for ${update.customerId} not applied: ${error.message}`);
      throw error;
    });
    const segments = [...this.segments.all()];
    const segmentIds = segmentsOf(segments, profile);
    await this.membership.set(update.customerId, segmentIds, new Set(segments.map((s) => s.id)));
    // Again after the write: a Redis emptied meanwhile must not put a partial profile on the topic.
    await this.guard.check();
    const state: CustomerProfileState = { customerId: update.customerId, profile: JSON.stringify(profile), segments: segmentIds, updatedAt: update.updatedAt };
    return recordOutput(Topics.customerProfileState, update.customerId, state);
  }

  private async enrich(event: CustomerEvent): Promise<OutgoingRecord<EnrichedEvent>> {
    try {
      parseJsonObject(event.properties, 'properties');
    } catch (error) {
      throw new PoisonRecordError(`event ${event.eventId}: ${(error as Error).message}`);
    }
    const [, profile, segments] = await Promise.all([this.guard.check(), this.profiles.snapshot(event.customerId), this.membership.of(event.customerId)]);
    const enriched: EnrichedEvent = { event, profile, segments, enrichedAt: Date.now() };
    return recordOutput(Topics.enrichedEvents, event.customerId, enriched);
  }
}
