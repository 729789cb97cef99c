import { z } from 'zod';
import { parseRequest, RequestValidationError } from '@cuewire/platform';
import { httpUrlOrUndefined, type Engagement, type EngagementType, type MappedCallback } from '../engagements/engagement.js';

/**
 * SendGrid → Cuewire. We send mail with these `custom_args` (SendGrid copies them as
 * top-level fields onto every event of the message):
 *   cuewire_customer_id (required), cuewire_delivery_id, cuewire_campaign_id.
 * Events without cuewire_customer_id are mail Cuewire did not send (the Event Webhook is
 * account-wide): ignored, not rejected, or SendGrid would retry them for days.
 */
const TYPES: Readonly<Record<string, EngagementType>> = {
  delivered: 'email_delivered',
  open: 'email_open',
  click: 'email_click',
  bounce: 'email_bounce',
  dropped: 'email_bounce',
};

const id = z.string().min(1).max(200);
export const sendgridEventSchema = z.object({
  event: z.string(),
  cuewire_customer_id: id,
  cuewire_delivery_id: id.optional(),
  cuewire_campaign_id: id.optional(),
  sg_event_id: z.string().min(1).max(200).optional(),
  sg_message_id: z.string().max(400).optional(),
  timestamp: z.number().int().nonnegative().optional(),
  url: z.string().max(4_096).optional(),
  reason: z.string().max(2_000).optional(),
  type: z.string().max(100).optional(),
  sg_machine_open: z.boolean().optional(),
});

export function mapSendgridEvents(body: unknown): MappedCallback {
  if (!Array.isArray(body)) throw new RequestValidationError([{ path: '$', message: 'must be a JSON array of SendGrid events' }]);
  const engagements: Engagement[] = [];
  body.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new RequestValidationError([{ path: `$[${i}]`, message: 'must be an event object' }]);
    }
    const raw = item as Record<string, unknown>;
    const type = typeof raw.event === 'string' ? TYPES[raw.event] : undefined;
    if (!type || raw.cuewire_customer_id === undefined) return;
    const e = parseRequest(sendgridEventSchema, raw, [i]);
    engagements.push({
      customerId: e.cuewire_customer_id,
      type,
      provider: 'sendgrid',
      deliveryId: e.cuewire_delivery_id,
      campaignId: e.cuewire_campaign_id,
      url: type === 'email_click' ? httpUrlOrUndefined(e.url) : undefined,
      providerEventId: e.sg_event_id,
      occurredAt: e.timestamp === undefined ? undefined : e.timestamp * 1_000,
      properties: {
        providerEvent: e.event,
        ...(e.sg_message_id ? { sgMessageId: e.sg_message_id } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
        ...(type === 'email_bounce' && e.type ? { bounceType: e.type } : {}),
        ...(e.sg_machine_open !== undefined ? { machineOpen: e.sg_machine_open } : {}),
      },
    });
  });
  return { engagements, ignored: body.length - engagements.length };
}
