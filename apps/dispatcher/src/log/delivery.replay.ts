import { Injectable } from '@nestjs/common';
import { RecordHeaders, Topics, type WebhookRequest } from '@cuewire/contracts';
import { recordOutput, TypedProducer } from '@cuewire/kafka';
import { recordKeyOf } from '../batches/batch-requests.js';
import { EndpointHealthRepository } from '../endpoints/endpoint-health.repository.js';
import { tierFor } from '../pipeline/delay-tiers.js';
import { DeliveryLogRepository } from './delivery-log.repository.js';

/** Puts deliveries back on the requests topic: replays of dead ones, and parked ones on re-enable. */
@Injectable()
export class DeliveryReplay {
  constructor(
    private readonly log: DeliveryLogRepository,
    private readonly health: EndpointHealthRepository,
    private readonly producer: TypedProducer,
  ) {}

  async one(deliveryId: string): Promise<boolean> {
    const request = await this.log.requestForReplay(deliveryId);
    if (!request) return false;
    await this.publish([request]);
    return true;
  }

  async failedSince(webhookId: string, since: number): Promise<number> {
    const ids = new Set<string>();
    let cursor: number | null = 0;
    while (cursor !== null) {
      const page: Awaited<ReturnType<DeliveryLogRepository['query']>> = await this.log.query({ webhookId, outcome: 'DEAD', from: since, to: Date.now(), limit: 1000, cursor });
      for (const e of page.items) ids.add(e.deliveryId);
      cursor = page.nextCursor;
    }
    const found = (await Promise.all([...ids].map((id) => this.log.requestForReplay(id)))).filter((r): r is WebhookRequest => r !== null);
    // The items of one dead batch share its request: it is sent again once.
    const requests = [...new Map(found.map((r) => [r.deliveryId, r])).values()];
    await this.publish(requests);
    return requests.length;
  }

  async enable(webhookId: string): Promise<number> {
    // Parked deliveries keep their attempt count (parking used no attempt) and their attempt
    // history: they go through the shortest delay tier, whose records carry it, due at once.
    const tier = tierFor(0).topic;
    return this.health.enable(webhookId, (parked) =>
      this.producer.send(parked.map((p) => recordOutput(tier, recordKeyOf(p.request), { request: { ...p.request, notBefore: Date.now() }, history: p.history, reason: 'endpoint re-enabled' }))),
    );
  }

  async endpointState(webhookId: string) {
    return { ...(await this.health.state(webhookId)), parked: await this.health.parkedCount(webhookId) };
  }

  /** A replay is a new first attempt; the delivery id (and so webhook-id) stays the same. */
  private async publish(requests: WebhookRequest[]): Promise<void> {
    await this.producer.send(requests.map((r) => recordOutput(Topics.webhookRequests, recordKeyOf(r), { ...r, attempt: 1, notBefore: 0 }, { [RecordHeaders.webhookId]: r.webhookId })));
  }
}
