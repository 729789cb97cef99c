import { Injectable } from '@nestjs/common';
import { Topics, type DeliveryOutcome, type DeliveryResult, type WebhookRequest } from '@cuewire/contracts';
import { signatureHeaders } from '@cuewire/delivery';
import { recordOutput, type ConsumedRecord, type OutgoingRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { WebhookCatalog } from '../catalog/webhook.catalog.js';
import { DeliveryMarksRepository } from './delivery-marks.repository.js';
import { WebhookHttp } from './webhook-http.provider.js';

/**
 * Delivers rendered requests: signs them (Standard Webhooks), sends them, records the
 * outcome on the delivery-results topic. An id already acknowledged is not sent again.
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
    const body = request.body.toString('utf8');
    const headers: Record<string, string> = { ...request.headers, 'user-agent': 'Cuewire/0.1' };
    const secrets = webhook?.signing?.secrets ?? [];
    Object.assign(headers, secrets.length > 0 ? signatureHeaders(request.deliveryId, body, secrets) : { 'webhook-id': request.deliveryId });
    try {
      const response = await this.http.send({ method: request.method, url: request.url, headers, body, timeoutMs: webhook?.timeoutMs ?? 10_000 });
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
