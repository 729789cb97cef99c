import type { Page } from 'playwright-core';
import { testAdminKey } from '@cuewire/testing';
import { screenshot, seriousAccessibilityViolations, startConsoleStack, tabTo, type ConsoleStack } from './console-harness';

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
  }, 300_000);

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
    await screenshot(page, 'webhook-new-sendgrid');
    await press({ name: 'Create webhook' });

    await page.getByRole('heading', { name: 'SendGrid email', level: 1 }).waitFor();
    const preview = page.getByRole('region', { name: 'Preview: the request that would be sent' });
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

  it('shows a template error at its line, and the list with state and health', async () => {
    const body = page.getByLabel('Body template');
    const original = await body.inputValue();
    await body.fill(`{"a": 1,\n "b": {{#if customer.id}}\n}`);
    await press({ name: 'Save' });
    await page.getByLabel(/Template around line/).waitFor();
    expect(await page.locator('.error-line').textContent()).toMatch(/\d/);
    await expectAccessible();
    await screenshot(page, 'webhook-template-error');
    await press({ name: 'Discard changes' });
    expect(await body.inputValue()).toBe(original);

    await press({ name: 'Webhooks' }, 'link');
    const row = page.getByRole('row', { name: /SendGrid email/ });
    await row.getByText('enabled', { exact: true }).waitFor();
    await row.getByText('healthy').waitFor();
    await press({ name: 'Disable SendGrid email' });
    await row.getByText('disabled', { exact: true }).waitFor();
    await press({ name: 'Enable SendGrid email' });
    await row.getByText('enabled', { exact: true }).waitFor();
    await expectAccessible();
    await screenshot(page, 'webhooks');
  });

  it('rotates the signing secret of a signed webhook and shows the new one once', async () => {
    await page.goto(`${stack.cuewire.url}/console/#/webhooks/new`);
    await typeInto('Id (optional)', 'signed-hook');
    await typeInto('Name', 'Signed hook');
    await typeInto('URL template', `${stack.receiver.url}/signed/{{customer.id}}`);
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
});
