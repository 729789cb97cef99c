import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Topics } from '@cuewire/contracts';
import { recordOutput, TypedProducer } from '@cuewire/kafka';
import { parseRequest } from '@cuewire/platform';

export const ENGAGEMENT_TYPES = [
  'email_delivered',
  'email_open',
  'email_click',
  'email_bounce',
  'sms_delivered',
  'sms_click',
  'push_view',
  'push_click',
] as const;

/** A normalized engagement, as provider adapters (SendGrid, Twilio, …) will produce it. */
const engagementSchema = z
  .object({
    customerId: z.string().min(1).max(200),
    type: z.enum(ENGAGEMENT_TYPES),
    deliveryId: z.string().min(1).max(200).optional(),
    campaignId: z.string().min(1).max(200).optional(),
    occurredAt: z.number().int().nonnegative().optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * Turns an engagement into a customer event. With a delivery id, the event id is derived from
 * (delivery, type), so a provider's retried callback yields the same event id.
 */
@Injectable()
export class RecordEngagementUseCase {
  constructor(private readonly producer: TypedProducer) {}

  async execute(body: unknown, now = Date.now()): Promise<{ eventId: string }> {
    const e = parseRequest(engagementSchema, body);
    const eventId = e.deliveryId
      ? `eng_${createHash('sha256').update(`${e.deliveryId}\u0000${e.type}`).digest('hex').slice(0, 32)}`
      : `eng_${createHash('sha256').update(`${e.customerId}\u0000${e.type}\u0000${now}\u0000${Math.random()}`).digest('hex').slice(0, 32)}`;
    const properties = { ...e.properties, deliveryId: e.deliveryId ?? null, campaignId: e.campaignId ?? null };
    await this.producer.send([
      recordOutput(Topics.customerEvents, e.customerId, {
        eventId,
        customerId: e.customerId,
        type: e.type,
        occurredAt: e.occurredAt ?? now,
        receivedAt: now,
        source: 'feedback',
        properties: JSON.stringify(properties),
      }),
    ]);
    return { eventId };
  }
}
