// Measurements for the campaign-engine benchmark: committed offsets, end offsets, process CPU,
// Redis command counts, and the raw consume+produce loop that is the machine's limit.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { compatibilityPartitioner, Consumer, MessagesStreamModes, Producer, ProduceAcks, stringDeserializer, stringSerializer } from '@platformatic/kafka'

const CLK_TCK = (() => { try { return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100 } catch { return 100 } })()

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null when unknown. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK // utime, stime (fields 14 and 15)
  } catch { return null }
}

/** Sum of the group's committed offsets on `topic` (0 before its first commit). */
export async function committed(admin, groupId, topic) {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
  const t = group?.topics?.find((x) => x.name === topic)
  return t ? t.partitions.reduce((s, p) => s + Math.max(0, Number(p.committedOffset)), 0) : 0
}

/** Sum of the topic's end offsets. */
export async function endOffsets(admin, topic, partitions) {
  const [t] = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, timestamp: -1n })) }] })
  return t.partitions.reduce((sum, p) => sum + Number(p.offset), 0)
}

/** Redis-wide counters (commands by name, CPU): the deltas over a phase show the cost per event. */
export async function redisCounters(redis) {
  const [stats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')])
  const calls = {}
  for (const m of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) calls[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) }
  const num = (k) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0)
  return { calls, cpu: num('used_cpu_user') + num('used_cpu_sys') }
}

export function redisDelta(before, after) {
  const calls = Object.entries(after.calls)
    .map(([cmd, v]) => ({ cmd, calls: v.calls - (before.calls[cmd]?.calls ?? 0), usec: v.usec - (before.calls[cmd]?.usec ?? 0) }))
    .filter((x) => x.calls > 0)
    .sort((a, b) => b.calls - a.calls)
  return { calls, cpu: after.cpu - before.cpu }
}

/**
 * The machine's limit for one hop: consume `expected` records from `source` with a fresh group,
 * produce each value unchanged (same key, same bytes) to `target` (idempotent, acks=all, the
 * Java partitioner, as TypedProducer), and commit each batch after its produce is acknowledged.
 * Same consumer settings and batch cap as our ConsumeLoop; no decoding, no logic.
 */
export async function rawLoop({ brokers, source, target, groupId, expected, maxBatch = 500, checkDeadline }) {
  const consumer = new Consumer({
    clientId: `${groupId}-consumer`, groupId, bootstrapBrokers: brokers,
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
    autocommit: false, sessionTimeout: 20_000, heartbeatInterval: 1_000, maxWaitTime: 200, maxBytes: 10 * 1_048_576,
  })
  const producer = new Producer({
    clientId: `${groupId}-producer`, bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, partitioner: compatibilityPartitioner,
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  })
  await producer.initIdempotentProducer({})
  const t0 = performance.now()
  const stream = await consumer.consume({ topics: [source], mode: MessagesStreamModes.COMMITTED, fallbackMode: 'earliest' })
  const joinMs = performance.now() - t0
  const cpu0 = process.cpuUsage()
  const tStart = performance.now()
  let count = 0
  let batches = 0
  let bytes = 0
  const batch = []
  try {
    for await (const message of stream) {
      batch.push(message)
      if (batch.length < maxBatch && stream.readableLength > 0) continue
      await producer.send({ messages: batch.map((m) => ({ topic: target, key: m.key, value: m.value })) })
      const last = new Map()
      for (const m of batch) { last.set(m.partition, m); bytes += m.value.length }
      await consumer.commit({ offsets: [...last.values()].map((m) => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch })) })
      count += batch.length
      batches++
      batch.length = 0
      if (count >= expected) break
      checkDeadline('raw consume+produce loop')
    }
  } finally {
    await stream.close().catch(() => {})
    await consumer.close(true).catch(() => {})
    await producer.close().catch(() => {})
  }
  const ms = performance.now() - tStart
  const cpu = process.cpuUsage(cpu0)
  return { count, batches, ms, joinMs, avgValueBytes: bytes / Math.max(1, count), cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}
