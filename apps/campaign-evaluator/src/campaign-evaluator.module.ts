import { Module } from '@nestjs/common';
import { ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import { APP_CONFIG, type ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { campaignEvaluatorEnvSchema, type CampaignEvaluatorEnv } from './campaign-evaluator.env.js';
import { CampaignCatalog } from './catalog/campaign.catalog.js';
import { CLOCK, compressedClock, systemClock } from './clock.js';
import { CustomerContextRepository } from './customers/customer-context.repository.js';
import { CustomerHistoryRepository } from './history/customer-history.repository.js';
import { FiringGate } from './history/firing-gate.js';
import { TriggerEmitter } from './firing/trigger.emitter.js';
import { SequenceStateRepository } from './sequences/sequence-state.repository.js';
import { SequenceEvaluator } from './sequences/sequence.evaluator.js';
import { DueTimersRepository } from './timers/due-timers.repository.js';
import { ProcessedEventsWatermark } from './timers/processed-events.watermark.js';
import { TimerBacklogMetrics } from './timers/timer-backlog.metrics.js';
import { TimerPoller } from './timers/timer.poller.js';
import { ScheduleProgressRepository } from './schedules/schedule-progress.repository.js';
import { ScheduleFanOutMetrics } from './schedules/schedule-fan-out.metrics.js';
import { SchedulePoller } from './schedules/schedule.poller.js';
import { EnrichedEventHandler } from './triggers/enriched-event.handler.js';
import { VariantAssignmentRepository } from './variants/variant-assignment.repository.js';

@Module({
  imports: [KafkaModule, ConfigViewsModule, RedisModule],
  providers: [
    {
      provide: CLOCK,
      inject: [APP_CONFIG],
      useFactory: (config: CampaignEvaluatorEnv) => (config.EVALUATOR_CLOCK_SPEED === 1 ? systemClock : compressedClock(config.EVALUATOR_CLOCK_SPEED)),
    },
    CampaignCatalog,
    CustomerContextRepository,
    CustomerHistoryRepository,
    FiringGate,
    VariantAssignmentRepository,
    TriggerEmitter,
    SequenceStateRepository,
    DueTimersRepository,
    ProcessedEventsWatermark,
    SequenceEvaluator,
    TimerPoller,
    ScheduleProgressRepository,
    SchedulePoller,
    EnrichedEventHandler,
    TimerBacklogMetrics,
    ScheduleFanOutMetrics,
  ],
})
export class CampaignEvaluatorModule {}

export const campaignEvaluatorTarget: ServiceTarget = { name: 'campaign-evaluator', module: CampaignEvaluatorModule, env: campaignEvaluatorEnvSchema };
