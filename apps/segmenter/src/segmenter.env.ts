import { z } from 'zod';

export const segmenterEnvSchema = z.object({});
