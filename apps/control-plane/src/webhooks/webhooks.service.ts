import { ConflictException, Injectable } from '@nestjs/common';
import { referencedWebhooks, type CampaignDefinition } from '@cuewire/campaigns';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { ConfigViews } from '@cuewire/kafka-nest';
import { parseRequest, RequestValidationError } from '@cuewire/platform';
import { expandPreset, PresetParamsError, storedWebhookSchema, webhookDefinitionSchema, type StoredWebhook } from '@cuewire/templating';
import { z } from 'zod';
import { ConfigObjectStore } from '../config-objects/config-object.store.js';
import { newObjectId, objectIdSchema } from '../config-objects/object-id.js';
import { checkTemplates } from './webhook-templates.check.js';
import { WebhookOutbound } from './webhook-outbound.provider.js';
import { rotateSigningSecret, sealCredentials } from './webhook-secrets.sealer.js';
import { webhookView, type WebhookView } from './webhook.view.js';

export const rotateSchema = z
  .object({
    /** How long the current secrets keep signing next to the new one. 0 = retire them now. */
    overlapSeconds: z.number().int().min(0).max(30 * 24 * 3600).default(24 * 3600),
    /** Bring your own new secret; generated when absent. */
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be whsec_ followed by base64').optional(),
  })
  .strict();

/** The id a draft without one renders with (the sample context names the webhook). */
const DRAFT_ID = 'draft';

@Injectable()
export class WebhooksService {
  constructor(
    private readonly store: ConfigObjectStore,
    private readonly config: ConfigViews,
    private readonly outbound: WebhookOutbound,
  ) {}

  list(): WebhookView[] {
    return this.config.webhooks.values().map((r) => webhookView(r));
  }

  get(id: string): WebhookView {
    return webhookView(this.store.get(this.config.webhooks, 'webhook', id));
  }

  /** The stored webhook (secrets sealed), for preview and send test. */
  stored(id: string): StoredWebhook & { id: string; revision: number } {
    const record = this.store.get(this.config.webhooks, 'webhook', id);
    return { ...storedWebhookSchema.parse(JSON.parse(record.body)), id, revision: record.revision };
  }

  async create(body: unknown): Promise<WebhookView> {
    const { id, preset, params, ...rest } = (body ?? {}) as Record<string, unknown>;
    const webhookId = id === undefined ? newObjectId('wh') : parseRequest(objectIdSchema, id, ['id']);
    return this.exclusive(webhookId, undefined, async () => {
      if (this.config.webhooks.get(webhookId)) throw new RequestValidationError([{ path: '$.id', message: `webhook ${webhookId} already exists` }]);
      return this.save(webhookId, this.definitionOf(preset, params, rest), 0);
    });
  }

  /**
   * A webhook not saved yet (what create or PUT would take), validated and sealed exactly as
   * saving it would, but stored nowhere: what the draft preview renders. When its id names a
   * stored webhook, secrets the draft leaves out are that webhook's, as PUT keeps them.
   */
  draft(body: unknown): StoredWebhook & { id: string } {
    const { id, preset, params, ...rest } = (body ?? {}) as Record<string, unknown>;
    const webhookId = id === undefined ? DRAFT_ID : parseRequest(objectIdSchema, id, ['id']);
    const previous = this.config.webhooks.get(webhookId) ? this.stored(webhookId) : undefined;
    return { ...this.validate(webhookId, this.definitionOf(preset, params, rest), previous).stored, id: webhookId };
  }

  /** `ifMatch`: the client's If-Match (412 when the webhook changed since it read it). */
  async replace(id: string, body: unknown, ifMatch?: string): Promise<WebhookView> {
    return this.exclusive(id, ifMatch, () => {
      const { id: _id, revision, ...previous } = this.stored(id);
      return this.save(id, body, revision, previous);
    });
  }

  /** Refused (409) while a live or paused campaign sends through the webhook (itself or in one of its variants). */
  async delete(id: string, ifMatch?: string): Promise<void> {
    await this.exclusive(id, ifMatch, async () => {
      this.store.get(this.config.webhooks, 'webhook', id);
      const users = this.config.campaigns.values().filter((c) => {
        const campaign = JSON.parse(c.body) as CampaignDefinition;
        return (campaign.status === 'live' || campaign.status === 'paused') && referencedWebhooks(campaign).some((w) => w.webhookId === id);
      });
      if (users.length > 0) {
        const ids = users.map((c) => c.id);
        throw new ConflictException({ title: 'Conflict', detail: `webhook ${id} is used by live or paused campaign(s) ${ids.join(', ')}; end them or remove the webhook from them first`, campaigns: ids });
      }
      await this.store.delete(Topics.webhookConfig, this.config.webhooks, 'webhook', id);
    });
  }

  async rotate(id: string, body: unknown, ifMatch?: string) {
    return this.exclusive(id, ifMatch, async () => {
      const current = this.stored(id);
      const { overlapSeconds, secret } = parseRequest(rotateSchema, body ?? {});
      const now = Date.now();
      const rotated = rotateSigningSecret(id, current.signing, this.outbound.box, overlapSeconds, now, secret);
      const { id: _id, revision, ...definition } = current;
      const record = await this.put(id, { ...definition, signing: rotated.signing }, revision);
      const view = webhookView(record, now);
      // The new secret is shown this once; it is stored sealed and never returned again. The
      // webhook's revision and time give the answer its ETag.
      return { id: rotated.created.id, secret: rotated.secret, overlapSeconds, signing: view.signing, revision: view.revision, updatedAt: view.updatedAt };
    });
  }

  private exclusive<T>(id: string, ifMatch: string | undefined, change: () => Promise<T>): Promise<T> {
    return this.store.exclusive(this.config.webhooks, 'webhook', id, ifMatch, change);
  }

  /** The definition a create body describes: itself, or a preset expanded with its params and overrides. */
  private definitionOf(preset: unknown, params: unknown, rest: Record<string, unknown>): Record<string, unknown> {
    if (preset === undefined && params !== undefined) throw new RequestValidationError([{ path: '$.params', message: 'only with preset' }]);
    return preset === undefined ? rest : this.fromPreset(preset, params, rest);
  }

  private fromPreset(preset: unknown, params: unknown, overrides: Record<string, unknown>): Record<string, unknown> {
    try {
      return expandPreset(parseRequest(z.string(), preset, ['preset']), params, overrides);
    } catch (error) {
      if (error instanceof PresetParamsError) throw new RequestValidationError(error.issues.map((i) => ({ path: `$.${i.path.map(String).join('.')}`, message: i.message })));
      throw error;
    }
  }

  /** Validates everything (schema, templates, sample render, secrets) before anything is written. */
  private async save(id: string, body: unknown, basedOn: number, previous?: StoredWebhook): Promise<WebhookView> {
    const { stored, generatedSecret } = this.validate(id, body, previous);
    const record = await this.put(id, stored, basedOn);
    return { ...webhookView(record), ...(generatedSecret ? { generatedSecret } : {}) };
  }

  /** The schema, the templates (compile, sample render) and the secrets (sealed): what save stores, and what a draft previews. */
  private validate(id: string, body: unknown, previous?: StoredWebhook): { stored: StoredWebhook; generatedSecret?: string } {
    const definition = parseRequest(webhookDefinitionSchema, body);
    const { auth: _auth, signing: _signing, ...settings } = definition;
    checkTemplates(this.outbound.engine, { ...settings, id });
    const credentials = sealCredentials(id, definition, previous, this.outbound.box, Date.now());
    if (Array.isArray(credentials)) throw new RequestValidationError(credentials);
    return { stored: { ...settings, auth: credentials.auth, ...(credentials.signing ? { signing: credentials.signing } : {}) }, generatedSecret: credentials.generatedSecret };
  }

  private put(id: string, stored: StoredWebhook, basedOn: number): Promise<ConfigRecord> {
    return this.store.put(Topics.webhookConfig, this.config.webhooks, 'webhook', id, stored, basedOn);
  }
}
