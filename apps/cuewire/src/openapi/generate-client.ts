import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { clientSources, DOCUMENT_FILE, TYPES_FILE } from './client-sources.js';

// `npm run client:generate`: writes the OpenAPI document and the @cuewire/client types from
// the routes' decorators. A unit spec fails while the committed files differ from these.
const root = resolve(import.meta.dirname, '../../../../..');
const { document, types } = await clientSources();
await writeFile(resolve(root, DOCUMENT_FILE), document);
await writeFile(resolve(root, TYPES_FILE), types);
console.log(`wrote ${DOCUMENT_FILE} and ${TYPES_FILE}`);
