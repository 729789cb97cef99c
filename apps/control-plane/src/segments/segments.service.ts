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
    if (this.config.segments.get(segmentId)) throw new RequestValidationError([{ path: '$.id', message: `segment ${segmentId} already exists` }]);
    return this.save(segmentId, rest);
  }

  async replace(id: string, body: unknown): Promise<SegmentView> {
    this.store.get(this.config.segments, 'segment', id);
    return this.save(id, body);
  }

  async delete(id: string): Promise<void> {
    const inUse = this.config.campaigns.values().filter((c) => {
      const body = JSON.parse(c.body) as { audience?: { segmentId?: string }; filters?: { segments?: { in?: string[]; notIn?: string[] } } };
      return body.audience?.segmentId === id || body.filters?.segments?.in?.includes(id) || body.filters?.segments?.notIn?.includes(id);
    });
    if (inUse.length > 0) throw new RequestValidationError([{ path: '$', message: `segment ${id} is used by campaign(s) ${inUse.map((c) => c.id).join(', ')}` }]);
    await this.store.delete(Topics.segmentConfig, this.config.segments, 'segment', id);
  }

  private async save(id: string, body: unknown): Promise<SegmentView> {
    const definition = parseRequest(segmentDefinitionSchema, body);
    return this.view(await this.store.put(Topics.segmentConfig, this.config.segments, 'segment', id, definition));
  }

  private view(record: ConfigRecord): SegmentView {
    return { id: record.id, revision: record.revision, updatedAt: new Date(record.updatedAt).toISOString(), ...(JSON.parse(record.body) as SegmentDefinition) };
  }
}
