import { parseJsonObject, type CampaignTrigger, type CustomerEvent } from '@cuewire/contracts';

/**
 * What webhook templates can use:
 * `customer` (id + profile attributes), `event` (the triggering event: id, type, occurredAt,
 * properties incl. items), `events` (all triggering events), `campaign` (id, name, version),
 * `webhook` (id, name), `delivery` (id), `trigger` (id, firedAt).
 */
export function templateContext(trigger: CampaignTrigger, webhook: { id: string; name: string }, deliveryId: string): object {
  const events = trigger.events.map(eventContext);
  return {
    customer: { ...parseJsonObject(trigger.profile, 'profile'), id: trigger.customerId },
    event: events[0] ?? null,
    events,
    campaign: { id: trigger.campaignId, name: trigger.campaignName, version: trigger.campaignVersion },
    webhook: { id: webhook.id, name: webhook.name },
    delivery: { id: deliveryId },
    trigger: { id: trigger.triggerId, firedAt: new Date(trigger.firedAt).toISOString() },
  };
}

function eventContext(event: CustomerEvent) {
  return {
    id: event.eventId,
    type: event.type,
    occurredAt: new Date(event.occurredAt).toISOString(),
    properties: parseJsonObject(event.properties, 'properties'),
  };
}
