import type { SpaceActivityFrame, SpaceId, TimClient } from '@tim/protocol';

/** Whether the page may show desktop notifications; 'unsupported' when the browser has none. */
export type NotificationPermissionState = 'default' | 'granted' | 'denied' | 'unsupported';

/** The browser's desktop notifications as the chat uses them; tests pass a fake. */
export interface DesktopNotifications {
  permission(): NotificationPermissionState;
  /** Asks the reader. Browsers allow it only during a user gesture (a click), never on load. */
  requestPermission(): Promise<NotificationPermissionState>;
  /** The page is not on screen (another tab in front, the window minimised). */
  pageHidden(): boolean;
  show(notice: DesktopNotice): void;
}

export interface DesktopNotice {
  title: string;
  body: string;
  /** A newer notice with the same tag replaces the older one. */
  tag: string;
  /** The reader clicked it; the tab has been brought to the front. */
  onClick: () => void;
}

export interface MentionAlertsOptions {
  client: Pick<TimClient, 'getMessage'>;
  notifications: DesktopNotifications;
  spaceName: (spaceId: SpaceId) => string;
  /** Opens the space the reader was mentioned in. */
  onOpen: (spaceId: SpaceId) => void;
}

const BODY_CHARS = 140;

/**
 * Tells a reader who is not looking that someone mentioned them: a desktop notification naming
 * who and where, with the start of the message; a click brings the tab to the front and opens
 * the space. Only while the page is hidden and only with the reader's permission.
 */
export class MentionAlerts {
  readonly #options: MentionAlertsOptions;

  constructor(options: MentionAlertsOptions) {
    this.#options = options;
  }

  /** An unread mention of the reader arrived. Resolves true when a notification was shown. */
  async noteMention(frame: SpaceActivityFrame): Promise<boolean> {
    const { notifications, client, spaceName, onOpen } = this.#options;
    if (!notifications.pageHidden() || notifications.permission() !== 'granted') return false;
    const where = `#${spaceName(frame.spaceId)}`;
    let title = `You were mentioned in ${where}`;
    let body = '';
    try {
      const { message } = await client.getMessage(frame.spaceId, frame.messageId);
      title = `${message.sender.nick} mentioned you in ${where}`;
      body = excerpt(message.content);
    } catch {
      // The message could not be read (deleted meanwhile, offline): the mention is still news.
    }
    // The reader may have come back while the message was read.
    if (!notifications.pageHidden()) return false;
    notifications.show({ title, body, tag: `tim-mention-${frame.spaceId}`, onClick: () => onOpen(frame.spaceId) });
    return true;
  }
}

/** The start of a message on one line. */
export function excerpt(content: string, maxChars = BODY_CHARS): string {
  const line = content.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= maxChars ? line : `${chars.slice(0, maxChars - 1).join('')}…`;
}

/** `DesktopNotifications` on the browser's Notification API and the page's visibility. */
export function browserNotifications(): DesktopNotifications {
  const supported = typeof window !== 'undefined' && 'Notification' in window;
  // Reading Notification.permission asks the browser process (about a millisecond in Chromium),
  // and the chat's view asks on every render: read it once, again after a request, and when
  // the reader comes back to the page (a change in the site settings happens elsewhere).
  const read = (): NotificationPermissionState => (supported ? Notification.permission : 'unsupported');
  let permission = read();
  if (supported) {
    const reread = (): void => {
      permission = read();
    };
    window.addEventListener('focus', reread);
    document.addEventListener('visibilitychange', reread);
  }
  return {
    permission: () => permission,
    requestPermission: async () => {
      if (!supported) return 'unsupported';
      permission = await Notification.requestPermission();
      return permission;
    },
    pageHidden: () => document.visibilityState === 'hidden',
    show: ({ title, body, tag, onClick }) => {
      if (!supported) return;
      const notification = new Notification(title, { body, tag });
      notification.onclick = () => {
        window.focus();
        notification.close();
        onClick();
      };
    },
  };
}
