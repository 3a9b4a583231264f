import { MessageEvent, UpdateFrame } from '@tim/protocol';

/** What a subscriber needs from an update frame. */
export interface UpdateFields {
  updateId: number;
  content: string;
}

/**
 * Reads an update frame. The first update of each connection is parsed in full with the
 * protocol schemas; later ones go through this shape check instead, because a full zod parse
 * of every frame (tens of thousands per second) would take the CPU the servers are measured
 * on: the load generator shares the machine with them.
 */
export function readUpdateFast(frame: unknown): UpdateFields | undefined {
  if (!isRecord(frame) || !isRecord(frame.update)) return undefined;
  const { id, event } = frame.update;
  if (typeof id !== 'number' || !isRecord(event) || !isRecord(event.message)) return undefined;
  const { content } = event.message;
  return typeof content === 'string' ? { updateId: id, content } : undefined;
}

/** The full check, for the first update of a connection; throws on a malformed frame. */
export function readUpdateStrict(frame: unknown): UpdateFields {
  const { update } = UpdateFrame.parse(frame);
  const event = MessageEvent.parse(update.event);
  return { updateId: update.id, content: event.message.content };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
