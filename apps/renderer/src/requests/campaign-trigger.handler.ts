import { Injectable } from '@nestjs/common';
import { RecordHeaders, Topics, type CampaignTrigger, type DeliveryResult, type WebhookRequest } from '@cuewire/contracts';
import { PoisonRecordError, recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { deliveryIdFor, RenderError, templateContext } from '@cuewire/templating';
import { CompiledWebhookCatalog } from '../catalog/compiled-webhook.catalog.js';

/**
 * Renders each trigger's webhooks into complete HTTP requests (one per webhook), per content
 * type (JSON, form fields, JSON in one form field, plain text). A template that fails for this
 * trigger's data (missing field, invalid JSON, over its size or time budget) is that webhook's
 * outcome, not the trigger's: a RENDER_FAILED delivery result with the error and where it
 * broke, while the trigger's other webhooks are rendered and sent. A control-group trigger names
 * no webhooks, so it renders nothing (the history records it from the trigger itself).
 */
@Injectable()
@KafkaConsumer({ group: 'renderer', topics: [Topics.campaignTriggers] })
export class CampaignTriggerHandler implements KafkaRecordHandler<CampaignTrigger> {
  constructor(private readonly webhooks: CompiledWebhookCatalog) {}

  async handle(record: ConsumedRecord<CampaignTrigger>): Promise<OutgoingRecord<WebhookRequest | DeliveryResult>[]> {
    const trigger = record.value;
    if (!trigger) return [];
    const outputs: OutgoingRecord<WebhookRequest | DeliveryResult>[] = [];
    for (const webhookId of trigger.webhookIds) {
      const compiled = this.webhooks.get(webhookId);
      if (!compiled) throw new PoisonRecordError(`trigger ${trigger.triggerId}: webhook ${webhookId} does not exist`);
      if (!compiled.webhook.enabled) continue;
      const deliveryId = deliveryIdFor(trigger.triggerId, webhookId, trigger.variant);
      const batched = Boolean(compiled.webhook.batch);
      let rendered;
      try {
        rendered = compiled.render(templateContext(trigger, compiled.webhook, deliveryId));
      } catch (error) {
        if (!(error instanceof RenderError || error instanceof TypeError)) throw error;
        outputs.push(renderFailed(trigger, webhookId, deliveryId, error));
        continue;
      }
      outputs.push(
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
          variant: trigger.variant,
          // A batched webhook's body is one item; the dispatcher collects items into batch requests.
          batchItem: batched,
          batch: null,
        }, batched ? { [RecordHeaders.webhookId]: webhookId, [RecordHeaders.batchItem]: '1' } : { [RecordHeaders.webhookId]: webhookId }),
      );
    }
    return outputs;
  }
}

/** The result of a webhook that could not be rendered: no HTTP attempt (attempt 0), at the trigger's time so a replayed trigger writes the same record. */
function renderFailed(trigger: CampaignTrigger, webhookId: string, deliveryId: string, error: Error): OutgoingRecord<DeliveryResult> {
  return recordOutput(Topics.deliveryResults, trigger.customerId, {
    deliveryId,
    triggerId: trigger.triggerId,
    webhookId,
    campaignId: trigger.campaignId,
    customerId: trigger.customerId,
    attempt: 0,
    outcome: 'RENDER_FAILED',
    statusCode: null,
    latencyMs: 0,
    error: error.message,
    responseExcerpt: null,
    attemptedAt: trigger.firedAt,
    errorPath: error instanceof RenderError ? error.field : null,
    requestMethod: null,
    requestUrl: null,
    requestHeaders: null,
    requestBodyExcerpt: null,
    variant: trigger.variant,
    batchId: null,
  });
}
