import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { minimalWebm } from '../../src/platform/training/testing/videos.ts';
import { collectPageErrors, launchBrowser, seriousAccessibilityViolations } from './browser.ts';

/*
 * The training space in a real Chromium against the real server (demo loaded: the shipped guides are published).
 * The server is shared by every e2e file: this one only adds guides and videos under titles of its own, and
 * uses accounts other files leave alone (regulator, national administrator, effecteur).
 */

const DEMO_PASSWORD = 'demo-maillage-41';
const REGULATOR = 'regulateur@demo.maillage.test';
const NATIONAL_ADMIN = 'admin.national@demo.maillage.test';
const EFFECTEUR = 'effecteur@demo.maillage.test';
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
  const errors = pageErrors;
  pageErrors = [];
  expect(errors).toEqual([]);
});

const baseUrl = () => inject('baseUrl');
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });
const mainNavigation = (page: Page) => page.getByRole('navigation', { name: 'Navigation principale' });

/**
 * A new browser (own cookies), signed in as `email`, on the home page. `expectedFailures`: API paths this test
 * makes fail on purpose (Chromium reports a 404 or a 416 on the console).
 */
async function signedIn(email: string, expectedFailures: RegExp[] = []): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 900 },
  });
  contexts.push(context);
  const page = await context.newPage();
  collectPageErrors(page, pageErrors, expectedFailures);
  await page.goto(new URL('/connexion', baseUrl()).href);
  await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByLabel('Mot de passe', { exact: true }).press('Enter');
  await heading(page, HOME_HEADING).waitFor();
  return page;
}

async function expectNoSeriousViolation(page: Page, where: string): Promise<void> {
  expect(await seriousAccessibilityViolations(page), where).toEqual([]);
}

describe('training space', () => {
  test('the regulator finds his guide under Formation, searches it as he types, reads it, prints it without the navigation', async () => {
    const page = await signedIn(REGULATOR);
    await mainNavigation(page).getByRole('link', { name: 'Formation', exact: true }).click();
    await heading(page, 'Formation').waitFor();
    expect(new URL(page.url()).pathname).toBe('/formation');

    const guides = page.getByRole('region', { name: 'Guides' });
    await guides.getByRole('link', { name: 'Guide du médecin régulateur' }).waitFor();
    await guides.getByRole('link', { name: 'Premiers pas : se connecter et gérer son compte' }).waitFor();
    // Another profile's guide is not his; the management link is not offered.
    expect(await guides.getByRole('link', { name: 'Guide de l’effecteur' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Gérer la formation' }).count()).toBe(0);
    await expectNoSeriousViolation(page, '/formation (régulateur)');

    // Results as he types: accents and case do not matter, the address keeps the search.
    await page
      .getByRole('searchbox', { name: 'Rechercher dans les guides et les vidéos' })
      .pressSequentially('TELECONSULT');
    await guides.getByText('1 guide pour « TELECONSULT ».', { exact: true }).waitFor();
    expect(await guides.getByRole('listitem').count()).toBe(1);
    await guides.getByRole('link', { name: 'Guide du médecin régulateur' }).waitFor();
    expect(await guides.getByRole('listitem').innerText()).toMatch(/téléconsultation/i);
    expect(new URL(page.url()).searchParams.get('q')).toBe('TELECONSULT');

    // Keyboard only: from the search box, Tab reaches the first result, Enter opens it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Guide du médecin régulateur');
    await page.keyboard.press('Enter');
    await heading(page, 'Guide du médecin régulateur').waitFor();
    expect(new URL(page.url()).pathname).toBe('/formation/guides/regulateur');
    expect(await page.title()).toBe('Guide du médecin régulateur — maillage');
    // Rendered from Markdown: headings, lists, a link to the common guide; the contents point at the headings.
    for (const name of ['Votre rôle', 'Ce qui fonctionne aujourd’hui', 'À venir']) {
      await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
    }
    await page.getByRole('heading', { level: 3, name: 'Mon compte', exact: true }).waitFor();
    expect(await page.locator('.guide__body li').count()).toBeGreaterThan(5);
    expect(await page.locator('.guide__body').getByRole('link', { name: 'Premiers pas' }).getAttribute('href')).toBe(
      '/formation/guides/premiers-pas',
    );
    const contents = page.getByRole('navigation', { name: 'Sommaire' });
    expect(await contents.getByRole('link', { name: 'À venir' }).getAttribute('href')).toBe('#section-a-venir');
    await expectNoSeriousViolation(page, '/formation/guides/regulateur');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousViolation(page, '/formation/guides/regulateur (sombre)');
    await page.emulateMedia({ colorScheme: 'light' });

    // Printing: the guide alone.
    const printButton = page.getByRole('button', { name: 'Imprimer ce guide' });
    expect(await printButton.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('banner').isVisible()).toBe(false);
    expect(await mainNavigation(page).isVisible()).toBe(false);
    expect(await page.locator('footer').isVisible()).toBe(false);
    expect(await printButton.isVisible()).toBe(false);
    expect(await contents.isVisible()).toBe(false);
    expect(await heading(page, 'Guide du médecin régulateur').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { level: 2, name: 'À venir' }).isVisible()).toBe(true);
    const ink = await page.evaluate(() => getComputedStyle(document.querySelector('.guide__body p')!).color);
    expect(ink).toBe('rgb(0, 0, 0)');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.getByRole('banner').isVisible()).toBe(true);

    // Back to Formation: the search is still there.
    await page.getByRole('link', { name: '← Tous les guides' }).click();
    await heading(page, 'Formation').waitFor();
  });

  test('the national administrator writes a guide for effecteurs with a preview and publishes it; the effecteur reads it', async () => {
    const title = `Ouvrir ses plages SNP ${Date.now().toString(36)}`;
    const admin = await signedIn(NATIONAL_ADMIN);
    await mainNavigation(admin).getByRole('link', { name: 'Formation', exact: true }).click();
    await heading(admin, 'Formation').waitFor();
    await admin.getByRole('link', { name: 'Gérer la formation' }).click();
    await heading(admin, 'Gérer la formation').waitFor();
    await admin
      .getByRole('table', { name: /Guides de formation/ })
      .getByRole('link', { name: 'Guide de l’effecteur' })
      .waitFor();
    await expectNoSeriousViolation(admin, '/formation/gestion');

    await admin.getByRole('link', { name: 'Écrire un guide' }).click();
    await heading(admin, 'Écrire un guide').waitFor();
    await admin.getByRole('textbox', { name: 'Titre' }).fill(title);
    await admin
      .getByRole('group', { name: 'Profils visés' })
      .getByRole('checkbox', { name: 'Effecteur', exact: true })
      .check();
    await admin
      .getByRole('textbox', { name: 'Texte (Markdown)' })
      .fill('## Ouvrir une plage\n\n1. Choisir le jour\n2. **Valider**\n\n<script>alert(1)</script>');
    const preview = admin.getByRole('region', { name: 'Aperçu' });
    await preview.getByRole('heading', { level: 2, name: 'Ouvrir une plage' }).waitFor();
    expect(await preview.locator('ol li').allInnerTexts()).toEqual(['Choisir le jour', 'Valider']);
    expect(await preview.getByText('<script>alert(1)</script>').count()).toBe(1);
    await expectNoSeriousViolation(admin, '/formation/gestion/guides/nouveau');

    await admin.getByRole('button', { name: 'Enregistrer et publier' }).click();
    await admin
      .getByRole('status')
      .getByText(/^Guide enregistré : version 1, publié/)
      .waitFor();
    await heading(admin, `Modifier « ${title} »`).waitFor();

    const effecteur = await signedIn(EFFECTEUR);
    await effecteur.goto(new URL('/formation', baseUrl()).href);
    const guides = effecteur.getByRole('region', { name: 'Guides' });
    await guides.getByRole('link', { name: title }).click();
    await heading(effecteur, title).waitFor();
    await effecteur.getByRole('heading', { level: 2, name: 'Ouvrir une plage' }).waitFor();
    expect(await effecteur.locator('.guide__body strong').innerText()).toBe('Valider');
    expect(await effecteur.locator('.guide__body').innerText()).toContain('<script>alert(1)</script>');
    expect(await effecteur.locator('script:not([src])').count()).toBe(0);

    // Not meant for the regulator: absent from his list, and its address says it is not for him.
    const regulator = await signedIn(REGULATOR, [/^\/api\/training\/guides\//]);
    const slug = new URL(admin.url()).pathname.split('/').pop()!;
    const response = await regulator.evaluate(async (url) => (await fetch(url)).status, `/api/training/guides/${slug}`);
    expect(response).toBe(404);
  });

  test('a video uploaded from the management page is listed with a player, and served by byte ranges', async () => {
    const title = `Prise en main ${Date.now().toString(36)}`;
    const bytes = minimalWebm('webm', 4096);
    const admin = await signedIn(NATIONAL_ADMIN);
    await admin.goto(new URL('/formation/gestion', baseUrl()).href);
    await heading(admin, 'Gérer la formation').waitFor();

    const form = admin.getByRole('form', { name: 'Déposer une vidéo' });
    await form.getByLabel('Fichier vidéo (MP4 ou WebM)').setInputFiles({
      name: 'prise-en-main.webm',
      mimeType: 'video/webm',
      buffer: Buffer.from(bytes),
    });
    // The title is suggested from the file name.
    expect(await form.getByRole('textbox', { name: 'Titre' }).inputValue()).toBe('prise en main');
    await form.getByRole('textbox', { name: 'Titre' }).fill(title);
    await form.getByRole('checkbox', { name: 'Tous les profils' }).check();
    await form.getByRole('textbox', { name: 'Durée (facultative)' }).fill('0:42');
    await form.getByRole('button', { name: 'Déposer la vidéo' }).click();
    await form.getByRole('status').getByText(`Vidéo « ${title} » déposée (4 ko).`).waitFor();
    await admin.getByRole('heading', { level: 4, name: title }).waitFor();
    await expectNoSeriousViolation(admin, '/formation/gestion (vidéo déposée)');

    // The effecteur sees it under Formation, in the browser's player.
    const effecteur = await signedIn(EFFECTEUR, [/^\/api\/training\/videos\/[0-9a-f-]+\/content$/]);
    await effecteur.goto(new URL('/formation', baseUrl()).href);
    const card = effecteur.getByRole('article', { name: title });
    await card.waitFor();
    const source = await card.locator('video source').getAttribute('src');
    expect(source).toMatch(/^\/api\/training\/videos\/[0-9a-f-]{36}\/content$/);
    expect(await card.locator('video').getAttribute('controls')).not.toBeNull();
    expect(await card.innerText()).toContain('42 s');
    await expectNoSeriousViolation(effecteur, '/formation (effecteur, vidéo)');

    // A range of it, as a player seeking asks for it.
    const part = await effecteur.evaluate(async (url) => {
      const response = await fetch(url, { headers: { range: 'bytes=0-15' } });
      return {
        status: response.status,
        contentRange: response.headers.get('content-range'),
        acceptRanges: response.headers.get('accept-ranges'),
        bytes: [...new Uint8Array(await response.arrayBuffer())],
      };
    }, source!);
    expect(part).toEqual({
      status: 206,
      contentRange: 'bytes 0-15/4096',
      acceptRanges: 'bytes',
      bytes: [...bytes.subarray(0, 16)],
    });
    const outside = await effecteur.evaluate(
      async (url) => (await fetch(url, { headers: { range: 'bytes=5000-' } })).status,
      source!,
    );
    expect(outside).toBe(416);
  });
});
