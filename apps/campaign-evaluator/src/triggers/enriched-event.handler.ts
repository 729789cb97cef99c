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
import { FiringGate } from '../history/firing-gate.js';

/**
 * Every promise's value, in order, once all have settled; the first failure otherwise. Waiting
 * for all means no write of this event is still in flight when its record is retried.
 */
async function settled<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

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
    private readonly gate: FiringGate,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(record: ConsumedRecord<EnrichedEvent>): Promise<OutgoingRecord[]> {
    const enriched = record.value;
    if (!enriched) return [];
    const { event } = enriched;
    const customer = { profile: parseJsonObject(enriched.profile, 'profile'), segments: enriched.segments };
    const properties = parseJsonObject(event.properties, 'properties');
    const now = this.clock();
    // Which campaigns apply is decided first, without I/O (most are ruled out), so nothing
    // below can fail between starting one campaign's writes and waiting for them.
    const applying = this.catalog.concernedBy(event.type).flatMap((campaign) => {
      const start = this.evaluate(campaign, enriched, properties, customer, now);
      return start ? [{ start, readsHistory: this.gate.readsHistory(campaign) }] : [];
    });
    // Campaigns whose gate reads no history (no caps, no rules on other campaigns, no
    // install-wide daily cap) cannot see each other: their Redis work runs together, in one
    // round trip where the client pipelines it. One that reads history waits for every campaign
    // before it, and those after it wait for it, so each rule sees the history it would if the
    // campaigns ran one after another. A click is recorded first, in the first group: a
    // "clicked" rule waits for it as for any campaign before it.
    const outputs: OutgoingRecord[][] = [];
    let running: Promise<OutgoingRecord[]>[] = [];
    if (CLICKS.has(event.type) && typeof properties.campaignId === 'string') {
      running.push(this.history.recordClick(event.customerId, properties.campaignId, event.eventId, event.occurredAt).then(() => []));
    }
    for (const { start, readsHistory } of applying) {
      if (!readsHistory) {
        running.push(start());
        continue;
      }
      outputs.push(...(await settled(running)));
      running = [];
      outputs.push(await start());
    }
    outputs.push(...(await settled(running)));
    return outputs.flat();
  }

  /**
   * The one dispatch over trigger kinds for an incoming event: null when the campaign does not
   * apply (decided without I/O), else what starts its work, so the caller picks when.
   */
  private evaluate(campaign: Campaign, enriched: EnrichedEvent, properties: JsonObject, customer: CustomerContext, now: number): (() => Promise<OutgoingRecord[]>) | null {
    const { event } = enriched;
    const { trigger } = campaign;
    switch (trigger.type) {
      case 'event':
        if (!firesOnEvent(campaign, { eventId: event.eventId, type: event.type, properties }, customer, now)) return null;
        return () => this.emitter.forEvents(campaign, event.customerId, [event], enriched.profile, now);
      case 'on-demand':
        if (event.type !== ON_DEMAND_EVENT_TYPE || properties.campaignId !== campaign.id || !isActive(campaign, now) || !customerQualifies(campaign, customer)) return null;
        return () => this.emitter.forEvents(campaign, event.customerId, [event], enriched.profile, now);
      case 'all-of':
      case 'not-followed-by':
        if (!this.catalog.concernsSequence(campaign.id, event.type) || !this.sequences.applies(campaign, customer)) return null;
        return () => this.sequences.onEvent(campaign, event, properties, customer, enriched.profile);
      case 'schedule':
        return null; // fanned out by the SchedulePoller when a slot comes due, never by an event
      default:
        return assertUnreachable(trigger);
    }
  }
}
