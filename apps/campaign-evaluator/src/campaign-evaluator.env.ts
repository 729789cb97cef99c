import { z } from 'zod';

export const campaignEvaluatorEnvSchema = z.object({});
