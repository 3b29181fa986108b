import type { Command } from 'commander';
import { withDatabase } from '../../cli.ts';
import { sealAuditLog, verifyAuditLog } from './seal.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('journal d’audit');
  audit
    .command('seal')
    .description('scelle les événements récents (le serveur le fait aussi chaque minute)')
    .action(async () => {
      await withDatabase('maillage audit seal', async (database) => {
        const sealed = await sealAuditLog(database.db);
        console.log(sealed === 0 ? 'Rien à sceller pour l’instant.' : `${sealed} événement(s) scellé(s).`);
      });
    });
  audit
    .command('verify')
    .description('vérifie la chaîne des sceaux et signale la fin non encore scellée')
    .action(async () => {
      await withDatabase('maillage audit verify', async (database) => {
        const result = await verifyAuditLog(database.db);
        console.log(
          `${result.seals} sceau(x), ${result.sealedEvents} événement(s) scellé(s), ` +
            `${result.unsealedTail} événement(s) récent(s) pas encore scellé(s).`,
        );
        if (result.problems.length === 0) {
          console.log('Chaîne intacte.');
          return;
        }
        for (const problem of result.problems) console.error(`ALERTE : ${problem}`);
        process.exitCode = 2;
      });
    });
}
