import type { Command } from 'commander';
import { withDatabase } from '../../cli.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { systemActor } from '../access/model.ts';
import { importShippedGuides } from './service.ts';

/** `maillage training import-guides`: after an upgrade, brings the guides shipped with the new version in. */
export function registerTrainingCommands(program: Command): void {
  const training = program.command('training').description('espace de formation');
  training
    .command('import-guides')
    .description(
      'ajoute les guides d’utilisation livrés avec cette version et met à jour ceux qui n’ont pas été modifiés sur place',
    )
    .action(async () => {
      await withDatabase('maillage training import-guides', async (database) => {
        const applied = await migrateToLatest(database.db);
        if (applied.length > 0) console.log(`Migrations appliquées : ${applied.join(', ')}.`);
        const states = await importShippedGuides(database.db, systemActor('import des guides livrés'));
        const done: Record<string, string> = {
          absent: 'ajouté',
          'update-available': 'mis à jour',
          current: 'déjà à jour',
        };
        for (const state of states) {
          console.log(`  ${state.slug} — ${state.title} : ${done[state.status] ?? state.statusLabel}`);
        }
      });
    });
}
