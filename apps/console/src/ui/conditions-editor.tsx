import type { Condition } from '../api/console-api';
import { Select, TextField } from './fields';

const OPERATORS = ['eq', 'neq', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists', 'contains', 'before', 'after'] as const;
const NO_VALUE = new Set(['exists', 'not_exists']);
const LIST = new Set(['in', 'not_in']);

/** How a condition's value is typed in: JSON when it parses (numbers, true, "text"), else the text; lists comma-separated. */
export function parseConditionValue(op: string, text: string): unknown {
  if (NO_VALUE.has(op)) return undefined;
  if (LIST.has(op)) return text.split(',').map((t) => scalar(t.trim())).filter((v) => v !== '');
  return scalar(text);
}

export function formatConditionValue(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text) || text === 'true' || text === 'false' || text === 'null') return JSON.parse(text);
  return text;
}

interface Props {
  /** What the conditions look at, for the legend: "Event properties", "Profile attributes". */
  readonly legend: string;
  readonly conditions: readonly Condition[];
  readonly onChange: (conditions: Condition[]) => void;
  readonly errors?: readonly string[];
}

/**
 * Rows of field / operator / value. Values are edited as text and parsed on each change, so the
 * definition handed up is always what the API takes.
 */
export function ConditionsEditor({ legend, conditions, onChange, errors = [] }: Props) {
  const update = (i: number, patch: Partial<Condition> & { text?: string }) => {
    const next = conditions.map((c, j) => {
      if (j !== i) return c;
      const op = patch.op ?? c.op;
      const text = patch.text ?? formatConditionValue(c.value);
      const { text: _t, ...rest } = patch;
      const merged: Condition = { ...c, ...rest, op, value: parseConditionValue(op, text) };
      if (merged.value === undefined) delete merged.value;
      return merged;
    });
    onChange(next);
  };
  return (
    <fieldset class="conditions">
      <legend>{legend}</legend>
      {conditions.length === 0 && <p class="muted">No conditions.</p>}
      {conditions.map((c, i) => (
        <div class="condition-row" key={i}>
          <TextField label={`Field ${i + 1}`} value={c.field} placeholder="country or items[].price" onInput={(field) => update(i, { field })} />
          <Select label="Operator" value={c.op} options={OPERATORS} onChange={(op) => update(i, { op })} />
          {!NO_VALUE.has(c.op) && <TextField label={LIST.has(c.op) ? 'Values (comma-separated)' : 'Value'} value={formatConditionValue(c.value)} onInput={(text) => update(i, { text })} />}
          {c.field.includes('[]') && <Select label="Array elements" value={c.match ?? 'any'} options={[['any', 'any element'], ['all', 'every element']] as const} onChange={(match) => update(i, { match })} />}
          <button type="button" class="secondary" aria-label={`Remove condition ${i + 1}`} onClick={() => onChange(conditions.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      {errors.map((e) => (
        <p class="field-error" key={e}>
          {e}
        </p>
      ))}
      <button type="button" class="secondary" onClick={() => onChange([...conditions, { field: '', op: 'eq', value: '' }])}>
        Add condition
      </button>
    </fieldset>
  );
}
