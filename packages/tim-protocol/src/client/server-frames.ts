import { z } from 'zod';
import { UpdateEvent, type Update, type UpdateEnvelope } from '../schemas/entities';
import { ServerFrame } from '../schemas/frames';
import { parseJsonText } from './parse';
import { TimClientError } from './tim-client-error';

// Records over the union make adding a frame type or event kind to the schemas fail to compile
// here until the client knows it; anything not listed is a newer server's extension, ignored.
const SERVER_FRAME_TYPES: Record<ServerFrame['type'], true> = {
  ready: true,
  subscribed: true,
  unsubscribed: true,
  update: true,
  presence: true,
  activity: true,
  error: true,
  pong: true,
  stream_opened: true,
  stream: true,
  stream_end: true,
  unread_subscribed: true,
  space_activity: true,
  read_marker: true,
  space_added: true,
  abilities: true,
  abilities_declared: true,
};
const UPDATE_EVENT_TYPES: Record<UpdateEvent['type'], true> = {
  message: true,
  message_edited: true,
  message_deleted: true,
  reaction: true,
  ability_call: true,
  ability_outcome: true,
};

const TypedFrame = z.looseObject({ type: z.string() });

/**
 * Parses a frame the server sent: the frame, undefined for a frame type this client does not
 * know (ignored, per the protocol), or an 'invalid_response' error for anything that breaks
 * the protocol (binary or non-JSON data, no type, a known type with the wrong shape).
 */
export function readServerFrame(text: string | undefined): ServerFrame | TimClientError | undefined {
  const json = text === undefined ? undefined : parseJsonText(text);
  const typed = TypedFrame.safeParse(json);
  if (!typed.success) {
    return new TimClientError('invalid_response', 'The server sent a frame that is not a typed JSON object.');
  }
  if (!Object.hasOwn(SERVER_FRAME_TYPES, typed.data.type)) return undefined;
  const frame = ServerFrame.safeParse(json);
  if (!frame.success) {
    const message = `The server sent a '${typed.data.type}' frame that does not match the protocol.`;
    return new TimClientError('invalid_response', message, { details: frame.error.issues });
  }
  return frame.data;
}

/**
 * The update an envelope carries: undefined for an event kind this client does not know
 * (clients ignore those), an 'invalid_response' error for a known kind with the wrong shape.
 */
export function readUpdate(envelope: UpdateEnvelope): Update | TimClientError | undefined {
  const event = UpdateEvent.safeParse(envelope.event);
  if (event.success) return { ...envelope, event: event.data };
  if (!Object.hasOwn(UPDATE_EVENT_TYPES, envelope.event.type)) return undefined;
  const message = `Update ${envelope.id} of ${envelope.spaceId} has a '${envelope.event.type}' event that does not match the protocol.`;
  return new TimClientError('invalid_response', message, { details: event.error.issues });
}
