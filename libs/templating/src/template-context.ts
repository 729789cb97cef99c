import { parseJsonObject, type CampaignTrigger, type CustomerEvent, type JsonObject } from '@cuewire/contracts';

/**
 * What webhook templates can use (docs/templates.md is the user-facing version):
 * `customer` (id + profile attributes), `event` (the first triggering event: id, type,
 * occurredAt, properties incl. items), `events` (all triggering events), `campaign` (id,
 * name, version), `webhook` (id, name), `delivery` (id), `trigger` (id, firedAt), `variant`
 * (id, name and the variant's variables; empty when the campaign has no variants).
 * One builder for the renderer (real triggers) and the control plane (preview, send test).
 */
export interface TemplateContext {
  customer: JsonObject & { id: string };
  event: EventContext | null;
  events: EventContext[];
  campaign: { id: string; name: string; version: number };
  webhook: { id: string; name: string };
  delivery: { id: string };
  trigger: { id: string; firedAt: string };
  /** Empty, not null, without variants: strict mode throws on a lookup in null even inside `default`. */
  variant: VariantContext | Record<string, never>;
}

/** `{{variant.id}}`, `{{variant.name}}` and the variant's own variables (`{{variant.subject}}`). */
export type VariantContext = JsonObject & { id: string; name: string };

export interface EventContext {
  id: string;
  type: string;
  occurredAt: string;
  properties: JsonObject;
}

export function templateContext(trigger: CampaignTrigger, webhook: { id: string; name: string }, deliveryId: string): TemplateContext {
  const events = trigger.events.map(eventContext);
  return {
    customer: { ...parseJsonObject(trigger.profile, 'profile'), id: trigger.customerId },
    event: events[0] ?? null,
    events,
    campaign: { id: trigger.campaignId, name: trigger.campaignName, version: trigger.campaignVersion },
    webhook: { id: webhook.id, name: webhook.name },
    delivery: { id: deliveryId },
    trigger: { id: trigger.triggerId, firedAt: new Date(trigger.firedAt).toISOString() },
    variant: trigger.variant ? { ...parseJsonObject(trigger.variantVariables ?? '{}', 'variantVariables'), id: trigger.variant, name: trigger.variantName ?? trigger.variant } : {},
  };
}

function eventContext(event: CustomerEvent): EventContext {
  return {
    id: event.eventId,
    type: event.type,
    occurredAt: new Date(event.occurredAt).toISOString(),
    properties: parseJsonObject(event.properties, 'properties'),
  };
}

/**
 * The sample a template is checked against at save time and rendered with by preview and
 * send test when no context is given: a purchase by a customer with the usual attributes.
 * Documented in docs/templates.md; templates that use other fields should guard them with
 * `default` (strict mode fails on a missing field).
 */
export function sampleTemplateContext(webhook: { id: string; name: string }, profile?: { id: string; attributes: JsonObject }): TemplateContext {
  const event: EventContext = {
    id: 'evt_sample',
    type: 'purchase',
    occurredAt: '2026-01-15T09:30:00.000Z',
    properties: {
      orderId: 'ORD-1001',
      total: 129.5,
      currency: 'EUR',
      items: [
        { sku: 'PLATE-6', name: 'Dish set', qty: 1, price: 89.5 },
        { sku: 'MUG-2', name: 'Mugs', qty: 2, price: 20 },
      ],
    },
  };
  const customer: TemplateContext['customer'] = profile
    ? { ...profile.attributes, id: profile.id }
    : { id: 'c-sample', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', phone: '+15005550006', country: 'CA', locale: 'en-CA' };
  return {
    customer,
    event,
    events: [event],
    campaign: { id: 'cmp_sample', name: 'Sample campaign', version: 1 },
    webhook: { id: webhook.id, name: webhook.name },
    delivery: { id: 'msg_test_sample' },
    trigger: { id: 'trg_sample', firedAt: '2026-01-15T09:30:01.000Z' },
    variant: {},
  };
}
