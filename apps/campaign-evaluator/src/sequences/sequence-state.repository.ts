import { Injectable } from '@nestjs/common';
import type { AllOfState, NotFollowedByState, Trigger } from '@cuewire/campaigns';
import type { CustomerEvent } from '@cuewire/contracts';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { TransientError } from '@cuewire/kafka';

/** A customer's progress through one sequence campaign, with the events it may fire with. */
export interface SequenceRecord<S = AllOfState | NotFollowedByState> {
  /** The campaign version and trigger the customer started under: edits apply to new starts only. */
  readonly campaignVersion: number;
  readonly trigger: Trigger;
  readonly state: S;
  readonly events: Readonly<Record<string, CustomerEvent>>;
}

/**
 * What an update stores: the next record (null deletes it), the caller's result, and, when the
 * record is only kept for a while (a not-followed-by state holding ended waits alone), until when.
 */
export interface Change<S, R> {
  readonly next: SequenceRecord<S> | null;
  readonly result: R;
  /** Epoch ms; the record expires then (at most TTL_SECONDS after the write). */
  readonly keepUntil?: number;
}

/** How long progress is kept after its last change (longer than any sensible window). */
const TTL_SECONDS = 35 * 24 * 3600;

/** Writes only if nobody wrote since we read (revision check), on the shared connection. */
const COMPARE_AND_SET = `
local rev = redis.call('HGET', KEYS[1], 'rev') or '0'
if rev ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'rev', tostring(tonumber(rev) + 1), 'data', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 1
`;

/**
 * Sequence progress in Redis. Updates are compare-and-set: the consume loop and the timer
 * poller (possibly on another replica) may touch the same customer at once.
 */
@Injectable()
export class SequenceStateRepository {
  constructor(private readonly redis: RedisConnection) {}

  async read<S>(customerId: string, campaignId: string): Promise<SequenceRecord<S> | null> {
    const data = await this.redis.client.hget(RedisKeys.sequenceState(customerId, campaignId), 'data');
    return data ? (JSON.parse(data) as SequenceRecord<S>) : null;
  }

  /**
   * Runs `change` on the current record (null when none) and stores its result atomically,
   * retrying on a concurrent write. Returns what `change` returned for the stored version.
   */
  async update<S, R>(
    customerId: string,
    campaignId: string,
    change: (current: SequenceRecord<S> | null) => Promise<Change<S, R>> | Change<S, R>,
  ): Promise<R> {
    const key = RedisKeys.sequenceState(customerId, campaignId);
    for (let attempt = 0; attempt < 50; attempt++) {
      const [rev, data] = await this.redis.client.hmget(key, 'rev', 'data');
      const { next, result, keepUntil } = await change(data ? (JSON.parse(data) as SequenceRecord<S>) : null);
      const text = next === null ? '' : JSON.stringify(next);
      // Most events leave the progress as it was (a step of no pending wait, a filter that did
      // not match): nothing to write, and the read was a consistent picture to decide that on.
      if (text === (data ?? '')) return result;
      const ttl = keepUntil === undefined ? TTL_SECONDS : Math.min(TTL_SECONDS, Math.max(1, Math.ceil((keepUntil - Date.now()) / 1000)));
      const stored = await this.redis.client.eval(COMPARE_AND_SET, 1, key, rev ?? '0', text, ttl);
      if (stored === 1) return result;
    }
    throw new TransientError(`sequence state of ${customerId} × ${campaignId} kept changing under us`);
  }
}
