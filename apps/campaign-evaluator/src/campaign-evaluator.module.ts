import { Module } from '@nestjs/common';
import { ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { campaignEvaluatorEnvSchema } from './campaign-evaluator.env.js';
import { CampaignCatalog } from './catalog/campaign.catalog.js';
import { EnrichedEventHandler } from './triggers/enriched-event.handler.js';

@Module({ imports: [KafkaModule, ConfigViewsModule], providers: [CampaignCatalog, EnrichedEventHandler] })
export class CampaignEvaluatorModule {}

export const campaignEvaluatorTarget: ServiceTarget = { name: 'campaign-evaluator', module: CampaignEvaluatorModule, env: campaignEvaluatorEnvSchema };
