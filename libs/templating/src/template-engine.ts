import Handlebars from 'handlebars';
import { defaultTemplateLimits, RenderBudget, withBudget, type TemplateLimits } from './render-budget.js';
import { registerHelpers, type TrackingLinks } from './template-helpers.js';

export type { TrackingLinks } from './template-helpers.js';

/**
 * Handlebars configured for untrusted templates and data: strict (a missing field is an
 * error, not an empty string), no prototype access, no partials or decorators, an isolated
 * helper registry, and bounded output and work per render (see render-budget.ts).
 */
export function createTemplateEngine(limits: Partial<TemplateLimits> = {}, tracking?: TrackingLinks): typeof Handlebars {
  const hbs = Handlebars.create();
  registerHelpers(hbs, tracking);
  engineLimits.set(hbs, { ...defaultTemplateLimits, ...limits });
  return hbs;
}

const engineLimits = new WeakMap<object, TemplateLimits>();

// Bodies are JSON, form or plain text, never HTML: values are embedded with helpers such as
// {{json x}}, not HTML-escaped.
const compileOptions = { strict: true, noEscape: true } as const;
// Save-time check against the documented sample: fields the sample lacks render empty (or
// null through helpers), so what is checked is the template's shape (valid JSON?), not
// whether the sample happens to carry every custom attribute.
const lenientCompileOptions = { strict: false, noEscape: true } as const;
const runtimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

export class TemplateCompileError extends Error {
  override readonly name = 'TemplateCompileError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export type CompiledTemplate = (context: object) => string;

/** Compiles eagerly, so syntax errors surface at save time, not at first render. */
export function compileTemplate(engine: typeof Handlebars, source: string, field: string, mode: 'strict' | 'lenient' = 'strict'): CompiledTemplate {
  let template: HandlebarsTemplateDelegate;
  const options = mode === 'strict' ? compileOptions : lenientCompileOptions;
  try {
    assertSafeAst(engine.parse(source));
    template = engine.compile(source, options);
    // compile() is lazy; compiling now surfaces errors here and keeps compile time out of the first render's budget.
    (template as unknown as { _setup(options: object): void })._setup({});
  } catch (error) {
    throw new TemplateCompileError(field, withHint((error as Error).message));
  }
  const limits = engineLimits.get(engine) ?? defaultTemplateLimits;
  return (context) => {
    const budget = new RenderBudget(limits, mode === 'lenient');
    const output = withBudget(budget, () => template(context, runtimeOptions));
    budget.checkOutput(output);
    return output;
  };
}

// The commonest JSON-template mistake: `{"a": {{json x}}}` reads as a triple-stash close.
function withHint(message: string): string {
  return /CLOSE_UNESCAPED|CLOSE_RAW_BLOCK/.test(message) ? `${message}\n(hint: "}}}" closes a {{{triple-stash}}}; put a space before a JSON "}" that follows "}}", e.g. {{json x}} })` : message;
}

/** Names that reach object internals; refused at save time rather than trusted to runtime checks. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

interface AstNode {
  type?: string;
  loc?: { start: { line: number; column: number } };
  parts?: unknown[];
  [key: string]: unknown;
}

function assertSafeAst(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(assertSafeAst);
  const n = node as AstNode;
  const where = n.loc ? ` (line ${n.loc.start.line}, column ${n.loc.start.column})` : '';
  // Partials (inline ones can recurse) and decorators are not needed for request bodies.
  if (n.type && /Partial|Decorator/.test(n.type)) throw new Error(`partials and decorators are not supported${where}`);
  if (n.type === 'PathExpression') {
    const bad = (n.parts ?? []).find((p) => FORBIDDEN_SEGMENTS.has(String(p)));
    if (bad !== undefined) throw new Error(`"${String(bad)}" may not be used in a template${where}`);
  }
  for (const [key, value] of Object.entries(n)) if (key !== 'loc' && typeof value === 'object') assertSafeAst(value);
}
