import type { DirectoryTables } from '../directory/model.ts';
import type { AccountTables } from '../platform/accounts/model.ts';
import type { AuditTables } from '../platform/audit/model.ts';
import type { PasswordResetTables, SessionTables } from '../platform/auth/model.ts';
import type { PscTables } from '../platform/auth/psc/model.ts';
import type { MailTables } from '../platform/mail/model.ts';
import type { TerritoryTables } from '../platform/territory/model.ts';
import type { TrainingTables } from '../platform/training/model.ts';
/**
 * Every table Kysely may query, as the union of each module's own tables. A module declares its tables in
 * its `model.ts` and only its `store.ts` queries them.
 */
export interface Database
  extends
    AccountTables,
    SessionTables,
    PasswordResetTables,
    AuditTables,
    MailTables,
    TerritoryTables,
    DirectoryTables,
    PscTables,
    TrainingTables {
  maillage_meta: {
    key: string;
    value: unknown;
    updated_at: Date;
  };
}
