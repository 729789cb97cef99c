// A fast local webhook receiver for the dispatcher benchmark, run as its own process so it does
// not share an event loop with the load generator. Answers every request 200 at once and keeps,
// per phase (the `phase` field of the JSON body), the arrival count, the distinct webhook-ids and
// the end-to-end latency of each delivery (arrival − the `sentAt` the benchmark wrote into the
// body). A JSON array body is a batch (a batched webhook): each element counts as a delivery, by
// its own `deliveryId`. Controlled over IPC: { cmd: 'stats', phase } → { received, distinct,
// latencies, firstAt, lastAt, requests }.
import { createServer } from 'node:http'

const phases = new Map()
const phaseOf = (name) => {
  let p = phases.get(name)
  if (!p) phases.set(name, (p = { received: 0, requests: 0, ids: new Set(), latencies: [], firstAt: 0, lastAt: 0 }))
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
    const deliveries = Array.isArray(parsed) ? parsed : [parsed]
    for (const d of deliveries) {
      const p = phaseOf(String(d?.phase ?? 'unknown'))
      p.received++
      if (p.firstAt === 0) p.firstAt = now
      p.lastAt = now
      const id = Array.isArray(parsed) ? d?.deliveryId : req.headers['webhook-id']
      if (id) p.ids.add(id)
      if (typeof d?.sentAt === 'number') p.latencies.push(now - d.sentAt)
    }
    phaseOf(String(deliveries[0]?.phase ?? 'unknown')).requests++
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' })
    res.end('ok')
  })
})
server.keepAliveTimeout = 60_000

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
process.on('message', (message) => {
  if (message.cmd === 'stats') {
    const { received, requests, ids, latencies, firstAt, lastAt } = phaseOf(message.phase)
    process.send({ received, requests, distinct: ids.size, latencies, firstAt, lastAt })
  } else if (message.cmd === 'close') {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  }
})
