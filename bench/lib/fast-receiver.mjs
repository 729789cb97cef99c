// A fast local webhook receiver for the dispatcher benchmark, run as its own process so it does
// not share an event loop with the load generator. Answers every request 200 at once and keeps,
// per phase (the `phase` field of the JSON body), the arrival count, the distinct webhook-ids and
// the end-to-end latency of each delivery (arrival − the `sentAt` the benchmark wrote into the
// body). Controlled over IPC: { cmd: 'stats', phase } → { received, distinct, latencies, firstAt, lastAt }.
import { createServer } from 'node:http'

const phases = new Map()
const phaseOf = (name) => {
  let p = phases.get(name)
  if (!p) phases.set(name, (p = { received: 0, ids: new Set(), latencies: [], firstAt: 0, lastAt: 0 }))
  return p
}

const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const now = Date.now()
    let parsed = {}
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      // counted under "unknown"
    }
    const p = phaseOf(String(parsed.phase ?? 'unknown'))
    p.received++
    if (p.firstAt === 0) p.firstAt = now
    p.lastAt = now
    const id = req.headers['webhook-id']
    if (id) p.ids.add(id)
    if (typeof parsed.sentAt === 'number') p.latencies.push(now - parsed.sentAt)
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' })
    res.end('ok')
  })
})
server.keepAliveTimeout = 60_000

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
process.on('message', (message) => {
  if (message.cmd === 'stats') {
    const { received, ids, latencies, firstAt, lastAt } = phaseOf(message.phase)
    process.send({ received, distinct: ids.size, latencies, firstAt, lastAt })
  } else if (message.cmd === 'close') {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  }
})
