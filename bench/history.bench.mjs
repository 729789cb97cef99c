// Delivery history in PostgreSQL: loads --attempts delivery attempts (default 1,000,000) spread
// over --days day partitions into a database of its own, then times the history service's own
// queries (dist/apps/history) — search by campaign+outcome+time, by customer, by webhook, a page
// after a cursor, one delivery, campaign figures — and its write path (one idempotent INSERT per
// result, as the Kafka handler does). Then retention: drops the oldest day partition while a
// writer and a reader run, and reports their worst latency during the drop next to a row-by-row
// DELETE of another day. Needs `npm run build` and PostgreSQL (DATABASE_URL's server, default
// postgres://root@127.0.0.1:5432). Removes its database at the end.
//   node bench/history.bench.mjs [--attempts 1000000] [--days 10] [--runs 30]
import { createHash, randomUUID } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'
import { benchOptions } from './lib/options.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const load = (path) => import(pathToFileURL(join(root, 'dist/apps/history/src', path)).href)
const { HistoryDatabase } = await load('database/history-database.js')
const { PartitionMaintenance } = await load('database/partition.maintenance.js')
const { DeliveryHistoryRepository } = await load('deliveries/delivery-history.repository.js')
const { deliverySearchQuery } = await load('deliveries/delivery-history.schemas.js')
const { CampaignFiguresRepository } = await load('figures/campaign-figures.repository.js')
const { campaignFiguresQuery } = await load('figures/campaign-figures.schemas.js')
const { HistoryRecordsRepository } = await load('recording/history-records.repository.js')

const opts = benchOptions('history', { attempts: 1_000_000, days: 10, runs: 30, campaigns: 200, customers: 100_000, webhooks: 50 })
const DAY = 86_400_000
const server = new URL(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres')
const name = `cw_bench_history_${randomUUID().slice(0, 8)}`
const url = new URL(server)
url.pathname = `/${name}`

console.log(`command: node bench/history.bench.mjs --attempts ${opts.attempts} --days ${opts.days} --runs ${opts.runs} --campaigns ${opts.campaigns} --customers ${opts.customers} --webhooks ${opts.webhooks}`)
console.log(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model}), load average ${loadavg()[0].toFixed(2)}`)

const config = { DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: 4, HISTORY_RETENTION_DAYS: opts.days + 1, HISTORY_PARTITIONS_AHEAD_DAYS: 2, HISTORY_MAINTENANCE_INTERVAL_MS: 3_600_000 }
const db = await HistoryDatabase.open(config)
const partitions = new PartitionMaintenance(db, config)
const records = new HistoryRecordsRepository(db, partitions, config)
const history = new DeliveryHistoryRepository(db)
const figures = new CampaignFiguresRepository(db)
const now = Date.now()
const today = Math.floor(now / DAY) * DAY

try {
  console.log(`PostgreSQL: ${(await db.pool.query('SHOW server_version')).rows[0].server_version}, database ${name}`)
  await partitions.run(now)

  // ---- load: server-side generation (the data is what matters here, not the load path)
  const started = performance.now()
  const batch = 100_000
  for (let from = 0; from < opts.attempts; from += batch) {
    const to = Math.min(opts.attempts, from + batch) - 1
    await db.pool.query(
      `INSERT INTO delivery_attempts (delivery_id, trigger_id, webhook_id, campaign_id, customer_id, attempt, outcome, status_code, latency_ms, error,
         response_excerpt, request_method, request_url, request_headers, request_body_excerpt, attempted_at)
       SELECT 'msg_' || md5(i::text), 'trg_' || md5((i / 2)::text), 'wh-' || (i % $3), 'camp-' || (i % $4), 'c-' || ((i::bigint * 7919) % $5),
              1 + o % 3, outcome, CASE WHEN outcome = 'RENDER_FAILED' THEN NULL WHEN outcome = 'DELIVERED' THEN 200 ELSE 503 END, 20 + o,
              CASE WHEN outcome IN ('DELIVERED', 'SKIPPED_DUPLICATE') THEN NULL ELSE 'receiver answered 503' END, 'ok', 'POST',
              'https://api.example.com/v3/mail/send', '{"content-type": "application/json"}'::jsonb,
              '{"personalizations": [{"to": [{"email": "customer' || i || '@example.com"}]}], "template_id": "d-0123456789", "dynamic_template_data": {"name": "Ada"}}',
              to_timestamp(($6 - $7::bigint * 86400000 + (abs(hashtext('t' || i)) % ($7::bigint * 86400000))) / 1000.0)
         FROM generate_series($1::int, $2::int) i,
              LATERAL (SELECT abs(hashtext('o' || i)) % 100 AS o) h,
              LATERAL (SELECT CASE WHEN o < 85 THEN 'DELIVERED' WHEN o < 93 THEN 'RETRY_SCHEDULED' WHEN o < 97 THEN 'DEAD' WHEN o < 99 THEN 'RENDER_FAILED' ELSE 'SKIPPED_DUPLICATE' END AS outcome) c`,
      // Whole days before today, so each day partition holds 1/days of the rows (today's gets the live writes).
      [from, to, opts.webhooks, opts.campaigns, opts.customers, today, opts.days],
    )
    process.stderr.write(`  loaded ${to + 1}\r`)
  }
  // Steady state: autovacuum visits insert-only partitions too (PostgreSQL ≥ 13), which makes
  // the campaign index's index-only scans (figures) possible; done here at once.
  await db.pool.query('VACUUM ANALYZE delivery_attempts')
  const loadedS = (performance.now() - started) / 1000
  const size = (await db.pool.query(`SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS size, count(*) AS parts FROM pg_inherits WHERE inhparent = 'delivery_attempts'::regclass`)).rows[0]
  console.log(`\nLoaded ${opts.attempts.toLocaleString('en')} attempts over ${opts.days} days in ${loadedS.toFixed(1)} s (${Math.round(opts.attempts / loadedS).toLocaleString('en')} rows/s, server-side INSERT … SELECT with every index, then VACUUM ANALYZE); ${size.parts} day partitions, ${size.size} with indexes\n`)

  // ---- queries through the service's repositories
  const pick = (n, i) => (i * 7919 + 13) % n
  const cases = [
    ['campaign + outcome DEAD + last 2 days, first page of 100', (i) => history.search(deliverySearchQuery.parse({ campaignId: `camp-${pick(opts.campaigns, i)}`, outcome: 'DEAD', from: String(now - 2 * DAY), to: String(now) }))],
    ['campaign + outcomes DEAD,RENDER_FAILED + 7 days', (i) => history.search(deliverySearchQuery.parse({ campaignId: `camp-${pick(opts.campaigns, i)}`, outcome: 'DEAD,RENDER_FAILED', from: String(now - 7 * DAY) }))],
    ['customer, whole window', (i) => history.search(deliverySearchQuery.parse({ customerId: `c-${pick(opts.customers, i)}` }))],
    ['webhook + last 24 h', (i) => history.search(deliverySearchQuery.parse({ webhookId: `wh-${pick(opts.webhooks, i)}`, from: String(now - DAY) }))],
    ['campaign, page 2 (after a cursor)', async (i) => {
      const first = await history.search(deliverySearchQuery.parse({ campaignId: `camp-${pick(opts.campaigns, i)}` }))
      return history.search(deliverySearchQuery.parse({ campaignId: `camp-${pick(opts.campaigns, i)}`, cursor: first.nextCursor }))
    }],
    ['one delivery with its attempts', (i) => history.detail(`msg_${md5Hex(pick(opts.attempts, i))}`)],
    ['campaign figures, 7 days by day (+ per webhook)', (i) => figures.figures(`camp-${pick(opts.campaigns, i)}`, campaignFiguresQuery.parse({ from: String(now - 7 * DAY), bucket: 'day' }))],
    ['campaign figures, 48 h by hour (+ per webhook)', (i) => figures.figures(`camp-${pick(opts.campaigns, i)}`, campaignFiguresQuery.parse({ from: String(now - 2 * DAY), bucket: 'hour' }))],
  ]
  console.log(`| query (${opts.runs} runs, a different campaign/customer/webhook each) | rows returned (median) | p50 ms | p95 ms | max ms |`)
  console.log('|---|---:|---:|---:|---:|')
  for (const [label, run] of cases) {
    await run(opts.runs) // warm-up
    const times = []
    const rows = []
    for (let i = 0; i < opts.runs; i++) {
      const t = performance.now()
      const answer = await run(i)
      times.push(performance.now() - t)
      rows.push(answer?.items?.length ?? answer?.attempts?.length ?? answer?.series?.length ?? 0)
    }
    console.log(`| ${label} | ${median(rows)} | ${median(times).toFixed(1)} | ${quantile(times, 0.95).toFixed(1)} | ${Math.max(...times).toFixed(1)} |`)
  }

  // ---- the write path: one awaited idempotent INSERT per result, as the handler does
  const writes = 5_000
  const w0 = performance.now()
  for (let i = 0; i < writes; i++) await records.recordAttempt(result(`msg_w${i}`, Date.now()))
  const writeS = (performance.now() - w0) / 1000
  console.log(`\nWrite path: ${writes.toLocaleString('en')} results one at a time (recordAttempt, awaited each): ${Math.round(writes / writeS).toLocaleString('en')} results/s, ${((writeS * 1000) / writes).toFixed(2)} ms each`)

  // ---- retention while a writer and a reader run
  const oldest = (await db.pool.query(`SELECT min(attempted_at) AS t FROM delivery_attempts`)).rows[0].t.getTime()
  const dayRows = async (day) => Number((await db.pool.query(`SELECT count(*) AS n FROM delivery_attempts WHERE attempted_at >= to_timestamp($1 / 1000.0) AND attempted_at < to_timestamp($2 / 1000.0)`, [day, day + DAY])).rows[0].n)
  const firstDay = Math.floor(oldest / DAY) * DAY
  let written = 0
  const measureDuring = async (label, action) => {
    const latencies = { write: [], read: [] }
    let stop = false
    const writer = (async () => {
      while (!stop) {
        const t = performance.now()
        await records.recordAttempt(result(`msg_r${written++}`, Date.now()))
        latencies.write.push(performance.now() - t)
      }
    })()
    const reader = (async () => {
      for (let i = 0; !stop; i++) {
        const t = performance.now()
        await history.search(deliverySearchQuery.parse({ campaignId: `camp-${pick(opts.campaigns, i)}`, outcome: 'DEAD', from: String(now - 2 * DAY) }))
        latencies.read.push(performance.now() - t)
      }
    })()
    await new Promise((r) => setTimeout(r, 1_000))
    const before = { write: latencies.write.length, read: latencies.read.length }
    const t = performance.now()
    const detail = await action()
    const took = performance.now() - t
    const during = { write: latencies.write.slice(before.write), read: latencies.read.slice(before.read) }
    stop = true
    await Promise.all([writer, reader])
    const baseline = { write: latencies.write.slice(0, before.write), read: latencies.read.slice(0, before.read) }
    console.log(`| ${label} | ${detail} | ${took.toFixed(0)} | ${median(baseline.write).toFixed(1)} / ${Math.max(...during.write, 0).toFixed(1)} | ${median(baseline.read).toFixed(1)} / ${Math.max(...during.read, 0).toFixed(1)} |`)
  }
  console.log('\n| retention action | rows | took ms | concurrent write: median before / max during (ms) | concurrent search: median before / max during (ms) |')
  console.log('|---|---:|---:|---:|---:|')
  const dropRows = await dayRows(firstDay)
  // The day after the oldest falls out of a window one day shorter: exactly one partition expires.
  await measureDuring('drop the oldest day partition (DETACH CONCURRENTLY + DROP)', async () => {
    const dropped = await new PartitionMaintenance(db, { ...config, HISTORY_RETENTION_DAYS: Math.round((today - firstDay) / DAY) }).run(now)
    return `${dropRows.toLocaleString('en')} (${dropped.filter((d) => d.startsWith('delivery_attempts')).join(', ')})`
  })
  const deleteDay = firstDay + DAY
  const deleteRows = await dayRows(deleteDay)
  await measureDuring('for comparison: DELETE the next day row by row', async () => {
    await db.pool.query(`DELETE FROM delivery_attempts WHERE attempted_at >= to_timestamp($1 / 1000.0) AND attempted_at < to_timestamp($2 / 1000.0)`, [deleteDay, deleteDay + DAY])
    return deleteRows.toLocaleString('en')
  })
} finally {
  await db.onApplicationShutdown()
  const admin = new pg.Client({ connectionString: Object.assign(new URL(server), { pathname: '/postgres' }).toString() })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
  await admin.end()
}

function result(deliveryId, attemptedAt) {
  return {
    deliveryId, triggerId: `trg_${deliveryId}`, webhookId: 'wh-1', campaignId: 'camp-1', customerId: 'c-1', attempt: 1, outcome: 'DELIVERED', statusCode: 200, latencyMs: 20,
    error: null, responseExcerpt: 'ok', attemptedAt, errorPath: null, requestMethod: 'POST', requestUrl: 'https://api.example.com/v3/mail/send',
    requestHeaders: { 'content-type': 'application/json' }, requestBodyExcerpt: '{"hello":"world"}',
  }
}

function md5Hex(i) {
  return createHash('md5').update(String(i)).digest('hex')
}

function median(values) {
  return quantile(values, 0.5)
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}
