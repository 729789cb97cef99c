import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { clientSources, DOCUMENT_FILE, TYPES_FILE } from './client-sources.js';

const root = resolve(import.meta.dirname, '../../../..');

describe('@cuewire/client', () => {
  it('is generated from the current OpenAPI document (run `npm run client:generate` after changing a route)', async () => {
    const { document, types } = await clientSources();
    // Compared whole: a route, schema or description changed without regenerating fails here.
    expect(await readFile(resolve(root, DOCUMENT_FILE), 'utf8')).toBe(document);
    expect(await readFile(resolve(root, TYPES_FILE), 'utf8')).toBe(types);
  });
});
