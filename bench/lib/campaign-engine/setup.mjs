// Setup phases of the campaign-engine benchmark: profiles into Redis, campaigns and webhooks onto
// the compacted config topics (as the control plane writes them), events onto customer-events.
import { campaigns, customerEvent, profileJson, rng, WEBHOOKS } from './fixtures.mjs'

/**
 * Writes `count` profiles with the segmenter's layout (RedisKeys.profile(id) → JSON text) under
 * the run's key prefix, pipelined: chunks of `chunk` SETs, `inFlight` chunks at a time.
 */
export async function loadProfiles({ redis, keyPrefix, RedisKeys, count, checkDeadline, chunk = 5_000, inFlight = 4 }) {
  const r = rng(1)
  let next = 0
  let bytes = 0
  const t0 = performance.now()
  const worker = async () => {
    while (next < count) {
      checkDeadline('loading profiles')
      const start = next
      const end = Math.min(count, start + chunk)
      next = end
      const pipeline = redis.pipeline()
      for (let i = start; i < end; i++) {
        const json = profileJson(r, i)
        bytes += json.length
        pipeline.set(keyPrefix + RedisKeys.profile(`c${String(i).padStart(7, '0')}`), json)
      }
      const results = await pipeline.exec()
      const failed = results.find(([err]) => err)
      if (failed) throw failed[0]
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  return { ms: performance.now() - t0, avgBytes: bytes / count }
}

/** Webhooks, then campaigns, each validated like the control plane does before it writes them. */
export async function writeConfig({ producer, Topics, recordOutput, campaignSchema, webhookSchema, count }) {
  const now = Date.now()
  const record = (kind, id, body) => ({ kind, id, revision: 1, updatedAt: now, body: JSON.stringify(body) })
  const webhooks = WEBHOOKS.map(({ id, body }) => recordOutput(Topics.webhookConfig, id, record('webhook', id, webhookSchema.parse(body))))
  const defs = campaigns(count)
  const stats = { event: 0, 'all-of': 0, 'not-followed-by': 0, profileFiltered: 0 }
  const records = defs.map(({ id, body }) => {
    const parsed = campaignSchema.safeParse(body)
    if (!parsed.success) throw new Error(`campaign ${id} is invalid: ${JSON.stringify(parsed.error.issues)}`)
    stats[parsed.data.trigger.type]++
    if (parsed.data.filters?.profile?.length) stats.profileFiltered++
    return recordOutput(Topics.campaignConfig, id, record('campaign', id, parsed.data))
  })
  await producer.send(webhooks)
  await producer.send(records)
  return { webhooks: webhooks.length, campaigns: records.length, stats }
}

/** Produces `count` events with the TypedProducer, batches of 1,000, 4 in flight. */
export async function produceEvents({ producer, Topics, count, profiles, run, checkDeadline }) {
  const r = rng(2)
  const batches = Math.ceil(count / 1_000)
  let next = 0
  let bytes = 0
  const byType = {}
  const t0 = performance.now()
  await Promise.all([0, 1, 2, 3].map(async () => {
    while (next < batches) {
      checkDeadline('producing events')
      const b = next++
      const records = []
      for (let i = b * 1_000; i < Math.min(count, (b + 1) * 1_000); i++) {
        const value = customerEvent(r, i, profiles, run)
        bytes += value.properties.length
        byType[value.type] = (byType[value.type] ?? 0) + 1
        records.push({ topic: Topics.customerEvents, key: value.customerId, value })
      }
      await producer.send(records)
    }
  }))
  return { ms: performance.now() - t0, avgPropertiesBytes: bytes / count, byType }
}
