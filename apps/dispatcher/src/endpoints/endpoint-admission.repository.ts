import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { Cluster, Redis } from 'ioredis';
import { RedisConnection } from '@cuewire/redis';
import { countExpiredHolds } from '../deliveries/customer-order.js';
import { ADMIT, admitKeys, RELEASE, releaseKeys } from './endpoint-admission.scripts.js';

export interface AdmissionLimits {
  readonly concurrency: number;
  readonly rate?: { readonly perSecond: number; readonly burst?: number };
  /** How long a lease lives if its holder dies without releasing it. */
  readonly leaseMs: number;
  /** While the circuit is open, one caller at a time may probe; its claim lasts this long. */
  readonly probeLeaseMs: number;
  /** How long an acknowledged delivery id is remembered. */
  readonly deliveredTtlSeconds: number;
}

/** A delivery kept in its customer's order: the admission checks that order first. */
export interface OrderedBy {
  readonly customerId: string;
  /** CustomerOrder.graceMs: how long past its moment a waiting delivery that never comes back holds the others. */
  readonly graceMs: number;
}

export type Admission = (
  /** `release(true)` also records the delivery as acknowledged: call it once the receiver accepted it. */
  | { readonly kind: 'granted'; readonly release: (succeeded: boolean) => Promise<void> }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'disabled'; readonly reason: string }
  | { readonly kind: 'paused' | 'busy'; readonly retryInMs: number }
  /** An earlier delivery of the customer waits on a delay tier until at least `until`: go behind it. */
  | { readonly kind: 'ordered'; readonly until: number }
) & {
  /** The customer's pair has an order queue (this delivery may be in it): report the outcome with CustomerOrder.settled. */
  readonly queued: boolean;
  /** When this delivery was first deferred in its customer's order (0: it is not queued), which spaces out its deferrals. */
  readonly waitingSince: number;
};

type ScriptedRedis = (Redis | Cluster) & {
  cuewireAdmit(...args: (string | number)[]): Promise<[string, string | number, number, number, number][]>;
  cuewireRelease(...args: (string | number)[]): Promise<number>;
};

/** Expired leases (only a crashed replica leaves them) are removed on one admission in this many. */
const SWEEP_EVERY = 100;

/** A script call carries at most this many asks. */
const MAX_BATCH = 500;

interface AdmissionAsk {
  readonly webhookId: string;
  readonly deliveryId: string;
  readonly limits: AdmissionLimits;
  readonly ordered?: OrderedBy;
  readonly token: string;
}

interface ReleaseAsk {
  readonly webhookId: string;
  readonly deliveryId: string;
  readonly token: string;
  readonly succeeded: boolean;
  readonly streak: string | number;
  readonly deliveredTtlSeconds: number;
}

/**
 * Admissions and releases asked for in one turn of the event loop go to Redis as one script call
 * per webhook each (ADMIT, RELEASE): a fetched batch starts many deliveries at once, and
 * receivers' answers arrive together. Per delivery that saves a command, its reply and its
 * promises on the client and a script run on the server. The turn ends where ioredis's
 * auto-pipelining ends it (setImmediate); then the releases go first, so the leases they give
 * back are free for the admissions after them, and all the calls leave in one socket write, at
 * once rather than at the next turn's end, so batching adds no round trip.
 */
@Injectable()
export class EndpointAdmissionRepository implements OnModuleInit {
  private redis!: ScriptedRedis;
  private admitted = 0;
  private readonly turn: { releases: (() => void)[]; admissions: (() => void)[]; ending: boolean } = { releases: [], admissions: [], ending: false };
  private readonly admissions = new DataLoader<AdmissionAsk, Admission>((asks) => perWebhook(asks, (same) => this.admitTogether(same)), {
    cache: false,
    maxBatchSize: MAX_BATCH,
    batchScheduleFn: (send) => this.atTurnEnd(this.turn.admissions, send),
  });
  private readonly releases = new DataLoader<ReleaseAsk, void>((asks) => perWebhook(asks, (same) => this.releaseTogether(same)), {
    cache: false,
    maxBatchSize: MAX_BATCH,
    batchScheduleFn: (send) => this.atTurnEnd(this.turn.releases, send),
  });

  constructor(private readonly connection: RedisConnection) {}

  onModuleInit(): void {
    this.redis = this.connection.defineBatchedScripts({ cuewireAdmit: ADMIT, cuewireRelease: RELEASE }) as ScriptedRedis;
  }

  /** The DataLoaders' schedule: both send at the same turn end, releases first, in one write. */
  private atTurnEnd(queue: (() => void)[], send: () => void): void {
    queue.push(send);
    if (this.turn.ending) return;
    this.turn.ending = true;
    setImmediate(() => {
      const sends = [...this.turn.releases, ...this.turn.admissions];
      this.turn.releases = [];
      this.turn.admissions = [];
      this.turn.ending = false;
      this.connection.writeTogether(() => sends.forEach((s) => s()));
    });
  }

  /** Without `ordered` (ordering off, or a batch, which has no customer) the customer's order is not looked at. */
  admit(webhookId: string, deliveryId: string, limits: AdmissionLimits, ordered?: OrderedBy): Promise<Admission> {
    return this.admissions.load({ webhookId, deliveryId, limits, ordered, token: randomUUID() });
  }

  /** The asks of one webhook; its limits are the same for all of them (read from its config when asked). */
  private async admitTogether(asks: readonly AdmissionAsk[]): Promise<Admission[]> {
    const [{ webhookId, limits }] = asks;
    const { rate } = limits;
    const before = this.admitted;
    this.admitted += asks.length;
    const keys = admitKeys(webhookId, asks.map((a) => ({ deliveryId: a.deliveryId, customerId: a.ordered?.customerId ?? '' })));
    const answers = await this.redis.cuewireAdmit(
      keys.length,
      ...keys,
      Date.now(),
      limits.concurrency,
      limits.leaseMs,
      rate ? 1000 / rate.perSecond : 0,
      rate?.burst ?? Math.max(1, Math.ceil(rate?.perSecond ?? 1)),
      limits.probeLeaseMs,
      Math.floor(before / SWEEP_EVERY) !== Math.floor(this.admitted / SWEEP_EVERY) ? 1 : 0,
      asks.find((a) => a.ordered)?.ordered?.graceMs ?? 0,
      ...asks.flatMap((a) => [a.token, a.ordered ? a.deliveryId : '']),
    );
    return answers.map(([kind, detail, inQueue, waitingSince, expired], i) => {
      countExpiredHolds(webhookId, expired);
      return this.admission(asks[i], kind, detail, { queued: inQueue === 1, waitingSince });
    });
  }

  private admission(ask: AdmissionAsk, kind: string, detail: string | number, order: { queued: boolean; waitingSince: number }): Admission {
    const { queued, waitingSince } = order;
    switch (kind) {
      case 'granted': {
        const { webhookId, deliveryId, token, limits } = ask;
        return { kind, queued, waitingSince, release: (succeeded) => this.releases.load({ webhookId, deliveryId, token, succeeded, streak: detail, deliveredTtlSeconds: limits.deliveredTtlSeconds }) };
      }
      case 'duplicate':
        return { kind, queued, waitingSince };
      case 'disabled':
        return { kind, queued, waitingSince, reason: String(detail) };
      case 'paused':
      case 'busy':
        return { kind, queued, waitingSince, retryInMs: Number(detail) };
      case 'ordered':
        return { kind, queued, waitingSince, until: Number(detail) };
      default:
        throw new Error(`unexpected admission answer ${kind}`);
    }
  }

  private async releaseTogether(asks: readonly ReleaseAsk[]): Promise<void[]> {
    const keys = releaseKeys(asks[0].webhookId, asks.map((a) => a.deliveryId));
    await this.redis.cuewireRelease(keys.length, ...keys, asks[0].deliveredTtlSeconds, Date.now(), ...asks.flatMap((a) => [a.token, a.succeeded ? 1 : 0, a.streak]));
    return asks.map(() => undefined);
  }
}

/** Runs `together` once per webhook among `asks` and answers each ask in its place (a failed call fails its webhook's asks only). */
async function perWebhook<A extends { readonly webhookId: string }, R>(asks: readonly A[], together: (same: A[]) => Promise<R[]>): Promise<(R | Error)[]> {
  const groups = new Map<string, number[]>();
  asks.forEach((ask, i) => {
    const group = groups.get(ask.webhookId);
    if (group) group.push(i);
    else groups.set(ask.webhookId, [i]);
  });
  const answers: (R | Error)[] = new Array(asks.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      try {
        const results = await together(indexes.map((i) => asks[i]));
        indexes.forEach((i, n) => (answers[i] = results[n]));
      } catch (error) {
        for (const i of indexes) answers[i] = error as Error;
      }
    }),
  );
  return answers;
}
