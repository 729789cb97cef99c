import { Counter, Gauge, Histogram } from 'prom-client';

/** What the metrics read from a running consume loop. */
export interface ObservedLoop {
  readonly groupId: string;
  readonly inFlight: number;
  oldestOpenMs(): number;
}

const loops = new Set<ObservedLoop>();

/** Consume-loop metrics, shared by every loop in the process (labelled by group and topic). */
export const consumeMetrics = {
  consumed: new Counter({ name: 'cuewire_kafka_records_handled_total', help: 'Records handled', labelNames: ['group', 'topic'] }),
  deadLettered: new Counter({
    name: 'cuewire_kafka_records_dead_lettered_total',
    help: 'Records sent to the dead-letter topic',
    labelNames: ['group', 'topic', 'stage'],
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
  observe(loop: ObservedLoop): () => void {
    loops.add(loop);
    return () => loops.delete(loop);
  },
};
