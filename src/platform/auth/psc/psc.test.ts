import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../../config.ts';
import { displayNameOf, readPscIdentity, structureIdsOf } from './claims.ts';
import { safeReturnPath } from './service.ts';
import { seal, unseal } from './seal.ts';

/** PSC's UserInfo as its sandbox sends it (names and ids fictitious, shape as is). */
const USERINFO = {
  sub: 'f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:899700427885',
  Secteur_Activite: 'SA07^1.2.250.1.71.4.2.4',
  SubjectOrganization: 'CABINET M DOC0042788',
  preferred_username: '899700427885',
  given_name: 'KIT',
  family_name: 'DOC0042788',
  SubjectNameID: '899700427885',
  SubjectRole: ['10^1.2.250.1.213.1.1.5.5'],
  SubjectOrganizationID: 'R102671',
  SubjectRefPro: {
    codeCivilite: 'M',
    exercices: [
      {
        codeProfession: '10',
        codeCategorieProfessionnelle: 'C',
        codeCiviliteDexercice: 'DR',
        nomDexercice: 'DOC0042788',
        prenomDexercice: 'KIT',
        codeTypeSavoirFaire: 'S',
        codeSavoirFaire: 'SM26',
        activities: [
          {
            codeModeExercice: 'L',
            codeSecteurDactivite: 'SA07',
            numeroSiretSite: '',
            numeroSirenSite: '',
            numeroFinessSite: '',
            numeroFinessetablissementJuridique: '',
            identifiantTechniqueDeLaStructure: 'R102671',
            raisonSocialeSite: 'CABINET M DOC0042788',
            codePostal: '75009',
            codeCommune: '',
          },
          {
            codeModeExercice: 'S',
            codeSecteurDactivite: 'SA01',
            numeroFinessSite: '0B0193488',
            numeroFinessetablissementJuridique: '1B0064166',
            identifiantTechniqueDeLaStructure: 'F0B0193488',
            raisonSocialeSite: 'HOPITAL GENERIQUE FIN VARI',
            codePostal: '75009',
            codeCommune: '75109',
          },
        ],
      },
    ],
  },
};

describe('PSC claims', () => {
  test('reads the national id, names, roles and places of practice of a PSC UserInfo', () => {
    const reading = readPscIdentity(USERINFO);
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    const identity = reading.identity;
    expect(identity).toMatchObject({
      subject: USERINFO.sub,
      nationalId: '899700427885',
      nationalIdAliases: ['99700427885'],
      givenName: 'KIT',
      familyName: 'DOC0042788',
      email: null,
    });
    expect(identity.practice.roles).toEqual(['10^1.2.250.1.213.1.1.5.5']);
    expect(identity.practice.exercises[0]).toMatchObject({
      professionCode: '10',
      categoryCode: 'C',
      skillTypeCode: 'S',
      skillCode: 'SM26',
    });
    expect(identity.practice.exercises[0]!.activities[1]).toEqual({
      practiceMode: 'S',
      sectorCode: 'SA01',
      finessSite: '0B0193488',
      finessLegal: '1B0064166',
      siret: null,
      siren: null,
      structureTechnicalId: 'F0B0193488',
      structureName: 'HOPITAL GENERIQUE FIN VARI',
      postalCode: '75009',
      communeInsee: '75109',
    });
    expect(structureIdsOf(identity.practice)).toEqual({
      finess: ['0B0193488'],
      siret: [],
      technicalIds: ['R102671', 'F0B0193488'],
      communes: ['75109'],
    });
    expect(displayNameOf(identity)).toBe('KIT DOC0042788');
  });

  test('an ADELI with its prefix 0, or a bare RPPS, gives the prefixed national id', () => {
    const adeli = readPscIdentity({ sub: 's', SubjectNameID: '0751234567' });
    expect(adeli.ok && adeli.identity.nationalId).toBe('0751234567');
    const bare = readPscIdentity({ sub: 's', SubjectNameID: '99700427885' });
    expect(bare.ok && bare.identity.nationalId).toBe('899700427885');
  });

  test('refuses claims without sub or national id, or with an id of no known form', () => {
    expect(readPscIdentity({ SubjectNameID: '899700427885' })).toEqual({ ok: false, reason: 'missing-sub' });
    expect(readPscIdentity({ sub: 's' })).toEqual({ ok: false, reason: 'missing-national-id' });
    expect(readPscIdentity({ sub: 's', SubjectNameID: '12' })).toEqual({ ok: false, reason: 'invalid-national-id' });
  });

  test('values of the wrong type or shape are dropped, long ones cut, control characters removed', () => {
    const reading = readPscIdentity({
      sub: 's',
      SubjectNameID: '899700427885',
      given_name: 42,
      family_name: `A\u0000B${'x'.repeat(500)}`,
      email: 'pas-une-adresse',
      SubjectRole: '10^1.2.250.1.213.1.1.5.5',
      SubjectRefPro: {
        exercices: [
          'texte',
          {
            codeProfession: '<script>',
            activities: [
              { numeroFinessSite: "41'; drop table account;--", numeroSiretSite: '12345', codeCommune: 'abc' },
            ],
          },
        ],
      },
    });
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.identity.givenName).toBeNull();
    expect(reading.identity.familyName).toHaveLength(200);
    expect(reading.identity.familyName!.startsWith('A B')).toBe(true);
    expect(reading.identity.email).toBeNull();
    expect(reading.identity.practice.roles).toEqual(['10^1.2.250.1.213.1.1.5.5']);
    expect(reading.identity.practice.exercises).toHaveLength(1);
    expect(reading.identity.practice.exercises[0]!.professionCode).toBeNull();
    expect(reading.identity.practice.exercises[0]!.activities[0]).toMatchObject({
      finessSite: null,
      siret: null,
      communeInsee: null,
    });
  });

  test('without names, the account is named by the national id', () => {
    const reading = readPscIdentity({ sub: 's', SubjectNameID: '899700427885' });
    expect(reading.ok && displayNameOf(reading.identity)).toBe('899700427885');
  });
});

describe('return path after login', () => {
  test('keeps a path of this site, with its query and fragment', () => {
    expect(safeReturnPath('/regulation?onglet=2#appel')).toBe('/regulation?onglet=2#appel');
    expect(safeReturnPath(undefined)).toBe('/');
  });

  test('never another origin, a login page, the API or a control character', () => {
    for (const value of [
      'https://ailleurs.example/',
      '//ailleurs.example/',
      '/\\ailleurs.example',
      'javascript:alert(1)',
      '/connexion',
      '/connexion/psc-en-attente',
      '/api/auth/psc/start',
      '/a\nb',
      'relatif',
    ]) {
      expect(safeReturnPath(value), value).toBe('/');
    }
  });
});

describe('sealed values', () => {
  test('open only with the same secret, purpose and binding, and unaltered', () => {
    const sealed = seal('secret-du-navigateur', 'login-flow', 'etat', '{"nonce":"n"}');
    expect(sealed).not.toContain('nonce');
    expect(unseal('secret-du-navigateur', 'login-flow', 'etat', sealed)).toBe('{"nonce":"n"}');
    expect(unseal('autre-secret', 'login-flow', 'etat', sealed)).toBeUndefined();
    expect(unseal('secret-du-navigateur', 'id-token', 'etat', sealed)).toBeUndefined();
    expect(unseal('secret-du-navigateur', 'login-flow', 'autre-etat', sealed)).toBeUndefined();
    const [version, iv, tag, body] = sealed.split('.');
    const flipped = `${version}.${iv}.${tag}.${body!.slice(0, -2)}${body!.endsWith('A') ? 'B' : 'A'}${body!.slice(-1)}`;
    expect(unseal('secret-du-navigateur', 'login-flow', 'etat', flipped)).toBeUndefined();
    expect(unseal('secret-du-navigateur', 'login-flow', 'etat', `${version}.${iv}.${tag!.slice(0, 8)}.${body}`)).toBe(
      undefined,
    );
    expect(unseal('secret-du-navigateur', 'login-flow', 'etat', 'nimporte.quoi')).toBeUndefined();
  });
});

describe('PSC configuration', () => {
  test('off by default; scope openid scope_all and level eidas1', () => {
    const config = loadConfig({});
    expect(config.pscIssuer).toBeUndefined();
    expect(config.pscScope).toBe('openid scope_all');
    expect(config.pscAcr).toBe('eidas1');
  });

  test('with an issuer: client id and secret required, HTTPS in production', () => {
    const config = loadConfig({
      PSC_ISSUER: 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet',
      PSC_CLIENT_ID: 'maillage',
      PSC_CLIENT_SECRET: 's3cret',
      PSC_ACR: 'eidas2',
    });
    expect(config).toMatchObject({ pscClientId: 'maillage', pscClientSecret: 's3cret', pscAcr: 'eidas2' });

    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', PSC_ISSUER: 'http://psc.local', PSC_SCOPE: 'scope_all', PSC_ACR: 'a b' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        'PSC_ISSUER doit commencer par https:// (http:// n’est accepté qu’en dehors de la production).',
        'PSC_CLIENT_ID est obligatoire quand PSC_ISSUER est renseigné.',
        'PSC_CLIENT_SECRET est obligatoire quand PSC_ISSUER est renseigné.',
        'PSC_SCOPE vaut « scope_all » : il doit contenir openid (par défaut « openid scope_all »).',
        'PSC_ACR vaut « a b » : attendu un niveau d’authentification comme eidas1.',
      ]),
    );
    expect(() => loadConfig({ PSC_ISSUER: 'pas une url', PSC_CLIENT_ID: 'x', PSC_CLIENT_SECRET: 'y' })).toThrow(
      /PSC_ISSUER vaut « pas une url »/,
    );
  });
});
