import { createStreamedContent, toMessageContent } from './reply-content';

describe('toMessageContent', () => {
  it('drops a copied own-nick prefix and trims', () => {
    expect(toMessageContent('  jarvis: Step 1.  ', 'jarvis')).toBe('Step 1.');
    expect(toMessageContent('Jarvis (agent): Step 1.', 'jarvis')).toBe('Step 1.');
    expect(toMessageContent('@jarvis: hi', 'jarvis')).toBe('hi');
    expect(toMessageContent('alice: hi', 'jarvis')).toBe('alice: hi');
    expect(toMessageContent('jarvis (robot): hi', 'jarvis')).toBe('jarvis (robot): hi');
  });

  it('cuts to 4000 code points and refuses what is left empty', () => {
    expect([...(toMessageContent('😀'.repeat(4100), 'j') ?? '')]).toHaveLength(4000);
    expect(toMessageContent('jarvis:   ', 'jarvis')).toBeUndefined();
  });

  it("cuts to the server's limit when given one", () => {
    expect([...(toMessageContent('😀'.repeat(300), 'j', 120) ?? '')]).toHaveLength(120);
  });
});

describe('createStreamedContent', () => {
  const replies = [
    '  jarvis: Step 1.  ',
    'Jarvis (agent):   Step 1, then step 2.',
    '@jarvis: hi',
    '@jarv is not a prefix',
    'jarvis',
    'jarvis (robot): hi',
    'alice: hi',
    'jarvis:   ',
    '\n\nPlan: ship it.\n',
    'Jarvis: jarvis: twice',
    '😀'.repeat(130),
  ];

  /** Every way to cut `text` in two and three pieces, and one piece per code point. */
  function splits(text: string): string[][] {
    const chars = [...text];
    const result: string[][] = [[text], chars];
    for (let i = 0; i <= chars.length; i += 1) {
      result.push([chars.slice(0, i).join(''), chars.slice(i).join('')]);
      for (let j = i; j <= chars.length; j += 7) {
        result.push([chars.slice(0, i).join(''), chars.slice(i, j).join(''), chars.slice(j).join('')]);
      }
    }
    return result;
  }

  it.each(replies)('shows exactly what toMessageContent posts, however %j arrives', (reply) => {
    for (const pieces of splits(reply)) {
      const content = createStreamedContent('jarvis', 120);
      const shown = pieces.map((piece) => content.push(piece)).join('') + content.end();
      expect(shown.trim()).toBe(toMessageContent(reply, 'jarvis', 120) ?? '');
      // Leading whitespace never reaches the stream: it would show before the text.
      expect(shown).toBe(shown.trimStart());
    }
  });

  it('holds back only while the start could still be a prefix', () => {
    const content = createStreamedContent('jarvis');
    expect(content.push('Jar')).toBe('');
    expect(content.push('vis')).toBe('');
    expect(content.push(': ')).toBe('');
    expect(content.push('Sure')).toBe('Sure');
    const other = createStreamedContent('jarvis');
    expect(other.push('Ja')).toBe('');
    expect(other.push('ck')).toBe('Jack');
  });
});
