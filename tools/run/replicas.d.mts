// Types for the spec of replicas.mjs.
export function parseReplicas(spec: string, known: readonly string[]): Map<string, number>;
export function extraReplicas(counts: Map<string, number>, basePort: number): { target: string; replica: number; httpPort: number }[];
