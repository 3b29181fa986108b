import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { formatTime } from '../../web/src/format.ts';
import { collectPageErrors, launchBrowser, seriousAccessibilityViolations } from './browser.ts';

const HOME_HEADING = 'Accès aux soins et coordination des parcours';

let browser: Browser;
let contexts: BrowserContext[] = [];
let pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
  // Every test also checks its pages broke no rule of the CSP and threw nothing.
  const errors = pageErrors;
  pageErrors = [];
  expect(errors).toEqual([]);
});

async function open(path: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  collectPageErrors(page, pageErrors);
  const response = await page.goto(new URL(path, inject('baseUrl')).href);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toContain('text/html');
  return page;
}

const plainSpaces = (text: string) => text.replace(/\s/g, ' ');

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

/** What has focus, for assertions on keyboard behaviour. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const style = element ? getComputedStyle(element) : null;
    return {
      tag: element?.tagName.toLowerCase(),
      id: element?.id,
      text: element?.textContent?.trim(),
      href: element?.getAttribute('href'),
      inMain: Boolean(element && document.querySelector('main')?.contains(element)),
      outline: style ? { style: style.outlineStyle, width: parseFloat(style.outlineWidth) } : undefined,
    };
  });
}

describe('the web app shell', () => {
  test('the home page renders in French and says the service is ready, in Paris time whatever the browser’s zone', async () => {
    const before = Date.now();
    const page = await open('/', { timezoneId: 'Pacific/Auckland' });
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await heading(page, HOME_HEADING).waitFor();
    expect(await page.title()).toBe('Accueil — maillage');

    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    expect(await nav.getByRole('link').allTextContents()).toContain('Accueil');
    expect(await page.getByRole('banner').getByRole('link', { name: 'Se connecter' }).getAttribute('href')).toBe(
      '/connexion',
    );

    const status = page.getByRole('region', { name: 'État du service' });
    await status.getByText('Le service est prêt').waitFor();
    const meta = (await (await fetch(new URL('/api/meta', inject('baseUrl')))).json()) as { version: string };
    const facts = await status.locator('dl').innerText();
    expect(facts).toContain(meta.version);
    expect(facts).toContain('PostgreSQL embarqué (PGlite)');
    // The check happened between `before` and `after`, seconds apart: shown as the Paris time of one of them.
    const checkedAt = await status.locator('dt:text-is("Dernière vérification") + dd').innerText();
    const after = Date.now();
    const expected = [before, after].map((instant) => plainSpaces(`à ${formatTime(instant)}`));
    expect(expected).toContain(plainSpaces(checkedAt));
  });

  test('the skip link is the first Tab stop, shows when focused, and moves focus to the content', async () => {
    const page = await open('/');
    await heading(page, HOME_HEADING).waitFor();
    const skipLink = page.getByRole('link', { name: 'Aller au contenu' });
    const hidden = await skipLink.boundingBox();
    expect(hidden!.y + hidden!.height).toBeLessThanOrEqual(0);

    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ text: 'Aller au contenu', outline: { style: 'solid' } });
    const shown = await skipLink.boundingBox();
    expect(shown!.y).toBeGreaterThanOrEqual(0);
    expect(shown!.width).toBeGreaterThan(50);
    expect(shown!.height).toBeGreaterThan(20);

    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'main', id: 'contenu' });
    await page.keyboard.press('Tab');
    expect((await focused(page)).inMain).toBe(true);
  });

  test('a deep link loads directly: À propos with the licence, the GeoNames credit and the API link', async () => {
    const page = await open('/a-propos');
    await heading(page, 'À propos').waitFor();
    expect(await page.title()).toBe('À propos — maillage');
    const text = await page.locator('main').innerText();
    expect(text).toContain('AGPL');
    expect(text).toContain('Coordonnées des communes : GeoNames, CC BY 4.0');
    const docsLink = page.getByRole('main').getByRole('link', { name: '/api/docs' });
    expect(await docsLink.getAttribute('href')).toBe('/api/docs');
    expect((await fetch(new URL('/api/docs', inject('baseUrl')))).status).toBe(200);
  });

  test('an unknown address shows "Page introuvable" with a way home', async () => {
    const page = await open('/cette-page-n-existe-pas');
    await heading(page, 'Page introuvable').waitFor();
    expect(await page.title()).toBe('Page introuvable — maillage');
    expect(await page.locator('main').innerText()).toContain('/cette-page-n-existe-pas');
    await page.getByRole('main').getByRole('link', { name: 'Revenir à l’accueil' }).click();
    await heading(page, HOME_HEADING).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  test('no serious or critical accessibility violation, in the light and the dark scheme', async () => {
    const pages = [
      { path: '/', heading: HOME_HEADING },
      { path: '/a-propos', heading: 'À propos' },
      { path: '/nulle-part', heading: 'Page introuvable' },
    ];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const { path, heading: name } of pages) {
        const page = await open(path, { colorScheme });
        await heading(page, name).waitFor();
        if (path === '/') await page.getByText('Le service est prêt').waitFor();
        expect(await seriousAccessibilityViolations(page), `${path} (${colorScheme})`).toEqual([]);
        await page.context().close();
      }
    }
  });

  test('the keyboard reaches every navigation link, each with a visible focus ring, and follows them', async () => {
    const page = await open('/');
    await heading(page, HOME_HEADING).waitFor();
    const links = await page.locator('header a, footer a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(expect.arrayContaining(['/', '/a-propos', '/connexion']));

    const reached = new Map<string, { style: string; width: number } | undefined>();
    for (let stop = 0; stop < 60 && reached.size < links.length; stop += 1) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      if (now.href && links.includes(now.href)) reached.set(now.href, now.outline);
    }
    for (const href of links) {
      const outline = reached.get(href!);
      expect(outline, `focus ring on ${href}`).toBeDefined();
      expect(outline!.style, `focus ring on ${href}`).not.toBe('none');
      expect(outline!.width, `focus ring on ${href}`).toBeGreaterThanOrEqual(2);
    }

    // Enter on a focused link opens its page, and focus lands on the new content.
    await page.getByRole('contentinfo').getByRole('link', { name: 'À propos' }).focus();
    await page.keyboard.press('Enter');
    await heading(page, 'À propos').waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'main' });
    expect(await page.title()).toBe('À propos — maillage');
  });

  test('at 200 % zoom on a laptop (640 CSS px wide) nothing needs horizontal scrolling', async () => {
    for (const path of ['/', '/a-propos', '/nulle-part']) {
      const page = await open(path, { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
      await page.locator('main h1').waitFor();
      if (path === '/') await page.getByText('Le service est prêt').waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
      await page.context().close();
    }
  });
});
