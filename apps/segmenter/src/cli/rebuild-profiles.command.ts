import { Topics, type CustomerProfileState, profileLimitsEnvSchema } from '@cuewire/contracts';
import { readTopicSnapshot, type AvroSerde, type ConsumeLoopLogger, type KafkaSettings } from '@cuewire/kafka';
import type { RedisConnection } from '@cuewire/redis';
import { ProfileStateGuard } from '../profiles/profile-state.guard.js';
import { ProfileStateRestorer } from '../profiles/profile-state.restorer.js';
import { ProfileRepository } from '../profiles/profile.repository.js';
import { SegmentMembershipRepository } from '../segments/segment-membership.repository.js';
import { RebuildProgress } from './rebuild-progress.js';
import { loadSegmentDefinitions } from './segment-definitions.loader.js';

export interface RebuildDependencies {
  readonly settings: KafkaSettings;
  readonly serde: AvroSerde;
  readonly redis: RedisConnection;
  readonly logger: ConsumeLoopLogger;
}

export interface RebuildOptions {
  readonly batchSize: number;
  /** Rebuild even though Redis still holds the profiles (segmenters pause meanwhile). */
  readonly force: boolean;
  readonly progressIntervalMs: number;
  readonly signal?: AbortSignal;
  /** Where progress lines go (stderr in the CLI). */
  readonly progress: (line: string) => void;
}

export interface RebuildSummary {
  /** False when Redis still held its profiles and `force` was not given: nothing was written. */
  readonly rebuilt: boolean;
  /** Read to the end offsets taken at the start (not interrupted). */
  readonly complete: boolean;
  readonly records: number;
  readonly profiles: number;
  readonly deleted: number;
  readonly invalid: number;
  readonly undecodable: number;
  readonly segments: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
}

/**
 * `cuewire rebuild profiles`: reads the compacted profile-state topic from the beginning to its
 * current end and writes every customer's profile and segment membership back into Redis, batch
 * by batch, pipelined. Segmenters wait meanwhile (the profile-state marker is absent, see
 * ProfileStateGuard) and resume when the marker is set at the end; an interrupted rebuild leaves
 * it unset, and running it again starts over (every write is an overwrite).
 */
export async function rebuildProfiles(deps: RebuildDependencies, options: RebuildOptions): Promise<RebuildSummary> {
  const guard = new ProfileStateGuard(deps.redis, deps.settings, true);
  const empty = { complete: false, records: 0, profiles: 0, deleted: 0, invalid: 0, undecodable: 0, seconds: 0, recordsPerSecond: 0 };
  if ((await guard.intact()) && !options.force) return { ...empty, rebuilt: false, segments: 0 };
  await guard.markIncomplete();

  const segments = await loadSegmentDefinitions(deps.settings, deps.serde, deps.logger);
  const restorer = new ProfileStateRestorer(new ProfileRepository(deps.redis, profileLimitsEnvSchema.parse(process.env)), new SegmentMembershipRepository(deps.redis), segments);
  const progress = new RebuildProgress(options.progress, options.progressIntervalMs);
  const totals = { profiles: 0, deleted: 0, invalid: 0 };
  const read = await readTopicSnapshot<CustomerProfileState>(deps.settings, deps.serde, Topics.customerProfileState, {
    batchSize: options.batchSize,
    signal: options.signal,
    onUndecodable: (key, error) => deps.logger.warn({ customerId: key, reason: error.message }, 'undecodable profile-state record skipped'),
    onBatch: async (records, position) => {
      const outcome = await restorer.restore(records);
      totals.profiles += outcome.restored;
      totals.deleted += outcome.deleted;
      totals.invalid += outcome.invalid.length;
      for (const bad of outcome.invalid) deps.logger.warn(bad, 'profile-state record with an invalid profile skipped');
      progress.update(position);
    },
  });
  progress.update(read, true);
  const complete = !options.signal?.aborted && read.offsetsDone === read.offsetsTotal;
  if (complete) await guard.markComplete();
  const seconds = progress.seconds;
  return {
    rebuilt: true,
    complete,
    records: read.records,
    ...totals,
    undecodable: read.undecodable,
    segments: segments.length,
    seconds,
    recordsPerSecond: seconds > 0 ? Math.round(read.records / seconds) : read.records,
  };
}
