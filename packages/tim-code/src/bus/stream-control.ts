import { StreamId, Timite } from '@tim/protocol';
import { z } from 'zod';

/**
 * What processes ask of the process that holds a stream, over the bus of the stream's space:
 * `sync` (a process started serving the space: publish every open stream's text so far) and
 * `stop` (a human stopped the stream through another process).
 */
export const StreamControl = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sync') }),
  z.object({ type: z.literal('stop'), streamId: StreamId, by: Timite }),
]);
export type StreamControl = z.infer<typeof StreamControl>;
