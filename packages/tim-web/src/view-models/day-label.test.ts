import { dayLabel, daySeparators, localDayKey } from './day-label';

// Local times, so the tests hold in any time zone the machine runs in.
const now = new Date(2026, 11, 3, 15, 0);

describe('dayLabel', () => {
  it('says Today and Yesterday by the calendar, not by 24 hours', () => {
    expect(dayLabel(new Date(2026, 11, 3, 0, 1), now, 'en-GB')).toBe('Today');
    expect(dayLabel(new Date(2026, 11, 2, 23, 59), now, 'en-GB')).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 11, 2, 0, 0), now, 'en-GB')).toBe('Yesterday');
  });

  it('names older days by weekday and date, adding the year only for another year', () => {
    expect(dayLabel(new Date(2026, 11, 1, 9, 0), now, 'en-GB')).toBe('Tuesday, 1 December');
    expect(dayLabel(new Date(2025, 11, 1, 9, 0), now, 'en-GB')).toBe('Monday, 1 December 2025');
    expect(dayLabel(new Date(2026, 0, 1, 9, 0), new Date(2026, 0, 2, 9, 0), 'en-US')).toBe('Yesterday');
    expect(dayLabel(new Date(2025, 11, 31, 9, 0), new Date(2026, 0, 2, 9, 0), 'en-US')).toBe(
      'Wednesday, December 31, 2025',
    );
  });

  it('crosses month boundaries for Yesterday', () => {
    expect(dayLabel(new Date(2026, 10, 30, 12, 0), new Date(2026, 11, 1, 8, 0), 'en-GB')).toBe('Yesterday');
  });
});

describe('daySeparators', () => {
  it('puts a separator before the first item of each day, skipping items without a time', () => {
    const at = (day: number, hour: number): string => new Date(2026, 11, day, hour).toISOString();
    const separators = daySeparators(
      [
        { key: 'a', createdAt: at(1, 9) },
        { key: 'b', createdAt: at(1, 18) },
        { key: 'c', createdAt: at(2, 8) },
        { key: 'stream' },
        { key: 'd', createdAt: at(3, 10) },
        { key: 'e', createdAt: at(3, 11) },
        { key: 'outbox' },
      ],
      now,
      'en-GB',
    );
    expect([...separators]).toEqual([
      ['a', 'Tuesday, 1 December'],
      ['c', 'Yesterday'],
      ['d', 'Today'],
    ]);
  });

  it('shows nothing for an empty timeline', () => {
    expect(daySeparators([], now).size).toBe(0);
  });

  it('keys days by the local calendar', () => {
    expect(localDayKey(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
