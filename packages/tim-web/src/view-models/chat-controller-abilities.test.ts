import { TimClientError, type AbilityCallEvent, type Timite, type Update } from '@tim/protocol';
import { ChatController } from './chat-controller';
import type { ChatView } from './chat-view';
import { createFakeClient, me, memoryStore, settle } from './test-chat-client';
import { makeUpdate } from './test-updates';

const bot: Timite = { id: 2, nick: 'bot', kind: 'agent' };
const echo = { name: 'echo', description: 'Says it back', parameters: { type: 'object' as const } };

function callEvent(callId: number): AbilityCallEvent {
  return {
    type: 'ability_call',
    callId,
    caller: me,
    target: bot,
    ability: 'echo',
    arguments: { text: 'hi' },
    deadline: '2026-01-01T12:01:00.000Z',
  };
}

async function startController(updates: Update[]) {
  const fake = createFakeClient(updates);
  fake.abilities.set('main', [{ timite: bot, abilities: [echo] }]);
  const controller = new ChatController({ client: fake.client, me, store: memoryStore() });
  let view: ChatView = controller.view();
  controller.onChange((next) => (view = next));
  await controller.start();
  await settle();
  return { fake, controller, current: () => view };
}

describe('ChatController abilities', () => {
  it('offers the space’s abilities, listed on opening and kept by live events', async () => {
    const { fake, current } = await startController([makeUpdate(1)]);
    expect(current().abilities.map((each) => each.command)).toEqual(['bot.echo']);
    fake.events.emit('abilities', { type: 'abilities', spaceId: 'main', timite: bot, abilities: [] });
    expect(current().abilities).toEqual([]);
  });

  it('shows a call the reader made at once, and its outcome settles the same card', async () => {
    const { fake, controller, current } = await startController([makeUpdate(1)]);
    const [offered] = current().abilities;
    if (offered === undefined) throw new Error('no ability offered');
    const calling = controller.callAbility(offered, { text: 'hi' });
    const [call] = fake.calls;
    expect(call?.request).toEqual({ target: bot.id, ability: 'echo', arguments: { text: 'hi' } });
    call?.settle({ call: callEvent(2), updateId: 2 });
    expect(await calling).toBeUndefined();
    const card = () => current().items.find((item) => item.kind === 'call');
    expect(card()).toMatchObject({ key: 'u2', mine: true, outcome: undefined });
    // The live copy of the call changes nothing; the outcome settles the card.
    fake.events.emit('update', { id: 2, spaceId: 'main', at: '2026-01-01T12:00:00.000Z', event: callEvent(2) });
    fake.events.emit('update', {
      id: 3,
      spaceId: 'main',
      at: '2026-01-01T12:00:01.000Z',
      event: { type: 'ability_outcome', callId: 2, target: bot, status: 'ok', result: 'hi' },
    });
    expect(current().items.map((item) => item.key)).toEqual(['u1', 'u2']);
    expect(card()).toMatchObject({ outcome: { status: 'ok', result: 'hi' } });
  });

  it('opens the space at a call from its outcome, the call focused', async () => {
    const updates: Update[] = [
      makeUpdate(1),
      { id: 2, spaceId: 'main', at: '2026-01-01T12:00:00.000Z', event: callEvent(2) },
    ];
    for (let id = 3; id <= 10; id += 1) updates.push(makeUpdate(id));
    updates.push({
      id: 11,
      spaceId: 'main',
      at: '2026-01-01T12:00:09.000Z',
      event: { type: 'ability_outcome', callId: 2, target: bot, status: 'timed_out' },
    });
    const fake = createFakeClient(updates);
    const controller = new ChatController({ client: fake.client, me, store: memoryStore(), pageSize: 4 });
    let view: ChatView = controller.view();
    controller.onChange((next) => (view = next));
    await controller.start();
    expect(view.items.map((item) => item.kind)).toEqual(['message', 'message', 'message', 'outcome']);
    await controller.openCall(2);
    expect(view.focusKey).toBe('u2');
    // The messages around the call: its outcome, further on, shows once the reader pages there.
    expect(view.items.find((item) => item.key === 'u2')?.kind).toBe('call');
  });

  it('answers a refusal in words', async () => {
    const { fake, controller, current } = await startController([]);
    const [offered] = current().abilities;
    if (offered === undefined) throw new Error('no ability offered');
    const calling = controller.callAbility(offered, {});
    fake.calls[0]?.settle(new TimClientError('not_found', "bot has no ability 'echo' in this space."));
    expect(await calling).toBe("/bot.echo was not called. bot has no ability 'echo' in this space.");
    expect(current().items).toEqual([]);
  });
});
