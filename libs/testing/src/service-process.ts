import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testAdminKey } from './test-api-keys.js';
import { waitFor } from './wait-for.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A built Cuewire service running as its own process (dist/apps/<app>/src/main.js). */
export class ServiceProcess {
  private exited?: Promise<number | null>;

  private constructor(
    readonly app: string,
    readonly url: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts the app (with the test admin key as CUEWIRE_ADMIN_KEY) and waits until /health/ready answers 200. */
  static async start(app: string, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<ServiceProcess> {
    const port = await freePort();
    const logDir = join(repoRoot, '.cuewire', 'test-logs');
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `${app}-${port}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'apps', app, 'src', 'main.js')], {
      // The test admin key unless the spec sets CUEWIRE_ADMIN_KEY itself ('' for none).
      env: { ...process.env, NODE_ENV: 'test', HTTP_PORT: String(port), CUEWIRE_ADMIN_KEY: testAdminKey(), CUEWIRE_EXIT_WITH_PARENT: String(process.pid), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const service = new ServiceProcess(app, `http://127.0.0.1:${port}`, child, logFile);
    let exitCode: number | null | undefined;
    void service.exited!.then((code) => (exitCode = code));
    try {
      await waitFor(
        `${app} to be ready (log: ${logFile})`,
        async () => {
          if (exitCode !== undefined) throw new Error(`${app} exited with ${exitCode}; see ${logFile}`);
          const res = await fetch(`${service.url}/health/ready`);
          return res.status === 200;
        },
        readyTimeoutMs,
        250,
      );
    } catch (error) {
      // Not ready in time: stop it, or it outlives the test run (an orphan on a loaded machine).
      await service.kill();
      throw error;
    }
    return service;
  }

  /**
   * Starts several apps at once. If any fails to become ready, the ones that did are stopped
   * before the error is rethrown, so a failed start never leaves processes behind.
   */
  static async startAll(apps: readonly string[], env: Record<string, string>, readyTimeoutMs?: number): Promise<ServiceProcess[]> {
    const results = await Promise.allSettled(apps.map((app) => ServiceProcess.start(app, env, readyTimeoutMs)));
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await Promise.all(started.map((s) => s.kill()));
      throw failure.reason;
    }
    return started;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Graceful stop (SIGTERM: finish in-flight work, commit, leave the group). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  /** Crash: SIGKILL, nothing finishes. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
