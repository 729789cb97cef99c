import { z } from 'zod';

export const feedbackReceiverEnvSchema = z.object({});
