import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictException, Injectable, Logger, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import type { ConfigRecord, TopicContract } from '@cuewire/contracts';
import type { CompactedTopicView } from '@cuewire/kafka';
import { recordOutput, TypedProducer } from '@cuewire/kafka';
import { etagOfRecord, ifMatchHolds } from './config-etag.js';
import { ConfigWriteLease } from './config-write.lease.js';

export type ConfigKind = 'campaign' | 'webhook' | 'segment' | 'api-key';

const READ_BACK_TIMEOUT_MS = 5_000;

/**
 * Writes control-plane objects to their compacted topic (the source of truth) and reads them
 * from this process's view. A write resolves once Kafka has acknowledged it and the view has
 * read it back, so the writer reads its own write.
 *
 * Writes are optimistic and per object (docs/decisions/0014-edge-safety.md): a read-modify-write
 * runs inside `exclusive`, one at a time per object across all control-plane replicas (a second
 * writer meanwhile gets 409, it does not queue behind a change it has not seen; see
 * ConfigWriteLease), on a view that has every earlier write, after the client's If-Match is
 * checked (412); and `put` refuses (409) when the view moved past the revision the change was
 * computed from.
 */
@Injectable()
export class ConfigObjectStore {
  private readonly busy = new Set<string>();
  private readonly logger = new Logger('ConfigObjectStore');

  constructor(
    private readonly producer: TypedProducer,
    private readonly lease: ConfigWriteLease,
  ) {}

  get(view: CompactedTopicView<ConfigRecord>, kind: ConfigKind, id: string): ConfigRecord {
    const record = view.get(id);
    if (!record) throw new NotFoundException(`${kind} ${id} does not exist`);
    return record;
  }

  /**
   * Runs `change` as the only writer of this object (in this process, and across replicas
   * through the lease), else 409. With `ifMatch`, the object must exist and match it (else 404,
   * or 412 with the current ETag).
   */
  async exclusive<T>(view: CompactedTopicView<ConfigRecord>, kind: ConfigKind, id: string, ifMatch: string | undefined, change: () => Promise<T>): Promise<T> {
    const key = `${kind}\u0000${id}`;
    if (this.busy.has(key)) {
      throw new ConflictException({ title: 'Conflict', detail: `${kind} ${id} is being changed by another request; read it again and retry` });
    }
    this.busy.add(key);
    try {
      const viewEtag = () => {
        const record = view.get(id);
        return record ? etagOfRecord(record) : null;
      };
      return await this.lease.hold(kind, id, viewEtag, async () => {
        if (ifMatch !== undefined) {
          const current = this.get(view, kind, id);
          if (!ifMatchHolds(ifMatch, current)) {
            throw new PreconditionFailedException({ title: 'Precondition failed', detail: `If-Match ${ifMatch} does not match ${kind} ${id}, now at ${etagOfRecord(current)}; read it again and retry`, etag: etagOfRecord(current) });
          }
        }
        return change();
      });
    } finally {
      this.busy.delete(key);
    }
  }

  /** `basedOn`: the revision the body was computed from (0 for a new object). */
  async put(topic: TopicContract<ConfigRecord>, view: CompactedTopicView<ConfigRecord>, kind: ConfigKind, id: string, body: object, basedOn: number): Promise<ConfigRecord> {
    const now = view.get(id)?.revision ?? 0;
    if (now !== basedOn) {
      throw new ConflictException({ title: 'Conflict', detail: `${kind} ${id} changed meanwhile (revision ${basedOn} → ${now}); read it again and retry` });
    }
    const record: ConfigRecord = { kind, id, revision: now + 1, updatedAt: Date.now(), body: JSON.stringify(body) };
    await this.write(topic, view, id, record);
    return record;
  }

  async delete(topic: TopicContract<ConfigRecord>, view: CompactedTopicView<ConfigRecord>, kind: ConfigKind, id: string): Promise<void> {
    this.get(view, kind, id);
    await this.write(topic, view, id, null);
  }

  /**
   * Resolves once Kafka has acknowledged the record and this process's view has read it back,
   * so the writer (and its next If-Match) sees its own write and nothing older after it.
   */
  private async write(topic: TopicContract<ConfigRecord>, view: CompactedTopicView<ConfigRecord>, id: string, record: ConfigRecord | null): Promise<void> {
    const echo = view.echoOf(id, record);
    try {
      await this.producer.send([recordOutput(topic, id, record)]);
    } catch (error) {
      echo.cancel();
      throw error;
    }
    const late = await Promise.race([echo.arrived.then(() => false), sleep(READ_BACK_TIMEOUT_MS).then(() => true)]);
    if (late) {
      // The write is durable; only the view lags (its consumer is reconnecting). Show the write anyway.
      echo.cancel();
      this.logger.warn({ topic: topic.name, id }, 'config write acknowledged but not yet read back; applied to the view directly');
      view.apply(id, record);
    }
  }
}
