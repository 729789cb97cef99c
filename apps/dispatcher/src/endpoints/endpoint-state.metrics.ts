import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { WebhookCatalog } from '../catalog/webhook.catalog.js';
import { EndpointHealthRepository } from './endpoint-health.repository.js';

const STATES = ['healthy', 'open', 'disabled'] as const;
type EndpointStateName = (typeof STATES)[number];

/** Where the gauges read from: the dispatcher(s) in this process. */
const sources = new Set<EndpointStateMetrics>();

new Gauge({
  name: 'cuewire_endpoint_state',
  help: 'Each webhook endpoint’s state, read from Redis at each scrape: 1 for the state it is in (healthy, open: circuit open or probing, disabled), 0 for the others',
  labelNames: ['webhook', 'state'],
  async collect() {
    this.reset();
    for (const source of sources) for (const { webhook, state } of await source.read()) for (const s of STATES) this.set({ webhook, state: s }, s === state ? 1 : 0);
  },
});

new Gauge({
  name: 'cuewire_endpoint_parked',
  help: 'Deliveries parked for a disabled endpoint (sent again when it is re-enabled), read from Redis at each scrape',
  labelNames: ['webhook'],
  async collect() {
    this.reset();
    for (const source of sources) for (const { webhook, parked } of await source.read()) this.set({ webhook }, parked);
  },
});

/**
 * Endpoint states and parked counts for Prometheus. States live in Redis, shared by replicas,
 * so each scrape reads them once per known webhook (one read serves both gauges, which a scrape collects together).
 */
@Injectable()
export class EndpointStateMetrics implements OnModuleInit, OnModuleDestroy {
  private reading?: Promise<{ webhook: string; state: EndpointStateName; parked: number }[]>;

  constructor(
    private readonly webhooks: WebhookCatalog,
    private readonly health: EndpointHealthRepository,
  ) {}

  onModuleInit(): void {
    sources.add(this);
  }

  onModuleDestroy(): void {
    sources.delete(this);
  }

  read(): Promise<{ webhook: string; state: EndpointStateName; parked: number }[]> {
    this.reading ??= this.readNow().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readNow(): Promise<{ webhook: string; state: EndpointStateName; parked: number }[]> {
    return Promise.all(
      [...this.webhooks.all()].map(async ({ id }) => {
        const [state, parked] = await Promise.all([this.health.state(id), this.health.parkedCount(id)]);
        return { webhook: id, state: state.disabled ? 'disabled' : state.openUntil > 0 ? 'open' : 'healthy', parked } as const;
      }),
    );
  }
}
