/** Types of the fault suite runner (run.mjs) for the Jest smoke spec. */
export interface FaultRow {
  scenario: string;
  key: string;
  events: number;
  expected: number;
  delivered: number;
  lost: number;
  extra: number;
  /** "Did not buy" webhooks to buyers whose purchase was appended after the wait's deadline (late data, not counted in `extra`). */
  late?: number;
  /** For each such webhook (up to 10): when the cart add and the purchases were appended. */
  wrongNfbTiming?: string[];
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
  },
): Promise<FaultRow>;
export function verdict(row: FaultRow): string;
