import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A local Pro Santé Connect for tests: a real OpenID Connect provider (oidc-provider) on
 * `http://127.0.0.1:<free port>`, issuing PSC-shaped claims — `SubjectNameID`, `given_name`, `family_name`,
 * `SubjectRole`, `SubjectRefPro.exercices[].activities[]` — with PKCE required, the `acr` the test asks for,
 * JWKS, RP-initiated logout, and two clients: one answered UserInfo as JSON, one as a signed JWT
 * (`userinfo_signed_response_alg`, so the provider answers `application/jwt`).
 *
 * The login page is replaced by a middleware that logs in at once whoever `nextLogin` named. `tamper` makes the
 * provider misbehave the way an attacker in the middle would: an ID token signed with another key, an old ID
 * token replayed, a UserInfo JWT signed with another key.
 */
export interface PscPerson {
  nationalId: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** SubjectRole, `code^OID` strings. */
  roles?: string[];
  /** SubjectRefPro.exercices, as PSC sends them. */
  exercices?: Record<string, unknown>[];
}

export interface LocalPscClient {
  clientId: string;
  clientSecret: string;
}

export interface LocalPsc {
  issuer: string;
  /** UserInfo answered as JSON. */
  jsonClient: LocalPscClient;
  /** UserInfo answered as a signed JWT (application/jwt). */
  jwtClient: LocalPscClient;
  /** The person the next authorization logs in, at this authentication level; returns the `sub`. */
  nextLogin(person: PscPerson, acr?: string): string;
  tamper: { idToken: 'foreign-key' | 'replay-previous' | null; userinfo: 'foreign-key' | null };
  /** Every ID token the token endpoint issued (before tampering), oldest first. */
  issuedIdTokens: string[];
  /** Content types of the UserInfo answers, oldest first. */
  userinfoContentTypes: string[];
  close(): Promise<void>;
}

/** A médecin généraliste practising in one place, as PSC describes him. */
export function pscExercise(activity: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    codeProfession: '10',
    codeCategorieProfessionnelle: 'C',
    codeCiviliteDexercice: 'DR',
    nomDexercice: 'DOC0042788',
    prenomDexercice: 'KIT',
    codeTypeSavoirFaire: 'S',
    codeSavoirFaire: 'SM54',
    activities: [
      {
        codeModeExercice: 'L',
        codeSecteurDactivite: 'SA07',
        codeSectionPharmacien: '',
        codeRole: '',
        numeroSiretSite: '',
        numeroSirenSite: '',
        numeroFinessSite: '',
        numeroFinessetablissementJuridique: '',
        identifiantTechniqueDeLaStructure: 'R102671',
        raisonSocialeSite: 'CABINET M DOC0042788',
        codePostal: '41000',
        codeCommune: '',
        codePays: '99000',
        ...activity,
      },
    ],
  };
}

function pscClaims(sub: string, person: PscPerson): Record<string, unknown> {
  return {
    sub,
    SubjectNameID: person.nationalId,
    preferred_username: person.nationalId,
    given_name: person.givenName ?? 'KIT',
    family_name: person.familyName ?? 'DOC0042788',
    ...(person.email ? { email: person.email } : {}),
    SubjectRole: person.roles ?? ['10^1.2.250.1.213.1.1.5.5'],
    SubjectRefPro: { codeCivilite: 'M', exercices: person.exercices ?? [pscExercise()] },
    SubjectOrganization: 'CABINET M DOC0042788',
    UITVersion: '1.0',
  };
}

const PSC_CLAIMS = [
  'SubjectNameID',
  'preferred_username',
  'given_name',
  'family_name',
  'email',
  'SubjectRole',
  'SubjectRefPro',
  'SubjectOrganization',
  'UITVersion',
];

function rsaKey(kid: string): { jwk: Record<string, unknown>; privateKey: KeyObject; kid: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }, privateKey, kid };
}

/** Re-signs a JWT (RS256) after changing its claims: what an attacker holding `privateKey` could issue. */
export function resignJwt(
  jwt: string,
  privateKey: KeyObject,
  change: (claims: Record<string, unknown>) => Record<string, unknown> = (c) => c,
): string {
  const [header, payload] = jwt.split('.') as [string, string];
  const claims = change(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>);
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${sign('sha256', Buffer.from(body), privateKey).toString('base64url')}`;
}

export async function startLocalPsc(options: {
  redirectUri: string;
  postLogoutRedirectUri: string;
}): Promise<LocalPsc> {
  const signing = rsaKey('psc-test-1');
  // The attacker's key carries the provider's kid: only the signature check can tell them apart.
  const attacker = rsaKey('psc-test-1');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const people = new Map<string, PscPerson>();
  let next: { sub: string; acr: string } | undefined;
  const jsonClient = { clientId: 'maillage-json', clientSecret: randomUUID() };
  const jwtClient = { clientId: 'maillage-jwt', clientSecret: randomUUID() };
  const client = (c: LocalPscClient, extra: Record<string, unknown> = {}) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    redirect_uris: [options.redirectUri],
    post_logout_redirect_uris: [options.postLogoutRedirectUri],
    ...extra,
  });

  const provider = new Provider(issuer, {
    clients: [client(jsonClient), client(jwtClient, { userinfo_signed_response_alg: 'RS256' })],
    jwks: { keys: [signing.jwk] },
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    scopes: ['openid', 'scope_all'],
    claims: { openid: ['sub'], scope_all: PSC_CLAIMS },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    findAccount: async (_ctx: unknown, sub: string) => {
      const person = people.get(sub);
      if (!person) return undefined;
      return { accountId: sub, claims: async () => pscClaims(sub, person) };
    },
    // First-party client: no consent page; the grant covers PSC's scopes.
    loadExistingGrant: async (ctx: any) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid scope_all');
      await grant.save();
      return grant;
    },
  });

  const local: LocalPsc = {
    issuer,
    jsonClient,
    jwtClient,
    nextLogin(person, acr = 'eidas1') {
      const sub = `f:${randomUUID()}:${person.nationalId}`;
      people.set(sub, person);
      next = { sub, acr };
      return sub;
    },
    tamper: { idToken: null, userinfo: null },
    issuedIdTokens: [],
    userinfoContentTypes: [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  provider.use(async (ctx, nextMiddleware) => {
    // The "login page": logs in whoever the test named, at the level it chose.
    if (ctx.path.startsWith('/interaction/')) {
      await provider.interactionDetails(ctx.req, ctx.res);
      if (!next) throw new Error('startLocalPsc: nextLogin() was not called before the authorization');
      const to = await provider.interactionResult(
        ctx.req,
        ctx.res,
        { login: { accountId: next.sub, acr: next.acr } },
        { mergeWithLastSubmission: false },
      );
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
    await nextMiddleware();
    if (ctx.path === '/token' && ctx.status === 200 && typeof ctx.body === 'object' && ctx.body !== null) {
      const body = ctx.body as { id_token?: string };
      if (body.id_token) {
        const issued = body.id_token;
        const previous = local.issuedIdTokens.at(-1);
        local.issuedIdTokens.push(issued);
        if (local.tamper.idToken === 'foreign-key') body.id_token = resignJwt(issued, attacker.privateKey);
        if (local.tamper.idToken === 'replay-previous' && previous) body.id_token = previous;
      }
    }
    if (ctx.path === '/me' && ctx.status === 200) {
      local.userinfoContentTypes.push(ctx.type);
      if (local.tamper.userinfo === 'foreign-key' && typeof ctx.body === 'string') {
        ctx.body = resignJwt(ctx.body, attacker.privateKey);
        ctx.type = 'application/jwt';
      }
    }
  });
  server.on('request', provider.callback());
  return local;
}

/**
 * A browser's cookies for one origin (Node's fetch keeps none): name → value, with the path each was set for,
 * sent back on the requests under that path.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const path =
        attributes
          .map((a) => a.trim())
          .find((a) => a.toLowerCase().startsWith('path='))
          ?.slice(5) ?? '/';
      const expired = attributes.some(
        (a) => /^max-age=0$/i.test(a.trim()) || /^expires=thu, 01 jan 1970/i.test(a.trim()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  header(path: string): string {
    return [...this.cookies]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }
}

/**
 * Follows the provider's redirects as a browser would, from an authorization URL, until one leaves the provider:
 * that URL (maillage's callback) is returned.
 */
export async function browseProvider(psc: LocalPsc, start: string, jar = new CookieJar()): Promise<URL> {
  let url = new URL(start);
  for (let hop = 0; hop < 10; hop++) {
    if (url.origin !== psc.issuer) return url;
    const cookie = jar.header(url.pathname);
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    jar.store(response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (!location) {
      throw new Error(
        `Le fournisseur de test a répondu ${response.status} sans redirection : ${await response.text()}`,
      );
    }
    url = new URL(location, url);
  }
  throw new Error('Trop de redirections chez le fournisseur de test.');
}
