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
  error?: string;
  byCampaign?: Record<string, string>;
  poisonDetail?: Record<string, string>;
}
export interface Scenario {
  name: string;
  key: string;
}
export function builtModules(): Promise<Record<string, unknown>>;
export function runScenario(
  scenario: Scenario,
  options: {
    infra: { kafkaBrokers: string; schemaRegistryUrl: string; redisUrl: string };
    receiver: unknown;
    events: number;
    rate: number;
    settleTimeoutMs: number;
    modules: Record<string, unknown>;
  },
): Promise<FaultRow>;
export function verdict(row: FaultRow): string;
