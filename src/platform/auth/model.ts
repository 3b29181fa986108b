import type { Generated } from 'kysely';

export interface SessionTables {
  account_session: {
    token_hash: string;
    account_id: string;
    csrf_token: string;
    created_at: Generated<Date>;
    last_seen_at: Generated<Date>;
    expires_at: Date;
    revoked_at: Date | null;
    second_factor_at: Date | null;
    user_agent: string | null;
  };
}

export interface PasswordResetTables {
  password_reset_token: {
    token_hash: string;
    account_id: string;
    created_at: Generated<Date>;
    expires_at: Date;
    used_at: Date | null;
  };
}

/** Name of the session cookie: http-only, SameSite=Lax, Secure when served over HTTPS. */
export const SESSION_COOKIE = 'maillage_session';
/** Header carrying the session's CSRF token on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';
