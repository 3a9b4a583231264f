import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export const NOTE_MAX_CHARS = 4000;

const Note = z.object({
  id: z.string(),
  text: z.string(),
  tags: z.array(z.string()),
  createdAt: z.string(),
});
export type Note = z.infer<typeof Note>;

const NotesFile = z.object({ version: z.literal(1), notes: z.array(Note) });

/** Notes kept in one JSON file, rewritten whole (atomically) on every change. */
export interface NotesStore {
  add(input: { text: string; tags?: readonly string[] }): Promise<Note>;
  /** Notes holding every word of `query` (in text or tags, any case), newest first; all notes for an empty query. */
  search(query: string, limit: number): Promise<Note[]>;
}

export function createNotesStore(options: { file: string; now: () => number }): NotesStore {
  const { file } = options;
  // Changes run one after another, so two adds never read the same file and lose one.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function load(): Promise<Note[]> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return NotesFile.parse(JSON.parse(text)).notes;
  }

  async function save(notes: Note[]): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ version: 1, notes }, null, 2)}\n`);
    await rename(temp, file);
  }

  return {
    add(input) {
      return serially(async () => {
        const note: Note = {
          id: randomUUID(),
          text: input.text,
          tags: [...(input.tags ?? [])],
          createdAt: new Date(options.now()).toISOString(),
        };
        await save([...(await load()), note]);
        return note;
      });
    },
    async search(query, limit) {
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      const notes = await serially(load);
      return notes
        .filter((note) => {
          const haystack = `${note.text} ${note.tags.join(' ')}`.toLowerCase();
          return words.every((word) => haystack.includes(word));
        })
        .reverse()
        .slice(0, limit);
    },
  };
}
