/**
 * The directory's part of the demo territory (Loir-et-Cher): a few hundred fictitious professionals placed by
 * population, their practices, an MSP, a CDS, the CPTS du Blaisois, SOS Médecins and its two fixed duty points,
 * the Centre hospitalier de Blois, a maison médicale de garde; about half the GPs enrolled in the SAS; a few
 * regulator notes.
 *
 * Everything is fictitious and marked so: people's names are built from invented syllables, RPPS numbers start
 * with 999 (real ones start with 1) yet pass Luhn, FINESS numbers start with 4199 yet pass their key, phones are in
 * ARCEP's range reserved for fiction (02 61 91 xx xx), e-mail addresses end in the reserved .invalid domain,
 * structures other than the hospital say « (démo) ». Same `ctx.random` → same data.
 */
import type { Executor } from '../db/database.ts';
import { pick, type DemoCommune, type DemoContext } from '../demo/context.ts';
import type { DemoStep } from '../demo/steps.ts';
import { luhnCheckDigit, professionalNationalIdFromRpps } from '../platform/identifiers.ts';
import {
  PROFESSIONS,
  SPECIALTIES,
  type FeeSector,
  type Modality,
  type PracticeMode,
  type SasOrganisationKind,
  type StructureKind,
} from './model.ts';
import * as store from './store.ts';

/** Surnames are one start and one end from these lists: invented, so no real person is named. */
export const DEMO_FAMILY_NAME_STARTS = [
  'Ambr',
  'Belv',
  'Corv',
  'Dral',
  'Esqu',
  'Frav',
  'Galm',
  'Hurl',
  'Jarv',
  'Lorv',
  'Murg',
  'Norv',
  'Orl',
  'Pelv',
  'Quarn',
  'Rulv',
  'Sarv',
  'Tolv',
  'Urv',
  'Varl',
] as const;
export const DEMO_FAMILY_NAME_ENDS = [
  'elin',
  'adou',
  'ignac',
  'oret',
  'anel',
  'isset',
  'ombe',
  'uzac',
  'erand',
  'illot',
] as const;

const FEMALE_GIVEN_NAMES = [
  'Anne',
  'Camille',
  'Chloé',
  'Claire',
  'Élise',
  'Emma',
  'Hélène',
  'Inès',
  'Julie',
  'Laure',
  'Léa',
  'Lucie',
  'Manon',
  'Marion',
  'Nathalie',
  'Sophie',
];
const MALE_GIVEN_NAMES = [
  'Antoine',
  'Arnaud',
  'Benoît',
  'Hugo',
  'Julien',
  'Louis',
  'Marc',
  'Mathieu',
  'Nicolas',
  'Olivier',
  'Paul',
  'Pierre',
  'Romain',
  'Thomas',
  'Vincent',
  'Yann',
];
const STREETS = [
  'rue des Tilleuls',
  'rue du Château',
  'avenue de la Gare',
  'place de l’Église',
  'rue des Écoles',
  'rue de la Loire',
  'chemin des Vignes',
  'rue du Moulin',
  'boulevard des Marronniers',
  'rue Pasteur',
  'allée des Acacias',
  'rue des Lilas',
];
const PRACTICE_NAMES = ['des Tilleuls', 'du Centre', 'de la Gare', 'des Vignes', 'du Moulin', 'de la Loire', 'du Parc'];

const DEMO = 'demo' as const;

/** The directory's step of the demo, for `demoSteps` in src/demo/steps.ts. */
export const directoryDemoStep: DemoStep = {
  name: 'annuaire',
  run: loadDirectoryDemo,
};

interface PlacedStructure {
  id: string;
  placeId: string;
  commune: DemoCommune;
  kind: StructureKind;
  name: string;
  members: number;
}

interface Counters {
  professionals: Map<string, number>;
  structures: Map<StructureKind, number>;
  places: number;
  roles: number;
  sasEnrolled: Map<SasOrganisationKind, number>;
  extraPatients: number;
  notes: number;
}

export async function loadDirectoryDemo(db: Executor, ctx: DemoContext): Promise<string[]> {
  if (ctx.communes.length === 0) return ['Annuaire : aucune commune chargée, aucun professionnel créé.'];
  const loader = new DemoLoader(db, ctx);
  return loader.load();
}

class DemoLoader {
  readonly #db: Executor;
  readonly #random: () => number;
  readonly #communes: DemoCommune[];
  readonly #cumulative: number[];
  readonly #practices = new Map<string, PlacedStructure[]>();
  #rppsSequence = 0;
  #finessSequence = 0;
  #phoneSequence = 0;
  #keySequence = 0;
  readonly #counters: Counters = {
    professionals: new Map(),
    structures: new Map(),
    places: 0,
    roles: 0,
    sasEnrolled: new Map(),
    extraPatients: 0,
    notes: 0,
  };

  constructor(db: Executor, ctx: DemoContext) {
    this.#db = db;
    this.#random = ctx.random;
    // Most populous first, code as tie-break: the order never depends on how the territory step listed them.
    this.#communes = [...ctx.communes].sort(
      (a, b) => b.population - a.population || a.inseeCode.localeCompare(b.inseeCode),
    );
    // Weighted a little more than population: the care offer gathers in towns.
    let total = 0;
    this.#cumulative = this.#communes.map((c) => (total += Math.max(c.population, 1) ** 1.25));
  }

  async load(): Promise<string[]> {
    const [main, second = main, third = second] = this.#communes as [DemoCommune, ...DemoCommune[]];

    // Structures of the territory.
    const hospital = await this.#structure({
      kind: 'hospital',
      name: main.name === 'Blois' ? 'Centre hospitalier de Blois' : `Centre hospitalier de ${main.name}`,
      commune: main,
      finess: true,
      legalFiness: true,
    });
    const mmg = await this.#structure({
      kind: 'mmg',
      name: `Maison médicale de garde de ${main.name} (démo)`,
      commune: main,
    });
    const cpts = await this.#structure({ kind: 'cpts', name: 'CPTS du Blaisois (démo)', commune: main });
    const sos = await this.#structure({
      kind: 'sos-medecins',
      name: 'SOS Médecins Loir-et-Cher (démo)',
      commune: main,
    });
    const sosPoints = [
      await this.#structure({
        kind: 'sos-fixed-point',
        name: `Point fixe de garde SOS Médecins de ${main.name} (démo)`,
        commune: main,
        parentId: sos.id,
      }),
      await this.#structure({
        kind: 'sos-fixed-point',
        name: `Point fixe de garde SOS Médecins de ${second.name} (démo)`,
        commune: second,
        parentId: sos.id,
      }),
    ];
    const msp = await this.#structure({
      kind: 'msp',
      name: `Maison de santé pluriprofessionnelle de ${third.name} (démo)`,
      commune: third,
      finess: true,
    });
    const cds = await this.#structure({
      kind: 'cds',
      name: `Centre de santé de ${second.name} (démo)`,
      commune: second,
      finess: true,
    });
    await this.#structure({
      kind: 'laboratory',
      name: `Laboratoire de biologie médicale de ${main.name} (démo)`,
      commune: main,
      finess: true,
    });

    // General practitioners: the MSP, the CDS, SOS Médecins, then practices across the territory.
    const gp = { ...PROFESSIONS.medecin, specialty: SPECIALTIES.medecineGenerale };
    const gpIds: { id: string; path: 'msp' | 'cds' | 'sos' | 'practice'; commune: DemoCommune }[] = [];
    for (let i = 0; i < 130; i++) {
      const id = await this.#professional(gp);
      if (i < 6) {
        await this.#role(id, msp, { modalities: ['office', 'home-visit'], feeSector: '1' });
        gpIds.push({ id, path: 'msp', commune: msp.commune });
      } else if (i < 10) {
        await this.#role(id, cds, { modalities: ['office', 'teleconsultation'], feeSector: '1', mode: 'salaried' });
        gpIds.push({ id, path: 'cds', commune: cds.commune });
      } else if (i < 18) {
        const point = sosPoints[i % 2]!;
        await this.#role(id, point, { modalities: ['office', 'home-visit'], feeSector: '1' });
        gpIds.push({ id, path: 'sos', commune: point.commune });
      } else {
        const practice = await this.#practice('practice', 'Cabinet médical', 4);
        await this.#role(id, practice, {
          modalities: this.#random() < 0.3 ? ['office', 'home-visit'] : ['office'],
          feeSector: this.#random() < 0.9 ? '1' : '2',
        });
        // Some practice GPs also take duty hours at the maison médicale de garde.
        if (i < 24) await this.#role(id, mmg, { modalities: ['office'], feeSector: '1' });
        gpIds.push({ id, path: 'practice', commune: practice.commune });
      }
    }

    // Other professions.
    for (let i = 0; i < 70; i++) {
      const id = await this.#professional(PROFESSIONS.infirmier);
      const where = i < 4 ? msp : i < 6 ? cds : await this.#practice('practice', 'Cabinet infirmier', 3);
      await this.#role(id, where, {
        modalities: ['office', 'home-visit'],
        feeSector: '1',
        mode: where === cds ? 'salaried' : 'liberal',
      });
    }
    for (let i = 0; i < 38; i++) {
      const id = await this.#professional(PROFESSIONS.masseurKinesitherapeute);
      const where = i < 2 ? msp : await this.#practice('practice', 'Cabinet de kinésithérapie', 3);
      await this.#role(id, where, { modalities: ['office', 'home-visit'], feeSector: '1' });
    }
    for (let i = 0; i < 10; i++) {
      const id = await this.#professional(PROFESSIONS.sageFemme);
      const where = i < 1 ? msp : await this.#practice('practice', 'Cabinet de sage-femme', 2);
      await this.#role(id, where, { modalities: ['office', 'home-visit', 'teleconsultation'], feeSector: '1' });
    }
    for (let i = 0; i < 20; i++) {
      const id = await this.#professional(PROFESSIONS.chirurgienDentiste);
      const where = i < 1 ? cds : await this.#practice('practice', 'Cabinet dentaire', 3);
      await this.#role(id, where, {
        modalities: ['office'],
        feeSector: '1',
        mode: where === cds ? 'salaried' : 'liberal',
      });
    }
    for (let i = 0; i < 26; i++) {
      const id = await this.#professional(PROFESSIONS.pharmacien);
      const pharmacy = await this.#practice('pharmacy', 'Pharmacie', 2);
      await this.#role(id, pharmacy, { modalities: ['office'], feeSector: null });
    }
    const specialists = [
      [SPECIALTIES.cardiologie, 3],
      [SPECIALTIES.pediatrie, 3],
      [SPECIALTIES.psychiatrie, 2],
      [SPECIALTIES.ophtalmologie, 2],
      [SPECIALTIES.gynecologieMedicale, 2],
    ] as const;
    for (const [specialty, count] of specialists) {
      for (let i = 0; i < count; i++) {
        const id = await this.#professional({ ...PROFESSIONS.medecin, specialty });
        await this.#role(id, hospital, { modalities: ['office'], feeSector: '1', mode: 'salaried' });
      }
    }

    // SAS participation of the GPs.
    const cptsArea = new Set(this.#communes.filter((c) => distanceKm(c, main) <= 25).map((c) => c.inseeCode));
    for (const { id, path, commune } of gpIds) {
      const draw = this.#random();
      let kind: SasOrganisationKind | null = null;
      let organisation: PlacedStructure | null = null;
      if (path === 'sos') [kind, organisation] = ['sos', sos];
      else if (path === 'msp' && draw < 0.7) [kind, organisation] = ['msp', msp];
      else if (path === 'cds' && draw < 0.5) kind = 'individual';
      else if (path === 'practice' && draw < 0.47) {
        if (cptsArea.has(commune.inseeCode) && this.#random() < 0.6) [kind, organisation] = ['cpts', cpts];
        else kind = 'individual';
      }
      if (kind === null) {
        // A few GPs withdrew: the row says so rather than leaving no trace.
        if (this.#random() < 0.1) await this.#sas(id, null, null, false);
        continue;
      }
      await this.#sas(id, kind, organisation, this.#random() < 0.3);
    }

    // Notes for the regulators.
    await this.#note(msp.placeId, {
      notes: 'Créneaux de soins non programmés de 17 h à 19 h en semaine ; appeler la ligne réservée aux régulateurs.',
      restrictions: 'Pas de petite chirurgie le samedi.',
      acceptsNewPatients: false,
      patientsNote: 'Nouveaux patients médecin traitant : liste d’attente ; SNP acceptés pour tous.',
      languages: ['en'],
      accessibility: 'Plain-pied, stationnement réservé devant l’entrée.',
      homeVisitArea: `${msp.commune.name} et communes limitrophes`,
    });
    await this.#note(cds.placeId, {
      notes: 'Téléconsultation possible le matin pour les renouvellements urgents.',
      acceptsNewPatients: true,
      languages: ['en', 'es'],
      accessibility: 'Ascenseur ; cabinet au 1er étage.',
    });
    for (const point of sosPoints) {
      await this.#note(point.placeId, {
        notes: 'Consultations sans rendez-vous au point fixe de 20 h à minuit ; visites à domicile après régulation.',
        restrictions: 'Pas de certificats de décès au point fixe.',
        languages: ['en'],
        homeVisitArea: `Dans un rayon de 30 km autour de ${point.commune.name}`,
      });
    }
    await this.#note(mmg.placeId, {
      notes: 'Ouverte en soirée, le week-end et les jours fériés (PDSA) ; accès par l’entrée des urgences.',
      accessibility: 'Accessible en fauteuil roulant.',
    });

    return this.#summary();
  }

  // -------------------------------------------------------------------------------------------------------------

  async #structure(options: {
    kind: StructureKind;
    name: string;
    commune: DemoCommune;
    finess?: boolean;
    legalFiness?: boolean;
    parentId?: string;
  }): Promise<PlacedStructure> {
    const finessSite = options.finess ? this.#nextFiness() : null;
    const key = finessSite ? `finess:${finessSite}` : `demo:${++this.#keySequence}`;
    const structure = await store.upsertStructure(this.#db, {
      kind: options.kind,
      name: options.name,
      nationalId: null,
      finessSite,
      finessLegal: options.legalFiness ? this.#nextFiness() : null,
      siret: null,
      technicalId: finessSite ? null : key,
      parentId: options.parentId ?? null,
      active: true,
      source: DEMO,
    });
    const place = await store.upsertPlace(this.#db, {
      placeKey: `demo-place:${key}`,
      structureId: structure.id,
      name: options.name,
      addressLines: [`${1 + Math.floor(this.#random() * 120)} ${pick(this.#random, STREETS)}`],
      postalCode: options.commune.postalCodes[0] ?? null,
      communeInsee: options.commune.inseeCode,
      city: options.commune.name,
      // Invented addresses near the commune's point: the demo's own addresses, placed at that precision.
      latitude: round6(options.commune.latitude + (this.#random() - 0.5) * 0.02),
      longitude: round6(options.commune.longitude + (this.#random() - 0.5) * 0.03),
      coordinatesPrecision: 'address',
      phone: options.kind === 'cpts' ? null : this.#nextPhone(),
      active: true,
      source: DEMO,
    });
    this.#counters.structures.set(options.kind, (this.#counters.structures.get(options.kind) ?? 0) + 1);
    this.#counters.places++;
    return {
      id: structure.id,
      placeId: place.id,
      commune: options.commune,
      kind: options.kind,
      name: options.name,
      members: 0,
    };
  }

  /** A practice of this label in a commune drawn by population: mostly joins one with room, or opens a new one. */
  async #practice(kind: 'practice' | 'pharmacy', label: string, maxMembers: number): Promise<PlacedStructure> {
    const commune = this.#weightedCommune();
    const listKey = `${label}|${commune.inseeCode}`;
    const existing = this.#practices.get(listKey) ?? [];
    const withRoom = existing.filter((p) => p.members < maxMembers);
    if (withRoom.length > 0 && this.#random() < 0.75) return pick(this.#random, withRoom);
    // Two practices of a commune never share a name.
    const taken = new Set(existing.map((p) => p.name));
    const free = PRACTICE_NAMES.map((n) => `${label} ${n} — ${commune.name} (démo)`).filter((n) => !taken.has(n));
    const name =
      free.length > 0 ? pick(this.#random, free) : `${label} n° ${existing.length + 1} — ${commune.name} (démo)`;
    const practice = await this.#structure({ kind, name, commune, finess: kind === 'pharmacy' });
    this.#practices.set(listKey, [...existing, practice]);
    return practice;
  }

  async #professional(profession: {
    code: string;
    label: string;
    specialty?: { code: string; label: string };
  }): Promise<string> {
    const female = this.#random() < 0.5;
    const givenNames = pick(this.#random, female ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES);
    const familyName = pick(this.#random, DEMO_FAMILY_NAME_STARTS) + pick(this.#random, DEMO_FAMILY_NAME_ENDS);
    const rpps = this.#nextRpps();
    const doctorTitle = ['10', '21', '40'].includes(profession.code);
    const result = await store.upsertProfessional(this.#db, {
      nationalId: professionalNationalIdFromRpps(rpps),
      rpps,
      adeli: null,
      civility: female ? 'MME' : 'M',
      title: doctorTitle ? 'DR' : null,
      familyName,
      givenNames,
      professionCode: profession.code,
      professionLabel: profession.label,
      categoryCode: 'C',
      categoryLabel: 'Civil',
      specialtyCode: profession.specialty?.code ?? null,
      specialtyLabel: profession.specialty?.label ?? null,
      active: true,
      source: DEMO,
    });
    const counted = profession.specialty ? `${profession.code}:${profession.specialty.code}` : profession.code;
    this.#counters.professionals.set(counted, (this.#counters.professionals.get(counted) ?? 0) + 1);
    return result.id;
  }

  async #role(
    professionalId: string,
    where: PlacedStructure,
    options: { modalities: Modality[]; feeSector: FeeSector | null; mode?: PracticeMode },
  ): Promise<void> {
    where.members++;
    await store.upsertRole(this.#db, {
      professionalId,
      structureId: where.id,
      placeId: where.placeId,
      practiceMode: options.mode ?? 'liberal',
      phone: null,
      email: null,
      modalities: options.modalities,
      feeSector: options.feeSector,
      active: true,
      source: DEMO,
    });
    this.#counters.roles++;
  }

  async #sas(
    professionalId: string,
    kind: SasOrganisationKind | null,
    organisation: PlacedStructure | null,
    acceptsExtraPatients: boolean,
  ): Promise<void> {
    const enrolled = kind !== null;
    const year = 2022 + Math.floor(this.#random() * 4);
    const month = 1 + Math.floor(this.#random() * 12);
    await store.setSasParticipation(this.#db, {
      professionalId,
      enrolled,
      organisationKind: kind,
      organisationStructureId: kind === 'individual' ? null : (organisation?.id ?? null),
      acceptsExtraPatients: enrolled && acceptsExtraPatients,
      enrolledSince: enrolled ? `${year}-${String(month).padStart(2, '0')}-01` : null,
      updatedBy: 'system:démo',
    });
    if (kind) this.#counters.sasEnrolled.set(kind, (this.#counters.sasEnrolled.get(kind) ?? 0) + 1);
    if (enrolled && acceptsExtraPatients) this.#counters.extraPatients++;
  }

  async #note(
    placeId: string,
    note: Partial<Omit<store.RegulatorNotesRecord, 'updatedBy' | 'regulatorPhone'>>,
  ): Promise<void> {
    await store.setRegulatorNotes(this.#db, placeId, {
      notes: note.notes ?? null,
      restrictions: note.restrictions ?? null,
      acceptsNewPatients: note.acceptsNewPatients ?? null,
      patientsNote: note.patientsNote ?? null,
      languages: note.languages ?? [],
      accessibility: note.accessibility ?? null,
      homeVisitArea: note.homeVisitArea ?? null,
      regulatorPhone: this.#nextPhone(),
      updatedBy: 'system:démo',
    });
    this.#counters.notes++;
  }

  #weightedCommune(): DemoCommune {
    const total = this.#cumulative.at(-1)!;
    const target = this.#random() * total;
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.#cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return this.#communes[low]!;
  }

  #nextRpps(): string {
    const payload = `999${String(++this.#rppsSequence).padStart(7, '0')}`;
    return payload + luhnCheckDigit(payload);
  }

  #nextFiness(): string {
    const payload = `4199${String(++this.#finessSequence).padStart(4, '0')}`;
    return payload + luhnCheckDigit(payload);
  }

  #nextPhone(): string {
    return `026191${String(++this.#phoneSequence).padStart(4, '0')}`;
  }

  #summary(): string[] {
    const c = this.#counters;
    const count = (key: string) => c.professionals.get(key) ?? 0;
    const professionals = [...c.professionals.values()].reduce((a, b) => a + b, 0);
    const gps = count(`10:${SPECIALTIES.medecineGenerale.code}`);
    const specialists = [...c.professionals.entries()]
      .filter(([key]) => key.startsWith('10:') && key !== `10:${SPECIALTIES.medecineGenerale.code}`)
      .reduce((a, [, n]) => a + n, 0);
    const structures = [...c.structures.values()].reduce((a, b) => a + b, 0);
    const practices = c.structures.get('practice') ?? 0;
    const pharmacies = c.structures.get('pharmacy') ?? 0;
    const sas = (kind: SasOrganisationKind) => c.sasEnrolled.get(kind) ?? 0;
    const enrolled = [...c.sasEnrolled.values()].reduce((a, b) => a + b, 0);
    const n = (profession: { code: string }) => count(profession.code);
    return [
      `Annuaire : ${professionals} professionnels fictifs — ${gps} médecins généralistes, ` +
        `${specialists} spécialistes, ${n(PROFESSIONS.infirmier)} infirmiers, ` +
        `${n(PROFESSIONS.masseurKinesitherapeute)} masseurs-kinésithérapeutes, ${n(PROFESSIONS.pharmacien)} ` +
        `pharmaciens, ${n(PROFESSIONS.chirurgienDentiste)} chirurgiens-dentistes, ${n(PROFESSIONS.sageFemme)} sages-femmes.`,
      `Annuaire : ${structures} structures (${practices} cabinets, ${pharmacies} pharmacies, une MSP, ` +
        `un centre de santé, la CPTS du Blaisois, SOS Médecins et ses 2 points fixes de garde, le centre hospitalier, ` +
        `une maison médicale de garde, un laboratoire), ${c.places} lieux, ${c.roles} rôles.`,
      `SAS : ${enrolled} médecins généralistes engagés sur ${gps} (${sas('individual')} à titre individuel, ` +
        `${sas('cpts')} par la CPTS, ${sas('msp')} par la MSP, ${sas('sos')} par SOS Médecins), ` +
        `${c.extraPatients} acceptent des patients en surnombre ; notes pour les régulateurs sur ${c.notes} lieux.`,
    ];
  }
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Great-circle distance, for the CPTS's area (communes within 25 km of the main town). */
function distanceKm(a: DemoCommune, b: DemoCommune): number {
  const toRadians = (d: number) => (d * Math.PI) / 180;
  const dLat = toRadians(b.latitude - a.latitude);
  const dLon = toRadians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.latitude)) * Math.cos(toRadians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
