// Measurements of the pipeline benchmark that the campaign-engine ones (../campaign-engine/measure.mjs)
// do not cover: every consumer group's lag, peak RSS, latency percentiles, and two raw limits of
// the machine (undici POSTs to the same receiver, pipelined Redis GETs of the same profiles).
import { readFileSync } from 'node:fs'
import { Pool } from 'undici'
import { Webhook } from 'standardwebhooks'

/** Lag (end offset − committed offset, summed over partitions and topics) of every group whose id starts with `prefix`. */
export async function groupLags(admin, prefix) {
  const groups = [...(await admin.listGroups()).keys()].filter((g) => g.startsWith(prefix))
  if (groups.length === 0) return {}
  const committed = await admin.listConsumerGroupOffsets({ groups })
  const topics = [...new Set(committed.flatMap((g) => g.topics.map((t) => t.name)))]
  if (topics.length === 0) return {}
  const partitionsOf = new Map(committed.flatMap((g) => g.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])))
  const ends = await admin.listOffsets({ topics: topics.map((name) => ({ name, partitions: partitionsOf.get(name).map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) })) })
  const end = new Map(ends.flatMap((t) => t.partitions.map((p) => [`${t.name}/${p.partitionIndex}`, Number(p.offset)])))
  const lags = {}
  for (const g of committed) {
    let lag = 0
    for (const t of g.topics) for (const p of t.partitions) lag += Math.max(0, (end.get(`${t.name}/${p.partitionIndex}`) ?? 0) - Math.max(0, Number(p.committedOffset)))
    lags[g.groupId.slice(prefix.length)] = lag
  }
  return lags
}

/** Peak resident set size (VmHWM) of a process in MiB, from /proc; null when unknown. */
export function peakRssMiB(pid) {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) / 1024 : null
  } catch { return null }
}

/** p-th percentile of an ascending array. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

/**
 * The machine's POST limit to the same verifying receiver: `count` signed POSTs (signatures made
 * before the clock starts, so only the HTTP exchange and the receiver's verification are timed),
 * `concurrency` in flight over keep-alive connections, after a warm-up of 500.
 */
export async function rawUndici({ url, secret, count, concurrency, body }) {
  const signer = new Webhook(secret)
  const signed = (i) => {
    const id = `raw_${i}`
    const at = new Date()
    const payload = body(i)
    return { id, payload, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, payload) } }
  }
  const origin = new URL(url)
  const pool = new Pool(origin.origin, { connections: concurrency, pipelining: 1 })
  const post = async ({ payload, headers }) => {
    const res = await pool.request({ method: 'POST', path: `${origin.pathname}/raw`, headers, body: payload })
    await res.body.dump()
    if (res.statusCode !== 204) throw new Error(`receiver answered ${res.statusCode}`)
  }
  for (let i = 0; i < 500; i++) await post(signed(-1 - i))
  const requests = Array.from({ length: count }, (_, i) => signed(i))
  let next = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < count) await post(requests[next++]) }))
  const ms = performance.now() - t0
  await pool.close()
  return { count, ms }
}

/** The machine's Redis read limit for our access pattern: GETs of `keys`, chunks of 1,000 pipelined, 4 chunks in flight. */
export async function rawRedisGets(redis, keys) {
  let next = 0
  const t0 = performance.now()
  await Promise.all([0, 1, 2, 3].map(async () => {
    while (next < keys.length) {
      const chunk = keys.slice(next, (next += 1_000))
      const pipeline = redis.pipeline()
      for (const k of chunk) pipeline.get(k)
      await pipeline.exec()
    }
  }))
  return { count: keys.length, ms: performance.now() - t0 }
}
