import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ON_DEMAND_EVENT_TYPE, Topics, type CustomerEvent } from '@cuewire/contracts';
import { recordOutput, TypedProducer } from '@cuewire/kafka';
import { ConfigViews } from '@cuewire/kafka-nest';
import { parseRequest, RequestValidationError } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { ConfigObjectStore } from '../config-objects/config-object.store.js';
import { onDemandRequestId } from './on-demand-request-id.js';

const PAGE = 1_000;

export const requestSchema = z
  .object({
    customerIds: z.array(z.string().min(1).max(200)).min(1).max(1_000).optional(),
    segmentId: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((r) => Boolean(r.customerIds) !== Boolean(r.segmentId), { message: 'give exactly one of customerIds or segmentId' });

/**
 * Fires an on-demand campaign for listed customers or a segment's members. Each customer gets
 * an on-demand event on the events topic, so the firing is enriched, filtered and capped like
 * any other, in order with the customer's other events.
 */
@Injectable()
export class TriggerOnDemandUseCase {
  constructor(
    private readonly store: ConfigObjectStore,
    private readonly config: ConfigViews,
    private readonly producer: TypedProducer,
    private readonly redis: RedisConnection,
  ) {}

  /** `idempotencyKey` (the `Idempotency-Key` header) makes a retried request write the same events, so nothing is sent twice. */
  async execute(campaignId: string, body: unknown, idempotencyKey?: string): Promise<{ requestId: string; customers: number }> {
    const campaign = JSON.parse(this.store.get(this.config.campaigns, 'campaign', campaignId).body) as { trigger: { type: string } };
    if (campaign.trigger.type !== 'on-demand') throw new RequestValidationError([{ path: '$', message: `campaign ${campaignId} is not an on-demand campaign` }]);
    const request = parseRequest(requestSchema, body);
    if (request.segmentId && !this.config.segments.get(request.segmentId)) {
      throw new RequestValidationError([{ path: '$.segmentId', message: `segment ${request.segmentId} does not exist` }]);
    }
    const requestId = onDemandRequestId(campaignId, idempotencyKey);
    let customers = 0;
    if (request.customerIds) customers = await this.send(campaignId, requestId, [...new Set(request.customerIds)]);
    else {
      for (let after: string | undefined; ; ) {
        const page = await this.redis.client.zrangebylex(RedisKeys.segmentMembers(request.segmentId!), after ? `(${after}` : '-', '+', 'LIMIT', 0, PAGE);
        if (page.length === 0) break;
        customers += await this.send(campaignId, requestId, page);
        after = page[page.length - 1];
      }
    }
    return { requestId, customers };
  }

  private async send(campaignId: string, requestId: string, customerIds: readonly string[]): Promise<number> {
    const now = Date.now();
    const events: CustomerEvent[] = customerIds.map((customerId) => ({
      eventId: `od_${createHash('sha256').update(`${requestId}\u0000${customerId}`).digest('hex').slice(0, 32)}`,
      customerId,
      type: ON_DEMAND_EVENT_TYPE,
      occurredAt: now,
      receivedAt: now,
      source: 'api',
      properties: JSON.stringify({ campaignId, requestId }),
    }));
    await this.producer.send(events.map((e) => recordOutput(Topics.customerEvents, e.customerId, e)));
    return events.length;
  }
}
