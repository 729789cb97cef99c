import { ApiError } from '../api/console-api';

/** An API problem (title and each field's error) or any other failure, announced to screen readers. */
export function Problem({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{api ? api.title : 'Something went wrong'}</strong>
        {api?.detail ? ` — ${api.detail}` : ''}
        {!api && error instanceof Error ? ` — ${error.message}` : ''}
      </p>
      {api && api.errors.length > 0 && (
        <ul>
          {api.errors.map((e) => (
            <li key={e.path + e.message}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The API's field errors whose path starts with `prefix` (e.g. `$.body`). */
export function fieldErrors(error: unknown, prefix: string): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors.filter((e) => e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`)).map((e) => e.message);
}
