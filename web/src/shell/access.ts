import type { CurrentUser } from './current-user.ts';
import type { Role } from './roles.ts';

/**
 * Who may open a page: everyone, any signed-in account, or the accounts holding one of these roles (on any
 * territory; the server checks the territory of each piece of data). This only shapes the interface: the
 * server enforces access on every call.
 */
export type PageAccess = 'public' | 'signed-in' | readonly Role[];

export function canOpen(access: PageAccess, user: CurrentUser | null): boolean {
  if (access === 'public') return true;
  if (user === null) return false;
  if (access === 'signed-in') return true;
  return user.grants.some((grant) => access.includes(grant.role));
}
