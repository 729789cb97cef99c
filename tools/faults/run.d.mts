/** Types of the fault suite runner (run.mjs) for the Jest smoke spec. */
export interface FaultRow {
  scenario: string;
  key: string;
  events: number;
  expected: number;
  delivered: number;
  lost: number;
  extra: number;
  duplicates: number;
  firedTwice: number;
  orderViolations: number;
  badSignatures: number;
  poison: string;
  seconds: number;
  /** Seconds from the first event sent to the last one accepted by ingest or Kafka. */
  sendSeconds?: number;
  error?: string;
  byCampaign?: Record<string, string>;
  poisonDetail?: Record<string, string>;
}
export interface Scenario {
  name: string;
  key: string;
  /** Kills the one broker, registry or Redis of the single-node stack: not run with --cluster. */
  needsOwnInfra?: boolean;
  /** Kills cluster members: run only with --cluster. */
  needsCluster?: boolean;
}
export function builtModules(): Promise<Record<string, unknown>>;
export function runScenario(
  scenario: Scenario,
  options: {
    infra: { kafkaBrokers: string; schemaRegistryUrl: string; redisUrl: string; replicationFactor?: number };
    receiver: unknown;
    events: number;
    rate: number;
    settleTimeoutMs: number;
    modules: Record<string, unknown>;
    /** Processes per service ({ segmenter: 3, … }); one each when absent. */
    replicas?: Record<string, number>;
    /** A Redis failover kills a master other than the one holding the durable timers (an open defect). */
    spareTimersMaster?: boolean;
  },
): Promise<FaultRow>;
export function verdict(row: FaultRow): string;
