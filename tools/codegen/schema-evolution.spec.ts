import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backwardIncompatibility } from '@cuewire/contracts';
import { schemaResolver } from './schema-resolver.mjs';

const root = join(import.meta.dirname, '..', '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

/** All schemas as they were at a commit (or in the working tree), resolved like the codegen does. */
function schemasAt(commit?: string): Map<string, object> {
  const files = commit
    ? git('ls-tree', '--name-only', commit, 'schemas/').split('\n').filter((f) => f.endsWith('.avsc')).map((f) => f.replace('schemas/', ''))
    : readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.avsc'));
  const raw = files.map((f) => [f, JSON.parse(commit ? git('show', `${commit}:schemas/${f}`) : readFileSync(join(root, 'schemas', f), 'utf8'))] as const);
  const resolve = schemaResolver(raw.map(([, s]) => s));
  return new Map(raw.map(([f, s]) => [f, resolve(s)]));
}

describe('schema evolution', () => {
  it('flags a change that old records cannot be read with (new field without default)', () => {
    const v1 = { type: 'record', name: 'E', fields: [{ name: 'a', type: 'string' }] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'b', type: 'int' }] };
    expect(backwardIncompatibility(v2, v1)).toMatch(/b/);
    expect(backwardIncompatibility({ ...v1, fields: [...v1.fields, { name: 'b', type: 'int', default: 0 }] }, v1)).toBeNull();
  });

  it('keeps every schema BACKWARD compatible with each of its committed versions', () => {
    let commits: string[] = [];
    try {
      commits = git('log', '--format=%H', '--', 'schemas/').split('\n').filter(Boolean);
    } catch {
      // Not a git checkout (e.g. an exported tarball): only the working tree can be checked.
    }
    const current = schemasAt();
    const problems: string[] = [];
    for (const commit of commits) {
      for (const [file, previous] of schemasAt(commit)) {
        const next = current.get(file);
        if (!next) problems.push(`${file}: deleted, but it was committed in ${commit.slice(0, 8)}`);
        else {
          const reason = backwardIncompatibility(next, previous);
          if (reason) problems.push(`${file} vs ${commit.slice(0, 8)}: ${reason}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
