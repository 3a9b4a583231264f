import { ABILITY_RESULT_MAX_BYTES } from '@tim/protocol';
import { toAbilityName } from './ability-names';
import { toolNameOf, toSpaceTools } from './space-tools';
import { cutToBytes, toOutcome } from './tool-outcome';

describe('toOutcome', () => {
  it('joins the text content of a result', () => {
    const result = { content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }] };
    expect(toOutcome(result)).toEqual({ result: 'a\n[image]\nb' });
  });

  it('prefers structured content when the tool gave some', () => {
    expect(toOutcome({ content: [{ type: 'text', text: '{"x":1}' }], structuredContent: { x: 1 } })).toEqual({
      result: { x: 1 },
    });
  });

  it('turns a tool error into an error outcome', () => {
    expect(toOutcome({ content: [{ type: 'text', text: 'bad input' }], isError: true })).toEqual({
      error: 'bad input',
    });
    expect(toOutcome({ content: [], isError: true })).toEqual({ error: 'The tool failed without saying why.' });
  });

  it('cuts a long text so that the outcome fits the protocol, and says so', () => {
    const outcome = toOutcome({ content: [{ type: 'text', text: 'é'.repeat(ABILITY_RESULT_MAX_BYTES) }] });
    const text = (outcome as { result: string }).result;
    expect(text.endsWith('…[truncated]')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(outcome))).toBeLessThanOrEqual(ABILITY_RESULT_MAX_BYTES);
  });

  it('never splits a surrogate pair', () => {
    expect(cutToBytes('😀'.repeat(10), 30)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('toAbilityName', () => {
  it.each([
    ['calculate', 'calculate'],
    ['Search.Docs', 'search_docs'],
    ['2fa', 't_2fa'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('names the tool %s %s', (tool, ability) => {
    expect(toAbilityName(tool)).toBe(ability);
  });
});

describe('toSpaceTools', () => {
  const parameters = { type: 'object' as const, properties: {} };

  it('offers each declared ability as nick__ability and remembers whom it calls', () => {
    const { tools, targets } = toSpaceTools([
      {
        timite: { id: 7, nick: 'jarvis', kind: 'agent' },
        abilities: [{ name: 'calculate', description: 'Math.', parameters }],
      },
      {
        timite: { id: 9, nick: 'bob.k', kind: 'human' },
        abilities: [{ name: 'approve', description: 'Yes/no.', parameters }],
      },
    ]);
    expect(tools.map((tool) => tool.name)).toEqual(['jarvis__calculate', 'bob_k__approve']);
    expect(tools[0]?.description).toBe('@jarvis\'s ability "calculate": Math.');
    expect(targets.get('bob_k__approve')).toEqual({ timiteId: 9, nick: 'bob.k', ability: 'approve' });
  });

  it('keeps function names within 64 characters', () => {
    expect(toolNameOf('n'.repeat(40), 'a'.repeat(40))).toHaveLength(64);
  });
});
