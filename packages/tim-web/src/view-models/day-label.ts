/** A calendar day in the reader's time zone, as `YYYY-MM-DD`: cheap, so it can run on every update. */
export function localDayKey(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/**
 * What a day separator says: "Today", "Yesterday", or the weekday and date ("Tuesday,
 * 1 December"), with the year only when it is not this year's.
 */
export function dayLabel(date: Date, now: Date, locale?: string): string {
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (localDayKey(date) === localDayKey(now)) return 'Today';
  if (localDayKey(date) === localDayKey(yesterday)) return 'Yesterday';
  // Weekday and date apart, so every locale data version reads "Tuesday, 1 December".
  const weekday = date.toLocaleDateString(locale, { weekday: 'long' });
  const day = date.toLocaleDateString(locale, {
    day: 'numeric',
    month: 'long',
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
  return `${weekday}, ${day}`;
}

/**
 * The separators a timeline shows: for each item that starts a new day, its key and the day's
 * label. Items without a time (a reply being written, an unsent message) belong to the day
 * before them. Only the separators are formatted, once per day shown.
 */
export function daySeparators(
  items: readonly { key: string; createdAt?: string }[],
  now: Date,
  locale?: string,
): Map<string, string> {
  const separators = new Map<string, string>();
  let previousDay: string | undefined;
  for (const item of items) {
    if (item.createdAt === undefined) continue;
    const date = new Date(item.createdAt);
    const day = localDayKey(date);
    if (day !== previousDay) separators.set(item.key, dayLabel(date, now, locale));
    previousDay = day;
  }
  return separators;
}
