import { Injectable } from '@nestjs/common';
import type { CustomerHistory } from '@cuewire/campaigns';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/** History older than this is trimmed on write (no rule or cap looks further back). */
const KEEP_MS = 400 * 86_400_000;
const SEP = '\u0000';
/** The member's third part for a control-group firing (`campaignId␀triggerId␀control`). */
const HELD_OUT = 'control';

/** Which parts of a customer's history a firing's rules read; the others are not fetched. */
export interface HistoryReads {
  /** What they received (caps, the daily cap, "received X" rules). */
  readonly received: boolean;
  /** What they clicked ("clicked X" rules). */
  readonly clicked: boolean;
}

export const READ_ALL_HISTORY: HistoryReads = { received: true, clicked: true };

const NONE: ReadonlyMap<string, readonly number[]> = new Map();

function byCampaign(flat: string[]): { map: Map<string, number[]>; heldOut: Map<string, number[]>; ids: Set<string> } {
  const map = new Map<string, number[]>();
  const heldOut = new Map<string, number[]>();
  const ids = new Set<string>();
  for (let i = 0; i < flat.length; i += 2) {
    const [campaignId, id, mark] = flat[i].split(SEP);
    const into = mark === HELD_OUT ? heldOut : map;
    const times = into.get(campaignId);
    if (times) times.push(Number(flat[i + 1]));
    else into.set(campaignId, [Number(flat[i + 1])]);
    ids.add(id);
  }
  return { map, heldOut, ids };
}

/** Per customer: which campaigns fired for them and which campaign messages they clicked. */
@Injectable()
export class CustomerHistoryRepository {
  constructor(private readonly redis: RedisConnection) {}

  /**
   * The parts of the history `reads` asks for (the others are empty), and whether this firing
   * (campaign and trigger id) is already in it: a replay of an admitted firing. Without the
   * received history, that is one ZSCORE instead of reading the whole sorted set, two (sent
   * together) when the firing may have been held out (`firing.mayBeHeldOut`: the campaign has a
   * control group).
   */
  async load(
    customerId: string,
    firing: { campaignId: string; triggerId: string; mayBeHeldOut?: boolean },
    reads: HistoryReads = READ_ALL_HISTORY,
  ): Promise<{ history: CustomerHistory; alreadyAdmitted: boolean }> {
    const key = RedisKeys.campaignHistory(customerId);
    const member = `${firing.campaignId}${SEP}${firing.triggerId}`;
    const [received, admittedAt, heldOutAt, clicked] = await Promise.all([
      reads.received ? this.redis.client.zrange(key, 0, -1, 'WITHSCORES') : undefined,
      reads.received ? undefined : this.redis.client.zscore(key, member),
      reads.received || !firing.mayBeHeldOut ? undefined : this.redis.client.zscore(key, `${member}${SEP}${HELD_OUT}`),
      reads.clicked ? this.redis.client.zrange(RedisKeys.campaignClicks(customerId), 0, -1, 'WITHSCORES') : undefined,
    ]);
    const r = received ? byCampaign(received) : undefined;
    return {
      history: { received: r?.map ?? NONE, heldOut: r?.heldOut ?? NONE, clicked: clicked ? byCampaign(clicked).map : NONE },
      alreadyAdmitted: r ? r.ids.has(firing.triggerId) : admittedAt !== null || (heldOutAt ?? null) !== null,
    };
  }

  /** `heldOut`: a control-group firing (sent nothing), kept apart from what the customer received. */
  async recordFired(customerId: string, campaignId: string, triggerId: string, at: number, heldOut = false): Promise<void> {
    await this.append(RedisKeys.campaignHistory(customerId), `${campaignId}${SEP}${triggerId}${heldOut ? `${SEP}${HELD_OUT}` : ''}`, at);
  }

  async recordClick(customerId: string, campaignId: string, eventId: string, at: number): Promise<void> {
    await this.append(RedisKeys.campaignClicks(customerId), `${campaignId}${SEP}${eventId}`, at);
  }

  /**
   * Plain commands, not a MULTI (which costs two more): the client pipelines them, and a crash
   * between them only leaves entries that the next write trims. The expiry bounds a customer
   * who goes quiet: nothing trims their key again, and every entry in it is older than the
   * retention once the key has seen no write for that long.
   */
  private async append(key: string, member: string, at: number): Promise<void> {
    await Promise.all([this.redis.client.zadd(key, at, member), this.redis.client.zremrangebyscore(key, '-inf', at - KEEP_MS), this.redis.client.pexpire(key, KEEP_MS)]);
  }
}
