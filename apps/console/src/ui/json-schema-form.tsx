import type { JsonSchema } from '../api/console-api';
import { Checkbox, Select, TextField } from './fields';

const SECRET = /key|token|secret|password/i;

/** The words of a camelCase parameter name: `fromEmail` → "From email". */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/\b(api|url|id|sid)\b/g, (w) => w.toUpperCase());
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Initial values: each property's default, as the form edits it. */
export function initialValues(schema: JsonSchema | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema?.properties ?? {}).map(([name, p]) => [name, p.default ?? (p.type === 'boolean' ? false : '')]));
}

/** The values to send: empty optional fields left out, numbers as numbers. */
export function valuesToSend(schema: JsonSchema | undefined, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema?.properties ?? {})) {
    const v = values[name];
    if (v === '' || v === undefined) continue;
    out[name] = (p.type === 'number' || p.type === 'integer') && typeof v === 'string' ? Number(v) : v;
  }
  return out;
}

/**
 * A form generated from a flat JSON Schema object (a preset's parameters): one labelled control
 * per property, required ones marked, secrets as password fields, API field errors beside them.
 */
export function JsonSchemaForm({ schema, values, onChange, errorsFor }: { schema: JsonSchema; values: Record<string, unknown>; onChange: (values: Record<string, unknown>) => void; errorsFor: (name: string) => string[] }) {
  const required = new Set(schema.required ?? []);
  return (
    <div class="schema-form">
      {Object.entries(schema.properties ?? {}).map(([name, p]) => {
        const label = `${labelOf(name)}${required.has(name) ? ' (required)' : ''}`;
        const set = (v: unknown) => onChange({ ...values, [name]: v });
        if (p.type === 'boolean') return <Checkbox key={name} label={label} checked={Boolean(values[name])} onChange={set} name={name} />;
        if (p.enum) return <Select key={name} label={label} value={String(values[name] ?? '')} options={['', ...p.enum.map(String)]} onChange={set} name={name} errors={errorsFor(name)} />;
        return (
          <TextField
            key={name}
            name={name}
            label={label}
            type={SECRET.test(name) ? 'password' : p.type === 'number' || p.type === 'integer' ? 'number' : 'text'}
            autoComplete="off"
            required={required.has(name)}
            value={String(values[name] ?? '')}
            onInput={set}
            hint={p.description}
            errors={errorsFor(name)}
          />
        );
      })}
    </div>
  );
}
