// `npm start`: the whole stack on local defaults. Starts Kafka, the schema registry and Redis
// (unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL / REDIS_URL point at existing servers), runs
// every Cuewire service in one process, and a demo receiver that prints the webhooks it gets.
// Ctrl-C stops it all: the services drain and commit, then what this script started stops.
//   npm start -- [--profile dev|cluster] [--replicas evaluator=3,dispatcher=2,…]
// --profile cluster runs on three Kafka brokers and a Redis Cluster (infra up --profile cluster);
// --replicas starts further processes of the targets named, each running that target alone.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { infraDown, infraUp } from '../infra/infra.mjs';
import { TARGETS } from '../../dist/apps/cuewire/src/targets.js';
import { extraReplicas, parseReplicas } from './replicas.mjs';
import { startDemoReceiver } from '../../dist/tools/demo/src/demo-receiver.js';
import { LOCAL_ADMIN_KEY_FILE, localAdminKey } from '../../dist/tools/demo/src/local-admin-key.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.env.HTTP_PORT ?? 8080);
const receiverPort = Number(process.env.DEMO_RECEIVER_PORT ?? 9999);
const logDir = join(root, '.cuewire', 'logs');

// Every API needs a key: the bootstrap admin key is CUEWIRE_ADMIN_KEY, or one generated once and kept in .cuewire/admin-key.
const adminKey = process.env.CUEWIRE_ADMIN_KEY ? { key: process.env.CUEWIRE_ADMIN_KEY, from: 'CUEWIRE_ADMIN_KEY' } : { key: localAdminKey().key, from: relative(root, LOCAL_ADMIN_KEY_FILE) };

const { values: args } = parseArgs({ options: { profile: { type: 'string', default: 'dev' }, replicas: { type: 'string', default: '' } } });
const replicas = extraReplicas(parseReplicas(args.replicas, Object.keys(TARGETS)), port);
const profile = args.profile;
const infra = await infraUp({ profile });
mkdirSync(logDir, { recursive: true });
const logFile = join(logDir, 'cuewire.log');
const log = createWriteStream(logFile, { flags: 'a' });

const receiver = await startDemoReceiver(receiverPort);
const env = {
  ...process.env,
  KAFKA_BROKERS: infra.kafkaBrokers,
  SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
  REDIS_URL: infra.redisUrl,
  DATABASE_URL: infra.databaseUrl,
  ...(infra.replicationFactor ? { KAFKA_REPLICATION_FACTOR: String(infra.replicationFactor) } : {}),
  CUEWIRE_ADMIN_KEY: adminKey.key,
  // Local runs deliver to receivers on this machine (the demo receiver); production keeps the guard closed.
  DISPATCH_ALLOW_PRIVATE_CIDRS: process.env.DISPATCH_ALLOW_PRIVATE_CIDRS ?? '127.0.0.0/8',
};

/** One process of the single binary; full JSON logs go to `file`, warnings and errors are echoed here. */
function startProcess(targets, httpPort, name, file) {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', 'cuewire', 'src', 'main.js')], {
    env: { ...env, HTTP_PORT: String(httpPort), CUEWIRE_TARGETS: targets },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = file === log ? log : createWriteStream(file, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(out, { end: false });
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        const level = /"level":(\d+)/.exec(line)?.[1];
        if (level && Number(level) >= 40) console.error(`[${name}] ${line}`);
      }
    });
  }
  return child;
}

const services = startProcess(process.env.CUEWIRE_TARGETS ?? 'all', port, 'cuewire', log);
const replicaProcesses = replicas.map((r) => ({ ...r, child: startProcess(r.target, r.httpPort, `${r.target}#${r.replica}`, join(logDir, `cuewire-${r.target}-${r.replica}.log`)) }));

const api = `http://127.0.0.1:${port}`;
const ready = await waitForReady(`${api}/health/ready`, 120_000);
if (ready) {
  console.log(`
Cuewire is running (all services in one process; logs: ${logFile})
  ingest + control plane  ${api}   (POST /v1/events, PATCH /v1/customers/{id}, /v1/webhooks, /v1/campaigns)
  OpenAPI                 ${api}/docs
  web console             ${api}/console   (sign in with the admin API key below)
  admin API key           ${adminKey.key}   (${adminKey.from}; every scope)
  health / metrics        ${api}/health/ready   ${api}/metrics
  demo receiver           ${receiver.url}   (prints every webhook it receives)
  Kafka                   ${infra.kafkaBrokers}
  schema registry         ${infra.schemaRegistryUrl}
  Redis                   ${infra.redisUrl}${replicaProcesses.map((r) => `\n  ${`${r.target} #${r.replica}`.padEnd(24)}http://127.0.0.1:${r.httpPort}   (log .cuewire/logs/cuewire-${r.target}-${r.replica}.log)`).join('')}
In another terminal: ${adminKey.from === 'CUEWIRE_ADMIN_KEY' ? 'export CUEWIRE_KEY="$CUEWIRE_ADMIN_KEY"' : `export CUEWIRE_KEY=$(cat ${adminKey.from})`}
then try the README's curl examples (they send -H "Authorization: Bearer $CUEWIRE_KEY"), or \`npm run demo\`. Ctrl-C stops everything.`);
}

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping Cuewire…');
  const children = [services, ...replicaProcesses.map((r) => r.child)];
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)))));
  await receiver.close();
  if (infra.started.length > 0) {
    console.log(`stopping ${infra.started.join(', ')}…`);
    await infraDown({ profile });
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
services.on('exit', (code) => {
  if (!stopping) {
    console.error(`Cuewire exited with code ${code}; see ${logFile}`);
    void shutdown(code ?? 1);
  }
});
// A replica that exits is reported, not fatal: the others (and Kafka's rebalance) carry its work.
for (const r of replicaProcesses) r.child.on('exit', (code) => stopping || console.error(`${r.target} #${r.replica} exited with code ${code}`));
if (!ready) {
  console.error(`Cuewire did not become ready; see ${logFile}`);
  await shutdown(1);
}

async function waitForReady(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && services.exitCode === null) {
    try {
      if ((await fetch(url)).status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
