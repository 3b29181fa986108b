import fs from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { collectPageErrors, launchBrowser, seriousAccessibilityViolations } from './browser.ts';

/*
 * The administration space in a real Chromium against the real server (shared with the other e2e files).
 * The demo accounts are only read here, or used to log in with (national administrator, account
 * administrator of SAS Loir-et-Cher, regulator): every change is made on accounts these tests create,
 * with a name of their own (agent.test.<time>@exemple.fr).
 *
 * Each account logs in once for the whole file, through the API, and each test's browser gets that
 * session's cookie: every e2e file comes from the same address, and the login route allows 20 attempts a
 * minute per address (the login page itself is auth.e2e.test.ts's subject).
 */

const DEMO_PASSWORD = 'demo-maillage-41';
const NATIONAL_ADMIN = { email: 'admin.national@demo.maillage.test', name: 'Alex Démo (admin national)' };
const ACCOUNT_ADMIN = { email: 'admin.comptes@demo.maillage.test', name: 'Sacha Démo (admin comptes)' };
const REGULATOR = { email: 'regulateur@demo.maillage.test', name: 'Dr Camille Démo (régulateur)' };
const SAS = 'SAS Loir-et-Cher';
const CPTS = 'CPTS du Blaisois (démo)';
const ACCOUNTS_PATH = '/administration/comptes';

let browser: Browser;
let contexts: BrowserContext[] = [];
let pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  for (const account of [NATIONAL_ADMIN, ACCOUNT_ADMIN, REGULATOR]) await apiSession(account.email, DEMO_PASSWORD);
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

async function open(
  path: string,
  options: BrowserContextOptions & { expectedFailures?: RegExp[]; sessionCookie?: string } = {},
): Promise<Page> {
  const { expectedFailures = [], sessionCookie, ...contextOptions } = options;
  const context = await browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    ...contextOptions,
  });
  contexts.push(context);
  if (sessionCookie !== undefined) {
    const [name, value] = sessionCookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: baseUrl(), httpOnly: true, sameSite: 'Lax' }]);
  }
  const page = await context.newPage();
  collectPageErrors(page, pageErrors, expectedFailures);
  const response = await page.goto(new URL(path, baseUrl()).href);
  expect(response?.status()).toBe(200);
  return page;
}

/** A new browser with this account's session (see `apiSession`), on `path`. */
async function openAs(
  account: { email: string; name: string },
  path: string,
  options: BrowserContextOptions & { expectedFailures?: RegExp[]; password?: string } = {},
): Promise<Page> {
  const { password = DEMO_PASSWORD, ...rest } = options;
  const { cookie } = await apiSession(account.email, password);
  const page = await open(path, { ...rest, sessionCookie: cookie });
  await page.getByRole('banner').getByText(account.name, { exact: true }).waitFor();
  return page;
}

const SESSION_COOKIE = 'maillage_session';
const sessions = new Map<string, { cookie: string; csrfToken: string }>();

/**
 * Logs in through the API, once per account for the file, as a script would: the session cookie
 * (`maillage_session=…`) and its CSRF token. A 429 (the other files' logins in the same minute) is waited
 * out as the server's Retry-After says.
 */
async function apiSession(email: string, password: string): Promise<{ cookie: string; csrfToken: string }> {
  const known = sessions.get(email);
  if (known) return known;
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(new URL('/api/auth/login', baseUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status === 429 && attempt < 4) {
      const seconds = Number(response.headers.get('retry-after') ?? '10');
      await new Promise((resolve) => setTimeout(resolve, (Math.min(seconds, 60) + 1) * 1000));
      continue;
    }
    expect(response.status, `login of ${email}`).toBe(200);
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const cookie = response.headers
      .getSetCookie()
      .map((header) => header.split(';')[0]!)
      .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
    expect(cookie).toBeDefined();
    const session = { cookie: cookie!, csrfToken };
    sessions.set(email, session);
    return session;
  }
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });
const plainSpaces = (text: string) => text.replace(/\s/g, ' ');
const accountTable = (page: Page) => page.getByRole('region', { name: /^Comptes, triés par/ });
const accountRows = (page: Page) => accountTable(page).locator('tbody tr');
const filters = (page: Page) => page.getByRole('search', { name: 'Filtrer les comptes' });
const searchParams = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

/** The names in the accounts table (its rows' links), in its order. */
async function accountNames(page: Page): Promise<string[]> {
  return accountRows(page).locator('th a').allInnerTexts();
}

async function expectNoSeriousViolation(page: Page, where: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousAccessibilityViolations(page), `${where} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The texts of a table's body rows, cell by cell. */
async function rowTexts(rows: Locator): Promise<string[][]> {
  return rows.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => (cell as HTMLElement).innerText.trim())),
  );
}

/** A JSON route read in the page, with its session (the same answer the page itself gets). */
async function apiGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (url) => {
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }, path);
}

async function territoryId(page: Page, name: string): Promise<string> {
  const territories = await apiGet<{ id: string; name: string }[]>(page, '/api/territories');
  const found = territories.find((t) => t.name === name);
  expect(found, name).toBeDefined();
  return found!.id;
}

/** The links listed under the Administration entry of the header (other entries may come and go). */
async function areaLinks(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  const listId = await nav.getByRole('button', { name: /^Administration/ }).getAttribute('aria-controls');
  return page.locator(`[id="${listId}"]`).getByRole('link').allInnerTexts();
}

/** What has focus, for assertions on keyboard behaviour. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return {
      tag: element?.tagName.toLowerCase(),
      name: element?.getAttribute('name') ?? undefined,
      text: element?.textContent?.trim(),
      expanded: element?.getAttribute('aria-expanded') ?? undefined,
    };
  });
}

describe('the administration area of the navigation', () => {
  test('administrators get an "Administration" entry that opens with the keyboard and closes with Escape', async () => {
    const page = await openAs(NATIONAL_ADMIN, '/');
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    const area = nav.getByRole('button', { name: /^Administration/ });
    expect(await area.getAttribute('aria-expanded')).toBe('false');
    // The pages are not listed (nor reachable by Tab) while the area is closed.
    expect(await nav.getByRole('link', { name: 'Comptes' }).count()).toBe(0);

    await area.focus();
    await page.keyboard.press('Enter');
    expect(await area.getAttribute('aria-expanded')).toBe('true');
    expect(await areaLinks(page)).toEqual(['Comptes', 'Usage par profil', 'Journal d’audit']);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Comptes' });
    await page.keyboard.press('Escape');
    expect(await focused(page)).toMatchObject({ tag: 'button', expanded: 'false' });
    expect(await nav.getByRole('link', { name: 'Comptes' }).count()).toBe(0);

    // Choosing a page opens it and closes the list; the area then says it holds the current page.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Usage par profil' });
    await page.keyboard.press('Enter');
    await heading(page, 'Usage par profil').waitFor();
    expect(await area.getAttribute('aria-expanded')).toBe('false');
    expect(plainSpaces(await area.innerText())).toContain('Administration');
    expect(await area.textContent()).toContain('rubrique de la page en cours');
  });

  test('a regulator has no Administration area, and the pages opened directly say access is refused', async () => {
    const page = await openAs(REGULATOR, '/');
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await nav.getByRole('link', { name: 'Accueil' }).waitFor();
    expect(await nav.getByRole('button', { name: /Administration/ }).count()).toBe(0);
    expect(plainSpaces(await nav.innerText())).not.toContain('Comptes');

    for (const path of [ACCOUNTS_PATH, '/administration/usage', '/administration/audit', `${ACCOUNTS_PATH}/nouveau`]) {
      await page.goto(new URL(path, baseUrl()).href);
      await heading(page, 'Accès refusé').waitFor();
      const text = plainSpaces(await page.getByRole('main').innerText());
      expect(text, path).toMatch(
        /est réservée aux profils suivants : Administrateur national, Administrateur de comptes/,
      );
      expect(text, path).toContain('adressez-vous à l’administrateur des comptes de votre territoire');
    }
    await expectNoSeriousViolation(page, 'Accès refusé');
  });
});

describe('accounts', () => {
  test('the list filtered by profile keeps its filter in the address: reload, back and forward', async () => {
    const page = await openAs(NATIONAL_ADMIN, ACCOUNTS_PATH);
    await heading(page, 'Comptes').waitFor();
    await accountRows(page).first().waitFor();
    const everyone = await rowTexts(accountRows(page));
    expect(await accountNames(page)).toEqual(expect.arrayContaining([NATIONAL_ADMIN.name, REGULATOR.name]));
    // Last login in relative French words, the second factor and the lock in words.
    const admin = everyone.find((row) => row[0]?.startsWith(NATIONAL_ADMIN.name))!;
    expect(admin[1]).toBe(NATIONAL_ADMIN.email);
    expect(admin[2]).toBe('Administrateur national · France');
    expect(admin[3]).toBe('Actif');
    expect(plainSpaces(admin[4]!)).toMatch(/^(à l’instant|il y a \d+ (min|h|j))$/);
    expect(admin[5]).toMatch(/^(oui|non)$/);
    await expectNoSeriousViolation(page, ACCOUNTS_PATH);

    await filters(page).getByLabel('Profil').selectOption({ label: 'Médecin régulateur' });
    await page.waitForURL((url) => url.searchParams.get('profil') === 'regulator');
    await page
      .getByRole('status')
      .getByText(/^\d+ comptes?\./)
      .waitFor();
    await expect.poll(() => accountNames(page)).not.toContain(NATIONAL_ADMIN.name);
    expect(await accountNames(page)).toContain(REGULATOR.name);
    const regulators = await rowTexts(accountRows(page));
    expect(regulators.every((row) => row[2]!.includes('Médecin régulateur'))).toBe(true);
    const regulatorRow = regulators.find((row) => row[0]!.startsWith(REGULATOR.name))!;
    expect(regulatorRow[1]).toBe(REGULATOR.email);

    await page.reload();
    await heading(page, 'Comptes').waitFor();
    expect(await filters(page).getByLabel('Profil').inputValue()).toBe('regulator');
    await accountTable(page).getByRole('link', { name: REGULATOR.name }).waitFor();
    expect(searchParams(page)).toEqual({ profil: 'regulator' });

    await page.goBack();
    await page.waitForURL((url) => url.search === '');
    await accountTable(page).getByRole('link', { name: NATIONAL_ADMIN.name }).waitFor();
    await expect.poll(() => filters(page).getByLabel('Profil').inputValue()).toBe('');
    await page.goForward();
    await page.waitForURL((url) => url.searchParams.get('profil') === 'regulator');
    await expect.poll(() => filters(page).getByLabel('Profil').inputValue()).toBe('regulator');
    await expect.poll(() => accountTable(page).getByRole('link', { name: NATIONAL_ADMIN.name }).count()).toBe(0);

    // The search box applies itself after a pause, and joins the profile in the address.
    await filters(page).getByLabel('Nom ou adresse e-mail').fill('camille');
    await page.waitForURL((url) => url.searchParams.get('q') === 'camille');
    expect(searchParams(page)).toEqual({ profil: 'regulator', q: 'camille' });
    await accountTable(page).getByRole('link', { name: REGULATOR.name }).waitFor();

    // "Effacer les filtres" clears the box too.
    await filters(page).getByRole('link', { name: 'Effacer les filtres' }).click();
    await page.waitForURL((url) => url.search === '');
    await expect.poll(() => filters(page).getByLabel('Nom ou adresse e-mail').inputValue()).toBe('');
    expect(await filters(page).getByLabel('Profil').inputValue()).toBe('');
  });

  test('the table sorts by a column header with the keyboard; the order is said and kept in the address', async () => {
    const page = await openAs(NATIONAL_ADMIN, ACCOUNTS_PATH);
    await accountRows(page).first().waitFor();
    const nameHeader = accountTable(page).locator('th[aria-sort]');
    expect(await nameHeader.innerText()).toContain('Nom');
    expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
    const names = () => accountNames(page);
    const ascending = await names();
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, 'fr', { sensitivity: 'base' })));

    await accountTable(page).getByRole('button', { name: 'Nom' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('ordre') === 'decroissant');
    await expect.poll(() => accountTable(page).locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    expect(await names()).toEqual([...ascending].reverse());

    await accountTable(page).getByRole('button', { name: 'Dernière connexion' }).click();
    await page.waitForURL((url) => url.searchParams.get('tri') === 'connexion');
    const sorted = accountTable(page).locator('th[aria-sort]');
    await expect.poll(() => sorted.innerText()).toContain('Dernière connexion');
    expect(await sorted.getAttribute('aria-sort')).toBe('ascending');
    // Ascending: the oldest logins first, the accounts never connected at the end.
    const logins = (await rowTexts(accountRows(page))).map((row) => row[4]);
    const firstNever = logins.indexOf('jamais');
    expect(firstNever).toBeGreaterThan(0);
    expect(logins.slice(firstNever).every((value) => value === 'jamais')).toBe(true);

    // The row's link opens the account, and the breadcrumb leads back to the list as it was.
    await accountTable(page).getByRole('link', { name: NATIONAL_ADMIN.name }).focus();
    await page.keyboard.press('Enter');
    await heading(page, NATIONAL_ADMIN.name).waitFor();
    await page.getByRole('navigation', { name: 'Fil d’Ariane' }).getByRole('link', { name: 'Comptes' }).click();
    await page.waitForURL((url) => url.pathname === ACCOUNTS_PATH && url.searchParams.get('tri') === 'connexion');
  });

  test('create an OSNP account, see the invitation, deactivate, reactivate, edit, add and remove a profile; usage and audit follow', async () => {
    const stamp = Date.now();
    const email = `agent.test.${stamp}@exemple.fr`;
    const name = `Agent Test ${stamp}`;
    const page = await openAs(NATIONAL_ADMIN, ACCOUNTS_PATH, {
      // Refusals provoked on purpose: an address already taken, at creation and at edition.
      expectedFailures: [/^\/api\/accounts\/?$/, /^\/api\/accounts\/[0-9a-f-]{36}$/],
    });
    await page.getByRole('link', { name: 'Nouveau compte' }).click();
    await heading(page, 'Nouveau compte').waitFor();
    await page.getByRole('textbox', { name: 'Adresse e-mail' }).waitFor();
    await expectNoSeriousViolation(page, `${ACCOUNTS_PATH}/nouveau`);

    // Nothing typed: each problem under its field, focus on the first.
    await page.getByRole('button', { name: 'Créer le compte et envoyer l’invitation' }).click();
    await page.getByText('Saisissez une adresse e-mail valide (nom@domaine.fr).').waitFor();
    await page.getByText('Choisissez un profil.').waitFor();
    await page.getByText('Choisissez un territoire.').waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'email' });
    expect(await page.getByRole('textbox', { name: 'Adresse e-mail' }).getAttribute('aria-invalid')).toBe('true');

    // An address already taken: the server's sentence, and its field error under the field.
    await page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(ACCOUNT_ADMIN.email);
    await page.getByRole('textbox', { name: 'Nom affiché' }).fill(name);
    await page.getByLabel('Profil', { exact: true }).selectOption({ label: 'Opérateur OSNP / ARM' });
    await page.getByLabel('Territoire', { exact: true }).selectOption({ label: SAS });
    await page.getByRole('button', { name: 'Créer le compte et envoyer l’invitation' }).click();
    await page.getByRole('alert').getByText(`Un compte existe déjà avec l’adresse ${ACCOUNT_ADMIN.email}.`).waitFor();
    const emailField = page.getByRole('textbox', { name: 'Adresse e-mail' });
    const describedBy = (await emailField.getAttribute('aria-describedby'))!.split(' ');
    expect(await page.locator(`[id="${describedBy[0]}"]`).innerText()).toContain('Adresse déjà utilisée.');
    await expect.poll(async () => (await focused(page)).name).toBe('email');
    await expectNoSeriousViolation(page, `${ACCOUNTS_PATH}/nouveau (refused)`);

    // Two lines, then one removed: the form keeps the first.
    await page.getByRole('button', { name: 'Ajouter un autre profil' }).click();
    await expect.poll(async () => (await focused(page)).name).toBe('grants.1.role');
    await page.getByRole('button', { name: 'Retirer la ligne 2' }).click();
    expect(await page.getByLabel(/^Profil/).count()).toBe(1);

    await emailField.fill(email);
    await page.getByRole('button', { name: 'Créer le compte et envoyer l’invitation' }).click();
    await page.waitForURL((url) => /^\/administration\/comptes\/[0-9a-f-]{36}$/.test(url.pathname));
    const accountId = new URL(page.url()).pathname.split('/').pop()!;
    await heading(page, name).waitFor();
    const created = page.getByRole('status').filter({ hasText: 'Compte créé' });
    expect(plainSpaces(await created.innerText())).toBe(
      `Compte créé. Une invitation a été envoyée à ${email} : elle contient un lien pour choisir son mot de passe.`,
    );
    const identity = page.getByRole('region', { name: 'Identité' });
    expect(plainSpaces(await identity.innerText())).toContain(email);
    const grants = page.getByRole('region', { name: 'Profils et territoires' });
    expect(await rowTexts(grants.locator('tbody tr'))).toEqual([['Opérateur OSNP / ARM', SAS, 'Retirer']]);
    const status = page.getByRole('region', { name: 'Statut et sécurité' });
    const statusValue = status.locator('dt:text-is("Statut") + dd');
    expect(await statusValue.innerText()).toBe('Actif');
    expect(await status.locator('dt:text-is("Dernière connexion") + dd').innerText()).toBe('jamais');
    await expectNoSeriousViolation(page, `${ACCOUNTS_PATH}/:id`);

    // The invitation, on the developers' mail page.
    const mails = await open('/dev/courriels');
    const mail = mails.getByRole('article').filter({ hasText: email });
    await mail.waitFor();
    expect(await mail.getByRole('heading').innerText()).toBe('maillage : votre compte a été créé');
    expect(await mail.getByRole('link').first().getAttribute('href')).toMatch(
      new RegExp(`^${baseUrl()}/connexion/nouveau-mot-de-passe#jeton=`),
    );

    // Deactivation asks first, in place, saying the sessions end now.
    await status.getByRole('button', { name: 'Désactiver le compte' }).click();
    const question = plainSpaces(await status.locator('.confirmation').innerText());
    expect(question).toContain(`Désactiver le compte de ${name} ?`);
    expect(question).toContain('Ses sessions ouvertes se ferment maintenant');
    expect((await focused(page)).text).toContain('Ses sessions ouvertes se ferment maintenant');
    await expectNoSeriousViolation(page, `${ACCOUNTS_PATH}/:id (confirmation)`);
    // "Annuler" changes nothing and gives focus back to the button.
    await status.getByRole('button', { name: 'Annuler' }).click();
    await expect.poll(async () => (await focused(page)).text).toBe('Désactiver le compte');
    expect(await statusValue.innerText()).toBe('Actif');

    await status.getByRole('button', { name: 'Désactiver le compte' }).click();
    await status.getByRole('button', { name: 'Oui, désactiver maintenant' }).click();
    await status.getByRole('status').getByText('Compte désactivé : ses sessions ouvertes sont fermées').waitFor();
    expect(await statusValue.innerText()).toBe('Désactivé');
    expect((await apiGet<{ status: string }>(page, `/api/accounts/${accountId}`)).status).toBe('disabled');

    await status.getByRole('button', { name: 'Réactiver le compte' }).click();
    await status.getByRole('status').getByText('Compte réactivé : il peut de nouveau se connecter.').waitFor();
    expect(await statusValue.innerText()).toBe('Actif');

    // The identity is edited in place; a taken address is said under its field.
    await identity.getByRole('button', { name: 'Modifier l’identité' }).click();
    const nameField = identity.getByRole('textbox', { name: 'Nom affiché' });
    expect(await focused(page)).toMatchObject({ name: 'displayName' });
    await nameField.fill(`${name} (modifié)`);
    await identity.getByRole('textbox', { name: 'Adresse e-mail' }).fill(REGULATOR.email);
    await identity.getByRole('button', { name: 'Enregistrer' }).click();
    await identity.getByText('Adresse déjà utilisée.').waitFor();
    expect(await identity.getByRole('textbox', { name: 'Adresse e-mail' }).getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('email');
    await identity.getByRole('textbox', { name: 'Adresse e-mail' }).fill(email);
    await identity.getByRole('button', { name: 'Enregistrer' }).click();
    await identity.getByRole('status').getByText('Identité enregistrée.').waitFor();
    await heading(page, `${name} (modifié)`).waitFor();

    // A second profile on another territory, then removed.
    const addForm = grants.getByRole('form', { name: 'Ajouter un profil' });
    await addForm.getByLabel('Profil').selectOption({ label: 'Médecin régulateur' });
    await addForm.getByLabel('Territoire').selectOption({ label: CPTS });
    await addForm.getByRole('button', { name: 'Ajouter le profil' }).click();
    await grants.getByRole('status').getByText(`Profil « Médecin régulateur » ajouté sur ${CPTS}.`).waitFor();
    expect((await rowTexts(grants.locator('tbody tr'))).sort()).toEqual([
      ['Médecin régulateur', CPTS, 'Retirer'],
      ['Opérateur OSNP / ARM', SAS, 'Retirer'],
    ]);
    await grants.getByRole('button', { name: `Retirer le profil Médecin régulateur sur ${CPTS}` }).click();
    await grants.getByRole('status').getByText(`Profil « Médecin régulateur » retiré sur ${CPTS}.`).waitFor();
    expect(await rowTexts(grants.locator('tbody tr'))).toEqual([['Opérateur OSNP / ARM', SAS, 'Retirer']]);

    // The account's recent audit events, on its page.
    const recent = page.getByRole('region', { name: /^Journal d’audit/ });
    await expect
      .poll(async () => (await rowTexts(recent.locator('tbody tr'))).map((row) => row[2]))
      .toEqual(
        expect.arrayContaining([
          expect.stringContaining('account.create'),
          expect.stringContaining('account.disable'),
          expect.stringContaining('account.enable'),
          expect.stringContaining('account.update'),
          expect.stringContaining('account.grant'),
          expect.stringContaining('account.revoke'),
        ]),
      );

    // Usage: the OSNP row of SAS Loir-et-Cher counts what the account list says, the new account included.
    const sasId = await territoryId(page, SAS);
    const osnp = await apiGet<{ id: string; lastLoginAt: string | null }[]>(
      page,
      `/api/accounts?role=osnp-operator&territoryId=${sasId}&status=active&limit=500`,
    );
    const thisWeek = await apiGet<unknown[]>(
      page,
      `/api/accounts?role=osnp-operator&territoryId=${sasId}&status=active&connected=this-week&limit=500`,
    );
    expect(osnp.map((a) => a.id)).toContain(accountId);
    const expected = [
      'Opérateur OSNP / ARM',
      SAS,
      String(osnp.length),
      String(osnp.filter((a) => a.lastLoginAt !== null).length),
      String(osnp.filter((a) => a.lastLoginAt === null).length),
      String(thisWeek.length),
    ];

    await page.goto(new URL('/administration/usage', baseUrl()).href);
    await heading(page, 'Usage par profil').waitFor();
    const usageTable = page.getByRole('region', { name: 'Par profil et territoire', exact: true });
    await usageTable.locator('tbody tr').first().waitFor();
    const usageRows = await rowTexts(usageTable.locator('tbody tr'));
    expect(usageRows.find((row) => row[0] === 'Opérateur OSNP / ARM' && row[1] === SAS)).toEqual(expected);
    // The totals are the sums of the rows.
    const totals = await rowTexts(usageTable.locator('tfoot tr'));
    for (const column of [2, 3, 4, 5]) {
      const sum = usageRows.reduce((total, row) => total + Number(row[column]), 0);
      expect(Number(totals[0]![column - 1]), `column ${column}`).toBe(sum);
    }
    // The chart: one group of bars per profile, each bar with its name and count in text.
    const chart = page.getByRole('img', { name: /^Graphique en barres, par profil/ });
    const accounts = `${osnp.length} compte${osnp.length > 1 ? 's' : ''}`;
    expect(plainSpaces((await page.locator('figcaption').textContent())!)).toContain(
      `Opérateur OSNP / ARM : ${accounts}, ${expected[3]} déjà connecté`,
    );
    const chartText = await chart.locator('text').allTextContents();
    expect(chartText).toContain(`Opérateur OSNP / ARM — ${accounts}`);
    expect(chartText).toEqual(expect.arrayContaining(['Déjà connectés', 'Jamais connectés', 'Cette semaine']));
    await expectNoSeriousViolation(page, '/administration/usage');

    // The CSV is made in the page: a BOM, semicolons, the same OSNP row.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Exporter (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^usage-par-profil-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('profil;territoire;comptes actifs;déjà connectés;jamais connectés;connectés cette semaine');
    expect(lines).toContain(expected.join(';'));
    expect(lines.at(-2)).toMatch(/^Total;;\d+;\d+;\d+;\d+$/);

    // The audit log, filtered on the account from its page, then on the creation.
    await page.goto(new URL(`${ACCOUNTS_PATH}/${accountId}`, baseUrl()).href);
    await page.getByRole('link', { name: 'Tous les événements sur ce compte' }).click();
    await heading(page, 'Journal d’audit').waitFor();
    expect(searchParams(page)).toEqual({ objet: accountId });
    const auditTable = page.getByRole('region', { name: /^Événements du journal d’audit/ });
    await auditTable.locator('tbody tr').first().waitFor();
    const actions = (await rowTexts(auditTable.locator('tbody tr'))).map((row) => row[3]);
    // Newest first: the creation is the last one.
    expect(actions.at(-1)).toContain('account.create');
    expect(actions[0]).toContain('account.revoke');

    const auditFilters = page.getByRole('search', { name: 'Filtrer le journal' });
    expect(await auditFilters.getByLabel('Objet (identifiant)').inputValue()).toBe(accountId);
    await auditFilters.getByLabel('Action').fill('account.create');
    await auditFilters.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'account.create');
    expect(searchParams(page)).toEqual({ action: 'account.create', objet: accountId });
    await expect.poll(() => auditTable.locator('tbody tr').count()).toBe(1);
    const [creation] = await rowTexts(auditTable.locator('tbody tr'));
    expect(creation![2]).toBe(NATIONAL_ADMIN.name + '\nses actions');
    expect(creation![3]).toBe('Création de compte\naccount.create');
    expect(creation![4]).toBe('Réussi');
    expect(creation![8]).toBe('roles : osnp-operator');

    await page.reload();
    await heading(page, 'Journal d’audit').waitFor();
    expect(await auditFilters.getByLabel('Action').inputValue()).toBe('account.create');
    await expect.poll(() => auditTable.locator('tbody tr').count()).toBe(1);
    await expectNoSeriousViolation(page, '/administration/audit');

    // "Exporter (CSV)" carries the same filters; the file holds the creation.
    const csvLink = page.getByRole('link', { name: 'Exporter (CSV)' });
    const href = new URL((await csvLink.getAttribute('href'))!, baseUrl());
    expect(href.pathname).toBe('/api/audit/events.csv');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      action: 'account.create',
      object: accountId,
      limit: '1000',
    });
    const exported = await page.context().request.get(href.href);
    expect(exported.status()).toBe(200);
    expect(exported.headers()['content-type']).toContain('text/csv');
    const exportedLines = (await exported.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(exportedLines).toHaveLength(2);
    expect(exportedLines[1]).toContain(`;account.create;success;account;${accountId};`);
  });
});

describe('the account administrator of SAS Loir-et-Cher', () => {
  test('sees the accounts of his territory only, and the other territories’ accounts are not found', async () => {
    const page = await openAs(ACCOUNT_ADMIN, ACCOUNTS_PATH, { expectedFailures: [/^\/api\/accounts\/[0-9a-f-]{36}$/] });
    await heading(page, 'Comptes').waitFor();
    await accountRows(page).first().waitFor();
    const rows = await rowTexts(accountRows(page));
    expect(await accountNames(page)).toContain(REGULATOR.name);
    expect(await accountNames(page)).not.toContain(NATIONAL_ADMIN.name);
    // Each account listed holds a profile on his territory.
    for (const row of rows) expect(row[2], row[0]).toContain(`· ${SAS}`);
    // The territory filter offers his territory only.
    const options = await filters(page).getByLabel('Territoire').locator('option').allInnerTexts();
    expect(options).toEqual(['Tous les territoires', SAS]);
    await expectNoSeriousViolation(page, `${ACCOUNTS_PATH} (administrateur de comptes)`);

    // He creates accounts on his territory, never "Administrateur national" (which reaches everywhere).
    await page.getByRole('link', { name: 'Nouveau compte' }).click();
    await heading(page, 'Nouveau compte').waitFor();
    expect(await page.getByLabel('Territoire', { exact: true }).locator('option').allInnerTexts()).toEqual([
      'Choisir…',
      SAS,
    ]);
    const profiles = await page.getByLabel('Profil', { exact: true }).locator('option').allInnerTexts();
    expect(profiles).toContain('Opérateur OSNP / ARM');
    expect(profiles).not.toContain('Administrateur national');

    // The national administrator's account, opened by its address (read in his own browser): not found, as if it
    // did not exist.
    const national = await openAs(NATIONAL_ADMIN, ACCOUNTS_PATH);
    await accountRows(national).first().waitFor();
    const href = await accountTable(national).getByRole('link', { name: NATIONAL_ADMIN.name }).getAttribute('href');
    await page.goto(new URL(href!, baseUrl()).href);
    await heading(page, 'Compte introuvable').waitFor();

    // The audit log is his to read, within his reach.
    await page.goto(new URL('/administration/audit', baseUrl()).href);
    await heading(page, 'Journal d’audit').waitFor();
    await page.getByRole('region', { name: /^Événements du journal d’audit/ }).waitFor();
  });
});

describe('a territorial referent', () => {
  test('reads the accounts and the usage of his territory, changes nothing, and has no audit log', async () => {
    // A referent of its own (the demo referent has a second factor, set by another file): created by the national
    // administrator through the API, his password chosen from the invitation, as a newcomer would.
    const stamp = Date.now();
    const referent = { email: `referent.test.${stamp}@exemple.fr`, name: `Référent Test ${stamp}` };
    const password = 'trois pommes vertes sur la table';
    const session = await apiSession(NATIONAL_ADMIN.email, DEMO_PASSWORD);
    const territories = (await (
      await fetch(new URL('/api/territories', baseUrl()), { headers: { cookie: session.cookie } })
    ).json()) as {
      id: string;
      name: string;
    }[];
    const sasId = territories.find((t) => t.name === SAS)!.id;
    const created = await fetch(new URL('/api/accounts', baseUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({
        email: referent.email,
        displayName: referent.name,
        grants: [{ role: 'territorial-referent', territoryId: sasId }],
      }),
    });
    expect(created.status).toBe(201);
    await acceptInvitation(referent.email, password);

    const page = await openAs(referent, ACCOUNTS_PATH, { password });
    await heading(page, 'Comptes').waitFor();
    await accountRows(page).first().waitFor();
    expect(await accountNames(page)).toContain(REGULATOR.name);
    expect(plainSpaces(await page.getByRole('main').innerText())).toContain('Consultation seule');
    expect(await page.getByRole('link', { name: 'Nouveau compte' }).count()).toBe(0);

    // His Administration area: accounts and usage, not the audit log.
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await nav.getByRole('button', { name: /^Administration/ }).click();
    expect(await areaLinks(page)).toEqual(['Comptes', 'Usage par profil']);
    await page.keyboard.press('Escape');

    // An account's page without any button that changes it, nor the audit section.
    await accountTable(page).getByRole('link', { name: REGULATOR.name }).click();
    await heading(page, REGULATOR.name).waitFor();
    await page.getByRole('region', { name: 'Profils et territoires' }).locator('tbody tr').first().waitFor();
    expect(plainSpaces(await page.getByRole('main').innerText())).toContain('Consultation seule');
    expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Ajouter un profil' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: /^Journal d’audit/ }).count()).toBe(0);
    await expectNoSeriousViolation(page, `${ACCOUNTS_PATH}/:id (référent)`);

    await page.goto(new URL('/administration/usage', baseUrl()).href);
    await page
      .getByRole('region', { name: 'Par profil et territoire', exact: true })
      .locator('tbody tr')
      .first()
      .waitFor();
    for (const path of ['/administration/audit', `${ACCOUNTS_PATH}/nouveau`]) {
      await page.goto(new URL(path, baseUrl()).href);
      await heading(page, 'Accès refusé').waitFor();
    }
  });
});

/** Chooses the password of a new account from its invitation, read on the developers' mail route. */
async function acceptInvitation(email: string, password: string): Promise<void> {
  const mails = (await (await fetch(new URL('/api/dev/mails', baseUrl()))).json()) as { to: string; text: string }[];
  const token = mails.find((mail) => mail.to === email)?.text.match(/#jeton=([\w-]+)/)?.[1];
  expect(token).toBeDefined();
  const completed = await fetch(new URL('/api/auth/password-reset/complete', baseUrl()), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  expect(completed.status).toBe(204);
}

describe('at 200 % zoom on a laptop (640 CSS px wide)', () => {
  test('the administration pages need no horizontal scrolling: wide tables scroll in their own frame', async () => {
    const page = await openAs(NATIONAL_ADMIN, ACCOUNTS_PATH, {
      viewport: { width: 640, height: 400 },
      deviceScaleFactor: 2,
    });
    await accountRows(page).first().waitFor();
    const regulatorHref = await accountTable(page).getByRole('link', { name: REGULATOR.name }).getAttribute('href');
    for (const [path, ready] of [
      [ACCOUNTS_PATH, () => accountRows(page).first()],
      [regulatorHref!, () => page.getByRole('region', { name: 'Profils et territoires' }).locator('tbody tr').first()],
      [`${ACCOUNTS_PATH}/nouveau`, () => page.getByRole('textbox', { name: 'Adresse e-mail' })],
      ['/administration/usage', () => page.getByRole('img', { name: /^Graphique en barres/ })],
      ['/administration/audit', () => page.getByRole('region', { name: /^Événements du journal d’audit/ })],
    ] as const) {
      await page.goto(new URL(path, baseUrl()).href);
      await ready().waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
  });
});
