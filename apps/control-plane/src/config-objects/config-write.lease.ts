import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictException, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/** Long enough for a write (produce, then read back) to finish; short enough that a crashed holder does not block for long. */
const LEASE_MS = 30_000;
/** How long the latest-write marker outlives the write: far longer than any view lag. */
const LATEST_TTL_SECONDS = 86_400;
const CATCH_UP_MS = 5_000;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Makes "one writer per object" hold across control-plane replicas: a lease in Redis while a
 * change runs, and the latest write's ETag, so the next holder (on any replica) waits until
 * its own view has that write before it reads and checks anything. Kafka stays the source of
 * truth; Redis only coordinates (ADR 0014).
 */
@Injectable()
export class ConfigWriteLease {
  private readonly logger = new Logger('ConfigWriteLease');

  constructor(private readonly redis: RedisConnection) {}

  /**
   * Runs `change` holding the object's lease, after `viewEtag()` (this view's ETag of the
   * object, null when absent) has caught up with the latest write; when `change` wrote, records
   * the ETag the view shows afterwards as the latest. 409 while another writer holds the lease.
   */
  async hold<T>(kind: string, id: string, viewEtag: () => string | null, change: () => Promise<T>): Promise<T> {
    const lease = RedisKeys.configWriteLease(kind, id);
    const latest = RedisKeys.configLatest(kind, id);
    const token = randomUUID();
    const acquired = await this.coordinate(() => this.redis.client.set(lease, token, 'PX', LEASE_MS, 'NX'));
    if (acquired !== 'OK') throw new ConflictException({ title: 'Conflict', detail: `${kind} ${id} is being changed by another request; read it again and retry` });
    try {
      const expected = await this.coordinate(() => this.redis.client.get(latest));
      if (expected !== null) await this.catchUp(kind, id, viewEtag, expected);
      const before = viewEtag();
      try {
        return await change();
      } finally {
        // Only a change that wrote leaves a marker (a refused one, e.g. 404 or 412, leaves nothing).
        const after = viewEtag();
        if (after !== before) await this.coordinate(() => this.redis.client.set(latest, after ?? '', 'EX', LATEST_TTL_SECONDS));
      }
    } finally {
      await this.redis.client.eval(RELEASE, 1, lease, token).catch(() => undefined);
    }
  }

  /**
   * Waits until this view shows the latest write (one made through another replica may still be
   * on its way here), or a later one (a record written straight to the topic). If it does not
   * come (a view stuck reconnecting), the change goes ahead on what the view has: `put` still
   * refuses it should the awaited write arrive meanwhile.
   */
  private async catchUp(kind: string, id: string, viewEtag: () => string | null, expected: string): Promise<void> {
    const deadline = Date.now() + CATCH_UP_MS;
    while (!hasCaughtUp(viewEtag(), expected)) {
      if (Date.now() > deadline) {
        this.logger.warn({ kind, id, expected, view: viewEtag() }, 'view has not read the latest config write; going ahead');
        return;
      }
      await sleep(20);
    }
  }

  private async coordinate<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new ServiceUnavailableException({ title: 'Cannot coordinate config writes', detail: `Redis did not answer (${(error as Error).message}); nothing was changed; retry` });
    }
  }
}

/** `expected`: the latest write's ETag, '' when it was a delete. ETags start with the revision (config-etag.ts). */
function hasCaughtUp(now: string | null, expected: string): boolean {
  if ((now ?? '') === expected) return true;
  const revision = (etag: string) => Number(/^"(\d+)-/.exec(etag)?.[1] ?? Number.NaN);
  return expected !== '' && now !== null && revision(now) > revision(expected);
}
