import { setTimeout as sleep } from 'node:timers/promises';
import { createCuewireClient } from '@cuewire/client';
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

const cuewire = createCuewireClient({ baseUrl: api, apiKey });

/** The answer's data, or a clear error (an absent object on delete is fine: the demo is re-runnable). */
function check<T>(what: string, result: { data?: T; error?: unknown; response: Response }, allow404 = false): T | undefined {
  const { status } = result.response;
  if (status === 401 || status === 403) throw new Error(`${what} → ${status} ${JSON.stringify(result.error)}\nSet CUEWIRE_KEY to a key with the ingest and admin scopes (\`npm start\` keeps one in ${LOCAL_ADMIN_KEY_FILE}).`);
  if (result.error !== undefined && !(allow404 && status === 404)) throw new Error(`${what} → ${status} ${JSON.stringify(result.error)}`);
  return result.data;
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
  const webhook = demoWebhook(receiver.url);
  check('DELETE campaign', await cuewire.DELETE('/v1/campaigns/{id}', { params: { path: { id: demoCampaign.id } } }), true);
  check('DELETE webhook', await cuewire.DELETE('/v1/webhooks/{id}', { params: { path: { id: webhook.id } } }), true);
  check('POST /v1/webhooks', await cuewire.POST('/v1/webhooks', { body: webhook }));
  check('POST /v1/campaigns', await cuewire.POST('/v1/campaigns', { body: demoCampaign }));
  console.log(`created webhook ${webhook.id} and live campaign ${demoCampaign.id}`);
  await sleep(1_000); // config reaches every service within a second

  const customers = [
    { id: 'demo-ada', firstName: 'Ada', email: 'ada@example.com', total: 129.5, items: [{ sku: 'PLATE-6', name: 'Dish set', qty: 1, price: 89.5 }, { sku: 'MUG-2', name: 'Mugs', qty: 2, price: 20 }] },
    { id: 'demo-grace', firstName: 'Grace', email: 'grace@example.com', total: 42, items: [{ sku: 'BOWL-4', name: 'Bowls', qty: 1, price: 42 }] },
    { id: 'demo-alan', firstName: 'Alan', email: 'alan@example.com', total: 15.99, items: [{ sku: 'SPOON', name: 'Spoon', qty: 1, price: 15.99 }] },
  ];
  for (const c of customers) {
    check('PATCH profile', await cuewire.PATCH('/v1/customers/{customerId}', { params: { path: { customerId: c.id } }, body: { attributes: { firstName: c.firstName, email: c.email } } }));
  }
  await sleep(500);
  const events = customers.map((c) => ({ customerId: c.id, type: 'purchase', properties: { total: c.total, currency: 'EUR', items: c.items } }));
  check('POST /v1/events', await cuewire.POST('/v1/events', { body: events }));
  console.log(`sent ${customers.length} purchase events; waiting for webhooks…`);

  const deadline = Date.now() + 30_000;
  while (receiver.received.length < customers.length && Date.now() < deadline) await sleep(200);
  await receiver.close();
  const valid = receiver.received.filter((r) => r.signatureValid).length;
  console.log(`\n${receiver.received.length}/${customers.length} webhooks received, ${valid} with a valid signature.`);
  process.exit(receiver.received.length === customers.length && valid === customers.length ? 0 : 1);
}

await main();
