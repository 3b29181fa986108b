import { Command } from 'commander';
import { loadConfig } from './config.ts';
import { registerBackupCommands } from './db/backup-cli.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openConfiguredDatabase } from './db/open.ts';
import { registerDemoCommands } from './demo/cli.ts';
import { registerAuditCommands } from './platform/audit/cli.ts';
import { fail } from './platform/operator-errors.ts';
import { registerTerritoryCommands } from './platform/territory/cli.ts';
import { registerTrainingCommands } from './platform/training/cli.ts';

/**
 * `npx maillage <command>`. Every command that opens the embedded database takes its lock, so it refuses
 * while the server runs (PGlite has no cross-process lock); go through the server's API then.
 */
export function buildCli(): Command {
  const program = new Command('maillage')
    .description('maillage : accès aux soins (SAS) et coordination des parcours')
    .showHelpAfterError('(maillage --help pour l’aide)');

  const db = program.command('db').description('base de données');
  db.command('migrate')
    .description('applique les migrations en attente')
    .action(async () => {
      await withDatabase('maillage db migrate', async (database) => {
        const applied = await migrateToLatest(database.db);
        console.log(
          applied.length === 0 ? 'La base est déjà à jour.' : `Migrations appliquées : ${applied.join(', ')}.`,
        );
      });
    });

  registerBackupCommands(program);
  registerTerritoryCommands(program);
  registerDemoCommands(program);
  registerAuditCommands(program);
  registerTrainingCommands(program);

  return program;
}

/** Opens the configured database for one command, closes it and releases the lock whatever happens. */
export async function withDatabase<T>(
  command: string,
  work: (database: Awaited<ReturnType<typeof openConfiguredDatabase>>) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config, command);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

if (process.argv[1] && /maillage(\.mjs)?$|cli\.ts$/.test(process.argv[1])) {
  try {
    await buildCli().parseAsync(process.argv);
  } catch (error) {
    fail(error);
  }
}
