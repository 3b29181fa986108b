import type { DemoStep } from '../../demo/steps.ts';
import { systemActor } from '../access/model.ts';
import { importShippedGuides } from './service.ts';

/** The demo's training space: the user guides shipped with maillage, published. */
export const trainingDemoStep: DemoStep = {
  name: 'formation',
  async run(db) {
    const imported = await importShippedGuides(db, systemActor('démonstration'));
    return [`Formation : ${imported.length} guides d’utilisation publiés (un par profil, et un commun à tous)`];
  },
};
