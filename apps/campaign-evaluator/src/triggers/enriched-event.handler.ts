import { Injectable } from '@nestjs/common';
import { firesOnEvent, triggerIdFor } from '@cuewire/campaigns';
import { parseJsonObject, Topics, type CampaignTrigger, type EnrichedEvent } from '@cuewire/contracts';
import { recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';

/** Matches each enriched event against the live campaigns and emits one trigger per match. */
@Injectable()
@KafkaConsumer({ group: 'campaign-evaluator', topics: [Topics.enrichedEvents] })
export class EnrichedEventHandler implements KafkaRecordHandler<EnrichedEvent> {
  constructor(private readonly catalog: CampaignCatalog) {}

  async handle(record: ConsumedRecord<EnrichedEvent>): Promise<OutgoingRecord<CampaignTrigger>[]> {
    const enriched = record.value;
    if (!enriched) return [];
    const { event } = enriched;
    const customer = { profile: parseJsonObject(enriched.profile, 'profile'), segments: enriched.segments };
    const evaluated = { eventId: event.eventId, type: event.type, properties: parseJsonObject(event.properties, 'properties') };
    const now = Date.now();
    const triggers: OutgoingRecord<CampaignTrigger>[] = [];
    // Single-event triggers; sequences, schedules and caps need the durable per-customer state (next step).
    for (const campaign of this.catalog.all()) {
      if (!firesOnEvent(campaign, evaluated, customer, now)) continue;
      triggers.push(
        recordOutput(Topics.campaignTriggers, event.customerId, {
          triggerId: triggerIdFor(campaign, [event.eventId]),
          campaignId: campaign.id,
          campaignVersion: campaign.version,
          campaignName: campaign.name,
          customerId: event.customerId,
          webhookIds: campaign.webhookIds,
          events: [event],
          profile: enriched.profile,
          firedAt: Date.now(),
        }),
      );
    }
    return triggers;
  }
}
