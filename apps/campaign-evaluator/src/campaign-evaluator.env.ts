import { z } from 'zod';

export const campaignEvaluatorEnvSchema = z.object({
  /** How often due timers ("not followed by … within T") are looked for. */
  EVALUATOR_TIMER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** A claimed timer comes due again after this long if its claimer died. */
  EVALUATOR_TIMER_LEASE_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Optional: at most this many campaign firings per customer per 24 h, across campaigns. */
  EVALUATOR_DAILY_CAP_PER_CUSTOMER: z.coerce.number().int().min(1).optional(),
  /** Test and demo aid: the evaluator's clock runs this many times faster (8640: a day in 10 s). Never set it in production. */
  EVALUATOR_CLOCK_SPEED: z.coerce.number().min(1).max(1_000_000).default(1),
  /** How often scheduled campaigns are checked for a due slot. */
  EVALUATOR_SCHEDULE_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** A fan-out whose replica died is taken over after this long. */
  EVALUATOR_SCHEDULE_LEASE_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Segment members per page of a fan-out (one produce, one progress write per page). */
  EVALUATOR_SCHEDULE_PAGE: z.coerce.number().int().min(1).max(10_000).default(500),
});

export type CampaignEvaluatorEnv = z.infer<typeof campaignEvaluatorEnvSchema>;
