import { setTimeout as sleep } from 'node:timers/promises';
import { demoCampaign, demoWebhook } from './demo-config.js';
import { startDemoReceiver } from './demo-receiver.js';
import { LOCAL_ADMIN_KEY_FILE, readLocalAdminKey } from './local-admin-key.js';

/**
 * `npm run demo`: against a running stack (`npm start`, or CUEWIRE_URL), creates a webhook
 * pointing at a receiver started here, a live campaign, three customers and their purchases,
 * then prints the webhooks that arrive.
 */
const api = process.env.CUEWIRE_URL ?? 'http://127.0.0.1:8080';
/** Creates a webhook and a campaign (admin) and sends events (ingest): the bootstrap key `npm start` keeps has both scopes. */
const apiKey = process.env.CUEWIRE_KEY || process.env.CUEWIRE_ADMIN_KEY || readLocalAdminKey();

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status === 401 || res.status === 403) throw new Error(`${method} ${path} → ${res.status} ${text}\nSet CUEWIRE_KEY to a key with the ingest and admin scopes (\`npm start\` keeps one in ${LOCAL_ADMIN_KEY_FILE}).`);
  if (res.status >= 400 && !(method === 'DELETE' && res.status === 404)) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function main(): Promise<void> {
  try {
    await fetch(`${api}/health/ready`);
  } catch {
    console.error(`Cuewire is not answering at ${api}. Start it first with \`npm start\` (or set CUEWIRE_URL).`);
    process.exit(1);
  }
  if (!apiKey) {
    console.error(`No API key: set CUEWIRE_KEY (ingest and admin scopes), or start Cuewire with \`npm start\`, which keeps its admin key in ${LOCAL_ADMIN_KEY_FILE}.`);
    process.exit(1);
  }
  const receiver = await startDemoReceiver(0);
  console.log(`demo receiver listening on ${receiver.url}`);

  // Re-runnable: replace the demo objects if an earlier run left them.
  await call('DELETE', `/v1/campaigns/${demoCampaign.id}`);
  await call('DELETE', `/v1/webhooks/${demoWebhook(receiver.url).id}`);
  await call('POST', '/v1/webhooks', demoWebhook(receiver.url));
  await call('POST', '/v1/campaigns', demoCampaign);
  console.log(`created webhook ${demoWebhook(receiver.url).id} and live campaign ${demoCampaign.id}`);
  await sleep(1_000); // config reaches every service within a second

  const customers = [
    { id: 'demo-ada', firstName: 'Ada', email: 'ada@example.com', total: 129.5, items: [{ sku: 'PLATE-6', name: 'Dish set', qty: 1, price: 89.5 }, { sku: 'MUG-2', name: 'Mugs', qty: 2, price: 20 }] },
    { id: 'demo-grace', firstName: 'Grace', email: 'grace@example.com', total: 42, items: [{ sku: 'BOWL-4', name: 'Bowls', qty: 1, price: 42 }] },
    { id: 'demo-alan', firstName: 'Alan', email: 'alan@example.com', total: 15.99, items: [{ sku: 'SPOON', name: 'Spoon', qty: 1, price: 15.99 }] },
  ];
  for (const c of customers) await call('PATCH', `/v1/customers/${c.id}`, { attributes: { firstName: c.firstName, email: c.email } });
  await sleep(500);
  await call(
    'POST',
    '/v1/events',
    customers.map((c) => ({ customerId: c.id, type: 'purchase', properties: { total: c.total, currency: 'EUR', items: c.items } })),
  );
  console.log(`sent ${customers.length} purchase events; waiting for webhooks…`);

  const deadline = Date.now() + 30_000;
  while (receiver.received.length < customers.length && Date.now() < deadline) await sleep(200);
  await receiver.close();
  const valid = receiver.received.filter((r) => r.signatureValid).length;
  console.log(`\n${receiver.received.length}/${customers.length} webhooks received, ${valid} with a valid signature.`);
  process.exit(receiver.received.length === customers.length && valid === customers.length ? 0 : 1);
}

await main();
