#!/usr/bin/env node
// Writing customer events straight to Kafka, without the HTTP API: what any producer (Java,
// Go, Kafka Connect, …) must do for Cuewire to treat its records exactly like API events.
//
//   KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 \
//     node examples/direct-producer.mjs [count=10] [customerId=c-direct]
//
// The contract (docs/direct-kafka.md):
//   topic   cw.customer-events.v1 (KAFKA_TOPIC_PREFIX prepended when an install uses one)
//   key     the customer id as a UTF-8 string, partitioned like the Java client (murmur2):
//           one customer's events stay in order on one partition
//   value   Avro, schemas/customer-event.avsc, Confluent wire format (0x00, 4-byte schema id,
//           body), schema registered under the subject `<topic>-value`
//   acks    all, idempotent producer: a record is written when send() resolves
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const topic = `${process.env.KAFKA_TOPIC_PREFIX ?? ''}cw.customer-events.v1`;
const count = Number(process.argv[2] ?? 10);
const customerId = process.argv[3] ?? 'c-direct';

const registry = new SchemaRegistry({ host: registryUrl });
const schema = readFileSync(new URL('../schemas/customer-event.avsc', import.meta.url), 'utf8');
// Cuewire registers the schema when it starts; registering the same text again returns the same id.
const { id: schemaId } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: `${topic}-value` });

const producer = new Producer({
  clientId: 'direct-producer-example',
  bootstrapBrokers: brokers,
  idempotent: true,
  acks: ProduceAcks.ALL,
  partitioner: compatibilityPartitioner, // Java-compatible: same partition as Cuewire's own records for the key
  serializers: { key: stringSerializer },
});

const now = Date.now();
const events = Array.from({ length: count }, (_, i) => ({
  eventId: process.env.EVENT_ID_PREFIX ? `${process.env.EVENT_ID_PREFIX}-${i}` : randomUUID(), // unique; reuse it on retries
  customerId,
  type: 'purchase',
  occurredAt: now - 1000 + i, // event time (ms); Cuewire keeps it beside receivedAt
  receivedAt: now,
  source: 'kafka',
  properties: JSON.stringify({ total: 10 + i, currency: 'EUR', items: [{ sku: 'SKU-1', qty: 1 }] }), // a JSON object, as text
}));
const messages = await Promise.all(events.map(async (e) => ({ topic, key: e.customerId, value: await registry.encode(schemaId, e) })));
await producer.send({ messages });
await producer.close();
console.log(JSON.stringify({ topic, schemaId, produced: events.length, eventIds: events.map((e) => e.eventId) }));
