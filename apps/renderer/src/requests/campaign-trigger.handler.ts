import { Injectable } from '@nestjs/common';
import { Topics, type CampaignTrigger, type WebhookRequest } from '@cuewire/contracts';
import { PoisonRecordError, recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { deliveryIdFor, RenderError, templateContext } from '@cuewire/templating';
import { CompiledWebhookCatalog } from '../catalog/compiled-webhook.catalog.js';

/**
 * Renders each trigger's webhooks into complete HTTP requests (one per webhook), per content
 * type (JSON, form fields, JSON in one form field, plain text). A template that fails for this
 * trigger's data (missing field, invalid JSON, over its size or time budget) dead-letters the
 * trigger with the reason; it never stops the consumer.
 */
@Injectable()
@KafkaConsumer({ group: 'renderer', topics: [Topics.campaignTriggers] })
export class CampaignTriggerHandler implements KafkaRecordHandler<CampaignTrigger> {
  constructor(private readonly webhooks: CompiledWebhookCatalog) {}

  async handle(record: ConsumedRecord<CampaignTrigger>): Promise<OutgoingRecord<WebhookRequest>[]> {
    const trigger = record.value;
    if (!trigger) return [];
    const requests: OutgoingRecord<WebhookRequest>[] = [];
    for (const webhookId of trigger.webhookIds) {
      const compiled = this.webhooks.get(webhookId);
      if (!compiled) throw new PoisonRecordError(`trigger ${trigger.triggerId}: webhook ${webhookId} does not exist`);
      if (!compiled.webhook.enabled) continue;
      const deliveryId = deliveryIdFor(trigger.triggerId, webhookId);
      let rendered;
      try {
        rendered = compiled.render(templateContext(trigger, compiled.webhook, deliveryId));
      } catch (error) {
        if (error instanceof RenderError || error instanceof TypeError) {
          throw new PoisonRecordError(`trigger ${trigger.triggerId}, webhook ${webhookId}: ${error.message}`);
        }
        throw error;
      }
      requests.push(
        recordOutput(Topics.webhookRequests, trigger.customerId, {
          deliveryId,
          triggerId: trigger.triggerId,
          webhookId,
          webhookRevision: compiled.webhook.revision ?? 0,
          campaignId: trigger.campaignId,
          customerId: trigger.customerId,
          method: rendered.method,
          url: rendered.url,
          headers: rendered.headers,
          body: Buffer.from(rendered.body, 'utf8'),
          attempt: 1,
          notBefore: 0,
          createdAt: Date.now(),
        }),
      );
    }
    return requests;
  }
}
