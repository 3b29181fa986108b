import { sql } from 'kysely';
import { describe, expect, test, beforeEach } from 'vitest';
import type { Executor } from '../db/database.ts';
import { useTestTransaction } from '../db/testing/index.ts';
import { insertTestCommunes } from '../testing/fixtures.ts';
import { luhnCheckDigit } from '../platform/identifiers.ts';
import * as store from './store.ts';

const gp = {
  rpps: '10002909371',
  nationalId: '810002909371',
  adeli: null,
  civility: 'MME',
  title: 'DR',
  familyName: 'Belvadou',
  givenNames: 'Claire',
  professionCode: '10',
  professionLabel: 'Médecin',
  categoryCode: 'C',
  categoryLabel: 'Civil',
  specialtyCode: 'SM54',
  specialtyLabel: 'Médecine générale',
  active: true,
  source: 'annuaire-sante',
} satisfies store.ProfessionalRecord;

/** The n-th fictitious GP: RPPS 999… with a valid key. */
function professional(n: number, overrides: Partial<store.ProfessionalRecord> = {}): store.ProfessionalRecord {
  const payload = `999${String(n).padStart(7, '0')}`;
  const rpps = payload + luhnCheckDigit(payload);
  return { ...gp, rpps, nationalId: `8${rpps}`, ...overrides };
}

const practice = {
  kind: 'practice',
  name: 'Cabinet médical des Tilleuls',
  nationalId: null,
  finessSite: null,
  finessLegal: null,
  siret: null,
  technicalId: 'S0001',
  parentId: null,
  active: true,
  source: 'annuaire-sante',
} satisfies store.StructureRecord;

function place(key: string, overrides: Partial<store.PlaceRecord> = {}): store.PlaceRecord {
  return {
    placeKey: key,
    structureId: null,
    name: null,
    addressLines: ['12 rue des Tilleuls'],
    postalCode: '41000',
    communeInsee: '41018',
    city: 'Blois',
    latitude: 47.5861,
    longitude: 1.3359,
    coordinatesPrecision: 'address',
    phone: '0261910001',
    active: true,
    source: 'annuaire-sante',
    ...overrides,
  };
}

function role(professionalId: string, placeId: string | null, structureId: string | null = null): store.RoleRecord {
  return {
    professionalId,
    structureId,
    placeId,
    practiceMode: 'liberal',
    phone: null,
    email: null,
    modalities: ['office'],
    feeSector: '1',
    active: true,
    source: 'annuaire-sante',
  };
}

const notes: store.RegulatorNotesRecord = {
  notes: 'Appeler la ligne régulateurs avant 18 h.',
  restrictions: null,
  acceptsNewPatients: false,
  patientsNote: null,
  languages: ['en', 'es'],
  accessibility: 'Plain-pied',
  homeVisitArea: null,
  regulatorPhone: '0261919999',
  updatedBy: 'account:test',
};

async function roleCopies(db: Executor, roleId: string) {
  return db
    .selectFrom('directory_role')
    .select(['profession_code', 'specialty_code', 'latitude', 'longitude', 'sas_enrolled'])
    .where('id', '=', roleId)
    .executeTakeFirstOrThrow();
}

describe('directory store', () => {
  const t = useTestTransaction();
  beforeEach(() =>
    insertTestCommunes(t.db, [
      { inseeCode: '41018', name: 'Blois', postalCodes: ['41000'], latitude: 47.586, longitude: 1.336 },
      { inseeCode: '41269', name: 'Vendôme', postalCodes: ['41100'], latitude: 47.793, longitude: 1.066 },
      { inseeCode: '2A004', name: 'Ajaccio', postalCodes: ['20000'], latitude: 41.919, longitude: 8.738 },
    ]),
  );

  test('upserting a professional is idempotent, and a change updates him in place', async () => {
    const first = await store.upsertProfessional(t.db, gp);
    expect(first.outcome).toBe('created');
    const before = await store.getProfessional(t.db, first.id);

    const again = await store.upsertProfessional(t.db, gp);
    expect(again).toEqual({ id: first.id, outcome: 'unchanged' });
    expect((await store.getProfessional(t.db, first.id))!.updatedAt).toEqual(before!.updatedAt);

    const renamed = await store.upsertProfessional(t.db, {
      ...gp,
      familyName: 'Belvadou-Corvignac',
      givenNames: 'Claire Anne',
    });
    expect(renamed).toEqual({ id: first.id, outcome: 'updated' });
    const after = await store.getProfessional(t.db, first.id);
    expect(after).toMatchObject({ familyName: 'Belvadou-Corvignac', givenNames: 'Claire Anne', active: true });

    const rows = await t.db.selectFrom('directory_professional').select('id').execute();
    expect(rows).toHaveLength(1);
  });

  test('the search text is unaccented, lower case, with hyphens as spaces', async () => {
    const { id } = await store.upsertProfessional(t.db, { ...gp, familyName: 'Lefèvre-Élan', givenNames: 'Hélène' });
    const row = await t.db
      .selectFrom('directory_professional')
      .select('search_text')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.search_text).toBe('lefevre elan helene');
  });

  test('a retired professional stays readable with his roles, and comes back if a registry lists him', async () => {
    const { id } = await store.upsertProfessional(t.db, gp);
    const placed = await store.upsertPlace(t.db, place('test:blois'));
    await store.upsertRole(t.db, role(id, placed.id));

    expect(await store.retireProfessional(t.db, id)).toBe(true);
    expect(await store.retireProfessional(t.db, id)).toBe(false);
    const detail = await store.getProfessionalDetail(t.db, id);
    expect(detail!.professional.active).toBe(false);
    expect(detail!.professional.retiredAt).toBeInstanceOf(Date);
    expect(detail!.roles).toHaveLength(1);
    expect(detail!.roles[0]!.role.active).toBe(false);
    expect(detail!.roles[0]!.place!.placeKey).toBe('test:blois');

    // A registry upsert of the inactive record keeps the first retirement date.
    const retiredAt = detail!.professional.retiredAt;
    expect((await store.upsertProfessional(t.db, { ...gp, active: false })).outcome).toBe('unchanged');
    expect((await store.getProfessional(t.db, id))!.retiredAt).toEqual(retiredAt);

    expect((await store.upsertProfessional(t.db, gp)).outcome).toBe('updated');
    expect(await store.getProfessional(t.db, id)).toMatchObject({ active: true, retiredAt: null });
  });

  test('structures are found by FINESS, then SIRET, then technical id, and identifiers merge', async () => {
    const bySiret = await store.upsertStructure(t.db, {
      ...practice,
      technicalId: null,
      siret: '73282932000074',
    });
    expect(bySiret.outcome).toBe('created');
    expect(await store.upsertStructure(t.db, { ...practice, technicalId: null, siret: '73282932000074' })).toEqual({
      id: bySiret.id,
      outcome: 'unchanged',
    });

    // The FINESS import brings the same site's FINESS with its SIRET: one structure, completed.
    const withFiness = await store.upsertStructure(t.db, {
      ...practice,
      kind: 'msp',
      name: 'MSP des Tilleuls',
      technicalId: null,
      siret: '73282932000074',
      finessSite: '410000012',
    });
    expect(withFiness).toEqual({ id: bySiret.id, outcome: 'updated' });

    // The Annuaire Santé import knows it by its technical id only, with the same FINESS: still one structure.
    const withTechnicalId = await store.upsertStructure(t.db, {
      ...practice,
      kind: 'msp',
      name: 'MSP des Tilleuls',
      finessSite: '410000012',
    });
    expect(withTechnicalId).toEqual({ id: bySiret.id, outcome: 'updated' });
    const merged = await store.getStructure(t.db, bySiret.id);
    expect(merged).toMatchObject({
      kind: 'msp',
      finessSite: '410000012',
      siret: '73282932000074',
      technicalId: 'S0001',
      nationalId: '1410000012',
    });

    // Found again by the technical id alone; ids it does not carry are kept.
    expect(await store.upsertStructure(t.db, { ...practice, kind: 'msp', name: 'MSP des Tilleuls' })).toEqual({
      id: bySiret.id,
      outcome: 'unchanged',
    });
    expect(await t.db.selectFrom('directory_structure').select('id').execute()).toHaveLength(1);
  });

  test('an SOS fixed point must belong to its association', async () => {
    await expect(
      store.upsertStructure(t.db, { ...practice, kind: 'sos-fixed-point', technicalId: 'PFG-1' }),
    ).rejects.toThrow(/directory_structure_fixed_point_check/);
    const sos = await store.upsertStructure(t.db, { ...practice, kind: 'sos-medecins', technicalId: 'SOS-41' });
    const point = await store.upsertStructure(t.db, {
      ...practice,
      kind: 'sos-fixed-point',
      technicalId: 'PFG-1',
      parentId: sos.id,
    });
    expect((await store.getStructure(t.db, point.id))!.parentId).toBe(sos.id);
  });

  test('places upsert by key; their regulator notes survive a re-upsert of the place', async () => {
    const created = await store.upsertPlace(t.db, place('annuaire-sante:S0001'));
    expect(created.outcome).toBe('created');
    expect(await store.upsertPlace(t.db, place('annuaire-sante:S0001'))).toEqual({
      id: created.id,
      outcome: 'unchanged',
    });
    expect(await store.getRegulatorNotes(t.db, created.id)).toBeNull();
    const saved = await store.setRegulatorNotes(t.db, created.id, notes);
    expect(saved).toMatchObject({ placeId: created.id, languages: ['en', 'es'], regulatorPhone: '0261919999' });

    const moved = await store.upsertPlace(
      t.db,
      place('annuaire-sante:S0001', { addressLines: ['3 place de l’Église'], phone: '0261910002', latitude: 47.59 }),
    );
    expect(moved).toEqual({ id: created.id, outcome: 'updated' });
    const kept = await store.getRegulatorNotes(t.db, created.id);
    expect(kept).toEqual(saved);

    const edited = await store.setRegulatorNotes(t.db, created.id, { ...notes, acceptsNewPatients: true });
    expect(edited.acceptsNewPatients).toBe(true);
  });

  test('coordinates come with their precision, or not at all', async () => {
    await expect(store.upsertPlace(t.db, place('test:no-precision', { coordinatesPrecision: null }))).rejects.toThrow(
      /directory_place_located_check/,
    );
    await expect(
      store.upsertPlace(t.db, place('test:no-coordinates', { latitude: null, longitude: null })),
    ).rejects.toThrow(/directory_place_located_check/);
    const unplaced = await store.upsertPlace(
      t.db,
      place('test:unplaced', { latitude: null, longitude: null, coordinatesPrecision: null }),
    );
    expect((await store.getPlace(t.db, unplaced.id))!.latitude).toBeNull();
  });

  test('roles upsert by professional, structure and place — a missing structure included', async () => {
    const { id } = await store.upsertProfessional(t.db, gp);
    const placed = await store.upsertPlace(t.db, place('test:blois'));
    const first = await store.upsertRole(t.db, role(id, placed.id));
    expect(first.outcome).toBe('created');
    expect(await store.upsertRole(t.db, role(id, placed.id))).toEqual({ id: first.id, outcome: 'unchanged' });
    const visits = await store.upsertRole(t.db, { ...role(id, placed.id), modalities: ['office', 'home-visit'] });
    expect(visits).toEqual({ id: first.id, outcome: 'updated' });

    const structure = await store.upsertStructure(t.db, practice);
    const second = await store.upsertRole(t.db, role(id, placed.id, structure.id));
    expect(second.outcome).toBe('created');
    const detail = await store.getProfessionalDetail(t.db, id);
    const byStructure = new Map(detail!.roles.map((r) => [r.structure?.name ?? null, r.role.modalities]));
    expect(byStructure).toEqual(
      new Map([
        [null, ['office', 'home-visit']],
        ['Cabinet médical des Tilleuls', ['office']],
      ]),
    );
  });

  test('a role’s copies follow the professional, the place and the SAS participation', async () => {
    const { id } = await store.upsertProfessional(t.db, gp);
    const placed = await store.upsertPlace(t.db, place('test:blois'));
    const { id: roleId } = await store.upsertRole(t.db, role(id, placed.id));
    expect(await roleCopies(t.db, roleId)).toEqual({
      profession_code: '10',
      specialty_code: 'SM54',
      latitude: 47.5861,
      longitude: 1.3359,
      sas_enrolled: false,
    });

    await store.upsertPlace(t.db, place('test:blois', { latitude: 47.6, longitude: 1.3 }));
    await store.upsertProfessional(t.db, { ...gp, specialtyCode: 'SM04', specialtyLabel: 'Cardiologie' });
    const cpts = await store.upsertStructure(t.db, { ...practice, kind: 'cpts', technicalId: 'CPTS-1' });
    const sas = await store.setSasParticipation(t.db, {
      professionalId: id,
      enrolled: true,
      organisationKind: 'cpts',
      organisationStructureId: cpts.id,
      acceptsExtraPatients: true,
      enrolledSince: '2024-03-01',
      updatedBy: 'account:test',
    });
    expect(sas).toMatchObject({ enrolled: true, organisationKind: 'cpts', enrolledSince: '2024-03-01' });
    expect(await roleCopies(t.db, roleId)).toEqual({
      profession_code: '10',
      specialty_code: 'SM04',
      latitude: 47.6,
      longitude: 1.3,
      sas_enrolled: true,
    });

    // Withdrawing replaces the participation as a whole.
    const withdrawn = await store.setSasParticipation(t.db, {
      professionalId: id,
      enrolled: false,
      organisationKind: null,
      organisationStructureId: null,
      acceptsExtraPatients: false,
      enrolledSince: null,
      updatedBy: 'account:test',
    });
    expect(withdrawn).toMatchObject({ enrolled: false, organisationKind: null, acceptsExtraPatients: false });
    expect((await roleCopies(t.db, roleId)).sas_enrolled).toBe(false);
    expect((await store.getProfessionalDetail(t.db, id))!.sasParticipation!.enrolled).toBe(false);
  });

  test('the database refuses an enrolment that says nothing of its organisation', async () => {
    const { id } = await store.upsertProfessional(t.db, gp);
    await expect(
      store.setSasParticipation(t.db, {
        professionalId: id,
        enrolled: true,
        organisationKind: null,
        organisationStructureId: null,
        acceptsExtraPatients: false,
        enrolledSince: null,
        updatedBy: 'account:test',
      }),
    ).rejects.toThrow(/directory_sas_participation_enrolled_check/);
  });

  test('counts per profession and specialty over a set of communes', async () => {
    const blois = await store.upsertPlace(t.db, place('test:blois'));
    const blois2 = await store.upsertPlace(t.db, place('test:blois-2', { latitude: 47.58 }));
    const vendome = await store.upsertPlace(
      t.db,
      place('test:vendome', { communeInsee: '41269', postalCode: '41100', latitude: 47.79, longitude: 1.07 }),
    );
    const a = await store.upsertProfessional(t.db, professional(1));
    const b = await store.upsertProfessional(t.db, professional(2));
    const nurse = await store.upsertProfessional(
      t.db,
      professional(3, {
        professionCode: '60',
        professionLabel: 'Infirmier',
        specialtyCode: null,
        specialtyLabel: null,
      }),
    );
    const retired = await store.upsertProfessional(t.db, professional(4));
    await store.upsertRole(t.db, role(a.id, blois.id));
    await store.upsertRole(t.db, role(a.id, blois2.id)); // counted once
    await store.upsertRole(t.db, role(b.id, vendome.id));
    await store.upsertRole(t.db, role(nurse.id, blois.id));
    await store.upsertRole(t.db, role(retired.id, blois.id));
    await store.retireProfessional(t.db, retired.id);

    expect(await store.countProfessionalsBySpecialty(t.db, ['41018'])).toEqual([
      {
        professionCode: '10',
        professionLabel: 'Médecin',
        specialtyCode: 'SM54',
        specialtyLabel: 'Médecine générale',
        professionals: 1,
      },
      {
        professionCode: '60',
        professionLabel: 'Infirmier',
        specialtyCode: null,
        specialtyLabel: null,
        professionals: 1,
      },
    ]);
    expect(await store.countProfessionalsBySpecialty(t.db, ['41018', '41269'])).toContainEqual(
      expect.objectContaining({ specialtyCode: 'SM54', professionals: 2 }),
    );
    expect(await store.countProfessionalsBySpecialty(t.db, [])).toEqual([]);
  });

  test('nearest SAS GPs come nearest first, within the radius', async () => {
    const points = [
      [1, 47.5861, 1.3359, true], // Blois
      [2, 47.6, 1.4, true], // ~5 km
      [3, 47.7, 1.5, false], // ~18 km, not enrolled
      [4, 47.79, 1.07, true], // Vendôme, ~30 km
    ] as const;
    const cpts = await store.upsertStructure(t.db, { ...practice, kind: 'cpts', technicalId: 'CPTS-1' });
    for (const [n, latitude, longitude, enrolled] of points) {
      const { id } = await store.upsertProfessional(t.db, professional(n));
      const placed = await store.upsertPlace(t.db, place(`test:${n}`, { latitude, longitude }));
      await store.upsertRole(t.db, role(id, placed.id));
      if (enrolled) {
        await store.setSasParticipation(t.db, {
          professionalId: id,
          enrolled: true,
          organisationKind: 'cpts',
          organisationStructureId: cpts.id,
          acceptsExtraPatients: false,
          enrolledSince: null,
          updatedBy: 'account:test',
        });
      }
    }
    const found = await store.findNearestRoles(t.db, {
      latitude: 47.5861,
      longitude: 1.3359,
      radiusKm: 20,
      specialtyCode: 'SM54',
      sasEnrolledOnly: true,
      limit: 50,
    });
    expect(found).toHaveLength(2);
    expect(found[0]!.distanceKm).toBeLessThan(0.01);
    expect(found[1]!.distanceKm).toBeGreaterThan(3);
    expect(found[1]!.distanceKm).toBeLessThan(7);

    const everyone = await store.findNearestRoles(t.db, {
      latitude: 47.5861,
      longitude: 1.3359,
      radiusKm: 50,
      professionCode: '10',
      limit: 3,
    });
    expect(everyone.map((r) => Math.round(r.distanceKm))).toEqual([0, 5, 18]);
  });
});

describe('geo indexes', () => {
  const t = useTestTransaction();
  beforeEach(() =>
    insertTestCommunes(t.db, [
      { inseeCode: '41018', name: 'Blois', postalCodes: ['41000'], latitude: 47.586, longitude: 1.336 },
      { inseeCode: '41269', name: 'Vendôme', postalCodes: ['41100'], latitude: 47.793, longitude: 1.066 },
      { inseeCode: '2A004', name: 'Ajaccio', postalCodes: ['20000'], latitude: 41.919, longitude: 8.738 },
    ]),
  );

  /** Enough rows, analysed, for the planner to choose freely between the index and a scan. */
  async function fillTerritory(db: Executor, roles: number): Promise<void> {
    await sql`
      insert into directory_professional (national_id, family_name, profession_code, profession_label,
                                          specialty_code, specialty_label, source)
      select '8' || lpad(i::text, 11, '0'), 'Norvadou', case when i % 3 = 0 then '60' else '10' end, 'x',
             case when i % 3 = 0 then null else 'SM54' end, case when i % 3 = 0 then null else 'x' end, 'generator'
      from generate_series(1, ${roles}::int) as i
    `.execute(db);
    // Half the GPs enrolled in the SAS, as in the territories measured.
    await sql`
      insert into directory_sas_participation (professional_id, enrolled, organisation_kind, updated_by)
      select id, true, 'individual', 'test' from directory_professional
      where specialty_code = 'SM54' and right(national_id, 1)::int % 2 = 0
    `.execute(db);
    await sql`
      insert into directory_place (place_key, latitude, longitude, coordinates_precision, source)
      select 'test:' || i, 46 + (i % 97) * 0.03, 0.5 + (i % 89) * 0.03, 'commune', 'generator'
      from generate_series(1, ${roles}::int) as i
    `.execute(db);
    await sql`
      insert into directory_role (professional_id, place_id, source)
      select p.id, pl.id, 'generator'
      from directory_professional p
      join directory_place pl on pl.place_key = 'test:' || ltrim(substr(p.national_id, 2), '0')
    `.execute(db);
    await sql`analyze directory_role`.execute(db);
    await sql`analyze directory_place`.execute(db);
  }

  async function plan(query: { explain(): Promise<Record<string, unknown>[]> }): Promise<string> {
    const rows = await query.explain();
    return rows.map((r) => String(Object.values(r)[0])).join('\n');
  }

  test('the nearest-first query walks the composite GiST index (specialty, point)', async () => {
    await fillTerritory(t.db, 3000);
    const count = await t.db
      .selectFrom('directory_role')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3000);

    const bySpecialty = await plan(
      store.nearestRolesQuery(t.db, {
        latitude: 47.5,
        longitude: 1.3,
        radiusKm: 20,
        specialtyCode: 'SM54',
        sasEnrolledOnly: true,
        limit: 50,
      }),
    );
    expect(bySpecialty).toMatch(/Index Scan using directory_role_specialty_geo_idx/);
    // Ordered by distance inside the index, stopped by the limit; the radius is checked on those rows only.
    expect(bySpecialty).toMatch(/Order By: .*geo_earth\(latitude, longitude\).*<->/);
    expect(bySpecialty).toMatch(/Limit[\s\S]*Index Scan using directory_role_specialty_geo_idx/);
    expect(bySpecialty).not.toMatch(/Seq Scan/);

    const byProfession = await plan(
      store.nearestRolesQuery(t.db, { latitude: 47.5, longitude: 1.3, radiusKm: 20, professionCode: '60', limit: 50 }),
    );
    expect(byProfession).toMatch(/Index Scan using directory_role_profession_geo_idx/);
    expect(byProfession).toMatch(/Order By: .*geo_earth\(latitude, longitude\).*<->/);
  });

  test('nearest places walk the place GiST index', async () => {
    await fillTerritory(t.db, 3000);
    const query = t.db
      .selectFrom('directory_place')
      .select('id')
      .orderBy(sql`geo_earth(latitude, longitude) <-> geo_earth(${47.5}::float8, ${1.3}::float8)`)
      .limit(10);
    expect(await plan(query)).toMatch(/Index Scan using directory_place_geo_idx/);
  });
});
