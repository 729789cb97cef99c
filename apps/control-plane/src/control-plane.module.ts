import { Module } from '@nestjs/common';
import { ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { CampaignsController } from './campaigns/campaigns.controller.js';
import { CampaignsService } from './campaigns/campaigns.service.js';
import { ConfigObjectStore } from './config-objects/config-object.store.js';
import { controlPlaneEnvSchema } from './control-plane.env.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

@Module({
  imports: [KafkaModule, ConfigViewsModule],
  controllers: [WebhooksController, CampaignsController],
  providers: [ConfigObjectStore, WebhooksService, CampaignsService],
})
export class ControlPlaneModule {}

export const controlPlaneTarget: ServiceTarget = { name: 'control-plane', module: ControlPlaneModule, env: controlPlaneEnvSchema };
