import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { totpCode } from '../../src/platform/auth/totp.ts';
import { collectPageErrors, launchBrowser, seriousAccessibilityViolations } from './browser.ts';

/*
 * The accounts pages in a real Chromium against the real server. The server is shared by every e2e file of
 * a run, so each journey that changes an account uses its own demo account and leaves the others as they
 * were: the regulator only logs in and out; ARS gets its password reset (and restored at the end);
 * the territorial referent gets a second factor (there is no way to remove one yet).
 */

const DEMO_PASSWORD = 'demo-maillage-41';
const REGULATOR = { email: 'regulateur@demo.maillage.test', name: 'Dr Camille Démo (régulateur)' };
const AGENCY = { email: 'ars@demo.maillage.test', name: 'Maxime Démo (ARS)' };
const REFERENT = { email: 'referent@demo.maillage.test', name: 'Dominique Démo (référent)' };
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
  // Every test also checks its pages broke no rule of the CSP, threw nothing and failed no request it did not expect.
  const errors = pageErrors;
  pageErrors = [];
  expect(errors).toEqual([]);
});

const baseUrl = () => inject('baseUrl');

/**
 * A new browser (own cookies) on a page of the app. `expectedFailures`: API paths this test makes fail on
 * purpose (a wrong password answers 401, which Chromium reports on the console).
 */
async function open(
  path: string,
  options: BrowserContextOptions & { expectedFailures?: RegExp[] } = {},
): Promise<Page> {
  const { expectedFailures = [], ...contextOptions } = options;
  const context = await browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 800 },
    ...contextOptions,
  });
  contexts.push(context);
  const page = await context.newPage();
  collectPageErrors(page, pageErrors, expectedFailures);
  const response = await page.goto(new URL(path, baseUrl()).href);
  expect(response?.status()).toBe(200);
  return page;
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });
const banner = (page: Page) => page.getByRole('banner');
const plainSpaces = (text: string) => text.replace(/\s/g, ' ');

/** What has focus, for assertions on keyboard behaviour. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const input = element instanceof HTMLInputElement ? element : null;
    return {
      tag: element?.tagName.toLowerCase(),
      name: element?.getAttribute('name') ?? undefined,
      text: element?.textContent?.trim(),
      value: input?.value,
      selection: input && input.type !== 'email' ? [input.selectionStart, input.selectionEnd] : undefined,
      describedBy: element?.getAttribute('aria-describedby') ?? undefined,
    };
  });
}

/** Fills the login form and submits it with Enter; the caller waits for what should follow. */
async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByLabel('Mot de passe', { exact: true }).press('Enter');
}

async function expectSignedInAs(page: Page, name: string): Promise<void> {
  await banner(page).getByText(name, { exact: true }).waitFor();
  expect(await banner(page).getByRole('link', { name: 'Se connecter' }).count()).toBe(0);
}

async function sessionCookie(page: Page) {
  return (await page.context().cookies()).find((cookie) => cookie.name === 'maillage_session');
}

async function expectNoSeriousViolation(page: Page, where: string): Promise<void> {
  expect(await seriousAccessibilityViolations(page), where).toEqual([]);
}

describe('login', () => {
  test('the demo regulator logs in with the keyboard only; the header then shows his name and role', async () => {
    const page = await open('/connexion');
    await page.getByRole('textbox', { name: 'Adresse e-mail' }).waitFor();
    expect(await page.title()).toBe('Connexion — maillage');

    // Focus starts in the e-mail field; Tab leads to the password; Enter submits.
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'email' });
    await page.keyboard.type(REGULATOR.email);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'password' });
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');

    await heading(page, HOME_HEADING).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await expectSignedInAs(page, REGULATOR.name);
    const header = plainSpaces(await banner(page).innerText());
    expect(header).toContain('Médecin régulateur · SAS Loir-et-Cher');
    expect(await banner(page).getByRole('link', { name: 'Mon compte' }).getAttribute('href')).toBe('/compte');
    await banner(page).getByRole('button', { name: 'Se déconnecter' }).waitFor();

    // The session lives in an http-only cookie the page's scripts cannot read.
    const cookie = await sessionCookie(page);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('maillage_session');
  });

  test('the autocomplete hints and labels let password managers and screen readers do their part', async () => {
    const page = await open('/connexion');
    const email = page.getByRole('textbox', { name: 'Adresse e-mail' });
    await email.waitFor();
    expect(await email.getAttribute('autocomplete')).toBe('username');
    expect(await email.getAttribute('type')).toBe('email');
    const password = page.getByLabel('Mot de passe', { exact: true });
    expect(await password.getAttribute('autocomplete')).toBe('current-password');
    expect(await password.getAttribute('type')).toBe('password');
    expect(await page.getByRole('link', { name: 'Mot de passe oublié ?' }).getAttribute('href')).toBe(
      '/connexion/mot-de-passe-oublie',
    );

    // Submitting an empty form says what to do in one sentence and puts focus where to type.
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('Saisissez votre adresse e-mail et votre mot de passe.').waitFor();
    expect(await focused(page)).toMatchObject({ name: 'email' });
  });

  test('a wrong password gets one French sentence; focus stays in the password, selected, ready for the right one', async () => {
    const page = await open('/connexion', { expectedFailures: [/^\/api\/auth\/login$/] });
    await submitLogin(page, REGULATOR.email, 'ce-n-est-pas-le-bon');

    const alert = page.getByRole('alert');
    await alert.getByText('Adresse e-mail ou mot de passe incorrect.', { exact: true }).waitFor();
    const now = await focused(page);
    expect(now).toMatchObject({ tag: 'input', name: 'password', value: 'ce-n-est-pas-le-bon' });
    // The whole wrong password is selected: typing replaces it. The field points to the message.
    expect(now.selection).toEqual([0, 'ce-n-est-pas-le-bon'.length]);
    expect(now.describedBy).toBe(await alert.getAttribute('id'));
    expect(await sessionCookie(page)).toBeUndefined();

    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await heading(page, HOME_HEADING).waitFor();
    await expectSignedInAs(page, REGULATOR.name);
  });

  test('the demo accounts help is keyboard-operable: Enter on a profile fills the form and focuses the button', async () => {
    const page = await open('/connexion');
    await page.getByText('Comptes de démonstration', { exact: true }).waitFor();
    // Reached by Tab from the form, after the submit button and the "forgotten password" link.
    for (let stop = 0; stop < 6 && (await focused(page)).text !== 'Comptes de démonstration'; stop += 1) {
      await page.keyboard.press('Tab');
    }
    expect((await focused(page)).tag).toBe('summary');
    await page.keyboard.press('Enter');
    const help = page.locator('details.demo-accounts');
    expect(await help.getAttribute('open')).not.toBeNull();
    expect(plainSpaces(await help.innerText())).toContain(DEMO_PASSWORD);
    const buttons = help.getByRole('button');
    expect(await buttons.count()).toBe(9);
    for (const email of [REGULATOR.email, AGENCY.email, REFERENT.email, 'admin.national@demo.maillage.test']) {
      await help.getByRole('button', { name: new RegExp(email.replace(/\./g, '\\.')) }).waitFor();
    }

    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toContain('Médecin régulateur');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toContain('osnp@demo.maillage.test');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('textbox', { name: 'Adresse e-mail' }).inputValue()).toBe('osnp@demo.maillage.test');
    expect(await page.getByLabel('Mot de passe', { exact: true }).inputValue()).toBe(DEMO_PASSWORD);
    expect(await focused(page)).toMatchObject({ tag: 'button', text: 'Se connecter' });
  });

  test('logging out ends the session on the server, opens the login page, and Mon compte then asks to log in', async () => {
    const page = await open('/connexion', { expectedFailures: [/^\/api\/auth\/logout-everywhere$/] });
    await submitLogin(page, REGULATOR.email, DEMO_PASSWORD);
    await expectSignedInAs(page, REGULATOR.name);

    // Mon compte: identity, and the roles and territories as a table.
    await banner(page).getByRole('link', { name: 'Mon compte' }).click();
    await heading(page, 'Mon compte').waitFor();
    expect(await page.title()).toBe('Mon compte — maillage');
    const identity = plainSpaces(await page.getByRole('region', { name: 'Identité' }).innerText());
    expect(identity).toContain(REGULATOR.name);
    expect(identity).toContain(REGULATOR.email);
    const rows = page.getByRole('region', { name: 'Rôles et territoires' }).getByRole('row');
    expect(await rows.allInnerTexts()).toEqual(['Rôle\tTerritoire', 'Médecin régulateur\tSAS Loir-et-Cher']);
    await page
      .getByRole('region', { name: 'Double authentification' })
      .getByText('Non activée', { exact: true })
      .waitFor();
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await expectNoSeriousViolation(page, `/compte (${colorScheme})`);
    }

    // A state-changing request without the session's CSRF token is refused: the app's own requests carry it.
    const forged = await page.evaluate(async () => {
      const response = await fetch('/api/auth/logout-everywhere', { method: 'POST' });
      return { status: response.status, code: ((await response.json()) as { code: string }).code };
    });
    expect(forged).toEqual({ status: 403, code: 'csrf-failed' });

    const cookie = await sessionCookie(page);
    expect(cookie).toBeDefined();
    await banner(page).getByRole('button', { name: 'Se déconnecter' }).click();
    await heading(page, 'Connexion').waitFor();
    expect(new URL(page.url()).pathname).toBe('/connexion');
    await page.getByRole('status').getByText('Vous êtes déconnecté.').waitFor();
    await banner(page).getByRole('link', { name: 'Se connecter' }).waitFor();
    expect(await sessionCookie(page)).toBeUndefined();
    // The old cookie opens nothing any more, wherever it was copied.
    const replayed = await fetch(new URL('/api/auth/me', baseUrl()), {
      headers: { cookie: `maillage_session=${cookie!.value}` },
    });
    expect(replayed.status).toBe(401);

    await page.goto(new URL('/compte', baseUrl()).href);
    await heading(page, 'Connexion requise').waitFor();
    const loginLink = page.getByRole('main').getByRole('link', { name: 'Se connecter' });
    expect(await loginLink.getAttribute('href')).toBe('/connexion?retour=%2Fcompte');

    // Logging in from there comes back to the page asked for.
    await loginLink.click();
    await submitLogin(page, REGULATOR.email, DEMO_PASSWORD);
    await heading(page, 'Mon compte').waitFor();
    expect(new URL(page.url()).pathname).toBe('/compte');
  });
});

describe('password reset', () => {
  test('locked out after wrong passwords, ARS resets its password from the e-mailed link and logs in with the new one', async () => {
    const newPassword = 'quatre chevaux boivent du thé vert';
    const page = await open('/connexion', {
      expectedFailures: [/^\/api\/auth\/login$/, /^\/api\/auth\/password-reset\/complete$/],
    });

    // Five wrong passwords lock the account; the page says until when.
    await heading(page, 'Connexion').waitFor();
    await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(AGENCY.email);
    const password = page.getByLabel('Mot de passe', { exact: true });
    let lastAnswer = 0;
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await password.fill(`mauvais-essai-${attempt}`);
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await password.press('Enter');
      lastAnswer = (await answered).status();
    }
    expect(lastAnswer).toBe(429);
    const locked = plainSpaces(await page.getByRole('alert').innerText());
    expect(locked).toMatch(/^Trop d’essais infructueux : le compte est verrouillé pendant encore \d+ min\./);
    expect(locked).toMatch(/Nouvel essai possible à partir de \d{1,2} h \d{2}\.$/);

    // "Mot de passe oublié ?" carries the address typed; the answer is the server's, whoever asks.
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await heading(page, 'Mot de passe oublié').waitFor();
    const email = page.getByRole('textbox', { name: 'Adresse e-mail' });
    expect(await email.inputValue()).toBe(AGENCY.email);
    await email.press('Enter');
    const answer = page.getByRole('status');
    await answer.getByText('Si un compte actif correspond à cette adresse').waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'p' });
    await expectNoSeriousViolation(page, '/connexion/mot-de-passe-oublie (answered)');

    // Without a mail server, the mail is read on the developers' page; its link is followed with a click.
    await page.getByRole('link', { name: 'Courriels envoyés (développement)' }).first().click();
    await heading(page, 'Courriels envoyés (développement)').waitFor();
    const mail = page.getByRole('article').filter({ hasText: AGENCY.email }).first();
    await mail.waitFor();
    expect(await mail.getByRole('heading').innerText()).toBe('maillage : réinitialisation de votre mot de passe');
    await expectNoSeriousViolation(page, '/dev/courriels');
    const link = mail.getByRole('link');
    const href = (await link.getAttribute('href'))!;
    expect(href.startsWith(`${baseUrl()}/connexion/nouveau-mot-de-passe#jeton=`)).toBe(true);
    await link.click();

    // The token is read from the fragment, then gone from the address bar.
    await heading(page, 'Nouveau mot de passe').waitFor();
    await page.waitForURL((url) => url.hash === '');
    expect(await page.evaluate(() => window.location.href)).toBe(`${baseUrl()}/connexion/nouveau-mot-de-passe`);
    expect(plainSpaces(await page.getByRole('main').innerText())).toContain(
      'Choisissez un mot de passe d’au moins 12 caractères. Une phrase de plusieurs mots',
    );
    await expectNoSeriousViolation(page, '/connexion/nouveau-mot-de-passe');

    const first = page.getByLabel('Nouveau mot de passe', { exact: true });
    const second = page.getByLabel('Confirmez le nouveau mot de passe');
    expect(await first.getAttribute('autocomplete')).toBe('new-password');

    // Two different entries: said before anything is sent.
    await first.fill(newPassword);
    await second.fill(`${newPassword}s`);
    await second.press('Enter');
    await page.getByText('Les deux saisies diffèrent : retapez le même mot de passe.').waitFor();
    expect(await focused(page)).toMatchObject({ name: 'confirmation' });

    // A common password: the server's policy refuses it, its sentence shows under the field.
    await first.fill('motdepasse2024');
    await second.fill('motdepasse2024');
    await second.press('Enter');
    await page.getByText('Ce mot de passe figure parmi les plus courants').waitFor();
    expect(await focused(page)).toMatchObject({ name: 'new-password' });
    expect(await first.getAttribute('aria-invalid')).toBe('true');
    await expectNoSeriousViolation(page, '/connexion/nouveau-mot-de-passe (refused)');

    await first.fill(newPassword);
    await second.fill(newPassword);
    await second.press('Enter');
    await page.getByRole('status').getByText('Votre mot de passe est changé.').waitFor();

    // The reset lifted the lockout: the new password opens the account.
    await page.getByRole('main').getByRole('link', { name: 'Se connecter' }).click();
    await submitLogin(page, AGENCY.email, newPassword);
    await heading(page, HOME_HEADING).waitFor();
    await expectSignedInAs(page, AGENCY.name);
    expect(plainSpaces(await banner(page).innerText())).toContain('Lecteur ARS');

    // The link served once.
    await page.goto(href);
    await heading(page, 'Nouveau mot de passe').waitFor();
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('une autre phrase de passe');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('une autre phrase de passe');
    await page.getByLabel('Confirmez le nouveau mot de passe').press('Enter');
    await page
      .getByRole('alert')
      .getByText('Ce lien de réinitialisation est inconnu, déjà utilisé ou expiré')
      .waitFor();
    await page.getByRole('link', { name: 'Demander un nouveau lien' }).waitFor();

    await restoreDemoPassword(AGENCY.email);
  });

  test('the new-password page opened without its token says the link is incomplete', async () => {
    const page = await open('/connexion/nouveau-mot-de-passe');
    await heading(page, 'Nouveau mot de passe').waitFor();
    await page.getByRole('alert').getByText('Ce lien est incomplet').waitFor();
    expect(await page.getByRole('link', { name: 'Demander un nouveau lien' }).getAttribute('href')).toBe(
      '/connexion/mot-de-passe-oublie',
    );
  });
});

describe('second factor', () => {
  test('the referent enables TOTP from Mon compte; the next login asks for the code and accepts the next one', async () => {
    const page = await open('/connexion?retour=/compte', {
      expectedFailures: [/^\/api\/auth\/second-factor\/verify$/],
    });
    await submitLogin(page, REFERENT.email, DEMO_PASSWORD);
    await heading(page, 'Mon compte').waitFor();
    const section = page.getByRole('region', { name: 'Double authentification' });
    await section.getByText('Non activée', { exact: true }).waitFor();
    await section.getByRole('button', { name: 'Activer la double authentification' }).click();

    // The QR code shows as an image (the CSP allows data: images, nothing inline runs) with the key as text.
    const qr = section.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const key = await section.locator('dt:text-is("Clé de configuration") + dd').innerText();
    expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = key.replace(/\s/g, '');
    expect((await focused(page)).tag).toBe('h3');
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await expectNoSeriousViolation(page, `/compte, enrolment (${colorScheme})`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    const code = section.getByRole('textbox', { name: 'Code à 6 chiffres' });
    expect(await code.getAttribute('inputmode')).toBe('numeric');
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    await code.fill(totpCode(secret, Date.now()));
    await code.press('Enter');
    const enabled = section.getByRole('status');
    await enabled.getByText('Activée', { exact: true }).waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'p' });

    // A fresh browser: the password is not enough any more.
    const next = await open('/connexion', { expectedFailures: [/^\/api\/auth\/second-factor\/verify$/] });
    await submitLogin(next, REFERENT.email, DEMO_PASSWORD);
    await next.getByRole('heading', { name: 'Code de votre application d’authentification' }).waitFor();
    expect(await focused(next)).toMatchObject({ tag: 'input', name: 'code' });
    await banner(next).getByRole('link', { name: 'Se connecter' }).waitFor();
    await expectNoSeriousViolation(next, '/connexion, code step');

    // A wrong code: one sentence, the field emptied and still focused.
    await next.keyboard.type(totpCode(secret, Date.now() - 10 * 60_000));
    await next.keyboard.press('Enter');
    await next.getByRole('alert').getByText('Ce code est incorrect ou a déjà servi').waitFor();
    expect(await focused(next)).toMatchObject({ name: 'code', value: '' });

    // The code of the next 30-second step (the one just used at enrolment cannot serve twice).
    await next.keyboard.type(totpCode(secret, Date.now() + 30_000));
    await next.keyboard.press('Enter');
    await heading(next, HOME_HEADING).waitFor();
    await expectSignedInAs(next, REFERENT.name);
    expect(plainSpaces(await banner(next).innerText())).toContain('Référent territorial · SAS Loir-et-Cher');
  });
});

describe('accessibility of the accounts pages', () => {
  test('no serious or critical violation on the login, reset and mail pages, light and dark', async () => {
    const pages = [
      { path: '/connexion', heading: 'Connexion' },
      { path: '/connexion/mot-de-passe-oublie', heading: 'Mot de passe oublié' },
      { path: '/connexion/nouveau-mot-de-passe#jeton=jeton-de-demonstration-inconnu', heading: 'Nouveau mot de passe' },
      { path: '/dev/courriels', heading: 'Courriels envoyés (développement)' },
    ];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const { path, heading: name } of pages) {
        const page = await open(path, { colorScheme });
        await heading(page, name).waitFor();
        if (path === '/connexion') await page.getByText('Comptes de démonstration', { exact: true }).click();
        if (path === '/dev/courriels') await page.getByRole('button', { name: 'Actualiser' }).waitFor();
        await expectNoSeriousViolation(page, `${path} (${colorScheme})`);
        await page.context().close();
      }
    }
  });

  test('at 200 % zoom on a laptop (640 CSS px wide) the accounts pages need no horizontal scrolling', async () => {
    for (const path of [
      '/connexion',
      '/connexion/mot-de-passe-oublie',
      '/connexion/nouveau-mot-de-passe',
      '/dev/courriels',
    ]) {
      const page = await open(path, { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
      await page.locator('main h1').waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
      await page.context().close();
    }
  });
});

/**
 * Puts a demo account's password back through the reset API, as another e2e file may log in with it.
 * The same public routes the pages use: request, read the mail on the developers' route, complete.
 */
async function restoreDemoPassword(email: string): Promise<void> {
  const requested = await fetch(new URL('/api/auth/password-reset', baseUrl()), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(requested.status).toBe(202);
  const mails = (await (await fetch(new URL('/api/dev/mails', baseUrl()))).json()) as { to: string; text: string }[];
  const token = mails.find((mail) => mail.to === email)?.text.match(/#jeton=([\w-]+)/)?.[1];
  expect(token).toBeDefined();
  const completed = await fetch(new URL('/api/auth/password-reset/complete', baseUrl()), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: DEMO_PASSWORD }),
  });
  expect(completed.status).toBe(204);
}
