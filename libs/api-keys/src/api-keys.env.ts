import { z } from 'zod';

/**
 * Settings of every service that requires API keys (ingest, control plane, dispatcher,
 * feedback receiver); each spreads `.shape` into its env schema, so the single binary merges
 * one definition.
 */
export const apiKeysEnvSchema = z.object({
  /**
   * The bootstrap key: every scope, compared by digest, never stored. It creates the first real
   * keys. Unset (or empty): only keys created through the control plane work.
   */
  CUEWIRE_ADMIN_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'at least 32 characters (e.g. openssl rand -base64 32)').optional()),
});

export type ApiKeysEnv = z.infer<typeof apiKeysEnvSchema>;
