// kafkajs adapter for the benchmark (CommonJS package, imported from ESM).
import { createRequire } from 'node:module'
import kafkajs from 'kafkajs'
import { runPool, settle } from './util.mjs'

const { Kafka, Partitioners, logLevel } = kafkajs
export const version = createRequire(import.meta.url)('kafkajs/package.json').version
export const label = `kafkajs ${version}`

export function createClient({ brokers, clientId }) {
  const warnings = []
  // Collect WARN/ERROR log lines instead of printing them in the middle of the table.
  const logCreator = () => ({ namespace, level, log }) => {
    if (level <= logLevel.WARN) warnings.push(`${level === logLevel.ERROR ? 'ERROR' : 'WARN'} [${namespace}] ${log.message}${log.error ? `: ${log.error}` : ''}`)
  }
  const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.WARN, logCreator })
  const admin = kafka.admin()
  let adminReady

  const withAdmin = async fn => {
    adminReady ??= admin.connect()
    await adminReady
    return fn(admin)
  }

  return {
    label,
    warnings,
    createTopic: (topic, numPartitions) =>
      withAdmin(a => a.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, replicationFactor: 1 }] })),
    deleteTopics: topics => withAdmin(a => a.deleteTopics({ topics })),
    deleteGroups: groups => withAdmin(a => a.deleteGroups(groups)),
    committedTotal: (groupId, topic) =>
      withAdmin(async a => {
        const [t] = await a.fetchOffsets({ groupId, topics: [topic] })
        return t.partitions.reduce((s, p) => s + Number(p.offset), 0)
      }),

    async produce({ topic, messages, batchSize, inFlight }) {
      // Idempotent => kafkajs forces acks=-1 semantics (warns otherwise) and retries=MAX_SAFE_INTEGER.
      // Java-compatible murmur2 partitioner, named explicitly to silence the v2 partitioner warning.
      const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner })
      await producer.connect() // also performs InitProducerId for the idempotent producer
      const batches = []
      for (let i = 0; i < messages.length; i += batchSize) batches.push(messages.slice(i, i + batchSize))
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      await runPool(batches, inFlight, batch => producer.send({ topic, acks: -1, messages: batch }))
      const ms = performance.now() - t0
      const cpu = process.cpuUsage(cpu0)
      await producer.disconnect()
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000 }
    },

    async consume({ topic, groupId, expected, registry, fetch }) {
      // eachBatch hands over one partition's fetched records: its size is bounded by maxBytesPerPartition.
      const consumer = kafka.consumer({ groupId, maxBytes: fetch.maxBytes, maxBytesPerPartition: fetch.maxBytesPerPartition })
      let count = 0
      let mismatches = 0
      let batches = 0
      let tFirst
      let cpu0
      const done = settle()
      const t0 = performance.now()
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          if (batch.isEmpty()) return
          if (tFirst === undefined) [tFirst, cpu0] = [performance.now(), process.cpuUsage()]
          const values = await Promise.all(batch.messages.map(m => registry.decode(m.value)))
          for (let i = 0; i < values.length; i++) {
            if (values[i].customerId !== batch.messages[i].key.toString()) mismatches++
          }
          // process batch -> commit (offset = next offset to read, as a string)
          const last = batch.lastOffset()
          resolveOffset(last)
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }])
          await heartbeat()
          count += batch.messages.length
          batches++
          if (count >= expected) done.resolve()
        }
      })
      consumer.on(consumer.events.CRASH, e => done.reject(e.payload.error))
      await done.promise
      const tEnd = performance.now()
      const cpu = process.cpuUsage(cpu0)
      await consumer.disconnect()
      return { ms: tEnd - tFirst, cpuMs: (cpu.user + cpu.system) / 1000, joinMs: tFirst - t0, count, mismatches, batches }
    },

    close: async () => {
      if (adminReady) await admin.disconnect()
    }
  }
}
