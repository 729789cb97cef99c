import { Counter, Histogram } from 'prom-client';

/** Consume-loop metrics, shared by every loop in the process (labelled by group and topic). */
export const consumeMetrics = {
  consumed: new Counter({ name: 'cuewire_kafka_records_handled_total', help: 'Records handled', labelNames: ['group', 'topic'] }),
  deadLettered: new Counter({
    name: 'cuewire_kafka_records_dead_lettered_total',
    help: 'Records sent to the dead-letter topic',
    labelNames: ['group', 'topic', 'stage'],
  }),
  batchSeconds: new Histogram({
    name: 'cuewire_kafka_batch_seconds',
    help: 'Time to handle, produce and commit one batch',
    labelNames: ['group'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
};
