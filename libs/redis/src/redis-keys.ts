/**
 * The one place Redis key layouts are defined. Customer-scoped keys put the customer id in a
 * hash tag `{…}` so all of a customer's keys live on one Redis Cluster slot (multi-key
 * scripts stay legal there).
 */
export const RedisKeys = {
  profile: (customerId: string) => `profile:{${customerId}}`,
  /** Pattern matching every profile key (for re-evaluation scans). */
  profilePattern: () => 'profile:{*}',
  /** segmenter: the ids of the segments a customer is in (a set). */
  segments: (customerId: string) => `segments:{${customerId}}`,
  /**
   * segmenter: present while Redis holds every profile of the profile-state topic (set on a fresh
   * install or at the end of `cuewire rebuild profiles`). Missing means Redis lost its data: the
   * segmenter then stops merging and enriching rather than build on empty profiles.
   */
  profileStateMarker: () => 'profile-state:complete',
  /** segmenter: a segment's members, a sorted set (score 0, ordered by id) so fan-outs can resume after a member id. */
  segmentMembers: (segmentId: string) => `segment-members:{${segmentId}}`,
  /** dispatcher: an acknowledged delivery (so a replay is not sent again); under the webhook's hash tag, so admission checks it in the same script. */
  deliveredMark: (webhookId: string, deliveryId: string) => `delivered:{${webhookId}}:${deliveryId}`,
  /** Ingest: a client eventId already produced for this customer (expires with the dedupe window). */
  ingestedEventMark: (customerId: string, eventId: string) => `ingested:{${customerId}}:${eventId}`,
  /** feedback-receiver: an engagement event (by its deterministic id) Kafka has acknowledged. */
  feedbackSeen: (eventId: string) => `feedback-seen:{${eventId}}`,
  /** feedback-receiver: which email_open event was the first of a delivery. */
  feedbackFirstOpen: (deliveryId: string) => `feedback-first-open:{${deliveryId}}`,
  /** campaign-evaluator: one customer's progress through one sequence campaign (all-of, not-followed-by). */
  sequenceState: (customerId: string, campaignId: string) => `seq:{${customerId}}:${campaignId}`,
  /** campaign-evaluator: durable timers, a sorted set scored by due time (claimed with a lease). */
  dueTimers: () => 'timers:due',
  /** campaign-evaluator: what a customer received (sorted set: `campaignId␀triggerId` by fire time). */
  campaignHistory: (customerId: string) => `history:{${customerId}}`,
  /** campaign-evaluator: a customer's A/B test arms (hash: `campaignId␀variantSeed` → variant id or "control"), kept so weight edits never move them. */
  variantAssignments: (customerId: string) => `variants:{${customerId}}`,
  /** campaign-evaluator: a customer's clicks on campaign messages (sorted set: `campaignId␀eventId` by time). */
  campaignClicks: (customerId: string) => `clicks:{${customerId}}`,
  /** campaign-evaluator: a scheduled campaign's progress (last slot done, slot in progress, fan-out position). */
  scheduleProgress: (campaignId: string) => `schedule:{${campaignId}}`,
  /** campaign-evaluator: which replica fans out a scheduled campaign now (a lease). */
  scheduleLease: (campaignId: string) => `schedule-lease:{${campaignId}}`,
  /** dispatcher: leases of requests in flight to a webhook (sorted set: token by lease expiry), the cross-replica concurrency cap. */
  endpointInFlight: (webhookId: string) => `endpoint-inflight:{${webhookId}}`,
  /** dispatcher: a webhook's rate limiter state (GCRA theoretical arrival time, ms). */
  endpointRate: (webhookId: string) => `endpoint-rate:{${webhookId}}`,
  /** dispatcher: a webhook's health (hash: consecutive failures, first failure, circuit open until, disabled + reason). */
  endpointHealth: (webhookId: string) => `endpoint-health:{${webhookId}}`,
  /** dispatcher: the one probe allowed while a webhook's circuit is open (a lease). */
  endpointProbe: (webhookId: string) => `endpoint-probe:{${webhookId}}`,
  /** dispatcher: deliveries parked while a webhook is disabled (list of JSON), sent again on re-enable. */
  endpointParked: (webhookId: string) => `endpoint-parked:{${webhookId}}`,
  /**
   * dispatcher: one customer's deliveries to a webhook waiting on a delay tier, in the order they
   * were first deferred (sorted set: delivery id by that time); under the webhook's hash tag.
   */
  endpointOrder: (webhookId: string, customerId: string) => `endpoint-order:{${webhookId}}:${customerId}`,
  /** dispatcher: when each of those stops holding the others back if it never comes back (sorted set: delivery id by moment + grace). */
  endpointOrderDue: (webhookId: string, customerId: string) => `endpoint-order-due:{${webhookId}}:${customerId}`,
  /** dispatcher: an alert about a webhook was sent (expires after the alert period). */
  endpointAlerted: (webhookId: string) => `endpoint-alerted:{${webhookId}}`,
  /** dispatcher, earlier versions: every attempt of every webhook (sorted set of JSON entries by time); no longer written, only trimmed until it is gone. */
  deliveryLog: () => 'delivery-log',
  /** dispatcher: one webhook's dead deliveries (sorted set of JSON entries by time), what replay-failed reads. */
  deliveryLogByWebhook: (webhookId: string) => `delivery-log:{${webhookId}}`,
  /** control plane: which replica is changing a config object now (a lease; docs/decisions/0014-edge-safety.md). */
  configWriteLease: (kind: string, id: string) => `config-lease:{${kind}:${id}}`,
  /** control plane: the ETag of a config object's latest write (empty once deleted), so the next writer waits for its view to have it. */
  configLatest: (kind: string, id: string) => `config-latest:{${kind}:${id}}`,
  /** dispatcher: the request of a dead delivery, kept for replay. */
  deliveryRequest: (deliveryId: string) => `delivery-request:{${deliveryId}}`,
} as const;
