// Where the open loop's event → webhook latency builds up, hop by hop. After the open loop, the
// records each stage wrote during it are read back from their topics: each carries the
// load generator's `sentAt` (in the event's properties, copied into what each stage derives from
// it), and Kafka's timestamp of the record says when that stage wrote it. The percentiles of
// (record timestamp − sentAt) per topic, beside the receiver's (arrival − sentAt), show which hop
// adds the tail. Records without a `sentAt` (written before the open loop) are not counted.
import { randomUUID } from 'node:crypto'
import { Consumer, MessagesStreamModes, stringDeserializer } from '@platformatic/kafka'
import { percentile } from './measure.mjs'

/** The next offset of every partition of each topic: where the records of a phase starting now begin. */
export async function endOffsets(admin, topics, partitions) {
  const ends = await admin.listOffsets({ topics: topics.map((name) => ({ name, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) })) })
  return new Map(ends.map((t) => [t.name, t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.offset }))]))
}

// `sentAt` sits in the event's JSON properties, so downstream it may be inside an escaped JSON string.
const SENT_AT = /sentAt\\*":\s*(\d{13})/g

/**
 * The latest `sentAt` in a record: a sequence's trigger carries every event of the sequence, and
 * the last one is what made it fire (the first may be from minutes before, even the closed loop).
 */
function latestSentAt(json) {
  let latest
  for (const [, at] of json.matchAll(SENT_AT)) if (latest === undefined || Number(at) > latest) latest = Number(at)
  return latest
}

/** JSON.stringify's replacer: bigints as strings, bytes (a rendered body) as their UTF-8 text. */
function text(_key, v) {
  if (typeof v === 'bigint') return String(v)
  if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('utf8')
  return v
}

/** { sentAt, delay: timestamp − sentAt } in ms of each record written to `topic` from `from` (endOffsets) up to its end now. */
async function delaysOf({ brokers, serde, topic, from }) {
  const consumer = new Consumer({
    clientId: `bench-hops-${randomUUID()}`,
    groupId: `bench-hops-${randomUUID()}`,
    bootstrapBrokers: brokers,
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
    autocommit: false,
    maxWaitTime: 100,
  })
  const delays = []
  try {
    const ends = await consumer.listOffsets({ topics: [topic] })
    const pending = new Map(from.map(({ partition, offset }) => [partition, { from: offset, end: ends.get(topic)[partition] }]).filter(([, r]) => r.end > r.from))
    if (pending.size === 0) return delays
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.MANUAL, offsets: [...pending].map(([partition, r]) => ({ topic, partition, offset: r.from })) })
    try {
      for await (const message of stream) {
        const range = pending.get(message.partition)
        if (!range || message.offset < range.from || message.offset >= range.end) continue
        if (message.offset + 1n >= range.end) pending.delete(message.partition)
        if (message.value?.length) {
          const value = await serde.decode(message.value)
          const sentAt = latestSentAt(JSON.stringify(value, text))
          if (sentAt !== undefined) delays.push({ sentAt, delay: Number(message.timestamp) - sentAt })
        }
        if (pending.size === 0) break
      }
    } finally {
      await stream.close().catch(() => undefined)
    }
  } finally {
    await consumer.close(true).catch(() => undefined)
  }
  return delays
}

/**
 * Per hop: how many of the open loop's records it wrote, p50 / p99 / p99.9 / max of their
 * (timestamp − sentAt), and the p99 of each `windowMs` of the open loop; `hops` is
 * [{ label, topic }] in pipeline order, `from` the endOffsets taken before the open loop. The
 * percentiles count only records of events sent at or after `since` (the end of the warm-up);
 * the windows cover the whole open loop, warm-up included.
 */
export async function hopLatencies({ brokers, serde, hops, from, since = 0, windowMs = 5_000 }) {
  const rows = []
  for (const { label, topic } of hops) {
    const samples = await delaysOf({ brokers, serde, topic, from: from.get(topic) ?? [] })
    const delays = Float64Array.from(samples.filter((s) => s.sentAt >= since), (s) => s.delay).sort()
    // The p99 of each `windowMs` of the open loop (by sentAt): a stall shows as one window, general queueing as all.
    const first = samples.reduce((min, s) => Math.min(min, s.sentAt), Infinity) // no spread: a long open loop has more samples than a call takes arguments
    const windows = []
    for (const s of samples) (windows[Math.floor((s.sentAt - first) / windowMs)] ??= []).push(s.delay)
    const p99ByWindow = Array.from(windows, (w) => (w ? percentile(Float64Array.from(w).sort(), 99) : null))
    rows.push({ label, count: delays.length, p50: percentile(delays, 50), p99: percentile(delays, 99), p999: percentile(delays, 99.9), max: delays[delays.length - 1], p99ByWindow })
  }
  return rows
}
