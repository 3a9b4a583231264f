import { ClientFrame } from '@tim/protocol';

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; message: string };

/** JSON text → a typed client frame, or a sentence naming what is wrong. */
export function parseClientFrame(text: string | undefined): ParsedFrame {
  if (text === undefined) return { ok: false, message: 'Frames are JSON text, not binary.' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'A frame must be valid JSON.' };
  }
  const result = ClientFrame.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'frame' : issue.path.join('.');
  const message =
    issue?.code === 'unrecognized_keys'
      ? `Unknown field(s): ${issue.keys.join(', ')}.`
      : `${where}: ${issue?.message ?? 'invalid'}.`;
  return { ok: false, message: `Not a valid frame. ${message}` };
}
