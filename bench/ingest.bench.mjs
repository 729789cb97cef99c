#!/usr/bin/env node
// Ingest benchmark, all on loopback, bounded in count and time. In one run, against one broker:
//   1. raw Kafka produce (pre-encoded Avro bytes, idempotent, acks=all): the machine's ceiling
//   2. direct-Kafka producer (Avro encode + produce, as examples/direct-producer.mjs does)
//   3. HTTP POST /v1/events, one event per request, open loop at a fixed offered rate: events/s, p50/p99
//   4. HTTP POST /v1/events with 100-event arrays, 4 requests in flight
//   5. HTTP POST /v1/events/bulk, one streamed NDJSON request
// Needs `npm run build` (it runs dist/apps/ingest as its own process).
//
//   KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 REDIS_URL=redis://127.0.0.1:6379 \
//     node bench/ingest.bench.mjs [--rate 1000] [--seconds 10] [--messages 100000]
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { Admin, compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka'
import { Pool } from 'undici'
import { runPool } from './lib/util.mjs'

const opt = { rate: 1000, seconds: 10, messages: 100_000 }
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, '')] = Number(process.argv[i + 1])
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7'
const root = join(import.meta.dirname, '..')
const prefix = `bench-ingest-${Date.now().toString(36)}.`
const topic = `${prefix}cw.customer-events.v1`
const log = m => process.stderr.write(`${m}\n`)
// The ingest process's bootstrap key (CUEWIRE_ADMIN_KEY): the HTTP phases send it, as every client must.
const apiKey = 'bench-ingest-admin-key-0123456789abcdef'

console.log('Reproduce with (from the repository root, after `npm run build`):\n\n```sh')
console.log(`KAFKA_BROKERS=${brokers.join(',')} SCHEMA_REGISTRY_URL=${registryUrl} REDIS_URL=${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'} node bench/ingest.bench.mjs --rate ${opt.rate} --seconds ${opt.seconds} --messages ${opt.messages}`)
console.log('```\n')

const event = i => ({ customerId: `cust-${i % 10_000}`, type: 'purchase', occurredAt: 1_795_000_000_000 + i, properties: { orderId: `o-${i}`, total: (i % 997) / 10, currency: 'EUR', items: [{ sku: `SKU-${i % 50}`, qty: 1 + (i % 3), unitPrice: 19.9 }, { sku: 'SKU-7', qty: 1, unitPrice: 5 }] } })
const avroValue = (i, now) => { const e = event(i); return { eventId: `bench-${i}`, customerId: e.customerId, type: e.type, occurredAt: e.occurredAt, receivedAt: now, source: 'kafka', properties: JSON.stringify(e.properties) } }

async function freePort() {
  return new Promise(resolve => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) }) })
}

async function startIngest() {
  const port = await freePort()
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the ingest process during the run.
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(root, 'dist/apps/ingest/src/main.js')], {
    env: { ...process.env, NODE_ENV: 'production', HTTP_PORT: String(port), KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_PREFIX: prefix, REDIS_KEY_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '3', LOG_LEVEL: 'error', CUEWIRE_ADMIN_KEY: apiKey },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 240; i++) {
    if (await fetch(`${url}/health/ready`).then(r => r.ok, () => false)) return { url, child }
    await sleep(250)
  }
  child.kill()
  throw new Error('ingest did not become ready')
}

function kafkaProducer() {
  return new Producer({ clientId: 'bench-ingest', bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, partitioner: compatibilityPartitioner, serializers: { key: stringSerializer } })
}

async function produceAll(messages) {
  const producer = kafkaProducer()
  const batches = []
  for (let i = 0; i < messages.length; i += 1000) batches.push(messages.slice(i, i + 1000))
  const t0 = performance.now()
  await runPool(batches, 4, batch => producer.send({ messages: batch }))
  const ms = performance.now() - t0
  await producer.close()
  return ms
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] }
const rows = []
const ingest = await startIngest()
try {
  const registry = new SchemaRegistry({ host: registryUrl })
  const schema = readFileSync(join(root, 'schemas/customer-event.avsc'), 'utf8')
  const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: `${topic}-value` })
  const N = opt.messages

  log(`raw produce of ${N} pre-encoded events…`)
  const now = Date.now()
  const encoded = await Promise.all(Array.from({ length: N }, async (_, i) => ({ topic, key: `cust-${i % 10_000}`, value: await registry.encode(id, avroValue(i, now)) })))
  const rawMs = await produceAll(encoded)
  rows.push(['raw Kafka produce (pre-encoded, acks=all)', N, N / (rawMs / 1000), '', ''])

  log(`direct-Kafka producer (encode + produce) of ${N} events…`)
  const t0 = performance.now()
  const direct = await Promise.all(Array.from({ length: N }, async (_, i) => ({ topic, key: `cust-${i % 10_000}`, value: await registry.encode(id, avroValue(i, now)) })))
  await produceAll(direct)
  rows.push(['direct Kafka (Avro encode + produce)', N, N / ((performance.now() - t0) / 1000), '', ''])

  // undici's Pool, not fetch: the client must not be what limits the rate (keep-alive, 256 connections).
  const pool = new Pool(ingest.url, { connections: 256, pipelining: 1 })
  const post = async body => {
    const res = await pool.request({ method: 'POST', path: '/v1/events', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body })
    await res.body.dump()
    return res.statusCode
  }
  const count = Math.min(opt.rate * opt.seconds, N)
  log(`HTTP single events at ${opt.rate}/s offered, ${count} requests…`)
  const latencies = []
  let ok = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    await sleep(Math.max(0, start + (i * 1000) / opt.rate - performance.now()))
    const t = performance.now()
    const status = await post(JSON.stringify(event(i)))
    latencies.push(performance.now() - t)
    if (status === 202) ok++
  }))
  const singleSeconds = (performance.now() - start) / 1000
  rows.push([`HTTP POST /v1/events, 1 event/request, ${opt.rate}/s offered`, count, ok / singleSeconds, pct(latencies, 50).toFixed(1), pct(latencies, 99).toFixed(1)])

  log(`HTTP arrays of 100, ${N} events…`)
  const arrays = Array.from({ length: N / 100 }, (_, b) => JSON.stringify(Array.from({ length: 100 }, (_, k) => event(b * 100 + k))))
  const batchLat = []
  const tb = performance.now()
  await runPool(arrays, 4, async body => { const t = performance.now(); const status = await post(body); if (status !== 202) throw new Error(`status ${status}`); batchLat.push(performance.now() - t) })
  rows.push(['HTTP POST /v1/events, arrays of 100, 4 in flight', N, N / ((performance.now() - tb) / 1000), pct(batchLat, 50).toFixed(1), pct(batchLat, 99).toFixed(1)])

  log(`HTTP NDJSON bulk, ${N} lines in one request…`)
  const ndjson = Array.from({ length: N }, (_, i) => JSON.stringify(event(i))).join('\n')
  const tn = performance.now()
  const bulk = await fetch(`${ingest.url}/v1/events/bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${apiKey}` }, body: ndjson })
  const bulkBody = await bulk.json()
  if (bulk.status !== 202 || bulkBody.accepted !== N) throw new Error(`bulk: ${bulk.status} ${JSON.stringify(bulkBody).slice(0, 200)}`)
  rows.push(['HTTP POST /v1/events/bulk (NDJSON, one request)', N, N / ((performance.now() - tn) / 1000), '', ''])
  await pool.close()
} finally {
  ingest.child.kill('SIGTERM')
  const admin = new Admin({ clientId: 'bench-ingest-admin', bootstrapBrokers: brokers })
  const mine = (await admin.listTopics()).filter(t => t.startsWith(prefix))
  if (mine.length) await admin.deleteTopics({ topics: mine }).catch(e => log(`cleanup: ${e.message}`))
  await admin.close()
  for (const t of mine) await fetch(`${registryUrl}/subjects/${t}-value`, { method: 'DELETE' }).catch(() => undefined)
}

console.log(`| path | events | events/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |`)
for (const [name, n, rate, p50, p99] of rows) console.log(`| ${name} | ${n.toLocaleString('en-US')} | ${Math.round(rate).toLocaleString('en-US')} | ${p50} | ${p99} |`)
console.log(`\nload average during the run: ${loadavg().map(l => l.toFixed(2)).join(' ')}; Node ${process.version}`)
process.exit(0)
