import type { App } from '../app.ts';
import type { Executor } from '../db/database.ts';
import { systemActor, type Role } from '../platform/access/model.ts';
import { createAccount } from '../platform/accounts/service.ts';

let accounts = 0;

/**
 * Creates an account with one role on a territory, logs it in through the API and returns the headers a
 * request needs (session cookie and CSRF token).
 */
export async function signIn(
  app: App,
  db: Executor,
  grant: { role: Role; territoryId: string },
): Promise<Record<string, string>> {
  const email = `test-${grant.role}-${++accounts}-${Date.now()}@exemple.fr`;
  const password = 'mot de passe de test solide';
  await createAccount(db, systemActor('test'), { email, displayName: `Test ${grant.role}`, password, grants: [grant] });
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`Connexion de test refusée : ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'maillage_session')!;
  return { cookie: `maillage_session=${cookie.value}`, 'x-csrf-token': res.json().csrfToken as string };
}
