import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { PartitionLag } from './consumer/consumer-lag.js';

/** What the metrics read from a running consume loop. */
export interface ObservedLoop {
  readonly groupId: string;
  readonly inFlight: number;
  oldestOpenMs(): number;
  lag(): Promise<PartitionLag[]>;
}

/** A scrape must answer even while the broker does not: a loop whose lag is not known in time is left out. */
const LAG_TIMEOUT_MS = 2_000;

const loops = new Set<ObservedLoop>();

/** Consume-loop metrics, shared by every loop in the process (labelled by group and topic). */
export const consumeMetrics = {
  consumed: new Counter({ name: 'cuewire_kafka_records_handled_total', help: 'Records handled', labelNames: ['group', 'topic'] }),
  deadLettered: new Counter({
    name: 'cuewire_kafka_records_dead_lettered_total',
    help: 'Records sent to the dead-letter topic',
    labelNames: ['group', 'topic', 'stage'],
  }),
  lossReplays: new Counter({
    name: 'cuewire_kafka_loss_replays_total',
    help: 'Times a consumer handled its records since the last commit again because the state store reported that acknowledged writes may have been lost (a Redis master failed over before its replica had them)',
    labelNames: ['group'],
  }),
  fetchRewinds: new Counter({
    name: 'cuewire_kafka_fetch_rewinds_total',
    help: 'Times a partition was fetched again because the client handed out a record past records it had not (a fetch answered after a rejoin)',
    labelNames: ['group', 'topic'],
  }),
  recordSeconds: new Histogram({
    name: 'cuewire_kafka_record_seconds',
    help: 'Time from a record starting to its outputs being acknowledged',
    labelNames: ['group'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30],
  }),
  inFlight: new Gauge({
    name: 'cuewire_kafka_records_in_flight',
    help: 'Records fetched and not yet complete',
    labelNames: ['group'],
    collect() {
      this.reset();
      for (const loop of loops) this.inc({ group: loop.groupId }, loop.inFlight);
    },
  }),
  oldestOpen: new Gauge({
    name: 'cuewire_kafka_oldest_open_record_seconds',
    help: 'How long the oldest record not yet complete has been open (a stuck consumer grows this)',
    labelNames: ['group'],
    collect() {
      this.reset();
      for (const loop of loops) this.set({ group: loop.groupId }, Math.max(0, loop.oldestOpenMs()) / 1000);
    },
  }),
  lag: new Gauge({
    name: 'cuewire_kafka_consumer_lag',
    help: 'Records written to an assigned partition and not yet committed by the group (high watermark less committed offset), read from the broker at each scrape',
    labelNames: ['group', 'topic', 'partition'],
    async collect() {
      this.reset();
      const timeout = () => sleep(LAG_TIMEOUT_MS, [], { ref: false });
      const read = await Promise.all([...loops].map(async (loop) => ({ group: loop.groupId, lags: await Promise.race([loop.lag().catch(() => []), timeout()]) })));
      for (const { group, lags } of read) for (const { topic, partition, lag } of lags) this.set({ group, topic, partition: String(partition) }, lag);
    },
  }),
  observe(loop: ObservedLoop): () => void {
    loops.add(loop);
    return () => loops.delete(loop);
  },
};
