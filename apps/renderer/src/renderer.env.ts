import { z } from 'zod';

export const rendererEnvSchema = z.object({});
