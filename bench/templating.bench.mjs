// Template rendering throughput: renders/s of a ~2 KB JSON webhook body through the real
// engine (strict Handlebars, helpers, render budget, JSON validation), next to a raw
// JSON.stringify of the same data in the same run (the machine's ceiling for producing that
// JSON at all). Needs `npm run build` (imports dist/libs/templating). No servers.
//   node bench/templating.bench.mjs [--seconds 3] [--runs 3]
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { CompiledWebhook, createTemplateEngine, webhookDefinitionSchema } = await import(pathToFileURL(join(root, 'dist/libs/templating/src/index.js')).href);

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 3);
const runs = arg('runs', 3);
console.log(`command: node bench/templating.bench.mjs --seconds ${seconds} --runs ${runs}`);
console.log(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model}), load average ${loadavg()[0].toFixed(2)}`);

const items = Array.from({ length: 14 }, (_, i) => ({ sku: `SKU-${1000 + i}`, name: `Item number ${i} "deluxe"`, qty: 1 + (i % 3), price: 9.99 + i, category: 'kitchen' }));
const context = {
  customer: { id: 'c-000042', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', country: 'CA', tier: 'gold', phone: '+15005550006' },
  event: { id: 'evt_1', type: 'purchase', occurredAt: '2026-03-01T10:00:00.000Z', properties: { orderId: 'ORD-1001', total: 129.5, currency: 'EUR', items } },
  events: [],
  campaign: { id: 'thanks', name: 'Thank you for buying', version: 3 },
  webhook: { id: 'wh', name: 'Orders' },
  delivery: { id: 'msg_0123456789abcdef0123456789abcdef' },
  trigger: { id: 'trg_1', firedAt: '2026-03-01T10:00:01.000Z' },
};
const body = `{"to": {{json customer.email}}, "name": {{#jsonString}}{{customer.firstName}} {{customer.lastName}}{{/jsonString}}, "tier": {{json customer.tier}},
 "order": {"id": {{json event.properties.orderId}}, "total": {{json event.properties.total}}, "currency": {{json event.properties.currency}},
  "totalText": {{json (money event.properties.total event.properties.currency)}}, "placedAt": {{json (formatDate event.occurredAt "iso" "Europe/Paris")}},
  "itemCount": {{count event.properties.items}}, "units": {{sum event.properties.items "qty"}},
  "items": [{{#each event.properties.items}}{"sku": {{json sku}}, "name": {{json name}}, "qty": {{qty}}, "price": {{price}}, "line": {{json (money price ../event.properties.currency)}}, "big": {{#if (gt price 12)}}true{{else}}false{{/if}} }{{#unless @last}},{{/unless}}{{/each}}]},
 "campaign": {{json campaign}}, "deliveryId": {{json delivery.id}}, "firedAt": {{json trigger.firedAt}} }`;
const engine = createTemplateEngine();
const webhook = new CompiledWebhook(engine, { ...webhookDefinitionSchema.parse({ name: 'bench', url: 'https://example.com/orders/{{urlencode customer.id}}', headers: { 'x-campaign': '{{campaign.id}}' }, body }), id: 'wh' });
const sample = webhook.render(context);
// The same data, shaped like the template's output, serialized directly.
const direct = () =>
  JSON.stringify({
    to: context.customer.email, name: `${context.customer.firstName} ${context.customer.lastName}`, tier: context.customer.tier,
    order: { id: context.event.properties.orderId, total: 129.5, currency: 'EUR', items: context.event.properties.items },
    campaign: context.campaign, deliveryId: context.delivery.id, firedAt: context.trigger.firedAt,
  });
console.log(`rendered body: ${Buffer.byteLength(sample.body)} bytes (JSON.stringify of the same data: ${Buffer.byteLength(direct())} bytes)`);

function measure(fn) {
  for (let i = 0; i < 2000; i++) fn(); // warm-up (JIT)
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  while (performance.now() < until) for (let i = 0; i < 200; i++, n++) fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: n / (ms / 1000), cpuMicrosPer: (cpu.user + cpu.system) / n };
}

const rows = [];
for (let r = 1; r <= runs; r++) {
  const render = measure(() => webhook.render(context));
  const raw = measure(direct);
  rows.push({ run: r, render, raw });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log('\n| run | render (renders/s) | µs CPU / render | JSON.stringify (ops/s) | µs CPU / op | render / stringify |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const { run, render, raw } of rows) console.log(`| ${run} | ${fmt(render.perSecond)} | ${render.cpuMicrosPer.toFixed(1)} | ${fmt(raw.perSecond)} | ${raw.cpuMicrosPer.toFixed(2)} | ${(render.perSecond / raw.perSecond).toFixed(3)} |`);
const mr = median(rows.map((x) => x.render.perSecond));
const ms = median(rows.map((x) => x.raw.perSecond));
console.log(`| median | ${fmt(mr)} | | ${fmt(ms)} | | ${(mr / ms).toFixed(3)} |`);
