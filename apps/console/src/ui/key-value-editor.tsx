import { TextField } from './fields';

/** Rows of name → value (headers, form fields). Order is kept as typed. */
export function KeyValueEditor({ legend, entries, onChange, keyLabel, valueLabel }: { legend: string; entries: Record<string, string>; onChange: (entries: Record<string, string>) => void; keyLabel: string; valueLabel: string }) {
  const rows = Object.entries(entries);
  const set = (i: number, key: string, value: string) => onChange(Object.fromEntries(rows.map((r, j) => (j === i ? [key, value] : r))));
  return (
    <fieldset class="key-values">
      <legend>{legend}</legend>
      {rows.map(([k, v], i) => (
        <div class="kv-row" key={i}>
          <TextField label={`${keyLabel} ${i + 1}`} value={k} onInput={(key) => set(i, key, v)} />
          <TextField label={`${valueLabel} ${i + 1}`} value={v} onInput={(value) => set(i, k, value)} />
          <button type="button" class="secondary" aria-label={`Remove ${keyLabel.toLowerCase()} ${i + 1}`} onClick={() => onChange(Object.fromEntries(rows.filter((_, j) => j !== i)))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => onChange({ ...entries, [rows.some(([k]) => k === '') ? `x-${rows.length}` : '']: '' })}>
        Add {keyLabel.toLowerCase()}
      </button>
    </fieldset>
  );
}
