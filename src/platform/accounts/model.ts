import type { Generated } from 'kysely';
import type { Role } from '../access/model.ts';

export type AccountStatus = 'active' | 'disabled' | 'pending';

export interface AccountTables {
  account: {
    id: Generated<string>;
    email: string;
    display_name: string;
    given_name: string | null;
    family_name: string | null;
    national_id: string | null;
    password_hash: string | null;
    status: Generated<AccountStatus>;
    totp_secret: string | null;
    totp_enabled_at: Date | null;
    totp_last_counter: number | null;
    failed_logins: Generated<number>;
    locked_until: Date | null;
    is_demo: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    last_login_at: Date | null;
  };
  account_grant: {
    account_id: string;
    role: Role;
    territory_id: string;
    granted_by: string | null;
    granted_at: Generated<Date>;
  };
}

/** An account as services hand it around: never its password hash or second-factor secret. */
export interface Account {
  id: string;
  email: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  nationalId: string | null;
  status: AccountStatus;
  isDemo: boolean;
  secondFactorEnabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  grants: AccountGrant[];
}

export interface AccountGrant {
  role: Role;
  territoryId: string;
  territoryName: string;
}
