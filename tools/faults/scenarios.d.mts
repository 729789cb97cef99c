import type { Scenario } from './run.mjs';
export const SCENARIOS: readonly Scenario[];
export const CLUSTER_REPLICAS: Readonly<Record<string, number>>;
export function skipReason(scenario: Scenario, options: { cluster: boolean }): string | undefined;
