/** The line number a template error names (Handlebars: "Parse error on line 3: …"), if any. */
export function errorLine(message: string): number | undefined {
  const m = /line (\d+)/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * A template error shown where it is: the message, and the template's lines around the one it
 * names, that line marked.
 */
export function TemplateError({ template, message }: { template: string; message: string }) {
  const line = errorLine(message);
  const lines = template.split('\n');
  const first = line ? Math.max(1, line - 2) : 1;
  const last = line ? Math.min(lines.length, line + 2) : 0;
  return (
    <div class="template-error" role="alert">
      <p class="field-error">{message}</p>
      {line !== undefined && line <= lines.length && (
        <pre class="template-excerpt" aria-label={`Template around line ${line}`}>
          {lines.slice(first - 1, last).map((text, i) => {
            const n = first + i;
            return (
              <div key={n} class={n === line ? 'error-line' : undefined}>
                <span class="line-no" aria-hidden="true">
                  {String(n).padStart(3)}{' '}
                </span>
                {n === line && <span class="visually-hidden">Line {n} (error): </span>}
                {text}
              </div>
            );
          })}
        </pre>
      )}
    </div>
  );
}
