import { z } from 'zod';

export const campaignEvaluatorEnvSchema = z.object({
  /** How often due timers ("not followed by … within T") are looked for. */
  EVALUATOR_TIMER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** A claimed timer comes due again after this long if its claimer died. */
  EVALUATOR_TIMER_LEASE_MS: z.coerce.number().int().min(1_000).default(30_000),
});

export type CampaignEvaluatorEnv = z.infer<typeof campaignEvaluatorEnvSchema>;
