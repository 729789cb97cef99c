import { spawn } from 'node:child_process';
import { join } from 'node:path';

const module = join(import.meta.dirname, 'shutdown-deadline.ts');

/**
 * Runs a real Node process that arms the deadline and stops on SIGTERM with `onStop` as its
 * graceful path (Node runs the .ts file directly: it has only erasable types).
 */
async function stopProcess(timeoutMs: number, onStop: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const script = `
    import { armShutdownDeadline } from ${JSON.stringify(module)};
    armShutdownDeadline(${timeoutMs});
    const server = (await import('node:net')).createServer().listen(0);
    process.once('SIGTERM', () => { ${onStop} });
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const started = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stderr, ms: Date.now() - started };
}

describe('the shutdown deadline (SHUTDOWN_TIMEOUT_MS)', () => {
  it('ends a process whose graceful shutdown hangs, with exit code 1, once the time is up', async () => {
    // The graceful path never finishes: the server stays open and nothing exits.
    const result = await stopProcess(400, '/* hangs */');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/graceful shutdown after SIGTERM did not finish within SHUTDOWN_TIMEOUT_MS \(400 ms\); exiting/);
    expect(result.ms).toBeGreaterThanOrEqual(350);
  });

  it('lets a graceful shutdown that finishes in time end the process itself (the timer keeps nothing alive)', async () => {
    const result = await stopProcess(60_000, 'server.close();');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.ms).toBeLessThan(30_000);
  });
});
