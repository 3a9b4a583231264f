import { ChatController } from './chat-controller';
import type { ChatView } from './chat-view';
import { createFakeClient, me, memoryStore, settle } from './test-chat-client';

async function startController() {
  const fake = createFakeClient([]);
  const controller = new ChatController({ client: fake.client, me, store: memoryStore() });
  let view: ChatView = controller.view();
  controller.onChange((next) => (view = next));
  await controller.start();
  return { fake, controller, current: () => view };
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
