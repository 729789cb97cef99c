#!/usr/bin/env node
// Kafka client benchmark: kafkajs vs @platformatic/kafka, same broker, same Avro payloads, same run.
//
//   KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 \
//     node bench/kafka-clients.bench.mjs [--messages 200000] [--runs 3] [--batch-size 1000] [--in-flight 4]
//       [--partitions 3] [--consume-batch 1000]
//
// Per client and run: create a topic, register the schema under `<topic>-value`, Avro-encode all
// events (timed on its own), produce them (idempotent, acks=all, batches with several sends in flight,
// timed until every ack), then consume them with a fresh consumer group from the beginning:
// decode every value through the registry, commit after each batch, stop when all are read.
// Both consumers get the same fetch limits (maxBytes 10 MiB, the kafkajs default; maxBytesPerPartition
// sized for ~consume-batch messages) so batches, and therefore commits, have about the same cadence.
// Client order alternates between runs. Progress goes to stderr, the report to stdout.
import { cpus, loadavg } from 'node:os'
import * as kafkajs from './lib/kafkajs.mjs'
import * as platformatic from './lib/platformatic.mjs'
import { decodeAll, deleteSubject, encodeAll, freshRegistry, makeEvents, registerSchema } from './lib/payload.mjs'
import { median, parseArgs, spreadPct, summary } from './lib/util.mjs'

const args = parseArgs(process.argv.slice(2))
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7'
const N = args.messages
const log = msg => process.stderr.write(`${msg}\n`)

console.log('Reproduce with (from the repository root):\n')
console.log('```sh')
console.log(
  `KAFKA_BROKERS=${brokers.join(',')} SCHEMA_REGISTRY_URL=${registryUrl} node bench/kafka-clients.bench.mjs` +
    ` --messages ${N} --runs ${args.runs} --batch-size ${args.batchSize} --in-flight ${args.inFlight} --partitions ${args.partitions} --consume-batch ${args.consumeBatch}`
)
console.log('```\n')

const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`
const clients = {
  kafkajs: kafkajs.createClient({ brokers, clientId: `bench-kafkajs-${runId}` }),
  platformatic: platformatic.createClient({ brokers, clientId: `bench-platformatic-${runId}` })
}
const results = { kafkajs: [], platformatic: [] }
const reference = [] // client-independent Avro timings per run
const registryNotes = new Set()
const created = [] // { name, topic, groupId, subject } for cleanup

// Node process warnings (e.g. TimeoutNegativeWarning) are attributed to a client by their stack.
process.on('warning', w => {
  const name = /node_modules[\\/]kafkajs[\\/]/.test(w.stack) ? 'kafkajs' : /@platformatic[\\/]kafka/.test(w.stack) ? 'platformatic' : null
  if (name) clients[name].warnings.push(`process warning ${w.name}: ${w.message.split('\n')[0]}`)
})

log(`Generating ${N.toLocaleString('en-US')} events...`)
const events = makeEvents(N)

async function measure(name, run) {
  const client = clients[name]
  const load = loadavg()[0] // other load on the machine skews wall-clock rates; shown per run
  const topic = `bench.${name}.${runId}.r${run}`
  const entry = { name, topic, groupId: `${topic}.group`, subject: `${topic}-value` }
  created.push(entry)
  await client.createTopic(topic, args.partitions)

  const { registry, id, notes } = await registerSchema(registryUrl, entry.subject)
  notes.forEach(n => registryNotes.add(n))
  const enc = await encodeAll(registry, id, events)
  const prod = await client.produce({ topic, messages: enc.messages, batchSize: args.batchSize, inFlight: args.inFlight })
  // 1.3x headroom: the broker returns whole record batches, so a limit of exactly consume-batch messages
  // gives kafkajs (one eachBatch per partition fetch) ~700-message batches; with it both average ~1000.
  const fetchLimits = { maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: Math.ceil((1.3 * args.consumeBatch * enc.bytes) / N) }
  const cons = await client.consume({
    topic,
    groupId: entry.groupId,
    expected: N,
    registry: freshRegistry(registryUrl),
    fetch: fetchLimits,
    maxBatch: args.consumeBatch
  })
  const committed = await client.committedTotal(entry.groupId, topic)
  if (cons.count !== N || cons.mismatches !== 0 || committed !== N) {
    throw new Error(`${name} run ${run}: consumed ${cons.count}/${N}, ${cons.mismatches} key/value mismatches, committed ${committed}/${N}`)
  }
  const r = { run, bytes: enc.bytes, encodeMs: enc.ms, produceMs: prod.ms, produceCpuMs: prod.cpuMs, consumeMs: cons.ms, consumeCpuMs: cons.cpuMs, joinMs: cons.joinMs, batches: cons.batches, schemaId: id, load }
  results[name].push(r)
  log(
    `  run ${run} ${client.label.padEnd(26)} produce ${rate(r.produceMs)} msg/s (incl. encode ${rate(r.encodeMs + r.produceMs)}),` +
      ` consume ${rate(r.consumeMs)} msg/s, join ${r.joinMs.toFixed(0)} ms, committed ${committed}`
  )
  return enc.messages
}

const rate = ms => Math.round(N / (ms / 1000)).toLocaleString('en-US')
const tStart = performance.now()
const startLoad = loadavg()[0]
let exitCode = 0
try {
  for (let run = 1; run <= args.runs; run++) {
    const order = run % 2 ? ['kafkajs', 'platformatic'] : ['platformatic', 'kafkajs']
    log(`Run ${run}/${args.runs} (order: ${order.join(' then ')})`)
    let messages
    for (const name of order) messages = await measure(name, run)
    const reg = freshRegistry(registryUrl)
    await reg.decode(messages[0].value) // warm the schema cache, then time decode alone
    reference.push({ encodeMs: results.kafkajs.at(-1).encodeMs, decodeMs: await decodeAll(reg, messages) })
  }
  report()
} catch (err) {
  exitCode = 1
  console.error('Benchmark failed:', err)
} finally {
  log('Cleaning up topics, consumer groups and subjects...')
  for (const { name, topic, groupId, subject } of created) {
    const client = clients[name]
    await client.deleteGroups([groupId]).catch(e => log(`  deleteGroups ${groupId}: ${e.message}`))
    await client.deleteTopics([topic]).catch(e => log(`  deleteTopics ${topic}: ${e.message}`))
    await deleteSubject(registryUrl, subject)
  }
  for (const client of Object.values(clients)) await client.close().catch(e => log(`  close: ${e.message}`))
  log(`Done in ${((performance.now() - tStart) / 1000).toFixed(1)} s`)
}
process.exitCode = exitCode

function report() {
  const bytes = results.kafkajs[0].bytes
  const avg = bytes / N
  const msgs = (rs, f) => rs.map(r => N / (f(r) / 1000))
  const mbs = (rs, f) => rs.map(r => bytes / 1e6 / (f(r) / 1000))
  const rows = [
    ['Produce, raw client (msg/s)', rs => msgs(rs, r => r.produceMs)],
    ['Produce, raw client (MB/s)', rs => mbs(rs, r => r.produceMs)],
    ['Produce incl. Avro encode (msg/s)', rs => msgs(rs, r => r.encodeMs + r.produceMs)],
    ['Consume + decode + commit (msg/s)', rs => msgs(rs, r => r.consumeMs)],
    ['Consume + decode + commit (MB/s)', rs => mbs(rs, r => r.consumeMs)],
    // CPU time of this Node process per message: less sensitive to other load than wall-clock rates.
    ['Produce CPU µs/msg (lower is better)', rs => rs.map(r => (1000 * r.produceCpuMs) / N)],
    ['Consume CPU µs/msg (lower is better)', rs => rs.map(r => (1000 * r.consumeCpuMs) / N)]
  ]
  const [a, b] = [clients.kafkajs.label, clients.platformatic.label]
  console.log(`## Results: ${N.toLocaleString('en-US')} messages x ${args.runs} runs, median (min–max), spread = ±half range`)
  console.log(`\nAvg message ${avg.toFixed(0)} B (key + Avro value, Confluent wire format); ${args.partitions} partitions;`)
  console.log(`producer batches of ${args.batchSize}, ${args.inFlight} send() calls in flight; consumer batches of`)
  console.log(`~${args.consumeBatch} (maxBytes 10 MiB, maxBytesPerPartition ${Math.ceil(1.3 * args.consumeBatch * avg)} B); Node ${process.version};`)
  console.log(`${cpus().length} CPUs, load average at start ${startLoad.toFixed(2)}.\n`)
  console.log(`| Metric | ${a} | spread | ${b} | spread | platformatic / kafkajs |`)
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const [title, f] of rows) {
    const [x, y] = [f(results.kafkajs), f(results.platformatic)]
    console.log(`| ${title} | ${summary(x)} | ${spreadPct(x)} | ${summary(y)} | ${spreadPct(y)} | ${(median(y) / median(x)).toFixed(2)}x |`)
  }
  const join = rs => rs.map(r => r.joinMs)
  console.log(`| Consumer start → first batch (ms) | ${summary(join(results.kafkajs))} | | ${summary(join(results.platformatic))} | | |`)
  const enc = msgs(reference, r => r.encodeMs)
  const dec = msgs(reference, r => r.decodeMs)
  console.log(`\nReference, client-independent (@kafkajs/confluent-schema-registry): Avro encode alone ${summary(enc)} msg/s,` +
    ` decode alone ${summary(dec)} msg/s.\n`)

  console.log('### Per run\n')
  console.log('| Run | Client | encode ms | produce ms (CPU ms) | consume ms (CPU ms) | join ms | consumed batches (avg size) | schema id | load avg (1 min) |')
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|')
  const all = [...results.kafkajs.map(r => [a, r]), ...results.platformatic.map(r => [b, r])].sort((x, y) => x[1].run - y[1].run)
  for (const [label, r] of all) {
    console.log(`| ${r.run} | ${label} | ${r.encodeMs.toFixed(0)} | ${r.produceMs.toFixed(0)} (${r.produceCpuMs.toFixed(0)}) | ${r.consumeMs.toFixed(0)} (${r.consumeCpuMs.toFixed(0)}) | ${r.joinMs.toFixed(0)} | ${r.batches} (${Math.round(N / r.batches)}) | ${r.schemaId} | ${r.load.toFixed(2)} |`)
  }
  console.log('\n### Warnings and errors seen\n')
  for (const client of Object.values(clients)) {
    const counts = new Map()
    for (const w of client.warnings) counts.set(w, (counts.get(w) ?? 0) + 1)
    console.log(`- ${client.label}: ${counts.size ? '' : 'none'}`)
    for (const [w, c] of counts) console.log(`  - ${c}x ${w}`)
  }
  console.log(`- schema registry: ${registryNotes.size ? [...registryNotes].join('; ') : 'none'}`)
}
