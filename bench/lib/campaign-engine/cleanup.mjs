// Removes everything one benchmark run created: topics, schema subjects, consumer groups, Redis keys.

/** DELETE the subject (soft), then permanently; a missing subject is fine. */
async function deleteSubject(registryUrl, subject) {
  for (const q of ['', '?permanent=true']) {
    await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}${q}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) }).catch(() => {})
  }
}

/**
 * Deletes the run's keys (SCAN MATCH <prefix>* + UNLINK in batches; never FLUSHALL) and returns
 * how many there were of each kind (the part of the key after the prefix up to the first ':').
 */
export async function deleteRedisKeys(redis, keyPrefix, deadline) {
  const kinds = {}
  let cursor = '0'
  do {
    if (Date.now() > deadline) throw new Error(`Redis cleanup timed out; remove the rest with: redis-cli --scan --pattern '${keyPrefix}*' | xargs redis-cli unlink`)
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 10_000)
    cursor = next
    for (const k of keys) {
      const kind = k.slice(keyPrefix.length).split(':')[0]
      kinds[kind] = (kinds[kind] ?? 0) + 1
    }
    for (let i = 0; i < keys.length; i += 1_000) await redis.unlink(...keys.slice(i, i + 1_000))
  } while (cursor !== '0')
  return kinds
}

/** Best effort, bounded: each step logs its own failure and the next one still runs. */
export async function cleanup({ admin, redis, registryUrl, topicPrefix, keyPrefix, groupPrefixes, log, timeoutMs = 120_000 }) {
  const deadline = Date.now() + timeoutMs
  let kinds = {}
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix))
    if (topics.length) await admin.deleteTopics({ topics })
    await Promise.all(topics.map((t) => deleteSubject(registryUrl, `${t}-value`)))
    log(`  deleted ${topics.length} topics and their schema subjects`)
  } catch (e) { log(`  topics/subjects: ${e.message}`) }
  try {
    const ours = [...(await admin.listGroups()).keys()].filter((g) => groupPrefixes.some((p) => g.startsWith(p)))
    if (ours.length) await admin.deleteGroups({ groups: ours })
    log(`  deleted ${ours.length} consumer groups`)
  } catch (e) { log(`  consumer groups: ${e.message}`) }
  try {
    kinds = await deleteRedisKeys(redis, keyPrefix, deadline)
    log(`  deleted Redis keys under ${keyPrefix}: ${JSON.stringify(kinds)}`)
  } catch (e) { log(`  Redis: ${e.message}`) }
  return kinds
}
