import type { Message, StreamEvent } from '@tim/protocol';
import { useAgentSpace, type AgentSpace } from '../support/agents';
import type { FakeStreaming } from '../support/fake-openai';
import { createWebSocketWithoutStreams, readMessages, waitForQuiet } from '../support/start-tim';
import { messageFrom, streamEnd, streamTextFrom, watchSpace, type SpaceWatch } from '../support/space-watch';

const quiet = { openingMessage: undefined };

/** The text a subscriber shows after each stream event, folded as protocol section 7 says. */
function grownTexts(events: readonly StreamEvent[]): string[] {
  let text = '';
  return events.map((event) => {
    text = event.offset === 0 ? event.text : text + event.text;
    return text;
  });
}

/** Asks jarvis twice, each time until the space is quiet, and returns its messages. */
async function askJarvisTwice(space: AgentSpace): Promise<Message[]> {
  for (const ask of ['one', 'two']) {
    await space.bob.sendMessage('main', `@jarvis ${ask}`);
    await waitForQuiet(space.bob, space.agents);
  }
  return (await readMessages(space.bob)).filter((message) => message.sender.nick === 'jarvis');
}

/** The chars/4 estimate of a prompt and its reply, as the agent counts them when the endpoint reports no usage. */
function estimatedTokens(prompt: readonly { content: string }[], reply: string): number {
  return Math.ceil(prompt.map((message) => message.content).join('').length / 4) + Math.ceil(reply.length / 4);
}

describe('tim-agent streaming its replies', () => {
  const space = useAgentSpace();
  const watches: SpaceWatch[] = [];
  afterEach(() => watches.splice(0).forEach((watch) => watch.close()));

  async function watch(): Promise<SpaceWatch> {
    const watching = await watchSpace(space.bob);
    watches.push(watching);
    return watching;
  }

  it('shows the reply growing, clears thinking as it starts, and stores it as one message marked finished', async () => {
    const { bob, fake } = space;
    const bobSees = await watch();
    const jarvis = await space.start('jarvis', { overrides: quiet });
    const chunks = ['Step one: ', 'write the tests. ', 'Step two: ', 'run ', 'them. ', 'Step three: ', 'ship.'];
    fake.script(() => ({ kind: 'stream', chunks, intervalMs: 60, totalTokens: 40 }));

    await bob.sendMessage('main', '@jarvis plan the release');
    const message = await bobSees.waitFor('the message from jarvis', messageFrom('jarvis'));

    expect(message.content).toBe(chunks.join('').trim());
    expect(message.stream).toEqual({ id: expect.any(String) as string, end: 'finished' });
    const grown = grownTexts(bobSees.streamEvents(message.stream?.id ?? ''));
    // It grew in several steps, each a continuation of the last, to the whole reply.
    expect(grown.length).toBeGreaterThanOrEqual(3);
    grown.slice(1).forEach((text, index) => expect(text.startsWith(grown[index] ?? '')).toBe(true));
    expect(new Set(grown).size).toBeGreaterThanOrEqual(3);
    expect(grown.at(-1)).toBe(message.content);
    // Thinking before the reply showed; idle as soon as it did, while it still grew.
    const kinds = bobSees.events.flatMap((event) => {
      if (event.kind === 'activity' && event.nick === 'jarvis') return [event.activity];
      if (event.kind === 'stream' && event.event.author.nick === 'jarvis') return ['stream'];
      return [];
    });
    expect(kinds.indexOf('thinking')).toBeLessThan(kinds.indexOf('stream'));
    expect(kinds.indexOf('idle')).toBeLessThan(kinds.lastIndexOf('stream'));
    expect(kinds.filter((kind) => kind === 'idle')).toHaveLength(1);
    await waitForQuiet(bob, space.agents);
    expect(jarvis.logs.entries).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'replied',
        streamed: true,
        updateId: expect.any(Number) as number,
      }),
    );
  });

  it('stops at once when a human stops it: the LLM request is closed, and nothing more is posted', async () => {
    const { bob, fake } = space;
    const bobSees = await watch();
    const jarvis = await space.start('jarvis', { overrides: quiet });
    const chunks = Array.from({ length: 60 }, (_, index) => `word${index} `);
    fake.script(() => ({ kind: 'stream', chunks, intervalMs: 50, totalTokens: 5000 }));

    await bob.sendMessage('main', '@jarvis tell me everything');
    const growing = await bobSees.waitFor('jarvis writing', streamTextFrom('jarvis'));
    bobSees.live.stopStream('main', growing.streamId);

    await fake.waitForClosedByClient(0);
    const message = await bobSees.waitFor('the message from jarvis', messageFrom('jarvis'));
    expect(message.stream).toEqual({ id: growing.streamId, end: 'stopped', stoppedBy: bobSees.live.timite?.id });
    expect(chunks.join('').startsWith(message.content)).toBe(true);
    expect(message.content.length).toBeLessThan(chunks.join('').trim().length);

    const stopped = await jarvis.logs.waitFor('reply stopped', (entry) => entry.message === 'reply stopped');
    expect(stopped).toMatchObject({ level: 'info', stoppedBy: bobSees.live.timite?.id, updateId: expect.any(Number) });
    // The tokens used so far count, estimated: the endpoint never sent its usage.
    const prompt = fake.calls[0]?.messages ?? [];
    expect(stopped.tokensUsedToday).toBeGreaterThanOrEqual(estimatedTokens(prompt, message.content));
    expect(stopped.tokensUsedToday).toBeLessThan(estimatedTokens(prompt, chunks.join('')));
    await waitForQuiet(bob, space.agents);
    expect((await readMessages(bob)).map((posted) => posted.sender.nick)).toEqual(['bob', 'jarvis']);
    expect(fake.calls).toHaveLength(1);
    expect(jarvis.logs.entries.map((entry) => entry.message)).not.toContain('replied');
    expect(JSON.stringify(jarvis.logs.entries)).not.toContain('word1');
  });

  it('counts the usage of the final chunk against the budget, and an estimate when there is none', async () => {
    const { fake } = space;
    const jarvis = await space.start('jarvis', { overrides: quiet });
    fake.script((_, index) =>
      index === 0
        ? { kind: 'stream', chunks: ['Counted ', 'by the endpoint.'], intervalMs: 10, totalTokens: 77 }
        : { kind: 'stream', chunks: ['Counted ', 'by estimate.'], intervalMs: 10 },
    );

    const replies = await askJarvisTwice(space);
    expect(replies.map((message) => message.stream?.end)).toEqual(['finished', 'finished']);
    const replied = jarvis.logs.entries.filter((entry) => entry.message === 'replied');
    const estimate = estimatedTokens(fake.calls[1]?.messages ?? [], 'Counted by estimate.');
    expect(replied.map((entry) => entry.tokensUsedToday)).toEqual([77, 77 + estimate]);
  });

  it('withdraws the stream when the LLM fails midway: nothing is stored, the failure is logged', async () => {
    const { bob, fake } = space;
    const bobSees = await watch();
    const llm = { model: 'fake-model', temperature: 0, timeoutMs: 500, maxRetries: 1, maxRetryAfterMs: 30_000 };
    const jarvis = await space.start('jarvis', { overrides: { ...quiet, llm } });
    fake.script(() => ({ kind: 'stream', chunks: ['Half ', 'a reply'], intervalMs: 10, then: 'hang' }));

    await bob.sendMessage('main', '@jarvis try');
    const growing = await bobSees.waitFor('jarvis writing', streamTextFrom('jarvis'));
    const end = await bobSees.waitFor('the end of the stream', streamEnd(growing.streamId));
    expect(end.reason).toBe('aborted');
    await waitForQuiet(bob, space.agents);

    expect(jarvis.logs.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'turn skipped: the LLM gave no reply', kind: 'timeout' }),
    );
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob']);
    // Text had been shown: no retry that would show it twice.
    expect(fake.calls).toHaveLength(1);
  });

  it('posts the reply whole to a server from before streams, and stops trying there', async () => {
    const { fake } = space;
    const { WebSocket, disguised } = createWebSocketWithoutStreams();
    const jarvis = await space.start('jarvis', { overrides: quiet, runner: { WebSocket } });
    fake.script(() => ({ kind: 'stream', chunks: ['Whole ', 'anyway.'], intervalMs: 10 }));

    const replies = await askJarvisTwice(space);
    expect(replies.map((message) => [message.content, message.stream])).toEqual([
      ['Whole anyway.', undefined],
      ['Whole anyway.', undefined],
    ]);
    expect(disguised).toEqual(['stream_open']);
    const notices = jarvis.logs.entries.filter(
      (entry) => entry.message === 'the server does not stream messages; posting whole replies',
    );
    expect(notices).toEqual([expect.objectContaining({ level: 'info' })]);
  });
});

describe("tim-agent streaming and the server's agent_turn_limit", () => {
  // The server refuses a second agent message in a row: jarvis's finish, after alice's reply.
  const space = useAgentSpace({ maxAgentStreak: 1 });

  it('withdraws a stream whose finish is refused, and backs off', async () => {
    const { bob, fake } = space;
    const bobSees = await watchSpace(bob);
    try {
      await space.start('alice', { overrides: quiet });
      const jarvis = await space.start('jarvis', { overrides: quiet });
      fake.script(() => ({ kind: 'stream', chunks: ['@jarvis ', 'handing this to you.'], intervalMs: 10 }));

      await bob.sendMessage('main', '@alice start the notes');
      const refused = await jarvis.logs.waitFor(
        'the refusal',
        (entry) => entry.message === 'turn skipped: the server refused the reply; backing off',
      );
      expect(refused).toMatchObject({ code: 'agent_turn_limit' });
      const jarvisStream = await bobSees.waitFor('jarvis writing', streamTextFrom('jarvis'));
      const end = await bobSees.waitFor('the end of the stream', streamEnd(jarvisStream.streamId));
      expect(end.reason).toBe('aborted');
      await waitForQuiet(bob, space.agents);
      expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'alice']);
    } finally {
      bobSees.close();
    }
  });
});

describe.each<FakeStreaming>(['json', 'refuse'])('tim-agent and an LLM endpoint that cannot stream (%s)', (mode) => {
  const space = useAgentSpace({}, {}, { streaming: mode });

  it('posts a plain message, asking plainly from then on', async () => {
    const { bob, fake } = space;
    const bobSees = await watchSpace(bob);
    try {
      const jarvis = await space.start('jarvis', { overrides: quiet });
      fake.script(() => ({ kind: 'text', content: 'Plain and whole.' }));

      const replies = await askJarvisTwice(space);
      expect(replies.map((message) => [message.content, message.stream])).toEqual([
        ['Plain and whole.', undefined],
        ['Plain and whole.', undefined],
      ]);
      expect(bobSees.events.filter((event) => event.kind === 'stream')).toEqual([]);
      expect(fake.calls.map((call) => call.stream)).toEqual(
        mode === 'json' ? [true, undefined] : [true, undefined, undefined],
      );
      const notices = jarvis.logs.entries.filter(
        (entry) => entry.message === 'the LLM endpoint does not stream; asking with plain requests from now on',
      );
      expect(notices).toEqual([expect.objectContaining({ level: 'info' })]);
    } finally {
      bobSees.close();
    }
  });
});
