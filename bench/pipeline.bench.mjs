#!/usr/bin/env node
// Whole-pipeline benchmark (issue #12): a load generator → ingest (HTTP arrays) and straight to
// Kafka → segmenter → campaign-evaluator → renderer → dispatcher → a verifying webhook receiver,
// every service its own built process, 100 live campaigns of every trigger kind, 1,000,000
// profiles and 20 segments in Redis. Beside each figure, the machine's raw limit from the same run.
//
//   npm run build && npm run bench -- pipeline [--events 200000] [--profiles 1000000] [--rate 1000]
//     [--duration 60] [--partitions 6] [--settle 900] [--rest 30] [--warmup 20] [--layout services|single]
// The open loop runs --warmup s at --rate before the --duration s it measures (as the
// OpenMessaging Benchmark's warm-up does): the latency is that of a steady 1,000 events/s, not of
// the stack going from idle to loaded; the 5 s windows still show the warm-up.
// --layout single runs the closed and open loops with ingest, segmenter, evaluator, renderer and
// dispatcher in one process of the single binary (apps/cuewire, CUEWIRE_TARGETS), as `npm start`
// and the compose all-in-one profile do; the stages-alone phases still run each in its own process.
// Without KAFKA_BROKERS / SCHEMA_REGISTRY_URL / REDIS_URL it starts (and at the end stops) its own
// Kafka, registry and Redis on 23092 / 23081 / 23379 (below the ephemeral port range). BENCH_PROFILE=segmenter,campaign-evaluator
// writes a V8 CPU profile of those services to .cuewire/bench-pipeline/prof/.
//
// Phases (docs/benchmarks/pipeline.md): (0) profiles + segment membership into Redis, config through
// the control plane's API; (1) raw limits: Redis pipelined GET, undici POST; (2) segmenter +
// evaluator alone on a backlog of --events, then the raw one-hop Kafka loop on the same events;
// (3) dispatcher alone on the requests the renderer made of them; (4) closed loop: --events more,
// half over HTTP, half to Kafka, as fast as taken, until every webhook arrived; (5) after --rest s
// of quiet, open loop: --rate events/s for --duration s, event → webhook latency at the receiver,
// and hop by hop from each stage's records (lib/pipeline/hops.mjs).
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin } from '@platformatic/kafka'
import { Redis } from 'ioredis'
import { HOT_PATH_SERVICES, OwnInfrastructure, PipelineServices } from '../tools/pipeline/stack.mjs'
import { AdminApi, definitions, SECRET } from '../tools/pipeline/workload.mjs'
import { cleanup } from './lib/campaign-engine/cleanup.mjs'
import { campaigns, COUNTRIES, customerEvent, customerId, profileJson, rng } from './lib/campaign-engine/fixtures.mjs'
import { committed, cpuSeconds, rawLoop, redisCounters, redisDelta } from './lib/campaign-engine/measure.mjs'
import { loadProfiles, produceEvents } from './lib/campaign-engine/setup.mjs'
import { endOffsets, hopLatencies } from './lib/pipeline/hops.mjs'
import { groupLags, peakRssMiB, percentile, rawRedisGets, rawUndici } from './lib/pipeline/measure.mjs'
import { benchOptions } from './lib/options.mjs'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const opts = benchOptions('pipeline', { events: 200_000, profiles: 1_000_000, rate: 1_000, duration: 60, partitions: 6, settle: 900, rest: 30, warmup: 20, layout: 'services' })
if (!['services', 'single'].includes(opts.layout)) throw new Error(`--layout is services (one process per service) or single (${HOT_PATH_SERVICES.join(', ')} in one process), not "${opts.layout}"`)
const log = (msg) => process.stderr.write(`[pipeline ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
if (!existsSync(join(dist, 'apps/dispatcher/src/main.js'))) { log('run `npm run build` first (the benchmark runs the built services from dist/)'); process.exit(1) }

const given = process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL && process.env.REDIS_URL
const infra = given
  ? { kafkaBrokers: process.env.KAFKA_BROKERS, schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL, redisUrl: process.env.REDIS_URL }
  : new OwnInfrastructure({ stateDir: join(root, '.cuewire', 'bench-pipeline', 'infra'), kafkaPort: 23092, controllerPort: 23093, registryPort: 23081, redisPort: 23379, log })
const flags = Object.entries(opts).map(([k, v]) => `--${k} ${v}`).join(' ')
const load0 = loadavg()
console.log('Reproduce with (from the repository root):\n\n```sh')
console.log(`npm run build && ${given ? `KAFKA_BROKERS=${infra.kafkaBrokers} SCHEMA_REGISTRY_URL=${infra.schemaRegistryUrl} REDIS_URL=${infra.redisUrl} ` : ''}npm run bench -- pipeline ${flags}`)
console.log('```\n')
console.log(`Machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; load average at start ${load0.map((x) => x.toFixed(2)).join(' ')}; ${given ? 'given servers' : 'own Kafka/registry/Redis (AOF everysec) on 23092/23081/23379'}.\n`)

const { Topics, allTopics } = await import(join(dist, 'libs/contracts/src/index.js'))
const { AvroSerde, TypedProducer, ensureTopics, physicalTopic, recordOutput } = await import(join(dist, 'libs/kafka/src/index.js'))
const { segmentDefinitionSchema, segmentsOf } = await import(join(dist, 'libs/campaigns/src/index.js'))
const { RedisKeys } = await import(join(dist, 'libs/redis/src/redis-keys.js'))

const runId = `bench-pl${Date.now().toString(36)}`
const keyPrefix = `${runId}:`
const adminKey = `cwadmin_${randomBytes(24).toString('base64url')}`
const N = opts.events
const LANGS = ['en', 'fr', 'de', 'es', 'pt', 'it', 'nl', 'ja', 'pl']

/** 20 segments over the profile attributes; `seg-vip-us` (~0.4 %) is the scheduled campaign's audience. */
const SEGMENTS = [
  ...COUNTRIES.slice(0, 10).map((c) => ({ id: `seg-${c.toLowerCase()}`, conditions: [{ field: 'country', op: 'eq', value: c }] })),
  { id: 'seg-vip', conditions: [{ field: 'vip', op: 'eq', value: true }] },
  { id: 'seg-vip-us', conditions: [{ field: 'vip', op: 'eq', value: true }, { field: 'country', op: 'eq', value: 'US' }] },
  { id: 'seg-premium', conditions: [{ field: 'plan', op: 'eq', value: 'premium' }] },
  { id: 'seg-free', conditions: [{ field: 'plan', op: 'eq', value: 'free' }] },
  { id: 'seg-young', conditions: [{ field: 'ageBucket', op: 'in', value: ['18-24', '25-34'] }] },
  { id: 'seg-senior', conditions: [{ field: 'ageBucket', op: 'in', value: ['55-64', '65+'] }] },
  { id: 'seg-francophone', conditions: [{ field: 'language', op: 'eq', value: 'fr' }] },
  { id: 'seg-dach', match: 'any', conditions: [{ field: 'country', op: 'eq', value: 'DE' }, { field: 'language', op: 'eq', value: 'de' }] },
  { id: 'seg-premium-vip', conditions: [{ field: 'plan', op: 'eq', value: 'premium' }, { field: 'vip', op: 'eq', value: true }] },
  { id: 'seg-iberia', conditions: [{ field: 'country', op: 'in', value: ['ES', 'PT'] }] },
].map((s) => ({ ...s, name: `Bench ${s.id}` }))

const admin = new Admin({ clientId: `${runId}-admin`, bootstrapBrokers: infra.kafkaBrokers.split(',') })
let redis
let receiver
let services
let producer
const phases = [] // { name, t0, t1 }
const lagSeries = [] // { t, phase, lags }
const cpuAt = {} // phase → { app → cpu seconds at its start }
const out = {}
let failed = false
let interrupted = false
process.once('SIGINT', () => { interrupted = true; log('interrupted: stopping and cleaning up...') })
const checkInterrupt = () => { if (interrupted) throw new Error('interrupted') }

const ask = (msg) => new Promise((resolve) => { receiver.once('message', resolve); receiver.send(msg) })
const stats = (latencies = false, since = undefined) => ask({ cmd: 'stats', segment: runId, latencies, since })
let measuredFrom // the end of the open loop's warm-up (ms since the epoch)
// With its own infrastructure the benchmark also sees Kafka's and the registry's processes.
const infraPids = () => (given ? [] : [['kafka', infra.pidOf(infra.kafka)], ['registry', infra.pidOf(infra.registry)]].filter(([, pid]) => pid))
const pids = () => Object.fromEntries([...services.services.values()].filter((s) => s.running).map((s) => [s.app, s.child.pid]).concat([['receiver', receiver.pid], ...infraPids()]))
const cpuSnapshot = () => ({ ...Object.fromEntries(Object.entries(pids()).map(([app, pid]) => [app, cpuSeconds(pid)])), 'load generator': process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 })
let currentPhase = 'setup'
async function phase(name, fn) {
  log(`phase: ${name}`)
  currentPhase = name
  cpuAt[name] = cpuSnapshot()
  const redis0 = await redisCounters(redis)
  const p = { name, t0: performance.now() }
  phases.push(p)
  try {
    return await fn(p)
  } finally {
    p.t1 = performance.now()
    p.redis = redisDelta(redis0, await redisCounters(redis))
    const now = cpuSnapshot()
    // A process started during the phase (the dispatcher in its own phase) spent all its CPU in it.
    p.cpu = Object.fromEntries(Object.entries(now).map(([app, s]) => [app, s === null ? null : s - (cpuAt[name][app] ?? 0)]))
  }
}

/** Samples every group's lag once a second for the whole run. */
let sampling = true
const sampler = (async () => {
  while (sampling) {
    try { lagSeries.push({ t: Date.now(), phase: currentPhase, lags: await groupLags(admin, `${runId}.`) }) } catch { /* topics not there yet */ }
    await sleep(1_000)
  }
})()

/** Until every group's lag is 0 and the receiver's count stood still for 3 samples (or `timeoutMs`). */
async function drained(timeoutMs, notBefore = 0) {
  const deadline = Date.now() + timeoutMs
  let quiet = 0
  let last = -1
  for (;;) {
    const lags = await groupLags(admin, `${runId}.`)
    const s = await stats()
    const zero = Object.values(lags).every((l) => l === 0)
    quiet = zero && s.accepted === last && Date.now() >= notBefore ? quiet + 1 : 0
    last = s.accepted
    checkInterrupt()
    if (quiet >= 3) return { ...s, complete: true }
    if (Date.now() > deadline) { log(`not drained after ${timeoutMs / 1000} s: lags ${JSON.stringify(lags)}`); return { ...s, complete: false } }
    for (const svc of services.services.values()) if (svc.child && !svc.running) throw new Error(`${svc.app} exited; see its log in .cuewire/bench-pipeline/logs/${runId}`)
    await sleep(1_000)
  }
}

const httpEvent = (e) => ({ eventId: e.eventId, customerId: e.customerId, type: e.type, occurredAt: new Date(e.occurredAt).toISOString(), properties: JSON.parse(e.properties) })
async function postEvents(events) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${services.get('ingest').url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(events.map(httpEvent)), signal: AbortSignal.timeout(60_000) })
    const text = await res.text()
    if (res.status === 202) return
    if ((res.status !== 429 && res.status < 500) || attempt > 100) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 200)}`)
    await sleep(200)
  }
}
/** Sends a block: arrays of 100 to ingest over HTTP when `http`, else one produce straight to customer-events. */
async function sendBlock(events, http) {
  if (http) await Promise.all(Array.from({ length: Math.ceil(events.length / 100) }, (_, i) => postEvents(events.slice(i * 100, i * 100 + 100))))
  else await producer.send(events.map((e) => recordOutput(Topics.customerEvents, e.customerId, e)))
}

try {
  // ---- Phase 0: infrastructure, receiver, control plane, config, profiles, segment membership.
  if (!given) { log('starting own Kafka, registry and Redis'); await infra.up() }
  redis = new Redis(infra.redisUrl, { maxRetriesPerRequest: 3 })
  receiver = fork(join(import.meta.dirname, 'lib/pipeline/receiver.mjs'), [SECRET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const receiverUrl = (await new Promise((resolve) => receiver.once('message', resolve))).url
  const logDir = join(root, '.cuewire', 'bench-pipeline', 'logs', runId)
  services = new PipelineServices({ infra, runId, adminKey, logDir, extraEnv: { KAFKA_TOPIC_PARTITIONS: String(opts.partitions), DISPATCH_ENDPOINT_CONCURRENCY: '64' } })
  const profiled = (process.env.BENCH_PROFILE ?? '').split(',').filter((app) => services.get(app) || app === 'cuewire')
  const profileEnv = (app) => ({ NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(root, '.cuewire', 'bench-pipeline', 'prof', runId)} --cpu-prof-name=${app}.cpuprofile` })
  for (const app of profiled.filter((a) => services.get(a))) services.get(app).env = { ...services.env, ...profileEnv(app) }
  const settings = { brokers: infra.kafkaBrokers.split(','), clientId: `${runId}-bench`, schemaRegistryUrl: infra.schemaRegistryUrl, partitions: opts.partitions, replicationFactor: 1, topicPrefix: `${runId}.` }
  await services.get('control-plane').start()
  const rawTarget = { name: 'bench.raw-out', schema: {}, compacted: false }
  await ensureTopics(settings, [...allTopics, rawTarget])
  producer = new TypedProducer(settings, new AvroSerde(infra.schemaRegistryUrl))
  const api = new AdminApi(() => services.get('control-plane').url, adminKey)

  await phase('setup', async () => {
    log(`loading ${opts.profiles.toLocaleString('en-US')} profiles into Redis under ${keyPrefix}`)
    out.profiles = await loadProfiles({ redis, keyPrefix, RedisKeys, count: opts.profiles, checkDeadline: checkInterrupt })
    const segments = SEGMENTS.map((s) => ({ id: s.id, revision: 1, ...segmentDefinitionSchema.parse({ name: s.name, match: s.match, conditions: s.conditions }) }))
    const t0 = performance.now()
    const r = rng(1) // the same sequence loadProfiles drew, so the same profiles
    const sizes = Object.fromEntries(SEGMENTS.map((s) => [s.id, 0]))
    for (let start = 0; start < opts.profiles; start += 5_000) {
      const pipeline = redis.pipeline()
      for (let i = start; i < Math.min(opts.profiles, start + 5_000); i++) {
        const ids = segmentsOf(segments, JSON.parse(profileJson(r, i)))
        if (ids.length === 0) continue
        pipeline.sadd(keyPrefix + RedisKeys.segments(customerId(i)), ...ids)
        for (const id of ids) { pipeline.zadd(keyPrefix + RedisKeys.segmentMembers(id), 0, customerId(i)); sizes[id]++ }
      }
      await pipeline.exec()
    }
    out.membership = { ms: performance.now() - t0, sizes }
    log(`  profiles ${(out.profiles.ms / 1000).toFixed(1)} s, membership ${(out.membership.ms / 1000).toFixed(1)} s: ${JSON.stringify(sizes)}`)

    const defs = definitions(`${receiverUrl}/${runId}`, { scheduleAt: Date.now() + 3_600_000 })
    for (const w of defs.webhooks) await api.call('POST', '/v1/webhooks', w)
    for (const s of SEGMENTS) await api.call('POST', '/v1/segments', s)
    // 98 campaigns of the campaign-engine fixtures (event with filters, all-of, not-followed-by), each
    // also limited to one language (1 in 9), so about one event in ten fires a webhook; plus on-demand.
    const defined = campaigns(98).map(({ id, body }, i) => ({
      id, ...body, webhookIds: [body.trigger.type === 'event' ? 'wh-event' : 'wh-allof'],
      filters: { ...body.filters, profile: [...(body.filters?.profile ?? []), { field: 'language', op: 'eq', value: LANGS[i % LANGS.length] }] },
    }))
    for (const c of [...defined, defs.campaigns.find((c) => c.id === 'f-ondemand')]) await api.call('POST', '/v1/campaigns', c)
    out.scheduled = { ...defs.scheduled, audience: { segmentId: 'seg-vip-us' } }
    out.config = { campaigns: defined.length + 2, segments: SEGMENTS.length, webhooks: defs.webhooks.length }
  })

  // ---- Phase 1: raw limits of Redis and HTTP.
  await phase('raw limits', async () => {
    const keys = Array.from({ length: Math.min(opts.profiles, 200_000) }, (_, i) => keyPrefix + RedisKeys.profile(customerId(i)))
    out.rawRedis = await rawRedisGets(redis, keys)
    out.rawUndici = await rawUndici({ url: `${receiverUrl}/${runId}`, secret: SECRET, count: Math.min(20_000, N), concurrency: 64, body: (i) => JSON.stringify({ campaign: 'raw', customer: customerId(i % 1000), orderedSeq: -1, sentAt: 0 }) })
    log(`  Redis GET ${Math.round(out.rawRedis.count / (out.rawRedis.ms / 1000))}/s, undici POST ${Math.round(out.rawUndici.count / (out.rawUndici.ms / 1000))}/s`)
  })

  // ---- Phase 2: segmenter + evaluator alone, on a backlog; then the raw one-hop loop on the same events.
  await services.get('ingest').start()
  await services.get('segmenter').start()
  await services.get('campaign-evaluator').start()
  await phase('segmenter + evaluator alone', async (p) => {
    out.produceAlone = await produceEvents({ producer, Topics, count: N, profiles: opts.profiles, run: runId, checkDeadline: checkInterrupt })
    const enriched = physicalTopic(settings, Topics.enrichedEvents)
    for (const until = Date.now() + opts.settle * 1000; ; await sleep(250)) {
      checkInterrupt()
      if ((await committed(admin, `${runId}.campaign-evaluator`, enriched)) >= N) break
      if (Date.now() > until) throw new Error('the evaluator did not commit all events in time (raise --settle or lower --events)')
    }
    out.alone = { ms: performance.now() - p.t0 }
  })
  await phase('raw one-hop Kafka', async () => {
    out.raw = await rawLoop({ brokers: settings.brokers, source: physicalTopic(settings, Topics.customerEvents), target: physicalTopic(settings, rawTarget), groupId: `${runId}-raw`, expected: N, checkDeadline: checkInterrupt })
  })

  // ---- Phase 3: the dispatcher alone on the requests the renderer made of phase 2's triggers.
  await services.get('renderer').start()
  await drained(opts.settle * 1000)
  const requestsTopic = physicalTopic(settings, Topics.webhookRequests)
  out.requests = (await endOffsets(admin, [requestsTopic], opts.partitions)).get(requestsTopic).reduce((s, x) => s + Number(x.offset), 0)
  await phase('dispatcher alone', async () => {
    const before = await stats()
    await services.get('dispatcher').start()
    const ready = Date.now() // the clock starts when it answers ready (it may have begun delivering a moment before)
    const s = await drained(opts.settle * 1000)
    out.dispatcherAlone = { delivered: s.accepted - before.accepted, ms: s.lastAt - ready }
  })

  // ---- From here on, with --layout single, the hot path runs in one process of the single binary.
  if (opts.layout === 'single') {
    log(`one process from here on: ${HOT_PATH_SERVICES.join(', ')} stop and the single binary runs them (CUEWIRE_TARGETS)`)
    await services.combine(HOT_PATH_SERVICES, 'cuewire', profiled.includes('cuewire') ? profileEnv('cuewire') : {})
  }

  // ---- Phase 4: closed loop — schedule + on-demand + N events as fast as taken, until every webhook arrived.
  await phase('closed loop', async (p) => {
    const before = await stats()
    const start = Date.now()
    const scheduleAt = start + 1_000 // the schedule poller looks every second: its fan-out joins the backlog at once
    await api.call('POST', '/v1/campaigns', { ...out.scheduled, trigger: { ...out.scheduled.trigger, at: new Date(scheduleAt).toISOString() } })
    const onDemand = Array.from({ length: Math.min(500, opts.profiles) }, (_, i) => customerId(i * Math.floor(opts.profiles / 500)))
    for (let i = 0; i < onDemand.length; i += 50) await api.call('POST', '/v1/campaigns/f-ondemand/trigger', { customerIds: onDemand.slice(i, i + 50) }, { 'idempotency-key': `${runId}-ondemand-${i}` })
    const r = rng(3)
    const events = Array.from({ length: N }, (_, i) => customerEvent(r, i, opts.profiles, `${runId}-c`))
    let next = 0
    await Promise.all([0, 1, 2, 3].map(async () => {
      while (next < N) { const b = next; next += 1_000; await sendBlock(events.slice(b, b + 1_000), (b / 1_000) % 2 === 0) }
    }))
    out.acceptedMs = performance.now() - p.t0
    const s = await drained(opts.settle * 1000, scheduleAt + 3_000)
    out.closed = { ms: s.lastAt - start, delivered: s.accepted - before.accepted, complete: s.complete, onDemand: onDemand.length, audience: out.membership.sizes['seg-vip-us'] }
  })

  // ---- Phase 5: open loop at --rate for --duration; latency measured at the receiver.
  // The open loop measures 1,000 events/s in a steady state, not the stack still settling after
  // the closed loop's backlog (the consumers of delivery results, the broker): without this rest
  // the first 20 s of the open loop had a p99 two to four times the rest's.
  log(`resting ${opts.rest} s before the open loop`)
  await sleep(opts.rest * 1000)
  await ask({ cmd: 'reset-latencies' })
  const hops = [
    ['customer event (ingest or the load generator)', Topics.customerEvents],
    ['enriched event (segmenter)', Topics.enrichedEvents],
    ['campaign trigger (evaluator)', Topics.campaignTriggers],
    ['webhook request (renderer)', Topics.webhookRequests],
  ].map(([label, contract]) => ({ label, topic: physicalTopic(settings, contract) }))
  const openFrom = await endOffsets(admin, hops.map((h) => h.topic), opts.partitions)
  await phase('open loop', async () => {
    const r = rng(4)
    const total = opts.rate * (opts.warmup + opts.duration)
    let sent = 0
    let tick = 0
    const t0 = performance.now()
    measuredFrom = Date.now() + opts.warmup * 1000 // events sent from here on are the ones timed
    const inFlight = new Set()
    while (sent < total) {
      checkInterrupt()
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * opts.rate))
      const batch = []
      for (; sent < due; sent++) {
        const e = customerEvent(r, sent, opts.profiles, `${runId}-o`)
        e.properties = JSON.stringify({ ...JSON.parse(e.properties), sentAt: Date.now() })
        batch.push(e)
      }
      if (batch.length) { const p = sendBlock(batch, tick++ % 2 === 0).finally(() => inFlight.delete(p)); inFlight.add(p) }
      await sleep(10)
    }
    await Promise.all(inFlight)
    out.offeredMs = performance.now() - t0
    const s = await drained(opts.settle * 1000)
    const lat = Float64Array.from((await stats(true, measuredFrom)).latencies).sort()
    const withWarmup = Float64Array.from((await stats(true)).latencies).sort()
    out.open = { offered: total, seconds: out.offeredMs / 1000, samples: lat.length, complete: s.complete, p50: percentile(lat, 50), p99: percentile(lat, 99), p999: percentile(lat, 99.9), max: lat[lat.length - 1], withWarmup: { p50: percentile(withWarmup, 50), p99: percentile(withWarmup, 99) } }
  })
  // Where the latency builds up: each hop's records of the open loop, read back (not timed).
  out.hops = await hopLatencies({ brokers: settings.brokers, serde: new AvroSerde(infra.schemaRegistryUrl), hops, from: openFrom, since: measuredFrom })
  // Records in the dispatcher's retry tiers (deferrals and retries) and dead letters: where a latency tail comes from.
  const extraTopics = (await admin.listTopics()).filter((t) => t.startsWith(`${runId}.`) && /retry|dead-letter/.test(t))
  const ends = await endOffsets(admin, extraTopics, opts.partitions)
  out.retries = Object.fromEntries([...ends].map(([name, partitions]) => [name.slice(runId.length + 1), partitions.reduce((sum, x) => sum + Number(x.offset), 0)]).filter(([, count]) => count > 0))
  out.rss = Object.fromEntries(Object.entries(pids()).map(([app, pid]) => [app, peakRssMiB(pid)]))
  out.final = await stats()
} catch (error) {
  failed = true
  log(`pipeline bench failed: ${error.stack ?? error}`)
} finally {
  sampling = false
  await sampler
  await services?.stopAll()
  await producer?.close().catch(() => {})
  if (receiver?.connected) receiver.send({ cmd: 'close' })
  if (redis) {
    out.cleaned = await cleanup({ admin, redis, registryUrl: infra.schemaRegistryUrl, topicPrefix: `${runId}.`, keyPrefix, groupPrefixes: [runId, `cuewire-view-${runId}.`], log })
    redis.disconnect()
  }
  await admin.close().catch(() => {})
  if (!given) {
    log('stopping own Kafka, registry and Redis')
    await infra.down()
    // Its append-only file still holds every profile written and deleted: hundreds of MB at 1M profiles.
    if (infra.redisPid) rmSync(infra.redisDir, { recursive: true, force: true })
  }
}
if (!failed) {
  report()
  failed = !out.closed.complete || !out.open.complete || out.final.bad > 0
  if (failed) log('check failed: a loop did not drain within --settle, or a signature did not verify')
}
process.exit(failed ? 1 : 0)

function report() {
  const n = (x) => Math.round(x).toLocaleString('en-US')
  const rate = (count, ms) => count / (ms / 1000)
  const byName = Object.fromEntries(phases.map((p) => [p.name, p]))
  const rawKafka = rate(out.raw.count, out.raw.ms)
  const alone = rate(N, out.alone.ms)
  const undici = rate(out.rawUndici.count, out.rawUndici.ms)
  const dispatcher = rate(out.dispatcherAlone.delivered, out.dispatcherAlone.ms)
  const closedEvents = rate(N, out.closed.ms)
  console.log('| Measure | value | raw limit beside it (same run) | % of raw |\n|---|---:|---|---:|')
  console.log(`| **end to end, closed loop**: ${n(N)} events (half HTTP arrays of 100, half straight to Kafka) + schedule over ${n(out.closed.audience)} + on-demand ${out.closed.onDemand} → every webhook at the receiver${out.closed.complete ? '' : ' (NOT drained: timed out)'} | **${n(closedEvents)} events/s**, ${n(rate(out.closed.delivered, out.closed.ms))} deliveries/s (${n(out.closed.delivered)} in ${(out.closed.ms / 1000).toFixed(1)} s; events accepted in ${(out.acceptedMs / 1000).toFixed(1)} s) | | |`)
  console.log(`| **latency event → webhook** at ${n(opts.rate)} events/s offered for ${opts.duration} s after ${opts.warmup} s of warm-up (${n(out.open.samples)} webhooks timed${out.open.complete ? '' : ', NOT drained'}) | p50 **${n(out.open.p50)} ms**, p99 **${n(out.open.p99)} ms**, p99.9 **${n(out.open.p999)} ms**, max ${n(out.open.max)} ms | offered for ${out.open.seconds.toFixed(1)} s; warm-up included: p50 ${n(out.open.withWarmup.p50)} ms, p99 ${n(out.open.withWarmup.p99)} ms | |`)
  console.log(`| segmenter + evaluator alone, backlog of ${n(N)} → evaluator committed all | ${n(alone)} events/s | raw one-hop Kafka consume+produce ${n(rawKafka)}/s | ${((100 * alone) / rawKafka).toFixed(1)} % |`)
  console.log(`| dispatcher alone, backlog of ${n(out.requests)} requests → all at the receiver | ${n(dispatcher)} deliveries/s | raw undici POST (64 in flight, signed, verified) ${n(undici)}/s | ${((100 * dispatcher) / undici).toFixed(1)} % |`)
  console.log(`| Redis pipelined GET (1,000 a pipeline, 4 in flight) | | ${n(rate(out.rawRedis.count, out.rawRedis.ms))}/s | |`)
  console.log(`\nWebhooks per event in phase 2: ${(out.requests / N).toFixed(3)}; receiver: ${out.final.unique} distinct deliveries, ${out.final.duplicates} duplicates, ${out.final.bad} bad signatures. Records in retry tiers / dead letters over the run: ${JSON.stringify(out.retries)}.`)

  const apps = ['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher', ...(opts.layout === 'single' ? ['cuewire'] : []), 'control-plane', 'receiver', 'load generator', ...(given ? [] : ['kafka', 'registry'])]
  if (opts.layout === 'single') console.log(`\nLayout: single — from the closed loop on, ${HOT_PATH_SERVICES.join(', ')} run in one process (the \`cuewire\` row); the stages-alone phases ran each in its own.`)
  const shown = ['segmenter + evaluator alone', 'dispatcher alone', 'closed loop', 'open loop']
  console.log(`\n| CPU seconds (share of one core) | ${shown.join(' | ')} | peak RSS MiB |\n|---|${shown.map(() => '---:').join('|')}|---:|`)
  for (const app of apps) {
    const cells = shown.map((ph) => { const c = byName[ph]?.cpu?.[app]; const s = (byName[ph].t1 - byName[ph].t0) / 1000; return c === null || c === undefined ? '–' : `${c.toFixed(1)} (${((100 * c) / s).toFixed(0)} %)` })
    console.log(`| ${app} | ${cells.join(' | ')} | ${out.rss[app] ? n(out.rss[app]) : '–'} |`)
  }
  console.log(`| Redis server | ${shown.map((ph) => byName[ph].redis.cpu.toFixed(1)).join(' | ')} | |`)
  const events = { 'segmenter + evaluator alone': N, 'dispatcher alone': out.requests, 'closed loop': N, 'open loop': out.open.offered }
  console.log(`\n| Redis commands (INFO commandstats delta, whole server) | ${shown.join(' | ')} |\n|---|${shown.map(() => '---').join('|')}|`)
  const per = (ph) => { const d = byName[ph].redis.calls; const total = d.reduce((s, c) => s + c.calls, 0); return `**${(total / events[ph]).toFixed(2)}**: ${d.filter((c) => c.calls / events[ph] >= 0.01).map((c) => `${c.cmd} ${(c.calls / events[ph]).toFixed(2)}`).join(', ')}` }
  console.log(`| per ${shown.map((ph) => (ph === 'dispatcher alone' ? 'request' : 'event')).join(' / ')} | ${shown.map(per).join(' | ')} |`)

  console.log('\nConsumer lag (records not yet committed, summed over partitions) per phase, min–max, by group:')
  const groups = [...new Set(lagSeries.flatMap((s) => Object.keys(s.lags)))].filter((g) => !g.endsWith('-raw')).sort()
  console.log(`\n| group | ${shown.join(' | ')} |\n|---|${shown.map(() => '---').join('|')}|`)
  for (const g of groups) {
    const cells = shown.map((ph) => { const xs = lagSeries.filter((s) => s.phase === ph && g in s.lags).map((s) => s.lags[g]); return xs.length ? `${n(Math.min(...xs))}–${n(Math.max(...xs))}` : '–' })
    console.log(`| ${g} | ${cells.join(' | ')} |`)
  }
  for (const ph of ['closed loop', 'open loop']) {
    const xs = lagSeries.filter((s) => s.phase === ph)
    const step = Math.max(1, Math.ceil(xs.length / 40))
    const total = xs.filter((_, i) => i % step === 0).map((s) => Object.values(s.lags).reduce((a, b) => a + b, 0))
    console.log(`\nTotal lag every ${step} s, ${ph}: ${total.map(n).join(' ')}`)
  }
  console.log(`\nOpen loop, where the latency builds up: each stage's records of the open loop after the warm-up, (record timestamp − the load generator's sentAt), ms`)
  console.log('\n| written by | records | p50 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|')
  for (const h of out.hops) console.log(`| ${h.label} | ${n(h.count)} | ${n(h.p50)} | ${n(h.p99)} | ${n(h.p999)} | ${n(h.max)} |`)
  console.log(`| webhook at the receiver (dispatcher) | ${n(out.open.samples)} | ${n(out.open.p50)} | ${n(out.open.p99)} | ${n(out.open.p999)} | ${n(out.open.max)} |`)
  console.log(`\np99 of each 5 s of the open loop (by sentAt), ms — a stall shows in one window, queueing in all; the first ${Math.ceil(opts.warmup / 5)} are the warm-up:\n`)
  for (const h of out.hops) console.log(`- ${h.label}: ${h.p99ByWindow.map((x) => (x === null ? '–' : n(x))).join(' ')}`)
  console.log(`\nSetup: ${n(opts.profiles)} profiles in ${(out.profiles.ms / 1000).toFixed(1)} s (${out.profiles.avgBytes.toFixed(0)} B each), segment membership in ${(out.membership.ms / 1000).toFixed(1)} s (${Object.entries(out.membership.sizes).map(([k, v]) => `${k} ${n(v)}`).join(', ')}); ${out.config.campaigns} campaigns, ${out.config.segments} segments, ${out.config.webhooks} webhooks. Load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}. Removed Redis keys: ${JSON.stringify(out.cleaned)}.`)
}
