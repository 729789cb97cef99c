// @platformatic/kafka adapter for the benchmark (native ESM + TypeScript types).
import { readFileSync } from 'node:fs'
import { Admin, Consumer, Producer, compatibilityPartitioner, stringDeserializers } from '@platformatic/kafka'
import { runPool } from './util.mjs'

export const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@platformatic/kafka')), 'utf8')).version
export const label = `@platformatic/kafka ${version}`

export function createClient({ brokers, clientId }) {
  const warnings = []
  const admin = new Admin({ clientId, bootstrapBrokers: brokers })

  return {
    label,
    warnings,
    createTopic: (topic, partitions) => admin.createTopics({ topics: [topic], partitions, replicas: 1 }),
    deleteTopics: topics => admin.deleteTopics({ topics }),
    deleteGroups: groups => admin.deleteGroups({ groups }),
    committedTotal: async (groupId, topic) => {
      const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
      const t = group.topics.find(x => x.name === topic)
      return t.partitions.reduce((s, p) => s + Number(p.committedOffset), 0)
    },

    async produce({ topic, messages, batchSize, inFlight }) {
      // idempotent: true forces acks=-1, maxInflights=1 per connection and unlimited retries.
      // compatibilityPartitioner = Java/kafkajs murmur2 (the default partitioner maps keys differently).
      const producer = new Producer({
        clientId,
        bootstrapBrokers: brokers,
        idempotent: true,
        acks: -1,
        partitioner: compatibilityPartitioner
      })
      await producer.initIdempotentProducer({}) // otherwise done lazily by the first send()
      const batches = []
      for (let i = 0; i < messages.length; i += batchSize) {
        batches.push(messages.slice(i, i + batchSize).map(m => ({ topic, key: m.key, value: m.value })))
      }
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      await runPool(batches, inFlight, batch => producer.send({ messages: batch }))
      const ms = performance.now() - t0
      const cpu = process.cpuUsage(cpu0)
      await producer.close()
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000 }
    },

    async consume({ topic, groupId, expected, registry, fetch, maxBatch }) {
      const consumer = new Consumer({
        clientId,
        groupId,
        bootstrapBrokers: brokers,
        maxBytes: fetch.maxBytes, // default 50 MB (maxBytesPerPartition defaults to maxBytes)
        maxBytesPerPartition: fetch.maxBytesPerPartition,
        // key as string; value stays a Buffer (decoded by the schema registry client)
        deserializers: { key: stringDeserializers.key }
      })
      let count = 0
      let mismatches = 0
      let batches = 0
      let tFirst
      let cpu0
      const t0 = performance.now()
      // Defaults are autocommit: true and mode: 'latest' (ignores committed offsets!) - override both.
      const stream = await consumer.consume({ topics: [topic], autocommit: false, mode: 'committed', fallbackMode: 'earliest' })
      const batch = []
      const processBatch = async () => {
        const values = await Promise.all(batch.map(m => registry.decode(m.value)))
        const lastByPartition = new Map()
        for (let i = 0; i < batch.length; i++) {
          if (values[i].customerId !== batch[i].key) mismatches++
          lastByPartition.set(batch[i].partition, batch[i])
        }
        // process batch -> commit (offset = next offset to read)
        await consumer.commit({
          offsets: [...lastByPartition.values()].map(m => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch }))
        })
        count += batch.length
        batches++
        batch.length = 0
      }
      for await (const message of stream) {
        if (tFirst === undefined) [tFirst, cpu0] = [performance.now(), process.cpuUsage()]
        batch.push(message)
        // A batch = whatever the stream has buffered (one or more fetches), capped at maxBatch.
        if (batch.length >= maxBatch || stream.readableLength === 0) await processBatch()
        if (count >= expected) break
      }
      const tEnd = performance.now()
      const cpu = process.cpuUsage(cpu0)
      await stream.close() // breaking out of for-await already destroys the stream; close() is idempotent
      await consumer.close() // leaves the group; close(true) would also close live streams
      return { ms: tEnd - tFirst, cpuMs: (cpu.user + cpu.system) / 1000, joinMs: tFirst - t0, count, mismatches, batches }
    },

    close: () => admin.close()
  }
}
