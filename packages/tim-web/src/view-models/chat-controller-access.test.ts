import { TimClientError, type ListSpacesOptions, type SpaceListing } from '@tim/protocol';
import { ChatController } from './chat-controller';
import type { ChatView } from './chat-view';
import type { KeyValueStore } from './key-value-store';
import { confirmation, createFakeClient, me, memoryStore, settle } from './test-chat-client';

const GARDEN: SpaceListing = { id: 'garden', name: 'Garden', createdAt: '2026-01-01T00:00:00.000Z' };

/**
 * A controller whose reader is a member of `main` and `side` (scope 'mine'); the public space
 * `garden` is theirs to browse but not joined; `gone` was deleted or made private.
 */
async function startController(store: KeyValueStore = memoryStore()) {
  const fake = createFakeClient([]);
  const listed: ListSpacesOptions[] = [];
  const mine = fake.client.listSpaces;
  fake.client.listSpaces = async (options = {}) => {
    listed.push(options);
    if (options.scope !== 'public') return mine(options);
    return { spaces: [GARDEN].filter((space) => space.id.includes(options.q ?? '')) };
  };
  const readUpdates = fake.client.readUpdates;
  fake.client.readUpdates = async (spaceId, range) => {
    if (spaceId === 'gone') throw new TimClientError('not_found', 'There is no space "gone".');
    return readUpdates(spaceId, range);
  };
  const controller = new ChatController({ client: fake.client, me, store });
  let view: ChatView = controller.view();
  controller.onChange((next) => (view = next));
  await controller.start();
  return { fake, controller, listed, current: () => view };
}

function storeWithLastSpace(spaceId: string): KeyValueStore {
  const store = memoryStore();
  store.setItem('tim.space', spaceId);
  return store;
}

const ids = (view: ChatView) => view.spaces.map((space) => space.id);

describe('ChatController and access (issue 19)', () => {
  it('drops the open space the reader was removed from, opens main and says so', async () => {
    const { fake, controller, current } = await startController();
    await controller.openSpace('side');
    fake.events.emit('unsubscribed', { spaceId: 'side', reason: 'removed' });
    await settle();
    expect(ids(current())).toEqual(['main']);
    expect(current().spaceId).toBe('main');
    expect(current().notice).toBe('You were removed from #side.');
  });

  it('drops a space removed in the background and keeps the open one', async () => {
    const { fake, current } = await startController();
    fake.events.emit('unsubscribed', { spaceId: 'side', reason: 'removed' });
    await settle();
    expect(ids(current())).toEqual(['main']);
    expect(current().spaceId).toBe('main');
    expect(current().notice).toBe('You were removed from #side.');
  });

  it('keeps the list when a subscription ends for another reason', async () => {
    const { fake, current } = await startController();
    fake.events.emit('unsubscribed', { spaceId: 'side' });
    await settle();
    expect(ids(current())).toEqual(['main', 'side']);
    expect(current().notice).toBeUndefined();
  });

  it('opens a direct message and lists it', async () => {
    const { controller, current } = await startController();
    await controller.openDm(['bob']);
    expect(current().spaceId).toBe('dm-test');
    expect(current().spaces.find((space) => space.id === 'dm-test')?.kind).toBe('dm');
  });
});

describe('ChatController: the reader’s own spaces and previews (issue 19)', () => {
  it('lists the reader’s own spaces', async () => {
    const { listed, current } = await startController();
    expect(listed[0]).toEqual({ scope: 'mine' });
    expect(ids(current())).toEqual(['main', 'side']);
    expect(current().previewing).toBeUndefined();
  });

  it('opens the public space opened last, as a preview, though it is not in the list', async () => {
    const { current } = await startController(storeWithLastSpace('garden'));
    expect(current().spaceId).toBe('garden');
    expect(current().previewing).toMatchObject({ id: 'garden', name: 'Garden' });
    expect(ids(current())).toEqual(['main', 'side']);
  });

  it('opens main when the space opened last is no longer there for the reader', async () => {
    const { current } = await startController(storeWithLastSpace('gone'));
    expect(current().spaceId).toBe('main');
    expect(current().notice).toBeUndefined();
  });

  it('opens main for a space opened last that is gone, also when the connection opens while it loads', async () => {
    const fake = createFakeClient([]);
    const gone: Array<() => void> = [];
    const readUpdates = fake.client.readUpdates;
    fake.client.readUpdates = (spaceId, range) =>
      spaceId === 'gone'
        ? new Promise((_, reject) =>
            gone.push(() => reject(new TimClientError('not_found', 'There is no space "gone".'))),
          )
        : readUpdates(spaceId, range);
    const controller = new ChatController({ client: fake.client, me, store: storeWithLastSpace('gone') });
    const starting = controller.start();
    await settle();
    // The first load is overtaken by the one the opened connection asks for.
    fake.events.emit('state', { previous: 'connecting', next: 'open', reason: 'test' });
    await settle();
    for (const reject of gone.splice(0)) reject();
    await starting;
    await settle();
    expect(controller.view().spaceId).toBe('main');
    expect(controller.view().notice).toBeUndefined();
    controller.dispose();
  });

  it('joins the previewed space from its header: listed at the end, no longer a preview', async () => {
    const { fake, controller, current } = await startController();
    await controller.openSpace('garden', { listing: GARDEN });
    expect(current().previewing?.id).toBe('garden');
    await controller.joinOpenSpace();
    expect(fake.joined).toEqual(['garden']);
    expect(ids(current())).toEqual(['main', 'side', 'garden']);
    expect(current().previewing).toBeUndefined();
  });

  it('says why joining failed, and keeps the preview', async () => {
    const { fake, controller, current } = await startController();
    fake.client.joinSpace = async () => {
      throw new TimClientError('forbidden', 'Nobody joins "garden" by themselves.');
    };
    await controller.openSpace('garden', { listing: GARDEN });
    await controller.joinOpenSpace();
    expect(current().notice).toBe('Could not join #Garden. Nobody joins "garden" by themselves.');
    expect(current().previewing?.id).toBe('garden');
  });

  it('joins a previewed space before a message is sent there, so it stays in the list', async () => {
    const { fake, controller, current } = await startController();
    await controller.openSpace('garden', { listing: GARDEN });
    const sending = controller.send('hello garden');
    await settle();
    expect(fake.joined).toEqual(['garden']);
    expect(fake.sends.map((send) => send.spaceId)).toEqual(['garden']);
    fake.sends[0]?.settle(confirmation(1, fake.sends[0].clientMsgId, 'hello garden'));
    await sending;
    expect(ids(current())).toEqual(['main', 'side', 'garden']);
    const again = controller.send('again');
    await settle();
    fake.sends[1]?.settle(confirmation(2, fake.sends[1].clientMsgId, 'again'));
    await again;
    expect(fake.joined).toEqual(['garden']);
  });

  it('sends in a space of the reader’s without joining', async () => {
    const { fake, controller } = await startController();
    const sending = controller.send('hello main');
    await settle();
    expect(fake.sends).toHaveLength(1);
    fake.sends[0]?.settle(confirmation(1, fake.sends[0].clientMsgId, 'hello main'));
    await sending;
    expect(fake.joined).toEqual([]);
  });
});
