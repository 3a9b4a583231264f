import type { Readable } from 'node:stream';

export type OutputStream = 'stdout' | 'stderr';

export interface OutputLine {
  readonly stream: OutputStream;
  /** The line without its line break. */
  readonly text: string;
}

/** What a child process wrote, split into lines; the newest lines are kept for diagnostics. */
export interface OutputLines {
  /** Reads `source` to its end, so that a chatty child never blocks on a full pipe. */
  read(source: Readable, stream: OutputStream): void;
  /** The kept lines, oldest first. */
  kept(): readonly OutputLine[];
  /** Calls `listener` with every line from now on; returns the function that stops it. */
  onLine(listener: (line: OutputLine) => void): () => void;
}

/** Keeps the newest lines up to `keptChars` characters in all, line breaks counted (at least the last line). */
export function createOutputLines(keptChars: number): OutputLines {
  const lines: OutputLine[] = [];
  let keptCharCount = 0;
  const listeners = new Set<(line: OutputLine) => void>();

  const add = (line: OutputLine): void => {
    lines.push(line);
    keptCharCount += line.text.length + 1;
    while (keptCharCount > keptChars && lines.length > 1) keptCharCount -= (lines.shift()?.text.length ?? 0) + 1;
    for (const listener of [...listeners]) listener(line);
  };

  return {
    read(source, stream) {
      let partial = '';
      source.setEncoding('utf8');
      source.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const text of parts) add({ stream, text: text.replace(/\r$/, '') });
      });
      // A last line without a line break still counts once the stream ends.
      source.on('end', () => {
        if (partial !== '') add({ stream, text: partial });
        partial = '';
      });
    },
    kept: () => lines,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
