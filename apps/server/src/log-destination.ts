import { openSync } from 'node:fs';
import { destination } from 'pino';

/** How long a log line may wait for others before they are written together, in ms. */
const BATCH_MS = 50;

/** Where the server writes its log lines when no stream is given (see {@link openLogDestination}). */
export interface LogDestination {
  /** What the logger writes each line to. */
  stream: { write(line: string): void };
  /** Writes every line still queued, synchronously. */
  flush(): void;
}

/**
 * Opens pino's asynchronous destination on a file (opened for appending, and kept open for the life
 * of the process) or stdout, behind a queue. A line costs its request only its copy into the queue;
 * the lines gathered over {@link BATCH_MS} go to the destination in one piece, which writes them off
 * the main thread (behind the write in flight, if any). Under load this is one write for dozens of
 * requests: every write wakes a thread of Node's pool, which on a busy machine costs more than the
 * write itself. `flush` (on close) and an exit handler write what is still queued, so that no line
 * is lost when the process stops.
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
        // Unref'd: a pending batch does not keep the process alive; the exit handler writes it.
        if (queued === '') setTimeout(writeQueued, BATCH_MS).unref();
        queued += line;
      },
    },
    flush() {
      flush();
      process.off('exit', flush);
    },
  };
}
