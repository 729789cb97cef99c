import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { HttpReceiver, isolatedDatabase, isolatedRun, ServiceProcess } from '@cuewire/testing';

/**
 * The console's browser tests and its screenshot script share this: the whole of Cuewire in one
 * process (the `cuewire` binary with every target, so the console's same-origin API calls reach
 * the control plane, the dispatcher and the rest), a real receiver on loopback, and Debian's
 * Chromium driven by playwright-core (no browser download).
 */
export const CHROMIUM = process.env.CUEWIRE_CHROMIUM ?? '/usr/bin/chromium';
const repoRoot = join(import.meta.dirname, '..', '..');

/** Installs Debian's Chromium when it is missing (CI runs as root; idempotent). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  execSync('apt-get update && apt-get install -y chromium', { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM} after apt-get install chromium`);
}

export interface ConsoleStack {
  readonly cuewire: ServiceProcess;
  readonly receiver: HttpReceiver;
  readonly browser: Browser;
  readonly page: Page;
  readonly run: string;
  stop(): Promise<void>;
}

export async function startConsoleStack(): Promise<ConsoleStack> {
  ensureChromium();
  // A database of its own: the history (deliveries, figures) of earlier runs must not show.
  const database = isolatedDatabase('console');
  const { id: run, env } = isolatedRun('console', {
    CUEWIRE_TARGETS: 'all',
    DATABASE_URL: database.url,
    DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    EVALUATOR_TIMER_POLL_MS: '200',
    // Failures retry quickly, so a failing receiver's delivery dies within the test.
    DISPATCH_RETRY_SCHEDULE: '1s',
  });
  const receiver = await HttpReceiver.start();
  const cuewire = await ServiceProcess.start('cuewire', env, 120_000);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  return {
    cuewire,
    receiver,
    browser,
    page,
    run,
    async stop() {
      await browser.close();
      await cuewire.stop();
      await receiver.stop();
      await database.drop();
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: string[];
}

/** axe-core on the page as it is now: the serious and critical violations (WCAG 2.x A and AA rules and best practices). */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: axeSource });
  // Runs in the page (this file is typed for Node, without DOM types).
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } };
    const result = await page.axe.run(page.document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** What the in-page functions below use of `document` (this file has no DOM types). */
interface FocusedDocument {
  readonly document: { readonly activeElement: { blur(): void } | null };
}

/**
 * Presses Tab until `target` has the focus, as a keyboard user would reach it; fails when it is
 * not reachable within `maxTabs` presses.
 */
export async function tabTo(page: Page, target: Locator, maxTabs = 80): Promise<void> {
  await target.waitFor({ state: 'visible' });
  for (let i = 0; i < maxTabs; i++) {
    // The locator is resolved again each time: a re-render may replace the element.
    if (await target.evaluate((el) => el === (globalThis as unknown as FocusedDocument).document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target.toString()} was not reached with ${maxTabs} Tab presses`);
}

/** Saves a screenshot of the page into `CUEWIRE_CONSOLE_SCREENSHOTS` (the screenshot script sets it); nothing otherwise. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CUEWIRE_CONSOLE_SCREENSHOTS;
  if (!dir) return;
  const into = join(repoRoot, dir);
  mkdirSync(into, { recursive: true });
  // Let transitions and late answers settle; the caret blinking would make images differ run to run.
  await page.evaluate(() => (globalThis as unknown as FocusedDocument).document.activeElement?.blur());
  await page.screenshot({ path: join(into, `${name}.png`), fullPage: true, caret: 'hide' });
}
