/**
 * Message content carries its own send time and sequence number, so a subscriber in another
 * process measures latency from the content alone: `<sendTimeMs>|<seq>|xxxx…`.
 */

/** Wall-clock time in ms with sub-ms precision, comparable across processes on one host. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Content of exactly `contentBytes` ASCII bytes (or longer if the header alone exceeds it). */
export function encodeContent(options: { sendTimeMs: number; seq: number; contentBytes: number }): string {
  const header = `${options.sendTimeMs.toFixed(3)}|${options.seq}|`;
  return header + 'x'.repeat(Math.max(0, options.contentBytes - header.length));
}

/** The send time carried by the content, or NaN when it carries none. */
export function decodeSendTimeMs(content: string): number {
  const end = content.indexOf('|');
  return end > 0 ? Number(content.slice(0, end)) : Number.NaN;
}
