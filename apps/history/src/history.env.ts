import { z } from 'zod';
import { apiKeysEnvSchema } from '@cuewire/api-keys';

export const historyEnvSchema = z.object({
  ...apiKeysEnvSchema.shape,
  /** The history database; created on start when missing (the role needs CREATEDB then), migrated on start. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').default('postgres://root@127.0.0.1:5432/cuewire'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Days of delivery history, triggers and engagements kept; older day partitions are dropped whole. */
  HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Day partitions created ahead of today, so writes never wait for one. */
  HISTORY_PARTITIONS_AHEAD_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  /** How often partitions are created ahead and expired ones dropped. */
  HISTORY_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
});

export type HistoryEnv = z.infer<typeof historyEnvSchema>;
