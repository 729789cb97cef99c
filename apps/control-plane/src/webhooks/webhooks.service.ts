import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { ConfigViews } from '@cuewire/kafka-nest';
import { parseRequest, RequestValidationError } from '@cuewire/platform';
import { CompiledWebhook, createTemplateEngine, TemplateCompileError, webhookDefinitionSchema, type WebhookDefinition } from '@cuewire/templating';
import { ConfigObjectStore } from '../config-objects/config-object.store.js';
import { newObjectId, objectIdSchema } from '../config-objects/object-id.js';

const engine = createTemplateEngine();

export interface WebhookView extends Omit<WebhookDefinition, 'signing'> {
  id: string;
  revision: number;
  updatedAt: string;
  signing?: { type: 'standard-webhooks'; activeSecrets: number };
  /** Returned once, when Cuewire generated the secret. */
  generatedSecret?: string;
}

@Injectable()
export class WebhooksService {
  constructor(
    private readonly store: ConfigObjectStore,
    private readonly config: ConfigViews,
  ) {}

  list(): WebhookView[] {
    return this.config.webhooks.values().map((r) => this.view(r));
  }

  get(id: string): WebhookView {
    return this.view(this.store.get(this.config.webhooks, 'webhook', id));
  }

  async create(body: unknown): Promise<WebhookView> {
    const { id, ...rest } = (body ?? {}) as Record<string, unknown>;
    const webhookId = id === undefined ? newObjectId('wh') : parseRequest(objectIdSchema, id, ['id']);
    if (this.config.webhooks.get(webhookId)) throw new RequestValidationError([{ path: '$.id', message: `webhook ${webhookId} already exists` }]);
    return this.save(webhookId, rest);
  }

  async replace(id: string, body: unknown): Promise<WebhookView> {
    const existing = this.store.get(this.config.webhooks, 'webhook', id);
    return this.save(id, body, JSON.parse(existing.body) as WebhookDefinition);
  }

  async delete(id: string): Promise<void> {
    await this.store.delete(Topics.webhookConfig, this.config.webhooks, 'webhook', id);
  }

  private async save(id: string, body: unknown, previous?: WebhookDefinition): Promise<WebhookView> {
    const definition = parseRequest(webhookDefinitionSchema, body);
    this.assertTemplatesCompile(id, definition);
    let generatedSecret: string | undefined;
    if (definition.signing && !definition.signing.secrets) {
      // Secrets are write-only: an update without them keeps the current ones.
      const kept = previous?.signing?.secrets;
      generatedSecret = kept ? undefined : `whsec_${randomBytes(32).toString('base64')}`;
      definition.signing = { ...definition.signing, secrets: kept ?? [generatedSecret!] };
    }
    const record = await this.store.put(Topics.webhookConfig, this.config.webhooks, 'webhook', id, definition);
    return { ...this.view(record), ...(generatedSecret ? { generatedSecret } : {}) };
  }

  private assertTemplatesCompile(id: string, definition: WebhookDefinition): void {
    try {
      new CompiledWebhook(engine, { ...definition, id, revision: 0 });
    } catch (error) {
      if (error instanceof TemplateCompileError) throw new RequestValidationError([{ path: `$.${error.field}`, message: error.message }]);
      throw error;
    }
  }

  private view(record: ConfigRecord): WebhookView {
    const { signing, ...definition } = JSON.parse(record.body) as WebhookDefinition;
    return {
      id: record.id,
      revision: record.revision,
      updatedAt: new Date(record.updatedAt).toISOString(),
      ...definition,
      ...(signing ? { signing: { type: signing.type, activeSecrets: signing.secrets?.length ?? 0 } } : {}),
    };
  }
}
