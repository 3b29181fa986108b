import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { parseMarkdown, safeHref } from './markdown.ts';
import { MarkdownView } from './MarkdownView.tsx';

const html = (source: string) => renderToStaticMarkup(createElement(MarkdownView, { source }));

describe('Markdown subset', () => {
  test('headings start at level 2 (the page title is the level 1) and get stable, unique anchors', () => {
    expect(html('# Titre\n## Partie\n### Sous-partie\n## Partie')).toBe(
      '<h2 id="section-titre">Titre</h2><h2 id="section-partie">Partie</h2>' +
        '<h3 id="section-sous-partie">Sous-partie</h3><h2 id="section-partie-2">Partie</h2>',
    );
    expect(html('## Régulation : écran d’appel')).toBe(
      '<h2 id="section-regulation-ecran-d-appel">Régulation : écran d’appel</h2>',
    );
    expect(html('#hashtag')).toBe('<p>#hashtag</p>');
  });

  test('paragraphs: lines joined by a space, a hard break by two spaces or a backslash', () => {
    expect(html('une\nphrase\n\nautre')).toBe('<p>une phrase</p><p>autre</p>');
    expect(html('ligne  \nsuite')).toBe('<p>ligne<br/>suite</p>');
    expect(html('ligne\\\nsuite')).toBe('<p>ligne<br/>suite</p>');
  });

  test('emphasis, strong, inline code, escapes; underscores inside words stay', () => {
    expect(html('**gras** et *italique*, __gras__ et _italique_')).toBe(
      '<p><strong>gras</strong> et <em>italique</em>, <strong>gras</strong> et <em>italique</em></p>',
    );
    expect(html('`x **pas gras**` et \\*pas italique\\*')).toBe('<p><code>x **pas gras**</code> et *pas italique*</p>');
    expect(html('nom_de_fichier et 2 * 3 * 4')).toBe('<p>nom_de_fichier et 2 * 3 * 4</p>');
    expect(html('**non fermé')).toBe('<p>**non fermé</p>');
    expect(html('***les deux***')).toBe('<p><strong><em>les deux</em></strong></p>');
    expect(html('**gras avec *italique* dedans**')).toBe('<p><strong>gras avec <em>italique</em> dedans</strong></p>');
  });

  test('lists: bullets, numbered with their start, nested, loose; a list interrupts a paragraph', () => {
    expect(html('- un\n- deux')).toBe('<ul><li>un</li><li>deux</li></ul>');
    expect(html('3. trois\n4. quatre')).toBe('<ol start="3"><li>trois</li><li>quatre</li></ol>');
    expect(html('- un\n  - un bis\n- deux')).toBe('<ul><li>un<ul><li>un bis</li></ul></li><li>deux</li></ul>');
    expect(html('- un\n\n- deux')).toBe('<ul><li><p>un</p></li><li><p>deux</p></li></ul>');
    expect(html('Texte :\n- un\n- deux')).toBe('<p>Texte :</p><ul><li>un</li><li>deux</li></ul>');
    expect(html('1. une étape\n   sur deux lignes\n2. fin')).toBe(
      '<ol><li>une étape sur deux lignes</li><li>fin</li></ol>',
    );
    expect(html('- a\n1. b')).toBe('<ul><li>a</li></ul><ol><li>b</li></ol>');
  });

  test('quotes, fenced code (kept as typed), rules, tables with alignment', () => {
    expect(html('> **À venir** : bientôt.')).toBe(
      '<blockquote><p><strong>À venir</strong> : bientôt.</p></blockquote>',
    );
    expect(html('```\n<b>gras</b>\n  indenté\n```')).toBe(
      '<pre class="md-code"><code>&lt;b&gt;gras&lt;/b&gt;\n  indenté</code></pre>',
    );
    expect(html('avant\n\n---\n\naprès')).toBe('<p>avant</p><hr/><p>après</p>');
    expect(html('| Profil | Droits |\n|:---|---:|\n| Régulateur | `lecture` |\n| a \\| b |')).toBe(
      '<table class="table md-table"><thead><tr><th scope="col" class="md-align-left">Profil</th>' +
        '<th scope="col" class="md-align-right">Droits</th></tr></thead><tbody>' +
        '<tr><td class="md-align-left">Régulateur</td><td class="md-align-right"><code>lecture</code></td></tr>' +
        '<tr><td class="md-align-left">a | b</td><td class="md-align-right"></td></tr></tbody></table>',
    );
  });

  test('links: internal, anchors, http(s) (marked as external); a title is dropped', () => {
    expect(html('[Premiers pas](/formation/guides/premiers-pas)')).toBe(
      '<p><a href="/formation/guides/premiers-pas">Premiers pas</a></p>',
    );
    expect(html('[haut](#section-partie)')).toBe('<p><a href="#section-partie">haut</a></p>');
    expect(html('[ANS](https://esante.gouv.fr "Agence")')).toBe(
      '<p><a href="https://esante.gouv.fr" rel="noopener noreferrer">ANS<span class="visually-hidden"> (site externe)</span></a></p>',
    );
    expect(html('<https://exemple.fr/a?b=1>')).toContain(
      '<a href="https://exemple.fr/a?b=1" rel="noopener noreferrer">',
    );
    expect(html('[**gras** lien](/a)')).toBe('<p><a href="/a"><strong>gras</strong> lien</a></p>');
  });
});

describe('Markdown and XSS: what a guide’s author types is never run', () => {
  const ATTACKS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">clic</a>',
    '[clic](javascript:alert(1))',
    '[clic](JaVaScRiPt:alert(1))',
    '[clic]( javascript:alert(1))',
    '[clic](java\tscript:alert(1))',
    '[clic](<javascript:alert(1)>)',
    '[clic](vbscript:msgbox(1))',
    '[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[clic](//evil.example/x)',
    '[clic](/\\evil.example/x)',
    '[clic](javascript&colon;alert(1))',
    '[clic](/a" onclick="alert(1))',
    '[clic](/a "x" onmouseover="alert(1)")',
    '## <img src=x onerror=alert(1)>',
    '## "><script>alert(1)</script>',
    '| <script>alert(1)</script> | x |\n|---|---|\n| <svg onload=alert(1)> | y |',
    '`<script>alert(1)</script>`',
    '- <iframe src="https://evil.example"></iframe>',
    '<https://exemple.fr/"onmouseover="alert(1)>',
    '**<style>body{display:none}</style>**',
  ];

  test.each(ATTACKS)('%s', (attack) => {
    const out = html(attack);
    // No element other than the renderer's own, no event handler, no dangerous URL, no style.
    const tags = [...out.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);
    for (const tag of tags) {
      expect([
        'p',
        'h2',
        'h3',
        'a',
        'span',
        'code',
        'pre',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'ul',
        'li',
        'strong',
      ]).toContain(tag);
    }
    expect(out).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(out).not.toMatch(/<[^>]*\sstyle=/i);
    expect(out).not.toMatch(/href="\s*(javascript|vbscript|data):/i);
    expect(out).not.toMatch(/href="\/\//);
    expect(out).not.toMatch(/href="[^"]*\\/);
    // The attack's words are still there, as text to read.
    expect(out.replace(/<[^>]+>/g, '').length).toBeGreaterThan(0);
  });

  test('HTML typed in a guide is shown as text', () => {
    expect(html('<b>gras</b> & <i>autre</i>')).toBe('<p>&lt;b&gt;gras&lt;/b&gt; &amp; &lt;i&gt;autre&lt;/i&gt;</p>');
  });

  test('a refused link keeps its words, without a link', () => {
    expect(html('[clic ici](javascript:alert(1))')).toBe('<p>clic ici</p>');
  });

  test('safeHref keeps http(s) and same-site relative targets only', () => {
    for (const ok of [
      '/formation',
      '#a',
      'guide',
      './a',
      '../a',
      '?q=1',
      'https://a.fr',
      'http://a.fr/x',
      'HTTPS://A.FR',
    ]) {
      expect(safeHref(ok), ok).toBe(ok);
    }
    for (const bad of [
      'javascript:alert(1)',
      'mailto:a@b.fr',
      'ftp://a.fr',
      'data:,x',
      '//a.fr',
      '/\\a.fr',
      'a b',
      'java\nscript:x',
      'java\u0000script:x',
      'javascript\u00a0:x',
      'weird:x',
      'https://',
      '',
    ]) {
      expect(safeHref(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  test('pathological input stays cheap and readable (unclosed delimiters, deep nesting)', () => {
    const source = `${'**a '.repeat(20_000)}\n\n${'['.repeat(20_000)}\n\n${'> '.repeat(500)}fin\n\n${'- '.repeat(500)}x`;
    const blocks = parseMarkdown(source);
    expect(blocks.length).toBeGreaterThan(3);
    expect(html(source)).toContain('fin');
  });
});
