import { z } from 'zod';
import { sendgridEventSchema } from './sendgrid/sendgrid-events.mapper.js';

/** The request and answer shapes of the feedback API for the OpenAPI document. */
export const engagementRecordedSchema = z.object({ eventId: z.string(), duplicate: z.boolean().describe('Already recorded for this deliveryId: the same eventId is returned') });

export const callbackOutcomeSchema = z.object({
  accepted: z.number().int().describe('Engagements published (Kafka acknowledged)'),
  duplicates: z.number().int(),
  ignored: z.number().int().describe('Items skipped on purpose: kinds not tracked, or messages Cuewire did not send'),
});

/** SendGrid posts every event of the account; ours carry the cuewire_* custom args, others are ignored. */
export const sendgridEventsBody = z.array(sendgridEventSchema.partial().catchall(z.unknown()));

export const twilioStatusBody = z
  .object({ MessageStatus: z.string().describe('Only "delivered" becomes an engagement (sms_delivered)'), MessageSid: z.string().optional() })
  .catchall(z.string());

export const twilioStatusQuery = z.object({
  cuewire_customer_id: z.string().min(1).max(200),
  cuewire_delivery_id: z.string().min(1).max(200).optional(),
  cuewire_campaign_id: z.string().min(1).max(200).optional(),
});

export const smartechBody = z.object({ data: z.string().describe('JSON: { "<panel>": [ { webhook_name, event_params, custom_params, … } ] }') });
