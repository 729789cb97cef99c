// Starts the real infrastructure (Kafka, Apicurio, Redis, PostgreSQL) for integration and end-to-end
// tests, on the 'test' profile's ports, unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL /
// REDIS_URL point at existing servers. Builds the services the e2e tests run as processes.
// Registered on the integration and e2e projects only (jest.config.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraUp } from '../../tools/infra/infra.mjs';

export default async function globalSetup(globalConfig) {
  const started = Date.now();
  const infra = await infraUp({ profile: 'test', log: (...a) => console.error(...a) });
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.SCHEMA_REGISTRY_URL = infra.schemaRegistryUrl;
  process.env.REDIS_URL = infra.redisUrl;
  process.env.DATABASE_URL = infra.databaseUrl;
  // Jest does not share globals between setup and teardown in ESM mode: leave a note instead.
  const note = join(globalConfig.rootDir, '.jest', 'infra-started.json');
  mkdirSync(join(globalConfig.rootDir, '.jest'), { recursive: true });
  writeFileSync(note, JSON.stringify(infra.started));
  console.error(`\n[infra] ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${infra.kafkaBrokers}, ${infra.schemaRegistryUrl}, ${infra.redisUrl}, ${infra.databaseUrl}`);
  // End-to-end tests run the built services (about a second with SWC).
  execFileSync(process.execPath, ['--run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: globalConfig.rootDir });
}
