import * as oidc from 'openid-client';
import type { Config } from '../../../config.ts';
import { PSC_POST_LOGOUT_PATH } from './model.ts';

/** What maillage needs to talk to Pro Santé Connect; null when PSC_ISSUER is unset. */
export interface PscSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  acr: string;
  /** Registered with PSC: `<PUBLIC_URL>/api/auth/psc/callback`. */
  redirectUri: string;
  /** Registered with PSC: `<PUBLIC_URL>/connexion`. */
  postLogoutRedirectUri: string;
}

export const PSC_CALLBACK_PATH = '/api/auth/psc/callback';

export function pscSettings(config: Config): PscSettings | null {
  if (!config.pscIssuer || !config.pscClientId || !config.pscClientSecret) return null;
  return {
    issuer: config.pscIssuer,
    clientId: config.pscClientId,
    clientSecret: config.pscClientSecret,
    scope: config.pscScope,
    acr: config.pscAcr,
    redirectUri: `${config.publicUrl}${PSC_CALLBACK_PATH}`,
    postLogoutRedirectUri: `${config.publicUrl}${PSC_POST_LOGOUT_PATH}`,
  };
}

/** Tokens of a completed authorization-code exchange, their ID token already checked. */
export interface PscTokens {
  idToken: string;
  accessToken: string;
  claims: oidc.IDToken;
}

/**
 * Pro Santé Connect through openid-client: discovery (once, retried after a failure), authorization URL, code
 * exchange with PKCE, UserInfo, end-session URL. Every JWT it receives — the ID token and a signed UserInfo
 * (`application/jwt`) — has its signature checked against the issuer's JWKS (`enableNonRepudiationChecks`):
 * openid-client skips that by default, trusting TLS, but a login that opens health data wants it. The ID token's
 * issuer, audience, expiry and nonce, the state and the PKCE verifier are openid-client's checks.
 */
export class PscClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly settings: PscSettings) {}

  private discover(): Promise<oidc.Configuration> {
    this.configuration ??= (async () => {
      const { issuer, clientId, clientSecret } = this.settings;
      const execute = [oidc.enableNonRepudiationChecks];
      // Plain HTTP is refused in production by the configuration check; outside it, a local test provider.
      if (issuer.startsWith('http:')) execute.unshift(oidc.allowInsecureRequests);
      const configuration = await oidc.discovery(new URL(issuer), clientId, {}, oidc.ClientSecretBasic(clientSecret), {
        execute,
        timeout: 10,
      });
      configuration.timeout = 10;
      return configuration;
    })();
    this.configuration.catch(() => {
      this.configuration = undefined;
    });
    return this.configuration;
  }

  async authorizationUrl(params: { state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const configuration = await this.discover();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      response_type: 'code',
      state: params.state,
      nonce: params.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(params.codeVerifier),
      code_challenge_method: 'S256',
      acr_values: this.settings.acr,
    });
  }

  /** Exchanges the callback's code; throws when the state, the code, the PKCE verifier or the ID token fail. */
  async exchange(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<PscTokens> {
    const configuration = await this.discover();
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    // idTokenExpected makes openid-client refuse a response without ID token: this only narrows the types.
    if (!claims || !tokens.id_token) throw new Error('ID token absent');
    return { idToken: tokens.id_token, accessToken: tokens.access_token, claims };
  }

  /** UserInfo, as JSON or as a signed JWT; its `sub` must be the ID token's. */
  async userInfo(accessToken: string, subject: string): Promise<Record<string, unknown>> {
    const configuration = await this.discover();
    return { ...(await oidc.fetchUserInfo(configuration, accessToken, subject)) };
  }

  /** The provider's logout URL for this ID token, or null when the provider has no end-session endpoint. */
  async endSessionUrl(idToken: string): Promise<URL | null> {
    const configuration = await this.discover();
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: this.settings.postLogoutRedirectUri,
    });
  }
}

export function randomSecrets(): { state: string; nonce: string; codeVerifier: string } {
  return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
}

/**
 * What went wrong with the provider, for the audit log and the page shown: only a stable code, never the
 * error's message or cause (they may quote tokens or claims).
 */
export function classifyProviderError(error: unknown): {
  unavailable: boolean;
  cancelled: boolean;
  code: string;
} {
  if (error instanceof oidc.AuthorizationResponseError) {
    const code = /^[a-z_]{1,60}$/.test(error.error) ? error.error : 'authorization-error';
    return { unavailable: code === 'temporarily_unavailable', cancelled: code === 'access_denied', code };
  }
  if (error instanceof oidc.ResponseBodyError) {
    return { unavailable: error.status >= 500, cancelled: false, code: safeCode(error.error, 'response-error') };
  }
  if (error instanceof oidc.ClientError) {
    const status = error.cause instanceof Response ? error.cause.status : 0;
    return { unavailable: status >= 500, cancelled: false, code: safeCode(error.code, 'client-error') };
  }
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { unavailable: true, cancelled: false, code: 'timeout' };
  }
  if (error instanceof TypeError) return { unavailable: true, cancelled: false, code: 'unreachable' };
  return { unavailable: false, cancelled: false, code: 'unexpected' };
}

function safeCode(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,80}$/.test(value) ? value : fallback;
}
