// Apicurio Registry 3.3.3 (H2 file storage in the state dir), used through its Confluent-compatible API.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DEPENDENCY_PLUGIN, ensureArtifact, findJava, runMaven, swapDir } from './artifacts.mjs';
import { busyPorts, InfraError, lastLines, runCommand, spawnDetached } from './process.mjs';

const HOST = '127.0.0.1';
const VERSION = '3.3.3';
// Maven Central serves the app only as tar.gz (the zip classifier is missing).
const ARTIFACT = `io.apicurio:apicurio-registry-app:${VERSION}`;
export const CCOMPAT_PATH = '/apis/ccompat/v7';

export function apicurioComponent(cfg) {
  const base = `http://${HOST}:${cfg.registryPort}`;
  return {
    name: 'schema-registry',
    externalEnv: 'SCHEMA_REGISTRY_URL',
    portEnvs: 'CUEWIRE_REGISTRY_PORT / CUEWIRE_REGISTRY_MANAGEMENT_PORT',
    url: `${base}${CCOMPAT_PATH}`,
    pidFile: path.join(cfg.stateDir, 'apicurio.pid'),
    logFile: path.join(cfg.stateDir, 'logs', 'apicurio.log'),
    markers: ['quarkus-run.jar', `-Dquarkus.http.port=${cfg.registryPort}`],
    readyTimeoutMs: 90_000,
    probe: () => registryAnswers(`${base}${CCOMPAT_PATH}`),
    busyPorts: () => busyPorts(HOST, [cfg.registryPort, cfg.registryManagementPort]),
    async start(log) {
      const home = await ensureApicurio(cfg.cacheDir, log);
      const java = await findJava({
        min: 21, // the app is built for class file 65
        homeEnv: 'CUEWIRE_REGISTRY_JAVA_HOME',
        purpose: `Apicurio Registry ${VERSION}`,
        externalEnv: 'SCHEMA_REGISTRY_URL',
      });
      const args = [
        '-Xmx512m',
        `-Dquarkus.http.port=${cfg.registryPort}`,
        `-Dquarkus.http.host=${HOST}`,
        // The management interface (health/metrics) is enabled at build time on
        // *:9000; move it so several registries (dev, test, others) can coexist.
        `-Dquarkus.management.port=${cfg.registryManagementPort}`,
        `-Dquarkus.management.host=${HOST}`,
        // Schemas live in an H2 file next to Kafka's data: records on disk keep schema ids a
        // restarted registry still knows (in-memory storage would orphan them), and
        // `down --clean` wipes both together.
        '-Dapicurio.storage.kind=sql',
        '-Dapicurio.storage.sql.kind=h2',
        `-Dapicurio.datasource.url=jdbc:h2:file:${path.join(cfg.stateDir, 'registry', 'registry')};DB_CLOSE_ON_EXIT=FALSE`,
        '-Dapicurio.datasource.username=sa',
        '-Dapicurio.datasource.password=sa',
        '-jar',
        'quarkus-run.jar',
      ];
      return spawnDetached({ command: java, args, cwd: home, logFile: this.logFile, pidFile: this.pidFile });
    },
  };
}

/** True when GET <ccompat>/subjects answers 200 (the registry is fully up). */
export async function registryAnswers(ccompatUrl) {
  try {
    const res = await fetch(`${ccompatUrl}/subjects`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** `<cache>/apicurio-3.3.3/registry` holding quarkus-run.jar, unpacked once. */
async function ensureApicurio(cacheDir, log) {
  const dir = path.join(cacheDir, `apicurio-${VERSION}`);
  const home = path.join(dir, 'registry');
  await ensureArtifact({
    dir,
    label: `Apicurio Registry ${VERSION}`,
    log,
    async build() {
      const download = path.join(dir, 'download');
      const staging = path.join(dir, 'registry.unpack');
      await fsp.rm(download, { recursive: true, force: true });
      await fsp.rm(staging, { recursive: true, force: true });
      await runMaven(
        [`${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${ARTIFACT}:tar.gz:all`, `-DoutputDirectory=${download}`],
        { cwd: dir, cacheDir, artifacts: [ARTIFACT] },
      );
      const tarball = path.join(download, `apicurio-registry-app-${VERSION}-all.tar.gz`);
      await fsp.mkdir(staging);
      const { code, output } = await runCommand('tar', ['xzf', tarball, '-C', staging]);
      if (code !== 0) throw new InfraError(`Unpacking ${tarball} failed:\n${lastLines(output)}`);
      await swapDir(appRoot(staging), home);
      await fsp.rm(staging, { recursive: true, force: true });
      await fsp.rm(download, { recursive: true, force: true }); // Maven's local repo keeps a copy
    },
  });
  return home;
}

/** The tarball unpacks flat today; tolerate a single top-level folder too. */
function appRoot(unpacked) {
  if (fs.existsSync(path.join(unpacked, 'quarkus-run.jar'))) return unpacked;
  const entries = fs.readdirSync(unpacked).map((e) => path.join(unpacked, e));
  const nested = entries.find((e) => fs.existsSync(path.join(e, 'quarkus-run.jar')));
  if (!nested) throw new InfraError(`quarkus-run.jar not found in ${ARTIFACT} tarball`);
  return nested;
}
