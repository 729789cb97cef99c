// `npm run bench`: benchmarks, apart from the tests. Brings up the local infrastructure
// (or uses KAFKA_BROKERS / SCHEMA_REGISTRY_URL), then runs each benchmark as its own process
// so one's warm-up or garbage does not colour the next.
//
//   npm run bench                          every benchmark
//   npm run bench -- pipeline --events 1   only those named (the first arguments that are not
//   npm run bench -- dispatcher,ingest       flags, comma-separated); the flags go to each
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraUp } from '../tools/infra/infra.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const benchmarks = ['kafka-clients', 'templating', 'feedback', 'campaign-engine', 'ingest', 'dispatcher', 'history', 'profile-rebuild', 'pipeline', 'redis-memory', 'replicas'];
// The pipeline benchmark starts its own Kafka, registry and Redis unless the environment names some; redis-memory its own Redis;
// replicas its own three-broker Kafka, registry and Redis Cluster.
const ownInfrastructure = new Set(['pipeline', 'redis-memory', 'replicas']);

const args = process.argv.slice(2);
const names = [];
while (args.length > 0 && !args[0].startsWith('-')) names.push(...args.shift().split(',').filter(Boolean));
const unknown = names.filter((n) => !benchmarks.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; one of: ${benchmarks.join(', ')}`);
  process.exit(2);
}
const chosen = names.length > 0 ? benchmarks.filter((b) => names.includes(b)) : benchmarks;

const infra = chosen.some((b) => !ownInfrastructure.has(b)) ? await infraUp({ profile: 'dev' }) : undefined;
const sharedEnv = infra ? { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl, REDIS_URL: infra.redisUrl, DATABASE_URL: infra.databaseUrl } : process.env;
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== ${name}.bench.mjs`);
  const env = ownInfrastructure.has(name) ? process.env : sharedEnv;
  const run = spawnSync(process.execPath, [join(here, `${name}.bench.mjs`), ...args], { env, stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
