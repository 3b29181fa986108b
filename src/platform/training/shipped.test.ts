import { describe, expect, test } from 'vitest';
import { ROLES } from '../access/model.ts';
import { guideContentHash, loadShippedGuides, parseShippedGuide } from './shipped.ts';

describe('guides shipped with maillage', () => {
  test('a guide file: front matter (title, roles), then the Markdown text', () => {
    const guide = parseShippedGuide(
      'regulateur.md',
      '---\ntitle: Guide du régulateur : bases\nroles: regulator, osnp-operator\n---\n\n## Partie\n\nTexte.\n',
    );
    expect(guide).toEqual({
      slug: 'regulateur',
      title: 'Guide du régulateur : bases',
      audience: ['regulator', 'osnp-operator'],
      bodyMarkdown: '## Partie\n\nTexte.\n',
    });
  });

  test('a faulty file is named with what is wrong', () => {
    expect(() => parseShippedGuide('a.md', '## pas d’en-tête')).toThrow(/a\.md.*en-tête/);
    expect(() => parseShippedGuide('a.md', '---\nroles: tous\n---\nx')).toThrow(/titre/);
    expect(() => parseShippedGuide('a.md', '---\ntitle: T\nroles: chef\n---\nx')).toThrow(/inconnu.*chef/);
    expect(() => parseShippedGuide('A b.md', '---\ntitle: T\nroles: tous\n---\nx')).toThrow(/nom de fichier/);
  });

  test('the shipped guides: one per profile, and one for everyone', () => {
    const guides = loadShippedGuides();
    for (const role of ROLES) {
      expect(
        guides.filter((g) => g.audience.includes(role)),
        role,
      ).toHaveLength(1);
    }
    expect(guides.filter((g) => g.audience.includes('tous')).map((g) => g.slug)).toEqual(['premiers-pas']);
    for (const guide of guides) {
      // Every guide tells what works today and, marked as such, what is coming.
      expect(guide.bodyMarkdown, guide.slug).toMatch(/aujourd’hui/);
      expect(guide.bodyMarkdown, guide.slug).toMatch(/^## À venir$/m);
      // Guides start at level 2: the page gives the title its level 1.
      expect(guide.bodyMarkdown, guide.slug).not.toMatch(/^# /m);
      // Links between guides point at guides that exist.
      for (const [, target] of guide.bodyMarkdown.matchAll(/\]\(\/formation\/guides\/([a-z0-9-]+)\)/g)) {
        expect(
          guides.map((g) => g.slug),
          `${guide.slug} → ${target}`,
        ).toContain(target);
      }
    }
  });

  test('the content hash changes with title, profiles or text, not with the order of profiles', () => {
    const base = { title: 'T', audience: ['regulator', 'effecteur'], bodyMarkdown: 'x' };
    expect(guideContentHash(base)).toBe(guideContentHash({ ...base, audience: ['effecteur', 'regulator'] }));
    expect(guideContentHash(base)).not.toBe(guideContentHash({ ...base, title: 'U' }));
    expect(guideContentHash(base)).not.toBe(guideContentHash({ ...base, bodyMarkdown: 'y' }));
    expect(guideContentHash(base)).not.toBe(guideContentHash({ ...base, audience: ['regulator'] }));
  });
});
