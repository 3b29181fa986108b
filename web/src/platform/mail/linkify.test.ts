import { describe, expect, test } from 'vitest';
import { splitLinks } from './linkify.ts';

const origin = 'http://localhost:3000';

describe('links in a mail’s text', () => {
  test('a reset link of this site becomes a link, the sentence around it stays text', () => {
    const link = 'http://localhost:3000/connexion/nouveau-mot-de-passe#jeton=abc_DEF-123';
    expect(splitLinks(`Ouvrez ce lien :\n\n${link}\n\nIl ne sert qu’une fois.`, origin)).toEqual([
      { kind: 'text', text: 'Ouvrez ce lien :\n\n' },
      { kind: 'link', text: link, href: link },
      { kind: 'text', text: '\n\nIl ne sert qu’une fois.' },
    ]);
  });

  test('trailing punctuation is left out of the link', () => {
    expect(splitLinks('Voir http://localhost:3000/compte.', origin)).toEqual([
      { kind: 'text', text: 'Voir ' },
      { kind: 'link', text: 'http://localhost:3000/compte', href: 'http://localhost:3000/compte' },
      { kind: 'text', text: '.' },
    ]);
  });

  test('other sites, other schemes and credentials in URLs stay plain text', () => {
    for (const text of [
      'https://ailleurs.example/connexion',
      'http://localhost:3001/compte',
      'https://localhost:3000/compte',
      'http://user:pass@localhost:3000/compte',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
    ]) {
      expect(splitLinks(`a ${text} b`, origin), text).toEqual([{ kind: 'text', text: `a ${text} b` }]);
    }
  });

  test('markup in a mail stays text: it is never interpreted', () => {
    const text = '<img src=x onerror=alert(1)> <a href="http://localhost:3000/x">clic</a>';
    const parts = splitLinks(text, origin);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    // The URL inside the attribute stops at the quote: only what is certainly a URL is linked.
    expect(parts.filter((p) => p.kind === 'link').map((p) => (p.kind === 'link' ? p.href : ''))).toEqual([
      'http://localhost:3000/x',
    ]);
  });
});
