/**
 * A message's time as the timeline shows it: the short time on the message, the full date and
 * time on hover. Each format is built once: `toLocaleTimeString(…, options)` builds a new
 * `Intl.DateTimeFormat` on every call, which was most of the cost of rendering a message.
 */
export interface MessageTime {
  /** "14:05", in the reader's locale and time zone. */
  short: string;
  /** "Thursday, 3 December 2026 at 14:05". */
  full: string;
}

const formatsByLocale = new Map<string, { short: Intl.DateTimeFormat; full: Intl.DateTimeFormat }>();

function formatsFor(locale: string | undefined): { short: Intl.DateTimeFormat; full: Intl.DateTimeFormat } {
  const key = locale ?? '';
  let formats = formatsByLocale.get(key);
  if (formats === undefined) {
    formats = {
      short: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
      full: new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }),
    };
    formatsByLocale.set(key, formats);
  }
  return formats;
}

/** `createdAt` (ISO 8601) formatted for the reader; `locale` defaults to the browser's. */
export function messageTime(createdAt: string, locale?: string): MessageTime {
  const date = new Date(createdAt);
  const formats = formatsFor(locale);
  return { short: formats.short.format(date), full: formats.full.format(date) };
}
