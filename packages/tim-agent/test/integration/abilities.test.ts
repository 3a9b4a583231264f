import { join } from 'node:path';
import { TimClient, type AbilityCallEvent, type AbilityOutcomeEvent, type Message, type Update } from '@tim/protocol';
import type { McpServerConfig } from '../../src/persona/persona-schema';
import { abilityEventOf } from '../../src/tools/ability-updates';
import { askingNick, useAgentSpace, type AgentSpace, type TestAgent } from '../support/agents';
import type { FakeChatRequest } from '../support/fake-openai';
import { readMessages, waitForQuiet } from '../support/start-tim';

/** tim-mcp-tools, built: turbo's test task builds dependencies first. */
const TOOLS_SERVER = join(__dirname, '..', '..', '..', 'tim-mcp-tools', 'dist', 'cli.js');
const offlineTools = (tools: string[]): McpServerConfig[] => [
  { name: 'offline-tools', command: 'node', args: [TOOLS_SERVER], env: {}, tools },
];

async function timeline(client: TimClient): Promise<Update[]> {
  return (await client.readUpdates('main', { after: 0, limit: 500 })).updates;
}
const callsIn = (updates: Update[]): AbilityCallEvent[] =>
  updates.flatMap((update) => {
    const event = abilityEventOf(update);
    return event?.type === 'ability_call' ? [event] : [];
  });
const outcomesIn = (updates: Update[]): AbilityOutcomeEvent[] =>
  updates.flatMap((update) => {
    const event = abilityEventOf(update);
    return event?.type === 'ability_outcome' ? [event] : [];
  });

async function abilitiesOf(client: TimClient, nick: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { timites } = await client.listAbilities('main');
    if ((timites.find((entry) => entry.timite.nick === nick)?.abilities.length ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${nick} did not declare ${count} abilities`);
}

const toolMessages = (request: FakeChatRequest | undefined): string[] =>
  (request?.messages ?? []).filter((message) => message.role === 'tool').map((message) => message.content);

describe('abilities of agents', () => {
  const space = useAgentSpace();

  it('declares its MCP tools, and a person calling one gets the tool result as the outcome', async () => {
    await space.start('jarvis', { overrides: { mcpServers: offlineTools(['calculate', 'now']) } });
    await abilitiesOf(space.bob, 'jarvis', 2);
    const { timites } = await space.bob.listAbilities('main');
    const jarvis = timites.find((entry) => entry.timite.nick === 'jarvis');
    expect(jarvis?.abilities.map((ability) => ability.name)).toEqual(['calculate', 'now']);

    const { call } = await space.bob.callAbility('main', {
      target: jarvis?.timite.id ?? 0,
      ability: 'calculate',
      arguments: { expression: '(17 + 5) * 3' },
    });
    const outcome = await waitForOutcome(space.bob, call.callId);
    expect(outcome).toMatchObject({ status: 'ok', result: '66', target: { nick: 'jarvis' } });
    expect(space.fake.calls).toHaveLength(0);
  });

  it("uses a tool when its model asks: the call and outcome are in the timeline, and the model's answer is posted", async () => {
    space.fake.script((request) =>
      toolMessages(request).length === 0
        ? { kind: 'tool_calls', calls: [{ name: 'jarvis__calculate', arguments: { expression: '6 * 7' } }] }
        : { kind: 'text', content: `It is ${toolMessages(request)[0]}.` },
    );
    const jarvis = await space.start('jarvis', { overrides: { mcpServers: offlineTools(['calculate']) } });
    await abilitiesOf(space.bob, 'jarvis', 1);
    await space.bob.sendMessage('main', '@jarvis what is 6 times 7?');
    await waitForQuiet(space.bob, [jarvis]);

    const updates = await timeline(space.bob);
    expect(callsIn(updates)).toMatchObject([
      {
        caller: { nick: 'jarvis' },
        target: { nick: 'jarvis' },
        ability: 'calculate',
        arguments: { expression: '6 * 7' },
      },
    ]);
    expect(outcomesIn(updates)).toMatchObject([{ status: 'ok', result: '42' }]);
    const messages = await readMessages(space.bob);
    expect(messages.at(-1)).toMatchObject({ sender: { nick: 'jarvis' }, content: 'It is 42.' });
    expect(space.fake.calls).toHaveLength(2);
    expect(space.fake.calls[0]?.tools?.map((tool) => tool.function.name)).toEqual(['jarvis__calculate']);
  });

  it("stays bounded when two agents' models always call each other's abilities", async () => {
    const loop = await playCallingLoop(space);
    // Each agent: at most 4 tool rounds of one call, and one final answer; the other's answer is not
    // answered. The server's streak guard (10 agent turns) may stop them earlier.
    expect(loop.calls.length).toBeGreaterThan(0);
    expect(loop.calls.length).toBeLessThanOrEqual(8);
    expect(loop.requests.length).toBeLessThanOrEqual(10);
    expect(loop.requests.filter((request) => askingNick(request) === 'jarvis').length).toBeLessThanOrEqual(5);
    expect(loop.requests.filter((request) => askingNick(request) === 'alice').length).toBeLessThanOrEqual(5);
  });

  it('counts calls and outcomes made before it started in the agent chain', async () => {
    // robo, an agent without a process of its own, calls alice's ability twice after bob spoke:
    // with alice's answers, four agent turns before jarvis starts, past its chain of 2.
    await space.start('alice', { overrides: { mcpServers: offlineTools(['calculate']) } });
    await abilitiesOf(space.bob, 'alice', 1);
    const { timites } = await space.bob.listAbilities('main');
    const aliceId = timites.find((entry) => entry.timite.nick === 'alice')?.timite.id ?? 0;
    const robo = new TimClient({ baseUrl: space.tim.baseUrl, key: await space.tim.addAgent('robo') });
    await space.bob.sendMessage('main', 'robo, check these sums');
    for (const expression of ['1 + 1', '2 + 2']) {
      const { call } = await robo.callAbility('main', {
        target: aliceId,
        ability: 'calculate',
        arguments: { expression },
      });
      await waitForOutcome(robo, call.callId);
    }
    const jarvis = await space.start('jarvis', { overrides: { openingMessage: undefined } });

    const { updateId } = await robo.sendMessage('main', '@jarvis do they look right to you?');
    await jarvis.whenJudged('main', updateId);
    await waitForQuiet(space.bob, space.agents);
    expect(jarvis.logs.entries).toContainEqual(
      expect.objectContaining({ message: 'update judged', updateId, action: 'skip', reason: 'agent_chain_limit' }),
    );
    expect(space.fake.calls).toHaveLength(0);
  });
});

describe("two agents calling each other's abilities, the server's streak guard out of the way", () => {
  const space = useAgentSpace({ maxAgentStreak: 1000 });

  it('stop by their own bounds: 4 tool rounds each, one final answer each, not answered', async () => {
    const loop = await playCallingLoop(space);
    expect(loop.calls.filter((call) => call.caller.nick === 'jarvis')).toHaveLength(4);
    expect(loop.calls.filter((call) => call.caller.nick === 'alice')).toHaveLength(4);
    expect(loop.outcomes.map((outcome) => outcome.status)).toEqual(Array(8).fill('ok'));
    // Per agent: 4 rounds with tools, then one request with the tools shown but not callable.
    for (const nick of ['jarvis', 'alice']) {
      const requests = loop.requests.filter((request) => askingNick(request) === nick);
      expect(requests.map((request) => request.tool_choice)).toEqual(['auto', 'auto', 'auto', 'auto', 'none']);
    }
    expect(loop.replies.map((message) => `${message.sender.nick}: ${message.content}`).sort()).toEqual([
      'alice: @jarvis your turn',
      'jarvis: @alice your turn',
    ]);
  });
});

/**
 * Starts jarvis and alice, each with the calculate tool, whose models always call the other's
 * calculate and, once told not to call, answer `@other your turn`; bob asks both. Resolves
 * once the space is quiet with what happened after bob's message.
 */
async function playCallingLoop(space: AgentSpace): Promise<{
  calls: AbilityCallEvent[];
  outcomes: AbilityOutcomeEvent[];
  requests: FakeChatRequest[];
  replies: Message[];
}> {
  const other: Record<string, string> = { jarvis: 'alice', alice: 'jarvis' };
  space.fake.script((request) => {
    const nick = askingNick(request) ?? '';
    if (request.tool_choice === 'none' || request.tools === undefined) {
      return { kind: 'text', content: `@${other[nick]} your turn` };
    }
    return { kind: 'tool_calls', calls: [{ name: `${other[nick]}__calculate`, arguments: { expression: '1 + 1' } }] };
  });
  const agents: TestAgent[] = [
    await space.start('jarvis', { overrides: { mcpServers: offlineTools(['calculate']) } }),
    await space.start('alice', { overrides: { mcpServers: offlineTools(['calculate']) } }),
  ];
  await abilitiesOf(space.bob, 'jarvis', 1);
  await abilitiesOf(space.bob, 'alice', 1);
  const openingRequests = space.fake.calls.length;
  const asked = await space.bob.sendMessage('main', '@jarvis @alice add things up together');
  await waitForQuiet(space.bob, agents);
  const after = (await timeline(space.bob)).filter((update) => update.id > asked.updateId);
  return {
    calls: callsIn(after),
    outcomes: outcomesIn(after),
    requests: space.fake.calls.slice(openingRequests),
    replies: after.flatMap((update) => (update.event.type === 'message' ? [update.event.message] : [])),
  };
}

async function waitForOutcome(client: TimClient, callId: number): Promise<AbilityOutcomeEvent> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const outcome = outcomesIn(await timeline(client)).find((candidate) => candidate.callId === callId);
    if (outcome !== undefined) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no outcome of call ${callId}`);
}
