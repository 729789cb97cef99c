import { Inject, Injectable } from '@nestjs/common';
import { assertUnreachable, customerQualifies, firesOnEvent, isActive, type Campaign, type CustomerContext } from '@cuewire/campaigns';
import { ConsumerGroups, ON_DEMAND_EVENT_TYPE, parseJsonObject, Topics, type EnrichedEvent, type JsonObject } from '@cuewire/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';
import { CLOCK, type Clock } from '../clock.js';
import { SequenceEvaluator } from '../sequences/sequence.evaluator.js';
import { CustomerHistoryRepository } from '../history/customer-history.repository.js';
import { TriggerEmitter } from '../firing/trigger.emitter.js';

/** Engagements that count as "clicked its message" for rules on other campaigns. */
const CLICKS = new Set(['email_click', 'sms_click', 'push_click']);

/** Matches each enriched event against the live campaigns: single-event triggers fire at once, sequences advance. */
@Injectable()
@KafkaConsumer({ group: ConsumerGroups.campaignEvaluator, topics: [Topics.enrichedEvents] })
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
    for (const campaign of this.catalog.concernedBy(event.type)) {
      // Most campaigns are ruled out without I/O: no promise, no await for them.
      const fired = this.evaluate(campaign, enriched, properties, customer, now);
      if (fired) outputs.push(...(await fired));
    }
    return outputs;
  }

  /** The one dispatch over trigger kinds for an incoming event; null when the campaign does not apply (decided without I/O). */
  private evaluate(campaign: Campaign, enriched: EnrichedEvent, properties: JsonObject, customer: CustomerContext, now: number): Promise<OutgoingRecord[]> | null {
    const { event } = enriched;
    const { trigger } = campaign;
    switch (trigger.type) {
      case 'event':
        if (!firesOnEvent(campaign, { eventId: event.eventId, type: event.type, properties }, customer, now)) return null;
        return this.emitter.forEvents(campaign, event.customerId, [event], enriched.profile, now);
      case 'on-demand':
        if (event.type !== ON_DEMAND_EVENT_TYPE || properties.campaignId !== campaign.id || !isActive(campaign, now) || !customerQualifies(campaign, customer)) return null;
        return this.emitter.forEvents(campaign, event.customerId, [event], enriched.profile, now);
      case 'all-of':
      case 'not-followed-by':
        if (!this.catalog.concernsSequence(campaign.id, event.type) || !this.sequences.applies(campaign, customer)) return null;
        return this.sequences.onEvent(campaign, event, properties, customer, enriched.profile);
      case 'schedule':
        return null; // fanned out by the SchedulePoller when a slot comes due, never by an event
      default:
        return assertUnreachable(trigger);
    }
  }
}
