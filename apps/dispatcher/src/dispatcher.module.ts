import { Module } from '@nestjs/common';
import { ApiKeysModule, ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { AlertNotifier } from './alerts/alert.notifier.js';
import { DeliveryBatches } from './batches/delivery-batches.js';
import { WebhookCatalog } from './catalog/webhook.catalog.js';
import { CustomerOrder } from './deliveries/customer-order.js';
import { DeliveryExecutor } from './deliveries/delivery.executor.js';
import { DeliveryMarksRepository } from './deliveries/delivery-marks.repository.js';
import { WebhookHttp } from './deliveries/webhook-http.provider.js';
import { dispatcherEnvSchema } from './dispatcher.env.js';
import { EndpointHealthRepository } from './endpoints/endpoint-health.repository.js';
import { EndpointAdmissionRepository } from './endpoints/endpoint-admission.repository.js';
import { EndpointStateMetrics } from './endpoints/endpoint-state.metrics.js';
import { DeliveriesController } from './log/deliveries.controller.js';
import { DeliveryLogRepository } from './log/delivery-log.repository.js';
import { DeliveryLogSweeper } from './log/delivery-log.sweeper.js';
import { DeliveryReplay } from './log/delivery.replay.js';
import { DeliveryPipelineHost } from './pipeline/delivery-pipeline.host.js';

@Module({
  imports: [KafkaModule, ConfigViewsModule, RedisModule, ApiKeysModule],
  controllers: [DeliveriesController],
  providers: [
    WebhookCatalog,
    DeliveryMarksRepository,
    WebhookHttp,
    EndpointAdmissionRepository,
    EndpointHealthRepository,
    DeliveryLogRepository,
    DeliveryLogSweeper,
    AlertNotifier,
    DeliveryBatches,
    CustomerOrder,
    DeliveryExecutor,
    DeliveryReplay,
    DeliveryPipelineHost,
    EndpointStateMetrics,
  ],
})
export class DispatcherModule {}

export const dispatcherTarget: ServiceTarget = { name: 'dispatcher', module: DispatcherModule, env: dispatcherEnvSchema };
