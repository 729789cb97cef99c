import type { WebhookBatchItem, WebhookRequest } from '@cuewire/contracts';
import { BATCH_ID_HEADER, batchIdFor, encodeBody, type Webhook } from '@cuewire/templating';

/** A delivery a request stands for: itself, or each item of its batch. */
export type DeliveryRef = Pick<WebhookRequest, 'deliveryId' | 'triggerId' | 'campaignId' | 'customerId' | 'variant'>;

/**
 * Items may share a request only when everything but their bodies is the same: the webhook and
 * its revision, and the rendered method, URL and headers. A URL or header templated per customer
 * therefore makes batches of that customer's items only.
 */
export function batchGroupOf(request: WebhookRequest): string {
  const headers = Object.entries(request.headers).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([request.webhookId, request.webhookRevision, request.method, request.url, headers]);
}

/**
 * The request a batch of items goes out as. Its body (and its id, when items were acknowledged
 * meanwhile) is set before each attempt from the items not yet acknowledged; it has no customer,
 * trigger, campaign or variant of its own (the items have theirs, so items of different A/B arms
 * share a request), and items render in the order they were rendered, so one customer's stay in
 * order.
 */
export function batchRequestOf(items: readonly WebhookRequest[]): WebhookRequest {
  const sorted = [...items].sort((a, b) => a.createdAt - b.createdAt);
  const [first] = sorted;
  const campaigns = new Set(sorted.map((i) => i.campaignId));
  const id = batchIdFor(sorted.map((i) => i.deliveryId));
  return {
    deliveryId: id,
    triggerId: id,
    webhookId: first.webhookId,
    webhookRevision: first.webhookRevision,
    campaignId: campaigns.size === 1 ? first.campaignId : '',
    customerId: '',
    method: first.method,
    url: first.url,
    headers: first.headers,
    body: Buffer.alloc(0),
    attempt: 1,
    notBefore: 0,
    createdAt: Date.now(),
    variant: null,
    batchItem: false,
    batch: { id, items: sorted.map(itemOf) },
  };
}

function itemOf(request: WebhookRequest): WebhookBatchItem {
  const { deliveryId, triggerId, campaignId, customerId, createdAt } = request;
  return { deliveryId, triggerId, campaignId, customerId, createdAt, body: request.body.toString('utf8'), variant: request.variant ?? null };
}

/** The batch request for these items: id from the items, sent as webhook-id and webhook-batch-id. */
export function withItems(request: WebhookRequest, items: readonly WebhookBatchItem[], body: (batchId: string) => string): WebhookRequest {
  const id = batchIdFor(items.map((i) => i.deliveryId));
  return { ...request, deliveryId: id, triggerId: id, headers: { ...request.headers, [BATCH_ID_HEADER]: id }, body: Buffer.from(body(id), 'utf8'), batch: { id, items: [...items] } };
}

/** The deliveries whose outcome a request's outcome is: one per batch item, or the request itself. */
export function deliveriesOf(request: WebhookRequest): readonly DeliveryRef[] {
  return request.batch?.items ?? [request];
}

/** Kafka key of a request's retry or dead letter: its customer, or its batch (which has no customer). */
export function recordKeyOf(request: WebhookRequest): string {
  return request.batch?.id ?? request.customerId;
}

/** A batch is rendered again from its items at each attempt, so its body does not travel on the tiers. */
export function forTransit(request: WebhookRequest): WebhookRequest {
  return request.batch ? { ...request, body: Buffer.alloc(0) } : request;
}

/** A batch item that arrives when its webhook no longer batches goes out alone, its body encoded as the webhook sends bodies. */
export function sentAlone(webhook: Webhook, item: WebhookRequest): WebhookRequest {
  return { ...item, batchItem: false, body: Buffer.from(encodeBody(webhook, item.body.toString('utf8')), 'utf8') };
}
