import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Topics } from '@cuewire/contracts';
import { recordOutput } from '@cuewire/kafka';
import { parseRequest } from '@cuewire/platform';
import { EventPublisher } from '../events/event.publisher.js';

export const customerIdSchema = z.string().min(1).max(200);
/**
 * Attributes to merge; `null` removes an attribute. Values travel as the client's JSON text,
 * so numbers stay numbers, booleans booleans, nested objects objects, ISO dates strings.
 */
export const profileAttributesSchema = z.record(z.string().min(1).max(200), z.unknown());
export const profilePatchSchema = z.object({ attributes: profileAttributesSchema }).strict();

@Injectable()
export class UpsertProfileUseCase {
  constructor(private readonly publisher: EventPublisher) {}

  async execute(customerId: string, body: unknown, now = Date.now()): Promise<{ customerId: string }> {
    parseRequest(customerIdSchema, customerId, ['customerId']);
    const patch = parseRequest(profilePatchSchema, body);
    const attributes = JSON.stringify(patch.attributes);
    await this.publisher.produceAccounted(
      [recordOutput(Topics.customerProfiles, customerId, { customerId, attributes, updatedAt: now })],
      64 + 2 * customerId.length + attributes.length,
      'refuse',
    );
    return { customerId };
  }
}
