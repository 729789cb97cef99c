#!/usr/bin/env node
// Dispatcher benchmark: how fast the built dispatcher delivers signed webhooks to a fast local
// receiver, end to end (request appended to Kafka → receiver got it), beside the raw undici POST
// rate to the same receiver from this machine in the same run, and their ratio.
//
//   npm run build && KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 \
//     REDIS_URL=redis://127.0.0.1:6379 node bench/dispatcher.bench.mjs [--deliveries 20000] [--concurrency 64]
//       [--rate 500] [--seconds 15] [--partitions 3] [--batch 100]
// BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the dispatcher process during the run.
//
// Phases: (1) raw undici: --deliveries POSTs of the same body with --concurrency in flight over
// keep-alive connections; (2) throughput: --deliveries requests appended to the requests topic as
// fast as Kafka takes them while the dispatcher runs (endpoint concurrency cap = --concurrency);
// the rate is distinct deliveries received / time from the first append to the last arrival;
// (3) latency: a steady --rate requests/s for --seconds, each timed from its append to its arrival
// at the receiver; (4) batches: --deliveries requests of a second webhook that batches them
// (batch.maxItems = --batch), appended as in (2); the rate counts items (deliveries) received, with
// the requests that carried them. Every delivery goes the whole production path: Avro decode, dedupe check,
// endpoint health, Redis concurrency lease, Standard Webhooks signature, undici POST, delivered
// mark, delivery-results record (acknowledged by Kafka), delivery log, offset commit.
// The receiver runs as its own process; everything runs under a fresh prefix removed at the end.
import { fork, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin } from '@platformatic/kafka'
import { Pool } from 'undici'
import { benchOptions, benchServers, printReproduce, removeRun } from './lib/options.mjs'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const opts = benchOptions('dispatcher', { deliveries: 20_000, concurrency: 64, rate: 500, seconds: 15, partitions: 3, batch: 100 })
const { brokers, registryUrl, redisUrl } = benchServers()
const log = (msg) => process.stderr.write(`${msg}\n`)
if (!existsSync(join(dist, 'apps/dispatcher/src/main.js'))) throw new Error('run `npm run build` first (the benchmark runs the built service)')

printReproduce('dispatcher.bench.mjs', { brokers, registryUrl, redisUrl }, opts)

const run = `bench-dx-${Date.now().toString(36)}`
const prefix = `${run}.`
const webhookId = 'bench-fast'
const batchedWebhookId = 'bench-batched'
const secretsKey = randomBytes(32).toString('base64')
const { RecordHeaders, Topics, allTopics } = await import(join(dist, 'libs/contracts/src/index.js'))
const { AvroSerde, TypedProducer, ensureTopics, recordOutput } = await import(join(dist, 'libs/kafka/src/index.js'))
const { SecretBox, secretContext } = await import(join(dist, 'libs/delivery/src/index.js'))

const receiver = fork(join(import.meta.dirname, 'lib/fast-receiver.mjs'), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
const stats = (phase) => new Promise((resolve) => { receiver.once('message', resolve); receiver.send({ cmd: 'stats', phase }) })
const receiverUrl = `http://127.0.0.1:${(await new Promise((resolve) => receiver.once('message', resolve))).port}`

const settings = { brokers, clientId: `${run}-bench`, schemaRegistryUrl: registryUrl, partitions: opts.partitions, replicationFactor: 1, topicPrefix: prefix }
const producer = new TypedProducer(settings, new AvroSerde(registryUrl))
const admin = new Admin({ clientId: `${run}-admin`, bootstrapBrokers: brokers })
let dispatcher
const results = []
let failed = false

// The dispatcher's CPU time so far (user + system), in seconds: all its threads, and its main
// thread alone (JavaScript runs there; GC helpers and libuv's pool are the others). Undefined
// where /proc is missing (not Linux).
const cpuSecondsOf = (pid) => {
  const ticks = (path) => {
    const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in clock ticks of 1/100 s
  }
  try {
    return { all: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) }
  } catch {
    return undefined
  }
}
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const latencyOf = (xs) => { const s = Float64Array.from(xs).sort(); return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] } }
const body = (phase, i, sentAt) => JSON.stringify({ phase, sentAt, deliveryId: `msg_${run}_${phase}_${i}`, event: 'purchase', customer: { id: `cust-${i % 5000}`, firstName: 'Ada', tier: 'gold' }, order: { id: `o-${i}`, total: 129.9, currency: 'EUR', items: 3 } })
const request = (phase, i) => {
  const sentAt = Date.now()
  return {
    deliveryId: `msg_${run}_${phase}_${i}`, triggerId: `t_${run}_${phase}_${i}`, webhookId, webhookRevision: 1, campaignId: 'bench', customerId: `cust-${i % 5000}`,
    method: 'POST', url: `${receiverUrl}/hooks/purchase`, headers: { 'content-type': 'application/json' }, body: Buffer.from(body(phase, i, sentAt)), attempt: 1, notBefore: 0, createdAt: sentAt, batchItem: false, batch: null,
  }
}
// An item of the batched webhook, as the renderer writes one: the body is the item, marked as a batch item.
const batchItem = (phase, i) => ({ ...request(phase, i), webhookId: batchedWebhookId, url: `${receiverUrl}/hooks/batch`, batchItem: true })
const append = (requests) =>
  producer.send(requests.map((r) => recordOutput(Topics.webhookRequests, r.customerId, r, r.batchItem ? { [RecordHeaders.webhookId]: r.webhookId, [RecordHeaders.batchItem]: '1' } : { [RecordHeaders.webhookId]: r.webhookId })))

async function untilReceived(phase, n, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const s = await stats(phase)
    if (s.distinct >= n || Date.now() > deadline) return s
    await sleep(100)
  }
}

try {
  // ---- Phase 1: raw undici POST rate to the same receiver.
  log(`Phase 1: raw undici, ${opts.deliveries} POSTs, ${opts.concurrency} in flight...`)
  const pool = new Pool(receiverUrl, { connections: opts.concurrency, pipelining: 1 })
  const rawLatencies = []
  const post = async (i) => {
    const t = performance.now()
    const res = await pool.request({ method: 'POST', path: '/hooks/purchase', headers: { 'content-type': 'application/json', 'webhook-id': `raw-${i}` }, body: body('raw', i, Date.now()) })
    await res.body.dump()
    if (res.statusCode !== 200) throw new Error(`receiver answered ${res.statusCode}`)
    return performance.now() - t
  }
  for (let i = 0; i < 500; i++) await post(-i) // warm-up: connections, JIT
  let next = 0
  let t0 = performance.now()
  await Promise.all(Array.from({ length: opts.concurrency }, async () => { while (next < opts.deliveries) rawLatencies.push(await post(next++)) }))
  const rawMs = performance.now() - t0
  await pool.close()
  const rawRate = opts.deliveries / (rawMs / 1000)
  const raw = latencyOf(rawLatencies)
  results.push([`raw undici POST, ${opts.concurrency} in flight`, opts.deliveries, rawMs, rawRate, raw, 'request → response'])

  // ---- The dispatcher, with one webhook pointing at the receiver (written to its config topic as the control plane would).
  log('Starting the dispatcher...')
  await ensureTopics(settings, allTopics)
  const box = new SecretBox(Buffer.from(secretsKey, 'base64'))
  // A secret is sealed for its webhook (the id is the AES-GCM context).
  const signingFor = (id) => ({ type: 'standard-webhooks', secrets: [{ id: 'sec_bench', value: box.seal(`whsec_${randomBytes(24).toString('base64')}`, secretContext(id)), createdAt: Date.now(), expiresAt: null }] })
  const stored = {
    name: 'bench fast receiver', url: `${receiverUrl}/hooks/purchase`, method: 'POST', headers: {}, contentType: 'application/json', body: '{}', timeoutMs: 10_000,
    successCodes: ['2xx'], retry: { schedule: ['1s', '5s'] }, enabled: true, auth: { type: 'none' },
    signing: signingFor(webhookId),
  }
  // The same endpoint behind a batched webhook: items as they are, in a JSON array.
  const batched = { ...stored, name: 'bench fast receiver, batched', url: `${receiverUrl}/hooks/batch`, signing: signingFor(batchedWebhookId), batch: { maxItems: opts.batch, maxWaitMs: 1_000, template: '[{{#each items}}{{#unless @first}},{{/unless}}{{this.body}}{{/each}}]' } }
  await producer.send([
    recordOutput(Topics.webhookConfig, webhookId, { kind: 'webhook', id: webhookId, revision: 1, updatedAt: Date.now(), body: JSON.stringify(stored) }),
    recordOutput(Topics.webhookConfig, batchedWebhookId, { kind: 'webhook', id: batchedWebhookId, revision: 1, updatedAt: Date.now(), body: JSON.stringify(batched) }),
  ])
  const port = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) }) })
  dispatcher = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(dist, 'apps/dispatcher/src/main.js')], {
    env: {
      ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', HTTP_PORT: String(port), KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl, REDIS_URL: redisUrl,
      KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_PREFIX: run, REDIS_KEY_PREFIX: `${run}:`, KAFKA_TOPIC_PARTITIONS: String(opts.partitions),
      CUEWIRE_SECRETS_KEY: secretsKey, DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', DISPATCH_ENDPOINT_CONCURRENCY: String(opts.concurrency),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const readyBy = Date.now() + 60_000
  while (!(await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false))) {
    if (Date.now() > readyBy || dispatcher.exitCode !== null) throw new Error('dispatcher did not become ready')
    await sleep(200)
  }
  log('Warm-up: 1,000 deliveries (not timed)...')
  await append(Array.from({ length: 1000 }, (_, i) => request('warm', i)))
  if ((await untilReceived('warm', 1000, 60_000)).distinct < 1000) throw new Error('warm-up deliveries did not arrive')

  // ---- Phase 2: throughput, a backlog appended as fast as Kafka takes it.
  log(`Phase 2: ${opts.deliveries} deliveries through the dispatcher...`)
  const start = Date.now()
  const cpuBefore = cpuSecondsOf(dispatcher.pid)
  t0 = performance.now()
  for (let b = 0; b < opts.deliveries; b += 1000) await append(Array.from({ length: Math.min(1000, opts.deliveries - b) }, (_, j) => request('backlog', b + j)))
  const appendMs = performance.now() - t0
  const through = await untilReceived('backlog', opts.deliveries, 600_000)
  // Includes the last deliveries' results and commits (at most the 100 ms of the last poll), which the time above leaves out.
  const cpuAfter = cpuSecondsOf(dispatcher.pid)
  const cpuBacklog = cpuBefore && cpuAfter ? { all: cpuAfter.all - cpuBefore.all, main: cpuAfter.main - cpuBefore.main } : undefined
  const throughMs = through.lastAt - start
  const throughRate = through.distinct / (throughMs / 1000)
  if (through.distinct < opts.deliveries) { failed = true; log(`  only ${through.distinct}/${opts.deliveries} arrived`) }
  results.push([`dispatcher, backlog (appended in ${Math.round(appendMs)} ms)`, through.distinct, throughMs, throughRate, latencyOf(through.latencies), 'append → arrival, includes queueing'])

  // ---- Phase 3: latency at a steady offered rate.
  const offered = Math.min(opts.rate, Math.floor(throughRate * 0.8))
  log(`Phase 3: ${offered} deliveries/s for ${opts.seconds} s...`)
  const total = offered * opts.seconds
  let sent = 0
  t0 = performance.now()
  const steadyStart = Date.now()
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * offered))
    const batch = []
    for (; sent < due; sent++) batch.push(request('steady', sent))
    if (batch.length) void append(batch)
    await sleep(5)
  }
  const steady = await untilReceived('steady', total, 120_000)
  if (steady.distinct < total) { failed = true; log(`  only ${steady.distinct}/${total} arrived`) }
  results.push([`dispatcher, steady ${offered}/s offered`, steady.distinct, steady.lastAt - steadyStart, steady.distinct / ((steady.lastAt - steadyStart) / 1000), latencyOf(steady.latencies), 'append → arrival'])

  // ---- Phase 4: the same backlog through a webhook that batches (items per second, beside phase 2's deliveries per second).
  log(`Phase 4: ${opts.deliveries} items through the batched webhook, batches of ${opts.batch}...`)
  await append(Array.from({ length: 1000 }, (_, i) => batchItem('warm-batched', i)))
  if ((await untilReceived('warm-batched', 1000, 60_000)).distinct < 1000) throw new Error('warm-up batch items did not arrive')
  const batchStart = Date.now()
  for (let b = 0; b < opts.deliveries; b += 1000) await append(Array.from({ length: Math.min(1000, opts.deliveries - b) }, (_, j) => batchItem('batched', b + j)))
  const inBatches = await untilReceived('batched', opts.deliveries, 600_000)
  const batchMs = inBatches.lastAt - batchStart
  const batchRate = inBatches.distinct / (batchMs / 1000)
  if (inBatches.distinct < opts.deliveries) { failed = true; log(`  only ${inBatches.distinct}/${opts.deliveries} items arrived`) }
  results.push([`dispatcher, backlog in batches of ${opts.batch} (${inBatches.requests} requests)`, inBatches.distinct, batchMs, batchRate, latencyOf(inBatches.latencies), 'append → arrival, includes queueing and collecting'])
  const duplicates = through.received - through.distinct + steady.received - steady.distinct + inBatches.received - inBatches.distinct

  console.log(`| Path (${cpus().length} CPUs, load avg ${loadavg()[0].toFixed(2)}) | deliveries | ms | deliveries/s | p50 ms | p99 ms | max ms | latency measured |\n|---|---:|---:|---:|---:|---:|---:|---|`)
  for (const [what, n, ms, rate, l, note] of results) console.log(`| ${what} | ${n} | ${Math.round(ms)} | ${Math.round(rate).toLocaleString('en-US')} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.max.toFixed(0)} | ${note} |`)
  console.log(`\nDispatcher throughput / raw undici POST rate: ${((throughRate / rawRate) * 100).toFixed(1)}% (${Math.round(throughRate)} vs ${Math.round(rawRate)} per second).`)
  if (cpuBacklog) {
    const perDelivery = (s) => Math.round((s / through.distinct) * 1e6)
    const ofCore = (s) => Math.round((s / (throughMs / 1000)) * 100)
    console.log(`Dispatcher CPU during the backlog, per delivery: ${perDelivery(cpuBacklog.main)} µs on its main thread (${ofCore(cpuBacklog.main)} % of a core), ${perDelivery(cpuBacklog.all)} µs with all its threads (${ofCore(cpuBacklog.all)} %).`)
  }
  console.log(`Items in batches of ${opts.batch} / single deliveries: ${(batchRate / throughRate).toFixed(2)}× (${Math.round(batchRate)} vs ${Math.round(throughRate)} per second).`)
  console.log(`Checks: ${through.distinct}/${opts.deliveries} + ${steady.distinct}/${total} distinct webhook-ids and ${inBatches.distinct}/${opts.deliveries} distinct batch items arrived; ${duplicates} duplicate arrivals: ${failed ? 'FAILED' : 'ok'}.`)
} catch (error) {
  failed = true
  log(`dispatcher bench failed: ${error.stack ?? error}`)
} finally {
  if (dispatcher && dispatcher.exitCode === null) { dispatcher.kill('SIGTERM'); await new Promise((r) => dispatcher.once('exit', r)) }
  receiver.send({ cmd: 'close' })
  await producer.close()
  await removeRun({ admin, registryUrl, redisUrl, topics: allTopics.map((t) => prefix + t.name), keyPrefix: `${run}:`, log })
}
process.exit(failed ? 1 : 0)
