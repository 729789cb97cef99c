import { apiKeyScopesSchema } from '@cuewire/api-keys';
import { z } from 'zod';

/** The answers of /v1/api-keys for the OpenAPI document (see ApiKeyView). */
export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: apiKeyScopesSchema,
  prefix: z.string().describe('Non-secret hint to recognise the key: cwk_<id>_ and the first characters of its secret'),
  createdAt: z.iso.datetime(),
  rotatedAt: z.iso.datetime().nullable(),
  previousKeyExpiresAt: z.iso.datetime().nullable().describe('Until when the secret replaced by the last rotation still works'),
  revision: z.number().int(),
  updatedAt: z.iso.datetime(),
});

export const issuedApiKeySchema = apiKeyViewSchema.extend({ key: z.string().describe('The plaintext key, shown this once') });

export const apiKeyListSchema = z.array(apiKeyViewSchema);
