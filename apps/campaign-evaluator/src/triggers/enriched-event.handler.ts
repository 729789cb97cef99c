import { Inject, Injectable } from '@nestjs/common';
import { firesOnEvent } from '@cuewire/campaigns';
import { parseJsonObject, Topics, type EnrichedEvent } from '@cuewire/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';
import { CLOCK, type Clock } from '../clock.js';
import { SequenceEvaluator } from '../sequences/sequence.evaluator.js';
import { campaignTrigger } from './campaign-trigger.factory.js';

/** Matches each enriched event against the live campaigns: single-event triggers fire at once, sequences advance. */
@Injectable()
@KafkaConsumer({ group: 'campaign-evaluator', topics: [Topics.enrichedEvents] })
export class EnrichedEventHandler implements KafkaRecordHandler<EnrichedEvent> {
  constructor(
    private readonly catalog: CampaignCatalog,
    private readonly sequences: SequenceEvaluator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(record: ConsumedRecord<EnrichedEvent>): Promise<OutgoingRecord[]> {
    const enriched = record.value;
    if (!enriched) return [];
    const { event } = enriched;
    const customer = { profile: parseJsonObject(enriched.profile, 'profile'), segments: enriched.segments };
    const properties = parseJsonObject(event.properties, 'properties');
    const now = this.clock();
    const outputs: OutgoingRecord[] = [];
    for (const campaign of this.catalog.all()) {
      if (campaign.trigger.type === 'event') {
        if (firesOnEvent(campaign, { eventId: event.eventId, type: event.type, properties }, customer, now)) {
          outputs.push(campaignTrigger(campaign, event.customerId, [event], enriched.profile, now));
        }
      } else {
        outputs.push(...(await this.sequences.onEvent(campaign, event, properties, customer, enriched.profile)));
      }
    }
    return outputs;
  }
}
