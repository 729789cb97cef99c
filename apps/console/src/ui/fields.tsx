import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

interface FieldProps {
  readonly label: string;
  readonly hint?: ComponentChildren;
  readonly errors?: readonly string[];
}

/** A labelled text input; hint and errors are tied to it with aria-describedby. */
export function TextField(props: FieldProps & { value: string; onInput: (value: string) => void; type?: 'text' | 'password' | 'number' | 'datetime-local'; required?: boolean; placeholder?: string; name?: string; autoComplete?: string; readOnly?: boolean }) {
  const id = useId();
  const { label, hint, errors = [], onInput, type = 'text', ...input } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type={type as 'text'} {...input} aria-invalid={errors.length > 0} aria-describedby={hint || errors.length ? `${id}-hint` : undefined} onInput={(e) => onInput(e.currentTarget.value)} />
      <Hint id={`${id}-hint`} hint={hint} errors={errors} />
    </div>
  );
}

export function TextArea(props: FieldProps & { value: string; onInput: (value: string) => void; rows?: number; name?: string; class?: string }) {
  const id = useId();
  const { label, hint, errors = [], onInput, ...input } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} spellcheck={false} {...input} aria-invalid={errors.length > 0} aria-describedby={hint || errors.length ? `${id}-hint` : undefined} onInput={(e) => onInput(e.currentTarget.value)} />
      <Hint id={`${id}-hint`} hint={hint} errors={errors} />
    </div>
  );
}

export function Select<T extends string>(props: FieldProps & { value: T; options: readonly (T | readonly [T, string])[]; onChange: (value: T) => void; name?: string }) {
  const id = useId();
  const { label, hint, errors = [], options, onChange, value, name } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} aria-describedby={hint || errors.length ? `${id}-hint` : undefined} onChange={(e) => onChange(e.currentTarget.value as T)}>
        {options.map((o) => {
          const [v, text] = typeof o === 'string' ? [o, o] : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
      <Hint id={`${id}-hint`} hint={hint} errors={errors} />
    </div>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onChange: (checked: boolean) => void; name?: string }) {
  const id = useId();
  return (
    <div class="field checkbox">
      <input id={id} type="checkbox" name={props.name} checked={props.checked} onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

function Hint({ id, hint, errors }: { id: string; hint?: ComponentChildren; errors: readonly string[] }) {
  if (!hint && errors.length === 0) return null;
  return (
    <div id={id} class="hint">
      {hint && <div>{hint}</div>}
      {errors.map((e) => (
        <div key={e} class="field-error">
          {e}
        </div>
      ))}
    </div>
  );
}
