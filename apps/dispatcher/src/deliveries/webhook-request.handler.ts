import { Injectable } from '@nestjs/common';
import { Topics, type DeliveryOutcome, type DeliveryResult, type WebhookRequest } from '@cuewire/contracts';
import { deliveryHeaders } from '@cuewire/delivery';
import { recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { WebhookCatalog } from '../catalog/webhook.catalog.js';
import { DeliveryMarksRepository } from './delivery-marks.repository.js';
import { WebhookHttp } from './webhook-http.provider.js';

/**
 * Delivers rendered requests: applies the webhook's auth and signs them (Standard Webhooks,
 * every secret still valid during a rotation), sends them, records the outcome on the
 * delivery-results topic. An id already acknowledged is not sent again. Secrets are opened
 * here, at send time, and never leave this process (not in records, not in logs).
 */
@Injectable()
@KafkaConsumer({ group: 'dispatcher', topics: [Topics.webhookRequests] })
export class WebhookRequestHandler implements KafkaRecordHandler<WebhookRequest> {
  constructor(
    private readonly webhooks: WebhookCatalog,
    private readonly marks: DeliveryMarksRepository,
    private readonly http: WebhookHttp,
  ) {}

  async handle(record: ConsumedRecord<WebhookRequest>): Promise<OutgoingRecord<DeliveryResult>[]> {
    const request = record.value;
    if (!request) return [];
    if (await this.marks.wasDelivered(request.deliveryId)) return [this.result(request, 'SKIPPED_DUPLICATE', { latencyMs: 0 })];
    const webhook = this.webhooks.get(request.webhookId);
    // Never send without the webhook's auth and signature: an unknown or unreadable config fails the attempt.
    if (!webhook) return [this.result(request, 'FAILED', { latencyMs: 0, error: `webhook ${request.webhookId} is unknown to this dispatcher (deleted, or its config is invalid)` })];
    const body = request.body.toString('utf8');
    let headers: Record<string, string>;
    try {
      headers = deliveryHeaders(request.headers, request.deliveryId, body, this.webhooks.credentials(webhook));
    } catch (error) {
      return [this.result(request, 'FAILED', { latencyMs: 0, error: `webhook ${webhook.id} credentials: ${(error as Error).message}` })];
    }
    try {
      const response = await this.http.send({ method: request.method, url: request.url, headers, body, timeoutMs: webhook.timeoutMs });
      const delivered = response.statusCode >= 200 && response.statusCode < 300;
      if (delivered) await this.marks.markDelivered(request.deliveryId);
      return [
        this.result(request, delivered ? 'DELIVERED' : 'FAILED', {
          statusCode: response.statusCode,
          latencyMs: response.latencyMs,
          responseExcerpt: response.bodyExcerpt.slice(0, 1024),
          error: delivered ? null : `receiver answered ${response.statusCode}`,
        }),
      ];
    } catch (error) {
      return [this.result(request, 'FAILED', { latencyMs: 0, error: (error as Error).message })];
    }
  }

  private result(request: WebhookRequest, outcome: DeliveryOutcome, details: Partial<DeliveryResult> & { latencyMs: number }): OutgoingRecord<DeliveryResult> {
    return recordOutput(Topics.deliveryResults, request.customerId, {
      deliveryId: request.deliveryId,
      triggerId: request.triggerId,
      webhookId: request.webhookId,
      campaignId: request.campaignId,
      customerId: request.customerId,
      attempt: request.attempt,
      outcome,
      statusCode: null,
      error: null,
      responseExcerpt: null,
      attemptedAt: Date.now(),
      ...details,
    });
  }
}
