import type { Ability, Timite } from '@tim/protocol';
import type { OfferedAbility } from './abilities-in-space';
import { hintLine, lineParameter, readComposerText, refusalOfCall, suggestions } from './slash-command';
import { TimClientError } from '@tim/protocol';

const jarvis: Timite = { id: 3, nick: 'jarvis', kind: 'agent' };

function offer(ability: Omit<Ability, 'description'> & { description?: string }): OfferedAbility {
  return {
    command: `${jarvis.nick}.${ability.name}`,
    timite: jarvis,
    ability: { description: '', ...ability },
  };
}

const search = offer({
  name: 'search',
  description: 'Searches the docs',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string' }, limit: { type: 'integer' } },
    required: ['query'],
  },
});
const resize = offer({
  name: 'resize',
  parameters: {
    type: 'object',
    properties: {
      width: { type: 'integer' },
      ratio: { type: 'number' },
      crop: { type: 'boolean' },
      label: { type: 'string' },
    },
    required: ['width'],
  },
});
const offered = [resize, search];

describe('suggestions', () => {
  it('offers every ability after a lone slash and narrows by what follows', () => {
    expect(suggestions('/', offered)).toEqual([resize, search]);
    expect(suggestions('/jarvis.s', offered)).toEqual([search]);
    expect(suggestions('/JARVIS.R', offered)).toEqual([resize]);
  });

  it('offers nothing once arguments start, for // or for plain text', () => {
    expect(suggestions('/jarvis.search ', offered)).toEqual([]);
    expect(suggestions('//', offered)).toEqual([]);
    expect(suggestions('hello /', offered)).toEqual([]);
  });
});

describe('hints from the schema', () => {
  it('names each parameter with its type, required ones first and optional ones marked', () => {
    expect(hintLine(search.ability.parameters)).toBe('query: string, limit?: integer');
    expect(hintLine({ type: 'object' })).toBe('no arguments');
  });

  it('lets the rest of the line fill the one required string parameter, or the one string parameter', () => {
    expect(lineParameter(search.ability.parameters)).toBe('query');
    expect(lineParameter({ type: 'object', properties: { text: { type: 'string' } } })).toBe('text');
    expect(lineParameter(resize.ability.parameters)).toBeUndefined();
  });
});

describe('readComposerText', () => {
  it('reads the rest of the line as the one string parameter', () => {
    expect(readComposerText('/jarvis.search release notes', offered)).toEqual({
      kind: 'call',
      offered: search,
      arguments: { query: 'release notes' },
    });
  });

  it('reads key=value pairs by the schema types, quoted values as they are', () => {
    expect(readComposerText('/jarvis.resize width=640 ratio=1.5 crop=true label="two words" ', offered)).toEqual({
      kind: 'call',
      offered: resize,
      arguments: { width: 640, ratio: 1.5, crop: true, label: 'two words' },
    });
    expect(readComposerText(`/jarvis.resize width=10 label='it\\'s'`, offered)).toMatchObject({
      arguments: { width: 10, label: "it's" },
    });
  });

  it('reads a JSON object', () => {
    expect(readComposerText('/jarvis.resize {"width": 3, "extra": [1]}', offered)).toMatchObject({
      kind: 'call',
      arguments: { width: 3, extra: [1] },
    });
  });

  it('says what is wrong with arguments it cannot read', () => {
    expect(readComposerText('/jarvis.resize width=wide', offered)).toEqual({
      kind: 'invalid',
      reason: 'width must be an integer, not "wide".',
    });
    expect(readComposerText('/jarvis.resize 640', offered)).toMatchObject({ kind: 'invalid' });
    expect(readComposerText('/jarvis.resize {not json', offered)).toMatchObject({ kind: 'invalid' });
    expect(readComposerText('/jarvis.resize [1]', offered)).toMatchObject({ kind: 'invalid' });
  });

  it('sends no arguments after a bare command', () => {
    expect(readComposerText('/jarvis.search', offered)).toEqual({ kind: 'call', offered: search, arguments: {} });
  });

  it('sends a message for //, an unknown command or plain text', () => {
    expect(readComposerText('//jarvis.search x', offered)).toEqual({ kind: 'message', content: '/jarvis.search x' });
    expect(readComposerText('/shrug ok', offered)).toEqual({ kind: 'message', content: '/shrug ok' });
    expect(readComposerText('/jarvis.nothing', offered)).toEqual({ kind: 'message', content: '/jarvis.nothing' });
    expect(readComposerText('hi there', offered)).toEqual({ kind: 'message', content: 'hi there' });
  });
});

describe('refusalOfCall', () => {
  it('puts the server refusal in words with the command', () => {
    const badArguments = new TimClientError('invalid_request', "The arguments do not fit search's parameters.");
    expect(refusalOfCall(search, badArguments)).toBe(
      "/jarvis.search was not called. The arguments do not fit search's parameters.",
    );
    expect(refusalOfCall(search, new TimClientError('rate_limited', 'slow', { retryAfterSeconds: 4 }))).toBe(
      'Too many calls. Try /jarvis.search again in 4 s.',
    );
  });
});
