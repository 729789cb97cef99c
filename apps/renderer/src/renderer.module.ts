import { Module } from '@nestjs/common';
import { ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { CompiledWebhookCatalog } from './catalog/compiled-webhook.catalog.js';
import { rendererEnvSchema } from './renderer.env.js';
import { CampaignTriggerHandler } from './requests/campaign-trigger.handler.js';

@Module({ imports: [KafkaModule, ConfigViewsModule], providers: [CompiledWebhookCatalog, CampaignTriggerHandler] })
export class RendererModule {}

export const rendererTarget: ServiceTarget = { name: 'renderer', module: RendererModule, env: rendererEnvSchema };
