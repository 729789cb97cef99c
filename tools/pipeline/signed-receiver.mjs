// The webhook receiver of the fault suite and the pipeline benchmark: verifies every request's
// Standard Webhooks signature with the official package, counts what it accepted by webhook-id
// (so a replay with the same id is a duplicate, a new id is a new delivery), checks per-customer
// order, and can misbehave on command (5xx bursts, timeouts, connection resets, slowness).
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

export class SignedReceiver {
  constructor(secret) {
    this.verifier = new Webhook(secret);
    this.accepted = new Map(); // webhook-id → times accepted (2xx answered)
    this.byCampaign = new Map(); // campaign → Set of webhook-ids
    this.firings = new Map(); // campaign → customer → Set of webhook-ids (a second id = fired twice)
    this.lastSeq = new Map(); // customer → highest event sequence delivered (first copies only)
    this.orderViolations = [];
    this.duplicateSamples = [];
    this.firstSeen = new Map(); // webhook-id → when its first copy arrived
    this.badSignatures = 0;
    this.requests = 0;
    this.refused = 0;
    this.latencies = []; // arrival − sentAt, ms, of each body that carries a sentAt
    this.sentAts = []; // the sentAt of each of those, in the same order
    this.fault = null;
  }

  async start(port = 0) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url() {
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  /** For `ms`, answer a share of requests with `mode`: '5xx', 'timeout', 'reset' or 'slow'. */
  misbehave(mode, ms, share = 1) {
    this.fault = { mode, until: Date.now() + ms, share };
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      this.requests++;
      const body = Buffer.concat(chunks).toString('utf8');
      const fault = this.fault && Date.now() < this.fault.until && Math.random() < this.fault.share ? this.fault.mode : null;
      if (fault === 'reset') return req.socket.destroy();
      if (fault === '5xx') {
        this.refused++;
        res.writeHead(503, { 'retry-after': '1' }).end('busy');
        return;
      }
      if (fault === 'timeout') return; // never answered: the sender's timeout decides
      const accept = () => this.accept(req, res, body);
      if (fault === 'slow') setTimeout(accept, 1_500);
      else accept();
    });
  }

  accept(req, res, body) {
    try {
      this.verifier.verify(body, req.headers);
    } catch {
      this.badSignatures++;
      res.writeHead(401).end('bad signature');
      return;
    }
    const id = req.headers['webhook-id'];
    // The first path segment names the run, so one receiver can serve run after run.
    const run = (req.url ?? '/').split('/')[1] ?? '';
    const times = (this.accepted.get(id) ?? 0) + 1;
    this.accepted.set(id, times);
    if (times === 1) this.firstSeen.set(id, Date.now());
    res.writeHead(204).end();
    if (times > 1) {
      if (this.duplicateSamples.filter((d) => d.run === run).length < 5) this.duplicateSamples.push({ run, id, url: req.url, firstAt: new Date(this.firstSeen.get(id)).toISOString(), at: new Date().toISOString() });
      return;
    }
    let payload = {};
    try {
      payload = JSON.parse(body);
    } catch {
      // a body of another shape: counted, not classified
    }
    if (payload.campaign) {
      const campaign = `${run}:${payload.campaign}`;
      let ids = this.byCampaign.get(campaign);
      if (!ids) this.byCampaign.set(campaign, (ids = new Set()));
      ids.add(id);
      let customers = this.firings.get(campaign);
      if (!customers) this.firings.set(campaign, (customers = new Map()));
      const key = payload.customer ?? '';
      customers.set(key, (customers.get(key) ?? new Set()).add(id));
    }
    if (payload.sentAt) {
      this.latencies.push(Date.now() - payload.sentAt);
      this.sentAts.push(payload.sentAt);
    }
    if (payload.orderedSeq !== undefined && payload.orderedSeq >= 0 && payload.customer) {
      const customer = `${run}:${payload.customer}`;
      const last = this.lastSeq.get(customer) ?? -1;
      if (payload.orderedSeq < last) this.orderViolations.push({ run, customer: payload.customer, after: last, got: payload.orderedSeq });
      else this.lastSeq.set(customer, payload.orderedSeq);
    }
  }

  get unique() {
    return this.accepted.size;
  }

  get duplicates() {
    let extra = 0;
    for (const times of this.accepted.values()) extra += times - 1;
    return extra;
  }

  /** Customers who got more than one distinct delivery from a campaign that fires once each. */
  firedMoreThanOnce(campaign, run = '') {
    if (campaign === 'f-event') return 0; // fires once per purchase, several per customer
    let n = 0;
    for (const ids of this.firings.get(`${run}:${campaign}`)?.values() ?? []) if (ids.size > 1) n++;
    return n;
  }

  /** The customers a campaign sent anything to. */
  customersOf(campaign, run = '') {
    return [...(this.firings.get(`${run}:${campaign}`)?.keys() ?? [])];
  }

  countFor(campaign, run = '') {
    return this.byCampaign.get(`${run}:${campaign}`)?.size ?? 0;
  }

  orderViolationsFor(run = '') {
    return this.orderViolations.filter((v) => v.run === run).length;
  }

  async close() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
