// Deterministic test data for the campaign-engine benchmark: profiles, events, campaigns, webhooks.
// Everything comes from one seeded PRNG, so two runs with the same options see the same data.

/** mulberry32: small, fast, seeded. */
export function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)]

export const COUNTRIES = ['US', 'GB', 'FR', 'DE', 'IN', 'BR', 'CA', 'AU', 'ES', 'IT', 'NL', 'SE', 'MX', 'JP', 'PL', 'BE', 'IE', 'PT', 'ZA', 'SG']
const AGE_BUCKETS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+']
const FIRST_NAMES = ['Ada', 'Nadia', 'Kofi', 'Mei', 'Lucas', 'Priya', 'Omar', 'Ingrid', 'Mateo', 'Yuki', 'Chloé', 'Tomasz']
const LANGS = ['en', 'fr', 'de', 'es', 'pt', 'it', 'nl', 'ja', 'pl']
const PLANS = ['free', 'plus', 'premium']
const CATEGORIES = ['shoes', 'dresses', 'outerwear', 'bags', 'beauty', 'home', 'kitchen', 'toys', 'sport', 'electronics', 'jewellery', 'garden']

export const customerId = (i) => `c${String(i).padStart(7, '0')}`

/** One profile as the segmenter stores it (JSON text, ~150 bytes). */
export function profileJson(r, i) {
  const signup = Date.UTC(2019, 0, 1) + Math.floor(r() * 6 * 365) * 86_400_000
  return JSON.stringify({
    firstName: pick(r, FIRST_NAMES),
    email: `${customerId(i)}@mail.example`,
    country: pick(r, COUNTRIES),
    vip: r() < 0.08,
    ageBucket: pick(r, AGE_BUCKETS),
    signupAt: new Date(signup).toISOString(),
    language: pick(r, LANGS),
    plan: pick(r, PLANS),
  })
}

/** Event types with their share of traffic (weights sum to 100). */
export const EVENT_MIX = [
  ['page_view', 24], ['product_view', 24], ['search', 10], ['cart_add', 10], ['email_open', 8],
  ['wishlist_add', 5], ['checkout_start', 5], ['purchase', 6], ['email_click', 5], ['app_open', 3],
]
export const EVENT_TYPES = EVENT_MIX.map(([t]) => t)
const cumulative = EVENT_MIX.reduce((acc, [t, w]) => [...acc, [t, (acc.at(-1)?.[1] ?? 0) + w]], [])
const eventType = (r) => { const x = r() * 100; return cumulative.find(([, c]) => x < c)[0] }

function items(r) {
  return Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
    const category = pick(r, CATEGORIES)
    return { sku: `${category.slice(0, 3).toUpperCase()}-${Math.floor(r() * 90_000 + 10_000)}`, name: `${category} item ${Math.floor(r() * 500)}`, category, price: Math.round(r() * 25_000) / 100, qty: 1 + Math.floor(r() * 2) }
  })
}

/** Event properties as a client would send them (~300–500 bytes of JSON). */
function properties(r, type, i) {
  const base = {
    sessionId: `s-${Math.floor(r() * 1e9).toString(36)}-${i.toString(36)}`,
    channel: pick(r, ['web', 'web', 'ios', 'android']),
    locale: pick(r, ['en-US', 'en-GB', 'fr-FR', 'de-DE', 'es-ES', 'pt-BR']),
    utm: { source: pick(r, ['google', 'newsletter', 'instagram', 'direct']), medium: pick(r, ['cpc', 'email', 'social', 'none']), campaign: `spring-${Math.floor(r() * 20)}` },
    device: { os: pick(r, ['iOS 18.1', 'Android 15', 'Windows 11', 'macOS 15']), appVersion: `4.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}` },
  }
  switch (type) {
    case 'purchase': case 'cart_add': case 'checkout_start': case 'wishlist_add': case 'product_view': {
      const its = items(r)
      const total = Math.round(its.reduce((s, x) => s + x.price * x.qty, 0) * 100) / 100
      return { ...base, orderId: type === 'purchase' ? `o-${i}` : undefined, currency: 'EUR', total, items: its }
    }
    case 'search': return { ...base, query: pick(r, ['red dress', 'running shoes', 'gift for her', 'linen shirt', 'sofa']), results: Math.floor(r() * 40), page: `https://shop.example/search?page=${Math.floor(r() * 5)}` }
    case 'email_open': case 'email_click':
      return { ...base, campaignId: `cmp-${String(Math.floor(r() * 100)).padStart(3, '0')}`, deliveryId: `d-${i}`, url: type === 'email_click' ? `https://shop.example/p/${Math.floor(r() * 10_000)}?utm_source=email` : undefined }
    default: return { ...base, url: `https://shop.example/${pick(r, ['', 'sale', 'new-in', 'c/shoes', 'c/home'])}`, referrer: pick(r, ['https://www.google.example/', '', 'https://t.example/x']), title: 'Shop — spring collection' }
  }
}

/** The i-th event of the run (a CustomerEvent value, keyed by its customer). */
export function customerEvent(r, i, profiles, run) {
  const type = eventType(r)
  const customer = customerId(Math.floor(r() * profiles))
  const now = Date.now()
  return { eventId: `ev-${run}-${i}`, customerId: customer, type, occurredAt: now, receivedAt: now, source: 'kafka', properties: JSON.stringify(properties(r, type, i)) }
}

export const WEBHOOKS = [
  ['wh-email', 'Email provider', 'https://api.email.example/v3/mail/send'],
  ['wh-sms', 'SMS provider', 'https://api.sms.example/2010-04-01/Messages.json'],
  ['wh-slack', 'Sales Slack channel', 'https://hooks.slack.example/services/T0/B0/X'],
  ['wh-crm', 'CRM task', 'https://crm.example/api/tasks'],
  ['wh-push', 'Push notifications', 'https://push.example/v1/send'],
].map(([id, name, url]) => ({
  id,
  body: { name, url, headers: { 'x-campaign': '{{campaign.id}}' }, body: '{"to": {{json customer.email}}, "event": {{json event.type}}, "name": {{json (default customer.firstName "there")}}}' },
}))

/** Property filters per event type (the "where" of single-event triggers); k varies the threshold. */
function whereFor(type, k) {
  const cats = [CATEGORIES[k % 12], CATEGORIES[(k + 5) % 12]]
  switch (type) {
    case 'purchase': return k % 2 ? [{ field: 'total', op: 'gte', value: 50 + 40 * k }] : [{ field: 'items[].category', op: 'in', value: cats }]
    case 'cart_add': case 'checkout_start': return k % 2 ? [{ field: 'total', op: 'gte', value: 100 + 25 * k }] : [{ field: 'items[].category', op: 'in', value: cats }]
    case 'product_view': case 'wishlist_add': return [{ field: 'items[].price', op: 'gte', value: 80 + 20 * k }, { field: 'items[].category', op: 'in', value: cats }]
    case 'search': return [{ field: 'results', op: 'lt', value: 1 + (k % 3) }]
    case 'email_open': case 'email_click': return [{ field: 'campaignId', op: 'in', value: [`cmp-${String(k * 7).padStart(3, '0')}`, `cmp-${String(k * 7 + 3).padStart(3, '0')}`] }]
    default: return [{ field: 'channel', op: 'eq', value: k % 2 ? 'ios' : 'android' }]
  }
}

/** Profile filters: a third by country, a fifth VIP only, some by age; the rest unfiltered. */
function profileFor(i) {
  const f = []
  if (i % 3 === 0) f.push({ field: 'country', op: 'eq', value: COUNTRIES[i % COUNTRIES.length] })
  if (i % 5 === 0) f.push({ field: 'vip', op: 'eq', value: true })
  if (i % 7 === 3) f.push({ field: 'ageBucket', op: 'in', value: ['25-34', '35-44'] })
  return f
}

const ALL_OF = [[['product_view', 'cart_add'], 'PT1H'], [['search', 'product_view'], 'PT30M'], [['email_click', 'purchase'], 'P1D'], [['product_view', 'wishlist_add', 'cart_add'], 'PT2H'], [['app_open', 'search'], 'PT1H']]
const NOT_FOLLOWED_BY = [['cart_add', 'purchase', 'PT2H'], ['checkout_start', 'purchase', 'PT30M'], ['email_open', 'email_click', 'P1D'], ['product_view', 'cart_add', 'PT1H'], ['search', 'product_view', 'PT10M']]

/** `count` live campaigns: 80 % single-event, 10 % all-of, 10 % not-followed-by (no schedules). */
export function campaigns(count) {
  const sequences = Math.max(2, Math.round(count / 10))
  return Array.from({ length: count }, (_, i) => {
    const id = `cmp-${String(i).padStart(3, '0')}`
    let trigger
    if (i < count - 2 * sequences) {
      const type = EVENT_TYPES[i % EVENT_TYPES.length]
      trigger = { type: 'event', eventType: type, where: whereFor(type, Math.floor(i / EVENT_TYPES.length)) }
    } else if (i < count - sequences) {
      const [steps, within] = ALL_OF[i % ALL_OF.length]
      trigger = { type: 'all-of', events: steps.map((eventType) => ({ eventType })), within }
    } else {
      const [first, then, within] = NOT_FOLLOWED_BY[i % NOT_FOLLOWED_BY.length]
      trigger = { type: 'not-followed-by', first: { eventType: first }, then: { eventType: then }, within }
    }
    const profile = profileFor(i)
    return {
      id,
      body: {
        name: `Bench campaign ${i} (${trigger.type}${trigger.eventType ? ` ${trigger.eventType}` : ''})`,
        status: 'live',
        trigger,
        ...(profile.length ? { filters: { profile } } : {}),
        webhookIds: [WEBHOOKS[i % WEBHOOKS.length].id],
      },
    }
  })
}
