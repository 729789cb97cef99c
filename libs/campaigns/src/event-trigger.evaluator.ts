import { createHash } from 'node:crypto';
import { isActive, type Campaign } from './campaign.definition.js';
import { allConditionsHold } from './conditions/condition.evaluator.js';

export interface EvaluatedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly properties?: unknown;
}

export interface CustomerContext {
  readonly profile: unknown;
  readonly segments: readonly string[];
}

/** Profile and segment filters (the campaign-history rules need the customer's history: evaluated by the caller). */
export function customerQualifies(campaign: Campaign, customer: CustomerContext): boolean {
  const { filters, audience } = campaign;
  if (audience && !customer.segments.includes(audience.segmentId)) return false;
  if (!allConditionsHold(filters?.profile, customer.profile)) return false;
  if (filters?.segments?.in && !filters.segments.in.every((s) => customer.segments.includes(s))) return false;
  if (filters?.segments?.notIn?.some((s) => customer.segments.includes(s))) return false;
  return true;
}

/** Does this event fire this single-event campaign for this customer at `now`? Pure. */
export function firesOnEvent(campaign: Campaign, event: EvaluatedEvent, customer: CustomerContext = { profile: {}, segments: [] }, now = Date.now()): boolean {
  return (
    isActive(campaign, now) &&
    campaign.trigger.type === 'event' &&
    campaign.trigger.eventType === event.type &&
    allConditionsHold(campaign.trigger.where, event.properties ?? {}) &&
    customerQualifies(campaign, customer)
  );
}

/**
 * Deterministic trigger id: the same campaign and triggering events always give the same id,
 * so a replayed event yields the same trigger and, downstream, the same delivery id
 * (`webhook-id`). The campaign version is not part of it (it travels as a field of the
 * trigger): an edit between a firing and its replay must not make a second delivery.
 */
export function triggerIdFor(campaign: Pick<Campaign, 'id'>, eventIds: readonly string[]): string {
  const digest = createHash('sha256').update(`${campaign.id}\u0000${eventIds.join('\u0000')}`).digest('hex');
  return `trg_${digest.slice(0, 32)}`;
}
