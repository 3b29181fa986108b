import fs from 'node:fs';
import type { Command } from 'commander';
import { withDatabase } from '../../cli.ts';
import type { Executor } from '../../db/database.ts';
import { migrationStatus } from '../../db/migrate.ts';
import { AppError } from '../errors.ts';
import { OperatorError } from '../operator-errors.ts';
import { CentroidFileError, describeImportReport } from './communes-geo-file.ts';
import { packagedGeodata } from './geodata-sources.ts';
import { COORDINATES_PRECISION_LABELS, COORDINATES_PRECISIONS, type CoordinatesPrecision } from './model.ts';
import { progressBar } from './progress-bar.ts';
import { importCommunesGeo, loadGeodata } from './service.ts';

/** The `import` group, shared with other modules' imports: whoever registers first creates it. */
export function importCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('imports de données de référence')
  );
}

export function describePrecisionCounts(counts: Partial<Record<CoordinatesPrecision, number>>): string {
  return COORDINATES_PRECISIONS.filter((p) => (counts[p] ?? 0) > 0)
    .map((p) => `${counts[p]!.toLocaleString('fr-FR')} ${COORDINATES_PRECISION_LABELS[p]}`)
    .join(', ');
}

/** Imports write into tables the migrations create: refuse clearly on a database that is behind. */
async function assertMigrated(db: Executor): Promise<void> {
  const { pending } = await migrationStatus(db);
  if (pending.length > 0) {
    throw new OperatorError(
      `La base n’est pas à jour (${pending.length} migration(s) en attente) : lancez d’abord « maillage db migrate ». Rien n’a été importé.`,
    );
  }
}

/** `maillage import communes` and `maillage import communes-geo FILE.csv`. */
export function registerTerritoryCommands(program: Command): void {
  const imports = importCommand(program);

  imports
    .command('communes')
    .description(
      'charge ou met à jour les régions, départements, EPCI et communes depuis les données livrées avec maillage ' +
        '(COG de l’INSEE, GeoNames) ; les coordonnées officielles déjà importées sont gardées',
    )
    .action(async () => {
      await withDatabase('maillage import communes', async (database) => {
        await assertMigrated(database.db);
        const bar = progressBar('Communes');
        try {
          const report = await loadGeodata(database.db, packagedGeodata(), (done, total) => bar.update(done, total));
          bar.stop();
          console.log(
            `${report.communes.toLocaleString('fr-FR')} communes chargées (${report.departements} départements, ` +
              `${report.regions} régions, ${report.epcis.toLocaleString('fr-FR')} EPCI) en ${(report.milliseconds / 1000).toFixed(1)} s.`,
          );
          console.log(`Coordonnées : ${describePrecisionCounts(report.precisionCounts)}.`);
        } finally {
          bar.stop();
        }
      });
    });

  imports
    .command('communes-geo')
    .description(
      'importe un fichier officiel de centroïdes des communes (CSV avec en-tête : code INSEE, latitude, longitude ; ' +
        'séparateur ; , ou tabulation ; UTF-8 ou ISO-8859-1), tout ou rien',
    )
    .argument('<fichier>', 'fichier CSV')
    .option('--skip-bad-lines', 'importe les lignes correctes même si d’autres sont incorrectes')
    .action(async (file: string, options: { skipBadLines?: boolean }) => {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new OperatorError(
          code === 'ENOENT'
            ? `Le fichier ${file} n’existe pas : vérifiez son chemin.`
            : `Le fichier ${file} ne peut pas être lu (${code ?? String(error)}) : vérifiez ses droits.`,
        );
      }
      await withDatabase('maillage import communes-geo', async (database) => {
        await assertMigrated(database.db);
        const bar = progressBar('Coordonnées');
        try {
          const report = await importCommunesGeo(database.db, bytes, {
            skipBadLines: options.skipBadLines === true,
            onProgress: (done, total) => bar.update(done, total),
          });
          bar.stop();
          for (const line of describeImportReport(report)) console.log(line);
          if (!report.applied) process.exitCode = 1;
        } catch (error) {
          if (error instanceof CentroidFileError) throw new OperatorError(`${file} : ${error.message}`);
          if (error instanceof AppError) throw new OperatorError(error.detail);
          throw error;
        } finally {
          bar.stop();
        }
      });
    });
}
