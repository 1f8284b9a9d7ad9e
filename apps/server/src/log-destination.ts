import { openSync } from 'node:fs';
import { destination } from 'pino';

/** Where the server writes its log lines when no stream is given (see {@link openLogDestination}). */
export interface LogDestination {
  /** What the logger writes each line to. */
  stream: { write(line: string): void };
  /** Writes every line still queued, synchronously. */
  flush(): void;
}

/**
 * Opens pino's asynchronous destination on a file (opened for appending, and kept open for the life
 * of the process) or stdout, behind a queue that gathers the lines of one turn of the event loop. A
 * line costs its request only its copy into that queue; once the turn's requests are done, the
 * queue goes to the destination in one piece, which writes it off the main thread (behind the
 * write in flight, if any). Nothing waits for more lines, so those of an idle server appear at
 * once. `flush` (on close) and an exit handler write what is still queued, so that no line is lost
 * when the process stops.
 */
export function openLogDestination(file?: string): LogDestination {
  const sonic = destination({ dest: file === undefined ? 1 : openSync(file, 'a'), sync: false });
  let queued = '';
  const writeQueued = () => {
    if (queued === '') return;
    sonic.write(queued);
    queued = '';
  };
  const flush = () => {
    writeQueued();
    sonic.flushSync();
  };
  process.once('exit', flush);
  return {
    stream: {
      write(line) {
        if (queued === '') setImmediate(writeQueued);
        queued += line;
      },
    },
    flush() {
      flush();
      process.off('exit', flush);
    },
  };
}
