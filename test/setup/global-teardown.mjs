// Stops what global-setup started (nothing that was already running, nothing external).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { infraDown } from '../../tools/infra/infra.mjs';

export default async function globalTeardown(globalConfig) {
  const note = join(globalConfig.rootDir, '.jest', 'infra-started.json');
  if (!existsSync(note)) return;
  const started = JSON.parse(readFileSync(note, 'utf8'));
  rmSync(note);
  if (started.length === 0) return;
  // global-setup exported the URLs of what it started for the tests; with them set, the infra
  // tool would take those servers for external ones and leave them running.
  for (const name of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'REDIS_URL']) delete process.env[name];
  await infraDown({ profile: 'test', log: () => undefined });
}
