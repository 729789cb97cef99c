import type { Scenario } from './run.mjs';
export const SCENARIOS: readonly Scenario[];
