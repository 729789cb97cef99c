import { Injectable } from '@nestjs/common';
import { parseJsonObject, Topics, type CustomerEvent, type CustomerProfileUpdate, type EnrichedEvent } from '@cuewire/contracts';
import { PoisonRecordError, recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { ProfileRepository } from '../profiles/profile.repository.js';

/**
 * Keeps profiles current and enriches every event with the customer's profile snapshot.
 * Both topics are keyed by customer, so one customer's records are handled in order.
 */
@Injectable()
@KafkaConsumer({ group: 'segmenter', topics: [Topics.customerEvents, Topics.customerProfiles] })
export class CustomerActivityHandler implements KafkaRecordHandler<CustomerEvent | CustomerProfileUpdate> {
  constructor(private readonly profiles: ProfileRepository) {}

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
    await this.profiles.merge(update.customerId, attributes);
  }

  private async enrich(event: CustomerEvent): Promise<OutgoingRecord<EnrichedEvent>> {
    try {
      parseJsonObject(event.properties, 'properties');
    } catch (error) {
      throw new PoisonRecordError(`event ${event.eventId}: ${(error as Error).message}`);
    }
    const enriched: EnrichedEvent = { event, profile: await this.profiles.snapshot(event.customerId), segments: [], enrichedAt: Date.now() };
    return recordOutput(Topics.enrichedEvents, event.customerId, enriched);
  }
}
