import Handlebars from 'handlebars';

/**
 * Handlebars configured for untrusted templates and data: strict (a missing field is an
 * error, not an empty string), no prototype access, an isolated helper registry.
 */
export function createTemplateEngine(): typeof Handlebars {
  const hbs = Handlebars.create();
  // Safe embedding of any value inside a JSON body: {{json customer.name}} → "Ada \"A\" L.".
  // Handlebars' strict mode does not cover helper arguments, so a missing value (or a
  // blocked prototype lookup such as `constructor`) is reported here rather than sent as null.
  hbs.registerHelper('json', (value: unknown, options: Handlebars.HelperOptions & { loc?: { start: { line: number; column: number } } }) => {
    if (value === undefined) {
      const at = options.loc ? ` at line ${options.loc.start.line}, column ${options.loc.start.column}` : '';
      throw new Error(`json: the value${at} is missing`);
    }
    return new hbs.SafeString(JSON.stringify(value));
  });
  // {{json (default customer.firstName "there")}}: a fallback for optional fields.
  hbs.registerHelper('default', (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value));
  return hbs;
}

// Bodies are JSON, form or plain text, never HTML: values are embedded with helpers such as
// {{json x}}, not HTML-escaped.
const compileOptions = { strict: true, noEscape: true } as const;
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
export function compileTemplate(engine: typeof Handlebars, source: string, field: string): CompiledTemplate {
  let template: HandlebarsTemplateDelegate;
  try {
    template = engine.compile(source, compileOptions);
    engine.precompile(source, compileOptions);
  } catch (error) {
    throw new TemplateCompileError(field, (error as Error).message);
  }
  return (context) => template(context, runtimeOptions);
}
