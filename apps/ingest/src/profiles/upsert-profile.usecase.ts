import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { mergeProfile, ProfileLimitError, Topics, type JsonObject } from '@cuewire/contracts';
import { recordOutput } from '@cuewire/kafka';
import { APP_CONFIG, LimitExceededError, parseRequest } from '@cuewire/platform';
import { EventPublisher } from '../events/event.publisher.js';
import type { IngestEnv } from '../ingest.env.js';
import { StoredProfileReader } from './stored-profile.reader.js';

export const customerIdSchema = z.string().min(1).max(200);
/**
 * Attributes to merge; `null` removes an attribute. Values travel as the client's JSON text,
 * so numbers stay numbers, booleans booleans, nested objects objects, ISO dates strings.
 */
export const profileAttributesSchema = z.record(z.string().min(1).max(200), z.unknown());
export const profilePatchSchema = z.object({ attributes: profileAttributesSchema }).strict();

@Injectable()
export class UpsertProfileUseCase {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly stored: StoredProfileReader,
    @Inject(APP_CONFIG) private readonly config: IngestEnv,
  ) {}

  async execute(customerId: string, body: unknown, now = Date.now()): Promise<{ customerId: string }> {
    parseRequest(customerIdSchema, customerId, ['customerId']);
    const patch = parseRequest(profilePatchSchema, body);
    await this.assertWithinLimits(customerId, patch.attributes as JsonObject);
    const attributes = JSON.stringify(patch.attributes);
    await this.publisher.produceAccounted(
      [recordOutput(Topics.customerProfiles, customerId, { customerId, attributes, updatedAt: now })],
      64 + 2 * customerId.length + attributes.length,
      'refuse',
    );
    return { customerId };
  }

  /** The PATCH alone, then merged into the stored profile, must stay within the profile limits (413 naming the limit). */
  private async assertWithinLimits(customerId: string, attributes: JsonObject): Promise<void> {
    try {
      mergeProfile({}, attributes, this.config);
      mergeProfile(await this.stored.find(customerId), attributes, this.config);
    } catch (error) {
      if (error instanceof ProfileLimitError) throw new LimitExceededError(error.limit, error.max, [{ path: '$.attributes', message: error.message }]);
      throw error;
    }
  }
}
