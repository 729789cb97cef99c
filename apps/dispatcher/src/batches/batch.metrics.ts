import { Gauge } from 'prom-client';

const sources = new Set<() => number>();

new Gauge({
  name: 'cuewire_delivery_batch_items_held',
  help: 'Batch items being collected: waiting for their batch to fill or for maxWaitMs, their records uncommitted',
  collect() {
    let held = 0;
    for (const source of sources) held += source();
    this.set(held);
  },
});

/** Reports a collector's held items on every scrape. */
export function observeHeldItems(source: () => number): void {
  sources.add(source);
}
