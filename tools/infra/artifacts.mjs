// Downloaded artifacts (via Maven, into the cache dir) and JDK discovery.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXTERNAL_HINT, InfraError, lastLines, runCommand, withLock } from './process.mjs';

export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const COMPLETE_MARKER = '.complete';

/**
 * Builds `dir` once with build(dir). The marker is written only after build()
 * succeeded, so an interrupted download is redone on the next run.
 */
export async function ensureArtifact({ dir, label, log, build }) {
  const marker = path.join(dir, COMPLETE_MARKER);
  if (fs.existsSync(marker)) return;
  await fsp.mkdir(dir, { recursive: true });
  await withLock(path.join(dir, '.lock'), async () => {
    if (fs.existsSync(marker)) return; // another process finished while we waited
    log(`[infra] fetching ${label} into ${dir} (first run only) ...`);
    const started = Date.now();
    await build(dir);
    fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
    log(`[infra] ${label} cached in ${seconds(started)}`);
  });
}

/**
 * Runs `mvn -q -B ...`. Maven invocations are serialised through a lock in the
 * cache dir because concurrent runs can corrupt a cold ~/.m2 repository.
 * `artifacts` (group:artifact:version strings) only feed the error message.
 */
export async function runMaven(args, { cwd, cacheDir, artifacts }) {
  const what = artifacts.join(', ');
  const result = await withLock(path.join(cacheDir, '.maven.lock'), async () => {
    try {
      return await runCommand('mvn', ['-q', '-B', ...args], { cwd });
    } catch (err) {
      if (err.code === 'ENOENT') {
        throw new InfraError(
          `Maven ('mvn') is not on PATH, but it is needed to download ${what}. ` +
            `Install Maven (apt-get install maven). ${EXTERNAL_HINT}`,
        );
      }
      throw err;
    }
  });
  fs.writeFileSync(path.join(cwd, 'mvn.log'), result.output);
  if (result.code !== 0) {
    throw new InfraError(
      `Could not download ${what} with Maven (exit ${result.code}):\n` +
        `${lastLines(result.output, 30)}\n${EXTERNAL_HINT}`,
    );
  }
}

/** Replaces dir `target` by `fresh` with renames only, so a JVM running from the old copy keeps working. */
export async function swapDir(fresh, target) {
  const old = `${target}.old-${process.pid}`;
  if (fs.existsSync(target)) await fsp.rename(target, old);
  await fsp.rename(fresh, target);
  await fsp.rm(old, { recursive: true, force: true });
}

export function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Major version of a java binary: from the JDK `release` file if present, else `java -version`. */
export async function javaMajor(javaBin) {
  try {
    const home = path.dirname(path.dirname(fs.realpathSync(javaBin)));
    const release = fs.readFileSync(path.join(home, 'release'), 'utf8');
    const m = /^JAVA_VERSION="([^"]+)"/m.exec(release);
    if (m) return parseMajor(m[1]);
  } catch {
    // not a plain path or no release file: ask the JVM
  }
  try {
    const { code, output } = await runCommand(javaBin, ['-version']);
    const m = /version "([^"]+)"/.exec(output);
    return code === 0 && m ? parseMajor(m[1]) : undefined;
  } catch {
    return undefined; // not installed
  }
}

function parseMajor(version) {
  const [first, second] = version.split(/[.+_-]/).map(Number);
  return first === 1 ? second : first; // "1.8.0_x" is Java 8
}

const javaIn = (home) => path.join(home, 'bin', 'java');

function installedJdkHomes() {
  const roots = ['/usr/lib/jvm', '/usr/java', path.join(os.homedir(), '.sdkman/candidates/java')];
  const homes = roots.flatMap((root) => listDirs(root));
  homes.push(...listDirs('/Library/Java/JavaVirtualMachines').map((d) => path.join(d, 'Contents/Home')));
  return homes;
}

function listDirs(root) {
  try {
    return fs.readdirSync(root).map((name) => path.join(root, name));
  } catch {
    return [];
  }
}

/**
 * A java binary with major version >= min. Order: `homeEnv` (must fit if set),
 * JAVA_HOME, `java` on PATH, then the newest JDK installed in the usual places.
 */
export async function findJava({ min, homeEnv, purpose, externalEnv }) {
  const hint = `Install a JDK ${min}+${homeEnv ? ` or set ${homeEnv} to one` : ''}, or set ${externalEnv} to use an existing server.`;
  if (homeEnv && process.env[homeEnv]) {
    const bin = javaIn(process.env[homeEnv]);
    const major = await javaMajor(bin);
    if (major >= min) return bin;
    throw new InfraError(`${homeEnv}=${process.env[homeEnv]} is ${major ? `Java ${major}` : 'not a JDK'}; ${purpose} needs Java >= ${min}. ${hint}`);
  }
  const preferred = [process.env.JAVA_HOME && javaIn(process.env.JAVA_HOME), 'java'].filter(Boolean);
  for (const bin of preferred) {
    if ((await javaMajor(bin)) >= min) return bin;
  }
  let best;
  const seen = new Set();
  for (const home of installedJdkHomes()) {
    const bin = javaIn(home);
    if (!fs.existsSync(bin)) continue;
    const real = fs.realpathSync(bin);
    if (seen.has(real)) continue;
    seen.add(real);
    const major = await javaMajor(bin);
    if (major >= min && (!best || major > best.major)) best = { bin, major };
  }
  if (best) return best.bin;
  throw new InfraError(
    `${purpose} needs Java >= ${min}, but none was found (checked ${homeEnv ? `${homeEnv}, ` : ''}JAVA_HOME, PATH, /usr/lib/jvm). ${hint}`,
  );
}
