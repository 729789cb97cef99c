// Process plumbing shared by the infra components: pid files, detached
// children, TCP/Redis probes, readiness loops and cross-process locks.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** An error whose message is meant for the user as-is (the CLI prints no stack for it). */
export class InfraError extends Error {}

export const EXTERNAL_HINT =
  'To use existing servers instead, set KAFKA_BROKERS, SCHEMA_REGISTRY_URL and/or REDIS_URL ' +
  '(those components are then neither started nor stopped).';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function readPid(pidFile) {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function procStat(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  // A zombie still "exists" for kill(0) but is dead for our purposes.
  const stat = procStat(pid);
  return !stat || !/^\d+ \(.*\) Z /s.test(stat);
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined; // no /proc (macOS): trust the pid file
  }
}

/**
 * The pid recorded in pidFile if that process is alive and its command line
 * still contains every marker — guards against pid reuse after a reboot/crash.
 */
export function ownedPid(pidFile, markers) {
  const pid = readPid(pidFile);
  if (!pid || !isAlive(pid)) return undefined;
  const cmd = cmdline(pid);
  if (cmd !== undefined && !markers.every((m) => cmd.includes(m))) return undefined;
  return pid;
}

/** Starts a child that outlives this process; returns its pid (also written to pidFile). */
export async function spawnDetached({ command, args, cwd, env = process.env, logFile, pidFile }) {
  await fsp.mkdir(path.dirname(logFile), { recursive: true });
  // Truncate: the log then describes this run only, so a failure tail is relevant.
  const fd = fs.openSync(logFile, 'w');
  try {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    fs.writeFileSync(pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs a command to completion, capturing stdout+stderr together. Rejects only if it cannot start. */
export function runCommand(command, args, { cwd, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (output.length > 1_000_000) output = output.slice(-500_000); // keep the useful end
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? 128, signal, output }));
  });
}

/** SIGTERM, wait up to timeoutMs, then SIGKILL. Returns how it ended. */
export async function stopPid(pid, { timeoutMs = 20_000 } = {}) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'terminated';
    await sleep(200);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  for (let i = 0; i < 25 && isAlive(pid); i++) await sleep(200);
  return 'killed';
}

export function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The subset of ports on host that accept a TCP connection. */
export async function busyPorts(host, ports) {
  const open = await Promise.all(ports.map((port) => tcpOpen(host, port)));
  return ports.filter((_, i) => open[i]);
}

/** Raw RESP PING, so no redis-cli is needed. True only on +PONG (not on -NOAUTH etc.). */
export function redisPing(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
    socket.once('end', () => done(false));
  });
}

/** Polls probe() until true; fails early if the process it waits for has died. */
export async function waitFor(probe, { timeoutMs, pid, what, intervalMs = 500 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (pid && !isAlive(pid)) throw new InfraError(`${what} exited during startup`);
    if (Date.now() > deadline) throw new InfraError(`${what} was not ready within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

export function lastLines(text, n = 30) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

export function tailFile(file, n = 30) {
  try {
    return lastLines(fs.readFileSync(file, 'utf8'), n);
  } catch {
    return `(no log at ${file})`;
  }
}

/**
 * Runs fn while holding an exclusive lock file (holder pid inside). Serialises
 * e.g. a Jest global setup and a CLI `up`, or two downloads into one cache.
 * A lock whose holder died is taken over.
 */
export async function withLock(lockFile, fn, { timeoutMs = 10 * 60_000 } = {}) {
  await fsp.mkdir(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const holder = readPid(lockFile);
    const stale = holder ? !isAlive(holder) : Date.now() - mtimeMs(lockFile) > 5000;
    if (stale) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new InfraError(`timed out waiting for ${lockFile} (held by pid ${holder ?? '?'})`);
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
