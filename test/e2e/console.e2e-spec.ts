import type { Page } from 'playwright-core';
import { authHeaders, testAdminKey, waitFor } from '@cuewire/testing';
import { screenshot, seriousAccessibilityViolations, startConsoleStack, tabTo, type ConsoleStack } from './console-harness.js';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the real
 * services in one process, delivering to a real receiver. The main flows are done by keyboard
 * (Tab to reach, Enter or Space to act); every page is checked with axe-core. With
 * CUEWIRE_CONSOLE_SCREENSHOTS set (`npm run console:screenshots`) each page is also captured.
 */
describe('web console', () => {
  let stack: ConsoleStack;
  let page: Page;

  beforeAll(async () => {
    stack = await startConsoleStack();
    page = stack.page;
    stack.receiver.answer((req) => (req.path.startsWith('/v3/mail/send') ? { status: 202, body: '' } : { status: 200, body: 'ok' }));
  }, 900_000); // a first run may install Chromium

  afterAll(async () => {
    await stack?.stop();
  });

  const expectAccessible = async () => expect(await seriousAccessibilityViolations(page)).toEqual([]);
  const press = async (name: Parameters<Page['getByRole']>[1] & object, role: Parameters<Page['getByRole']>[0] = 'button', key = 'Enter') => {
    await tabTo(page, page.getByRole(role, name));
    await page.keyboard.press(key);
  };
  const typeInto = async (label: string, text: string) => {
    await tabTo(page, page.getByLabel(label, { exact: true }));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text);
  };

  const api = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const res = await fetch(`${stack.cuewire.url}${path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('is served by the control plane without a key: fingerprinted assets cached for good, every other path the page', async () => {
    const index = await fetch(`${stack.cuewire.url}/console`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/console\/assets\/main-[\w-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.cuewire.url}${script}`);
    expect([asset.status, asset.headers.get('content-type'), asset.headers.get('cache-control')]).toEqual([200, 'application/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    const deep = await fetch(`${stack.cuewire.url}/console/campaigns/abandoned-cart`);
    expect([deep.status, await deep.text()]).toEqual([200, html]);
    expect((await fetch(`${stack.cuewire.url}/console/assets/missing.js`)).status).toBe(404);
    // The OpenAPI page, also served with @fastify/static, is unaffected.
    expect((await fetch(`${stack.cuewire.url}/docs`)).status).toBe(200);
    // The API behind it still wants a key.
    expect((await fetch(`${stack.cuewire.url}/v1/webhooks`)).status).toBe(401);
  });

  it('signs in with an API key, by keyboard, and refuses a wrong one', async () => {
    await page.goto(`${stack.cuewire.url}/console/`);
    await page.getByRole('heading', { name: 'Cuewire console' }).waitFor();
    await expectAccessible();
    await screenshot(page, 'sign-in');

    await typeInto('API key', 'cwk_0123456789abcdef_not-a-real-key');
    await page.keyboard.press('Enter');
    await page.getByText(/check the key and try again/).waitFor();

    await typeInto('API key', testAdminKey());
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('cuewire.apiKey'))).toBe(testAdminKey());
    await expectAccessible();
  });

  it('creates a webhook from the SendGrid preset, previews it and sends a test, by keyboard', async () => {
    await press({ name: 'New webhook' }, 'link');
    await page.getByRole('heading', { name: 'New webhook' }).waitFor();
    // A radio group is one Tab stop; the arrow keys choose within it.
    await tabTo(page, page.getByRole('radio', { name: 'Scratch' }));
    await page.keyboard.press('ArrowRight');
    await page.getByRole('group', { name: /SendGrid.*parameters/ }).waitFor();
    await expectAccessible();

    await typeInto('Id (optional)', 'welcome-email');
    await typeInto('API key (required)', 'SG.console-test-key');
    await typeInto('From email (required)', 'shop@example.com');
    await typeInto('Base URL', stack.receiver.url);
    const preview = page.getByRole('region', { name: 'Preview: the request that would be sent' });
    // Live preview of the unsaved webhook: the preset expanded with the parameters as typed, nothing stored.
    await preview.getByText(`POST ${stack.receiver.url}/v3/mail/send`).waitFor();
    await preview.getByText('"email": "shop@example.com"').waitFor();
    await preview.getByText('authorization: Bearer [redacted]').waitFor();
    expect((await api('/v1/webhooks/welcome-email')).status).toBe(404);
    await expectAccessible();
    await screenshot(page, 'webhook-new-sendgrid');
    await press({ name: 'Create webhook' });

    await page.getByRole('heading', { name: 'SendGrid email', level: 1 }).waitFor();
    await preview.getByText(`POST ${stack.receiver.url}/v3/mail/send`).waitFor();
    await preview.getByText('"email": "shop@example.com"').waitFor();
    // The preview follows the sample event chosen.
    await tabTo(page, page.getByLabel('Sample event'));
    await page.keyboard.press('ArrowDown');
    await page.getByLabel('Event (JSON)').waitFor();
    await preview.getByText('54,90').or(preview.getByText('54.90')).first().waitFor();
    await expectAccessible();

    await press({ name: 'Send test' });
    await page.getByText('Delivered', { exact: true }).waitFor();
    const sent = page.getByRole('region', { name: 'Request sent' });
    await sent.getByText(`POST ${stack.receiver.url}/v3/mail/send`).waitFor();
    await page.getByRole('region', { name: 'Response' }).getByText('202', { exact: true }).waitFor();
    const received = stack.receiver.requests.filter((r) => r.path === '/v3/mail/send');
    expect(received).toHaveLength(1);
    expect(received[0].headers.authorization).toBe('Bearer SG.console-test-key');
    // What the page shows as sent is what arrived, secrets redacted.
    expect(await sent.textContent()).toContain(JSON.parse(received[0].body).from.email);
    expect(await sent.textContent()).not.toContain('SG.console-test-key');
    await screenshot(page, 'webhook-edit');
  });

  it('previews the edited form before it is saved, shows a template error at its line while typing, and the list with state and health', async () => {
    const preview = page.getByRole('region', { name: 'Preview: the request that would be sent' });
    await typeInto('URL template', `${stack.receiver.url}/v3/mail/send?draft={{urlencode customer.firstName}}`);
    await preview.getByText(`POST ${stack.receiver.url}/v3/mail/send?draft=Ada`).waitFor();
    await page.getByRole('status').getByText('unsaved changes').waitFor();
    expect((await api('/v1/webhooks/welcome-email')).body.url).toBe(`${stack.receiver.url}/v3/mail/send`);

    const body = page.getByLabel('Body template');
    const original = await body.inputValue();
    await typeInto('Body template', `{"a": 1,\n "b": {{#if customer.id}}\n}`);
    // The live preview shows the syntax error at its line before anything is saved.
    const previewError = page.locator('.preview').getByLabel(/Template around line \d/);
    await previewError.waitFor();
    expect(await page.locator('.preview .error-line').textContent()).toMatch(/\d/);
    await press({ name: 'Save' });
    await page.locator('form .template-error').first().waitFor();
    await expectAccessible();
    await screenshot(page, 'webhook-template-error');
    await press({ name: 'Discard changes' });
    expect(await body.inputValue()).toBe(original);
    await preview.getByText(`POST ${stack.receiver.url}/v3/mail/send`, { exact: true }).waitFor();

    await press({ name: 'Webhooks' }, 'link');
    const row = page.getByRole('row', { name: /SendGrid email/ });
    await row.getByText('enabled', { exact: true }).waitFor();
    await row.getByText('healthy').waitFor();
    await press({ name: 'Disable SendGrid email' });
    await row.getByText('disabled', { exact: true }).waitFor();
    await press({ name: 'Enable SendGrid email' });
    await row.getByText('enabled', { exact: true }).waitFor();
    await expectAccessible();
  });

  it('rotates the signing secret of a signed webhook and shows the new one once', async () => {
    await page.goto(`${stack.cuewire.url}/console/#/webhooks/new`);
    await typeInto('Id (optional)', 'signed-hook');
    await typeInto('Name', 'Signed hook');
    await typeInto('URL template', `${stack.receiver.url}/signed/{{customer.id}}`);
    // From scratch, the preview follows the form too, signature included.
    const preview = page.getByRole('region', { name: 'Preview: the request that would be sent' });
    await preview.getByText(`POST ${stack.receiver.url}/signed/c-sample`).waitFor();
    await preview.getByText(/webhook-signature: v1,/).waitFor();
    await press({ name: 'Create webhook' });
    await page.getByRole('heading', { name: 'Signed hook', level: 1 }).waitFor();
    const generated = await page.getByLabel('New signing secret', { exact: true }).inputValue();
    expect(generated).toMatch(/^whsec_/);
    await press({ name: 'I have copied it' });
    await press({ name: 'Rotate secret' });
    const rotated = page.getByLabel('New signing secret', { exact: true });
    await rotated.waitFor();
    expect(await rotated.inputValue()).toMatch(/^whsec_/);
    expect(await rotated.inputValue()).not.toBe(generated);
    await page.getByText(/stops signing/).waitFor();
    await expectAccessible();
  });

  /** Picks an option of a select by typing its text, as a keyboard user does. */
  const choose = async (label: string, text: string, value: string) => {
    const select = page.getByLabel(label, { exact: true });
    await select.locator('option', { hasText: text }).waitFor({ state: 'attached' });
    await tabTo(page, select);
    // Type-ahead on a closed select; a space would open it, so the first word is typed.
    await page.keyboard.type(text.split(' ')[0]);
    expect(await select.inputValue()).toBe(value);
  };
  const deliveriesOf = async (query: string) => (await api(`/v1/deliveries?${query}`)).body.items as { deliveryId: string; outcome: string; attempt: number }[];

  it('builds a not-followed-by campaign by keyboard; its delivery shows in the deliveries page', async () => {
    await press({ name: 'Campaigns' }, 'link');
    await press({ name: 'New campaign' }, 'link');
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    await typeInto('Id (optional)', 'abandoned-cart');
    await typeInto('Campaign name', 'Abandoned cart');
    await tabTo(page, page.getByLabel('Fires on'));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await typeInto('First event: event type', 'cart_add');
    await typeInto('Not followed by: event type', 'purchase');
    await typeInto('Within', 'PT3S');
    await typeInto('At most (per customer)', '1');
    await tabTo(page, page.getByLabel('Signed hook (signed-hook)'));
    await page.keyboard.press('Space');
    await expectAccessible();
    await screenshot(page, 'campaign-builder');
    await press({ name: 'Create and go live' });
    await page.getByRole('heading', { name: 'Abandoned cart', level: 1 }).waitFor();
    expect((await api('/v1/campaigns/abandoned-cart')).body).toMatchObject({
      status: 'live',
      trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: 'PT3S' },
      caps: { perCustomer: { max: 1, period: 'P1D' } },
      webhookIds: ['signed-hook'],
    });

    const customer = `shopper-${stack.run}`;
    expect((await api('/v1/events', { customerId: customer, type: 'cart_add', properties: { sku: 'PLATE-6' } })).status).toBe(202);
    await waitFor('the abandoned-cart webhook', () => stack.receiver.requests.some((r) => r.path === `/signed/${customer}`), 60_000);

    await press({ name: 'Deliveries' }, 'link');
    await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
    await tabTo(page, page.getByLabel('Campaign', { exact: true }));
    await page.keyboard.press('ArrowDown');
    await typeInto('Customer id', customer);
    await page.keyboard.press('Enter');
    const link = page.getByRole('link', { name: /^Delivery msg_/ });
    await link.waitFor();
    // The history service records the outcome a moment after the receiver answered (longer on a
    // busy CI machine: it failed once at 15 s): search again (Enter in the form, as a person
    // would) until the delivered attempt is listed.
    const delivered = page.getByRole('row').filter({ hasText: customer }).getByText('DELIVERED');
    for (let tries = 0; tries < 90 && (await delivered.count()) === 0; tries++) {
      await page.getByLabel('Customer id').press('Enter');
      await page.waitForTimeout(500);
    }
    expect(await delivered.count()).toBe(1);
    await tabTo(page, link);
    await page.keyboard.press('Enter');
    const attempt = page.getByRole('article', { name: 'Attempt 1' });
    await attempt.getByText('200', { exact: true }).waitFor();
    // The request as sent (kept by the history service), and when.
    const sentRequest = attempt.getByRole('region', { name: 'Request sent (attempt 1)' });
    await sentRequest.getByText(`POST ${stack.receiver.url}/signed/${customer}`).waitFor();
    await sentRequest.getByText(`"customer": "${customer}"`).waitFor();
    expect(await attempt.getByRole('heading', { name: /^Attempt 1/ }).textContent()).toMatch(/^Attempt 1 · \S.+ · DELIVERED/);
    await expectAccessible();
    await screenshot(page, 'deliveries');
  });

  it('shows a failing receiver, and replays one delivery and then every failed one once it is fixed', async () => {
    stack.receiver.answer((req) => (req.path.startsWith('/flaky') ? { status: 503, body: 'down for maintenance' } : { status: 200, body: 'ok' }));
    expect((await api('/v1/webhooks', { id: 'flaky-hook', name: 'Flaky hook', url: `${stack.receiver.url}/flaky/{{customer.id}}`, retry: { schedule: ['1s'] } })).status).toBe(201);
    expect((await api('/v1/campaigns', { id: 'flaky-purchase', name: 'Purchase to flaky', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: ['flaky-hook'] })).status).toBe(201);
    const [first, second] = [`first-${stack.run}`, `second-${stack.run}`];
    expect((await api('/v1/events', { customerId: first, type: 'purchase', properties: { total: 10 } })).status).toBe(202);
    await waitFor('the first delivery to die', async () => (await deliveriesOf(`webhookId=flaky-hook&customerId=${first}&outcome=DEAD`)).length > 0, 60_000);

    await page.goto(`${stack.cuewire.url}/console/#/deliveries`);
    await choose('Webhook', 'Flaky hook', 'flaky-hook');
    await choose('Outcome', 'DEAD', 'DEAD');
    await press({ name: 'Search' });
    const link = page.getByRole('link', { name: /^Delivery msg_.*attempt 2$/ });
    await page.waitForURL(/outcome=DEAD/);
    await link.waitFor();
    await tabTo(page, link);
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'Attempt 2' }).getByText('down for maintenance').waitFor();
    await expectAccessible();
    await screenshot(page, 'delivery-failed');

    const before = stack.receiver.requests.filter((r) => r.path === `/flaky/${first}`).length;
    stack.receiver.answer(() => ({ status: 200, body: 'ok' }));
    await press({ name: 'Replay delivery' });
    await page.getByText(/Replay queued/).waitFor();
    await waitFor('the replayed delivery', async () => (await deliveriesOf(`webhookId=flaky-hook&customerId=${first}&outcome=DELIVERED`)).length > 0, 60_000);
    expect(stack.receiver.requests.filter((r) => r.path === `/flaky/${first}`).length).toBe(before + 1);

    // Another one fails; "replay every failed one since" sends it again once the receiver is fixed.
    stack.receiver.answer((req) => (req.path.startsWith('/flaky') ? { status: 500, body: 'broken' } : { status: 200, body: 'ok' }));
    expect((await api('/v1/events', { customerId: second, type: 'purchase', properties: { total: 20 } })).status).toBe(202);
    await waitFor('the second delivery to die', async () => (await deliveriesOf(`webhookId=flaky-hook&customerId=${second}&outcome=DEAD`)).length > 0, 60_000);
    stack.receiver.answer(() => ({ status: 200, body: 'ok' }));
    await tabTo(page, page.getByLabel('Webhook to replay'));
    expect(await page.getByLabel('Webhook to replay').inputValue()).toBe('flaky-hook');
    await press({ name: 'Replay every failed one' });
    await page.getByText(/failed deliver(y|ies) sent again/).waitFor();
    await waitFor('the second delivery, replayed', async () => (await deliveriesOf(`webhookId=flaky-hook&customerId=${second}&outcome=DELIVERED`)).length > 0, 60_000);
  });

  it('builds a segment and shows its size', async () => {
    expect((await api(`/v1/customers/ca-${stack.run}`, { attributes: { country: 'CA', firstName: 'Ada' } }, 'PATCH')).status).toBe(202);
    await press({ name: 'Segments' }, 'link');
    await press({ name: 'New segment' }, 'link');
    await typeInto('Id (optional)', 'canada');
    await typeInto('Segment name', 'Customers in Canada');
    await typeInto('Value', 'CA');
    await press({ name: 'Create segment' });
    await page.getByRole('heading', { name: 'Segment Customers in Canada' }).waitFor();
    await waitFor(
      'the segment size',
      async () => {
        await press({ name: 'Count customers' });
        return (await page.getByText(/customers? in this segment now/).textContent())?.startsWith('1 ') ?? false;
      },
      60_000,
      1_000,
    );
    await page.reload();
    await page.getByRole('row', { name: /Customers in Canada/ }).getByRole('cell', { name: '1', exact: true }).waitFor();
    await expectAccessible();
    await screenshot(page, 'segments');
  });

  it('builds a scheduled campaign over a segment, and takes it draft → live → paused → ended', async () => {
    await page.goto(`${stack.cuewire.url}/console/#/campaigns/new`);
    await typeInto('Id (optional)', 'weekday-digest');
    await typeInto('Campaign name', 'Weekday digest');
    await tabTo(page, page.getByLabel('Fires on'));
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await typeInto('Cron pattern', '30 8 * * 1-5');
    await choose('Time zone', 'Europe/Paris', 'Europe/Paris');
    await choose('Audience segment', 'Customers in Canada', 'canada');
    await tabTo(page, page.getByLabel('Signed hook (signed-hook)'));
    await page.keyboard.press('Space');
    await expectAccessible();
    await screenshot(page, 'campaign-builder-schedule');
    await press({ name: 'Create campaign' });
    await page.getByRole('heading', { name: 'Weekday digest', level: 1 }).waitFor();
    expect((await api('/v1/campaigns/weekday-digest')).body).toMatchObject({
      status: 'draft',
      trigger: { type: 'schedule', cron: '30 8 * * 1-5', timeZone: 'Europe/Paris' },
      audience: { segmentId: 'canada' },
      webhookIds: ['signed-hook'],
    });

    await press({ name: 'Go live' });
    await page.getByText('Saved; the campaign is live.').waitFor();
    await press({ name: 'Campaigns' }, 'link');
    const row = page.getByRole('row', { name: /Weekday digest/ });
    await row.getByText('live', { exact: true }).waitFor();
    await press({ name: 'Pause: Weekday digest' });
    await row.getByText('paused', { exact: true }).waitFor();
    await press({ name: 'End: Weekday digest' });
    await row.getByText('ended', { exact: true }).waitFor();
    expect((await api('/v1/campaigns/weekday-digest')).body.status).toBe('ended');
    expect(await row.getByRole('button').count()).toBe(0);
  });

  it('charts the figures of a campaign over time', async () => {
    await page.goto(`${stack.cuewire.url}/console/#/campaigns`);
    await page.getByRole('row', { name: /Abandoned cart/ }).getByText('live', { exact: true }).waitFor();
    // The list carries each campaign's figures of the last 7 days (from the history service).
    await page.getByRole('row', { name: /Abandoned cart/ }).getByText('1 sent · 1 delivered · 0 failed · 0 opened · 0 clicked').waitFor();
    await expectAccessible();
    await screenshot(page, 'campaigns');
    await press({ name: 'Figures: Abandoned cart' }, 'link');
    await page.getByRole('img', { name: /Sent: 1/ }).waitFor();
    await tabTo(page, page.locator('summary', { hasText: 'The numbers' }));
    await page.keyboard.press('Enter');
    await page.getByRole('columnheader', { name: 'Sent' }).waitFor();
    await expectAccessible();
    await screenshot(page, 'campaign-figures');

    // The webhook list once the flows above have filled it.
    await press({ name: 'Webhooks' }, 'link');
    await page.getByRole('row', { name: /Flaky hook/ }).waitFor();
    await expectAccessible();
    await screenshot(page, 'webhooks');
  });
});
