import { hasFencedCode, plainTextHtml, renderMarkdown, safeHref, withCaret, type Highlighter } from './render-markdown';

/** Marks what it was asked to highlight, so a test sees the code went through it. */
const fakeHighlighter: Highlighter = {
  highlight: (code, language) =>
    language === 'js' ? `<span class="hljs-keyword">${code.replaceAll('<', '&lt;')}</span>` : undefined,
};

describe('renderMarkdown', () => {
  it('renders CommonMark emphasis, code spans, quotes and line breaks as typed in chat', () => {
    expect(renderMarkdown('**bold** _it_ `code`')).toBe('<p><strong>bold</strong> <em>it</em> <code>code</code></p>');
    expect(renderMarkdown('hi bo\nsecond line')).toBe('<p>hi bo<br>second line</p>');
    expect(renderMarkdown('> quoted')).toBe('<blockquote>\n<p>quoted</p>\n</blockquote>');
  });

  it('renders GFM tables, task lists and strikethrough', () => {
    const table = renderMarkdown('| a | b |\n|---|--:|\n| 1 | 2 |');
    expect(table).toContain('<table>');
    expect(table).toContain('<th>a</th>');
    expect(table).toContain('<td align="right">2</td>');
    const tasks = renderMarkdown('- [x] done\n- [ ] todo');
    expect(tasks).toContain('<li><input checked="" disabled="" type="checkbox"> done</li>');
    expect(tasks).toContain('<li><input disabled="" type="checkbox"> todo</li>');
    expect(renderMarkdown('~~gone~~')).toBe('<p><del>gone</del></p>');
  });

  it('links URLs, www. and e-mail addresses, opening them in a new tab without an opener', () => {
    const rel = 'target="_blank" rel="noopener noreferrer"';
    expect(renderMarkdown('see https://example.com/a?b=1&c=2')).toBe(
      `<p>see <a href="https://example.com/a?b=1&amp;c=2" ${rel}>https://example.com/a?b=1&amp;c=2</a></p>`,
    );
    expect(renderMarkdown('www.example.org')).toContain(`<a href="http://www.example.org/" ${rel}>www.example.org</a>`);
    expect(renderMarkdown('ada@example.com')).toContain(`<a href="mailto:ada@example.com" ${rel}>`);
    expect(renderMarkdown('[docs](https://example.com "The docs")')).toBe(
      `<p><a href="https://example.com/" title="The docs" ${rel}>docs</a></p>`,
    );
  });

  it('marks @mentions, the reader’s own apart, but not inside code or a link’s address', () => {
    expect(renderMarkdown('hello @ada and @Bo_2!', { myNick: 'Ada' })).toBe(
      '<p>hello <mark class="mention me" data-nick="ada">@ada</mark> and ' +
        '<mark class="mention" data-nick="Bo_2">@Bo_2</mark>!</p>',
    );
    expect(renderMarkdown('**@ada** `@bo`', { myNick: 'ada' })).toBe(
      '<p><strong><mark class="mention me" data-nick="ada">@ada</mark></strong> <code>@bo</code></p>',
    );
    expect(renderMarkdown('mail ada@example.com')).not.toContain('<mark');
  });

  it('shows code blocks with a copy button, highlighted when a highlighter is given', () => {
    const code = '```js\nif (a < b) {}\n```';
    expect(renderMarkdown(code)).toBe(
      '<div class="code-block"><button type="button" class="copy-code" aria-label="Copy code">Copy</button>' +
        '<pre><code class="hljs language-js">if (a &lt; b) {}</code></pre></div>',
    );
    expect(renderMarkdown(code, { highlighter: fakeHighlighter })).toContain(
      '<code class="hljs language-js"><span class="hljs-keyword">if (a &lt; b) {}</span></code>',
    );
    // A language the highlighter does not know, or a made-up class, shows plain and harmless.
    expect(renderMarkdown('```cobol\nMOVE A TO B\n```', { highlighter: fakeHighlighter })).toContain(
      '<code class="hljs language-cobol">MOVE A TO B</code>',
    );
    expect(renderMarkdown('```x"onmouseover="alert(1)\ny\n```')).toContain('<code class="hljs language-x">y</code>');
  });

  it('keeps an unclosed fence of a growing reply inside its code block', () => {
    const html = renderMarkdown('Here:\n```python\ndef f():\n    return "<b>"');
    expect(html).toBe(
      '<p>Here:</p>\n<div class="code-block"><button type="button" class="copy-code" aria-label="Copy code">Copy</button>' +
        '<pre><code class="hljs language-python">def f():\n    return &quot;&lt;b&gt;&quot;</code></pre></div>',
    );
  });

  it.each([
    ['<script>window.__pwned = 1</script>', '&lt;script&gt;window.__pwned = 1&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['hi <svg onload=alert(1)> there', 'hi &lt;svg onload=alert(1)&gt; there'],
    [
      '<iframe src="javascript:alert(1)"></iframe>',
      '&lt;iframe src=&quot;javascript:alert(1)&quot;&gt;&lt;/iframe&gt;',
    ],
    [
      '<div style="background:url(javascript:alert(1))">',
      '&lt;div style=&quot;background:url(javascript:alert(1))&quot;&gt;',
    ],
  ])('escapes raw HTML: %s', (content, escaped) => {
    const html = renderMarkdown(content);
    expect(html).toContain(escaped);
    expect(html).not.toMatch(/<(script|img|svg|iframe|div style)/i);
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](  javascript:alert(1))',
    '[x](java\tscript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](&#x6A;avascript&#x3A;alert(1))',
    '[x](javascript&colon;alert(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](vbscript:msgbox(1))',
    '[x](file:///etc/passwd)',
    '[x](/relative)',
    '<javascript:alert(1)>',
    '<data:text/html,<script>alert(1)</script>>',
    '![x](javascript:alert(1))',
    '[x]: javascript:alert(1)\n\n[x]',
  ])('drops an unsafe link target: %s', (content) => {
    const html = renderMarkdown(content);
    expect(html).not.toContain('<a ');
    expect(html).not.toMatch(/<(script|img)/i);
  });

  it('shows an image as a link to it, fetching nothing', () => {
    expect(renderMarkdown('![a cat](https://example.com/cat.png)')).toBe(
      '<p><a href="https://example.com/cat.png" target="_blank" rel="noopener noreferrer">a cat</a></p>',
    );
  });
});

describe('safeHref', () => {
  it('keeps absolute http(s) and mailto addresses only', () => {
    expect(safeHref('https://example.com/x y')).toBe('https://example.com/x%20y');
    expect(safeHref('mailto:ada@example.com')).toBe('mailto:ada@example.com');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('//example.com')).toBeUndefined();
  });
});

describe('hasFencedCode', () => {
  it('sees a fence of backticks or tildes at a line’s start, not inline code', () => {
    expect(hasFencedCode('look:\n```ts\nx\n```')).toBe(true);
    expect(hasFencedCode('~~~\nx')).toBe(true);
    expect(hasFencedCode('inline `code` and ``more``')).toBe(false);
  });
});

describe('withCaret', () => {
  const caret = '<span class="caret" aria-hidden="true"></span>';
  it('puts the caret after the last text, inside its paragraph, item, cell or code', () => {
    expect(withCaret(renderMarkdown('Once upon'))).toBe(`<p>Once upon${caret}</p>`);
    expect(withCaret(renderMarkdown('> - a\n> - b'))).toBe(
      `<blockquote>\n<ul>\n<li>a</li>\n<li>b${caret}</li>\n</ul>\n</blockquote>`,
    );
    expect(withCaret(renderMarkdown('| a |\n|---|\n| 1 |'))).toMatch(/<td>1<span class="caret"[^>]*><\/span><\/td>/);
    expect(withCaret(renderMarkdown('```\nopen fence'))).toContain(`open fence${caret}</code></pre></div>`);
  });

  it('shows the caret alone while nothing is written yet', () => {
    expect(withCaret(renderMarkdown(''))).toBe(caret);
  });
});

describe('plainTextHtml', () => {
  /** Plain lines as people type them, and random ones over every character the fast path lets through. */
  function plainLines(): string[] {
    const alphabet = [...'abcXYZ019 ,.;\'?"()/%$|=+-', 'é', 'ß', 'ж', '日', '👍', '👩‍💻', '❤️', '\u0301'];
    let seed = 42;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const generated = Array.from({ length: 2000 }, () =>
      Array.from({ length: 1 + random(30) }, () => alphabet[random(alphabet.length)] ?? '').join(''),
    );
    return [
      'hello there',
      "it's done, isn't it?",
      'say "hi" (twice) - 50% off | not a table',
      '+1',
      '-1 from me',
      '1796402368732|17|xxxxxxxx',
      'a = b + c / d',
      'Ça va? Ja, schön 日本語 👍',
      ...generated,
    ];
  }

  it('gives exactly what renderMarkdown gives for every line it takes', () => {
    let taken = 0;
    for (const line of plainLines()) {
      const fast = plainTextHtml(line);
      if (fast === undefined) continue;
      taken += 1;
      expect([line, fast]).toEqual([line, renderMarkdown(line)]);
    }
    expect(taken).toBeGreaterThan(1000);
  });

  it('leaves everything that may hold Markdown, a mention, a link or HTML to renderMarkdown', () => {
    const markdown = [
      '**bold**',
      '_it_',
      '~~gone~~',
      '`code`',
      '[a](https://x.y)',
      'see https://example.com',
      'www.example.org',
      'WWW.example.org',
      'ada@example.com',
      'hi @ada',
      '#main',
      '# heading',
      '> quote',
      '- item',
      '+ item',
      '1. first',
      '2) second',
      '---',
      '===',
      '    indented code',
      'trailing space ',
      'two\nlines',
      'tab\there',
      '<b>x</b>',
      '&amp;',
      'a\\*b',
      ':smile:',
      '',
    ];
    for (const content of markdown) expect([content, plainTextHtml(content)]).toEqual([content, undefined]);
  });
});
