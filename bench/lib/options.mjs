// What every service benchmark shares: its options from the command line, the servers it runs
// against, the "reproduce with" block it prints first, and the clean-up at the end.
import { Redis } from 'ioredis'
import { deleteSubject } from './payload.mjs'

/**
 * Positive-integer options (`--name 5` or `--name=5`, kebab-case for camelCase keys) over
 * `defaults`. bench/run.mjs passes the same arguments to every benchmark, so options that are
 * not this benchmark's are reported and ignored.
 */
export function benchOptions(name, defaults, argv = process.argv.slice(2)) {
  const opts = { ...defaults }
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i])
    const key = m?.[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    const value = m?.[2] ?? argv[i + 1]
    if (m && m[2] === undefined) i++
    if (!key || !(key in opts)) { process.stderr.write(`${name} bench: ignoring ${argv[i]}\n`); continue }
    // An option whose default is a word takes a word (the caller checks which ones it knows).
    if (typeof defaults[key] === 'string') { opts[key] = String(value); continue }
    if (!/^\d+$/.test(value) || Number(value) <= 0) throw new Error(`--${m[1]} needs a positive integer`)
    opts[key] = Number(value)
  }
  return opts
}

/** Kafka, the schema registry and Redis from the environment (npm run bench sets them), the dev ports otherwise. */
export function benchServers() {
  return {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6380',
  }
}

/** Prints the command that reproduces this run, options included. */
export function printReproduce(script, servers, opts) {
  const flags = Object.entries(opts).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v}`).join(' ')
  console.log('Reproduce with (from the repository root):\n\n```sh')
  console.log(`npm run build && KAFKA_BROKERS=${servers.brokers.join(',')} SCHEMA_REGISTRY_URL=${servers.registryUrl} REDIS_URL=${servers.redisUrl} node bench/${script} ${flags}`)
  console.log('```\n')
}

/** Removes what a run created: its topics (and their value subjects) and its Redis keys (`<keyPrefix>*`). */
export async function removeRun({ admin, registryUrl, redisUrl, topics, keyPrefix, log }) {
  log('Cleaning up topics, subjects and Redis keys...')
  await admin.deleteTopics({ topics }).catch((e) => log(`  deleteTopics: ${e.message}`))
  await Promise.all(topics.map((t) => deleteSubject(registryUrl, `${t}-value`)))
  await admin.close()
  const redis = new Redis(redisUrl)
  for (let cursor = '0'; ;) {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000)
    if (keys.length) await redis.del(...keys)
    if ((cursor = nextCursor) === '0') break
  }
  redis.disconnect()
}
