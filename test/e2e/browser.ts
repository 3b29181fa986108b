import axe from 'axe-core';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing reaching out to the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.MAILLAGE_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface AccessibilityViolation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the elements at fault. */
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is and returns the serious and critical
 * violations. Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays on.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Collects what the page reports as errors: uncaught exceptions and console errors, among them CSP
 * refusals. A 401 or 404 on /api/auth/me is how an anonymous visitor is recognised, not an error; a test
 * that provokes a refusal on purpose (a wrong password) names the API paths it expects to fail.
 */
export function collectPageErrors(page: Page, errors: string[] = [], expectedFailures: RegExp[] = []): string[] {
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const failedResource = message.text().startsWith('Failed to load resource');
    const url = message.location().url;
    const path = url ? new URL(url).pathname : '';
    const expected =
      failedResource && (path === '/api/auth/me' || expectedFailures.some((pattern) => pattern.test(path)));
    if (!expected) errors.push(`console: ${message.text()} (${url})`);
  });
  return errors;
}
