// Builds the web console (apps/console) into dist/apps/console/public, where the control plane
// serves it at /console. One esbuild pass: TypeScript + JSX (Preact) → one fingerprinted,
// minified ES module and its stylesheet; index.html is written with their names.
// Run by `npm run build` (so by `npm start` and the Jest global setup). See ADR 0017.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
const out = join(here, '..', '..', 'dist', 'apps', 'console', 'public');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [join(here, 'src', 'main.tsx')],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
const html = readFileSync(join(here, 'src', 'index.html'), 'utf8').replace('%SCRIPT%', `/console/assets/${script}`).replace('%STYLE%', `/console/assets/${style}`);
writeFileSync(join(out, 'index.html'), html);
