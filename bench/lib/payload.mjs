// Payload side of the Kafka client benchmark: realistic CustomerEvent purchases,
// Avro (Confluent wire format) through @kafkajs/confluent-schema-registry.
import { readFileSync } from 'node:fs'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'

const SCHEMA_FILE = new URL('../../schemas/customer-event.avsc', import.meta.url)

// Deterministic PRNG (mulberry32) so every run and every client gets identical payloads.
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CATALOG = [
  ['SKU-10021', 'Merino wool crew-neck sweater', 'apparel', 89.9],
  ['SKU-20417', 'Stainless steel insulated bottle 750ml', 'outdoor', 24.5],
  ['SKU-33102', 'Noise-cancelling wireless headphones', 'electronics', 199.0],
  ['SKU-41877', 'Organic cotton bath towel set', 'home', 39.95],
  ['SKU-52290', 'Trail running shoes, size 42', 'footwear', 129.0],
  ['SKU-60013', 'Cast iron skillet 28cm', 'kitchen', 44.0],
  ['SKU-71544', 'Hardcover notebook, dotted, A5', 'stationery', 14.9],
  ['SKU-80930', 'LED desk lamp with USB-C charging', 'home', 59.0]
]
const CURRENCIES = ['EUR', 'USD', 'GBP']
const CHANNELS = ['web', 'ios', 'android', 'pos']

export const customerId = i => `cust-${String(i).padStart(6, '0')}`

/** n purchase events as { key: string, value: CustomerEvent }, keys drawn from `customers` distinct ids. */
export function makeEvents(n, { customers = 10_000, seed = 42 } = {}) {
  const rnd = prng(seed)
  const pick = arr => arr[Math.floor(rnd() * arr.length)]
  const base = Date.UTC(2026, 0, 1)
  const events = new Array(n)
  for (let i = 0; i < n; i++) {
    const cid = customerId(Math.floor(rnd() * customers))
    const items = Array.from({ length: 2 + Math.floor(rnd() * 2) }, () => {
      const [sku, name, category, price] = pick(CATALOG)
      return { sku, name, category, quantity: 1 + Math.floor(rnd() * 3), unitPrice: price }
    })
    const total = Math.round(items.reduce((s, it) => s + it.quantity * it.unitPrice, 0) * 100) / 100
    const occurredAt = base + i * 37 + Math.floor(rnd() * 1000)
    const properties = {
      orderId: `ord-${(1_000_000 + i).toString(36)}-${Math.floor(rnd() * 1e9).toString(36)}`,
      total,
      currency: pick(CURRENCIES),
      channel: pick(CHANNELS),
      items,
      coupon: rnd() < 0.2 ? 'WELCOME10' : null
    }
    events[i] = {
      key: cid,
      value: {
        eventId: `evt-${i.toString(36).padStart(8, '0')}-${Math.floor(rnd() * 2 ** 31).toString(36)}`,
        customerId: cid,
        type: 'purchase',
        occurredAt,
        receivedAt: occurredAt + 120 + Math.floor(rnd() * 500),
        source: 'api',
        properties: JSON.stringify(properties)
      }
    }
  }
  return events
}

/**
 * Registers the schema under `${topic}-value` and checks the registry API works (Apicurio ccompat).
 * Returns { registry, id, notes }. `notes` lists any incompatibility observed, verbatim.
 */
export async function registerSchema(url, subject) {
  const registry = new SchemaRegistry({ host: url })
  const original = readFileSync(SCHEMA_FILE, 'utf8')
  const notes = []
  let id
  try {
    ;({ id } = await registry.register({ type: SchemaType.AVRO, schema: original }, { subject }))
  } catch (err) {
    // Apicurio 3.3.3 rejects schema text containing the literal string "{}" (our properties default)
    // with 422 "Failed to discover artifact type from content." Retry with the JSON-equivalent
    // escape "\u007b}" (same schema once parsed, same Avro canonical form).
    if (err?.status !== 422) throw err
    notes.push(`register() as-is failed: HTTP ${err.status} "${err.message}"; retried with "{}" escaped as "\\u007b}"`)
    const escaped = original.replaceAll('"{}"', '"\\u007b}"')
    ;({ id } = await registry.register({ type: SchemaType.AVRO, schema: escaped }, { subject }))
  }
  if (typeof id !== 'number') throw new Error(`register() returned no id for ${subject}`)
  const latest = await registry.getLatestSchemaId(subject)
  if (latest !== id) throw new Error(`getLatestSchemaId(${subject}) = ${latest}, expected ${id}`)
  return { registry, id, notes }
}

/** A fresh client (empty cache) so consumers fetch the schema by id from the registry like a real service. */
export const freshRegistry = url => new SchemaRegistry({ host: url })

/** Encode all events to { key: Buffer, value: Buffer } (Confluent wire format). Returns { messages, ms, bytes }. */
export async function encodeAll(registry, id, events, chunk = 1000) {
  const messages = new Array(events.length)
  let bytes = 0
  const t0 = performance.now()
  for (let i = 0; i < events.length; i += chunk) {
    const slice = events.slice(i, i + chunk)
    const values = await Promise.all(slice.map(e => registry.encode(id, e.value)))
    for (let j = 0; j < slice.length; j++) {
      const key = Buffer.from(slice[j].key)
      messages[i + j] = { key, value: values[j] }
      bytes += key.length + values[j].length
    }
  }
  return { messages, ms: performance.now() - t0, bytes }
}

/** Decode-only reference timing (what consumers pay on top of the raw client). */
export async function decodeAll(registry, messages, chunk = 1000) {
  const t0 = performance.now()
  for (let i = 0; i < messages.length; i += chunk) {
    await Promise.all(messages.slice(i, i + chunk).map(m => registry.decode(m.value)))
  }
  return performance.now() - t0
}

/** Confluent-compatible subject cleanup (soft then hard delete); the library has no delete API. */
export async function deleteSubject(url, subject) {
  for (const q of ['', '?permanent=true']) {
    await fetch(`${url}/subjects/${encodeURIComponent(subject)}${q}`, { method: 'DELETE' }).catch(() => {})
  }
}
