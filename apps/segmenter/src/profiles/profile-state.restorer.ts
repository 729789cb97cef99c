import { segmentsOf, type Segment } from '@cuewire/campaigns';
import { parseJsonObject, type CustomerProfileState } from '@cuewire/contracts';
import type { SnapshotRecord } from '@cuewire/kafka';
import type { SegmentMembershipRepository } from '../segments/segment-membership.repository.js';
import type { ProfileRepository } from './profile.repository.js';

/** What one batch did. */
export interface RestoreOutcome {
  readonly restored: number;
  readonly deleted: number;
  /** Records whose profile is not a JSON object (left out, never written). */
  readonly invalid: readonly { customerId: string; reason: string }[];
}

/**
 * Writes records of the profile-state topic back into Redis: the profile as stored, and segment
 * membership re-evaluated against the current segment definitions (they may have changed since
 * the record was written). Within a batch only each customer's latest record counts, as after
 * compaction. Overwrites, so applying the same records again changes nothing.
 */
export class ProfileStateRestorer {
  private readonly known: ReadonlySet<string>;

  constructor(
    private readonly profiles: ProfileRepository,
    private readonly membership: SegmentMembershipRepository,
    private readonly segments: readonly Segment[],
  ) {
    this.known = new Set(segments.map((s) => s.id));
  }

  async restore(records: readonly SnapshotRecord<CustomerProfileState>[]): Promise<RestoreOutcome> {
    const latest = new Map(records.map((r) => [r.key, r.value]));
    const documents = new Map<string, string | null>();
    const memberships = new Map<string, string[]>();
    const invalid: { customerId: string; reason: string }[] = [];
    for (const [customerId, state] of latest) {
      if (state === null) {
        documents.set(customerId, null);
        memberships.set(customerId, []);
        continue;
      }
      try {
        memberships.set(customerId, segmentsOf(this.segments, parseJsonObject(state.profile, 'profile')));
        documents.set(customerId, state.profile);
      } catch (error) {
        invalid.push({ customerId, reason: (error as Error).message });
      }
    }
    await this.profiles.restore(documents);
    await this.membership.setMany(memberships, this.known);
    const deleted = [...documents.values()].filter((d) => d === null).length;
    return { restored: documents.size - deleted, deleted, invalid };
  }
}
