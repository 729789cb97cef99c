// A built service as its own process (dist/apps/<app>/src/main.js), ready when /health/ready is 200.
// (libs/testing's ServiceProcess resolves the repository root from its own location, which is
// wrong when imported from dist/, so the benchmark spawns the service itself.)
import { spawn } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
})

export async function startService(root, app, env, readyTimeoutMs = 90_000) {
  const port = await freePort()
  const logDir = join(root, '.cuewire', 'bench-logs')
  mkdirSync(logDir, { recursive: true })
  const logFile = join(logDir, `${app}-${port}.log`)
  const log = createWriteStream(logFile)
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'src', 'main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const service = {
    app, logFile, pid: child.pid,
    get running() { return child.exitCode === null && child.signalCode === null },
    /** SIGTERM (drain, commit, leave the group); SIGKILL after `graceMs`. */
    async stop(graceMs = 30_000) {
      if (!service.running) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (!service.running) throw new Error(`${app} exited with ${child.exitCode ?? child.signalCode}; see ${logFile}`)
    if (await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)) return service
    if (Date.now() > deadline) { await service.stop(1_000); throw new Error(`${app} not ready after ${readyTimeoutMs} ms; see ${logFile}`) }
    await sleep(100)
  }
}
