#!/usr/bin/env node
// Profile-rebuild benchmark: how fast `cuewire rebuild profiles` restores Redis from the compacted
// profile-state topic. Writes N profile-state records (and S segment definitions) under a fresh
// topic / Redis-key prefix, runs the built command line as its own process, checks that every
// profile and the segment membership are back, and removes the run's topics and keys.
//
//   npm run build && KAFKA_BROKERS=127.0.0.1:19092 SCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7 \
//     REDIS_URL=redis://127.0.0.1:16379 node bench/profile-rebuild.bench.mjs [--profiles 200000] [--segments 10] [--partitions 6] [--batch 1000]
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { Admin } from '@platformatic/kafka'
import { Redis } from 'ioredis'
import { benchOptions, benchServers, printReproduce, removeRun } from './lib/options.mjs'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const cli = join(dist, 'apps/cuewire/src/cli.js')
const log = (msg) => process.stderr.write(`${msg}\n`)
if (!existsSync(cli)) { log('run `npm run build` first (the benchmark runs the built command line from dist/)'); process.exit(1) }

const opts = benchOptions('profile-rebuild', { profiles: 200_000, segments: 10, partitions: 6, batch: 1000 })
const servers = benchServers()
printReproduce('profile-rebuild.bench.mjs', servers, opts)

const { Topics } = await import(join(dist, 'libs/contracts/src/index.js'))
const { AvroSerde, TypedProducer, ensureTopics, physicalTopic, recordOutput } = await import(join(dist, 'libs/kafka/src/index.js'))

const id = `pr${Date.now().toString(36)}`
const topicPrefix = `bench-${id}.`
const keyPrefix = `bench-${id}:`
const settings = { brokers: servers.brokers, clientId: `bench-${id}`, schemaRegistryUrl: servers.registryUrl, partitions: opts.partitions, replicationFactor: 1, topicPrefix }
const contracts = [Topics.customerProfileState, Topics.segmentConfig]
const customer = (i) => `cust-${String(i).padStart(7, '0')}`
const tierOf = (i) => `t${i % opts.segments}`

const producer = new TypedProducer(settings, new AvroSerde(servers.registryUrl))
const redis = new Redis(servers.redisUrl, { keyPrefix })
try {
  await ensureTopics(settings, contracts)
  const now = Date.now()
  await producer.send(Array.from({ length: opts.segments }, (_, s) => recordOutput(Topics.segmentConfig, `tier-${s}`, {
    kind: 'segment', id: `tier-${s}`, revision: 1, updatedAt: now, body: JSON.stringify({ name: `Tier ${s}`, conditions: [{ field: 'tier', op: 'eq', value: `t${s}` }] }),
  })))
  log(`Producing ${opts.profiles.toLocaleString('en-US')} profile-state records...`)
  for (let i = 0; i < opts.profiles; i += 5_000) {
    await producer.send(Array.from({ length: Math.min(5_000, opts.profiles - i) }, (_, j) => {
      const n = i + j
      const profile = { firstName: `Name${n}`, country: ['CA', 'FR', 'DE', 'US'][n % 4], tier: tierOf(n), orders: n % 37, vip: n % 10 === 0 }
      return recordOutput(Topics.customerProfileState, customer(n), { customerId: customer(n), profile: JSON.stringify(profile), segments: [`tier-${n % opts.segments}`], updatedAt: now })
    }))
  }

  log('Running `cuewire rebuild profiles`...')
  const started = performance.now()
  const child = spawn(process.execPath, [cli, 'rebuild', 'profiles', '--batch', String(opts.batch), '--progress-interval', '5'], {
    env: { ...process.env, KAFKA_BROKERS: servers.brokers.join(','), SCHEMA_REGISTRY_URL: servers.registryUrl, REDIS_URL: servers.redisUrl, KAFKA_TOPIC_PREFIX: topicPrefix, REDIS_KEY_PREFIX: keyPrefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.on('data', (d) => (stdout += d))
  const code = await new Promise((resolve) => child.once('exit', resolve))
  const wallSeconds = (performance.now() - started) / 1000
  if (code !== 0) throw new Error(`rebuild exited with ${code}`)
  const summary = JSON.parse(stdout)

  const sample = [0, Math.floor(opts.profiles / 2), opts.profiles - 1]
  for (const n of sample) {
    const profile = JSON.parse((await redis.get(`profile:{${customer(n)}}`)) ?? 'null')
    if (profile?.tier !== tierOf(n)) throw new Error(`profile of ${customer(n)} not restored`)
  }
  const members = await Promise.all(Array.from({ length: opts.segments }, (_, s) => redis.zcard(`segment-members:{tier-${s}}`)))
  const totalMembers = members.reduce((a, b) => a + b, 0)
  if (totalMembers !== opts.profiles) throw new Error(`membership: ${totalMembers} members for ${opts.profiles} profiles`)

  console.log(`| profiles | segments | partitions | batch | rebuild (reported) | records/s | wall incl. start-up | cores, load |`)
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- |`)
  console.log(`| ${opts.profiles.toLocaleString('en-US')} | ${opts.segments} | ${opts.partitions} | ${opts.batch} | ${summary.seconds.toFixed(1)} s | ${summary.recordsPerSecond.toLocaleString('en-US')} | ${wallSeconds.toFixed(1)} s | ${cpus().length}, ${loadavg()[0].toFixed(1)} |`)
} finally {
  await producer.close().catch(() => undefined)
  redis.disconnect()
  const admin = new Admin({ clientId: `bench-${id}-admin`, bootstrapBrokers: servers.brokers })
  await removeRun({ admin, registryUrl: servers.registryUrl, redisUrl: servers.redisUrl, topics: contracts.map((c) => physicalTopic(settings, c)), keyPrefix, log })
}
