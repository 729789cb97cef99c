import { randomUUID } from 'node:crypto';
import { RecordHeaders, Topics, type WebhookRequest } from '@cuewire/contracts';
import { AvroSerde, recordOutput, TypedProducer, type KafkaSettings } from '@cuewire/kafka';
import { authHeaders, type ServiceProcess, testKafkaSettings } from '@cuewire/testing';

/** Shared by the dispatcher e2e specs: write requests straight to the requests topic, read the delivery history (the history service). */
export function dispatcherHarness(env: Record<string, string>) {
  const settings: KafkaSettings = testKafkaSettings('dispatcher-e2e', env.KAFKA_TOPIC_PREFIX);
  const producer = new TypedProducer(settings, new AvroSerde(settings.schemaRegistryUrl));

  const request = (webhookId: string, url: string, customerId = `c-${randomUUID().slice(0, 8)}`): WebhookRequest => {
    const deliveryId = `msg_${randomUUID().replaceAll('-', '')}`;
    return {
      deliveryId,
      triggerId: `t-${deliveryId}`,
      webhookId,
      webhookRevision: 0,
      campaignId: 'camp-1',
      customerId,
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ deliveryId })),
      attempt: 1,
      notBefore: 0,
      createdAt: Date.now(),
      variant: null,
      batchItem: false,
      batch: null,
    };
  };

  return {
    producer,
    request,
    // As the renderer writes them: keyed by customer, with the webhook in a header (the dispatcher orders by both).
    send: (requests: WebhookRequest[]) => producer.send(requests.map((r) => recordOutput(Topics.webhookRequests, r.customerId, r, { [RecordHeaders.webhookId]: r.webhookId }))),
    createWebhook: async (controlPlane: ServiceProcess, body: Record<string, unknown>) => {
      const res = await fetch(`${controlPlane.url}/v1/webhooks`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ name: String(body.id), ...body }) });
      if (res.status !== 201) throw new Error(`webhook ${String(body.id)}: ${res.status} ${await res.text()}`);
    },
    log: async (history: ServiceProcess, query: Record<string, string>) => {
      const res = await fetch(`${history.url}/v1/deliveries?${new URLSearchParams(query)}`, { headers: authHeaders() });
      return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
    },
  };
}
