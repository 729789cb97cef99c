import { campaignDefinitionSchema } from '@cuewire/campaigns';
import { z } from 'zod';
import { objectIdSchema } from '../config-objects/object-id.js';

/** The request and answer shapes of /v1/campaigns for the OpenAPI document. */
export const createCampaignBody = campaignDefinitionSchema.safeExtend({ id: objectIdSchema.optional() });

export const campaignViewSchema = campaignDefinitionSchema.safeExtend({ id: z.string(), version: z.number().int(), updatedAt: z.iso.datetime() });

export const triggerResultSchema = z.object({ requestId: z.uuid(), customers: z.number().int().describe('Customers an on-demand event was produced for') });

export const campaignListSchema = z.array(campaignViewSchema);
