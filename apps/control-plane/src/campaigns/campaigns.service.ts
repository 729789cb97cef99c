import { Injectable } from '@nestjs/common';
import { campaignDefinitionSchema, referencedSegments, referencedWebhooks, type CampaignDefinition } from '@cuewire/campaigns';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { ConfigViews } from '@cuewire/kafka-nest';
import { parseRequest, RequestValidationError, type FieldError } from '@cuewire/platform';
import { ConfigObjectStore } from '../config-objects/config-object.store.js';
import { newObjectId, objectIdSchema } from '../config-objects/object-id.js';

export interface CampaignView extends CampaignDefinition {
  id: string;
  version: number;
  updatedAt: string;
}

@Injectable()
export class CampaignsService {
  constructor(
    private readonly store: ConfigObjectStore,
    private readonly config: ConfigViews,
  ) {}

  list(): CampaignView[] {
    return this.config.campaigns.values().map((r) => this.view(r));
  }

  get(id: string): CampaignView {
    return this.view(this.store.get(this.config.campaigns, 'campaign', id));
  }

  async create(body: unknown): Promise<CampaignView> {
    const { id, ...rest } = (body ?? {}) as Record<string, unknown>;
    const campaignId = id === undefined ? newObjectId('cmp') : parseRequest(objectIdSchema, id, ['id']);
    return this.exclusive(campaignId, undefined, async () => {
      if (this.config.campaigns.get(campaignId)) throw new RequestValidationError([{ path: '$.id', message: `campaign ${campaignId} already exists` }]);
      return this.save(campaignId, rest, 0);
    });
  }

  /** `ifMatch`: the client's If-Match (412 when the campaign changed since it read it). */
  async replace(id: string, body: unknown, ifMatch?: string): Promise<CampaignView> {
    return this.exclusive(id, ifMatch, () => this.save(id, body, this.store.get(this.config.campaigns, 'campaign', id).revision));
  }

  async delete(id: string, ifMatch?: string): Promise<void> {
    await this.exclusive(id, ifMatch, () => this.store.delete(Topics.campaignConfig, this.config.campaigns, 'campaign', id));
  }

  private exclusive<T>(id: string, ifMatch: string | undefined, change: () => Promise<T>): Promise<T> {
    return this.store.exclusive(this.config.campaigns, 'campaign', id, ifMatch, change);
  }

  private async save(id: string, body: unknown, basedOn: number): Promise<CampaignView> {
    const definition = parseRequest(campaignDefinitionSchema, body);
    const missing: FieldError[] = referencedWebhooks(definition).flatMap(({ webhookId, path }) =>
      this.config.webhooks.get(webhookId) ? [] : [{ path, message: `webhook ${webhookId} does not exist` }],
    );
    for (const { segmentId, path } of referencedSegments(definition)) {
      if (!this.config.segments.get(segmentId)) missing.push({ path, message: `segment ${segmentId} does not exist` });
    }
    if (missing.length > 0) throw new RequestValidationError(missing);
    return this.view(await this.store.put(Topics.campaignConfig, this.config.campaigns, 'campaign', id, definition, basedOn));
  }

  private view(record: ConfigRecord): CampaignView {
    return { id: record.id, version: record.revision, updatedAt: new Date(record.updatedAt).toISOString(), ...(JSON.parse(record.body) as CampaignDefinition) };
  }
}
