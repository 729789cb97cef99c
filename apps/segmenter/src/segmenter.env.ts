import { z } from 'zod';
import { profileLimitsEnvSchema } from '@cuewire/contracts';

export const segmenterEnvSchema = z.object({
  // The same bounds ingest checks a PATCH against; here a merge past them is dead-lettered.
  ...profileLimitsEnvSchema.shape,
});
