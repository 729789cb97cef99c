// Poison records for the fault suite: for every input topic of the pipeline, a record that is
// not Avro, one with a schema id the registry does not know, one that is valid Avro with
// content that cannot be handled, and (where it applies) one whose output would be too large.
// Each has a key of its own, so its dead letter can be found and its reason read.
import { randomUUID } from 'node:crypto';
import { compatibilityPartitioner, Consumer, MessagesStreamModes, Producer, stringDeserializer, stringSerializer } from '@platformatic/kafka';

const UNKNOWN_SCHEMA = Buffer.from([0, 0x7f, 0xff, 0xff, 0x01, 2, 4, 6, 8]);

// Each impossible record is its own customer, so whichever stage dead-letters it (the letter is
// keyed like the record it failed on) the letter carries the poison key.
function impossible(Topics) {
  const event = (tag, over = {}) => ({ eventId: `poison-${randomUUID()}`, customerId: `poison-${tag}`, type: 'purchase', occurredAt: Date.now(), receivedAt: Date.now(), source: 'faults', properties: '{}', ...over });
  return [
    // A time no JavaScript Date can hold (a valid Avro long).
    { topic: Topics.customerEvents, tag: 'events-impossible-time', value: event('events-impossible-time', { occurredAt: 8.64e15 + 1, receivedAt: 8.64e15 + 1 }) },
    // Properties that are not a JSON object.
    { topic: Topics.customerEvents, tag: 'events-properties-not-json', value: event('events-properties-not-json', { properties: '{not json' }) },
    // An event whose enriched form (event + profile) is over the broker's record limit.
    // Fits the broker (1,048,588 bytes a batch) but not once enriched (over 1,000,000 a record).
    { topic: Topics.customerEvents, tag: 'events-oversized-output', value: event('events-oversized-output', { properties: JSON.stringify({ blob: 'x'.repeat(1_000_500) }) }) },
    { topic: Topics.customerProfiles, tag: 'profiles-not-json', value: { customerId: 'poison-profiles-not-json', attributes: '[[[', updatedAt: Date.now() } },
    { topic: Topics.enrichedEvents, tag: 'enriched-profile-not-object', value: { event: event('enriched-profile-not-object'), profile: '[1,2,3]', segments: [], enrichedAt: Date.now() } },
    {
      topic: Topics.campaignTriggers,
      tag: 'triggers-impossible-time',
      value: { triggerId: `poison-${randomUUID()}`, campaignId: 'f-event', campaignVersion: 1, campaignName: 'x', customerId: 'poison-triggers-impossible-time', webhookIds: ['wh-event'], events: [event('triggers-impossible-time', { occurredAt: -8.64e15 - 5 })], profile: '{}', firedAt: Date.now() },
    },
  ];
}

const INPUTS = ['customerEvents', 'customerProfiles', 'enrichedEvents', 'campaignTriggers', 'webhookRequests'];

/** Writes every poison record; returns the keys expected in the dead-letter topic. */
export async function writePoisonRecords({ runId, infra, modules, serde }) {
  const { Topics } = modules;
  const producer = new Producer({ clientId: 'faults-poison', bootstrapBrokers: infra.kafkaBrokers.split(','), partitioner: compatibilityPartitioner, serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer } });
  const topic = (contract) => `${runId}.${contract.name}`;
  const messages = [];
  for (const name of INPUTS) {
    messages.push({ topic: topic(Topics[name]), key: `poison-${name}-bytes`, value: Buffer.from('{"this is":"not avro"}') });
    messages.push({ topic: topic(Topics[name]), key: `poison-${name}-schema-id`, value: UNKNOWN_SCHEMA });
  }
  for (const p of impossible(Topics)) {
    messages.push({ topic: topic(p.topic), key: p.value.customerId ?? `poison-${p.tag}`, value: await serde.encode(topic(p.topic), p.topic.schema, p.value) });
  }
  try {
    for (const m of messages) await producer.send({ messages: [m] });
  } finally {
    await producer.close();
  }
  return messages.map((m) => m.key);
}

export const expectedPoisonKeys = (Topics) => [
  ...INPUTS.flatMap((name) => [`poison-${name}-bytes`, `poison-${name}-schema-id`]),
  ...impossible(Topics).map((p) => `poison-${p.tag}`),
];

/** Reads the run's dead-letter topic until every poison key is there (or 60 s pass). */
export async function readDeadLetters({ runId, infra, modules, serde }) {
  const expected = expectedPoisonKeys(modules.Topics);
  const found = new Map();
  const consumer = new Consumer({
    clientId: 'faults-dlq-reader',
    groupId: `faults-dlq-${randomUUID()}`,
    bootstrapBrokers: infra.kafkaBrokers.split(','),
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
    autocommit: false,
    maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [`${runId}.${modules.Topics.deadLetters.name}`], mode: MessagesStreamModes.EARLIEST });
  try {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 60_000);
      stream.on('data', async (m) => {
        if (!expected.includes(m.key) || found.has(m.key)) return;
        const letter = await serde.decode(m.value).catch(() => ({ reason: '(undecodable letter)', stage: '?' }));
        found.set(m.key, `${letter.stage}: ${letter.reason.slice(0, 120)}`);
        if (expected.every((k) => found.has(k))) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await stream.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  }
  return { expected: expected.length, found: found.size, detail: Object.fromEntries(expected.map((k) => [k, found.get(k) ?? 'MISSING'])) };
}
