import { z } from 'zod';

/**
 * Limits on one render. Templates are written by users and data comes from customers, so a
 * template must not be able to take the process down: output is bounded in size and the
 * work is bounded by a step budget (each loop iteration and helper call is a step) plus a
 * wall-clock deadline checked every few steps. We count steps in-process rather than render
 * in a worker with a timeout: renders are synchronous and sub-millisecond, a worker hop
 * would cost more than the render, and a step budget stops a runaway loop deterministically
 * (the same template fails the same way at save time and at send time).
 */
export interface TemplateLimits {
  /** Largest rendered output of one template, in UTF-8 bytes. */
  readonly maxOutputBytes: number;
  /** Most loop iterations + helper calls in one render. */
  readonly maxSteps: number;
  /** Wall-clock budget of one render. */
  readonly maxRenderMs: number;
}

export const defaultTemplateLimits: TemplateLimits = { maxOutputBytes: 256 * 1024, maxSteps: 100_000, maxRenderMs: 250 };

export class TemplateLimitError extends Error {
  override readonly name = 'TemplateLimitError';
}

export class RenderBudget {
  private steps = 0;
  private readonly deadline: number;

  /** `lenient`: the save-time check, where a field the sample lacks renders as null instead of failing. */
  constructor(
    private readonly limits: TemplateLimits,
    readonly lenient = false,
  ) {
    this.deadline = performance.now() + limits.maxRenderMs;
  }

  step(): void {
    this.steps += 1;
    if (this.steps > this.limits.maxSteps) throw new TemplateLimitError(`template exceeded ${this.limits.maxSteps} steps (loop iterations and helper calls)`);
    // performance.now() is cheap but not free: look at the clock every 64 steps.
    if ((this.steps & 63) === 0 && performance.now() > this.deadline) throw new TemplateLimitError(`template rendering exceeded ${this.limits.maxRenderMs} ms`);
  }

  /** `length` is in UTF-16 units; bytes are checked exactly on the final output. */
  checkLength(length: number): void {
    if (length > this.limits.maxOutputBytes) throw new TemplateLimitError(`template output exceeded ${this.limits.maxOutputBytes} bytes`);
  }

  checkOutput(output: string): void {
    if (output.length > this.limits.maxOutputBytes || Buffer.byteLength(output, 'utf8') > this.limits.maxOutputBytes) {
      throw new TemplateLimitError(`template output exceeded ${this.limits.maxOutputBytes} bytes`);
    }
  }
}

// Renders are synchronous, so "the budget of the render in progress" can be one slot: helpers
// charge it without the budget having to travel through Handlebars' data frames (where a
// template could read it as @budget).
let active: RenderBudget | undefined;

export function withBudget<T>(budget: RenderBudget, render: () => T): T {
  const previous = active;
  active = budget;
  try {
    return render();
  } finally {
    active = previous;
  }
}

export function chargeStep(): void {
  active?.step();
}

export function isLenientRender(): boolean {
  return active?.lenient ?? false;
}

export function chargeLength(length: number): void {
  active?.checkLength(length);
}

/** The limits as settings, for every process that compiles templates (renderer, control plane). */
export const templateLimitsEnvSchema = z.object({
  TEMPLATE_MAX_OUTPUT_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(defaultTemplateLimits.maxOutputBytes),
  TEMPLATE_MAX_STEPS: z.coerce.number().int().min(100).max(100_000_000).default(defaultTemplateLimits.maxSteps),
  TEMPLATE_MAX_RENDER_MS: z.coerce.number().int().min(1).max(60_000).default(defaultTemplateLimits.maxRenderMs),
});

export function templateLimitsFrom(env: z.infer<typeof templateLimitsEnvSchema>): TemplateLimits {
  return { maxOutputBytes: env.TEMPLATE_MAX_OUTPUT_BYTES, maxSteps: env.TEMPLATE_MAX_STEPS, maxRenderMs: env.TEMPLATE_MAX_RENDER_MS };
}
