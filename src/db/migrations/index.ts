import type { Migration } from 'kysely';
import * as platformExtensions from './0001_platform_extensions.ts';
import * as platformTerritories from './0002_platform_territories.ts';
import * as platformAccounts from './0003_platform_accounts.ts';
import * as platformAudit from './0004_platform_audit.ts';
import * as directoryModel from './0005_directory_model.ts';
import * as platformMail from './0006_platform_mail.ts';
import * as platformPasswordReset from './0007_platform_password_reset.ts';
import * as platformAuditSeal from './0008_platform_audit_seal.ts';
import * as platformPsc from './0009_platform_psc.ts';
import * as platformTraining from './0010_platform_training.ts';

/**
 * The one migration history, in order. Names never change once released; a new migration goes at the
 * end. `migrations.test.ts` checks that every file of this folder is listed here.
 */
export const migrations: Record<string, Migration> = {
  '0001_platform_extensions': platformExtensions,
  '0002_platform_territories': platformTerritories,
  '0003_platform_accounts': platformAccounts,
  '0004_platform_audit': platformAudit,
  '0005_directory_model': directoryModel,
  '0006_platform_mail': platformMail,
  '0007_platform_password_reset': platformPasswordReset,
  '0008_platform_audit_seal': platformAuditSeal,
  '0009_platform_psc': platformPsc,
  '0010_platform_training': platformTraining,
};
