import { messageTime } from './message-time';

describe('messageTime', () => {
  // A local time, so the test holds in any time zone the machine runs in.
  const createdAt = new Date(2026, 11, 3, 14, 5).toISOString();

  it('gives the short time and the full date and time, as toLocale…String would', () => {
    const date = new Date(createdAt);
    expect(messageTime(createdAt, 'en-GB')).toEqual({
      short: date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }),
      full: date.toLocaleString('en-GB', { dateStyle: 'full', timeStyle: 'short' }),
    });
    expect(messageTime(createdAt, 'en-GB').short).toBe('14:05');
  });

  it('formats in the locale asked for, each with its own formats', () => {
    expect(messageTime(createdAt, 'en-US').short).toBe('02:05 PM');
    expect(messageTime(createdAt, 'en-GB').full).toContain('Thursday');
    expect(messageTime(createdAt, 'de-DE').full).toContain('Donnerstag');
  });
});
