/**
 * Something that must be up before this process serves traffic (a Kafka consumer that has
 * joined its group, a Redis connection). Infrastructure modules provide them under READINESS_PROBES.
 */
export interface ReadinessProbe {
  readonly name: string;
  /** Resolves with details when ready; rejects (with the reason) when not. */
  check(): Promise<Record<string, unknown> | void>;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');

/** Registry that infrastructure modules add their probes to (a multi-provider would need every module at root). */
export class ReadinessRegistry {
  private readonly probes: ReadinessProbe[] = [];
  add(probe: ReadinessProbe): void {
    this.probes.push(probe);
  }
  list(): readonly ReadinessProbe[] {
    return this.probes;
  }
}
