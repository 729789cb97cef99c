#!/usr/bin/env node
// Feedback-receiver benchmark: how many signed provider callbacks per second the built service
// accepts (each answered 200 only after Kafka acknowledged it and Redis dedupe was checked), and,
// for comparison, the raw produce rate of the same number of customer events through the same
// TypedProducer + Avro serde, measured in the same run on the same broker.
//
//   npm run build && KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 \
//     REDIS_URL=redis://127.0.0.1:6379 node bench/feedback.bench.mjs [--callbacks 4000] [--concurrency 16]
//       [--batch-size 50] [--max-seconds 60]
//
// Phases: (1) N Standard-Webhooks callbacks, one engagement each, pre-signed, at a fixed concurrency
// over keep-alive connections (undici); (2) N SendGrid events in signed batches of --batch-size
// (ECDSA P-256); (3) the first 10% of phase 1 replayed: each must come back as a duplicate;
// (4) the topic's end offsets must equal the accepted count; (5) raw produce of 2N events: one
// record per send at the same concurrency, then batches of 1,000. Each phase stops submitting
// after --max-seconds. Everything runs under a fresh topic/key prefix that is removed at the end.
import { spawn } from 'node:child_process'
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin } from '@platformatic/kafka'
import standardwebhooks from 'standardwebhooks'
import { Pool } from 'undici'
import { benchOptions, benchServers, printReproduce, removeRun } from './lib/options.mjs'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const opts = benchOptions('feedback', { callbacks: 4_000, concurrency: 16, batchSize: 50, maxSeconds: 60 })
const { brokers, registryUrl, redisUrl } = benchServers()
const log = (msg) => process.stderr.write(`${msg}\n`)
if (!existsSync(join(dist, 'apps/feedback-receiver/src/main.js'))) throw new Error('run `npm run build` first (the benchmark runs the built service)')

printReproduce('feedback.bench.mjs', { brokers, registryUrl, redisUrl }, opts)

const run = `bench-fb-${Date.now().toString(36)}`
const prefix = `${run}.`
const partitions = 3
const swSecret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`
const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const { Topics, allTopics } = await import(join(dist, 'libs/contracts/src/index.js'))
const { AvroSerde, TypedProducer, ensureTopics, physicalTopic } = await import(join(dist, 'libs/kafka/src/index.js'))

const port = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) }) })
const service = spawn(process.execPath, [join(dist, 'apps/feedback-receiver/src/main.js')], {
  env: {
    ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', HTTP_PORT: String(port), KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl, REDIS_URL: redisUrl,
    KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_PREFIX: run, REDIS_KEY_PREFIX: `${run}:`, KAFKA_TOPIC_PARTITIONS: String(partitions),
    FEEDBACK_STANDARD_WEBHOOKS_SECRETS: swSecret, FEEDBACK_SENDGRID_PUBLIC_KEY: sendgrid.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
})
const base = `http://127.0.0.1:${port}`
const pool = new Pool(base, { connections: opts.concurrency, pipelining: 1 })
const admin = new Admin({ clientId: `${run}-admin`, bootstrapBrokers: brokers })
const results = []
let failed = false

/** Sends pre-built requests with `concurrency` in flight; stops submitting at the deadline. */
async function drive(requests, expectBody) {
  const deadline = Date.now() + opts.maxSeconds * 1000
  let next = 0; let ok = 0; let bad = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: opts.concurrency }, async () => {
    while (next < requests.length && Date.now() < deadline) {
      const res = await pool.request({ method: 'POST', ...requests[next++] })
      const body = await res.body.json()
      if (res.statusCode === 200 && expectBody(body)) ok++
      else if (bad++ === 0) log(`  unexpected answer ${res.statusCode}: ${JSON.stringify(body)}`)
    }
  }))
  return { sent: next, ok, bad, ms: performance.now() - t0 }
}

async function endOffsets(topic) {
  const [t] = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, timestamp: -1n })) }] })
  return t.partitions.reduce((sum, p) => sum + Number(p.offset), 0)
}

try {
  const deadline = Date.now() + 60_000
  while (!(await fetch(`${base}/health/ready`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || service.exitCode !== null) throw new Error('feedback-receiver did not become ready')
    await sleep(200)
  }
  const N = opts.callbacks
  log(`Signing ${N} Standard-Webhooks callbacks and ${Math.ceil(N / opts.batchSize)} SendGrid batches...`)
  const wh = new standardwebhooks.Webhook(swSecret)
  const swRequests = Array.from({ length: N + 200 }, (_, i) => {
    const id = `msg_${run}_${i}`
    const body = JSON.stringify({ customerId: `cust-${i % 1000}`, type: 'email_click', deliveryId: `d-${i}`, campaignId: 'bench', url: `https://shop.example/p/${i}` })
    const at = new Date()
    return { path: '/v1/feedback/standard-webhooks', body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': wh.sign(id, at, body) } }
  })
  const sgRequests = []
  for (let start = 0; start < N; start += opts.batchSize) {
    const events = Array.from({ length: Math.min(opts.batchSize, N - start) }, (_, j) => ({ event: 'open', sg_event_id: `${run}-${start + j}`, timestamp: Math.floor(Date.now() / 1000), cuewire_customer_id: `cust-${(start + j) % 1000}`, cuewire_delivery_id: `sg-${start + j}`, cuewire_campaign_id: 'bench' }))
    const body = JSON.stringify(events)
    const ts = String(Math.floor(Date.now() / 1000))
    sgRequests.push({ path: '/v1/feedback/sendgrid', body, events: events.length, headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': ts, 'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(ts + body), { key: sendgrid.privateKey, dsaEncoding: 'der' }).toString('base64') } })
  }

  log('Warm-up: 200 callbacks (not timed)...')
  const warm = await drive(swRequests.splice(N), (b) => b.accepted === 1)
  log('Phase 1: Standard-Webhooks callbacks...')
  const sw = await drive(swRequests, (b) => b.accepted === 1)
  results.push(['Standard-Webhooks callbacks (1 event each)', sw.ok, sw.ms, `${(sw.ok / (sw.ms / 1000)).toFixed(0)} callbacks/s`])
  log('Phase 2: SendGrid batches...')
  const sg = await drive(sgRequests, (b) => b.accepted > 0 && b.duplicates === 0)
  const sgEvents = sgRequests.slice(0, sg.ok).reduce((s, r) => s + r.events, 0)
  results.push([`SendGrid batches (${opts.batchSize} events each)`, sgEvents, sg.ms, `${(sg.ok / (sg.ms / 1000)).toFixed(0)} batches/s`])
  log('Phase 3: replay 10% of phase 1...')
  const replay = await drive(swRequests.slice(0, Math.ceil(sw.ok / 10)), (b) => b.accepted === 0 && b.duplicates === 1)
  const published = await endOffsets(physicalTopic({ topicPrefix: prefix }, Topics.customerEvents))
  const expected = sw.ok + sgEvents
  failed = warm.bad + sw.bad + sg.bad + replay.bad > 0 || published !== expected + warm.ok

  log(`Phase 4: raw produce of ${expected} events (TypedProducer, same serde, same broker)...`)
  const settings = { brokers, clientId: `${run}-raw`, schemaRegistryUrl: registryUrl, partitions, replicationFactor: 1, topicPrefix: `${prefix}raw.` }
  await ensureTopics(settings, [Topics.customerEvents])
  const producer = new TypedProducer(settings, new AvroSerde(registryUrl))
  const record = (i) => ({ topic: Topics.customerEvents, key: `cust-${i % 1000}`, value: { eventId: `eng_${run}_${i}`, customerId: `cust-${i % 1000}`, type: 'email_click', occurredAt: Date.now(), receivedAt: Date.now(), source: 'feedback', properties: JSON.stringify({ deliveryId: `d-${i}`, campaignId: 'bench', url: `https://shop.example/p/${i}`, provider: 'bench' }) } })
  await producer.send([record(-1)]) // warm-up: schema registration, producer id, metadata
  let next = 0
  let t0 = performance.now()
  await Promise.all(Array.from({ length: opts.concurrency }, async () => { while (next < expected) await producer.send([record(next++)]) }))
  results.push([`raw produce, 1 record per send, ${opts.concurrency} in flight`, expected, performance.now() - t0, ''])
  t0 = performance.now()
  const batches = Array.from({ length: Math.ceil(expected / 1000) }, (_, b) => Array.from({ length: Math.min(1000, expected - b * 1000) }, (_, j) => record(expected + b * 1000 + j)))
  await Promise.all([0, 1, 2, 3].map(async (w) => { for (let b = w; b < batches.length; b += 4) await producer.send(batches[b]) }))
  results.push(['raw produce, batches of 1,000, 4 in flight', expected, performance.now() - t0, ''])
  await producer.close()

  console.log(`| Path (${cpus().length} CPUs, load avg ${loadavg()[0].toFixed(2)}) | events | ms | events/s | note |\n|---|---:|---:|---:|---|`)
  for (const [what, n, ms, note] of results) console.log(`| ${what} | ${n} | ${ms.toFixed(0)} | ${Math.round(n / (ms / 1000)).toLocaleString('en-US')} | ${note} |`)
  console.log(`\nChecks: ${sw.ok}/${sw.sent} + ${sg.ok}/${sg.sent} callbacks answered 200; replayed ${replay.ok}/${replay.sent} came back as duplicates; ` +
    `topic end offsets ${published} = ${expected} + ${warm.ok} warm-up accepted events: ${failed ? 'FAILED' : 'ok'}.`)
} catch (error) {
  failed = true
  log(`feedback bench failed: ${error.stack ?? error}`)
} finally {
  await pool.close()
  if (service.exitCode === null) { service.kill('SIGTERM'); await new Promise((r) => service.once('exit', r)) }
  await removeRun({ admin, registryUrl, redisUrl, topics: [...allTopics.map((t) => prefix + t.name), `${prefix}raw.${Topics.customerEvents.name}`], keyPrefix: `${run}:`, log })
}
process.exit(failed ? 1 : 0)
