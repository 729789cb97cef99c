import { Injectable, NotFoundException } from '@nestjs/common';
import { apiKeyScopesSchema, issueApiKey, MAX_ROTATION_GRACE_SECONDS, rotateApiKey, type IssuedApiKey, type StoredApiKey } from '@cuewire/api-keys';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { ApiKeyCatalog } from '@cuewire/kafka-nest';
import { parseRequest } from '@cuewire/platform';
import { z } from 'zod';
import { ConfigObjectStore } from '../config-objects/config-object.store.js';
import { apiKeyView, type ApiKeyView, type IssuedApiKeyView } from './api-key.view.js';

export const createSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    scopes: apiKeyScopesSchema,
  })
  .strict();

export const rotateSchema = z
  .object({
    /** How long the replaced secret keeps working. 0 (the default): it stops at once. */
    previousKeyValidForSeconds: z.number().int().min(0).max(MAX_ROTATION_GRACE_SECONDS).default(0),
  })
  .strict();

/**
 * API keys are control-plane objects on their compacted topic, written through the same store
 * as webhooks and segments. The topic holds digests only; the plaintext key leaves this process
 * once, in the answer to the create or rotate call.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly store: ConfigObjectStore,
    private readonly keys: ApiKeyCatalog,
  ) {}

  list(): ApiKeyView[] {
    return this.keys.view.values().flatMap((record) => {
      const stored = this.keys.get(record.id);
      return stored ? [apiKeyView(record, stored)] : [];
    });
  }

  get(id: string): ApiKeyView {
    const { record, stored } = this.find(id);
    return apiKeyView(record, stored);
  }

  async create(body: unknown): Promise<IssuedApiKeyView> {
    const input = parseRequest(createSchema, body ?? {});
    let issued: IssuedApiKey;
    do issued = issueApiKey(input, Date.now());
    while (this.keys.view.get(issued.id));
    return this.save(issued, 0);
  }

  /**
   * One rotation at a time per key: a concurrent second one gets 409 (412 with a stale If-Match),
   * so no caller is handed a key that a simultaneous rotation already replaced.
   */
  async rotate(id: string, body: unknown, ifMatch?: string): Promise<IssuedApiKeyView> {
    return this.store.exclusive(this.keys.view, 'api-key', id, ifMatch, async () => {
      const { record, stored } = this.find(id);
      const { previousKeyValidForSeconds } = parseRequest(rotateSchema, body ?? {});
      return this.save(rotateApiKey(id, stored, previousKeyValidForSeconds, Date.now()), record.revision);
    });
  }

  /** Revocation is a tombstone: every service's view drops the key, and it is answered 401 like an unknown one. */
  async revoke(id: string, ifMatch?: string): Promise<void> {
    await this.store.exclusive(this.keys.view, 'api-key', id, ifMatch, () => this.store.delete(Topics.apiKeyConfig, this.keys.view, 'api-key', id));
  }

  /** A key's record and its parsed body (a record that does not parse is logged by the catalog and counts as absent). */
  private find(id: string): { record: ConfigRecord; stored: StoredApiKey } {
    const record = this.store.get(this.keys.view, 'api-key', id);
    const stored = this.keys.get(id);
    if (!stored) throw new NotFoundException(`api-key ${id} does not exist`);
    return { record, stored };
  }

  private async save(issued: IssuedApiKey, basedOn: number): Promise<IssuedApiKeyView> {
    const record = await this.store.put(Topics.apiKeyConfig, this.keys.view, 'api-key', issued.id, issued.stored, basedOn);
    return { ...apiKeyView(record, issued.stored), key: issued.key };
  }
}
