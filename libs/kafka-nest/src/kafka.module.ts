import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { allTopics } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ensureTopics, physicalTopic, retryWhileUnreachable, TypedProducer, type KafkaSettings } from '@cuewire/kafka';
import { APP_CONFIG, DURABLE_STATE, ReadinessRegistry, type BaseEnv, type DurableState } from '@cuewire/platform';
import { consumeLoopsProbe } from './consume-loops.probe.js';
import { KAFKA_SETTINGS, TOPICS_READY, toLoopLogger } from './kafka.tokens.js';
import { consumerGroupId, KAFKA_CONSUMER, type KafkaConsumerOptions, type KafkaRecordHandler } from './kafka-consumer.decorator.js';


/**
 * Says on stderr, every 10 s, which start-up step is still running. Nest buffers its logs until
 * the application is built (`bufferLogs`), and this step runs while it is built: a start that
 * hangs here (a broker or the registry not answering) would otherwise leave an empty log.
 */
function startupStep(first: string, detail: () => string | undefined): { now(step: string): void; warn(msg: string): void; done(): void } {
  const started = Date.now();
  let current = first;
  const warn = (msg: string) => process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, context: 'KafkaModule', msg })}\n`);
  const timer = setInterval(() => {
    const why = detail();
    warn(`start-up still ${current} after ${Math.round((Date.now() - started) / 1000)} s${why ? ` (last error: ${why})` : ''}`);
  }, 10_000);
  timer.unref();
  return { now: (step) => (current = step), warn, done: () => clearInterval(timer) };
}

/** Creates the topics, then starts one consume loop per @KafkaConsumer provider; stops them on shutdown. */
@Injectable()
export class KafkaConsumersHost implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  private readonly loops: ConsumeLoop<unknown>[] = [];

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(TOPICS_READY) _topicsReady: true,
    @Inject(APP_CONFIG) private readonly config: BaseEnv,
    private readonly discovery: DiscoveryService,
    private readonly serde: AvroSerde,
    private readonly producer: TypedProducer,
    private readonly readiness: ReadinessRegistry,
    @Optional() @Inject(DURABLE_STATE) private readonly durable?: DurableState,
  ) {}

  async onModuleInit(): Promise<void> {
    this.readiness.add(consumeLoopsProbe('kafka', () => this.loops));
  }

  async onApplicationBootstrap(): Promise<void> {
    const log = toLoopLogger(this.logger);
    for (const wrapper of this.discovery.getProviders()) {
      const meta = wrapper.metatype ? (Reflect.getMetadata(KAFKA_CONSUMER, wrapper.metatype) as KafkaConsumerOptions | undefined) : undefined;
      if (!meta || !wrapper.instance) continue;
      const handler = wrapper.instance as KafkaRecordHandler;
      const loop = new ConsumeLoop({
        groupId: consumerGroupId(this.config.KAFKA_GROUP_PREFIX, meta.group),
        topics: meta.topics,
        handler: (record) => handler.handle(record),
        settings: this.settings,
        serde: this.serde,
        producer: this.producer,
        logger: log,
        maxInFlight: meta.maxInFlight ?? this.config.KAFKA_MAX_IN_FLIGHT,
        stuckAfterMs: this.config.KAFKA_STUCK_AFTER_MS,
        startFrom: meta.startFrom,
        // Offsets are committed only once the handlers' Redis writes are on a replica, and
        // records are handled again when some may have been lost to a master's failover.
        durableState: this.durable,
      });
      await loop.start();
      this.loops.push(loop);
      this.logger.log(`consuming ${meta.topics.map((t) => t.name).join(', ')} as ${meta.group}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
    await this.producer.close();
  }
}

/** Kafka for Nest apps: settings from the validated env, one serde and one producer per process. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: KAFKA_SETTINGS,
      inject: [APP_CONFIG],
      useFactory: (env: BaseEnv): KafkaSettings => ({
        brokers: env.KAFKA_BROKERS,
        clientId: env.KAFKA_CLIENT_ID,
        schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
        maxMessageBytes: env.KAFKA_MAX_MESSAGE_BYTES,
      }),
    },
    { provide: AvroSerde, inject: [KAFKA_SETTINGS], useFactory: (s: KafkaSettings) => new AvroSerde(s.schemaRegistryUrl) },
    {
      provide: TypedProducer,
      inject: [KAFKA_SETTINGS, AvroSerde, TOPICS_READY],
      useFactory: (s: KafkaSettings, serde: AvroSerde) => new TypedProducer(s, serde),
    },
    {
      // Topics exist and writer schemas are registered before anything produces or consumes.
      provide: TOPICS_READY,
      inject: [KAFKA_SETTINGS, AvroSerde],
      useFactory: async (settings: KafkaSettings, serde: AvroSerde) => {
        const step = startupStep('creating the topics', () => serde.lastRegistrationError);
        try {
          // A broker down at start (a replica started during an outage) is waited for, as the consume loops wait.
          await retryWhileUnreachable(
            () => ensureTopics(settings, allTopics),
            (err, failures) => step.warn(`creating the topics failed (${failures}); retrying: ${String(err)}`),
          );
          step.now('registering the topics\' schemas');
          await Promise.all(allTopics.map((t) => serde.schemaId(physicalTopic(settings, t), t.schema)));
          return true;
        } finally {
          step.done();
        }
      },
    },
    KafkaConsumersHost,
  ],
  exports: [KAFKA_SETTINGS, TOPICS_READY, AvroSerde, TypedProducer],
})
export class KafkaModule {}
