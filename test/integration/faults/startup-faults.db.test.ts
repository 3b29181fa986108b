import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, test } from 'vitest';
import { PGLITE_EXTENSIONS } from '../../../src/db/database.ts';
import {
  baseEnv,
  cli,
  createDatabase,
  expectOneErrorLine,
  failedStart,
  fingerprint,
  freePort,
  kind,
  migratedDataDir,
  query,
  startServer,
  tempDir,
  PROCESS_TEST_TIMEOUT,
  useCleanup,
} from './harness.ts';

/*
 * A start that cannot work stops at once with one French sentence and a non-zero exit, and leaves the data
 * as it found it. The tier decides the database mode (MAILLAGE_TEST_DB): PGlite folder faults run in the
 * pglite tier, PostgreSQL server faults in the postgres tier, the rest in both.
 */

const FUTURE = '9999_from_the_future';

/** The rows of maillage_meta and the migrations applied, read straight from a PGlite folder. */
async function pgliteContents(dataDir: string): Promise<{ meta: string[]; migrations: string[] }> {
  const pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), extensions: PGLITE_EXTENSIONS });
  try {
    const meta = await pglite.query<{ r: string }>(
      `select key || '=' || value::text as r from maillage_meta order by 1`,
    );
    const migrations = await pglite.query<{ name: string }>(`select name from maillage_migration order by name`);
    return { meta: meta.rows.map((r) => r.r), migrations: migrations.rows.map((r) => r.name) };
  } finally {
    await pglite.close();
  }
}

async function pgliteExec(dataDir: string, text: string): Promise<void> {
  const pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), extensions: PGLITE_EXTENSIONS });
  try {
    await pglite.exec(text);
  } finally {
    await pglite.close();
  }
}

describe(
  `bad configuration and damaged data (${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'} tier)`,
  { timeout: PROCESS_TEST_TIMEOUT },
  () => {
    useCleanup({ pgliteTemplate: kind === 'pglite' });

    test('a DATABASE_URL that is not a PostgreSQL URL', async () => {
      for (const [url, run] of [
        ['mysql://root@127.0.0.1/maillage', failedStart],
        ['mysql://root@127.0.0.1/maillage', (env: NodeJS.ProcessEnv) => cli(['db', 'migrate'], env)],
        ['pas une adresse', failedStart],
      ] as const) {
        const result = await run(baseEnv({ DATABASE_URL: url, PORT: '0' }));
        expect(result.code).toBe(1);
        // A configuration error lists each wrong variable, one per line, under one heading.
        expect(result.stderr).toMatch(
          /^Erreur : Configuration invalide :\n {2}- DATABASE_URL (doit commencer par postgres:\/\/|n’est pas une URL valide)/,
        );
        expect(result.stderr).not.toMatch(/^\s+at /m);
      }
    });

    test('a PostgreSQL server that does not answer: connection refused, password not shown', async () => {
      const port = await freePort();
      const env = baseEnv({ DATABASE_URL: `postgres://maillage:secret-de-test@127.0.0.1:${port}/maillage`, PORT: '0' });
      for (const result of [await failedStart(env), await cli(['db', 'migrate'], env)]) {
        const line = expectOneErrorLine(result);
        expect(line).toBe(
          `Erreur : Impossible de joindre PostgreSQL à postgres://maillage:***@127.0.0.1:${port}/maillage : ` +
            'connexion refusée (le serveur est-il démarré, le port est-il le bon ?).',
        );
        expect(result.stderr + result.stdout).not.toContain('secret-de-test');
      }
    });

    test('the port is already taken: refused, the database released and intact', async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const env = baseEnv({
          PORT: String(port),
          ...(kind === 'pglite'
            ? { MAILLAGE_DATA_DIR: await migratedDataDir('port') }
            : { DATABASE_URL: await createDatabase() }),
        });
        const line = expectOneErrorLine(await failedStart(env));
        expect(line).toBe(
          `Erreur : Le port ${port} est déjà utilisé par un autre programme : arrêtez-le ou choisissez un autre port avec PORT=…`,
        );
        if (kind === 'pglite') expect(fs.existsSync(path.join(env.MAILLAGE_DATA_DIR!, 'maillage.lock'))).toBe(false);
        // Once the port is free, the same database serves.
        const server = await startServer({ ...env, PORT: String(await freePort()) });
        expect((await server.stop()).code).toBe(0);
      } finally {
        blocker.close();
      }
    });

    test('a database migrated by a newer maillage: refused by npm start and db migrate, left as it was', async () => {
      if (kind === 'pglite') {
        const dataDir = await migratedDataDir('newer');
        await pgliteExec(
          dataDir,
          `insert into maillage_migration (name, timestamp) values ('${FUTURE}', '2030-01-01T00:00:00.000Z');
         insert into maillage_meta (key, value) values ('témoin', '"à garder"');`,
        );
        const before = await pgliteContents(dataDir);
        const env = baseEnv({ MAILLAGE_DATA_DIR: dataDir, PORT: '0' });
        for (const result of [await failedStart(env), await cli(['db', 'migrate'], env)]) {
          expect(expectOneErrorLine(result)).toMatch(
            new RegExp(
              `^Erreur : Cette base a été mise à jour par une version plus récente de maillage \\(migration ${FUTURE} inconnue ici\\).*Rien n’a été modifié\\.$`,
            ),
          );
        }
        expect(await pgliteContents(dataDir)).toEqual(before);
        expect(before.meta).toContain('témoin="à garder"');
      } else {
        const url = await createDatabase();
        const env = baseEnv({ DATABASE_URL: url, PORT: '0' });
        expect((await cli(['db', 'migrate'], env)).code).toBe(0);
        await query(url, `insert into maillage_migration (name, timestamp) values ($1, '2030-01-01T00:00:00.000Z')`, [
          FUTURE,
        ]);
        await query(url, `insert into maillage_meta (key, value) values ('témoin', '"à garder"')`);
        const snapshot = () =>
          query<{ r: string }>(
            url,
            `select string_agg(name, ',' order by name) || ' ' || (select string_agg(key || value::text, ',') from maillage_meta) as r from maillage_migration`,
          );
        const before = await snapshot();
        for (const result of [await failedStart(env), await cli(['db', 'migrate'], env)]) {
          expect(expectOneErrorLine(result)).toMatch(
            /plus récente de maillage \(migration 9999_from_the_future inconnue ici\)/,
          );
        }
        expect(await snapshot()).toEqual(before);
      }
    });

    if (kind === 'pglite') {
      test('an unwritable data folder (under a regular file: even root cannot create it)', async () => {
        // chmod does not stop root, which these tests may run as; a path under a regular file fails for everyone
        // (ENOTDIR).
        const file = path.join(tempDir('unwritable'), 'un-fichier');
        fs.writeFileSync(file, 'contenu à préserver\n');
        const env = baseEnv({ MAILLAGE_DATA_DIR: path.join(file, 'data'), PORT: '0' });
        for (const result of [await failedStart(env), await cli(['db', 'migrate'], env)]) {
          expect(expectOneErrorLine(result)).toBe(
            `Erreur : Le dossier de données ${path.join(file, 'data')} n’est pas accessible en écriture (ENOTDIR) : ` +
              'donnez-en les droits à l’utilisateur qui lance maillage, ou choisissez-en un autre avec MAILLAGE_DATA_DIR.',
          );
        }
        expect(fs.readFileSync(file, 'utf8')).toBe('contenu à préserver\n');
      });

      test('a damaged data folder (pg_control garbled, then emptied): refused, no file changed, the original intact', async () => {
        const original = await migratedDataDir('damaged');
        await pgliteExec(original, `insert into maillage_meta (key, value) values ('témoin', '"intact"')`);
        const originalPrint = fingerprint(original);
        const control = path.join('pgdata', 'global', 'pg_control');

        for (const damage of ['garbled', 'emptied'] as const) {
          const copy = path.join(tempDir(`damaged-${damage}`), 'data');
          fs.cpSync(original, copy, { recursive: true });
          const file = path.join(copy, control);
          if (damage === 'garbled') {
            const bytes = fs.readFileSync(file);
            for (let i = 16; i < 80; i++) bytes[i] = bytes[i]! ^ 0x5a;
            fs.writeFileSync(file, bytes);
          } else {
            fs.writeFileSync(file, '');
          }
          const before = fingerprint(copy);
          const env = baseEnv({ MAILLAGE_DATA_DIR: copy, PORT: '0' });
          // The CLI opens the folder through the same code; once is enough to show it.
          const results =
            damage === 'garbled'
              ? [await failedStart(env), await cli(['db', 'migrate'], env)]
              : [await failedStart(env)];
          for (const result of results) {
            expect(expectOneErrorLine(result)).toMatch(
              new RegExp(
                `^Erreur : Le dossier de données ${copy}/pgdata n’a pas pu être ouvert \\(fichiers endommagés ou incomplets \\?\\) : .+[^.]\\. Rien n’a été modifié ; restaurez une sauvegarde`,
              ),
            );
          }
          // Every file that was there is byte for byte the same (the embedded server may leave its pid file).
          const after = fingerprint(copy);
          for (const [name, hash] of before) expect(after.get(name), name).toBe(hash);
          const added = [...after.keys()].filter((name) => !before.has(name));
          expect(added.filter((name) => name !== path.join('pgdata', 'postmaster.pid'))).toEqual([]);
          expect(fs.existsSync(path.join(copy, 'maillage.lock'))).toBe(false);
        }

        expect(fingerprint(original)).toEqual(originalPrint);
        expect((await pgliteContents(original)).meta).toContain('témoin="intact"');
      });

      test('a data folder made by a newer PostgreSQL (PG_VERSION 19): refused, nothing changed', async () => {
        const dataDir = await migratedDataDir('pg19');
        fs.writeFileSync(path.join(dataDir, 'pgdata', 'PG_VERSION'), '19\n');
        const before = fingerprint(dataDir);
        const env = baseEnv({ MAILLAGE_DATA_DIR: dataDir, PORT: '0' });
        for (const result of [await failedStart(env), await cli(['db', 'migrate'], env)]) {
          expect(expectOneErrorLine(result)).toBe(
            `Erreur : Le dossier de données ${dataDir}/pgdata a été créé par PostgreSQL 19, or cette version de maillage ` +
              'embarque PostgreSQL 18 : utilisez la version de maillage qui l’a créé, faites « maillage db backup », ' +
              'puis restaurez ici. Rien n’a été modifié.',
          );
        }
        expect(fingerprint(dataDir)).toEqual(before);
      });
    } else {
      test('an unknown database, an unknown role: one sentence each', async () => {
        const url = new URL(await createDatabase());
        url.pathname = `/maillage_absent_${Date.now().toString(36)}`;
        const absent = baseEnv({ DATABASE_URL: url.toString(), PORT: '0' });
        for (const result of [await failedStart(absent), await cli(['db', 'migrate'], absent)]) {
          expect(expectOneErrorLine(result)).toMatch(
            /^Erreur : Impossible de joindre PostgreSQL à .+ : la base de données n’existe pas\.$/,
          );
        }
        const role = new URL(url);
        role.username = 'role_inconnu_de_maillage';
        role.pathname = '/postgres';
        const unknownRole = baseEnv({ DATABASE_URL: role.toString(), PORT: '0' });
        const result = await failedStart(unknownRole);
        expect(expectOneErrorLine(result)).toMatch(
          /^Erreur : Impossible de joindre PostgreSQL à .+ : authentification refusée \(utilisateur ou mot de passe\)\.$/,
        );
      });

      test('without a superuser, db migrate says earthdistance needs one and applies nothing', async () => {
        // A fresh database owned by a role that is not a superuser: PostgreSQL 15 lets it create the trusted
        // extensions (pg_trgm, unaccent, cube, btree_gist) but not earthdistance.
        const url = await createDatabase();
        const database = new URL(url).pathname.slice(1);
        const role = `maillage_nosuper_${Date.now().toString(36)}`;
        await query(url, `create role ${role} login`);
        try {
          await query(url, `alter database ${database} owner to ${role}`);
          const asRole = new URL(url);
          asRole.username = role;
          const result = await cli(['db', 'migrate'], baseEnv({ DATABASE_URL: asRole.toString() }));
          expect(result.code).not.toBe(0);
          expect(expectOneErrorLine(result)).toMatch(
            /^Erreur : L’extension PostgreSQL « earthdistance » manque et seul un superutilisateur peut la créer .* Aucune migration n’a été appliquée\.$/,
          );
          // Kysely creates its bookkeeping tables first; no migration is recorded and no table of ours exists.
          const applied = await query<{ n: string }>(url, `select count(*) as n from maillage_migration`);
          expect(Number(applied[0]!.n)).toBe(0);
          const ours = await query<{ n: string }>(
            url,
            `select count(*) as n from pg_tables where tablename in ('commune', 'account', 'maillage_meta')`,
          );
          expect(Number(ours[0]!.n)).toBe(0);
        } finally {
          await query(url, `alter database ${database} owner to postgres`);
          await query(url, `drop owned by ${role}`);
          await query(url, `drop role ${role}`);
        }
      });
    }
  },
);
