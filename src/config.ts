import fs from 'node:fs';
import path from 'node:path';

/** Everything maillage reads from its environment, validated once at start. */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Public base URL, used in links sent to people and vendors. */
  publicUrl: string;
  /** Set: run on this PostgreSQL server. Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Load the demo territory into an empty database at start. */
  demo: boolean;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Requests per minute and client address before 429. */
  rateLimitPerMinute: number;
  /** Login-type requests (password, code, reset) per minute and client address: brute force is slowed here. */
  loginRateLimitPerMinute: number;
  trustProxy: boolean;
  /** Seconds given to in-flight requests on SIGTERM before the process exits anyway. */
  shutdownGraceSeconds: number;
  /** A session unused for this long ends (a regulator's pause must not log him out mid-shift). */
  sessionIdleMinutes: number;
  /** A session ends this long after login, whatever its use (one duty shift). */
  sessionMaxHours: number;
  /** Failed logins in a row before a temporary lockout, and its length. */
  loginLockAfter: number;
  loginLockMinutes: number;
  /** smtp://user:password@host:port (or smtps://): unset keeps mails in the outbox, listed on the developers' page. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Minutes a password-reset link stays valid. */
  passwordResetMinutes: number;
  /** Pro Santé Connect issuer (exact, as its discovery document states it); unset: PSC login is off. */
  pscIssuer: string | undefined;
  pscClientId: string | undefined;
  pscClientSecret: string | undefined;
  /** Scopes asked of Pro Santé Connect. */
  pscScope: string;
  /** The only authentication level accepted in the ID token's `acr`, also asked as `acr_values`. */
  pscAcr: string;
  /** Where uploaded files (training videos) are kept; `<dataDir>/fichiers` by default. Back it up with the database. */
  uploadDir: string;
  /** Largest training video accepted, in bytes. */
  videoMaxBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads and checks the environment. Every wrong value is reported, each in one French sentence,
 * so an operator fixes them all in one go.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];

  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV vaut « ${nodeEnv} » : valeurs possibles development, production ou test.`);
  }

  const port = integer(env, 'PORT', 3000, 0, 65535, problems);
  const host = env.HOST?.trim() || '127.0.0.1';

  let databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined) {
    try {
      const url = new URL(databaseUrl);
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        problems.push(`DATABASE_URL doit commencer par postgres:// ou postgresql:// (reçu « ${url.protocol} »).`);
      }
    } catch {
      problems.push('DATABASE_URL n’est pas une URL valide : attendu postgres://utilisateur@hôte:5432/base.');
      databaseUrl = undefined;
    }
  }

  const dataDir = path.resolve(cwd, env.MAILLAGE_DATA_DIR?.trim() || 'data');

  const logLevel = (env.LOG_LEVEL?.trim() || (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL vaut « ${logLevel} » : valeurs possibles ${LOG_LEVELS.join(', ')}.`);
  }

  const demo = boolean(env, 'MAILLAGE_DEMO', nodeEnv !== 'production', problems);
  const bodyLimit = integer(env, 'MAILLAGE_BODY_LIMIT', 1_048_576, 1024, 100 * 1_048_576, problems);
  const rateLimitPerMinute = integer(env, 'MAILLAGE_RATE_LIMIT', 1200, 1, 1_000_000, problems);
  const loginRateLimitPerMinute = integer(env, 'MAILLAGE_LOGIN_RATE_LIMIT', 20, 1, 100_000, problems);
  const trustProxy = boolean(env, 'MAILLAGE_TRUST_PROXY', false, problems);
  const shutdownGraceSeconds = integer(env, 'MAILLAGE_SHUTDOWN_GRACE', 10, 1, 600, problems);
  const sessionIdleMinutes = integer(env, 'MAILLAGE_SESSION_IDLE_MINUTES', 120, 1, 24 * 60, problems);
  const sessionMaxHours = integer(env, 'MAILLAGE_SESSION_MAX_HOURS', 12, 1, 24 * 7, problems);
  const loginLockAfter = integer(env, 'MAILLAGE_LOGIN_LOCK_AFTER', 5, 1, 100, problems);
  const loginLockMinutes = integer(env, 'MAILLAGE_LOGIN_LOCK_MINUTES', 15, 1, 24 * 60, problems);
  const passwordResetMinutes = integer(env, 'MAILLAGE_PASSWORD_RESET_MINUTES', 30, 5, 24 * 60, problems);
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    problems.push(
      'SMTP_URL doit commencer par smtp:// ou smtps:// (par exemple smtp://utilisateur:motdepasse@smtp.exemple.fr:587).',
    );
  }
  const mailFrom = env.MAIL_FROM?.trim() || 'maillage <ne-pas-repondre@localhost>';
  const psc = proSanteConnect(env, nodeEnv, problems);
  const uploadDir = path.resolve(cwd, env.MAILLAGE_UPLOAD_DIR?.trim() || path.join(dataDir, 'fichiers'));
  if (fs.existsSync(uploadDir) && !fs.statSync(uploadDir).isDirectory()) {
    problems.push(
      `MAILLAGE_UPLOAD_DIR vaut « ${uploadDir} » : c’est un fichier, attendu un dossier (créé s’il n’existe pas).`,
    );
  }
  const videoMaxBytes = integer(env, 'MAILLAGE_VIDEO_MAX_MB', 500, 1, 10_240, problems) * 1_048_576;

  let publicUrl = env.PUBLIC_URL?.trim() || `http://localhost:${port || 3000}`;
  try {
    publicUrl = new URL(publicUrl).toString().replace(/\/$/, '');
  } catch {
    problems.push(`PUBLIC_URL vaut « ${publicUrl} » : attendu une URL complète, par exemple https://sas.exemple.fr.`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: nodeEnv as Config['env'],
    host,
    port,
    publicUrl,
    databaseUrl,
    dataDir,
    logLevel,
    demo,
    bodyLimit,
    rateLimitPerMinute,
    loginRateLimitPerMinute,
    trustProxy,
    shutdownGraceSeconds,
    sessionIdleMinutes,
    sessionMaxHours,
    loginLockAfter,
    loginLockMinutes,
    smtpUrl,
    mailFrom,
    passwordResetMinutes,
    ...psc,
    uploadDir,
    videoMaxBytes,
  };
}

/**
 * Pro Santé Connect: off without PSC_ISSUER; with it, client id and secret are required, and the issuer must be
 * HTTPS in production (plain HTTP is for a local test provider).
 */
function proSanteConnect(
  env: Env,
  nodeEnv: string,
  problems: string[],
): Pick<Config, 'pscIssuer' | 'pscClientId' | 'pscClientSecret' | 'pscScope' | 'pscAcr'> {
  const pscIssuer = env.PSC_ISSUER?.trim() || undefined;
  const pscClientId = env.PSC_CLIENT_ID?.trim() || undefined;
  const pscClientSecret = env.PSC_CLIENT_SECRET?.trim() || undefined;
  const pscScope = (env.PSC_SCOPE?.trim() || 'openid scope_all').replace(/\s+/g, ' ');
  const pscAcr = env.PSC_ACR?.trim() || 'eidas1';
  if (pscIssuer !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(pscIssuer);
    } catch {
      problems.push(
        `PSC_ISSUER vaut « ${pscIssuer} » : attendu une URL complète, par exemple ` +
          'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet.',
      );
    }
    if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && nodeEnv !== 'production')) {
      problems.push('PSC_ISSUER doit commencer par https:// (http:// n’est accepté qu’en dehors de la production).');
    }
    if (pscClientId === undefined) problems.push('PSC_CLIENT_ID est obligatoire quand PSC_ISSUER est renseigné.');
    if (pscClientSecret === undefined) {
      problems.push('PSC_CLIENT_SECRET est obligatoire quand PSC_ISSUER est renseigné.');
    }
  }
  if (!pscScope.split(' ').includes('openid')) {
    problems.push(`PSC_SCOPE vaut « ${pscScope} » : il doit contenir openid (par défaut « openid scope_all »).`);
  }
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(pscAcr)) {
    problems.push(`PSC_ACR vaut « ${pscAcr} » : attendu un niveau d’authentification comme eidas1.`);
  }
  return { pscIssuer, pscClientId, pscClientSecret, pscScope, pscAcr };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} vaut « ${raw} » : attendu un nombre entier entre ${min} et ${max}.`);
    return fallback;
  }
  const value = Number(raw);
  if (value < min || value > max) {
    problems.push(`${name} vaut ${value} : attendu un nombre entre ${min} et ${max}.`);
    return fallback;
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'oui', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'non', 'off'].includes(raw)) return false;
  problems.push(`${name} vaut « ${raw} » : attendu true ou false.`);
  return fallback;
}
