import { segmentsOf } from '@cuewire/campaigns';
import { parseJsonObject, Topics, type CustomerProfileState, profileLimitsEnvSchema } from '@cuewire/contracts';
import { recordOutput, type TypedProducer } from '@cuewire/kafka';
import { ProfileStateGuard } from '../profiles/profile-state.guard.js';
import { ProfileRepository } from '../profiles/profile.repository.js';
import type { RebuildDependencies } from './rebuild-profiles.command.js';
import { loadSegmentDefinitions } from './segment-definitions.loader.js';

export interface BackfillOptions {
  readonly batchSize: number;
  readonly progressIntervalMs: number;
  readonly signal?: AbortSignal;
  /** Where progress lines go (stderr in the CLI). */
  readonly progress: (line: string) => void;
}

export interface BackfillSummary {
  /** False when Redis lacks the profiles (nothing to copy: rebuild from the topic instead). */
  readonly backfilled: boolean;
  /** Every stored profile was read (not interrupted). */
  readonly complete: boolean;
  readonly profiles: number;
  readonly invalid: number;
  readonly seconds: number;
}

/**
 * `cuewire backfill profile-state`: publishes every profile Redis holds to the compacted
 * profile-state topic, for installs whose profiles predate the topic (the segmenter writes it
 * only on changes). Segmenters pause meanwhile (the marker is removed and put back), so no
 * change is published between reading a profile and publishing it; a change in flight is merged
 * and published again after the pause, so the topic ends with the latest profile either way.
 */
export async function backfillProfileState(deps: RebuildDependencies & { readonly producer: TypedProducer }, options: BackfillOptions): Promise<BackfillSummary> {
  const guard = new ProfileStateGuard(deps.redis, deps.settings, true);
  if (!(await guard.intact())) return { backfilled: false, complete: false, profiles: 0, invalid: 0, seconds: 0 };
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  let profiles = 0;
  let invalid = 0;
  let lastPrint = 0;
  let complete = true;
  await guard.markIncomplete();
  try {
    const segments = await loadSegmentDefinitions(deps.settings, deps.serde, deps.logger);
    for await (const page of new ProfileRepository(deps.redis, profileLimitsEnvSchema.parse(process.env)).pages(options.batchSize)) {
      if (options.signal?.aborted) {
        complete = false;
        break;
      }
      const records = page.flatMap(([customerId, json]) => {
        try {
          const state: CustomerProfileState = { customerId, profile: json, segments: segmentsOf(segments, parseJsonObject(json, 'profile')), updatedAt: Date.now() };
          return [recordOutput(Topics.customerProfileState, customerId, state)];
        } catch (error) {
          invalid++;
          deps.logger.warn({ customerId, reason: (error as Error).message }, 'stored profile is not a JSON object; not published');
          return [];
        }
      });
      await deps.producer.send(records);
      profiles += records.length;
      if (Date.now() - lastPrint >= options.progressIntervalMs) {
        lastPrint = Date.now();
        options.progress(`${profiles.toLocaleString('en-US')} profiles published  ${Math.round(profiles / Math.max(seconds(), 0.001)).toLocaleString('en-US')} profiles/s`);
      }
    }
  } finally {
    // Redis still holds its profiles, whatever happened: segmenters resume.
    await guard.markComplete();
  }
  return { backfilled: true, complete, profiles, invalid, seconds: seconds() };
}
