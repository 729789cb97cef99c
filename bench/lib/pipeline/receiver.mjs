// The pipeline benchmark's webhook receiver as its own process (so it does not share an event
// loop with the load generator): the fault suite's SignedReceiver (verifies every Standard
// Webhooks signature, counts by webhook-id, records arrival − `sentAt` of each body), plus, per
// first path segment ("phase" of the URL), the distinct deliveries accepted and the last arrival.
// IPC: { cmd: 'stats', segment, latencies, since } → { unique, duplicates, bad, accepted, lastAt,
// latencies } (only of bodies sent at or after `since`, when given);
// { cmd: 'reset-latencies' }; { cmd: 'close' }. Started with the signing secret as argv[2].
import { SignedReceiver } from '../../../tools/pipeline/signed-receiver.mjs'

class CountingReceiver extends SignedReceiver {
  segments = new Map() // first path segment → { ids: Set, lastAt }

  accept(req, res, body) {
    super.accept(req, res, body)
    if (res.statusCode !== 204) return
    const name = (req.url ?? '/').split('/')[1] ?? ''
    let s = this.segments.get(name)
    if (!s) this.segments.set(name, (s = { ids: new Set(), lastAt: 0 }))
    s.ids.add(req.headers['webhook-id'])
    s.lastAt = Date.now()
  }
}

const receiver = await new CountingReceiver(process.argv[2]).start()
process.send({ url: receiver.url })
process.on('message', async (m) => {
  if (m.cmd === 'stats') {
    const s = receiver.segments.get(m.segment)
    const latencies = !m.latencies ? [] : m.since === undefined ? receiver.latencies : receiver.latencies.filter((_, i) => receiver.sentAts[i] >= m.since)
    process.send({ unique: receiver.unique, duplicates: receiver.duplicates, bad: receiver.badSignatures, accepted: s?.ids.size ?? 0, lastAt: s?.lastAt ?? 0, latencies })
  } else if (m.cmd === 'reset-latencies') {
    receiver.latencies = []
    receiver.sentAts = []
    process.send({ ok: true })
  } else if (m.cmd === 'close') {
    await receiver.close()
    process.exit(0)
  }
})
