import 'reflect-metadata';
import { ApiKeysModule } from '@cuewire/kafka-nest';
import { PlatformModule, type ServiceTarget } from '@cuewire/platform';
import { controllersOf, moduleTree, routes } from './http-routes.js';
import { TARGETS } from './targets.js';

/**
 * Who may call each HTTP route. A route added without `@RequiresScope(…)` or `@Public()`, or
 * whose access changes, fails here until this table says so: access is decided on purpose.
 */
const EXPECTED: Record<string, string> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',

  'POST /v1/events': 'ingest',
  'POST /v1/events/bulk': 'ingest',
  'PATCH /v1/customers/:customerId': 'ingest',

  'POST /v1/feedback/engagements': 'ingest',
  'POST /v1/feedback/sendgrid': 'public',
  'POST /v1/feedback/twilio/status': 'public',
  'POST /v1/feedback/standard-webhooks': 'public',
  'POST /v1/feedback/smartech': 'public',
  'GET /t/o/*': 'public',
  'GET /t/c/*': 'public',

  'GET /v1/deliveries': 'admin',
  'GET /v1/deliveries/summary': 'admin',
  'GET /v1/deliveries/:deliveryId': 'admin',
  'GET /v1/campaigns/:campaignId/figures': 'admin',
  'POST /v1/deliveries/:deliveryId/replay': 'admin',
  'POST /v1/webhooks/:webhookId/replay-failed': 'admin',
  'GET /v1/endpoints/:webhookId': 'admin',
  'POST /v1/endpoints/:webhookId/enable': 'admin',

  'POST /v1/webhooks': 'admin',
  'GET /v1/webhooks': 'admin',
  'GET /v1/webhooks/:id': 'admin',
  'PUT /v1/webhooks/:id': 'admin',
  'DELETE /v1/webhooks/:id': 'admin',
  'POST /v1/webhooks/:id/secrets/rotate': 'admin',
  'POST /v1/webhooks/preview': 'admin',
  'POST /v1/webhooks/:id/preview': 'admin',
  'POST /v1/webhooks/:id/test': 'admin',
  'GET /v1/webhook-presets': 'admin',
  'POST /v1/campaigns': 'admin',
  'GET /v1/campaigns': 'admin',
  'GET /v1/campaigns/:id': 'admin',
  'PUT /v1/campaigns/:id': 'admin',
  'POST /v1/campaigns/:id/trigger': 'admin',
  'DELETE /v1/campaigns/:id': 'admin',
  'POST /v1/segments': 'admin',
  'GET /v1/segments': 'admin',
  'GET /v1/segments/:id': 'admin',
  'GET /v1/segments/:id/size': 'admin',
  'PUT /v1/segments/:id': 'admin',
  'DELETE /v1/segments/:id': 'admin',
  'POST /v1/api-keys': 'admin',
  'GET /v1/api-keys': 'admin',
  'GET /v1/api-keys/:id': 'admin',
  'POST /v1/api-keys/:id/rotate': 'admin',
  'DELETE /v1/api-keys/:id': 'admin',

  'GET /console': 'public',
  'GET /console/*': 'public',
};

describe('access to HTTP routes', () => {
  const targets = Object.values(TARGETS);

  it('is decided, for every route of every service, exactly as listed', () => {
    const actual = routes([...controllersOf(PlatformModule), ...targets.flatMap((t) => controllersOf(t.module))]);
    expect(Object.entries(actual).filter(([, access]) => access === 'undecided')).toEqual([]);
    expect(actual).toEqual(EXPECTED);
  });

  it('is enforced: every service with a non-public route installs the API-key guard and reads CUEWIRE_ADMIN_KEY', () => {
    const guarded = (t: ServiceTarget) => moduleTree(t.module).includes(ApiKeysModule);
    const needsKeys = targets.filter((t) => Object.values(routes(controllersOf(t.module))).some((access) => access !== 'public'));
    expect(needsKeys.map((t) => t.name).sort()).toEqual(['control-plane', 'dispatcher', 'feedback-receiver', 'history', 'ingest']);
    for (const target of needsKeys) {
      expect({ target: target.name, guarded: guarded(target), env: 'CUEWIRE_ADMIN_KEY' in target.env.shape }).toEqual({ target: target.name, guarded: true, env: true });
    }
  });
});
