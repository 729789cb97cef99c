// `npm run bench`: benchmarks, apart from the tests. Brings up the local infrastructure
// (or uses KAFKA_BROKERS / SCHEMA_REGISTRY_URL), then runs each benchmark as its own process
// so one's warm-up or garbage does not colour the next. Extra arguments go to every benchmark.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraUp } from '../tools/infra/infra.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const benchmarks = ['kafka-clients.bench.mjs', 'templating.bench.mjs', 'feedback.bench.mjs', 'campaign-engine.bench.mjs', 'ingest.bench.mjs', 'dispatcher.bench.mjs', 'history.bench.mjs', 'profile-rebuild.bench.mjs'];

const infra = await infraUp({ profile: 'dev' });
const env = { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl, REDIS_URL: infra.redisUrl, DATABASE_URL: infra.databaseUrl };
let failed = 0;
for (const file of benchmarks) {
  console.log(`\n=== ${file}`);
  const run = spawnSync(process.execPath, [join(here, file), ...process.argv.slice(2)], { env, stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
