import { z } from 'zod';

export const controlPlaneEnvSchema = z.object({});
