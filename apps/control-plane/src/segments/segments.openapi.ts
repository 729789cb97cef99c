import { segmentDefinitionSchema } from '@cuewire/campaigns';
import { z } from 'zod';
import { objectIdSchema } from '../config-objects/object-id.js';

/** The request and answer shapes of /v1/segments for the OpenAPI document. */
export const createSegmentBody = segmentDefinitionSchema.extend({ id: objectIdSchema.optional() });

export const segmentViewSchema = segmentDefinitionSchema.extend({ id: z.string(), revision: z.number().int(), updatedAt: z.iso.datetime() });

export const segmentSizeSchema = z.object({ id: z.string(), members: z.number().int() });

export const segmentListSchema = z.array(segmentViewSchema);
