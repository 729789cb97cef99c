import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Topics } from '@cuewire/contracts';
import { recordOutput, TypedProducer } from '@cuewire/kafka';
import { parseRequest } from '@cuewire/platform';

const customerIdSchema = z.string().min(1).max(200);
/** Attributes to merge; `null` removes an attribute. */
const profilePatchSchema = z.object({ attributes: z.record(z.string().min(1).max(200), z.unknown()) }).strict();

@Injectable()
export class UpsertProfileUseCase {
  constructor(private readonly producer: TypedProducer) {}

  async execute(customerId: string, body: unknown, now = Date.now()): Promise<{ customerId: string }> {
    parseRequest(customerIdSchema, customerId, ['customerId']);
    const patch = parseRequest(profilePatchSchema, body);
    await this.producer.send([
      recordOutput(Topics.customerProfiles, customerId, { customerId, attributes: JSON.stringify(patch.attributes), updatedAt: now }),
    ]);
    return { customerId };
  }
}
