// The fault suite's workload: customers, profiles, events and five campaigns (one of every
// trigger kind) chosen so that how many webhooks each must send is known exactly in advance.
import { setTimeout as sleep } from 'node:timers/promises';

export const SECRET = 'whsec_' + Buffer.from('cuewire-fault-suite-signing-key-0123').toString('base64');

const id = (i) => `f${String(i).padStart(6, '0')}`;
const purchasesOf = (i) => i % 3; // 0, 1 or 2 purchases: a third never buys
const isGold = (i) => i % 10 === 0;

/**
 * `customers` customers with `eventsPerCustomer` events each (≥ 6). Every customer views a
 * product and adds to cart (all-of fires once), buys 0–2 times (the event campaign fires per
 * purchase; not-followed-by fires once for those who never buy), and pads with page views.
 * Every event carries the customer's sequence number, so the receiver can check order.
 */
export function workload({ customers, eventsPerCustomer = 10, onDemandCustomers = 500, runId }) {
  const plan = [];
  for (let i = 0; i < customers; i++) {
    const types = ['product_view', 'cart_add', ...Array(purchasesOf(i)).fill('purchase')];
    while (types.length < eventsPerCustomer) types.push('page_view');
    plan.push({ customer: id(i), types });
  }
  const purchases = plan.reduce((n, p) => n + p.types.filter((t) => t === 'purchase').length, 0);
  const neverBuy = plan.filter((p) => !p.types.includes('purchase')).length;
  const gold = Array.from({ length: customers }, (_, i) => i).filter(isGold).length;
  const onDemand = Math.min(onDemandCustomers, customers);
  const onDemandIds = Array.from({ length: onDemand }, (_, i) => id(i));
  return {
    runId,
    plan,
    events: customers * eventsPerCustomer,
    onDemandIds,
    profiles: Array.from({ length: customers }, (_, i) => ({ customerId: id(i), attributes: { firstName: `Customer ${i}`, tier: isGold(i) ? 'gold' : 'standard' } })),
    expected: { 'f-event': purchases, 'f-allof': customers, 'f-nfb': neverBuy, 'f-sched': gold, 'f-ondemand': onDemand },
    /** Who each once-per-customer campaign fires for: anyone else it reaches is a wrong firing. */
    firesFor: {
      'f-allof': new Set(plan.map((p) => p.customer)),
      'f-nfb': new Set(plan.filter((p) => !p.types.includes('purchase')).map((p) => p.customer)),
      'f-sched': new Set(plan.filter((_, i) => isGold(i)).map((p) => p.customer)),
      'f-ondemand': new Set(onDemandIds),
    },
  };
}

const eventBody = '{"campaign": "{{campaign.id}}", "customer": {{json customer.id}}, "orderedSeq": {{json (default event.properties.seq -1)}}, "sentAt": {{json (default event.properties.sentAt 0)}} }';
const plainBody = '{"campaign": "{{campaign.id}}", "customer": {{json customer.id}} }';

/** Webhooks (short retry schedule, so receiver faults resolve within a run) and the five campaigns. */
export function definitions(receiverUrl, { notFollowedWithin = 'PT30S', scheduleAt }) {
  const webhook = (name, body) => ({
    id: `wh-${name}`,
    name: `Fault suite ${name}`,
    url: `${receiverUrl}/${name}/{{customer.id}}`,
    body,
    // Generous: the receiver shares a busy machine with the whole stack; a late answer is not a fault here.
    timeoutMs: 10_000,
    retry: { schedule: ['1s', '2s', '5s', '10s', '20s', '30s', '60s', '60s', '60s', '60s'] },
    signing: { type: 'standard-webhooks', secrets: [SECRET] },
  });
  const webhooks = [webhook('event', eventBody), webhook('allof', plainBody), webhook('nfb', plainBody), webhook('sched', plainBody), webhook('ondemand', plainBody)];
  const campaign = (id, trigger, webhookId, extra = {}) => ({ id, name: `Fault suite ${id}`, status: 'live', trigger, webhookIds: [webhookId], ...extra });
  const segment = { id: 'f-gold', name: 'Gold customers', conditions: [{ field: 'tier', op: 'eq', value: 'gold' }] };
  const campaigns = [
    campaign('f-event', { type: 'event', eventType: 'purchase' }, 'wh-event'),
    campaign('f-allof', { type: 'all-of', events: [{ eventType: 'product_view' }, { eventType: 'cart_add' }], within: 'PT1H' }, 'wh-allof'),
    campaign('f-nfb', { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: notFollowedWithin }, 'wh-nfb'),
    campaign('f-ondemand', { type: 'on-demand' }, 'wh-ondemand'),
  ];
  const scheduled = campaign('f-sched', { type: 'schedule', at: new Date(scheduleAt).toISOString() }, 'wh-sched', { audience: { segmentId: 'f-gold' } });
  return { webhooks, campaigns, segment, scheduled };
}

/** The control plane's REST API with the admin key; retried across restarts of the service. */
export class AdminApi {
  constructor(baseUrl, key) {
    this.baseUrl = baseUrl;
    this.key = key;
  }

  async call(method, path, body, headers = {}) {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl()}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status >= 500 || res.status === 429) throw new Error(`${method} ${path}: ${res.status} ${text}`);
        if (res.status >= 400) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${text}`), { final: true });
        return text ? JSON.parse(text) : undefined;
      } catch (error) {
        if (error.final || attempt >= 60) throw error;
        await sleep(1_000);
      }
    }
  }
}

/**
 * Sends the events: half through `POST /v1/events` (arrays of 100 with client event ids,
 * retried until answered 202 — a client that never saw 202 sends again and the dedupe drops
 * the copy), half straight to Kafka. Customers go in blocks, each customer's events in order,
 * so per-customer order is defined by the send order.
 */
export async function sendEvents({ load, ingestUrl, adminKey, producer, eventsTopic, recordOutput, ratePerSecond, onProgress }) {
  const started = Date.now();
  let sent = 0;
  const block = 100;
  for (let b = 0; b < load.plan.length; b += block) {
    const customers = load.plan.slice(b, b + block);
    const events = [];
    const longest = Math.max(...customers.map((c) => c.types.length));
    for (let seq = 0; seq < longest; seq++) {
      for (const c of customers) {
        const type = c.types[seq];
        if (!type) continue;
        const now = Date.now();
        events.push({ eventId: `${load.runId}-${c.customer}-${seq}`, customerId: c.customer, type, occurredAt: now, properties: { seq, sentAt: now } });
      }
    }
    if ((b / block) % 2 === 0) await postEvents(ingestUrl, adminKey, events);
    else {
      const records = events.map((e) =>
        recordOutput(eventsTopic, e.customerId, { eventId: e.eventId, customerId: e.customerId, type: e.type, occurredAt: e.occurredAt, receivedAt: e.occurredAt, source: 'faults', properties: JSON.stringify(e.properties) }),
      );
      // A producer retries until Kafka (and the registry, for encoding) take the records; a
      // copy of an event that did go through is the same event id, so the same webhook-id.
      for (let attempt = 0; ; attempt++) {
        try {
          await producer.send(records);
          break;
        } catch (error) {
          if (attempt > 300) throw error;
          await sleep(1_000);
        }
      }
    }
    sent += events.length;
    onProgress?.(sent);
    if (ratePerSecond) {
      const due = started + (sent / ratePerSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  }
  return sent;
}

async function postEvents(ingestUrl, adminKey, events) {
  for (let i = 0; i < events.length; i += 100) {
    const body = JSON.stringify(events.slice(i, i + 100).map(({ properties, ...e }) => ({ ...e, occurredAt: new Date(e.occurredAt).toISOString(), properties })));
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${ingestUrl()}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        await res.text();
        if (res.status === 202) break;
        if (res.status < 500 && res.status !== 429) throw Object.assign(new Error(`ingest answered ${res.status}`), { final: true });
      } catch (error) {
        if (error.final || attempt > 300) throw error;
      }
      await sleep(500);
    }
  }
}
