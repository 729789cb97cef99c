#!/usr/bin/env node
// Replica throughput (issue #13): the same backlog drained by 1, 2 and 3 replicas of segmenter,
// campaign-evaluator, renderer and dispatcher on clusters (three Kafka brokers, RF 3, min ISR 2;
// a Redis Cluster of three masters with a replica each, AOF), then by 2 replicas that become 3
// mid-drain (a rebalance of every group under load). Events/s end to end and every group's
// consumer lag, sampled every second; the raw one-hop Kafka loop on the same cluster beside it.
//
//   npm run build && npm run bench -- replicas [--events 30000] [--partitions 6] [--settle 600] [--rebalance-at 30]
//
// Each run is its own set of topics, groups and Redis keys (a run id), on one cluster started at
// the beginning (brokers 26092/26094/26096, registry 26081, Redis 26479-26484) and stopped at the
// end. The workload is the fault suite's (tools/pipeline/workload.mjs) with its two event-triggered
// campaigns: every purchase (f-event) and product view + cart add (f-allof), so what must arrive is
// known; the backlog goes straight to Kafka once every replica has joined, and the clock runs from
// the first record produced to the last webhook accepted. Method: docs/benchmarks/replicas.md.
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin } from '@platformatic/kafka'
import { ClusterInfrastructure } from '../tools/pipeline/cluster-infra.mjs'
import { PipelineServices } from '../tools/pipeline/stack.mjs'
import { AdminApi, definitions, SECRET, workload } from '../tools/pipeline/workload.mjs'
import { rawLoop } from './lib/campaign-engine/measure.mjs'
import { groupLags } from './lib/pipeline/measure.mjs'
import { benchOptions } from './lib/options.mjs'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const opts = benchOptions('replicas', { events: 30_000, partitions: 6, settle: 600, rebalanceAt: 30 })
const log = (msg) => process.stderr.write(`[replicas ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
if (!existsSync(join(dist, 'apps/dispatcher/src/main.js'))) { log('run `npm run build` first (the benchmark runs the built services from dist/)'); process.exit(1) }

const SCALED = ['segmenter', 'campaign-evaluator', 'renderer', 'dispatcher']
/** The runs: replicas of each scaled service at the start, and how many after the mid-drain addition. */
const RUNS = [
  { name: '1 replica', replicas: 1 },
  { name: '2 replicas', replicas: 2 },
  { name: '3 replicas', replicas: 3 },
  { name: `2 → 3 replicas at ${opts.rebalanceAt} % of the drain`, replicas: 2, addAt: opts.rebalanceAt / 100 },
]

const { Topics } = await import(join(dist, 'libs/contracts/src/index.js'))
const { AvroSerde, TypedProducer, ensureTopics, physicalTopic, recordOutput } = await import(join(dist, 'libs/kafka/src/index.js'))

const infra = new ClusterInfrastructure({ stateDir: join(root, '.cuewire', 'bench-replicas', 'infra'), log })
const flags = Object.entries(opts).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v}`).join(' ')
const load0 = loadavg()
console.log('Reproduce with (from the repository root):\n\n```sh')
console.log(`npm run build && npm run bench -- replicas ${flags}`)
console.log('```\n')
console.log(`Machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; load average at start ${load0.map((x) => x.toFixed(2)).join(' ')}; three Kafka brokers (RF 3, min ISR 2), a Redis Cluster of 3 masters + 3 replicas (AOF everysec), all on this machine.\n`)

let interrupted = false
process.once('SIGINT', () => { interrupted = true; log('interrupted: stopping and cleaning up...') })
const checkInterrupt = () => { if (interrupted) throw new Error('interrupted') }

let receiver
let asking = Promise.resolve() // the receiver's answer in flight (ask)
let admin
const results = []
let raw
let failed = false
try {
  log('starting three Kafka brokers, the registry and a Redis Cluster, from empty')
  await infra.fresh()
  await infra.up()
  admin = new Admin({ clientId: 'bench-replicas-admin', bootstrapBrokers: infra.kafkaBrokers.split(',') })
  receiver = fork(join(import.meta.dirname, 'lib/pipeline/receiver.mjs'), [SECRET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  receiver.on('error', (error) => log(`receiver: ${error.message}`)) // a send after it closed must not end the run before the clean-up
  const receiverUrl = (await new Promise((resolve) => receiver.once('message', resolve))).url
  for (const run of RUNS) {
    checkInterrupt()
    results.push(await drain(run, receiverUrl))
  }
  raw = await rawLimit()
} catch (error) {
  failed = true
  log(`replicas bench failed: ${error.stack ?? error}`)
} finally {
  if (receiver?.connected) receiver.send({ cmd: 'close' })
  await admin?.close().catch(() => {})
  log('stopping the cluster')
  await infra.down()
}
if (results.length > 0) report()
failed ||= results.length < RUNS.length || results.some((r) => r.lost > 0 || r.bad > 0)
process.exit(failed ? 1 : 0)

/** Drains the backlog with `run.replicas` of each scaled service (one more of each at `run.addAt` of it). */
async function drain(run, receiverUrl) {
  const runId = `bench-rp${Date.now().toString(36)}`
  const adminKey = `cwadmin_${randomBytes(24).toString('base64url')}`
  const replicas = Object.fromEntries(SCALED.map((app) => [app, run.replicas]))
  const services = new PipelineServices({ infra, runId, adminKey, logDir: join(root, '.cuewire', 'bench-replicas', 'logs', runId), replicas, extraEnv: { KAFKA_TOPIC_PARTITIONS: String(opts.partitions), DISPATCH_ENDPOINT_CONCURRENCY: '64' } })
  const settings = { brokers: infra.kafkaBrokers.split(','), clientId: `${runId}-bench`, schemaRegistryUrl: infra.schemaRegistryUrl, partitions: opts.partitions, replicationFactor: infra.replicationFactor, topicPrefix: `${runId}.` }
  const producer = new TypedProducer(settings, new AvroSerde(infra.schemaRegistryUrl))
  const load = workload({ customers: Math.round(opts.events / 10), eventsPerCustomer: 10, runId })
  const expected = load.expected['f-event'] + load.expected['f-allof']
  const stats = () => ask({ cmd: 'stats', segment: runId })
  const lagSeries = [] // { s, lags, accepted }
  let added
  let sampling
  try {
    log(`${run.name}: starting ${Object.values(replicas).reduce((a, b) => a + b, 0) + 2} processes`)
    await services.startAll()
    const api = new AdminApi(() => services.get('control-plane').url, adminKey)
    const defs = definitions(`${receiverUrl}/${runId}`, { scheduleAt: Date.now() + 3_600_000 })
    for (const w of defs.webhooks.filter((w) => ['wh-event', 'wh-allof'].includes(w.id))) await api.call('POST', '/v1/webhooks', w)
    for (const c of defs.campaigns.filter((c) => ['f-event', 'f-allof'].includes(c.id))) await api.call('POST', '/v1/campaigns', c)
    // Every replica in its group and the config read before the clock starts.
    await ensureTopics(settings, [Topics.customerEvents])
    await sleep(10_000)
    const before = await stats()
    const t0 = Date.now()
    sampling = sampleLags(runId, t0, lagSeries)
    const records = load.plan.flatMap((c) => c.types.map((type, seq) => {
      const now = Date.now()
      return recordOutput(Topics.customerEvents, c.customer, { eventId: `${runId}-${c.customer}-${seq}`, customerId: c.customer, type, occurredAt: now, receivedAt: now, source: 'bench', properties: JSON.stringify({ seq, sentAt: now }) })
    }))
    for (let i = 0; i < records.length; i += 5_000) await producer.send(records.slice(i, i + 5_000))
    const producedMs = Date.now() - t0
    const deadline = Date.now() + opts.settle * 1000
    for (;;) {
      checkInterrupt()
      const s = await stats()
      const got = s.accepted - before.accepted
      if (run.addAt && !added && got >= expected * run.addAt) {
        log(`${run.name}: adding a replica of each at ${got} of ${expected} webhooks`)
        const added0 = { s: (Date.now() - t0) / 1000 }
        added = { ...added0, replicas: Promise.all(SCALED.map((app) => services.addReplica(app))).then(() => { added0.readyS = (Date.now() - t0) / 1000 }), times: added0 }
      }
      if (got >= expected) break
      if (Date.now() > deadline) { log(`${run.name}: ${got} of ${expected} webhooks after --settle ${opts.settle} s`); break }
      for (const svc of services.services.values()) if (svc.child && !svc.running) throw new Error(`${svc.name} exited; see .cuewire/bench-replicas/logs/${runId}`)
      await sleep(500)
    }
    await added?.replicas
    await sleep(3_000) // late duplicates count
    sampling.stop()
    await sampling.done
    sampling = undefined
    const s = await stats()
    const seconds = (s.lastAt - t0) / 1000
    return { ...run, expected, accepted: s.accepted - before.accepted, lost: Math.max(0, expected - (s.accepted - before.accepted)), duplicates: s.duplicates - before.duplicates, bad: s.bad - before.bad, seconds, eventsPerSecond: load.events / seconds, producedMs, added: added?.times, lagSeries }
  } finally {
    sampling?.stop()
    await sampling?.done
    await services.stopAll()
    await producer.close().catch(() => {})
    await infra.deleteTopics(`${runId}.`).catch((error) => log(`topic cleanup: ${error.message}`))
  }
}

/** Samples every group's lag once a second until `stop()`. */
function sampleLags(runId, t0, series) {
  let sampling = true
  const done = (async () => {
    while (sampling) {
      try {
        const [lags, s] = await Promise.all([groupLags(admin, `${runId}.`), ask({ cmd: 'stats', segment: runId })])
        series.push({ s: (Date.now() - t0) / 1000, lags, accepted: s.accepted })
      } catch { /* a group not there yet */ }
      await sleep(1_000)
    }
  })()
  return { stop: () => { sampling = false }, done }
}

/** The raw one-hop Kafka loop (consume, produce acks=all, commit) over the same number of records, on the same cluster. */
async function rawLimit() {
  const runId = `bench-rpraw${Date.now().toString(36)}`
  const settings = { brokers: infra.kafkaBrokers.split(','), clientId: `${runId}-bench`, schemaRegistryUrl: infra.schemaRegistryUrl, partitions: opts.partitions, replicationFactor: infra.replicationFactor, topicPrefix: `${runId}.` }
  const target = { name: 'bench.raw-out', schema: {}, compacted: false }
  await ensureTopics(settings, [Topics.customerEvents, target])
  const producer = new TypedProducer(settings, new AvroSerde(infra.schemaRegistryUrl))
  try {
    const load = workload({ customers: Math.round(opts.events / 10), eventsPerCustomer: 10, runId })
    const records = load.plan.flatMap((c) => c.types.map((type, seq) => recordOutput(Topics.customerEvents, c.customer, { eventId: `${runId}-${c.customer}-${seq}`, customerId: c.customer, type, occurredAt: Date.now(), receivedAt: Date.now(), source: 'bench', properties: JSON.stringify({ seq }) })))
    for (let i = 0; i < records.length; i += 5_000) await producer.send(records.slice(i, i + 5_000))
    log('raw one-hop Kafka loop')
    return await rawLoop({ brokers: settings.brokers, source: physicalTopic(settings, Topics.customerEvents), target: physicalTopic(settings, target), groupId: `${runId}-raw`, expected: records.length, checkDeadline: checkInterrupt })
  } finally {
    await producer.close().catch(() => {})
    await infra.deleteTopics(`${runId}.`).catch(() => {})
  }
}

/**
 * One question to the receiver at a time: its answers carry no request id, and with two in
 * flight one answer resolves both askers and the other lands on the next question (even one of
 * the next run, whose counts it would then be compared with).
 */
function ask(msg) {
  const answer = asking.then(() => new Promise((resolve) => { receiver.once('message', resolve); receiver.send(msg) }))
  asking = answer.catch(() => {})
  return answer
}

function report() {
  const n = (x) => Math.round(x).toLocaleString('en-US')
  const rawRate = raw ? raw.count / (raw.ms / 1000) : undefined
  console.log(`| run | events | webhooks expected / accepted | lost | duplicates (same id) | drained in | **events/s end to end** | raw one-hop Kafka loop, same cluster |\n|---|---:|---:|---:|---:|---:|---:|---:|`)
  for (const r of results) {
    console.log(`| ${r.name} | ${n(opts.events)} | ${n(r.expected)} / ${n(r.accepted)} | ${r.lost} | ${r.duplicates} | ${r.seconds.toFixed(1)} s | **${n(r.eventsPerSecond)}** | ${rawRate ? `${n(rawRate)}/s` : '–'} |`)
  }
  for (const r of results) {
    const groups = [...new Set(r.lagSeries.flatMap((x) => Object.keys(x.lags)))].filter((g) => SCALED.some((app) => g.endsWith(app))).sort()
    const added = r.added ? ` (replicas added at ${r.added.s.toFixed(0)} s, all ready at ${r.added.readyS?.toFixed(0) ?? '?'} s)` : ''
    console.log(`\nConsumer lag every second, ${r.name}${added}; webhooks accepted so far in the last column:\n`)
    console.log(`| s | ${groups.join(' | ')} | webhooks |\n|---:|${groups.map(() => '---:').join('|')}|---:|`)
    // Once drained, one row says so: the samples while the added replicas finish starting repeat it.
    const drainedAt = r.lagSeries.findIndex((x) => x.accepted >= r.expected && Object.values(x.lags).every((l) => l === 0))
    const shown = drainedAt < 0 ? r.lagSeries : r.lagSeries.slice(0, drainedAt + 1)
    for (const x of shown) console.log(`| ${x.s.toFixed(0)} | ${groups.map((g) => (g in x.lags ? n(x.lags[g]) : '–')).join(' | ')} | ${n(x.accepted)} |`)
  }
  console.log(`\nBacklog produced in ${results.map((r) => `${(r.producedMs / 1000).toFixed(1)} s`).join(' / ')} (${results.map((r) => r.name).join(' / ')}). Load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`)
}
