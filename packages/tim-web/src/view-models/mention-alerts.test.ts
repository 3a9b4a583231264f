import { TimClientError, type MessageResponse, type SpaceActivityFrame } from '@tim/protocol';
import { MentionAlerts, excerpt, type DesktopNotice, type NotificationPermissionState } from './mention-alerts';
import { makeUpdate } from './test-updates';

const frame: SpaceActivityFrame = {
  type: 'space_activity',
  spaceId: 'side',
  updateId: 4,
  messageId: 4,
  senderId: 1,
  mentions: [7],
};

function setup(options: { hidden?: boolean; permission?: NotificationPermissionState; fails?: boolean } = {}) {
  const page = { hidden: options.hidden ?? true };
  const shown: DesktopNotice[] = [];
  const opened: string[] = [];
  const alerts = new MentionAlerts({
    client: {
      getMessage: async (): Promise<MessageResponse> => {
        if (options.fails === true) throw new TimClientError('network', 'offline');
        const update = makeUpdate(4, { spaceId: 'side', content: 'hey  @bo,\nlunch?' });
        return { message: update.event.message, updateId: 4 };
      },
    },
    notifications: {
      permission: () => options.permission ?? 'granted',
      requestPermission: async () => 'granted',
      pageHidden: () => page.hidden,
      show: (notice) => void shown.push(notice),
    },
    spaceName: (spaceId) => `${spaceId} room`,
    onOpen: (spaceId) => void opened.push(spaceId),
  });
  return { alerts, shown, opened, page };
}

describe('MentionAlerts', () => {
  it('shows who mentioned the reader where, with the start of the message, and opens the space on a click', async () => {
    const { alerts, shown, opened } = setup();
    expect(await alerts.noteMention(frame)).toBe(true);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({
      title: 'alice mentioned you in #side room',
      body: 'hey @bo, lunch?',
      tag: 'tim-mention-side',
    });
    shown[0]?.onClick();
    expect(opened).toEqual(['side']);
  });

  it('says only where when the message cannot be read', async () => {
    const { alerts, shown } = setup({ fails: true });
    await alerts.noteMention(frame);
    expect(shown[0]).toMatchObject({ title: 'You were mentioned in #side room', body: '' });
  });

  it('stays quiet while the page is on screen, or without permission', async () => {
    for (const options of [
      { hidden: false },
      { permission: 'default' as const },
      { permission: 'denied' as const },
      { permission: 'unsupported' as const },
    ]) {
      const { alerts, shown } = setup(options);
      expect(await alerts.noteMention(frame)).toBe(false);
      expect(shown).toEqual([]);
    }
  });

  it('stays quiet when the reader came back while the message was read', async () => {
    const { alerts, shown, page } = setup();
    const noting = alerts.noteMention(frame);
    page.hidden = false;
    expect(await noting).toBe(false);
    expect(shown).toEqual([]);
  });
});

describe('excerpt', () => {
  it('keeps a short message on one line and cuts a long one', () => {
    expect(excerpt('a\n\n b')).toBe('a b');
    expect(excerpt('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
