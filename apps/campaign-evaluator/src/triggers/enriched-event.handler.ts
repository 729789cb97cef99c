import { Inject, Injectable } from '@nestjs/common';
import { customerQualifies, firesOnEvent, isActive } from '@cuewire/campaigns';
import { ON_DEMAND_EVENT_TYPE, parseJsonObject, Topics, type EnrichedEvent } from '@cuewire/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';
import { CLOCK, type Clock } from '../clock.js';
import { SequenceEvaluator } from '../sequences/sequence.evaluator.js';
import { CustomerHistoryRepository } from '../history/customer-history.repository.js';
import { TriggerEmitter } from './trigger.emitter.js';

/** Engagements that count as "clicked its message" for rules on other campaigns. */
const CLICKS = new Set(['email_click', 'sms_click', 'push_click']);

/** The evaluator's consumer group (without the install prefix); timers compare their deadlines with its progress. */
export const EVALUATOR_GROUP = 'campaign-evaluator';

/** Matches each enriched event against the live campaigns: single-event triggers fire at once, sequences advance. */
@Injectable()
@KafkaConsumer({ group: EVALUATOR_GROUP, topics: [Topics.enrichedEvents] })
export class EnrichedEventHandler implements KafkaRecordHandler<EnrichedEvent> {
  constructor(
    private readonly catalog: CampaignCatalog,
    private readonly sequences: SequenceEvaluator,
    private readonly emitter: TriggerEmitter,
    private readonly history: CustomerHistoryRepository,
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
    if (CLICKS.has(event.type) && typeof properties.campaignId === 'string') {
      await this.history.recordClick(event.customerId, properties.campaignId, event.eventId, event.occurredAt);
    }
    for (const campaign of this.catalog.all()) {
      if (campaign.trigger.type === 'event') {
        if (firesOnEvent(campaign, { eventId: event.eventId, type: event.type, properties }, customer, now)) {
          outputs.push(...(await this.emitter.forEvents(campaign, event.customerId, [event], enriched.profile, now)));
        }
      } else if (campaign.trigger.type === 'on-demand') {
        if (event.type === ON_DEMAND_EVENT_TYPE && properties.campaignId === campaign.id && isActive(campaign, now) && customerQualifies(campaign, customer)) {
          outputs.push(...(await this.emitter.forEvents(campaign, event.customerId, [event], enriched.profile, now)));
        }
      } else if (this.catalog.concernsSequence(campaign.id, event.type)) {
        outputs.push(...(await this.sequences.onEvent(campaign, event, properties, customer, enriched.profile)));
      }
    }
    return outputs;
  }
}
