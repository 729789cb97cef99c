import { Module } from '@nestjs/common';
import { ApiKeysModule, KafkaModule } from '@cuewire/kafka-nest';
import { APP_CONFIG, ReadinessRegistry, type ServiceTarget } from '@cuewire/platform';
import { HistoryDatabase } from './database/history-database.js';
import { PartitionMaintenance } from './database/partition.maintenance.js';
import { DeliveryHistoryController } from './deliveries/delivery-history.controller.js';
import { DeliveryHistoryRepository } from './deliveries/delivery-history.repository.js';
import { CampaignFiguresController } from './figures/campaign-figures.controller.js';
import { CampaignFiguresRepository } from './figures/campaign-figures.repository.js';
import { historyEnvSchema, type HistoryEnv } from './history.env.js';
import { TriggerHistoryHandler } from './recording/trigger-history.handler.js';
import { DeliveryResultHandler } from './recording/delivery-result.handler.js';
import { EngagementEventHandler } from './recording/engagement-event.handler.js';
import { HistoryRecordsRepository } from './recording/history-records.repository.js';

/**
 * The delivery history and campaign figures in PostgreSQL: consumes delivery-results,
 * campaign-triggers and engagement events into day-partitioned tables, serves them over HTTP.
 */
@Module({
  imports: [KafkaModule, ApiKeysModule],
  controllers: [DeliveryHistoryController, CampaignFiguresController],
  providers: [
    // Created and migrated before anything consumes or serves.
    {
      provide: HistoryDatabase,
      inject: [APP_CONFIG, ReadinessRegistry],
      useFactory: async (env: HistoryEnv, readiness: ReadinessRegistry) => {
        const db = await HistoryDatabase.open(env);
        readiness.add({ name: 'database', check: async () => void (await db.pool.query('SELECT 1')) });
        return db;
      },
    },
    PartitionMaintenance,
    HistoryRecordsRepository,
    DeliveryHistoryRepository,
    CampaignFiguresRepository,
    DeliveryResultHandler,
    TriggerHistoryHandler,
    EngagementEventHandler,
  ],
})
export class HistoryModule {}

export const historyTarget: ServiceTarget = { name: 'history', module: HistoryModule, env: historyEnvSchema };
