import type { Command } from 'commander';
import { withDatabase } from '../cli.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { OperatorError } from '../platform/operator-errors.ts';
import { progressBar } from '../platform/territory/progress-bar.ts';
import { loadDemoIfEmpty } from './load.ts';

/** `maillage demo load`. */
export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('territoire de démonstration');
  demo
    .command('load')
    .description('charge la démo (communes de France, Loir-et-Cher, territoires fictifs) dans une base vide')
    .action(async () => {
      await withDatabase('maillage demo load', async (database) => {
        const applied = await migrateToLatest(database.db);
        if (applied.length > 0) console.log(`Migrations appliquées : ${applied.join(', ')}.`);
        const bar = progressBar('Communes');
        let result;
        try {
          result = await loadDemoIfEmpty(database.db, { onProgress: (done, total) => bar.update(done, total) });
        } finally {
          bar.stop();
        }
        if (!result) {
          throw new OperatorError(
            `La base ${database.location} contient déjà des territoires : la démo ne se charge que dans une base vide ` +
              '(choisissez un autre dossier avec MAILLAGE_DATA_DIR ou une autre base avec DATABASE_URL). Rien n’a été modifié.',
          );
        }
        console.log(result.summary);
      });
    });
}
