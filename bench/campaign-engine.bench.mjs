#!/usr/bin/env node
// Campaign-engine benchmark: events/s through the built segmenter + campaign-evaluator (two
// processes) with 100 live campaigns and 1,000,000 profiles in Redis, beside the machine's own
// limit measured in the same run: a raw @platformatic/kafka loop that consumes the same events and
// produces each value to another topic, committing per batch after the acks (our services' shape).
//
//   npm run build && KAFKA_BROKERS=127.0.0.1:19092 SCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7 \
//     REDIS_URL=redis://127.0.0.1:6379 node bench/campaign-engine.bench.mjs [--events 200000] [--profiles 1000000]
//       [--campaigns 100] [--partitions 6] [--max-seconds 600]
//
// Phases: (1) profiles into Redis (pipelined); (2) webhooks + campaigns onto the compacted config
// topics, validated with the campaign definition schema; (3) events pre-produced with TypedProducer;
// (4) raw loop; (5) the services start (evaluator first), the clock runs from both ready until the
// evaluator group has committed all N enriched events. Everything lives under a fresh topic / group
// / Redis-key prefix that is removed at the end (also on failure or Ctrl-C). --max-seconds bounds
// the whole run (cleanup excluded): setup phases abort past it; the pipeline phase stops waiting
// and reports the rate over what the evaluator had committed, saying so.
import { existsSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin } from '@platformatic/kafka'
import { Redis } from 'ioredis'
import { cleanup } from './lib/campaign-engine/cleanup.mjs'
import { committed, cpuSeconds, endOffsets, rawLoop, redisCounters, redisDelta } from './lib/campaign-engine/measure.mjs'
import { startService } from './lib/campaign-engine/service.mjs'
import { loadProfiles, produceEvents, writeConfig } from './lib/campaign-engine/setup.mjs'
import { benchOptions, benchServers, printReproduce } from './lib/options.mjs'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const opts = benchOptions('campaign-engine', { events: 200_000, profiles: 1_000_000, campaigns: 100, partitions: 6, maxSeconds: 600 })
const { brokers, registryUrl, redisUrl } = benchServers()
const log = (msg) => process.stderr.write(`${msg}\n`)
for (const app of ['segmenter', 'campaign-evaluator']) {
  if (!existsSync(join(dist, `apps/${app}/src/main.js`))) { log('run `npm run build` first (the benchmark runs the built services from dist/)'); process.exit(1) }
}

printReproduce('campaign-engine.bench.mjs', { brokers, registryUrl, redisUrl }, opts)

const { Topics, allTopics } = await import(join(dist, 'libs/contracts/src/index.js'))
const { AvroSerde, TypedProducer, ensureTopics, physicalTopic, recordOutput } = await import(join(dist, 'libs/kafka/src/index.js'))
const { campaignDefinitionSchema } = await import(join(dist, 'libs/campaigns/src/index.js'))
const { storedWebhookSchema } = await import(join(dist, 'libs/templating/src/index.js'))
const { RedisKeys } = await import(join(dist, 'libs/redis/src/redis-keys.js'))

const id = `ce${Date.now().toString(36)}`
const topicPrefix = `bench-${id}.`
const groupPrefix = `bench-${id}`
const keyPrefix = `bench-${id}:`
const settings = { brokers, clientId: `${groupPrefix}-bench`, schemaRegistryUrl: registryUrl, partitions: opts.partitions, replicationFactor: 1, topicPrefix }
const topic = (contract) => physicalTopic(settings, contract)
const rawTarget = { name: 'bench.raw-out', schema: {}, compacted: false }
const N = opts.events

const deadline = Date.now() + opts.maxSeconds * 1000
let interrupted = false
process.once('SIGINT', () => { interrupted = true; log('interrupted: stopping and cleaning up...') })
const checkDeadline = (phase) => {
  if (interrupted) throw new Error(`interrupted while ${phase}`)
  if (Date.now() > deadline) throw new Error(`aborted: over --max-seconds ${opts.maxSeconds} while ${phase} (try fewer --events)`)
}

const admin = new Admin({ clientId: `${groupPrefix}-admin`, bootstrapBrokers: brokers })
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 })
const services = []
const out = { load: [loadavg()[0]] }
let failed = false

async function stopAll() {
  for (const s of services.splice(0).reverse()) {
    await s.stop().catch((e) => log(`  stopping ${s.app}: ${e.message}`))
  }
}

/**
 * Polls the groups' committed offsets until the evaluator has committed all N. At the time bound
 * it stops waiting and returns what was committed (`partial`), so a slow machine still gets a rate.
 */
async function waitForPipeline(seg, ev) {
  const samples = []
  let lastLog = 0
  for (;;) {
    const [segDone, evDone] = await Promise.all([committed(admin, `${groupPrefix}.segmenter`, topic(Topics.customerEvents)), committed(admin, `${groupPrefix}.campaign-evaluator`, topic(Topics.enrichedEvents))])
    const t = performance.now()
    samples.push({ t, segDone, evDone })
    if (evDone >= N) return { samples, partial: false }
    if (t - lastLog > 10_000) { lastLog = t; log(`  ${((t - samples[0].t) / 1000).toFixed(0)} s: segmenter committed ${segDone}, evaluator committed ${evDone} / ${N}`) }
    for (const s of [seg, ev]) if (!s.running) throw new Error(`${s.app} exited during the run; see ${s.logFile}`)
    if (interrupted) throw new Error('interrupted while waiting for the evaluator')
    if (Date.now() > deadline) {
      log(`time bound (--max-seconds ${opts.maxSeconds}) reached with ${evDone} of ${N} events committed by the evaluator: reporting the rate over those (use fewer --events)`)
      return { samples, partial: true }
    }
    await sleep(250)
  }
}

/** events/s between the first samples at ≥10 % and ≥90 % of N (no start-up, no tail). */
function steadyRate(samples) {
  const a = samples.find((s) => s.evDone >= N * 0.1)
  const b = samples.find((s) => s.evDone >= N * 0.9)
  return a && b && b.t > a.t ? (b.evDone - a.evDone) / ((b.t - a.t) / 1000) : null
}

try {
  log(`Run ${id}: ${opts.partitions} partitions, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load avg ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
  await ensureTopics(settings, [...allTopics, rawTarget])
  const producer = new TypedProducer(settings, new AvroSerde(registryUrl))

  log(`Loading ${opts.profiles.toLocaleString('en-US')} profiles into Redis under ${keyPrefix} ...`)
  out.profiles = await loadProfiles({ redis, keyPrefix, RedisKeys, count: opts.profiles, checkDeadline })
  log(`  ${(out.profiles.ms / 1000).toFixed(1)} s, ${Math.round(opts.profiles / (out.profiles.ms / 1000)).toLocaleString('en-US')} profiles/s, ${out.profiles.avgBytes.toFixed(0)} bytes each`)

  out.config = await writeConfig({ producer, Topics, recordOutput, campaignSchema: campaignDefinitionSchema, webhookSchema: storedWebhookSchema, count: opts.campaigns })
  log(`Wrote ${out.config.webhooks} webhooks and ${out.config.campaigns} live campaigns ${JSON.stringify(out.config.stats)}`)

  log(`Producing ${N.toLocaleString('en-US')} events to ${topic(Topics.customerEvents)} ...`)
  out.produce = await produceEvents({ producer, Topics, count: N, profiles: opts.profiles, run: id, checkDeadline })
  await producer.close()
  log(`  ${(out.produce.ms / 1000).toFixed(1)} s, properties ${out.produce.avgPropertiesBytes.toFixed(0)} bytes on average, ${JSON.stringify(out.produce.byType)}`)

  log('Raw consume + produce loop (machine limit, same topic, own group) ...')
  out.raw = await rawLoop({ brokers, source: topic(Topics.customerEvents), target: topic(rawTarget), groupId: `${groupPrefix}.raw`, expected: N, checkDeadline })
  log(`  ${out.raw.count} in ${(out.raw.ms / 1000).toFixed(1)} s (${out.raw.batches} batches)`)

  log('Starting campaign-evaluator, then segmenter ...')
  const env = {
    NODE_ENV: 'production', LOG_LEVEL: 'warn', KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl, REDIS_URL: redisUrl,
    KAFKA_TOPIC_PREFIX: topicPrefix, KAFKA_GROUP_PREFIX: groupPrefix, REDIS_KEY_PREFIX: keyPrefix, KAFKA_TOPIC_PARTITIONS: String(opts.partitions), KAFKA_CLIENT_ID: groupPrefix,
  }
  const ev = await startService(root, 'campaign-evaluator', env)
  services.push(ev)
  const seg = await startService(root, 'segmenter', env)
  services.push(seg)
  const cpu0 = { seg: cpuSeconds(seg.pid), ev: cpuSeconds(ev.pid) }
  const redis0 = await redisCounters(redis)
  const { samples, partial } = await waitForPipeline(seg, ev)
  const redis1 = await redisCounters(redis)
  out.pipeline = {
    ms: samples.at(-1).t - samples[0].t,
    done: samples.at(-1).evDone,
    partial,
    segAtStart: samples[0].segDone,
    seg: samples.find((x) => x.segDone >= N) ?? samples.at(-1),
    steady: steadyRate(samples),
    cpu: { seg: cpuSeconds(seg.pid) - cpu0.seg, ev: cpuSeconds(ev.pid) - cpu0.ev },
    redis: redisDelta(redis0, redis1),
    triggers: await endOffsets(admin, topic(Topics.campaignTriggers), opts.partitions),
    enriched: await endOffsets(admin, topic(Topics.enrichedEvents), opts.partitions),
    deadLetters: await endOffsets(admin, topic(Topics.deadLetters), opts.partitions),
    logs: [seg.logFile, ev.logFile],
  }
  out.load.push(loadavg()[0])
  await stopAll()

  const p = out.pipeline
  const rate = (n, ms) => Math.round(n / (ms / 1000))
  const pct = (cpu, ms) => `${cpu.toFixed(1)} s (${((100 * cpu) / (ms / 1000)).toFixed(0)} % of a core)`
  const e2e = rate(p.done, p.ms)
  const raw = rate(out.raw.count, out.raw.ms)
  console.log(`Machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${out.load.map((x) => x.toFixed(2)).join(' → ')} (start → end of the pipeline phase); ${opts.partitions} partitions.\n`)
  console.log('| Setup | count | seconds | per second | note |\n|---|---:|---:|---:|---|')
  console.log(`| profiles into Redis (pipelined SET) | ${opts.profiles.toLocaleString('en-US')} | ${(out.profiles.ms / 1000).toFixed(1)} | ${rate(opts.profiles, out.profiles.ms).toLocaleString('en-US')} | ${out.profiles.avgBytes.toFixed(0)} B JSON each |`)
  console.log(`| live campaigns + webhooks on the config topics | ${out.config.campaigns} + ${out.config.webhooks} | | | ${Object.entries(out.config.stats).map(([k, v]) => `${k} ${v}`).join(', ')} |`)
  console.log(`| events pre-produced (TypedProducer, Avro) | ${N.toLocaleString('en-US')} | ${(out.produce.ms / 1000).toFixed(1)} | ${rate(N, out.produce.ms).toLocaleString('en-US')} | properties ${out.produce.avgPropertiesBytes.toFixed(0)} B avg |`)
  console.log('\n| Path | events | seconds | events/s | CPU |\n|---|---:|---:|---:|---|')
  console.log(`| **segmenter + campaign-evaluator**, both ready → evaluator committed ${p.partial ? `${p.done.toLocaleString('en-US')} of ${N.toLocaleString('en-US')} (stopped at the time bound)` : 'all'} | ${p.done.toLocaleString('en-US')} | ${(p.ms / 1000).toFixed(1)} | **${e2e.toLocaleString('en-US')}** | segmenter ${pct(p.cpu.seg, p.ms)}, evaluator ${pct(p.cpu.ev, p.ms)}, Redis ${pct(p.redis.cpu, p.ms)} |`)
  console.log(`| same, steady state (10 % → 90 % committed) | | | ${p.steady ? Math.round(p.steady).toLocaleString('en-US') : 'n/a'} | |`)
  console.log(`| segmenter stage alone (both ready → segmenter committed all; evaluator running beside it) | ${p.seg.segDone.toLocaleString('en-US')} | ${((p.seg.t - samples[0].t) / 1000).toFixed(1)} | ${rate(p.seg.segDone, p.seg.t - samples[0].t).toLocaleString('en-US')} | |`)
  console.log(`| **raw consume + produce, one hop** (machine limit; batches ≤ 500, commit after acks) | ${out.raw.count.toLocaleString('en-US')} | ${(out.raw.ms / 1000).toFixed(1)} | **${raw.toLocaleString('en-US')}** | bench process ${pct(out.raw.cpuSeconds, out.raw.ms)}; ${out.raw.avgValueBytes.toFixed(0)} B values; join ${out.raw.joinMs.toFixed(0)} ms |`)
  console.log(`\nPipeline / raw one hop: **${(e2e / raw).toFixed(3)}** (${(raw / e2e).toFixed(1)}× below the machine's consume+produce rate; the pipeline is two such hops).`)
  console.log(`Triggers produced: ${p.triggers.toLocaleString('en-US')} (${(p.triggers / p.done).toFixed(3)} per event); enriched ${p.enriched.toLocaleString('en-US')}; dead letters ${p.deadLetters}. ` +
    `The segmenter had committed ${p.segAtStart} events when both were ready.`)
  const perEvent = p.redis.calls.slice(0, 10).map((c) => `${c.cmd} ${(c.calls / p.done).toFixed(2)}`).join(', ')
  const total = p.redis.calls.reduce((s, c) => s + c.calls, 0)
  console.log(`Redis commands during the pipeline phase (whole server, other sessions included): ${(total / p.done).toFixed(2)} per event — ${perEvent}.`)
  log(`Service logs: ${p.logs.join(', ')}`)
  failed = (!p.partial && p.enriched !== N) || p.deadLetters !== 0
  if (failed) log(`check failed: enriched ${p.enriched} (expected ${N}), dead letters ${p.deadLetters} (expected 0)`)
} catch (error) {
  failed = true
  log(`campaign-engine bench failed: ${error.stack ?? error}`)
} finally {
  await stopAll()
  log('Cleaning up topics, subjects, groups and Redis keys ...')
  out.cleaned = await cleanup({ admin, redis, registryUrl, topicPrefix, keyPrefix, groupPrefixes: [groupPrefix, `cuewire-view-${topicPrefix}`], log })
  await admin.close().catch(() => {})
  redis.disconnect()
  if (!failed) console.log(`Keys the run left in Redis, by kind (all removed): ${JSON.stringify(out.cleaned)}.`)
}
process.exit(failed ? 1 : 0)
