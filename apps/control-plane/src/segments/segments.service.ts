import { Injectable } from '@nestjs/common';
import { segmentDefinitionSchema, type SegmentDefinition } from '@cuewire/campaigns';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { ConfigViews } from '@cuewire/kafka-nest';
import { parseRequest, RequestValidationError } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { ConfigObjectStore } from '../config-objects/config-object.store.js';
import { newObjectId, objectIdSchema } from '../config-objects/object-id.js';

export interface SegmentView extends SegmentDefinition {
  id: string;
  revision: number;
  updatedAt: string;
}

@Injectable()
export class SegmentsService {
  constructor(
    private readonly store: ConfigObjectStore,
    private readonly config: ConfigViews,
    private readonly redis: RedisConnection,
  ) {}

  list(): SegmentView[] {
    return this.config.segments.values().map((r) => this.view(r));
  }

  get(id: string): SegmentView {
    return this.view(this.store.get(this.config.segments, 'segment', id));
  }

  /** Current member count, as maintained by the segmenter. */
  async size(id: string): Promise<{ id: string; members: number }> {
    this.store.get(this.config.segments, 'segment', id);
    return { id, members: await this.redis.client.zcard(RedisKeys.segmentMembers(id)) };
  }

  async create(body: unknown): Promise<SegmentView> {
    const { id, ...rest } = (body ?? {}) as Record<string, unknown>;
    const segmentId = id === undefined ? newObjectId('seg') : parseRequest(objectIdSchema, id, ['id']);
    return this.exclusive(segmentId, undefined, async () => {
      if (this.config.segments.get(segmentId)) throw new RequestValidationError([{ path: '$.id', message: `segment ${segmentId} already exists` }]);
      return this.save(segmentId, rest, 0);
    });
  }

  /** `ifMatch`: the client's If-Match (412 when the segment changed since it read it). */
  async replace(id: string, body: unknown, ifMatch?: string): Promise<SegmentView> {
    return this.exclusive(id, ifMatch, () => this.save(id, body, this.store.get(this.config.segments, 'segment', id).revision));
  }

  async delete(id: string, ifMatch?: string): Promise<void> {
    await this.exclusive(id, ifMatch, () => this.deleteUnused(id));
  }

  private exclusive<T>(id: string, ifMatch: string | undefined, change: () => Promise<T>): Promise<T> {
    return this.store.exclusive(this.config.segments, 'segment', id, ifMatch, change);
  }

  private async deleteUnused(id: string): Promise<void> {
    const inUse = this.config.campaigns.values().filter((c) => {
      const body = JSON.parse(c.body) as { audience?: { segmentId?: string }; filters?: { segments?: { in?: string[]; notIn?: string[] } } };
      return body.audience?.segmentId === id || body.filters?.segments?.in?.includes(id) || body.filters?.segments?.notIn?.includes(id);
    });
    if (inUse.length > 0) throw new RequestValidationError([{ path: '$', message: `segment ${id} is used by campaign(s) ${inUse.map((c) => c.id).join(', ')}` }]);
    await this.store.delete(Topics.segmentConfig, this.config.segments, 'segment', id);
  }

  private async save(id: string, body: unknown, basedOn: number): Promise<SegmentView> {
    const definition = parseRequest(segmentDefinitionSchema, body);
    return this.view(await this.store.put(Topics.segmentConfig, this.config.segments, 'segment', id, definition, basedOn));
  }

  private view(record: ConfigRecord): SegmentView {
    return { id: record.id, revision: record.revision, updatedAt: new Date(record.updatedAt).toISOString(), ...(JSON.parse(record.body) as SegmentDefinition) };
  }
}
