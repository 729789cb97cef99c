import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@cuewire/testing';

const TINYPROXY = '/usr/bin/tinyproxy';

/**
 * Debian's tinyproxy as a real forward proxy (absolute-form requests and CONNECT tunnels), run in
 * the foreground with a config of its own. Its log is the evidence of what passed through it.
 */
export class ForwardProxy {
  private constructor(
    private readonly process: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<ForwardProxy> {
    if (!existsSync(TINYPROXY)) execSync('apt-get update && apt-get install -y tinyproxy', { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
    if (!existsSync(TINYPROXY)) throw new Error(`tinyproxy is not at ${TINYPROXY} after apt-get install tinyproxy`);
    const dir = mkdtempSync(join(tmpdir(), 'cw-proxy-'));
    const port = await freePort();
    writeFileSync(
      join(dir, 'tinyproxy.conf'),
      [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', `LogFile "${join(dir, 'tinyproxy.log')}"`, 'LogLevel Info', 'MaxClients 200', 'Allow 127.0.0.1'].join('\n'),
    );
    const child = spawn(TINYPROXY, ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
    const proxy = new ForwardProxy(child, dir, port);
    await waitFor('tinyproxy accepting connections', () => proxy.log().includes('Starting main loop'), 10_000);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  log(): string {
    const file = join(this.dir, 'tinyproxy.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** The request lines the proxy logged (`POST http://host:port/path HTTP/1.1`, `CONNECT host:port HTTP/1.1`). */
  requests(): string[] {
    return [...this.log().matchAll(/Request \(file descriptor \d+\): (.+)$/gm)].map((m) => m[1]);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
