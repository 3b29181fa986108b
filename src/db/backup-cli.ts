import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { withDatabase } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { BackupError, restoreBackup, writeBackup, type Progress } from './backup.ts';
import { pgdataDir } from './open.ts';

/** `maillage db backup --out FILE` and `maillage db restore FILE`. */
export function registerBackupCommands(program: Command): void {
  const db = program.commands.find((c) => c.name() === 'db') ?? program.command('db').description('base de données');

  db.command('backup')
    .description(
      'écrit toutes les données et le niveau de migration dans un fichier (gzip), restaurable dans les deux modes',
    )
    .requiredOption('--out <fichier>', 'fichier à écrire (il ne doit pas exister)')
    .action(async (options: { out: string }) => {
      const config = loadConfig();
      // Opening an absent folder would create an empty database, and back up nothing.
      if (!config.databaseUrl && !fs.existsSync(path.join(pgdataDir(config.dataDir), 'PG_VERSION'))) {
        throw new BackupError(
          `Aucune base dans le dossier ${config.dataDir} : rien à sauvegarder (vérifiez MAILLAGE_DATA_DIR ou DATABASE_URL).`,
        );
      }
      await withDatabase('maillage db backup', async (database) => {
        const started = performance.now();
        const summary = await writeBackup(database, options.out, progressBar('Sauvegarde'));
        console.log(
          `Sauvegarde écrite dans ${summary.file} : ${summary.rows} ligne(s) de ${summary.tables} table(s), ` +
            `migration ${summary.migration ?? 'aucune'}, ${formatBytes(summary.bytes)}, ${seconds(started)}.`,
        );
      });
    });

  db.command('restore')
    .description('charge une sauvegarde dans une base vide, puis la met à jour vers cette version')
    .argument('<fichier>', 'fichier écrit par « maillage db backup »')
    .action(async (file: string) => {
      const resolved = path.resolve(file);
      if (!fs.existsSync(resolved)) throw new BackupError(`Le fichier ${resolved} n’existe pas. Rien n’a été modifié.`);
      await withDatabase('maillage db restore', async (database) => {
        const started = performance.now();
        const summary = await restoreBackup(database.db, resolved, progressBar('Restauration'));
        const forward =
          summary.migratedForward.length > 0 ? `, puis mise à jour jusqu’à ${summary.migratedForward.at(-1)}` : '';
        console.log(
          `Restauration terminée dans ${database.mode === 'pglite' ? `le dossier ${database.location}` : database.location} : ` +
            `${summary.rows} ligne(s) de ${summary.tables} table(s), sauvegarde du ${summary.header.createdAt} ` +
            `(migration ${summary.header.migration ?? 'aucune'}, base ${summary.header.mode})${forward}, ${seconds(started)}.`,
        );
      });
    });
}

/** A bar on stderr when a person watches it; nothing in a pipe or a log. */
function progressBar(label: string): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage} % | {value}/{total} lignes`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(Math.max(total, 1), 0),
    advance: (rows) => bar.increment(rows),
    stop: () => bar.stop(),
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} Ko`;
  return `${(bytes / 1024 / 1024).toFixed(1)} Mo`;
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
