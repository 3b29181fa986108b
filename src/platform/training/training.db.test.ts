import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { createTestTerritory } from '../../testing/fixtures.ts';
import { systemActor, type Role } from '../access/model.ts';
import { hashPassword } from '../accounts/password.ts';
import { createAccount } from '../accounts/service.ts';
import { trainingDemoStep } from './demo.ts';
import { importShippedGuides, shippedGuidesState } from './service.ts';
import { loadShippedGuides } from './shipped.ts';
import { minimalMp4, minimalWebm } from './testing/videos.ts';

const PASSWORD = 'formation des utilisateurs';

describe('training space', () => {
  const t = useTestTransaction();
  let app: App | undefined;
  let uploadDir: string;

  beforeEach(() => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-formation-'));
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const ACCOUNTS: Record<string, Role> = {
    'national@exemple.fr': 'national-admin',
    'comptes@exemple.fr': 'account-admin',
    'referent@exemple.fr': 'territorial-referent',
    'regul@exemple.fr': 'regulator',
    'effecteur@exemple.fr': 'effecteur',
  };

  async function setUp(videoMaxBytes = 1_048_576) {
    sessions.clear();
    const sas = await createTestTerritory(t.db, { kind: 'sas', code: 'F41', name: 'SAS formation' });
    const national = await createTestTerritory(t.db, { kind: 'national', code: 'FR-F', name: 'France' });
    const passwordHash = await hashPassword(PASSWORD);
    const ids: Record<string, string> = {};
    for (const [email, role] of Object.entries(ACCOUNTS)) {
      ids[email] = await createAccount(t.db, systemActor('test'), {
        email,
        displayName: email.split('@')[0]!,
        passwordHash,
        grants: [{ role, territoryId: role === 'national-admin' ? national : sas }],
      });
    }
    app = await testApp(t.db, t.handle.mode, { uploadDir, videoMaxBytes, rateLimitPerMinute: 100_000 });
    return ids;
  }

  const sessions = new Map<string, Record<string, string>>();
  async function as(email: string) {
    const res = await app!.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
    expect(res.statusCode, res.body).toBe(200);
    const headers = {
      cookie: `maillage_session=${res.cookies.find((c) => c.name === 'maillage_session')!.value}`,
      'x-csrf-token': res.json().csrfToken as string,
    };
    sessions.set(email, headers);
    return headers;
  }

  async function auditRows(action: string) {
    const rows = await sql<{ actor_label: string; outcome: string; object_id: string | null; details: unknown }>`
      select actor_label, outcome, object_id, details from audit_event where action = ${action} order by seq`.execute(
      t.db,
    );
    return rows.rows;
  }

  function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  }

  describe('guides', () => {
    test('a national administrator writes a draft for effecteurs, publishes it; only effecteurs then read it', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const effecteur = await as('effecteur@exemple.fr');
      const regulator = await as('regul@exemple.fr');

      const created = await app!.inject({
        method: 'POST',
        url: '/api/training/guides',
        headers: admin,
        payload: { title: 'Ouvrir ses plages SNP', audience: ['effecteur'], bodyMarkdown: '## Étapes\n\nTexte.' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const guide = created.json();
      expect(guide).toMatchObject({
        slug: 'ouvrir-ses-plages-snp',
        published: false,
        version: 1,
        audience: ['effecteur'],
        updatedBy: 'national',
        shipped: false,
      });

      // A draft: invisible to its readers, 404 by id and by address.
      const titles = async (headers: Record<string, string>) =>
        (await app!.inject({ url: '/api/training/guides', headers })).json().map((g: { title: string }) => g.title);
      expect(await titles(effecteur)).not.toContain('Ouvrir ses plages SNP');
      expect((await app!.inject({ url: `/api/training/guides/${guide.id}`, headers: effecteur })).statusCode).toBe(404);
      expect(
        (await app!.inject({ url: '/api/training/guides/ouvrir-ses-plages-snp', headers: effecteur })).json(),
      ).toMatchObject({ code: 'not-found', detail: 'Ce guide est introuvable.' });

      const published = await app!.inject({
        method: 'PATCH',
        url: `/api/training/guides/${guide.id}`,
        headers: admin,
        payload: { version: 1, published: true },
      });
      expect(published.statusCode, published.body).toBe(200);
      expect(published.json()).toMatchObject({ published: true, version: 2 });

      expect(await titles(effecteur)).toContain('Ouvrir ses plages SNP');
      const read = await app!.inject({ url: '/api/training/guides/ouvrir-ses-plages-snp', headers: effecteur });
      expect(read.json()).toMatchObject({ id: guide.id, bodyMarkdown: '## Étapes\n\nTexte.' });
      // Aimed at effecteurs: a regulator neither lists nor opens it.
      expect(await titles(regulator)).not.toContain('Ouvrir ses plages SNP');
      expect((await app!.inject({ url: `/api/training/guides/${guide.id}`, headers: regulator })).statusCode).toBe(404);

      expect(await auditRows('training.guide.create')).toMatchObject([
        { actor_label: 'national', outcome: 'success', object_id: guide.id },
      ]);
      expect(await auditRows('training.guide.update')).toMatchObject([
        { outcome: 'success', object_id: guide.id, details: { fields: ['published'], published: true, version: 2 } },
      ]);
    });

    test('managing is for national administrators: other profiles get 403, audited, and nothing is written', async () => {
      await setUp();
      for (const email of ['comptes@exemple.fr', 'referent@exemple.fr', 'regul@exemple.fr', 'effecteur@exemple.fr']) {
        const res = await app!.inject({
          method: 'POST',
          url: '/api/training/guides',
          headers: await as(email),
          payload: { title: 'Pirate', audience: ['tous'], bodyMarkdown: 'x' },
        });
        expect(res.statusCode, email).toBe(403);
        expect(res.json().detail).toMatch(/ne permet pas de : rédiger, publier et archiver les guides/);
        const archives = await app!.inject({ url: '/api/training/guides?archived=only', headers: await as(email) });
        expect(archives.statusCode, email).toBe(403);
      }
      const count = await sql<{ n: number }>`select count(*)::int as n from training_guide`.execute(t.db);
      expect(count.rows[0]!.n).toBe(0);
      expect((await auditRows('training.manage')).filter((r) => r.outcome === 'denied')).toHaveLength(8);
      expect((await app!.inject({ url: '/api/training/guides' })).statusCode).toBe(401);
    });

    test('an edit names its starting version: a stale one is refused (409), the earlier text is kept as a revision', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const { id } = (
        await app!.inject({
          method: 'POST',
          url: '/api/training/guides',
          headers: admin,
          payload: { title: 'Guide', audience: ['regulator', 'tous'], bodyMarkdown: 'Version un.' },
        })
      ).json();
      const edit = (version: number, bodyMarkdown: string) =>
        app!.inject({
          method: 'PATCH',
          url: `/api/training/guides/${id}`,
          headers: admin,
          payload: { version, bodyMarkdown },
        });
      expect((await edit(1, 'Version deux.')).json()).toMatchObject({ version: 2, audience: ['tous'] });
      const stale = await edit(1, 'Écrasement.');
      expect(stale.statusCode).toBe(409);
      expect(stale.json().detail).toMatch(/modifié entre-temps par national \(version 2\)/);
      const current = await app!.inject({ url: `/api/training/guides/${id}`, headers: admin });
      expect(current.json().bodyMarkdown).toBe('Version deux.');
      const revisions = await sql<{ version: number; body_markdown: string }>`
        select version, body_markdown from training_guide_revision where guide_id = ${id} order by version`.execute(
        t.db,
      );
      expect(revisions.rows).toEqual([{ version: 1, body_markdown: 'Version un.' }]);
    });

    test('archiving hides a guide from readers, keeps it for managers, and restoring brings it back', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const regulator = await as('regul@exemple.fr');
      const { id } = (
        await app!.inject({
          method: 'POST',
          url: '/api/training/guides',
          headers: admin,
          payload: { title: 'Ancien guide', audience: ['regulator'], bodyMarkdown: 'x', published: true },
        })
      ).json();
      expect((await app!.inject({ url: `/api/training/guides/${id}`, headers: regulator })).statusCode).toBe(200);

      const archived = await app!.inject({ method: 'POST', url: `/api/training/guides/${id}/archive`, headers: admin });
      expect(archived.json()).toMatchObject({ archived: true, published: true });
      expect((await app!.inject({ url: `/api/training/guides/${id}`, headers: regulator })).statusCode).toBe(404);
      const managerList = await app!.inject({ url: '/api/training/guides', headers: admin });
      expect(managerList.json().map((g: { id: string }) => g.id)).not.toContain(id);
      const archives = await app!.inject({ url: '/api/training/guides?archived=only', headers: admin });
      expect(archives.json().map((g: { id: string }) => g.id)).toEqual([id]);
      // Archived: edit refused until restored; archiving twice says so.
      const edit = await app!.inject({
        method: 'PATCH',
        url: `/api/training/guides/${id}`,
        headers: admin,
        payload: { version: 1, title: 'Nouveau titre' },
      });
      expect(edit.statusCode).toBe(409);
      expect(
        (await app!.inject({ method: 'POST', url: `/api/training/guides/${id}/archive`, headers: admin })).statusCode,
      ).toBe(409);

      await app!.inject({ method: 'POST', url: `/api/training/guides/${id}/restore`, headers: admin });
      expect((await app!.inject({ url: `/api/training/guides/${id}`, headers: regulator })).statusCode).toBe(200);
      expect((await auditRows('training.guide.archive')).map((r) => r.object_id)).toEqual([id]);
      expect((await auditRows('training.guide.restore')).map((r) => r.object_id)).toEqual([id]);
    });

    test('XSS and SQL metacharacters are kept as text: stored and returned as typed, never as HTML', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const title = `<img src=x onerror=alert(1)> l'offre "SAS"; drop table training_guide; --`;
      const bodyMarkdown = '<script>alert(1)</script>\n\n[clic](javascript:alert(1))\n\n100% _fiable_';
      const created = await app!.inject({
        method: 'POST',
        url: '/api/training/guides',
        headers: admin,
        payload: { title, audience: ['tous'], bodyMarkdown, published: true },
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers['content-type']).toMatch(/^application\/json/);
      expect(created.json()).toMatchObject({
        title,
        bodyMarkdown,
        slug: 'img-src-x-onerror-alert-1-l-offre-sas-drop-table-training-guide',
      });
      const read = await app!.inject({
        url: `/api/training/guides/${created.json().id}`,
        headers: await as('regul@exemple.fr'),
      });
      expect(read.json().bodyMarkdown).toBe(bodyMarkdown);
    });

    test('bad input: unknown profile, empty title, NUL character — one French sentence each', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const post = (payload: object) =>
        app!.inject({ method: 'POST', url: '/api/training/guides', headers: admin, payload });
      expect((await post({ title: 'T', audience: ['chef'], bodyMarkdown: 'x' })).statusCode).toBe(400);
      expect((await post({ title: 'T', audience: [], bodyMarkdown: 'x' })).statusCode).toBe(400);
      const blank = await post({ title: '   ', audience: ['tous'], bodyMarkdown: 'x' });
      expect(blank.json()).toMatchObject({ code: 'validation-failed', detail: 'Donnez un titre.' });
      const nul = await post({ title: 'T', audience: ['tous'], bodyMarkdown: 'a\u0000b' });
      expect(nul.json().detail).toMatch(/caractère nul/);
    });
  });

  describe('search', () => {
    async function seed() {
      const admin = await as('national@exemple.fr');
      const make = async (title: string, bodyMarkdown: string, audience: string[] = ['tous'], published = true) =>
        (
          await app!.inject({
            method: 'POST',
            url: '/api/training/guides',
            headers: admin,
            payload: { title, audience, bodyMarkdown, published },
          })
        ).json().id as string;
      return {
        admin,
        regulation: await make('Régulation des appels', 'La décision du médecin régulateur.'),
        password: await make(
          'Mot de passe',
          'Choisir une phrase de passe sans son nom de famille ; la RÉGULATION n’y est pour rien.',
        ),
        percent: await make('Taux', 'Un taux de 100% de réponses, un nom_de_fichier.'),
        draft: await make('Brouillon régulation', 'En cours.', ['tous'], false),
        effecteur: await make('Agenda effecteur', 'La régulation adresse des patients.', ['effecteur']),
      };
    }
    const search = async (q: string, email = 'regul@exemple.fr') =>
      (
        await app!.inject({
          url: `/api/training/guides?q=${encodeURIComponent(q)}`,
          headers: sessions.get(email) ?? (await as(email)),
        })
      ).json() as { id: string; title: string; excerpt: string }[];

    test('accents and case aside, in title and text; title matches first; within the reader’s guides only', async () => {
      await setUp();
      const ids = await seed();
      const found = await search('REGULATION');
      expect(found.map((g) => g.id)).toEqual([ids.regulation, ids.password]);
      expect(found[1]!.excerpt).toContain('RÉGULATION');
      expect((await search('régul')).map((g) => g.id)).toEqual([ids.regulation, ids.password]);
      // Every word must be found.
      expect((await search('régulation phrase')).map((g) => g.id)).toEqual([ids.password]);
      expect(await search('introuvable')).toEqual([]);
      // The effecteur's guide and the draft are not the regulator's to find; the manager finds all.
      expect((await search('regulation', 'effecteur@exemple.fr')).map((g) => g.id).sort()).toEqual(
        [ids.regulation, ids.password, ids.effecteur].sort(),
      );
      expect((await search('regulation', 'national@exemple.fr')).map((g) => g.id)).toHaveLength(4);
    });

    test('LIKE and SQL metacharacters are searched literally', async () => {
      await setUp();
      const ids = await seed();
      expect((await search('%')).map((g) => g.id)).toEqual([ids.percent]);
      // Taken as a wildcard, _ would also find « nom de famille ».
      expect((await search('nom_de')).map((g) => g.id)).toEqual([ids.percent]);
      // Alone, _ is a Markdown marker, not a word: no filter.
      expect((await search('_')).map((g) => g.id).sort()).toEqual([ids.regulation, ids.password, ids.percent].sort());
      expect(await search("' or 1=1 --")).toEqual([]);
      expect((await search('100%')).map((g) => g.id)).toEqual([ids.percent]);
      expect(await search('1%0')).toEqual([]);
    });
  });

  describe('guides shipped with maillage', () => {
    test('imported once, then left alone when edited here, updated when not', async () => {
      await setUp();
      const system = systemActor('test');
      const files = loadShippedGuides();
      const first = await importShippedGuides(t.db, system, files);
      expect(first.every((s) => s.status === 'absent')).toBe(true);
      expect((await shippedGuidesState(t.db, system, files)).every((s) => s.status === 'current')).toBe(true);

      // A regulator reads his guide and the common one, published.
      const regulator = await as('regul@exemple.fr');
      const slugs = (await app!.inject({ url: '/api/training/guides', headers: regulator }))
        .json()
        .map((g: { slug: string }) => g.slug);
      expect(slugs.sort()).toEqual(['premiers-pas', 'regulateur']);

      // Edited here: the edit wins over the next shipped version. Untouched: replaced by it.
      const admin = await as('national@exemple.fr');
      const regulateur = (await app!.inject({ url: '/api/training/guides/regulateur', headers: admin })).json();
      await app!.inject({
        method: 'PATCH',
        url: `/api/training/guides/${regulateur.id}`,
        headers: admin,
        payload: { version: regulateur.version, bodyMarkdown: `${regulateur.bodyMarkdown}\nNuméro local : 15.\n` },
      });
      const next = files.map((f) => ({ ...f, bodyMarkdown: `${f.bodyMarkdown}\n## Nouveauté\n\nTexte.\n` }));
      const states = await shippedGuidesState(t.db, system, next);
      expect(states.find((s) => s.slug === 'regulateur')!.status).toBe('modified-here');
      expect(states.find((s) => s.slug === 'effecteur')!.status).toBe('update-available');

      await importShippedGuides(t.db, system, next);
      const after = await shippedGuidesState(t.db, system, next);
      expect(after.find((s) => s.slug === 'regulateur')!.status).toBe('modified-here');
      expect(after.find((s) => s.slug === 'effecteur')!.status).toBe('current');
      const kept = (await app!.inject({ url: '/api/training/guides/regulateur', headers: admin })).json();
      expect(kept.bodyMarkdown).toContain('Numéro local : 15.');
      const effecteur = (await app!.inject({ url: '/api/training/guides/effecteur', headers: admin })).json();
      expect(effecteur).toMatchObject({ version: 2, shipped: true });
      expect(effecteur.bodyMarkdown).toContain('## Nouveauté');
    });

    test('the demo publishes them all, and says so', async () => {
      await setUp();
      const lines = await trainingDemoStep.run(t.db, { random: () => 0.5, communes: [] });
      const count = loadShippedGuides().length;
      expect(lines).toEqual([`Formation : ${count} guides d’utilisation publiés (un par profil, et un commun à tous)`]);
      const published = await sql<{ n: number }>`
        select count(*)::int as n from training_guide where published and shipped_hash is not null`.execute(t.db);
      expect(published.rows[0]!.n).toBe(count);
    });

    test('the management routes: state and import, for national administrators only', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const state = await app!.inject({ url: '/api/training/shipped-guides', headers: admin });
      expect(state.json().every((s: { status: string }) => s.status === 'absent')).toBe(true);
      const imported = await app!.inject({
        method: 'POST',
        url: '/api/training/shipped-guides/import',
        headers: admin,
      });
      expect(imported.statusCode).toBe(200);
      expect((await auditRows('training.guide.import')).length).toBe(loadShippedGuides().length);
      const refused = await app!.inject({
        method: 'POST',
        url: '/api/training/shipped-guides/import',
        headers: await as('comptes@exemple.fr'),
      });
      expect(refused.statusCode).toBe(403);
    });
  });

  describe('videos', () => {
    const upload = (
      headers: Record<string, string>,
      body: Uint8Array | Readable,
      query = 'title=Premiers%20pas&audience=effecteur&audience=regulator',
      contentType = 'video/mp4',
    ) =>
      app!.inject({
        method: 'POST',
        url: `/api/training/videos?${query}`,
        headers: { ...headers, 'content-type': contentType },
        payload: body instanceof Uint8Array ? Buffer.from(body) : body,
      });

    test('an upload is streamed to disk, recognised, recorded and audited; the file is the bytes sent', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const bytes = minimalMp4('isom', 5000);
      const res = await upload(admin, bytes, 'title=Premiers%20pas&audience=effecteur&durationSeconds=90');
      expect(res.statusCode, res.body).toBe(201);
      const video = res.json();
      expect(video).toMatchObject({
        title: 'Premiers pas',
        audience: ['effecteur'],
        mime: 'video/mp4',
        sizeBytes: 5000,
        durationSeconds: 90,
        hasCaptions: false,
        contentUrl: `/api/training/videos/${video.id}/content`,
      });
      expect(fs.readFileSync(path.join(uploadDir, 'videos', `${video.id}.mp4`)).equals(Buffer.from(bytes))).toBe(true);
      expect(filesUnder(path.join(uploadDir, 'tmp'))).toEqual([]);
      expect(await auditRows('training.video.upload')).toMatchObject([
        { outcome: 'success', object_id: video.id, details: { mime: 'video/mp4', sizeBytes: 5000 } },
      ]);

      // The format comes from the bytes, not from what the client says.
      const webm = await upload(admin, minimalWebm('webm', 300), 'title=W&audience=tous', 'application/octet-stream');
      expect(webm.json()).toMatchObject({ mime: 'video/webm', sizeBytes: 300 });
    });

    test('too large: refused with a French sentence, by its announced length or while streaming; nothing kept', async () => {
      await setUp(1_048_576);
      const admin = await as('national@exemple.fr');
      // The forms learn the limit beforehand.
      expect((await app!.inject({ url: '/api/training/limits', headers: admin })).json()).toMatchObject({
        videoMaxBytes: 1_048_576,
      });
      const announced = await upload(admin, minimalMp4('isom', 1_048_577));
      expect(announced.statusCode).toBe(413);
      expect(announced.json().detail).toBe(
        'La vidéo dépasse la taille permise (1 Mo) : raccourcissez-la ou réduisez sa définition, puis déposez-la de nouveau.',
      );
      // Without Content-Length (chunked): counted as it arrives.
      const big = minimalWebm('webm', 1_300_000);
      const streamed = await upload(
        admin,
        Readable.from([big.subarray(0, 600_000), big.subarray(600_000, 1_200_000), big.subarray(1_200_000)]),
      );
      expect(streamed.statusCode).toBe(413);
      expect(filesUnder(uploadDir)).toEqual([]);
      const count = await sql<{ n: number }>`select count(*)::int as n from training_video`.execute(t.db);
      expect(count.rows[0]!.n).toBe(0);
    });

    test('not a video: refused (415) with what to do, nothing kept; an empty body too (400)', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const html = await upload(admin, new TextEncoder().encode(`<html><script>alert(1)</script>${'x'.repeat(200)}`));
      expect(html.statusCode).toBe(415);
      expect(html.json().detail).toMatch(/^Ce fichier n’est pas une vidéo MP4 ou WebM : exportez la vidéo/);
      const mov = await upload(admin, minimalMp4('qt  ', 200));
      expect(mov.json().detail).toMatch(/QuickTime/);
      const empty = await upload(admin, new Uint8Array(0));
      expect(empty.statusCode).toBe(400);
      expect(empty.json().detail).toMatch(/vide/);
      // A type the route does not take at all.
      const text = await upload(admin, new TextEncoder().encode('bonjour'), undefined, 'text/plain');
      expect(text.statusCode).toBe(415);
      expect(filesUnder(uploadDir)).toEqual([]);
    });

    test('an upload cut short by a stopped process leaves a .part file, removed at the next upload after a day', async () => {
      await setUp();
      const tmp = path.join(uploadDir, 'tmp');
      fs.mkdirSync(tmp, { recursive: true });
      const old = path.join(tmp, 'ancien.part');
      const recent = path.join(tmp, 'recent.part');
      fs.writeFileSync(old, 'x');
      fs.writeFileSync(recent, 'x');
      const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
      fs.utimesSync(old, twoDaysAgo, twoDaysAgo);
      const res = await upload(await as('national@exemple.fr'), minimalMp4('isom', 100));
      expect(res.statusCode).toBe(201);
      expect(fs.readdirSync(tmp)).toEqual(['recent.part']);
    });

    test('uploading is refused to other profiles before a byte is kept, and audited', async () => {
      await setUp();
      const res = await upload(await as('comptes@exemple.fr'), minimalMp4('isom', 1000));
      expect(res.statusCode).toBe(403);
      expect(filesUnder(uploadDir)).toEqual([]);
      expect((await auditRows('training.manage')).map((r) => r.outcome)).toEqual(['denied']);
    });

    test('streaming with ranges: full, first bytes, last bytes, to the end, several, unreadable, outside', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const bytes = Buffer.from(minimalWebm('webm', 1000));
      const { id } = (await upload(admin, bytes, 'title=Clip&audience=regulator', 'video/webm')).json();
      const regulator = await as('regul@exemple.fr');
      const get = (range?: string, extra: Record<string, string> = {}) =>
        app!.inject({
          url: `/api/training/videos/${id}/content`,
          headers: { ...regulator, ...(range ? { range } : {}), ...extra },
        });

      const full = await get();
      expect(full.statusCode).toBe(200);
      expect(full.headers).toMatchObject({
        'accept-ranges': 'bytes',
        'content-type': 'video/webm',
        'content-length': '1000',
        'cache-control': 'private, no-cache',
      });
      expect(full.rawPayload.equals(bytes)).toBe(true);
      const etag = full.headers.etag as string;
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);

      const first = await get('bytes=0-99');
      expect(first.statusCode).toBe(206);
      expect(first.headers).toMatchObject({ 'content-range': 'bytes 0-99/1000', 'content-length': '100' });
      expect(first.rawPayload.equals(bytes.subarray(0, 100))).toBe(true);

      const last = await get('bytes=-100');
      expect(last.headers['content-range']).toBe('bytes 900-999/1000');
      expect(last.rawPayload.equals(bytes.subarray(900))).toBe(true);

      const rest = await get('bytes=100-');
      expect(rest.statusCode).toBe(206);
      expect(rest.headers['content-range']).toBe('bytes 100-999/1000');
      expect(rest.rawPayload.equals(bytes.subarray(100))).toBe(true);

      for (const ignored of ['bytes=0-9,20-29', 'bytes=9-3', 'lignes=0-9']) {
        const res = await get(ignored);
        expect(res.statusCode, ignored).toBe(200);
        expect(res.rawPayload.length, ignored).toBe(1000);
      }

      const outside = await get('bytes=1000-');
      expect(outside.statusCode).toBe(416);
      expect(outside.headers['content-range']).toBe('bytes */1000');
      expect(outside.json().detail).toBe(
        'La plage demandée (bytes=1000-) est hors de la vidéo, qui compte 1000 octets.',
      );

      // If-Range: another version → the whole current file; this version → the range.
      expect((await get('bytes=0-9', { 'if-range': '"autre"' })).statusCode).toBe(200);
      expect((await get('bytes=0-9', { 'if-range': etag })).statusCode).toBe(206);
      expect((await get(undefined, { 'if-none-match': etag })).statusCode).toBe(304);

      const head = await app!.inject({ method: 'HEAD', url: `/api/training/videos/${id}/content`, headers: regulator });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe('1000');
      expect(head.rawPayload.length).toBe(0);
    });

    test('a video is watched by the profiles it is for; archived, by nobody but managers; a missing file says so', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const { id } = (await upload(admin, minimalMp4('isom', 500), 'title=Agenda&audience=effecteur')).json();
      const effecteur = await as('effecteur@exemple.fr');
      const regulator = await as('regul@exemple.fr');
      const content = (headers: Record<string, string>) =>
        app!.inject({ url: `/api/training/videos/${id}/content`, headers: { ...headers, range: 'bytes=0-9' } });

      expect((await content(effecteur)).statusCode).toBe(206);
      expect((await content(regulator)).statusCode).toBe(404);
      expect((await app!.inject({ url: `/api/training/videos/${id}/content` })).statusCode).toBe(401);
      const listed = (headers: Record<string, string>) =>
        app!.inject({ url: '/api/training/videos', headers }).then((r) => r.json().map((v: { id: string }) => v.id));
      expect(await listed(effecteur)).toEqual([id]);
      expect(await listed(regulator)).toEqual([]);

      await app!.inject({ method: 'POST', url: `/api/training/videos/${id}/archive`, headers: admin });
      expect((await content(effecteur)).statusCode).toBe(404);
      expect(await listed(effecteur)).toEqual([]);
      expect((await content(admin)).statusCode).toBe(206);
      await app!.inject({ method: 'POST', url: `/api/training/videos/${id}/restore`, headers: admin });
      expect((await content(effecteur)).statusCode).toBe(206);

      fs.rmSync(path.join(uploadDir, 'videos', `${id}.mp4`));
      const missing = await content(effecteur);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().detail).toMatch(/fichier de cette vidéo manque/);
    });

    test('captions: WebVTT attached, served to readers, anything else refused; details edited', async () => {
      await setUp();
      const admin = await as('national@exemple.fr');
      const { id } = (await upload(admin, minimalMp4('isom', 500), 'title=Clip&audience=tous')).json();
      const vtt = 'WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour <b>à tous</b>\n';
      const put = (body: string) =>
        app!.inject({
          method: 'PUT',
          url: `/api/training/videos/${id}/captions`,
          headers: { ...admin, 'content-type': 'text/vtt' },
          payload: body,
        });
      expect((await put(vtt)).json()).toMatchObject({
        hasCaptions: true,
        captionsUrl: `/api/training/videos/${id}/captions`,
      });
      const read = await app!.inject({
        url: `/api/training/videos/${id}/captions`,
        headers: await as('regul@exemple.fr'),
      });
      expect(read.headers['content-type']).toBe('text/vtt; charset=utf-8');
      expect(read.body).toBe(vtt);
      const bad = await put('<script>alert(1)</script>');
      expect(bad.statusCode).toBe(415);
      expect(bad.json().detail).toMatch(/WebVTT/);

      const edited = await app!.inject({
        method: 'PATCH',
        url: `/api/training/videos/${id}`,
        headers: admin,
        payload: { title: 'Nouveau titre', audience: ['coordinator'], description: 'Pour la coordination.' },
      });
      expect(edited.json()).toMatchObject({ title: 'Nouveau titre', audience: ['coordinator'] });
      expect(
        (await app!.inject({ url: `/api/training/videos/${id}`, headers: await as('regul@exemple.fr') })).statusCode,
      ).toBe(404);
      const removed = await app!.inject({
        method: 'DELETE',
        url: `/api/training/videos/${id}/captions`,
        headers: admin,
      });
      expect(removed.json()).toMatchObject({ hasCaptions: false, captionsUrl: null });
      expect((await auditRows('training.video.captions')).length).toBe(1);
      expect((await auditRows('training.video.captions-remove')).length).toBe(1);
      expect((await auditRows('training.video.update')).length).toBe(1);
    });
  });
});
