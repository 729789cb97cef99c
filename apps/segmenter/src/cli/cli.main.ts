import { parseArgs } from 'node:util';
import { Topics } from '@cuewire/contracts';
import { AvroSerde, ensureTopics, kafkaSettingsOf, TypedProducer } from '@cuewire/kafka';
import { baseEnvSchema, ReadinessRegistry, validateEnv } from '@cuewire/platform';
import { RedisConnection } from '@cuewire/redis';
import { segmenterEnvSchema } from '../segmenter.env.js';
import { backfillProfileState, type BackfillOptions } from './backfill-profile-state.command.js';
import { rebuildProfiles, type RebuildDependencies } from './rebuild-profiles.command.js';

export const SEGMENTER_USAGE = `Usage: cuewire rebuild profiles [options]
       cuewire backfill profile-state [options]

rebuild profiles: restores customer profiles and segment membership in Redis from the compacted topic
${Topics.customerProfileState.name}, read from the beginning to its current end (after Redis lost
its data: restarted without persistence, flushed, replaced). Membership is re-evaluated against
the current segment definitions. Segmenters pause while it runs and resume when it is done;
running it again is harmless (every write is an overwrite).

backfill profile-state: the other way round, once, for installs whose profiles predate that
topic: publishes every profile Redis holds to it (segmenters pause meanwhile).

Options:
  --batch N               records per pipelined Redis batch (default 1000)
  --force                 rebuild even though Redis still holds the profiles
  --progress-interval S   seconds between progress lines (default 2)
Kafka, the registry and Redis come from KAFKA_BROKERS, SCHEMA_REGISTRY_URL, KAFKA_TOPIC_PREFIX,
REDIS_URL and REDIS_KEY_PREFIX, as for the services.`;

const stderr = (line: string) => process.stderr.write(`${line}\n`);
const logLine = (level: string) => (obj: object, msg?: string) => stderr(`${level}${msg ?? ''} ${JSON.stringify(obj)}`);
const logger = { info: logLine(''), warn: logLine('warning: '), error: logLine('error: ') };

/** `cuewire rebuild profiles` and `cuewire backfill profile-state`. Returns the process exit code. */
export async function runSegmenterCli(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      batch: { type: 'string', default: '1000' },
      force: { type: 'boolean', default: false },
      'progress-interval': { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, kind] = positionals;
  const batchSize = Number(values.batch);
  const interval = Number(values['progress-interval']);
  const known = (command === 'rebuild' && kind === 'profiles') || (command === 'backfill' && kind === 'profile-state');
  if (values.help || !known || !(batchSize >= 1) || !(interval >= 0)) {
    stderr(SEGMENTER_USAGE);
    return values.help ? 0 : 2;
  }
  const env = validateEnv(baseEnvSchema.extend(segmenterEnvSchema.shape), process.env);
  const settings = kafkaSettingsOf(env, `${env.KAFKA_CLIENT_ID}-rebuild`);
  const redis = new RedisConnection(env, new ReadinessRegistry());
  const abort = new AbortController();
  const onSignal = () => {
    stderr('\ninterrupted: stopping after the batch in flight');
    abort.abort();
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const deps: RebuildDependencies = { settings, serde: new AvroSerde(settings.schemaRegistryUrl), redis, logger };
  try {
    await ensureTopics(settings, [Topics.customerProfileState, Topics.segmentConfig]);
    if (command === 'backfill') return await backfill(deps, { batchSize, progressIntervalMs: interval * 1000, signal: abort.signal, progress: stderr });
    const summary = await rebuildProfiles(deps, { batchSize, force: values.force, progressIntervalMs: interval * 1000, signal: abort.signal, progress: stderr });
    if (!summary.rebuilt) {
      stderr('Redis still holds the customer profiles (profile-state marker present): nothing to rebuild. Pass --force to rebuild anyway.');
      return 3;
    }
    stderr(
      `${summary.complete ? 'done' : 'stopped'}: ${summary.records.toLocaleString('en-US')} records, ${summary.profiles.toLocaleString('en-US')} profiles restored ` +
        `(${summary.deleted} deleted, ${summary.invalid} invalid, ${summary.undecodable} undecodable) against ${summary.segments} segments in ${summary.seconds.toFixed(1)} s`,
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.complete ? 0 : 130;
  } catch (error) {
    stderr(`${command} failed: ${(error as Error).message}\nrun the same command again (segmenters stay paused while Redis lacks the profiles)`);
    return 1;
  } finally {
    await redis.onApplicationShutdown();
  }
}

async function backfill(deps: RebuildDependencies, options: BackfillOptions): Promise<number> {
  const producer = new TypedProducer(deps.settings, deps.serde);
  try {
    const summary = await backfillProfileState({ ...deps, producer }, options);
    if (!summary.backfilled) {
      stderr('Redis lacks the customer profiles (no profile-state marker): nothing to publish. Run `cuewire rebuild profiles` instead.');
      return 3;
    }
    stderr(`${summary.complete ? 'done' : 'stopped'}: ${summary.profiles.toLocaleString('en-US')} profiles published (${summary.invalid} invalid) in ${summary.seconds.toFixed(1)} s`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.complete ? 0 : 130;
  } finally {
    await producer.close().catch(() => undefined);
  }
}
